"""CSV: one row per finding, stable columns, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula (CSV injection): it gets a leading ``'``. The file starts with a UTF-8 byte-order mark so
spreadsheet software reads accents right; rows end with CRLF (RFC 4180). French reports separate
cells with ``;`` — the list separator of a French Excel, which opens a comma file in one column —
unless ``report.csv_separator`` says otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from auditor.engine.waivers import coverage
from auditor.model.findings import Finding, FindingsDoc
from auditor.render.base import Renderer, RenderOptions, finding_order, pick, strip_controls

COLUMNS: tuple[str, ...] = (
    "severity", "status", "policy_id", "title", "resource_id", "resource_name", "provider", "account", "region",
    "country", "zone", "message", "remediation", "frameworks", "category", "location_key", "waiver_id",
    "waiver_approver", "waiver_expires", "waiver_reason", "baseline_severity", "finding_key", "waiver_covers",
    "account_name",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else strip_controls(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(f: Finding, name: str, lang: str, covers: dict[str, int], names: Mapping[str, str] | None = None) -> list[str]:
    """``covers``: how many findings each waiver covers in the run (so a broad waiver shows on every row);
    ``names``: account/subscription display names (``run.names``)."""
    w = f.waiver
    values: list[object] = [
        f.severity.value, f.status.value, f.policy_id, pick(f.title, lang), f.resource_id, name, f.provider,
        f.account, f.region, f.country, f.zone, pick(f.message, lang), pick(f.remediation, lang),
        " ".join(f.frameworks), f.category, f.location_key, w.waiver_id if w else "", w.approver if w else "",
        w.expires if w else "", w.reason if w else "", f.baseline_severity.value if f.baseline_severity else "", f.key,
        covers.get(w.waiver_id, "") if w else "",
        (names or {}).get(f.account or "", ""),
    ]
    return [cell(v) for v in values]


def separator(options: RenderOptions) -> str:
    return options.csv_separator or (";" if options.lang == "fr" else ",")


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    names = {r.id: r.name for r in doc.resources}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, delimiter=separator(options))
    writer.writerow(COLUMNS)
    covers = {u.ref.waiver_id: u.findings for u in coverage(doc.findings)}
    for f in sorted(doc.findings, key=finding_order):
        writer.writerow(_row(f, names.get(f.resource_id, ""), options.lang, covers, doc.run.names))
    return "\ufeff" + out.getvalue()


RENDERER = Renderer("csv", "findings.csv", render)
