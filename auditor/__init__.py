"""sovereign-auditor: where health data lives, under which law, and who can reach it."""

__version__ = "0.1.0"
