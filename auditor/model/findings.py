"""The result of a run: findings, run metadata, and the ordered severities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from auditor.model.inventory import CoverageGap, Resource

# 2: the inventory's closed sets (see INVENTORY_SCHEMA_VERSION) and ``Run.fail_on`` a severity.
FINDINGS_SCHEMA_VERSION = 2


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 … info=0."""
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0}
SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -_RANK[s]))


class Status(StrEnum):
    FAIL = "fail"
    PASS = "pass"  # noqa: S105 - a status, not a password; passes are listed in FindingsDoc.passed
    UNKNOWN = "unknown"  # could not be decided: never compliant
    WAIVED = "waived"  # would fail, but a valid waiver covers it


Text = Mapping[str, str]  # language code -> text ("en", "fr")


@dataclass(frozen=True, slots=True)
class WaiverRef:
    waiver_id: str
    reason: str
    approver: str
    expires: str  # ISO date


@dataclass(frozen=True, slots=True)
class Finding:
    policy_id: str
    title: Text
    severity: Severity
    status: Status
    resource_id: str
    provider: str
    account: str | None = None
    region: str | None = None
    country: str | None = None
    zone: str | None = None
    message: Text = field(default_factory=dict)
    remediation: Text = field(default_factory=dict)
    frameworks: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    category: str = "residency"  # residency, sovereignty, access, accountability, coverage
    location_key: str = ""  # what makes this finding distinct on its resource (offending places)
    waiver: WaiverRef | None = None
    baseline_severity: Severity | None = None  # set when a profile changed the severity
    subject: str = ""  # the logical identity of the resource when its id does not last (see model/identity.py)
    assessable: bool = True  # False: unknown because a plan can never show what it depends on (never blocking)

    @property
    def key(self) -> str:
        """Stable identity across runs: policy + the resource (its logical identity when it has one) + location.

        A nightly snapshot rotated under a new id keeps its findings' keys: rotation is not change.
        """
        return f"{self.policy_id}|{self.subject or self.resource_id}|{self.location_key}"


@dataclass(frozen=True, slots=True)
class Run:
    tool_version: str
    profile: str
    policy_digest: str
    started: str
    finished: str
    providers: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    source: str = "unknown"
    fail_on: Severity = Severity.HIGH
    allowed_zones: tuple[str, ...] = ()
    allowed_countries: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()  # expired/stale/malformed waivers, profile severity changes…
    run_id: str = ""
    names: Mapping[str, str] = field(default_factory=dict, hash=False)  # account/subscription/tenant id -> its name
    organization_name: str | None = None  # report.organization in auditor.yaml: heads the reports


@dataclass(frozen=True, slots=True)
class Control:
    """A control of a framework (GDPR art. 44, HDS requirement…) and the policies that evidence it."""

    framework: str
    control_id: str
    title: Text
    reference: str  # the legal text in English: "Regulation (EU) 2016/679, Art. 44"
    framework_title: Text = field(default_factory=dict)
    url: str | None = None
    policies: tuple[str, ...] = ()
    manual: bool = False  # no tool can check it (contracts, staff nationality): shown as manual
    out_of_scope: str | None = None  # why the tool does not evidence it, when it does not (English)
    # The same two texts per language ({"en": …, "fr": …}); empty in findings.json files written before they
    # existed, which then show the English ``reference`` / ``out_of_scope``.
    reference_text: Text = field(default_factory=dict)
    out_of_scope_text: Text = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.control_id}"


@dataclass(frozen=True, slots=True)
class FindingsDoc:
    """Everything in ``findings.json``: a report can be rendered from it alone."""

    run: Run
    resources: tuple[Resource, ...]
    findings: tuple[Finding, ...]
    coverage_gaps: tuple[CoverageGap, ...]
    controls: tuple[Control, ...] = ()
    # Passing checks, compactly: policy id -> ids of the resources it was evaluated on and passed.
    # (``findings`` holds only what failed, is unknown or is waived.)
    passed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    schema_version: int = FINDINGS_SCHEMA_VERSION
