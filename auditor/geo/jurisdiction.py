"""Who can compel the provider: headquarters, parent, exposure to non-EU law, and qualifications.

This is the second axis next to the place's zone: ``eu-west-3`` is zone ``eu`` *and* AWS is exposed
to the US CLOUD Act and FISA 702 there. Facts and sources are in ``data/jurisdictions.yaml``.

Qualifications belong to an offering in some places (and services), not to a provider; they come from the
dated, sourced catalog of :mod:`auditor.geo.qualifications`: ``jurisdiction("ovhcloud",
"eu-west-gra-snc")`` and ``jurisdiction("ovhcloud", "eu-west-gra")`` differ, as do ``aws`` in
``eusc-de-east-1`` (AWS European Sovereign Cloud: operated in Germany, US parent, exposure kept) and in
``cn-north-1`` (operated in China under Chinese law). A provider missing from the data file has
exposure ``("UNKNOWN",)`` and is not EU-headquartered: unknown is never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from auditor.geo._data import load_data
from auditor.geo.catalog import Place, canonical_provider, locate
from auditor.geo.qualifications import place_qualifications
from auditor.geo.zones import canonical_country, zone_of_country
from auditor.model.inventory import Zone

UNKNOWN_EXPOSURE = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    provider: str
    headquarters: str  # ISO country of the operating entity ("unknown" when not known)
    parent_country: str | None  # ISO country of the ultimate parent
    exposure: tuple[str, ...]  # e.g. ("US_CLOUD_ACT", "US_FISA_702"); () for EU-only providers
    offering: str | None  # e.g. "AWS European Sovereign Cloud", "Azure China (21Vianet)"
    qualifications: tuple[str, ...]  # schemes granted in the place, any service (geo.qualifications)
    eu_headquartered: bool  # operating entity and parent both in the EU


@dataclass(frozen=True, slots=True)
class _Match:
    partitions: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    zones: frozenset[Zone] | None = None

    def applies(self, place: Place | None) -> bool:
        if self.partitions is None and self.regions is None and self.countries is None and self.zones is None:
            return True
        if place is None or place.kind == "unknown":
            return False
        return (
            (self.partitions is None or place.partition in self.partitions)
            and (self.regions is None or place.region in self.regions)
            and (self.countries is None or place.country in self.countries)
            and (self.zones is None or place.zone in self.zones)
        )


@dataclass(frozen=True, slots=True)
class _Offering:
    match: _Match
    overrides: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Provider:
    base: Jurisdiction
    offerings: tuple[_Offering, ...]


def _country(value: Any, where: str) -> str:
    code = canonical_country(value) if isinstance(value, str) else None
    if code is None:
        raise ValueError(f"jurisdictions.yaml: {where}: {value!r} is not an ISO country")
    return code


def _eu(headquarters: str, parent: str | None) -> bool:
    return zone_of_country(headquarters) is Zone.EU and (parent is None or zone_of_country(parent) is Zone.EU)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def _offering(entry: Mapping[str, Any], where: str) -> _Offering:
    raw = entry.get("match") or {}

    def part(key: str) -> frozenset[str] | None:
        return None if raw.get(key) is None else frozenset(str(v) for v in raw[key])

    match = _Match(
        partitions=part("partitions"),
        regions=None if raw.get("regions") is None else frozenset(str(v).lower() for v in raw["regions"]),
        countries=None if raw.get("countries") is None else frozenset(_country(v, where) for v in raw["countries"]),
        zones=None if raw.get("zones") is None else frozenset(Zone(str(v)) for v in raw["zones"]),
    )
    overrides: dict[str, Any] = {}
    for key in ("headquarters", "parent_country"):
        if key in entry:
            overrides[key] = _country(entry[key], where)
    if "exposure" in entry:
        overrides["exposure"] = _strings(entry["exposure"])
    if "offering" in entry:
        overrides["offering"] = str(entry["offering"])
    return _Offering(match, MappingProxyType(overrides))


@cache
def _providers() -> Mapping[str, _Provider]:
    out: dict[str, _Provider] = {}
    for name, entry in load_data("jurisdictions.yaml")["providers"].items():
        headquarters = _country(entry["headquarters"], name)
        parent = None if entry.get("parent_country") is None else _country(entry["parent_country"], name)
        base = Jurisdiction(
            provider=str(name),
            headquarters=headquarters,
            parent_country=parent,
            exposure=_strings(entry.get("exposure")),
            offering=None if entry.get("offering") is None else str(entry["offering"]),
            qualifications=(),
            eu_headquartered=_eu(headquarters, parent),
        )
        offerings = tuple(_offering(o, f"{name}.offerings[{i}]") for i, o in enumerate(entry.get("offerings") or ()))
        out[str(name)] = _Provider(base, offerings)
    return MappingProxyType(out)


def known_providers() -> list[str]:
    return sorted(_providers())


@lru_cache(maxsize=4096)
def jurisdiction(provider: str, region: str | None = None) -> Jurisdiction:
    """The provider's jurisdiction, narrowed to the offering that runs ``region`` when given."""
    name = canonical_provider(provider)
    known = _providers().get(name)
    if known is None:
        return Jurisdiction(name, "unknown", None, (UNKNOWN_EXPOSURE,), None, (), False)
    place = None if region is None else locate(name, region)
    granted = place_qualifications(name, region, date.today())
    for offering in known.offerings:
        if offering.match.applies(place):
            fields: dict[str, Any] = {
                "provider": name,
                "headquarters": known.base.headquarters,
                "parent_country": known.base.parent_country,
                "exposure": known.base.exposure,
                "offering": known.base.offering,
                "qualifications": granted,
            }
            fields.update(offering.overrides)
            return Jurisdiction(**fields, eu_headquartered=_eu(fields["headquarters"], fields["parent_country"]))
    return replace(known.base, qualifications=granted)
