"""The CEL activation: one plain-data view of a resource, built once and shared by every policy.

What policy authors can use (see ``docs/policies.md``):

``resource``: id, provider, account, organization, service, kind, native_type, name, region,
tags, change, attributes; ``health`` (bool), ``classified`` (bool), ``label``, ``classification_rule``;
``locations`` / ``primary`` / ``copies`` (all but the primary and ``processing`` places) — each
location has region, role, via, target, account,
country ('' when unknown), zone, ``allowed`` (inside the profile's area), ``place_kind``
('region', 'local-zone', …) and ``parent_country``; ``key`` — present, manager, key_id, region,
origin, country, zone, allowed, and its ``locations``; ``access`` — principal, kind, relation,
permission, source, home, condition; ``public`` (any public grant); ``network`` —
public_endpoint ('yes' | 'no' | 'unknown'), private_endpoints, allowed_ranges; ``logging``
('on' | 'off' | 'unknown'); ``jurisdiction`` — headquarters, parent_country, exposure (list),
offering, qualifications (list: schemes covering this service in this place today), qualification_gaps and
qualification_unknown (scheme -> reason), transfer_map (the host's HDS transfer map URL or ''),
eu_headquartered.

``profile``: id, allowed_zones, allowed_countries, dpf, require_customer_keys,
accepted_key_origins, require_eu_jurisdiction, required_qualifications.

``gap`` (coverage-gap policies only): provider, account, region, service, resource_id, reason, error,
aspect (store, location, key, access, network, logging, classification).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from auditor.engine.profile import Profile
from auditor.engine.projection import union
from auditor.geo.catalog import locate
from auditor.geo.jurisdiction import jurisdiction
from auditor.geo.qualifications import COVERED, NOT_COVERED, UNDETERMINED, coverage, transfer_map
from auditor.model.inventory import AccessGrant, CoverageGap, DataLocation, GapAspect, KeyRef, Relation, Resource

if TYPE_CHECKING:
    from auditor.engine.cel import Expression


def _tri(value: bool | None, yes: str, no: str) -> str:
    return "unknown" if value is None else (yes if value else no)


@lru_cache(maxsize=4096)
def _place_facts(provider: str, region: str) -> tuple[str, str | None]:
    place = locate(provider, region)
    parent_country = None
    if place.parent:
        parent_country = locate(provider, place.parent).country
    return place.kind, parent_country


@lru_cache(maxsize=1024)
def _jurisdiction(provider: str, region: str, service: str, on: date) -> dict[str, Any]:
    j = jurisdiction(provider, region or None)
    cover = coverage(provider, region or None, service, on)
    return {
        "headquarters": j.headquarters,
        "parent_country": j.parent_country or "",
        "exposure": list(j.exposure),
        "offering": j.offering or "",
        # per service and place, from the dated catalog (auditor.geo.qualifications)
        "qualifications": [s for s, c in cover.items() if c.state == COVERED],
        "qualification_gaps": {s: c.reason for s, c in cover.items() if c.state == NOT_COVERED},
        "qualification_unknown": {s: c.reason for s, c in cover.items() if c.state == UNDETERMINED},
        "transfer_map": transfer_map(provider) or "",
        "eu_headquartered": j.eu_headquartered,
    }


class ContextBuilder:
    """Builds activations for one profile; caches what depends only on places."""

    def __init__(self, profile: Profile, subfields: frozenset[str] | None = None) -> None:
        self.profile = profile
        self.profile_context = profile.as_context()
        self._allowed: dict[tuple[str | None, str | None], bool] = {}
        self._location_cache: dict[tuple[DataLocation, str], dict[str, Any]] = {}
        # Keys of locations, keys and grants that no active policy reads are left out of the context.
        self._keep = None if subfields is None else subfields | _CORE
        self.today: date = date.today()  # the day certificates' validity is judged on

    def _trim(self, data: dict[str, Any]) -> dict[str, Any]:
        keep = self._keep
        return data if keep is None else {k: v for k, v in data.items() if k in keep}

    def allowed(self, country: str | None, zone: str | None) -> bool:
        key = (country, zone)
        hit = self._allowed.get(key)
        if hit is None:
            hit = self._allowed[key] = self.profile.allows(country, zone)
        return hit

    def location(self, loc: DataLocation, provider: str) -> dict[str, Any]:
        hit = self._location_cache.get((loc, provider))
        if hit is None:
            hit = self._location_cache[(loc, provider)] = self._trim(self._location(loc, provider))
        return hit

    def _location(self, loc: DataLocation, provider: str) -> dict[str, Any]:
        where = loc.provider or provider
        kind, parent_country = _place_facts(where, loc.region)
        return {
            "region": loc.region,
            "role": loc.role.value,
            "via": str(loc.via or ""),
            "via_detail": loc.via_detail or "",
            "target": loc.target or "",
            "account": loc.account or "",
            "provider": where,
            "country": loc.country or "",
            "zone": loc.zone.value if loc.zone else "unknown",
            "allowed": self.allowed(loc.country, loc.zone),
            "place_kind": kind,
            "parent_country": parent_country or "",
        }

    def key(self, key: KeyRef | None, provider: str) -> dict[str, Any]:
        if key is None:
            return self._trim({"present": False, "manager": "unknown", "key_id": "", "region": "", "origin": "",
                               "country": "", "zone": "unknown", "allowed": False, "locations": []})
        return self._trim({
            "present": True,
            "manager": key.manager.value,
            "key_id": key.key_id or "",
            "region": key.region or "",
            "origin": key.origin or "",
            "country": key.country or "",
            "zone": key.zone.value if key.zone else "unknown",
            "allowed": self.allowed(key.country, key.zone) if key.region else False,
            "locations": [self.location(loc, provider) for loc in key.locations],
        })

    def grant(self, grant: AccessGrant) -> dict[str, Any]:
        return self._trim({
            "principal": grant.principal,
            "name": grant.name or "",  # its display name, when the directory gave one
            "kind": grant.principal_kind.value,
            "relation": (grant.relation or Relation.UNKNOWN).value,
            "permission": grant.permission.value,
            "source": str(grant.source),
            "home": grant.home or "",
            "condition": grant.condition or "",
        })

    def resource(self, r: Resource, fields: frozenset[str] | None = None) -> dict[str, Any]:
        """The ``resource`` variable; with ``fields``, only those keys (building a context costs
        about a microsecond per value, so policies only pay for what they reference)."""
        wanted = FIELDS if fields is None else fields
        memo: dict[str, Any] = {}
        return {name: _BUILDERS[name](self, r, memo) for name in wanted if name in _BUILDERS}

    def _locations(self, r: Resource, memo: dict[str, Any]) -> list[dict[str, Any]]:
        if "locations" not in memo:
            memo["locations"] = [self.location(loc, r.provider) for loc in r.locations]
        return memo["locations"]  # type: ignore[no-any-return]

    def _access(self, r: Resource, memo: dict[str, Any]) -> list[dict[str, Any]]:
        if "access" not in memo:
            memo["access"] = [self.grant(g) for g in r.access]
        return memo["access"]  # type: ignore[no-any-return]

    def _primary(self, r: Resource, memo: dict[str, Any]) -> dict[str, Any]:
        found = next((loc for loc in self._locations(r, memo) if loc["role"] == "primary"), None)
        return found or {"region": r.region, "country": "", "zone": "unknown", "allowed": False, "role": "primary",
                         "via": "", "via_detail": "", "target": "", "account": "", "provider": r.provider,
                         "place_kind": "unknown",
                         "parent_country": ""}

    @staticmethod
    def gap(g: CoverageGap) -> dict[str, Any]:
        return {
            "provider": g.provider,
            "account": g.account or "",
            "region": g.region or "",
            "service": g.service,
            "resource_id": g.resource_id or "",
            "reason": str(g.reason),
            "error": g.error,
            "aspect": g.aspect.value,
        }


def _cls(r: Resource) -> Any:
    return r.classification


_Builder = Callable[[ContextBuilder, Resource, dict[str, Any]], Any]
_BUILDERS: dict[str, _Builder] = {
    "id": lambda b, r, m: r.id,
    "provider": lambda b, r, m: r.provider,
    "account": lambda b, r, m: r.account,
    "organization": lambda b, r, m: r.organization or "",
    "service": lambda b, r, m: r.service,
    "kind": lambda b, r, m: str(r.kind),
    "native_type": lambda b, r, m: r.native_type,
    "name": lambda b, r, m: r.name,
    "region": lambda b, r, m: r.region,
    "tags": lambda b, r, m: dict(r.tags),
    "change": lambda b, r, m: r.change or "",
    "attributes": lambda b, r, m: dict(r.attributes),
    "health": lambda b, r, m: bool(r.classification and r.classification.health),
    "classified": lambda b, r, m: bool(r.classification and r.classification.label != "unclassified"),
    "label": lambda b, r, m: r.classification.label if r.classification else "unclassified",
    "classification_rule": lambda b, r, m: r.classification.rule if r.classification else "",
    "locations": lambda b, r, m: b._locations(r, m),
    "primary": lambda b, r, m: b._primary(r, m),
    "copies": lambda b, r, m: [loc for loc in b._locations(r, m) if loc["role"] not in ("primary", "processing")],
    "key": lambda b, r, m: b.key(r.encryption, r.provider),
    "access": lambda b, r, m: b._access(r, m),
    "public": lambda b, r, m: any(a["relation"] == "public" or a["kind"] == "public" for a in b._access(r, m)),
    "network": lambda b, r, m: {
        "public_endpoint": _tri(r.network.public_endpoint, "yes", "no"),
        "private_endpoints": r.network.private_endpoints,
        "allowed_ranges": list(r.network.allowed_ranges),
    },
    "logging": lambda b, r, m: _tri(r.logging, "on", "off"),
    "jurisdiction": lambda b, r, m: _jurisdiction(r.provider, r.region, r.service or "", b.today),
}
FIELDS: frozenset[str] = frozenset(_BUILDERS)
# Always in location, key and grant maps: what messages and details describe.
_CORE = frozenset({"region", "role", "country", "zone", "allowed", "present", "manager", "principal", "name",
                   "kind", "relation", "home", "locations"})


# Which part of a store each ``resource`` field is read from: a coverage gap on that aspect makes
# unknown only the policies whose condition reads one of its fields. Log destinations are copies, so
# where the data goes also depends on the logging settings. ``attributes`` holds raw facts from any
# read: a policy reading them depends on every aspect. Fields not listed (id, region, provider,
# jurisdiction…) come with the store's listing and depend only on the store itself.
_ASPECTS: dict[str, frozenset[GapAspect]] = {
    "locations": frozenset({GapAspect.LOCATION, GapAspect.LOGGING}),
    "copies": frozenset({GapAspect.LOCATION, GapAspect.LOGGING}),
    "key": frozenset({GapAspect.KEY}),
    "access": frozenset({GapAspect.ACCESS}),
    "public": frozenset({GapAspect.ACCESS}),
    "network": frozenset({GapAspect.NETWORK}),
    "logging": frozenset({GapAspect.LOGGING}),
    "tags": frozenset({GapAspect.CLASSIFICATION}),
    "classified": frozenset({GapAspect.CLASSIFICATION}),
    "label": frozenset({GapAspect.CLASSIFICATION}),
    "classification_rule": frozenset({GapAspect.CLASSIFICATION}),
    "attributes": frozenset(GapAspect),
}
_DIRECT = {**_ASPECTS, "locations": frozenset({GapAspect.LOCATION}), "copies": frozenset({GapAspect.LOCATION})}


def aspects_of(fields: frozenset[str], direct: bool = False) -> frozenset[GapAspect]:
    """The aspects of a store a policy reading ``fields`` depends on (always the store itself).

    ``direct``: only the aspects the fields are (copies not through the logging settings). What a
    plan can never show (logging set outside Terraform) touches only the checks of that aspect.
    """
    table = _DIRECT if direct else _ASPECTS
    return frozenset({GapAspect.STORE}).union(*(table.get(name, frozenset()) for name in fields))


def fields_of(*expressions: Expression | None) -> frozenset[str]:
    """The ``resource`` keys a set of expressions reads (all of them if one uses ``resource`` whole)."""
    fields = union([e.reads for e in expressions if e is not None]).fields
    return FIELDS if fields is None else fields & FIELDS


def keys_of(*expressions: Expression | None) -> frozenset[str] | None:
    """The keys of locations, keys and grants a set of expressions reads (None: any)."""
    return union([e.reads for e in expressions if e is not None]).keys
