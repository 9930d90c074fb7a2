"""The registers an audit feeds (``registers.json``): pure data, no I/O.

* The **GDPR Art. 30 hosting and transfer record** — the part of the record of processing activities an
  audit can fill: per health dataset, its hosts (provider, offering, certificates), the countries where
  it is stored, copied and processed, every third country reached with the legal basis of the transfer,
  and the waivers that cover it.
* The **HDS transfer map** (HDS v2 requirement 31, with 29–30): per host, the places its data can be
  reached from and the third-country laws it is exposed to, in the shape hosts publish theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

REGISTERS_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Certificate:
    scheme: str  # hds | secnumcloud
    offering: str
    activities: tuple[int, ...]  # HDS activities 1-6; empty when the source does not list them
    state: str  # covered | not_covered | undetermined, for this dataset's primary place and service
    source: str
    checked: str


@dataclass(frozen=True, slots=True)
class Place:
    role: str  # primary, replica, backup, key, processing…
    region: str
    country: str  # ISO code; "" when unknown
    zone: str


@dataclass(frozen=True, slots=True)
class Transfer:
    country: str  # ISO code
    roles: tuple[str, ...]  # which copies sit there
    basis: str  # adequacy | scc | none | unknown
    reference: str  # the adequacy decision with its date, or the declared SCC reference; "" for none
    source: str


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One health dataset in the Art. 30 record."""

    dataset: str
    resource_id: str
    provider: str
    account: str
    service: str
    host: str  # the offering that runs its primary place
    host_jurisdiction: str  # headquarters country of the host (and its parent's, when different)
    certificates: tuple[Certificate, ...]
    storage_countries: tuple[str, ...]
    copy_countries: tuple[str, ...]
    processing_countries: tuple[str, ...]
    places: tuple[Place, ...]
    third_countries: tuple[Transfer, ...]
    waivers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HostEntry:
    """One host in the HDS transfer map."""

    provider: str
    offering: str
    headquarters: str
    parent_country: str
    datasets: int
    storage_countries: tuple[str, ...]  # where its data sits (from the inventory)
    access_countries: tuple[str, ...]  # where it can be reached from: storage places and the host's home
    laws: tuple[str, ...]  # third-country laws it is exposed to (CLOUD Act, FISA 702…)
    published_map: str  # the host's own published transfer map, when the catalog knows it


@dataclass(frozen=True, slots=True)
class Registers:
    generated: str
    profile: str
    record: tuple[RecordEntry, ...]
    transfer_map: tuple[HostEntry, ...]
    catalog_checked: str  # the oldest check day of the qualification and adequacy facts used
