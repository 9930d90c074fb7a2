"""Resources x compiled policies -> findings (fail, pass, unknown, waived).

For each in-scope policy on a resource: ``condition`` true -> fail; else ``unknown_when``
true -> unknown; else pass. An expression that errors or returns a non-boolean is
``unknown`` (with the error as evidence), never a pass. Coverage gaps are evaluated by the
``coverage-gap`` policies, so every gap becomes an ``unknown`` finding.

A gap naming a store leaves one aspect of it unread (its key, access list, network rules,
logging settings, copy destinations, tags, or the whole store): only the policies whose
condition reads that aspect (``engine.context.aspects_of``) lose their pass, and their message
says what was not read. A failure on the facts that were read stands: known facts decide.
A planned store whose logging the plan does not set gets a ``not-in-plan`` gap (something a plan
can never show: logging set outside Terraform): the checks reading it are "not assessable from a
plan", reported, never blocking on its own (``Finding.assessable``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.engine import limits, wording
from auditor.engine.cel import context as cel_context
from auditor.engine.context import ContextBuilder, aspects_of, referenced_fields, referenced_subfields
from auditor.engine.pack import PolicyPack
from auditor.engine.policy import Policy
from auditor.engine.profile import Profile
from auditor.engine.unread import ASPECT_NAME, NOT_IN_PLAN_TEXT, UNREAD, not_in_plan
from auditor.engine.waivers import WaiverSet, usage_notices
from auditor.errors import ConfigError
from auditor.model.findings import Finding, Severity, Status
from auditor.model.inventory import NOT_IN_PLAN, CoverageGap, GapAspect, Inventory, Resource

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MEMO_LIMIT = 200_000
Verdicts = tuple[tuple[Status, list[Any], str | None], ...]



@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]  # fail, unknown, waived
    passed: dict[str, tuple[str, ...]]  # policy id -> resource ids that passed it
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


def _fill(template: Mapping[str, str], values: Mapping[str, str], details: list[Any] | None = None
          ) -> dict[str, str]:
    """The message in each language, quoting the values in that language (``wording``)."""
    def one(text: str, lang: str) -> str:
        shown = wording.localised_values(values, details or [], lang) if details is not None else values
        return _PLACEHOLDER.sub(lambda m: shown.get(m.group(1), m.group(0)), text)

    return {lang: one(text, lang) for lang, text in template.items()}


def _describe(item: Any) -> str:
    return wording.describe(item)


def _subject_facts(resource: Resource | None, gap: Mapping[str, Any] | None) -> dict[str, str]:
    """What a finding says about its subject, straight from the model (not from the CEL view)."""
    if resource is not None:
        primary = next((loc for loc in resource.locations if loc.role.value == "primary"), None)
        return {
            "id": resource.id, "name": resource.name, "provider": resource.provider, "account": resource.account,
            "region": resource.region,
            "country": (primary.country if primary else None) or "",
            "zone": (primary.zone.value if primary and primary.zone else "unknown"),
            "service": resource.service, "reason": "", "error": "",
        }
    g = gap or {}
    rid = g.get("resource_id") or f"{g.get('provider')}:{g.get('account')}:{g.get('region')}:{g.get('service')}"
    return {
        "id": rid, "name": g.get("resource_id") or g.get("service") or "", "provider": g.get("provider") or "",
        "account": g.get("account") or "", "region": g.get("region") or "", "country": "", "zone": "",
        "service": g.get("service") or "", "reason": g.get("reason") or "", "error": g.get("error") or "",
    }


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
        beyond = limits.problem("profile", profile.as_context())
        if beyond:
            raise ConfigError(f"profile {profile.id} is beyond the engine's limits: {beyond}",
                              location=profile.source or None)

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
        self.fields = {p.id: referenced_fields(*(e.source for e in (p.scope, p.condition, p.unknown_when, p.details)
                                                 if e is not None)) for p in resource_policies}
        # The scope says which stores a policy applies to; what it judges is read by the other expressions.
        judged = {p.id: referenced_fields(*(e.source for e in (p.condition, p.unknown_when, p.details)
                                            if e is not None)) for p in resource_policies}
        self.aspects = {pid: aspects_of(fields) for pid, fields in judged.items()}
        self.plan_aspects = {pid: aspects_of(fields, direct=True) for pid, fields in judged.items()}
        self.scope_fields = referenced_fields(*(p.scope.source for p in resource_policies if p.scope is not None))
        self.unscoped = [p for p in resource_policies if p.scope is None]
        self._needed: dict[tuple[str, ...], frozenset[str]] = {}
        self._scope_memo: dict[str, tuple[tuple[Policy, ...], tuple[tuple[Policy, str], ...]]] = {}
        self._memo: dict[tuple[tuple[str, ...], str], Verdicts] = {}
        sources = [e.source for p in (*resource_policies, *gap_policies)
                   for e in (p.scope, p.condition, p.unknown_when, p.details) if e is not None]
        self.builder = ContextBuilder(self.profile, referenced_subfields(*sources))
        # One CEL context for the whole run: the profile is converted once, ``resource`` is replaced per store.
        self.ctx = cel_context({"profile": self.builder.profile_context})

    def needed(self, policies: tuple[Policy, ...]) -> frozenset[str]:
        key = tuple(p.id for p in policies)
        hit = self._needed.get(key)
        if hit is None:
            hit = self._needed[key] = frozenset().union(*(self.fields[p.id] for p in policies))
        return hit

    def finding(self, policy: Policy, status: Status, details: list[Any], error: str | None,
                resource: Resource | None = None, gap: Mapping[str, Any] | None = None,
                unread: Mapping[str, str] | None = None, assessable: bool = True) -> Finding:
        facts = _subject_facts(resource, gap)
        described = [_describe(d) for d in details]
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
        waiver = None
        if status is Status.FAIL:
            for w in self.waivers.active:
                if w.matches(policy.id, facts["id"], facts["name"]):
                    waiver = w.ref()
                    self.used_waivers.add(w.id)
                    status = Status.WAIVED
                    break
        failing = status is not Status.PASS
        return Finding(
            policy_id=policy.id,
            title=dict(policy.title),
            severity=severity,
            status=status,
            resource_id=facts["id"],
            provider=facts["provider"],
            account=facts["account"] or None,
            region=region or None,
            country=country or None,
            zone=zone or None,
            message=_fill(unread if unread is not None
                          else policy.unknown_message if status is Status.UNKNOWN and policy.unknown_message
                          else policy.message, values, details) if failing else {},
            remediation=dict(policy.remediation) if failing else {},
            frameworks=self.pack.framework_refs.get(policy.id, ()),
            evidence=evidence if failing else (),
            category=policy.category,
            location_key="; ".join(sorted(described)),
            waiver=waiver,
            baseline_severity=policy.severity if severity != policy.severity else None,
            assessable=assessable,
        )

    @staticmethod
    def in_scope(policy: Policy, ctx: Any) -> bool | str:
        """True/False, or an error text (an erroring scope is an unknown, not a skip)."""
        if policy.scope is None:
            return True
        try:
            result = policy.scope.run(ctx)
        except Exception as exc:  # reported as unknown
            return " ".join(str(exc).split())[:300] or type(exc).__name__
        if isinstance(result, bool):
            return result
        return f"scope returned {type(result).__name__}, not a boolean"

    @staticmethod
    def judge(policy: Policy, ctx: Any) -> tuple[Status, list[Any], str | None]:
        try:
            violated = policy.condition.run(ctx)
            if violated is True:
                details = policy.details.run(ctx) if policy.details is not None else []
                return Status.FAIL, list(details) if isinstance(details, list) else [details], None
            if violated is not False:
                return Status.UNKNOWN, [], f"condition returned {type(violated).__name__}, not a boolean"
            if policy.unknown_when is not None and policy.unknown_when.run(ctx) is True:
                return Status.UNKNOWN, _Run.unknown_details(policy, ctx), None
            return Status.PASS, [], None
        except Exception as exc:  # any evaluation failure is an unknown, never a pass
            return Status.UNKNOWN, [], " ".join(str(exc).split())[:300] or type(exc).__name__

    @staticmethod
    def unknown_details(policy: Policy, ctx: Any) -> list[Any]:
        """Details for an unknown whose message quotes them ({details}): why the facts cannot decide."""
        if policy.details is None or not any("{details}" in t for t in policy.unknown_message.values()):
            return []
        try:
            details = policy.details.run(ctx)
        except Exception:  # the unknown stands; only its explanation is missing
            return []
        return list(details) if isinstance(details, list) else [details]

    def scopes(self, r: Resource) -> tuple[tuple[Policy, ...], tuple[tuple[Policy, str], ...]]:
        """Phase 1: which policies apply, from a small context holding only what the scopes read.

        Memoised on that context's content: stores that look alike to the scopes share one answer.
        """
        subject = self.builder.resource(r, self.scope_fields)
        key = repr(subject)
        hit = self._scope_memo.get(key)
        if hit is None and (beyond := limits.problem("resource", subject, key)):
            return (), tuple((p, self.beyond(r, beyond)) for p in self.resource_policies)
        if hit is None:
            self.ctx.add_variable("resource", subject)
            selected: list[Policy] = []
            errors: list[tuple[Policy, str]] = []
            for policy in self.resource_policies:
                verdict = self.in_scope(policy, self.ctx)
                if verdict is True:
                    selected.append(policy)
                elif verdict is not False:
                    errors.append((policy, str(verdict)))
            hit = self._scope_memo[key] = (tuple(selected), tuple(errors))
            if len(self._scope_memo) > _MEMO_LIMIT:
                self._scope_memo.clear()
        return hit

    def verdicts(self, r: Resource, selected: tuple[Policy, ...]) -> Verdicts:
        """Phase 2: every selected policy on one context holding the fields they read, built once.

        Memoised on (policies, context content): CEL sees nothing else, so equal content gives equal
        verdicts; the finding texts are still made per resource.
        """
        subject = self.builder.resource(r, self.needed(selected))
        key = (tuple(p.id for p in selected), repr(subject))
        hit = self._memo.get(key)
        if hit is None and (beyond := limits.problem("resource", subject, key[1])):
            return tuple((Status.UNKNOWN, [], self.beyond(r, beyond)) for _ in selected)
        if hit is None:
            self.ctx.add_variable("resource", subject)
            hit = self._memo[key] = tuple(self.judge(policy, self.ctx) for policy in selected)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
        return hit

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
            return out
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
        return out

    def _missing(self, policy: Policy, unread: Mapping[GapAspect, list[CoverageGap]]
                 ) -> list[tuple[GapAspect, list[CoverageGap]]]:
        """The gaps of a store on aspects this policy reads (a plan's blind spots: directly read only)."""
        live, plan = self.aspects[policy.id], self.plan_aspects[policy.id]
        out = []
        for aspect, gaps in sorted(unread.items()):
            hit = [g for g in gaps if aspect in (plan if g.reason == NOT_IN_PLAN else live)]
            if hit:
                out.append((aspect, hit))
        return out

    def _unread(self, policy: Policy, status: Status, details: list[Any], error: str | None, r: Resource,
                missing: list[tuple[GapAspect, list[CoverageGap]]]) -> Finding:
        """A pass (or an unknown) on a store an aspect of which this policy reads was not read.

        What was read passes, but that proves nothing: unknown, saying what was not read. When
        only a plan's blind spots are missing, the check is "not assessable from a plan".
        """
        gaps = [g for _, found in missing for g in found]
        evidence = "; ".join(dict.fromkeys(f"its {g.aspect.value} could not be read ({g.service} {g.reason}: {g.error})"
                                           for g in gaps))
        error = f"{error}; {evidence}" if error else evidence
        if all(g.reason == NOT_IN_PLAN for g in gaps):
            aspects = [a for a, _ in missing]
            template = {lang: text.replace("{what}", ", ".join(ASPECT_NAME[a][lang] for a in aspects))
                        for lang, text in NOT_IN_PLAN_TEXT.items()}
            return self.finding(policy, Status.UNKNOWN, details, error, resource=r, unread=template,
                                assessable=False)
        if status is Status.UNKNOWN and policy.unknown_message:
            return self.finding(policy, status, details, error, resource=r)  # its own reason, which is true
        first = next(a for a, found in missing if any(g.reason != NOT_IN_PLAN for g in found))
        why = ", ".join(dict.fromkeys(f"{g.service} {g.reason}" for _, found in missing for g in found
                                      if g.reason != NOT_IN_PLAN))
        template = {lang: text.replace("{why}", why) for lang, text in UNREAD[first].items()}
        return self.finding(policy, Status.UNKNOWN, details, error, resource=r, unread=template)

    def gap(self, g: CoverageGap) -> list[Finding]:
        subject = self.builder.gap(g)
        if limits.problem("gap", subject):  # a long error text is cut for the expressions (the gap keeps it whole)
            subject = {k: v[:limits.MAX_TEXT] if isinstance(v, str) else v for k, v in subject.items()}
        ctx = cel_context({"gap": subject, "profile": self.builder.profile_context})
        out = []
        if g.reason == NOT_IN_PLAN:
            return []  # said on the checks that depend on it ("not assessable from a plan"), never blocking
        for policy in self.gap_policies:
            verdict = self.in_scope(policy, ctx)
            if verdict is False:
                continue
            _, details, error = self.judge(policy, ctx) if verdict is True else (Status.UNKNOWN, [], str(verdict))
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
    notices = [*profile_notices(pack, profile), *waivers.notices]
    if run.over_limits:
        first, why = next(iter(run.over_limits.items()))
        notices.append(f"{len(run.over_limits)} resource(s) beyond the engine's input limits were not evaluated "
                       f"(their policies are unknown), e.g. {first}: {why}")
    notices.extend(f"waiver {w.id} ({w.policy} on {w.resource}) matches nothing: stale"
                   for w in waivers.active if w.id not in run.used_waivers)
    notices.extend(usage_notices(waivers, findings))
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
