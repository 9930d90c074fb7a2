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
from auditor.results.console import gate_summary
from auditor.results.gate import GateResult

PREFERRED = ("report.html", "summary.md", "findings.json")  # the file a person opens first


def elapsed(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def summary(doc: FindingsDoc, gate: GateResult, files: Sequence[Path], seconds: float, lang: str = "en") -> list[str]:
    """The lines printed at the end of a run (not ``--quiet``), in the run's language."""
    if lang == "fr":
        return _summary_fr(doc, gate, files, seconds)
    run = doc.run
    health = sum(1 for r in doc.resources if r.classification and r.classification.health)
    who = f"{run.organization_name}: " if run.organization_name else ""
    places = f"{len(run.accounts)} accounts/subscriptions" if run.accounts else "no account"
    lines = [f"{who}audited {len(doc.resources)} data stores ({health} holding health data) in {places} "
             f"({', '.join(run.providers) or run.source}), profile {run.profile}.",
             f"Verdict: {gate.summary}"]
    main, others = _files(files)
    if main is not None:
        lines.append(f"Report: {main.resolve()}")
        if others:
            lines.append(f"Also in {main.resolve().parent}: {', '.join(others)}")
    lines.append(f"Elapsed: {elapsed(seconds)}")
    return lines


def _files(files: Sequence[Path]) -> tuple[Path | None, list[str]]:
    by_name = {p.name: p for p in files}
    main = next((by_name[n] for n in PREFERRED if n in by_name), files[0] if files else None)
    return main, [p.name for p in files if p != main]


def _summary_fr(doc: FindingsDoc, gate: GateResult, files: Sequence[Path], seconds: float) -> list[str]:
    run, nbsp = doc.run, "\u202f"  # narrow no-break space before : ; ! ? (French typography)
    health = sum(1 for r in doc.resources if r.classification and r.classification.health)
    who = f"{run.organization_name}{nbsp}: " if run.organization_name else ""
    places = f"{len(run.accounts)} comptes/abonnements" if run.accounts else "aucun compte"
    lines = [f"{who}{len(doc.resources)} stockages de données audités (dont {health} avec des données de santé) "
             f"dans {places} ({', '.join(run.providers) or run.source}), profil {run.profile}.",
             f"Verdict{nbsp}: {gate_summary(gate, 'fr')}"]
    main, others = _files(files)
    if main is not None:
        lines.append(f"Rapport{nbsp}: {main.resolve()}")
        if others:
            lines.append(f"Également dans {main.resolve().parent}{nbsp}: {', '.join(others)}")
    lines.append(f"Durée{nbsp}: {elapsed(seconds)}")
    return lines


def reporter_for(quiet: bool, verbose: bool = False) -> Any:
    """Bars on a terminal, plain progress lines in logs (cron, CI), nothing with ``--quiet``."""
    if quiet:
        return NullReporter()
    return RichReporter(verbose=verbose) if sys.stderr.isatty() else LineReporter(verbose)
