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


_TEXTS = {
    "en": {"sep": ": ", "accounts": "{n} accounts/subscriptions", "none": "no account",
           "audited": "{who}audited {stores} data stores ({health} holding health data) in {places} ({providers}), "
                      "profile {profile}.",
           "verdict": "Verdict: ", "report": "Report: ", "also": "Also in {folder}: ", "elapsed": "Elapsed: "},
    "fr": {"sep": "\u202f: ", "accounts": "{n} comptes/abonnements", "none": "aucun compte",
           "audited": "{who}{stores} stockages de données audités (dont {health} avec des données de santé) dans "
                      "{places} ({providers}), profil {profile}.",
           "verdict": "Verdict\u202f: ", "report": "Rapport\u202f: ", "also": "Également dans {folder}\u202f: ",
           "elapsed": "Durée\u202f: "},
}  # French: a narrow no-break space before ":" (French typography)


def summary(doc: FindingsDoc, gate: GateResult, files: Sequence[Path], seconds: float, lang: str = "en") -> list[str]:
    """The lines printed at the end of a run (not ``--quiet``), in the run's language."""
    t = _TEXTS.get(lang, _TEXTS["en"])
    run = doc.run
    health = sum(1 for r in doc.resources if r.classification and r.classification.health)
    who = f"{run.organization_name}{t['sep']}" if run.organization_name else ""
    places = t["accounts"].format(n=len(run.accounts)) if run.accounts else t["none"]
    lines = [t["audited"].format(who=who, stores=len(doc.resources), health=health, places=places,
                                 providers=", ".join(run.providers) or run.source, profile=run.profile),
             t["verdict"] + (gate_summary(gate, "fr") if lang == "fr" else gate.summary)]
    main, others = _files(files)
    if main is not None:
        lines.append(t["report"] + str(main.resolve()))
        if others:
            lines.append(t["also"].format(folder=main.resolve().parent) + ", ".join(others))
    lines.append(t["elapsed"] + elapsed(seconds))
    return lines


def _files(files: Sequence[Path]) -> tuple[Path | None, list[str]]:
    by_name = {p.name: p for p in files}
    main = next((by_name[n] for n in PREFERRED if n in by_name), files[0] if files else None)
    return main, [p.name for p in files if p != main]


def reporter_for(quiet: bool, verbose: bool = False, lang: str = "en") -> Any:
    """Bars on a terminal, plain progress lines in logs (cron, CI), nothing with ``--quiet``; in ``lang``."""
    if quiet:
        return NullReporter(lang)
    return RichReporter(verbose=verbose, lang=lang) if sys.stderr.isatty() else LineReporter(verbose, lang)
