"""``auditor policies list|show``: plain-text views of the policy pack."""

from __future__ import annotations

import textwrap

from auditor.engine.context import aspects_of, fields_of
from auditor.engine.evaluate import severity_for
from auditor.engine.pack import PolicyPack
from auditor.errors import ConfigError


def list_policies(pack: PolicyPack, framework: str | None = None, profile: str | None = None) -> str:
    prof = pack.profile(profile) if profile else None
    rows = []
    for p in pack.policies:
        refs = pack.framework_refs.get(p.id, ())
        if framework and not any(r.split(":", 1)[0].lower() == framework.lower() for r in refs):
            continue
        sev = severity_for(p, prof) if prof else p.severity
        off = prof is not None and p.id in prof.disabled
        rows.append(f"{p.id:<9} {('off' if off else sev.value):<9} {p.category:<15} {p.title['en']}"
                    + (f"  [{', '.join(refs)}]" if refs else ""))
    if framework and not rows:
        known = sorted({c.framework for c in pack.controls})
        raise ConfigError("cli.no-framework-policy", framework=framework, known=", ".join(known))
    return "\n".join(rows)


def show_policy(pack: PolicyPack, policy_id: str) -> str:
    p = pack.policy(policy_id)
    lines = [
        f"{p.id}: {p.title['en']}",
        f"  fr: {p.title['fr']}",
        f"category: {p.category}    baseline severity: {p.severity.value}    source: {p.source}",
        f"frameworks: {', '.join(pack.framework_refs.get(p.id, ())) or '-'}",
        "severity by profile: " + ", ".join(
            f"{name}={'off' if p.id in prof.disabled else severity_for(p, prof).value}"
            for name, prof in sorted(pack.profiles.items())),
        "",
        textwrap.fill(p.rationale.get("en", ""), 100),
        "",
        f"scope:        {p.scope.source if p.scope else 'every resource'}",
        f"condition:    {p.condition.source}",
    ]
    if p.unknown_when:
        lines.append(f"unknown when: {p.unknown_when.source}")
    if p.target == "resource":
        judged = fields_of(p.condition, p.unknown_when, p.details)
        lines.append("depends on:   " + ", ".join(sorted(a.value for a in aspects_of(judged)))
                     + " (a coverage gap on one of these aspects of a store makes its pass unknown)")
    lines += ["", "remediation: " + textwrap.fill(p.remediation["en"], 100, subsequent_indent="  "),
              "", "examples:"]
    lines += [f"  {e.expect:<7} {e.name}" for e in p.examples]
    return "\n".join(lines)


def show_profile(pack: PolicyPack, profile_id: str) -> str:
    prof = pack.profile(profile_id)
    lines = [
        f"{prof.id}: {prof.title['en']}",
        f"  fr: {prof.title['fr']}",
        "",
        textwrap.fill(prof.description.get("en", ""), 100),
        "",
        f"allowed zones:      {', '.join(prof.allowed_zones)}",
        f"allowed countries:  {', '.join(prof.allowed_countries) or 'any in the allowed zones'}",
        f"US under the DPF:   {'accepted when the config sets dpf: true' if prof.accept_dpf else 'never'}",
        f"customer-held keys: {'required' if prof.require_customer_keys else 'not required'}",
        f"key origins:        {', '.join(prof.accepted_key_origins) or 'any'}",
        f"EU jurisdiction:    {'required' if prof.require_eu_jurisdiction else 'not required'}",
        f"qualifications:     {', '.join(prof.required_qualifications) or 'none required'}",
        "",
        "severity changes from the policy baseline:",
    ]
    changes = [f"  {p.id:<9} {p.severity.value} -> {prof.severities[p.id].value}"
               for p in pack.policies if p.id in prof.severities and prof.severities[p.id] != p.severity]
    lines += changes or ["  none"]
    if prof.disabled:
        lines += ["disabled policies:", *(f"  {pid}" for pid in prof.disabled)]
    return "\n".join(lines)
