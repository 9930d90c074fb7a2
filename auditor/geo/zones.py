"""Legal zones of places: a country code -> ``eu`` | ``eea`` | ``adequacy`` | ``third`` | ``unknown``.

The facts (EU-27 and outermost regions, EEA, adequacy decisions, the ISO 3166-1 code list) live in
``data/zones.yaml`` with their sources. Rules:

* ``None``, empty text or anything that is not an ISO 3166-1 alpha-2 code is ``unknown`` — never guessed;
* a real country outside the EEA and without an adequacy decision is ``third`` (the United States too:
  the EU-US Data Privacy Framework covers certified organisations only, a profile matter);
* ``UK`` and ``EL`` are read as ``GB`` and ``GR``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from auditor.geo._data import load_data
from auditor.model.inventory import Zone

#: Most to least protected; ``unknown`` is worse than everything (never compliant).
ZONE_ORDER: tuple[Zone, ...] = (Zone.EU, Zone.EEA, Zone.ADEQUACY, Zone.THIRD, Zone.UNKNOWN)
_RANK = {zone: index for index, zone in enumerate(ZONE_ORDER)}


@dataclass(frozen=True, slots=True)
class AdequacyDecision:
    """A GDPR art. 45 adequacy decision covering one country or territory."""

    country: str
    name: str
    decision: str
    date: str  # ISO date of the decision
    scope: str | None = None  # e.g. "commercial organisations subject to PIPEDA"
    renewed: str | None = None  # ISO date of the latest renewal
    valid_until: str | None = None  # ISO date the decision lapses, when it has a sunset clause
    source: str | None = None
    checked: str | None = None  # ISO day the source was last read
    provenance: str | None = None  # what could not be verified


@dataclass(frozen=True, slots=True)
class _Tables:
    eu: frozenset[str]
    eea_not_eu: frozenset[str]
    iso: frozenset[str]
    aliases: Mapping[str, str]
    adequacy: Mapping[str, AdequacyDecision]


@cache
def _tables() -> _Tables:
    data: Mapping[str, Any] = load_data("zones.yaml")
    adequacy = {
        str(code): AdequacyDecision(
            country=str(code),
            name=str(entry["name"]),
            decision=str(entry["decision"]),
            date=str(entry["date"]),
            scope=None if entry.get("scope") is None else str(entry["scope"]),
            renewed=None if entry.get("renewed") is None else str(entry["renewed"]),
            valid_until=None if entry.get("valid_until") is None else str(entry["valid_until"]),
            source=str(entry.get("source") or data["adequacy_source"]),
            checked=str(entry.get("checked") or data["adequacy_checked"]),
            provenance=str(entry["provenance"]) if entry.get("provenance") else (
                None if entry.get("source") else " ".join(str(data["adequacy_provenance"]).split())),
        )
        for code, entry in data["adequacy"].items()
    }
    return _Tables(
        eu=frozenset(map(str, data["eu"])),
        eea_not_eu=frozenset(map(str, data["eea_not_eu"])),
        iso=frozenset(map(str, data["iso_3166_1_alpha_2"])),
        aliases=MappingProxyType({str(k): str(v) for k, v in data["country_aliases"].items()}),
        adequacy=MappingProxyType(dict(sorted(adequacy.items()))),
    )


class _AdequacyView(Mapping[str, AdequacyDecision]):
    """Read-only view over the adequacy table, loaded on first use."""

    def __getitem__(self, key: str) -> AdequacyDecision:
        return _tables().adequacy[key]

    def __iter__(self) -> Any:
        return iter(_tables().adequacy)

    def __len__(self) -> int:
        return len(_tables().adequacy)

    def __repr__(self) -> str:
        return f"ADEQUACY({sorted(self)})"


#: Country code -> the adequacy decision that covers it (GB, CH, JP, KR, IL, NZ, CA, BR, AR, UY, AD, FO, GG, IM, JE).
ADEQUACY: Mapping[str, AdequacyDecision] = _AdequacyView()


def canonical_country(country: str | None) -> str | None:
    """``" fr "`` -> ``"FR"``, ``"UK"`` -> ``"GB"``; ``None`` when it is not an ISO 3166-1 alpha-2 code."""
    if not isinstance(country, str):
        return None
    code = country.strip().upper()
    tables = _tables()
    code = tables.aliases.get(code, code)
    return code if code in tables.iso else None


@cache
def _zone_of_code(code: str) -> Zone:
    tables = _tables()
    if code in tables.eu:
        return Zone.EU
    if code in tables.eea_not_eu:
        return Zone.EEA
    if code in tables.adequacy:
        return Zone.ADEQUACY
    return Zone.THIRD


def zone_of_country(country: str | None) -> Zone:
    """The legal zone of a country; ``Zone.UNKNOWN`` for ``None`` or a code that is not a country."""
    code = canonical_country(country)
    return Zone.UNKNOWN if code is None else _zone_of_code(code)


def zone_rank(zone: Zone) -> int:
    """0 for ``eu`` … 4 for ``unknown``: larger is less protected."""
    return _RANK[zone]


def weakest(zones: Iterable[Zone]) -> Zone:
    """The least protected of several zones (``unknown`` when there are none)."""
    worst: Zone | None = None
    for zone in zones:
        if worst is None or _RANK[zone] > _RANK[worst]:
            worst = zone
    return Zone.UNKNOWN if worst is None else worst


_NAMED = {zone.value: zone for zone in ZONE_ORDER if zone is not Zone.UNKNOWN}


def zone_within(zone: Zone, allowed: Iterable[str]) -> bool:
    """Is ``zone`` inside one of the ``allowed`` zones, read as nested sets (eu ⊂ eea ⊂ adequacy ⊂ third)?

    ``["eea"]`` accepts ``eu`` and ``eea``; ``["eu", "adequacy"]`` accepts eu, eea and adequacy.
    ``unknown`` is never within anything, and an allowed name that is not a zone is ignored.
    """
    if zone is Zone.UNKNOWN:
        return False
    rank = _RANK[zone]
    for name in allowed:
        bound = _NAMED.get(str(name).strip().lower())
        if bound is not None and rank <= _RANK[bound]:
            return True
    return False
