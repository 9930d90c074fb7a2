"""``auditor history``: the recorded runs as a table (English or French) or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import ConfigError
from auditor.model.findings import SEVERITIES
from auditor.results.history import DEFAULT_PATH, RunRecord, opened


def store_target(option: str | None, configured: Path | str | None) -> Path | str:
    """``--db``, else ``history:`` from the configuration, else ``./audit-history.db``."""
    if option:
        return option
    return configured if configured is not None else DEFAULT_PATH


def history_text(target: Path | str, last: int | None, as_json: bool = False, lang: str = "en") -> str:
    if last is not None and last < 1:
        raise ConfigError("cli.last", last=last)
    with opened(target, create=False) as store:
        runs = store.runs(last)
    if as_json:
        return json.dumps([r.to_json() for r in runs], indent=2) + "\n"
    if not runs:
        return (f"aucune exécution enregistrée pour l'instant dans {store.where}\n" if lang == "fr"
                else f"no run recorded yet in {store.where}\n")
    return _table(runs, lang)


_HEAD_FR = ["#", "exécution", "début", "profil", "fournisseurs", "verdict", "crit", "élev", "moy", "faib", "info",
            "inc", "dér", "lac", "cptes"]
_VERDICTS_FR = {"compliant": "conforme", "non-compliant": "non conforme", "incomplete": "incomplet"}


def _table(runs: list[RunRecord], lang: str = "en") -> str:
    head = ["#", "run id", "started", "profile", "providers", "verdict", *(s.value[:4] for s in SEVERITIES),
            "unkn", "waiv", "gaps", "accts"]
    if lang == "fr":
        head = list(_HEAD_FR)
    rows = [[str(r.seq), r.run_id, r.started, r.profile, "+".join(r.providers) or "-",
             _VERDICTS_FR.get(r.verdict, r.verdict) if lang == "fr" else r.verdict,
             *(str(r.failing.get(s.value, 0)) for s in SEVERITIES), str(r.unknown), str(r.waived), str(r.gaps),
             str(len(r.accounts))] for r in runs]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    numeric = set(range(6, len(head))) | {0}

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join(line(r) for r in [head, *rows]) + "\n"
