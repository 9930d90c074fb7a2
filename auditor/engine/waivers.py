"""Waivers: an accepted risk, for one policy on matching resources, until a date.

A waiver needs a reason, an approver, a creation and an expiry date. An expired waiver, or
one whose lifetime exceeds ``waiver_max_days``, does not apply and is reported; a waiver
that matches nothing is reported as stale. Waived findings stay in every output, and every
report says how many findings each waiver covers (``coverage``).

A waiver whose policy *and* resource patterns both match everything (``"*"``, ``"?*"``,
``"*-*"``, ``"[A-Z]*"``…) would silently waive the whole audit: it is refused unless it says
``scope: all``, and then it must expire within ``ALL_SCOPE_MAX_DAYS`` of the run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path

from auditor import yamlio
from auditor.engine.schemas import schema
from auditor.errors import PolicyError
from auditor.model.findings import Finding, Severity, Status, WaiverRef

ALL_SCOPE_MAX_DAYS = 30
# What "everything" looks like when the pack is not given: one policy id per shipped category.
_POLICY_PROBES = ("ACC-001", "CLS-001", "COV-001", "JUR-001", "KEY-001", "LOG-001", "RES-001")
# One resource per kind of id the tool produces (AWS, Azure, Terraform addresses, coverage gaps): a pattern
# matching all of them (by id or name) matches every resource of any inventory.
_RESOURCE_PROBES = (
    ("arn:aws:s3:::qa7", "qa7"),
    ("arn:aws:rds:eu-west-3:111122223333:db:qb8", "qb8"),
    ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/"
     "storageAccounts/qc9", "qc9"),
    ("aws_s3_bucket.qd1", "qd1"),
    ("azurerm_storage_account.qe2", "qe2"),
    ("aws:111122223333:eu-west-3:s3", "s3"),
    ("azure:00000000-0000-0000-0000-000000000000:westeurope:storage", "storage"),
)


@dataclass(frozen=True, slots=True)
class Waiver:
    id: str
    policy: str  # policy id or glob
    resource: str  # glob on the resource id or name
    reason: str
    approver: str
    created: dt.date
    expires: dt.date
    location: str
    scope: str | None = None  # "all": explicitly everything (short-lived)

    def everything(self, policy_ids: Iterable[str]) -> bool:
        """Do both patterns match everything (so the waiver would waive the whole audit)?"""
        return all(fnmatchcase(pid, self.policy) for pid in policy_ids) and all(
            fnmatchcase(rid, self.resource) or fnmatchcase(name, self.resource) for rid, name in _RESOURCE_PROBES)

    def matches(self, policy_id: str, resource_id: str, name: str) -> bool:
        return fnmatchcase(policy_id, self.policy) and (
            fnmatchcase(resource_id, self.resource) or fnmatchcase(name, self.resource)
        )

    def ref(self) -> WaiverRef:
        return WaiverRef(self.id, self.reason, self.approver, self.expires.isoformat())


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """How many findings one waiver covers in a run (shown in every report)."""

    ref: WaiverRef
    findings: int
    by_severity: tuple[tuple[str, int], ...]  # ("critical", 2), … most severe first

    def describe(self) -> str:
        parts = ", ".join(f"{n} {sev}" for sev, n in self.by_severity)
        return f"{self.findings} finding{'s' if self.findings != 1 else ''}" + (f" ({parts})" if parts else "")


def coverage(findings: Iterable[Finding]) -> tuple[WaiverUse, ...]:
    """Each waiver that waived something, with how many findings (by severity), most first."""
    refs: dict[str, WaiverRef] = {}
    counts: dict[str, Counter[Severity]] = {}
    for f in findings:
        if f.status is Status.WAIVED and f.waiver is not None:
            refs.setdefault(f.waiver.waiver_id, f.waiver)
            counts.setdefault(f.waiver.waiver_id, Counter())[f.severity] += 1
    uses = [WaiverUse(refs[wid], sum(c.values()),
                      tuple((s.value, c[s]) for s in sorted(c, key=lambda s: -s.rank)))
            for wid, c in counts.items()]
    return tuple(sorted(uses, key=lambda u: (-u.findings, u.ref.waiver_id)))


@dataclass(frozen=True, slots=True)
class WaiverSet:
    active: tuple[Waiver, ...]
    notices: tuple[str, ...]  # expired / too long: reported, not applied


def usage_notices(waivers: WaiverSet, findings: Iterable[Finding]) -> list[str]:
    """One notice per waiver that applied: what it matches and how many findings it covers."""
    uses = {u.ref.waiver_id: u for u in coverage(findings)}
    return [f"waiver {w.id} ({w.policy} on {w.resource}{', scope: all' if w.scope == 'all' else ''}, expires "
            f"{w.expires.isoformat()}) covers {uses[w.id].describe()}" for w in waivers.active if w.id in uses]


def waive(waivers: WaiverSet, findings: Iterable[Finding], name: str, used: set[str]) -> list[Finding]:
    """The findings of one subject (a store, called ``name``, or a gap), each failure the first
    matching waiver covers turned into a waived finding; ``used`` collects the waivers that applied.

    Only failures are waived: an unknown is never an accepted risk (it is a coverage gap)."""
    out = []
    for f in findings:
        if f.status is Status.FAIL:
            waiver = next((w for w in waivers.active if w.matches(f.policy_id, f.resource_id, name)), None)
            if waiver is not None:
                used.add(waiver.id)
                f = replace(f, status=Status.WAIVED, waiver=waiver.ref())
        out.append(f)
    return out


def stale_notices(waivers: WaiverSet, used: set[str]) -> list[str]:
    """One notice per active waiver that matched nothing in the run."""
    return [f"waiver {w.id} ({w.policy} on {w.resource}) matches nothing: stale"
            for w in waivers.active if w.id not in used]


def _date(text: str, location: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PolicyError("policy.not-a-date", location=location, what=what, text=text) from None


def _check_everything(waiver: Waiver, today: dt.date) -> None:
    """A waiver on every policy and every resource needs ``scope: all`` and a short life."""
    if waiver.scope != "all":
        raise PolicyError("policy.waiver-everything", location=waiver.location, id=waiver.id, policy=waiver.policy,
                          resource=waiver.resource, days=ALL_SCOPE_MAX_DAYS)
    limit = today + dt.timedelta(days=ALL_SCOPE_MAX_DAYS)
    if waiver.expires > limit:
        raise PolicyError("policy.waiver-all-expiry", location=waiver.location, id=waiver.id, days=ALL_SCOPE_MAX_DAYS,
                          limit=limit.isoformat(), expires=waiver.expires.isoformat())


def load_waivers(path: Path | None, today: dt.date, max_days: int,
                 policy_ids: Iterable[str] = _POLICY_PROBES) -> WaiverSet:
    """``policy_ids``: the pack's policies (a policy pattern matching all of them matches everything)."""
    policy_ids = tuple(policy_ids) or _POLICY_PROBES
    if path is None:
        return WaiverSet((), ())
    data = yamlio.load(path, PolicyError)
    yamlio.check(data, schema("waivers"), str(path), PolicyError)
    active: list[Waiver] = []
    notices: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(data["waivers"]):
        location = yamlio.where(data["waivers"], index)
        if item["id"] in seen:
            raise PolicyError("policy.waiver-id-twice", location=location, id=item["id"])
        seen.add(item["id"])
        waiver = Waiver(
            id=item["id"], policy=item["policy"], resource=item["resource"], reason=item["reason"],
            approver=item["approver"], created=_date(item["created"], location, "created"),
            expires=_date(item["expires"], location, "expires"), location=location, scope=item.get("scope"),
        )
        if waiver.expires < waiver.created:
            raise PolicyError("policy.waiver-expires-first", location=location, id=waiver.id)
        if waiver.everything(policy_ids):
            _check_everything(waiver, today)
        if waiver.expires < today:
            notices.append(f"waiver {waiver.id} ({waiver.policy} on {waiver.resource}) expired on "
                           f"{waiver.expires.isoformat()} and no longer applies")
        elif (waiver.expires - waiver.created).days > max_days:
            notices.append(f"waiver {waiver.id} lasts {(waiver.expires - waiver.created).days} days, more than the "
                           f"{max_days} allowed by waiver_max_days: it does not apply")
        else:
            active.append(waiver)
    return WaiverSet(tuple(active), tuple(notices))
