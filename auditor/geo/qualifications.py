"""Qualifications per offering, service and place, dated and sourced (``data/qualifications.yaml``).

An HDS certificate covers some activities of some services in some places, for a period; a
SecNumCloud qualification covers a named service in named places. :func:`coverage` answers, for one
store (provider, region, service) on one day, whether each scheme covers it:

* ``covered``      — a confirmed certificate matches the place and the service and is valid that day;
* ``not_covered``  — nothing does; the reason names what is outside (place, service, validity) or that
                     the provider has no certificate of that scheme in the catalog;
* ``undetermined`` — the place is not known, or only an unconfirmed certificate matches.

Every entry carries its source URL and the day it was checked; :func:`oldest_check` is the age of the
catalog shown in reports' Method section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from auditor.geo._data import load_data
from auditor.geo.catalog import Place, canonical_provider, locate

SCHEMES = ("hds", "secnumcloud")
COVERED, NOT_COVERED, UNDETERMINED = "covered", "not_covered", "undetermined"


@dataclass(frozen=True, slots=True)
class Scope:
    partitions: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    zones: frozenset[str] | None = None
    kinds: frozenset[str] | None = None

    def applies(self, place: Place) -> bool:
        return (
            (self.partitions is None or place.partition in self.partitions)
            and (self.regions is None or place.region in self.regions)
            and (self.countries is None or place.country in self.countries)
            and (self.zones is None or place.zone.value in self.zones)
            and (self.kinds is None or place.kind in self.kinds)
        )

    def describe(self) -> str:
        parts = [f"{name} {', '.join(sorted(values))}" for name, values in (
            ("partitions", self.partitions), ("regions", self.regions), ("countries", self.countries),
            ("zones", self.zones), ("kinds", self.kinds)) if values is not None]
        return "; ".join(parts) or "every place"


@dataclass(frozen=True, slots=True)
class Certificate:
    id: str
    provider: str
    scheme: str
    offering: str
    activities: tuple[int, ...]
    services: frozenset[str] | None  # None: every service of the offering
    scope: Scope
    valid_from: date | None
    valid_until: date | None
    confirmed: bool
    source: str
    checked: date
    provenance: str
    transfer_map: str | None


@dataclass(frozen=True, slots=True)
class Coverage:
    scheme: str
    state: str  # covered | not_covered | undetermined
    reason: str  # why not covered / undetermined; the certificate id when covered
    certificate: Certificate | None = None


def _day(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"qualifications.yaml: {where}: {value!r} is not an ISO day") from exc


def _set(raw: Mapping[str, Any], key: str, lower: bool = True) -> frozenset[str] | None:
    if raw.get(key) is None:
        return None
    return frozenset(str(v).lower() if lower else str(v) for v in raw[key])


def _certificate(entry: Mapping[str, Any], index: int) -> Certificate:
    where = f"certificates[{index}]"
    missing = [k for k in ("id", "provider", "scheme", "offering", "source", "checked", "provenance", "status")
               if not entry.get(k)]
    if missing:
        raise ValueError(f"qualifications.yaml: {where}: missing {', '.join(missing)}")
    if entry["scheme"] not in SCHEMES:
        raise ValueError(f"qualifications.yaml: {where}: unknown scheme {entry['scheme']!r}")
    if entry["status"] not in ("confirmed", "unconfirmed"):
        raise ValueError(f"qualifications.yaml: {where}: status must be confirmed or unconfirmed")
    raw = entry.get("match") or {}
    scope = Scope(partitions=_set(raw, "partitions", lower=False), regions=_set(raw, "regions"),
                  countries=_set(raw, "countries", lower=False), zones=_set(raw, "zones"), kinds=_set(raw, "kinds"))
    return Certificate(
        id=str(entry["id"]),
        provider=canonical_provider(str(entry["provider"])),
        scheme=str(entry["scheme"]),
        offering=str(entry["offering"]),
        activities=tuple(int(a) for a in entry.get("activities") or ()),
        services=_set(entry, "services"),
        scope=scope,
        valid_from=None if entry.get("valid_from") is None else _day(entry["valid_from"], where),
        valid_until=None if entry.get("valid_until") is None else _day(entry["valid_until"], where),
        confirmed=entry["status"] == "confirmed",
        source=str(entry["source"]),
        checked=_day(entry["checked"], where),
        provenance=" ".join(str(entry["provenance"]).split()),
        transfer_map=None if entry.get("transfer_map") is None else str(entry["transfer_map"]),
    )


def load_certificates(data: Mapping[str, Any]) -> tuple[Certificate, ...]:
    """Parse a qualifications document (the package's file, or a test's)."""
    certs = tuple(_certificate(e, i) for i, e in enumerate(data.get("certificates") or ()))
    ids = [c.id for c in certs]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise ValueError(f"qualifications.yaml: duplicate id {duplicate!r}")
    return certs


@cache
def certificates() -> tuple[Certificate, ...]:
    """Every entry of the catalog, in file order."""
    return load_certificates(load_data("qualifications.yaml"))


def oldest_check() -> date:
    """The oldest ``checked`` day of the catalog: how old its least recently verified fact is."""
    return min(c.checked for c in certificates())


def _judge(cert: Certificate, place: Place, service: str, on: date) -> Coverage:
    if not cert.scope.applies(place):
        where = place.region if place.kind != "local-zone" else f"Local Zone {place.region}"
        return Coverage(cert.scheme, NOT_COVERED, f"{where} outside {cert.offering} scope ({cert.scope.describe()})")
    if cert.services is not None and service.lower() not in cert.services:
        shown = service or "unnamed service"
        return Coverage(cert.scheme, NOT_COVERED,
                        f"service {shown} outside {cert.offering} scope ({', '.join(sorted(cert.services))})")
    if cert.valid_until is not None and on > cert.valid_until:
        return Coverage(cert.scheme, NOT_COVERED, f"{cert.offering} certificate expired on {cert.valid_until}")
    if cert.valid_from is not None and on < cert.valid_from:
        return Coverage(cert.scheme, NOT_COVERED, f"{cert.offering} certificate valid from {cert.valid_from}")
    if not cert.confirmed:
        return Coverage(cert.scheme, UNDETERMINED, f"{cert.offering}: certificate not confirmed", cert)
    return Coverage(cert.scheme, COVERED, cert.id, cert)


def judge(certs: tuple[Certificate, ...], provider: str, region: str | None, service: str, on: date,
          scheme: str) -> Coverage:
    """Coverage of one store by one scheme against the given certificates (pure; see :func:`coverage`)."""
    name = canonical_provider(provider)
    mine = [c for c in certs if c.provider == name and c.scheme == scheme]
    if not mine:
        return Coverage(scheme, NOT_COVERED, f"no {scheme} certificate of {name or 'this provider'} in the catalog")
    place = locate(name, region)
    if place.kind == "unknown" and any(c.scope != Scope() for c in mine):
        return Coverage(scheme, UNDETERMINED, f"place {region or '(none)'} not in the catalog")
    results = [_judge(c, place, service, on) for c in mine]
    for state in (COVERED, UNDETERMINED):
        found = next((r for r in results if r.state == state), None)
        if found is not None:
            return found
    return results[0]


@lru_cache(maxsize=4096)
def coverage(provider: str, region: str | None, service: str, on: date) -> Mapping[str, Coverage]:
    """Scheme -> coverage of the store (provider, region, service) on day ``on``."""
    return {scheme: judge(certificates(), provider, region, service, on, scheme) for scheme in SCHEMES}


def place_qualifications(provider: str, region: str | None, on: date) -> tuple[str, ...]:
    """Schemes some confirmed certificate grants in this place on that day, whatever the service."""
    name = canonical_provider(provider)
    place = locate(name, region) if region else None
    out: list[str] = []
    for cert in certificates():
        if cert.provider != name or not cert.confirmed or cert.scheme in out:
            continue
        if place is None or place.kind == "unknown":
            if cert.scope != Scope():
                continue
        elif not cert.scope.applies(place):
            continue
        if (cert.valid_until is not None and on > cert.valid_until) or (
                cert.valid_from is not None and on < cert.valid_from):
            continue
        out.append(cert.scheme)
    return tuple(sorted(out, key=SCHEMES.index))


def transfer_map(provider: str) -> str | None:
    """The host's published HDS transfer map (requirement 31), when the catalog knows it."""
    name = canonical_provider(provider)
    return next((c.transfer_map for c in certificates() if c.provider == name and c.transfer_map), None)

