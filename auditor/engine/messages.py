"""What a finding says: its message filled from the model, in every language, and the run's notices.

A message template (a policy's ``message`` or ``unknown_message``, or the texts of ``unread`` for
a store part of which was not read) quotes ``{placeholders}``: the subject's facts (from the model,
not from the CEL view), the profile, and the ``details`` the policy returned, each quoted in the
message's language (``wording``). An unknown placeholder stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.engine import wording
from auditor.engine.pack import PolicyPack
from auditor.engine.profile import Profile
from auditor.engine.unread import ASPECT_NAME, NOT_IN_PLAN_TEXT, UNREAD
from auditor.model.inventory import NOT_IN_PLAN, CoverageGap, GapAspect, Resource

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
Missing = list[tuple[GapAspect, list[CoverageGap]]]  # aspects of a store not read, with their gaps


def fill(template: Mapping[str, str], values: Mapping[str, str], details: list[Any] | None = None
         ) -> dict[str, str]:
    """The message in each language, quoting the values in that language (``wording``)."""
    def one(text: str, lang: str) -> str:
        shown = wording.localised_values(values, details or [], lang) if details is not None else values
        return _PLACEHOLDER.sub(lambda m: shown.get(m.group(1), m.group(0)), text)

    return {lang: one(text, lang) for lang, text in template.items()}


def subject_facts(resource: Resource | None, gap: Mapping[str, Any] | None) -> dict[str, str]:
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


def unread_evidence(missing: Missing) -> str:
    """The evidence line of a check left undecided by what was not read of its store."""
    gaps = [g for _, found in missing for g in found]
    return "; ".join(dict.fromkeys(f"its {g.aspect.value} could not be read ({g.service} {g.reason}: {g.error})"
                                   for g in gaps))


def only_not_in_plan(missing: Missing) -> bool:
    """Is all that is missing what a plan can never show (so the check is not assessable from a plan)?"""
    return all(g.reason == NOT_IN_PLAN for _, found in missing for g in found)


def unread_template(missing: Missing) -> dict[str, str]:
    """The message of a check undecided because aspects of its store were not read."""
    if only_not_in_plan(missing):
        what = {lang: ", ".join(ASPECT_NAME[a][lang] for a, _ in missing) for lang in NOT_IN_PLAN_TEXT}
        return {lang: text.replace("{what}", what[lang]) for lang, text in NOT_IN_PLAN_TEXT.items()}
    first = next(a for a, found in missing if any(g.reason != NOT_IN_PLAN for g in found))
    why = ", ".join(dict.fromkeys(f"{g.service} {g.reason}" for _, found in missing for g in found
                                  if g.reason != NOT_IN_PLAN))
    return {lang: text.replace("{why}", why) for lang, text in UNREAD[first].items()}


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


def over_limits_notice(over: Mapping[str, str]) -> list[str]:
    """The stores beyond the engine's input limits (not evaluated: their policies are unknown)."""
    if not over:
        return []
    first, why = next(iter(over.items()))
    return [f"{len(over)} resource(s) beyond the engine's input limits were not evaluated "
            f"(their policies are unknown), e.g. {first}: {why}"]
