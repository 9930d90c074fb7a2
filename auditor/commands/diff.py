"""``auditor diff``: what changed between two runs, and its exit code.

The comparison is :func:`auditor.results.diff.diff`, the one "what changed": the reports' "since
last run" section is the same computation (``auditor.render.trend.changes``). Each side is a
``findings.json`` (read by :mod:`auditor.model.documents`) or a run of the store.
"""

from __future__ import annotations

from pathlib import Path

from auditor.model.findings import Severity
from auditor.model.vocab import DiffFormat, parse
from auditor.results.diff import Diff, Snapshot, diff, escalations, load_file
from auditor.results.diff_text import FORMATS
from auditor.results.history import History, opened

EXIT_CHANGED = 1


def _is_file(ref: str) -> bool:
    return ref.endswith(".json") or Path(ref).is_file()


def _snapshot(ref: str, store: History | None) -> Snapshot:
    if _is_file(ref):
        return load_file(Path(ref))
    assert store is not None
    return store.snapshot(store.resolve(ref))


def compare(old: str, new: str, target: Path | str) -> Diff:
    """The diff of two runs: run ids / ``latest`` / ``previous`` from the store, or findings.json files."""
    if _is_file(old) and _is_file(new):
        return diff(load_file(Path(old)), load_file(Path(new)))
    with opened(target, create=False) as store:
        return diff(_snapshot(old, store), _snapshot(new, store))


def diff_command(old: str, new: str, target: Path | str, fail_on: str, fmt: str, limit: int,
                 lang: str = "en") -> tuple[str, int]:
    """Compare two runs; exit code 1 when an open finding at or above ``fail_on`` is new (or rose to that
    severity)."""
    threshold = parse(Severity, fail_on, "--fail-on")
    form = parse(DiffFormat, fmt, "--format")
    d = compare(old, new, target)
    return FORMATS[form](d, limit, lang), EXIT_CHANGED if escalations(d, threshold) else 0
