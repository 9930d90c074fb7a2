"""The facts verdicts rest on, each with its source and the day it was checked (``auditor catalog``).

Two kinds of facts are listed: qualification certificates (``data/qualifications.yaml``) and adequacy
decisions (``data/zones.yaml``). :func:`facts` is the data (the command's text and JSON are
in ``auditor.commands.catalog``); :func:`coverage_summary` says, per certificate, how many places of the
place catalogs and which services it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.geo.catalog import catalog
from auditor.geo.qualifications import Certificate, certificates
from auditor.geo.zones import ADEQUACY


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # "qualification" | "adequacy"
    id: str
    subject: str  # provider or country
    statement: str
    source: str
    checked: str  # ISO day
    provenance: str
    details: dict[str, Any]


def covered_places(cert: Certificate) -> list[str]:
    """The places of the provider's catalog the certificate's place scope matches."""
    return [p.region for p in catalog(cert.provider) if cert.scope.applies(p)]


def _qualification(cert: Certificate) -> Fact:
    activities = ", ".join(map(str, cert.activities)) or "not listed by the source"
    services = ", ".join(sorted(cert.services)) if cert.services is not None else "every service"
    validity = f"{cert.valid_from or 'not published'} to {cert.valid_until or 'not published'}"
    status = "confirmed" if cert.confirmed else "not confirmed"
    statement = (f"{cert.scheme} for {cert.offering}: activities {activities}; services {services}; "
                 f"places {cert.scope.describe()}; valid {validity}; {status}")
    return Fact("qualification", cert.id, cert.provider, statement, cert.source, cert.checked.isoformat(),
                cert.provenance, {
                    "scheme": cert.scheme, "offering": cert.offering, "activities": list(cert.activities),
                    "services": None if cert.services is None else sorted(cert.services),
                    "places": covered_places(cert), "valid_from": cert.valid_from and cert.valid_from.isoformat(),
                    "valid_until": cert.valid_until and cert.valid_until.isoformat(), "confirmed": cert.confirmed,
                    "transfer_map": cert.transfer_map,
                })


def _adequacy() -> list[Fact]:
    out = []
    for code in sorted(ADEQUACY):
        d = ADEQUACY[code]
        when = f"adopted {d.date}" + (f", renewed {d.renewed}" if d.renewed else "") + (
            f", valid until {d.valid_until}" if d.valid_until else "")
        statement = f"{d.name}: adequacy decision {d.decision} ({when})" + (f"; scope: {d.scope}" if d.scope else "")
        out.append(Fact("adequacy", f"adequacy-{code}", code, statement, d.source or "", d.checked or "",
                        d.provenance or "", {"decision": d.decision, "date": d.date, "renewed": d.renewed,
                                             "valid_until": d.valid_until}))
    return out


def facts() -> list[Fact]:
    """Every fact of the catalog, qualifications first."""
    return [_qualification(c) for c in certificates()] + _adequacy()


def oldest_fact_check() -> str:
    """The oldest check day of every fact: how old the catalog is (reports' Method section)."""
    return oldest(facts())


def oldest(all_facts: list[Fact]) -> str:
    days = [f.checked for f in all_facts if f.checked]
    return min(days) if days else ""


def coverage_summary() -> list[tuple[str, str, str, int, str]]:
    """(certificate id, provider, scheme, places matched, services) for every confirmed certificate."""
    rows = []
    for cert in certificates():
        if not cert.confirmed:
            continue
        services = ", ".join(sorted(cert.services)) if cert.services is not None else "every service"
        rows.append((cert.id, cert.provider, cert.scheme, len(covered_places(cert)), services))
    return rows
