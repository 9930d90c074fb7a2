"""The CEL activation: one plain-data view of a resource, built once and shared by every policy.

What policy authors can use (see ``docs/policies.md``):

``resource``: id, provider, account, organization, service, kind, native_type, name, region,
tags, change, attributes; ``health`` (bool), ``classified`` (bool), ``label``, ``classification_rule``;
``locations`` / ``primary`` / ``copies`` — each location has region, role, via, target, account,
country ('' when unknown), zone, ``allowed`` (inside the profile's area), ``place_kind``
('region', 'local-zone', …) and ``parent_country``; ``key`` — present, manager, key_id, region,
origin, country, zone, allowed, and its ``locations``; ``access`` — principal, kind, relation,
permission, source, home, condition; ``public`` (any public grant); ``network`` —
public_endpoint ('yes' | 'no' | 'unknown'), private_endpoints, allowed_ranges; ``logging``
('on' | 'off' | 'unknown'); ``jurisdiction`` — headquarters, parent_country, exposure (list),
offering, qualifications (list), eu_headquartered.

``profile``: id, allowed_zones, allowed_countries, dpf, require_customer_keys,
accepted_key_origins, require_eu_jurisdiction, required_qualifications.

``gap`` (coverage-gap policies only): provider, account, region, service, resource_id, reason, error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from auditor.engine.profile import Profile
from auditor.geo.catalog import locate
from auditor.geo.jurisdiction import jurisdiction
from auditor.model.inventory import AccessGrant, CoverageGap, DataLocation, KeyRef, Relation, Resource


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
def _jurisdiction(provider: str, region: str) -> dict[str, Any]:
    j = jurisdiction(provider, region or None)
    return {
        "headquarters": j.headquarters,
        "parent_country": j.parent_country or "",
        "exposure": list(j.exposure),
        "offering": j.offering or "",
        "qualifications": list(j.qualifications),
        "eu_headquartered": j.eu_headquartered,
    }


class ContextBuilder:
    """Builds activations for one profile; caches what depends only on places."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.profile_context = profile.as_context()
        self._allowed: dict[tuple[str | None, str | None], bool] = {}

    def allowed(self, country: str | None, zone: str | None) -> bool:
        key = (country, zone)
        hit = self._allowed.get(key)
        if hit is None:
            hit = self._allowed[key] = self.profile.allows(country, zone)
        return hit

    def location(self, loc: DataLocation, provider: str) -> dict[str, Any]:
        where = loc.provider or provider
        kind, parent_country = _place_facts(where, loc.region)
        return {
            "region": loc.region,
            "role": loc.role.value,
            "via": loc.via or "",
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
            return {"present": False, "manager": "unknown", "key_id": "", "region": "", "origin": "",
                    "country": "", "zone": "unknown", "allowed": False, "locations": []}
        return {
            "present": True,
            "manager": key.manager.value,
            "key_id": key.key_id or "",
            "region": key.region or "",
            "origin": key.origin or "",
            "country": key.country or "",
            "zone": key.zone.value if key.zone else "unknown",
            "allowed": self.allowed(key.country, key.zone) if key.region else False,
            "locations": [self.location(loc, provider) for loc in key.locations],
        }

    @staticmethod
    def grant(grant: AccessGrant) -> dict[str, Any]:
        return {
            "principal": grant.principal,
            "kind": grant.principal_kind.value,
            "relation": (grant.relation or Relation.UNKNOWN).value,
            "permission": grant.permission.value,
            "source": grant.source,
            "home": grant.home or "",
            "condition": grant.condition or "",
        }

    def resource(self, r: Resource) -> dict[str, Any]:
        locations = [self.location(loc, r.provider) for loc in r.locations]
        primary = next((loc for loc in locations if loc["role"] == "primary"), None)
        access = [self.grant(g) for g in r.access]
        cls = r.classification
        return {
            "id": r.id,
            "provider": r.provider,
            "account": r.account,
            "organization": r.organization or "",
            "service": r.service,
            "kind": r.kind,
            "native_type": r.native_type,
            "name": r.name,
            "region": r.region,
            "tags": dict(r.tags),
            "change": r.change or "",
            "attributes": dict(r.attributes),
            "health": bool(cls and cls.health),
            "classified": bool(cls and cls.label != "unclassified"),
            "label": cls.label if cls else "unclassified",
            "classification_rule": cls.rule if cls else "",
            "locations": locations,
            "primary": primary or {"region": r.region, "country": "", "zone": "unknown", "allowed": False,
                                   "role": "primary", "via": "", "target": "", "account": "", "provider": r.provider,
                                   "place_kind": "unknown", "parent_country": ""},
            "copies": [loc for loc in locations if loc["role"] != "primary"],
            "key": self.key(r.encryption, r.provider),
            "access": access,
            "public": any(a["relation"] == "public" or a["kind"] == "public" for a in access),
            "network": {
                "public_endpoint": _tri(r.network.public_endpoint, "yes", "no"),
                "private_endpoints": r.network.private_endpoints,
                "allowed_ranges": list(r.network.allowed_ranges),
            },
            "logging": _tri(r.logging, "on", "off"),
            "jurisdiction": _jurisdiction(r.provider, r.region),
        }

    @staticmethod
    def gap(g: CoverageGap) -> dict[str, Any]:
        return {
            "provider": g.provider,
            "account": g.account or "",
            "region": g.region or "",
            "service": g.service,
            "resource_id": g.resource_id or "",
            "reason": g.reason,
            "error": g.error,
        }
