"""What every renderer shares: the options, the renderer record, and small text helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.errors import ConfigError
from auditor.model.findings import Finding, FindingsDoc, Status
from auditor.safetext import clean
from auditor.safetext import typography as typography  # the renderers import it from here

if TYPE_CHECKING:
    from auditor.results.baseline import Baseline

LANGS: tuple[str, ...] = ("en", "fr")


def account_label(ident: str | None, names: Mapping[str, str]) -> str:
    """An account, subscription or tenant id with its display name: ``123456789012 (loire-production)``."""
    if not ident:
        return ""
    name = names.get(ident) or names.get(ident.lower())
    return f"{ident} ({name})" if name else ident


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One past run, for the trend sparkline: failing findings by severity (``"critical"`` … ``"info"``)."""

    label: str  # shown on hover / in the table: a date or a run id
    counts: Mapping[str, int] = field(default_factory=dict)
    unknown: int = 0


@dataclass(frozen=True, slots=True)
class RenderOptions:
    lang: str = "en"
    findings_sha256: str | None = None  # SHA-256 of the findings.json bytes (Method section)
    previous: FindingsDoc | None = None  # the previous run, for "since last run" (by Finding.key)
    trend: tuple[TrendPoint, ...] = ()  # past runs, oldest first; the current run is appended by the renderer
    report_link: str | None = None  # where the full report lives (Markdown summary points at it)
    generated_at: str | None = None  # shown as the report date; the run's end time when absent
    timezone: str = "Europe/Paris"  # dates are shown in this IANA time zone (--timezone)
    csv_separator: str | None = None  # None: ";" for French reports (what a French spreadsheet expects), else ","
    organization: str | None = None  # heads the printed report (config report.organization)
    scope_statement: str | None = None  # what was audited, in the auditor's words (config report.scope)
    author: str | None = None  # who ran the audit (config report.author)
    approver: str | None = None  # who approves it (config report.approver): the signature block
    transfer_bases: Mapping[str, str] = field(default_factory=dict)  # country -> declared basis (SCC…)
    dpf: bool = False  # US transfers rest on the EU-US Data Privacy Framework (config dpf)
    baseline: Baseline | None = None  # baseline mode: findings it knows do not fail the gate


RenderFn = Callable[[FindingsDoc, RenderOptions], str | bytes]


@dataclass(frozen=True, slots=True)
class Renderer:
    name: str  # the --format name
    filename: str  # default file name in the output folder
    render: RenderFn
    missing: Callable[[], ConfigError | None] | None = None  # why the format cannot be written here (an extra)

    def unavailable(self) -> ConfigError | None:
        return self.missing() if self.missing is not None else None


STATUS_ORDER: dict[Status, int] = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.PASS: 3}


def finding_order(f: Finding) -> tuple[int, int, str, str, str]:
    """Worst first, then a stable order that never depends on input order."""
    return (-f.severity.rank, STATUS_ORDER[f.status], f.policy_id, f.resource_id, f.location_key)


def pick(texts: Mapping[str, str], lang: str) -> str:
    """A finding's text in ``lang``, else English, else any language (deterministically), else ``""``."""
    if texts.get(lang):
        return typography(texts[lang], lang)
    if texts.get("en"):
        return texts["en"]
    for key in sorted(texts):
        if texts[key]:
            return texts[key]
    return ""


def framework_of(ref: str) -> str:
    """``GDPR:Art.44`` -> ``GDPR``; a ref without a colon is its own framework."""
    return ref.split(":", 1)[0].strip() or ref


def passes(doc: FindingsDoc) -> Iterator[tuple[str, str]]:
    """Every passing (policy id, resource id): the compact ``doc.passed`` map and any ``pass`` finding."""
    for policy_id in sorted(doc.passed):
        for resource_id in doc.passed[policy_id]:
            yield policy_id, resource_id
    for f in doc.findings:
        if f.status is Status.PASS:
            yield f.policy_id, f.resource_id


def strip_controls(value: Any) -> Any:
    """Control characters (NUL, ESC, C1, bidi overrides…) removed from a cloud string: :func:`safetext.clean`."""
    return clean(value)
