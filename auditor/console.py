"""The final summary a scan prints: what was audited, the verdict and its counts, where the report is, how long.

Cron mails and CI logs keep the last lines of a run: they must say enough to act on without opening a file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.model.findings import FindingsDoc
from auditor.progress import LineReporter, NullReporter, RichReporter
from auditor.results.gate import GateResult

PREFERRED = ("report.html", "summary.md", "findings.json")  # the file a person opens first


def elapsed(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def summary(doc: FindingsDoc, gate: GateResult, files: Sequence[Path], seconds: float) -> list[str]:
    """The lines printed at the end of a run (not ``--quiet``)."""
    run = doc.run
    health = sum(1 for r in doc.resources if r.classification and r.classification.health)
    who = f"{run.organization_name}: " if run.organization_name else ""
    places = f"{len(run.accounts)} accounts/subscriptions" if run.accounts else "no account"
    lines = [f"{who}audited {len(doc.resources)} data stores ({health} holding health data) in {places} "
             f"({', '.join(run.providers) or run.source}), profile {run.profile}.",
             f"Verdict: {gate.summary}"]
    by_name = {p.name: p for p in files}
    main = next((by_name[n] for n in PREFERRED if n in by_name), files[0] if files else None)
    if main is not None:
        lines.append(f"Report: {main.resolve()}")
        others = [p.name for p in files if p != main]
        if others:
            lines.append(f"Also in {main.resolve().parent}: {', '.join(others)}")
    lines.append(f"Elapsed: {elapsed(seconds)}")
    return lines


def reporter_for(quiet: bool, verbose: bool = False) -> Any:
    """Bars on a terminal, plain progress lines in logs (cron, CI), nothing with ``--quiet``."""
    if quiet:
        return NullReporter()
    return RichReporter(verbose=verbose) if sys.stderr.isatty() else LineReporter(verbose)
