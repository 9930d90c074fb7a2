"""Resources x compiled policies -> findings (fail, pass, unknown, waived): the loop.

Each job has its module: ``judge`` runs one policy on one activation (unknown is never a pass),
``context`` builds the activation holding only what the active policies read (``projection``,
from their parsed expressions), ``memo`` shares verdicts between stores that look alike to the
policies, ``messages`` writes what a finding says, ``waivers`` turns the failures a waiver
covers into waived findings. Coverage gaps are evaluated by the ``coverage-gap`` policies, so
every gap becomes an ``unknown`` finding.

A gap naming a store leaves one aspect of it unread (its key, access list, network rules,
logging settings, copy destinations, tags, or the whole store): only the policies whose
condition reads that aspect (``engine.context.aspects_of``) lose their pass, and their message
says what was not read. A failure on the facts that were read stands: known facts decide.
A planned store whose logging the plan does not set gets a ``not-in-plan`` gap (something a plan
can never show: logging set outside Terraform): the checks reading it are "not assessable from a
plan", reported, never blocking on its own (``Finding.assessable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.engine import limits
from auditor.engine.cel import Expression
from auditor.engine.cel import context as cel_context
from auditor.engine.context import ContextBuilder, aspects_of, fields_of, keys_of
from auditor.engine.judge import Verdict, in_scope, judge
from auditor.engine.memo import Memo, stable_key
from auditor.engine.messages import (
    Missing,
    fill,
    only_not_in_plan,
    over_limits_notice,
    profile_notices,
    subject_facts,
    unread_evidence,
    unread_template,
)
from auditor.engine.pack import PolicyPack
from auditor.engine.policy import Policy
from auditor.engine.profile import Profile
from auditor.engine.unread import not_in_plan
from auditor.engine.waivers import WaiverSet, stale_notices, usage_notices, waive
from auditor.engine.wording import describe
from auditor.errors import ConfigError
from auditor.model.findings import Finding, Severity, Status
from auditor.model.inventory import NOT_IN_PLAN, CoverageGap, GapAspect, Inventory, Resource

Verdicts = tuple[Verdict, ...]
Scoped = tuple[tuple[Policy, ...], tuple[tuple[Policy, str], ...]]  # policies in scope, scopes that erred

__all__ = ["Evaluation", "evaluate", "evaluate_one", "profile_notices", "severity_for"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]  # fail, unknown, waived
    passed: dict[str, tuple[str, ...]]  # policy id -> resource ids that passed it
    notices: tuple[str, ...]


def severity_for(policy: Policy, profile: Profile) -> Severity:
    return profile.severities.get(policy.id, policy.severity)


def _expressions(p: Policy, scope: bool = True) -> tuple[Expression | None, ...]:
    return (p.scope if scope else None, p.condition, p.unknown_when, p.details)


class _Run:
    def __init__(self, pack: PolicyPack, profile: Profile, waivers: WaiverSet) -> None:
        self.pack = pack
        self.profile = profile
        self.waivers = waivers
        disabled = set(profile.disabled)
        active = [p for p in pack.policies if p.id not in disabled]
        self.set_policies([p for p in active if p.target == "resource"], [p for p in active if p.target != "resource"])
        self.severity = {p.id: severity_for(p, profile) for p in active}
        self.used_waivers: set[str] = set()
        self.passed: dict[str, list[str]] = {}
        # resource id -> aspect -> what could not be read of it (from coverage gaps naming the store)
        self.unread: dict[str, dict[GapAspect, list[CoverageGap]]] = {}
        self.over_limits: dict[str, str] = {}  # resource id -> which input limit it exceeds (not evaluated)
        self._texts: dict[tuple[str, str], dict[str, str]] = {}
        beyond = limits.problem("profile", profile.as_context())
        if beyond:
            raise ConfigError("policy.beyond-limits", location=profile.source or None, profile=profile.id,
                              beyond=beyond)

    def note_unread(self, gaps: Iterable[CoverageGap]) -> None:
        """A store named by a coverage gap passes nothing that depends on the aspect left unread."""
        for g in gaps:
            if g.resource_id:
                found = self.unread.setdefault(g.resource_id, {}).setdefault(g.aspect, [])
                if g not in found:
                    found.append(g)

    def set_policies(self, resource_policies: list[Policy], gap_policies: list[Policy]) -> None:
        self.resource_policies = resource_policies
        self.gap_policies = gap_policies
        # The projection: each store's activation holds what the policies' expressions read (``projection``).
        self.fields = {p.id: fields_of(*_expressions(p)) for p in resource_policies}
        # The scope says which stores a policy applies to; what it judges is read by the other expressions.
        judged = {p.id: fields_of(*_expressions(p, scope=False)) for p in resource_policies}
        self.aspects = {pid: aspects_of(fields) for pid, fields in judged.items()}
        self.plan_aspects = {pid: aspects_of(fields, direct=True) for pid, fields in judged.items()}
        self.scope_fields = fields_of(*(p.scope for p in resource_policies if p.scope is not None))
        self._needed: dict[tuple[str, ...], frozenset[str]] = {}
        self._scope_memo: Memo[Scoped] = Memo()
        self._memo: Memo[Verdicts] = Memo()
        self.builder = ContextBuilder(self.profile, keys_of(*(e for p in (*resource_policies, *gap_policies)
                                                              for e in _expressions(p))))
        # One CEL context for the whole run: the profile is converted once, ``resource`` is replaced per store.
        self.ctx = cel_context({"profile": self.builder.profile_context})

    def needed(self, policies: tuple[Policy, ...]) -> frozenset[str]:
        key = tuple(p.id for p in policies)
        hit = self._needed.get(key)
        if hit is None:
            hit = self._needed[key] = frozenset().union(*(self.fields[p.id] for p in policies))
        return hit

    def texts(self, policy: Policy, name: str) -> dict[str, str]:
        """A policy's title or remediation as a finding holds it: one copy per policy, shared by its findings
        (frozen, never changed), not one per finding."""
        key = (policy.id, name)
        hit = self._texts.get(key)
        if hit is None:
            hit = self._texts[key] = dict(getattr(policy, name))
        return hit

    def finding(self, policy: Policy, status: Status, details: list[Any], error: str | None,
                resource: Resource | None = None, gap: Mapping[str, Any] | None = None,
                template: Mapping[str, str] | None = None, assessable: bool = True) -> Finding:
        facts = subject_facts(resource, gap)
        described = [describe(d) for d in details]
        place = next((d for d in details if isinstance(d, Mapping) and d.get("region")), None)
        region = str(place.get("region")) if place else facts["region"]
        country = str(place.get("country") or "") if place else facts["country"]
        zone = str(place.get("zone") or "") if place else facts["zone"]
        values = {**facts, "region": region, "country": country or "?", "zone": zone or "unknown",
                  "profile": self.profile.id, "details": ", ".join(described)}
        evidence = tuple(resource.evidence) if resource is not None else ()
        if error:
            evidence = (*evidence, f"policy could not be evaluated: {error}")
        severity = self.severity[policy.id]
        failing = status is not Status.PASS
        if template is None:
            template = (policy.unknown_message if status is Status.UNKNOWN and policy.unknown_message
                        else policy.message)
        return Finding(
            policy_id=policy.id,
            title=self.texts(policy, "title"),
            severity=severity,
            status=status,
            resource_id=facts["id"],
            provider=facts["provider"],
            account=facts["account"] or None,
            region=region or None,
            country=country or None,
            zone=zone or None,
            message=fill(template, values, details) if failing else {},
            remediation=self.texts(policy, "remediation") if failing else {},
            frameworks=self.pack.framework_refs.get(policy.id, ()),
            evidence=evidence if failing else (),
            category=policy.category,
            location_key="; ".join(sorted(described)),
            baseline_severity=policy.severity if severity != policy.severity else None,
            assessable=assessable,
        )

    def scopes(self, r: Resource) -> Scoped:
        """Phase 1: which policies apply, from a small context holding only what the scopes read.

        Memoised on that context's content: stores that look alike to the scopes share one answer.
        """
        subject = self.builder.resource(r, self.scope_fields)
        key = stable_key(subject)
        hit = self._scope_memo.get(key)
        if hit is not None:
            return hit
        if beyond := limits.problem("resource", subject, key):
            return (), tuple((p, self.beyond(r, beyond)) for p in self.resource_policies)
        self.ctx.add_variable("resource", subject)
        selected: list[Policy] = []
        errors: list[tuple[Policy, str]] = []
        for policy in self.resource_policies:
            verdict = in_scope(policy, self.ctx)
            if verdict is True:
                selected.append(policy)
            elif verdict is not False:
                errors.append((policy, str(verdict)))
        return self._scope_memo.put(key, (tuple(selected), tuple(errors)))

    def verdicts(self, r: Resource, selected: tuple[Policy, ...]) -> Verdicts:
        """Phase 2: every selected policy on one context holding the fields they read, built once.

        Memoised on (policies, context content): CEL sees nothing else, so equal content gives equal
        verdicts; the finding texts are still made per resource.
        """
        subject = self.builder.resource(r, self.needed(selected))
        text = stable_key(subject)
        key = (tuple(p.id for p in selected), text)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if beyond := limits.problem("resource", subject, text):
            return tuple((Status.UNKNOWN, [], self.beyond(r, beyond)) for _ in selected)
        self.ctx.add_variable("resource", subject)
        return self._memo.put(key, tuple(judge(policy, self.ctx) for policy in selected))

    def beyond(self, r: Resource, problem: str) -> str:
        """An activation beyond the input limits is not evaluated: its policies are unknown."""
        self.over_limits.setdefault(r.id, problem)
        return f"not evaluated: {problem}, beyond the engine's input limits"

    def resource(self, r: Resource) -> list[Finding]:
        if r.change == "delete":
            return []  # a store the plan deletes is listed in the report, not judged: removing it is the fix
        selected, errors = self.scopes(r)
        out = [self.finding(policy, Status.UNKNOWN, [], error, resource=r) for policy, error in errors]
        if not selected:
            return waive(self.waivers, out, r.name, self.used_waivers)
        unread = self.unread.get(r.id)
        if r.change is not None and r.logging is None:  # a planned store: its logging may be set elsewhere
            unread = {**(unread or {}), GapAspect.LOGGING: [*(unread or {}).get(GapAspect.LOGGING, ()),
                                                            not_in_plan(r)]}
        for policy, (status, details, error) in zip(selected, self.verdicts(r, selected), strict=True):
            if unread and status is not Status.FAIL:
                missing = self._missing(policy, unread)
                if missing:
                    out.append(self._unread(policy, status, details, error, r, missing))
                    continue
            if status is Status.PASS:
                self.passed.setdefault(policy.id, []).append(r.id)
            else:
                out.append(self.finding(policy, status, details, error, resource=r))
        return waive(self.waivers, out, r.name, self.used_waivers)

    def _missing(self, policy: Policy, unread: Mapping[GapAspect, list[CoverageGap]]) -> Missing:
        """The gaps of a store on aspects this policy reads (a plan's blind spots: directly read only)."""
        live, plan = self.aspects[policy.id], self.plan_aspects[policy.id]
        out = []
        for aspect, gaps in sorted(unread.items()):
            hit = [g for g in gaps if aspect in (plan if g.reason == NOT_IN_PLAN else live)]
            if hit:
                out.append((aspect, hit))
        return out

    def _unread(self, policy: Policy, status: Status, details: list[Any], error: str | None, r: Resource,
                missing: Missing) -> Finding:
        """A pass (or an unknown) on a store an aspect of which this policy reads was not read.

        What was read passes, but that proves nothing: unknown, saying what was not read. When
        only a plan's blind spots are missing, the check is "not assessable from a plan".
        """
        evidence = unread_evidence(missing)
        error = f"{error}; {evidence}" if error else evidence
        if only_not_in_plan(missing):
            return self.finding(policy, Status.UNKNOWN, details, error, resource=r,
                                template=unread_template(missing), assessable=False)
        if status is Status.UNKNOWN and policy.unknown_message:
            return self.finding(policy, status, details, error, resource=r)  # its own reason, which is true
        return self.finding(policy, Status.UNKNOWN, details, error, resource=r, template=unread_template(missing))

    def gap(self, g: CoverageGap) -> list[Finding]:
        if g.reason == NOT_IN_PLAN:
            return []  # said on the checks that depend on it ("not assessable from a plan"), never blocking
        subject = self.builder.gap(g)
        if limits.problem("gap", subject):  # a long error text is cut for the expressions (the gap keeps it whole)
            subject = {k: v[:limits.MAX_TEXT] if isinstance(v, str) else v for k, v in subject.items()}
        ctx = cel_context({"gap": subject, "profile": self.builder.profile_context})
        out = []
        for policy in self.gap_policies:
            verdict = in_scope(policy, ctx)
            if verdict is False:
                continue
            _, details, error = judge(policy, ctx) if verdict is True else (Status.UNKNOWN, [], str(verdict))
            # a gap is never compliant: whatever the policy says, it is unknown
            out.append(self.finding(policy, Status.UNKNOWN, details, error, gap=subject))
        return out


def evaluate(inventory: Inventory, pack: PolicyPack, profile: Profile, waivers: WaiverSet) -> Evaluation:
    run = _Run(pack, profile, waivers)
    run.note_unread(inventory.coverage_gaps)
    findings: list[Finding] = []
    for resource in inventory.resources:
        findings.extend(run.resource(resource))
    for gap in inventory.coverage_gaps:
        findings.extend(run.gap(gap))
    if inventory.coverage_gaps and not run.gap_policies:
        raise AssertionError("coverage gaps present but no coverage-gap policy is active")  # never lose a gap
    notices = [*profile_notices(pack, profile), *waivers.notices, *over_limits_notice(run.over_limits),
               *stale_notices(waivers, run.used_waivers), *usage_notices(waivers, findings)]
    passed = {pid: tuple(ids) for pid, ids in sorted(run.passed.items())}
    return Evaluation(tuple(findings), passed, tuple(notices))


def evaluate_one(resources: Iterable[Resource], gaps: Iterable[CoverageGap], pack: PolicyPack, profile: Profile,
                 policy: Policy) -> Evaluation:
    """Run a single policy (for ``auditor policies test``)."""
    run = _Run(pack, profile, WaiverSet((), ()))
    gaps = tuple(gaps)
    run.note_unread(gaps)
    run.set_policies([policy] if policy.target == "resource" else [], [policy] if policy.target != "resource" else [])
    run.severity.setdefault(policy.id, severity_for(policy, profile))
    out: list[Finding] = []
    for r in resources:
        out.extend(run.resource(r))
    for g in gaps:
        out.extend(run.gap(g))
    return Evaluation(tuple(out), {k: tuple(v) for k, v in run.passed.items()}, ())
