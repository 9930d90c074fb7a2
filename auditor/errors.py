"""The one small exception hierarchy the CLI turns into a one-line message and an exit code.

Anything that is not an ``AuditorError`` is a bug and keeps its traceback.
"""

from __future__ import annotations


class AuditorError(Exception):
    """A problem the user can fix; ``location`` is ``file:line`` when known."""

    exit_code = 2

    def __init__(self, message: str, *, location: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def one_line(self) -> str:
        text = self.message if self.location is None else f"{self.location}: {self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())


class ConfigError(AuditorError):
    """auditor.yaml, command-line options or profiles are wrong."""


class PolicyError(AuditorError):
    """A policy, framework or waiver file is wrong."""


class InputError(AuditorError):
    """An input file (inventory, findings, plan) is unreadable or malformed."""


class OutputError(AuditorError):
    """The output folder, a report or the history cannot be written (full disk, read-only, permissions)."""


class ConnectorError(AuditorError):
    """A cloud could not be reached at all (no credentials, endpoint down).

    Partial failures are not errors: they become coverage gaps.
    """

    exit_code = 3
