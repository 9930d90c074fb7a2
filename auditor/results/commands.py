"""What ``auditor history`` and ``auditor diff`` print, and the diff's exit code."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import ConfigError
from auditor.model.findings import SEVERITIES, Severity
from auditor.results.diff import Snapshot, diff, escalations, load_file
from auditor.results.diff_text import FORMATS
from auditor.results.history import DEFAULT_PATH, History, RunRecord, opened

EXIT_CHANGED = 1


def store_target(option: str | None, configured: Path | str | None) -> Path | str:
    """``--db``, else ``history:`` from the configuration, else ``./audit-history.db``."""
    if option:
        return option
    return configured if configured is not None else DEFAULT_PATH


def history_text(target: Path | str, last: int | None, as_json: bool = False, lang: str = "en") -> str:
    if last is not None and last < 1:
        raise ConfigError(f"--last {last}: expected a positive number of runs")
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


def _is_file(ref: str) -> bool:
    return ref.endswith(".json") or Path(ref).is_file()


def _snapshot(ref: str, store: History | None) -> Snapshot:
    if _is_file(ref):
        return load_file(Path(ref))
    assert store is not None
    return store.snapshot(store.resolve(ref))


def diff_command(old: str, new: str, target: Path | str, fail_on: str, fmt: str, limit: int,
                 lang: str = "en") -> tuple[str, int]:
    """Compare two runs (run ids / ``latest`` / ``previous`` from the store, or findings.json files).

    Exit code 1 when an open finding at or above ``fail_on`` is new (or rose to that severity).
    """
    try:
        threshold = Severity(fail_on)
    except ValueError:
        raise ConfigError(f"--fail-on {fail_on!r} is not a severity (critical, high, medium, low, info)") from None
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if _is_file(old) and _is_file(new):
        d = diff(load_file(Path(old)), load_file(Path(new)))
    else:
        with opened(target, create=False) as store:
            d = diff(_snapshot(old, store), _snapshot(new, store))
    return FORMATS[fmt](d, limit, lang), EXIT_CHANGED if escalations(d, threshold) else 0
