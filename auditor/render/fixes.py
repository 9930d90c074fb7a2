"""For each finding: the line a developer changes, the lines involved, and the concrete change.

Reads the sites the Terraform connector recorded on each planned store (``attributes["fix_sites"]``,
see ``auditor.connectors.terraform.fixsites``) and picks those that cause the finding: the region
setter for the primary location; the destination's region setter and the rule naming it for a copy;
the key's region setter for a key; the policy statement, ACL or endpoint argument for access. Without
a site (a cloud scan, a finding about the provider's jurisdiction) the finding points at the
resource's own line and its policy's remediation is the change.

The change is a sentence from the report catalogs (English and French) whose placeholders are
filled by the caller's escaper: code spans in Markdown, backticks in plain text (SARIF, Code Quality).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from auditor.geo.catalog import catalog, locate, paired_region
from auditor.model.findings import Finding, FindingsDoc, Status
from auditor.model.inventory import Resource
from auditor.render.base import pick
from auditor.render.i18n import Translator

ATTRIBUTE = "fix_sites"
PLAN_SOURCE = "terraform-plan"
_ORDER = {"region": 0, "copy": 1, "key": 2, "access": 3, "network": 4}
_ASPECTS = {"residency": ("region", "copy"), "sovereignty": ("key", "region"), "access": ("access", "network")}
# Arguments whose fix is a value, not a region: what makes the store private or keeps copies in the region.
_SAFE_VALUES = {"acl": '"private"', "publicly_accessible": "false", "public_network_access_enabled": "false",
                "allow_nested_items_to_be_public": "false", "container_access_type": '"private"',
                "account_replication_type": '"ZRS"', "geo_redundant_backup_enabled": "false",
                "cross_region_restore_enabled": "false", "storage_mode_type": '"LocallyRedundant"'}


@dataclass(frozen=True, slots=True)
class Place:
    at: str  # file:line
    label: str  # what is there: "provider aws.dr", a Terraform address, "variable region"


@dataclass(frozen=True, slots=True)
class Fix:
    primary: Place | None  # the line to change (None: only the resource's own line is known)
    related: tuple[Place, ...]  # the rule naming the destination, the provider a variable feeds, the resource
    key: str  # catalog key of the change sentence
    params: Mapping[str, str]  # its placeholders (identifiers and code, unescaped)
    code_params: frozenset[str]  # which placeholders are code (shown as code spans)
    alternative: Mapping[str, str] | None = None  # for a copy: the rule naming the destination (``fix.or_rule``)

    def main(self, t: Translator, code: Callable[[str], Any]) -> Markup:
        """The change at the primary line (what findings are grouped by)."""
        return t(self.key, **{k: (code(v) if k in self.code_params else v) for k, v in self.params.items()})

    def other(self, t: Translator, code: Callable[[str], Any]) -> Markup | None:
        """The alternative change, at the rule naming the destination, when there is one."""
        if not self.alternative:
            return None
        a = self.alternative
        return t("fix.or_rule", rule_argument=code(a["rule_argument"]), rule_subject=code(a["rule_subject"]),
                 rule_at=a["rule_at"])

    def text(self, t: Translator, code: Callable[[str], Any]) -> Markup:
        other = self.other(t, code)
        main = self.main(t, code)
        return main if other is None else Markup(f"{main}, {other}")  # noqa: S704 - both parts are escaped


def resource_place(resource: Resource | None) -> Place | None:
    if resource is None or not resource.source_file:
        return None
    return Place(resource.source_file, resource.id)


def sites_of(resource: Resource | None) -> list[dict[str, Any]]:
    raw = resource.attributes.get(ATTRIBUTE) if resource is not None else None
    if not isinstance(raw, list):
        return []
    return [s for s in raw if isinstance(s, dict) and isinstance(s.get("at"), str) and isinstance(s.get("aspect"), str)]


def _matches(site: Mapping[str, Any], items: Sequence[str]) -> bool:
    for m in site.get("match") or ():
        if not isinstance(m, str) or not m:
            continue
        if any(i == m or i.startswith(m + " ") or i.endswith(" " + m) for i in items):
            return True
    return False


def causes(f: Finding, resource: Resource | None) -> list[dict[str, Any]]:
    """The recorded sites that cause ``f``, most direct first (empty: point at the resource)."""
    aspects = _ASPECTS.get(f.category)
    if aspects is None:
        return []
    sites = sorted((s for s in sites_of(resource) if s["aspect"] in aspects), key=lambda s: _ORDER[s["aspect"]])
    if f.status is Status.UNKNOWN:
        unknown = [s for s in sites if s.get("value") == "unknown"]
        return unknown
    items = [i.strip() for i in f.location_key.split(";") if i.strip()]
    matched = [s for s in sites if _matches(s, items)]
    if matched or f.category != "access":
        return matched
    network = [s for s in sites if s["aspect"] == "network"]
    return network if "endpoint" in pick(f.message, "en").lower() else [s for s in sites if s["aspect"] == "access"]


def _after_apply(f: Finding, doc: FindingsDoc) -> bool:
    """Whether only the deployed resource can answer: a part of it the plan leaves unknown (a coverage gap
    names it), or a setting made outside this configuration (logging, access). A fact the tool's own
    catalog lacks (a place without qualification data) is not: the policy's remediation says what to do."""
    if any(g.resource_id == f.resource_id for g in doc.coverage_gaps):
        return True
    return f.category in ("accountability", "access", "coverage")


def suggest_region(provider: str, current: str | None, doc: FindingsDoc, near: str | None,
                   elsewhere: bool = True) -> str | None:
    """A region of ``provider`` inside the run's allowed zone: ``near`` itself unless ``elsewhere`` (a copy
    belongs in another region than its source), then the same country, then the same zone; never
    ``current``; same partition (no sovereign cloud a team did not ask for)."""
    zones = set(doc.run.allowed_zones)
    countries = set(doc.run.allowed_countries)
    home = locate(provider, near) if near else None
    partition = home.partition if home is not None else None
    allowed = [p for p in catalog(provider) if p.kind == "region" and p.zone.value in zones
               and (not countries or p.country in countries) and (partition is None or p.partition == partition)]
    if not allowed:
        return None

    pair = paired_region(provider, near) if near and elsewhere else None

    def rank(p: Any) -> tuple[bool, int, str]:
        same_country = home is not None and p.country == home.country
        same_zone = home is not None and p.zone == home.zone
        avoid = p.region == current or (elsewhere and p.region == near)
        first = (not elsewhere and p.region == near) or p.region == pair  # the source's own documented pair
        return (avoid, 0 if first else 1 if same_country else 2 if same_zone else 3, p.region)

    return sorted(allowed, key=rank)[0].region


def home_region(doc: FindingsDoc, provider: str) -> str | None:
    """The most common primary region of the run's stores of ``provider`` that is inside the allowed zone."""
    zones = set(doc.run.allowed_zones)
    counts = Counter(r.region for r in doc.resources if r.provider == provider
                     and any(loc.role.value == "primary" and loc.zone is not None and loc.zone.value in zones
                             for loc in r.locations))
    return min(counts, key=lambda k: (-counts[k], k)) if counts else None


_COPY_SITES: dict[int, tuple[FindingsDoc, frozenset[str]]] = {}


def _copy_sites(doc: FindingsDoc) -> frozenset[str]:
    """Lines that place a copy or a key replica somewhere: a region suggested there must differ from the source's."""
    cached = _COPY_SITES.get(id(doc))
    if cached is None or cached[0] is not doc:
        found = frozenset(s["at"] for r in doc.resources for s in sites_of(r)
                          if s["aspect"] in ("copy", "key") and s.get("kind") != "rule")
        _COPY_SITES.clear()
        _COPY_SITES[id(doc)] = cached = (doc, found)
    return cached[1]


def _assignment(argument: str, value: str) -> str:
    return f'{argument} = "{value}"' if not value.startswith(('"', "false", "true")) else f"{argument} = {value}"


def fix_for(f: Finding, resource: Resource | None, doc: FindingsDoc, lang: str) -> Fix:
    own = resource_place(resource)
    chosen = causes(f, resource)
    if not chosen:
        remediation = first_sentence(pick(f.remediation, lang))
        if f.status is Status.UNKNOWN and doc.run.source == PLAN_SOURCE and (not remediation or _after_apply(f, doc)):
            return Fix(None, (own,) if own else (), "fix.unknown_apply", {}, frozenset())
        return Fix(None, (own,) if own else (), "fix.remediation", {"remediation": remediation}, frozenset())
    site = chosen[0]
    near = resource.region if resource is not None and resource.region not in ("unknown", "global") else None
    near = near if near and locate(f.provider, near).zone.value in doc.run.allowed_zones else \
        home_region(doc, f.provider)
    region = suggest_region(f.provider, str(site.get("value") or ""), doc, near,
                            elsewhere=site["aspect"] in ("copy", "key") or site["at"] in _copy_sites(doc)) or "…"
    related: list[Place] = []
    for extra in (site.get("rule"), site.get("via")):
        if isinstance(extra, dict) and isinstance(extra.get("at"), str):
            related.append(Place(extra["at"], str(extra.get("subject") or "")))
    for other in chosen[1:]:
        related.append(Place(other["at"], str(other.get("subject") or "")))
    if own is not None:
        related.append(own)
    seen: set[str] = {site["at"]}
    unique = []
    for place in related:
        if place.at not in seen:
            seen.add(place.at)
            unique.append(place)
    primary = Place(site["at"], str(site.get("subject") or ""))
    key, params, code = _change(site, region, f, lang)
    rule = site.get("rule")
    alternative = None
    if isinstance(rule, dict) and rule.get("argument") and site.get("aspect") == "copy" \
            and f.status is not Status.UNKNOWN and key != "fix.remediation":
        alternative = {"rule_argument": str(rule["argument"]), "rule_subject": str(rule.get("subject") or ""),
                       "rule_at": str(rule.get("at") or "")}
    return Fix(primary, tuple(unique), key, params, code, alternative)


def _change(site: Mapping[str, Any], region: str, f: Finding, lang: str) -> tuple[str, dict[str, str], frozenset[str]]:
    kind = str(site.get("kind") or "")
    subject = str(site.get("subject") or "")
    argument = str(site.get("argument") or "region")
    at = site["at"]
    unknown = f.status is Status.UNKNOWN
    if argument in _SAFE_VALUES and not unknown:
        params = {"assignment": f"{argument} = {_SAFE_VALUES[argument]}", "subject": subject, "at": at}
        return "fix.resource", params, frozenset({"assignment", "subject"})
    if kind == "provider":
        name = subject.removeprefix("provider ")
        key = "fix.provider" if site.get("set") else "fix.provider_add"
        params = {"assignment": _assignment("region", region), "subject": name, "at": at}
        code = {"assignment", "subject"}
    elif kind == "variable":
        params = {"subject": subject.removeprefix("variable "), "value": f'"{region}"', "at": at}
        key, code = "fix.variable", {"subject", "value"}
    elif kind == "module-argument":
        params = {"assignment": _assignment(argument, region), "subject": subject, "at": at}
        key, code = "fix.module_argument", {"assignment", "subject"}
    elif kind == "resource":
        params = {"assignment": _assignment(argument, region), "subject": subject, "at": at}
        key, code = "fix.resource", {"assignment", "subject"}
    elif kind == "rule":
        params = {"argument": argument, "subject": subject, "at": at, "region": region}
        key, code = ("fix.unknown_rule" if unknown else "fix.rule"), {"argument", "subject", "region"}
        return key, params, frozenset(code)
    elif kind == "edge":  # a CDN in front of the store: the policy's advice, at the distribution's origin
        return "fix.remediation", {"remediation": first_sentence(pick(f.remediation, lang))}, frozenset()
    elif kind == "bucket-policy":
        params = {"principal": str(site.get("value") or "*"), "subject": subject, "at": at}
        return "fix.policy", params, frozenset({"principal", "subject"})
    else:
        return "fix.remediation", {"remediation": first_sentence(pick(f.remediation, lang))}, frozenset()
    if unknown:
        return "fix.unknown_" + key.removeprefix("fix."), params, frozenset(code)
    return key, params, frozenset(code)


def first_sentence(text: str) -> str:
    """The first sentence of a policy's remediation (a full stop outside parentheses ends it)."""
    text = " ".join(text.split())
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "." and depth <= 0 and (i + 1 == len(text) or text[i + 1] == " "):
            return text[: i + 1]
    return text
