"""The geography catalog: ``locate(provider, region)`` -> a :class:`Place` with country and legal zone.

Every provider has one data file, ``data/<provider>.yaml``, listing its places with their sources;
adding a region is adding a line there. The zone of a place is never written in the catalog: it is
derived from the country by :mod:`auditor.geo.zones` (multi-regions: the weakest zone of their
countries or member regions, or a zone the provider defines contractually, e.g. Google's ``EU``).

``locate`` never guesses. A code that is not in the catalog resolves to a place with no country,
zone ``unknown`` and kind ``unknown``, even when it looks like a real one (``eu-west-99``). The only
rewrites are exact ones: case and whitespace, documented aliases (S3's legacy ``EU`` = ``eu-west-1``),
Azure display names (``West Europe`` = ``westeurope``) and availability-zone suffixes of a known
region (``eu-west-3a`` -> ``eu-west-3``, ``fr-par-2`` -> ``fr-par``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from auditor.geo._data import catalog_files, load_data
from auditor.geo.zones import canonical_country, weakest, zone_of_country
from auditor.model.inventory import Zone

KINDS = ("region", "local-zone", "multi-region", "logical", "unknown")
_USABLE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_AZURE_PREFIX = re.compile(r"^\s*\([^)]*\)\s*")  # "(Europe) West Europe" (regionalDisplayName)
_AZURE_DROP = re.compile(r"[\s_-]+")


@dataclass(frozen=True, slots=True)
class Place:
    """One place of one provider, as the tool understands it."""

    provider: str
    region: str  # the canonical code ("westeurope", "eu-west-3", "us-east-1-qro-1")
    country: str | None  # ISO 3166-1 alpha-2; None when unknown or spread over several countries
    zone: Zone
    city: str | None
    partition: str | None  # AWS partition, Azure cloud, …
    kind: str  # 'region' | 'local-zone' | 'multi-region' | 'logical' | 'unknown'
    parent: str | None  # parent region of a Local Zone, implicit region of a global endpoint, …
    name: str | None  # the provider's display name


@dataclass(frozen=True, slots=True)
class _Catalog:
    provider: str
    places: Mapping[str, Place]
    aliases: Mapping[str, str]
    paired: Mapping[str, str]
    zone_suffix: re.Pattern[str] | None


def _text(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value)


def _build(provider: str, data: Mapping[str, Any], source: str) -> _Catalog:
    raw: Mapping[str, Mapping[str, Any]] = {str(k).lower(): v for k, v in data["places"].items()}

    def fail(code: str, problem: str) -> ValueError:
        return ValueError(f"{source}: {code}: {problem}")

    def country_of(code: str, value: Any) -> str | None:
        if value is None:
            return None
        country = canonical_country(value) if isinstance(value, str) else None
        if country is None:
            raise fail(code, f"{value!r} is not an ISO 3166-1 alpha-2 country (quote NO)")
        return country

    singles: dict[str, tuple[str | None, Zone]] = {}
    for code, entry in raw.items():
        if entry.get("kind", "region") in ("region", "local-zone"):
            country = country_of(code, entry.get("country"))
            if country is None:
                raise fail(code, "a region or local zone needs a country")
            singles[code] = (country, zone_of_country(country))

    places: dict[str, Place] = {}
    paired: dict[str, str] = {}
    for code, entry in raw.items():
        kind = str(entry.get("kind", "region"))
        if kind not in KINDS[:-1]:
            raise fail(code, f"unknown kind {kind!r}")
        if code in singles:
            country, zone = singles[code]
        elif kind == "multi-region":
            members: list[tuple[str | None, Zone]] = []
            for member in entry.get("regions") or ():
                if str(member) not in singles:
                    raise fail(code, f"member region {member!r} is not in the catalog")
                members.append(singles[str(member)])
            for value in entry.get("countries") or ():
                member_country = country_of(code, value)
                members.append((member_country, zone_of_country(member_country)))
            if entry.get("zone") is not None:
                zone, country = Zone(str(entry["zone"])), None
            elif members:
                zone = weakest(z for _, z in members)
                countries = {c for c, _ in members}
                country = countries.pop() if len(countries) == 1 else None
            else:
                raise fail(code, "a multi-region needs regions, countries or a stated zone")
        else:  # logical: a country only when the location names one country's geography
            country = country_of(code, entry.get("country"))
            zone = zone_of_country(country)
        parent = _text(entry, "parent")
        if parent is not None and parent.lower() not in raw:
            raise fail(code, f"parent {parent!r} is not in the catalog")
        pair = _text(entry, "paired")
        if pair is not None:
            if pair.lower() not in raw:
                raise fail(code, f"paired region {pair!r} is not in the catalog")
            paired[code] = pair.lower()
        places[code] = Place(
            provider=provider,
            region=code,
            country=country,
            zone=zone,
            city=_text(entry, "city"),
            partition=_text(entry, "partition"),
            kind=kind,
            parent=None if parent is None else parent.lower(),
            name=_text(entry, "name"),
        )
    aliases = {str(k).strip().lower(): str(v).lower() for k, v in (data.get("aliases") or {}).items()}
    for alias, target in aliases.items():
        if target not in places:
            raise ValueError(f"{source}: alias {alias!r} points to unknown {target!r}")
    suffix = data.get("zone_suffix")
    return _Catalog(
        provider=provider,
        places=MappingProxyType(dict(sorted(places.items()))),
        aliases=MappingProxyType(aliases),
        paired=MappingProxyType(paired),
        zone_suffix=None if suffix is None else re.compile(f"^(.+?)(?:{suffix})$"),
    )


@cache
def _catalogs() -> Mapping[str, _Catalog]:
    out: dict[str, _Catalog] = {}
    for name in catalog_files():
        data = load_data(name)
        provider = str(data["provider"])
        if provider in out:
            raise ValueError(f"{name}: provider {provider!r} has two catalog files")
        out[provider] = _build(provider, data, name)
    return MappingProxyType(dict(sorted(out.items())))


@cache
def _provider_aliases() -> Mapping[str, str]:
    aliases = load_data("jurisdictions.yaml").get("aliases") or {}
    return MappingProxyType({str(k).lower(): str(v) for k, v in aliases.items()})


@lru_cache(maxsize=1024)
def canonical_provider(provider: str | None) -> str:
    """``" AWS "`` -> ``"aws"``, ``"ovh"`` -> ``"ovhcloud"``; unknown names are kept, lower-cased."""
    name = provider.strip().lower() if isinstance(provider, str) else ""
    return _provider_aliases().get(name, name)


def providers() -> list[str]:
    """Providers that have a place catalog."""
    return list(_catalogs())


# -- text -> canonical code, per provider (a registry: one entry per naming scheme) -----------------


def _plain(value: str) -> str:
    return value.strip().lower()


def _azure(value: str) -> str:
    return _AZURE_DROP.sub("", _AZURE_PREFIX.sub("", value)).lower()


_CANONICAL: dict[str, Callable[[str], str]] = {"azure": _azure}


def _canonical(provider: str, value: str) -> str | None:
    text = _CANONICAL.get(provider, _plain)(value)
    cat = _catalogs().get(provider)
    if cat is not None:
        text = cat.aliases.get(text, text)
    return text if _USABLE.fullmatch(text) else None


def _lookup(provider: str, code: str) -> Place | None:
    cat = _catalogs().get(provider)
    if cat is None:
        return None
    place = cat.places.get(code)
    if place is None and cat.zone_suffix is not None:
        match = cat.zone_suffix.match(code)
        base = cat.places.get(match.group(1)) if match else None
        # Only a physical region or Local Zone has availability zones: "eu-a" is not Google's "EU".
        if base is not None and base.kind in ("region", "local-zone"):
            place = base
    return place


def _unknown(provider: str, region: str) -> Place:
    return Place(provider, region, None, Zone.UNKNOWN, None, None, "unknown", None, None)


@lru_cache(maxsize=65536)
def locate(provider: str, region: str | None) -> Place:
    """Where ``region`` of ``provider`` is. Unknown codes give country ``None``, zone and kind unknown."""
    name = canonical_provider(provider)
    if not isinstance(region, str):
        return _unknown(name, "")
    code = _canonical(name, region)
    if code is None:
        return _unknown(name, " ".join(region.split())[:64])
    return _lookup(name, code) or _unknown(name, code)


def normalize_region(provider: str, value: str | None) -> str | None:
    """The canonical code of a region as reported by an API, or ``None`` when it is empty or unusable.

    AWS: ``None`` or ``""`` is ``us-east-1`` and ``EU`` is ``eu-west-1`` — the S3 ``GetBucketLocation``
    quirks — so pass only S3 location constraints (or real region codes) here; ``locate`` itself treats a
    missing region as unknown. Azure: display names fold to codes (``"West Europe"`` -> ``westeurope``).
    Availability-zone names fold to their region (``eu-west-3a`` -> ``eu-west-3``). A well-formed code
    that is not in the catalog is returned normalised; ``locate`` will call it unknown.
    """
    name = canonical_provider(provider)
    if not isinstance(value, str) or not value.strip():
        return "us-east-1" if name == "aws" else None
    code = _canonical(name, value)
    if code is None:
        return None
    place = _lookup(name, code)
    return code if place is None else place.region


def catalog(provider: str | None = None) -> list[Place]:
    """Every known place (of one provider, or of all), sorted by provider then code."""
    cats = _catalogs()
    if provider is None:
        return [place for cat in cats.values() for place in cat.places.values()]
    cat = cats.get(canonical_provider(provider))
    return [] if cat is None else list(cat.places.values())


def paired_region(provider: str, region: str) -> str | None:
    """The documented pair of an Azure region (``brazilsouth`` -> ``southcentralus``); ``None`` if none."""
    name = canonical_provider(provider)
    cat = _catalogs().get(name)
    place = locate(name, region)
    if cat is None or place.kind == "unknown":
        return None
    return cat.paired.get(place.region)
