"""Resources x compiled policies -> findings (fail, pass, unknown, waived).

For each in-scope policy on a resource: ``condition`` true -> fail; else ``unknown_when``
true -> unknown; else pass. An expression that errors or returns a non-boolean is
``unknown`` (with the error as evidence), never a pass. Coverage gaps are evaluated by the
``coverage-gap`` policies, so every gap becomes an ``unknown`` finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.engine.cel import context as cel_context
from auditor.engine.context import ContextBuilder
from auditor.engine.pack import PolicyPack
from auditor.engine.policy import Policy
from auditor.engine.profile import Profile
from auditor.engine.waivers import WaiverSet
from auditor.model.findings import Finding, Severity, Status
from auditor.model.inventory import CoverageGap, Inventory, Resource

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]
    notices: tuple[str, ...]


def severity_for(policy: Policy, profile: Profile) -> Severity:
    return profile.severities.get(policy.id, policy.severity)


def profile_notices(pack: PolicyPack, profile: Profile) -> list[str]:
    """Say, in the report, every place where the profile departs from the policy baseline."""
    notes = []
    for policy in pack.policies:
        new = profile.severities.get(policy.id)
        if new is not None and new != policy.severity:
            verb = "raises" if new.rank > policy.severity.rank else "LOWERS"
            notes.append(f"profile {profile.id} {verb} {policy.id} from {policy.severity.value} to {new.value}")
    notes.extend(f"profile {profile.id} disables {pid}" for pid in profile.disabled)
    return notes


def _fill(template: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    def one(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    return {lang: one(text) for lang, text in template.items()}


def _describe(item: Any) -> str:
    if isinstance(item, Mapping):
        region = item.get("region") or item.get("principal") or "?"
        role = item.get("role")
        country = item.get("country") or "?"
        zone = item.get("zone") or "unknown"
        if "principal" in item:
            home = item.get("home")
            return f"{item['principal']}" + (f" (account/tenant {home})" if home and home != item["principal"] else "")
        return f"{role + ' ' if role else ''}{region} ({country}, {zone})"
    return str(item)


class _Run:
    def __init__(self, pack: PolicyPack, profile: Profile, waivers: WaiverSet) -> None:
        self.pack = pack
        self.profile = profile
        self.waivers = waivers
        self.builder = ContextBuilder(profile)
        disabled = set(profile.disabled)
        active = [p for p in pack.policies if p.id not in disabled]
        self.resource_policies = [p for p in active if p.target == "resource"]
        self.gap_policies = [p for p in active if p.target == "coverage-gap"]
        self.severity = {p.id: severity_for(p, profile) for p in active}
        self.used_waivers: set[str] = set()

    def finding(self, policy: Policy, status: Status, subject: Mapping[str, Any], details: list[Any],
                error: str | None, resource: Resource | None) -> Finding:
        described = [_describe(d) for d in details]
        place = next((d for d in details if isinstance(d, Mapping) and d.get("region")), None)
        primary = subject.get("primary") or {}
        region = (place or primary).get("region") or subject.get("region") or None
        country = (place or primary).get("country") or None
        zone = (place or primary).get("zone") or None
        values = {
            "name": str(subject.get("name") or subject.get("resource_id") or subject.get("service") or ""),
            "id": str(subject.get("id") or subject.get("resource_id") or ""),
            "region": str(region or ""), "country": str(country or "?"), "zone": str(zone or "unknown"),
            "account": str(subject.get("account") or ""), "profile": self.profile.id,
            "details": ", ".join(described) if described else "",
            "service": str(subject.get("service") or ""), "reason": str(subject.get("reason") or ""),
            "error": str(subject.get("error") or ""),
        }
        evidence = tuple(resource.evidence) if resource is not None else ()
        if error:
            evidence = (*evidence, f"policy could not be evaluated: {error}")
        severity = self.severity[policy.id]
        resource_id = str(subject.get("id") or subject.get("resource_id") or
                          f"{subject.get('provider')}:{subject.get('account')}:{subject.get('region')}:{subject.get('service')}")
        name = str(subject.get("name") or "")
        waiver = None
        if status is Status.FAIL:
            for w in self.waivers.active:
                if w.matches(policy.id, resource_id, name):
                    waiver = w.ref()
                    self.used_waivers.add(w.id)
                    status = Status.WAIVED
                    break
        return Finding(
            policy_id=policy.id,
            title=dict(policy.title),
            severity=severity,
            status=status,
            resource_id=resource_id,
            provider=str(subject.get("provider") or ""),
            account=str(subject.get("account") or "") or None,
            region=region,
            country=country,
            zone=zone,
            message=_fill(policy.message, values) if status is not Status.PASS else {},
            remediation=dict(policy.remediation) if status is not Status.PASS else {},
            frameworks=self.pack.framework_refs.get(policy.id, ()),
            evidence=evidence if status is not Status.PASS else (),
            category=policy.category,
            location_key="; ".join(sorted(described)),
            waiver=waiver,
            baseline_severity=policy.severity if severity != policy.severity else None,
        )

    def judge(self, policy: Policy, ctx: Any) -> tuple[Status | None, list[Any], str | None]:
        """(status or None when out of scope, details, error)."""
        try:
            if policy.scope is not None:
                in_scope = policy.scope.run(ctx)
                if in_scope is not True:
                    if in_scope is False:
                        return None, [], None
                    return Status.UNKNOWN, [], f"scope returned {type(in_scope).__name__}, not a boolean"
            violated = policy.condition.run(ctx)
            if violated is True:
                details = policy.details.run(ctx) if policy.details is not None else []
                return Status.FAIL, list(details) if isinstance(details, list) else [details], None
            if violated is not False:
                return Status.UNKNOWN, [], f"condition returned {type(violated).__name__}, not a boolean"
            if policy.unknown_when is not None and policy.unknown_when.run(ctx) is True:
                return Status.UNKNOWN, [], None
            return Status.PASS, [], None
        except Exception as exc:
            return Status.UNKNOWN, [], " ".join(str(exc).split())[:300]

    def resource(self, r: Resource) -> list[Finding]:
        subject = self.builder.resource(r)
        ctx = cel_context({"resource": subject, "profile": self.builder.profile_context})
        out = []
        for policy in self.resource_policies:
            status, details, error = self.judge(policy, ctx)
            if status is not None:
                out.append(self.finding(policy, status, subject, details, error, r))
        return out

    def gap(self, g: CoverageGap) -> list[Finding]:
        subject = self.builder.gap(g)
        ctx = cel_context({"gap": subject, "profile": self.builder.profile_context})
        out = []
        for policy in self.gap_policies:
            status, details, error = self.judge(policy, ctx)
            if status is None:
                continue
            # a gap is never compliant: whatever the policy says, it is at best unknown
            if status is Status.PASS:
                status = Status.UNKNOWN
            out.append(self.finding(policy, status if status is not Status.FAIL else Status.UNKNOWN,
                                    subject, details, error, None))
        return out


def evaluate(inventory: Inventory, pack: PolicyPack, profile: Profile, waivers: WaiverSet) -> Evaluation:
    run = _Run(pack, profile, waivers)
    findings: list[Finding] = []
    for resource in inventory.resources:
        findings.extend(run.resource(resource))
    for gap in inventory.coverage_gaps:
        findings.extend(run.gap(gap))
    if inventory.coverage_gaps and not run.gap_policies:
        raise AssertionError("coverage gaps present but no coverage-gap policy is active")  # never lose a gap
    notices = [*profile_notices(pack, profile), *waivers.notices]
    notices.extend(f"waiver {w.id} ({w.policy} on {w.resource}) matches nothing: stale"
                   for w in waivers.active if w.id not in run.used_waivers)
    return Evaluation(tuple(findings), tuple(notices))


def evaluate_one(resources: Iterable[Resource], gaps: Iterable[CoverageGap], pack: PolicyPack, profile: Profile,
                 policy: Policy) -> list[Finding]:
    """Run a single policy (for ``auditor policies test``)."""
    run = _Run(pack, profile, WaiverSet((), ()))
    run.resource_policies = [policy] if policy.target == "resource" else []
    run.gap_policies = [policy] if policy.target == "coverage-gap" else []
    run.severity.setdefault(policy.id, severity_for(policy, profile))
    out: list[Finding] = []
    for r in resources:
        out.extend(run.resource(r))
    for g in gaps:
        out.extend(run.gap(g))
    return out
