"""The registers an audit feeds, built from a FindingsDoc and the geography catalog.

``build`` makes the :class:`~auditor.model.registers.Registers` (also the report's "Registers" section);
three renderers write them: ``registers`` (registers.json, schema in ``auditor/model/schema/``),
``art30`` (art30-register.csv) and ``transfer-map`` (hds-transfer-map.csv). The CSV files follow the
report's language and separator (``;`` in French) with a byte-order mark, like findings.csv.

The legal basis of a transfer is read, in this order: an adequacy decision of the country (GDPR art. 45,
with its reference and date, from the catalog); for the United States with ``dpf: true``, the EU-US Data
Privacy Framework decision; a basis the organisation declares in ``report.transfer_bases`` (standard
contractual clauses, binding corporate rules…); otherwise ``none``. An unplaced copy is ``unknown``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from auditor.fsio import dump_json
from auditor.geo.factsheet import oldest_fact_check
from auditor.geo.jurisdiction import jurisdiction
from auditor.geo.qualifications import SCHEMES, coverage, transfer_map
from auditor.geo.zones import ADEQUACY
from auditor.model.codec import to_dict
from auditor.model.findings import FindingsDoc, Status
from auditor.model.registers import (
    REGISTERS_SCHEMA_VERSION,
    Certificate,
    HostEntry,
    Place,
    RecordEntry,
    Registers,
    Transfer,
)
from auditor.render.base import Renderer, RenderOptions, strip_controls
from auditor.render.csvfmt import cell, separator

INSIDE = frozenset({"eu", "eea"})  # places that are no transfer under GDPR chapter V
# EU-US Data Privacy Framework: Commission Implementing Decision (EU) 2023/1795 of 10 July 2023, for
# organisations on the DPF list only. Checked 2026-12-07:
# https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32023D1795
DPF = ("(EU) 2023/1795 (EU-US Data Privacy Framework, 2023-07-10; self-certified organisations only)",
       "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32023D1795")
PROVIDER_NAMES = {"aws": "Amazon Web Services", "azure": "Microsoft Azure", "gcp": "Google Cloud",
                  "ovhcloud": "OVHcloud", "scaleway": "Scaleway", "outscale": "3DS Outscale", "s3ns": "S3NS"}
COPY_ROLES = frozenset({"replica", "geo-secondary", "backup", "snapshot-copy", "edge-cache", "log-destination"})


def _day(iso: str) -> date:
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return date.today()


def _basis(country: str, options: RenderOptions) -> tuple[str, str, str]:
    """(basis, reference, source) of a transfer to ``country``."""
    if not country:
        return "unknown", "", ""
    decision = ADEQUACY.get(country)
    if decision is not None:
        when = decision.date + (f", renewed {decision.renewed}" if decision.renewed else "")
        return "adequacy", f"{decision.decision} ({when})", decision.source or ""
    if country == "US" and options.dpf:
        return "adequacy", DPF[0], DPF[1]
    declared = options.transfer_bases.get(country)
    if declared:
        return "declared", declared, ""
    return "none", "", ""


def _certificates(provider: str, region: str, service: str, on: date) -> tuple[Certificate, ...]:
    out = []
    judged = coverage(provider, region, service, on)
    for scheme in SCHEMES:
        c = judged[scheme]
        cert = c.certificate
        out.append(Certificate(scheme, cert.offering if cert else "", cert.activities if cert else (), c.state,
                               cert.source if cert else "", cert.checked.isoformat() if cert else ""))
    return tuple(out)


def build(doc: FindingsDoc, options: RenderOptions) -> Registers:
    on = _day(doc.run.finished or doc.run.started)
    waived: dict[str, list[str]] = defaultdict(list)
    for f in doc.findings:
        if f.status is Status.WAIVED and f.waiver is not None:
            waived[f.resource_id].append(f"{f.waiver.waiver_id} ({f.policy_id}, {f.waiver.approver}, "
                                         f"until {f.waiver.expires})")
    record: list[RecordEntry] = []
    hosts: dict[tuple[str, str], dict[str, set[str]]] = {}
    for r in sorted(doc.resources, key=lambda r: (r.name, r.id)):
        if not (r.classification and r.classification.health):
            continue
        places = [Place(loc.role.value, loc.region, loc.country or "", loc.zone.value if loc.zone else "unknown")
                  for loc in r.locations]
        key = r.encryption
        if key is not None and key.locations:
            places += [Place("key", k.region, k.country or "", k.zone.value if k.zone else "unknown")
                       for k in key.locations]
        elif key is not None and key.region:
            places.append(Place("key", key.region, key.country or "", key.zone.value if key.zone else "unknown"))
        primary = next((p for p in places if p.role == "primary"), places[0] if places else None)
        law = jurisdiction(r.provider, primary.region if primary else None)
        host = law.offering or PROVIDER_NAMES.get(r.provider, r.provider)
        third: dict[str, list[str]] = defaultdict(list)
        for p in places:
            if p.zone not in INSIDE:
                third[p.country].append(p.role)
        transfers = tuple(Transfer(country, tuple(dict.fromkeys(roles)), *_basis(country, options))
                          for country, roles in sorted(third.items()))
        record.append(RecordEntry(
            dataset=strip_controls(r.name or r.id), resource_id=r.id, provider=r.provider, account=r.account,
            service=r.service, host=host,
            host_jurisdiction=law.headquarters + (f" (parent {law.parent_country})"
                                                  if law.parent_country and law.parent_country != law.headquarters
                                                  else ""),
            certificates=_certificates(r.provider, primary.region if primary else "", r.service, on),
            storage_countries=_countries(p for p in places if p.role == "primary"),
            copy_countries=_countries(p for p in places if p.role in COPY_ROLES),
            processing_countries=_countries(p for p in places if p.role == "processing"),
            places=tuple(places), third_countries=transfers, waivers=tuple(waived.get(r.id, ()))))
        entry = hosts.setdefault((r.provider, host), defaultdict(set))
        entry["datasets"].add(r.id)
        entry["storage"] |= {p.country for p in places if p.country}
        entry["laws"] |= set(law.exposure)
        entry["home"] |= {c for c in (law.headquarters, law.parent_country) if c and c != "unknown"}
    transfer = []
    for (provider, host), facts in sorted(hosts.items()):
        law = jurisdiction(provider)
        transfer.append(HostEntry(
            provider=provider, offering=host, headquarters=law.headquarters, parent_country=law.parent_country or "",
            datasets=len(facts["datasets"]), storage_countries=tuple(sorted(facts["storage"])),
            access_countries=tuple(sorted(facts["storage"] | facts["home"])),
            laws=tuple(sorted(facts["laws"])), published_map=transfer_map(provider) or ""))
    return Registers(generated=doc.run.finished or doc.run.started, profile=doc.run.profile, record=tuple(record),
                     transfer_map=tuple(transfer), catalog_checked=oldest_fact_check())


def _countries(places: Iterable[Place]) -> tuple[str, ...]:
    return tuple(sorted({p.country or "?" for p in places}))


def render_json(doc: FindingsDoc, options: RenderOptions) -> str:
    data = to_dict(build(doc, options))
    return dump_json({"schema_version": REGISTERS_SCHEMA_VERSION, **data})


ART30_COLUMNS = ("dataset", "resource_id", "provider", "account", "service", "host", "host_jurisdiction",
                 "hds_certificate", "hds_activities", "secnumcloud", "storage_countries", "copy_countries",
                 "processing_countries", "third_country", "third_country_copies", "legal_basis", "basis_reference",
                 "waivers")
MAP_COLUMNS = ("provider", "offering", "headquarters", "parent_country", "datasets", "storage_countries",
               "access_countries", "third_country_laws", "published_transfer_map")


def _csv(rows: Iterable[Iterable[object]], header: Iterable[str], options: RenderOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, delimiter=separator(options))
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def _by_scheme(entry: RecordEntry) -> Mapping[str, Certificate]:
    return {c.scheme: c for c in entry.certificates}


def render_art30(doc: FindingsDoc, options: RenderOptions) -> str:
    rows: list[list[object]] = []
    for e in build(doc, options).record:
        certs = _by_scheme(e)
        hds, snc = certs.get("hds"), certs.get("secnumcloud")
        base: list[object] = [
            e.dataset, e.resource_id, e.provider, e.account, e.service, e.host, e.host_jurisdiction,
            f"{hds.state}: {hds.offering}" if hds and hds.offering else (hds.state if hds else ""),
            " ".join(map(str, hds.activities)) if hds else "", snc.state if snc else "",
            " ".join(e.storage_countries), " ".join(e.copy_countries), " ".join(e.processing_countries)]
        tail = ["; ".join(e.waivers)]
        if not e.third_countries:
            rows.append([*base, "", "", "", "", *tail])
        for t in e.third_countries:
            rows.append([*base, t.country or "?", " ".join(t.roles), t.basis, t.reference, *tail])
    return _csv(rows, ART30_COLUMNS, options)


def render_map(doc: FindingsDoc, options: RenderOptions) -> str:
    rows = [[h.provider, h.offering, h.headquarters, h.parent_country, h.datasets, " ".join(h.storage_countries),
             " ".join(h.access_countries), " ".join(h.laws), h.published_map]
            for h in build(doc, options).transfer_map]
    return _csv(rows, MAP_COLUMNS, options)


JSON_RENDERER = Renderer("registers", "registers.json", render_json)
ART30_RENDERER = Renderer("art30", "art30-register.csv", render_art30)
MAP_RENDERER = Renderer("transfer-map", "hds-transfer-map.csv", render_map)
