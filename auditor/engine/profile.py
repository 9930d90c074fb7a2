"""Profiles: which zones and countries are allowed, what keys and providers are required,
and how severities change. A profile may ``extends:`` another one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor import yamlio
from auditor.engine.schemas import schema
from auditor.errors import PolicyError
from auditor.model.findings import Severity
from auditor.model.inventory import Zone


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    allowed_zones: tuple[str, ...] = ("eu", "eea")
    allowed_countries: tuple[str, ...] = ()  # empty: any country of the allowed zones
    accept_dpf: bool = False  # US places count as allowed when the config sets dpf: true
    dpf: bool = False  # the config's flag, set by narrowed()
    require_customer_keys: bool = False
    accepted_key_origins: tuple[str, ...] = ()  # empty: any origin
    require_eu_jurisdiction: bool = False
    required_qualifications: tuple[str, ...] = ()
    severities: Mapping[str, Severity] = field(default_factory=dict)
    disabled: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    source: str = ""

    def allows(self, country: str | None, zone: str | None) -> bool:
        """Is a place inside this profile's allowed area? Unknown is never allowed.

        A place without one country (a multi-region such as Google's ``EU``, an edge footprint bounded
        to a zone) is allowed by its zone alone, never by a country list: a profile narrowed to
        countries cannot tell which of them holds the bytes.
        """
        if zone is None or zone == Zone.UNKNOWN:
            return False
        if self.allowed_countries:
            return bool(country) and country in self.allowed_countries
        if zone in self.allowed_zones:
            return True
        return self.accept_dpf and self.dpf and country == "US"

    def narrowed(self, countries: tuple[str, ...], dpf: bool) -> Profile:
        """Apply the config's ``allowed_countries`` (narrowing only) and ``dpf`` flag."""
        if countries and self.allowed_countries:
            countries = tuple(c for c in countries if c in self.allowed_countries)
        return replace(self, allowed_countries=countries or self.allowed_countries, dpf=dpf)

    def as_context(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "allowed_zones": list(self.allowed_zones),
            "allowed_countries": list(self.allowed_countries),
            "dpf": self.accept_dpf and self.dpf,
            "require_customer_keys": self.require_customer_keys,
            "accepted_key_origins": list(self.accepted_key_origins),
            "require_eu_jurisdiction": self.require_eu_jurisdiction,
            "required_qualifications": list(self.required_qualifications),
        }


_FIELDS = ("allowed_zones", "allowed_countries", "accepted_key_origins", "required_qualifications",
           "disabled", "references")


def parse_profile(data: Any, source: str, base: Profile | None) -> Profile:
    yamlio.check(data, schema("profile"), source, PolicyError)
    start = base or Profile(id=data["id"], title=data["title"])
    changes: dict[str, Any] = {"id": data["id"], "title": dict(data["title"]), "source": source}
    if "description" in data:
        changes["description"] = dict(data["description"])
    for key in _FIELDS:
        if key in data:
            changes[key] = tuple(data[key])
    for key in ("accept_dpf", "require_customer_keys", "require_eu_jurisdiction"):
        if key in data:
            changes[key] = bool(data[key])
    if "severities" in data:
        changes["severities"] = {**start.severities, **{k: Severity(v) for k, v in data["severities"].items()}}
    return replace(start, **changes)


def load_profiles(paths: list[Path]) -> dict[str, Profile]:
    """Load every profile file; ``extends`` is resolved in dependency order, cycles are errors."""
    raw: dict[str, tuple[Any, str]] = {}
    for path in paths:
        data = yamlio.load(path, PolicyError)
        if not isinstance(data, dict) or "id" not in data:
            raise PolicyError("policy.profile-id", location=f"{path}:1")
        if data["id"] in raw:
            raise PolicyError("policy.profile-twice", location=yamlio.where(data, "id"), id=data["id"],
                              other=raw[data["id"]][1])
        raw[str(data["id"])] = (data, str(path))
    done: dict[str, Profile] = {}

    def build(pid: str, chain: tuple[str, ...]) -> Profile:
        if pid in done:
            return done[pid]
        data, source = raw[pid]
        parent_id = data.get("extends")
        base = None
        if parent_id is not None:
            if parent_id in chain:
                raise PolicyError("policy.profile-cycle", location=yamlio.where(data, "extends"), id=pid,
                                  chain=" -> ".join(chain))
            if parent_id not in raw:
                raise PolicyError("policy.profile-extends-unknown", location=yamlio.where(data, "extends"), id=pid,
                                  parent=parent_id)
            base = build(parent_id, (*chain, pid))
        done[pid] = parse_profile(data, source, base)
        return done[pid]

    for pid in raw:
        build(pid, ())
    return done
