"""The shape every Azure service module follows (the Azure twin of ``auditor.connectors.aws.service``).

A service module is one file, ``auditor/connectors/azure/<family>.py``, that exposes ``SERVICE``, a
:class:`Service`, listed once in ``auditor.connectors.azure.SERVICES``:

``name``
    the resource provider namespace (``Microsoft.Storage``), the ``service`` of its coverage gaps.
``operations``
    the Azure RBAC actions its reads need (all ``…/read``): ``auditor permissions azure`` prints
    their union as a custom role, a test checks each one reads.
``types``
    the ARM resource types it reads deeply, as :class:`~auditor.connectors.spec.TypeSpec` rows
    (``native``: the ARM type; the scan compares it case-insensitively, Resource Graph answers in
    lower case), with the Terraform types that create each one.
``plan``
    Terraform type -> extractor ``(Change) -> Iterable[Fact]`` for every azurerm type it
    understands in a plan, the stores and what attaches to them (containers, failover groups…).
``read(scan, row) -> Resource``
    the deep read of one in-scope resource (raise ``ReadError`` when nothing could be read;
    record partial failures with ``scan.failed``).
``link(scan, resources, read_row, pmap) -> list[Link]`` (optional)
    after every read: copies of stores *other* modules read that this module holds (backup
    vaults, CDN edges, diagnostic-log destinations). ``resources`` maps lower-case ARM id ->
    Resource and is never changed; the scan applies the links.
``index``
    more ARM types to list, for lookups only (never read deeply): a database's server, a log
    destination's workspace.
``tags(row, index)`` / ``skip(row)`` (optional)
    the tags the scope decision sees (a database inherits its server's) / rows that hold no
    customer data (``master``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, Resource
from auditor.model.vocab import Kind

if TYPE_CHECKING:
    from auditor.connectors.azure.context import Index, Mapper, Row, Scan
    from auditor.connectors.terraform.facts import Extractor

Reader = Callable[["Row"], Resource]


@dataclass(frozen=True, slots=True)
class Link:
    """A location a module adds to a store another module read (``target``: its lower-case ARM id).

    ``holder``: the resource that holds the copy (a vault, a CDN profile), kept in the inventory
    when the scan has not read it already. ``logging``: the target's access logging, when this
    link is what tells it.
    """

    target: str
    location: DataLocation | None = None
    evidence: tuple[str, ...] = ()
    holder: Resource | None = None
    logging: bool | None = None


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    operations: tuple[str, ...]
    types: tuple[TypeSpec, ...] = ()
    plan: Mapping[str, Extractor] = field(default_factory=dict)
    read: Callable[[Scan, Row], Resource] | None = None
    link: Callable[[Scan, Mapping[str, Resource], Reader, Mapper], list[Link]] | None = None
    index: tuple[str, ...] = ()
    tags: Callable[[Row, Index], Mapping[str, str]] | None = None
    skip: Callable[[Row], bool] | None = None

    def kinds(self) -> dict[str, Kind]:
        """Lower-case ARM type -> kind, for the types this module reads."""
        return {t.native.lower(): t.kind for t in self.types}


def namespace(native_type: str) -> str:
    """``Microsoft.DBforMySQL/flexibleServers`` -> ``Microsoft.DBforMySQL``."""
    return native_type.split("/", 1)[0]


def apply_links(resource: Resource, links: list[Link]) -> Resource:
    """``resource`` with the links' locations and evidence added (in order) and their logging verdict."""
    if not links:
        return resource
    locations = (*resource.locations, *(lk.location for lk in links if lk.location is not None))
    evidence = (*resource.evidence, *(e for lk in links for e in lk.evidence))
    said = [lk.logging for lk in links if lk.logging is not None]
    changes: dict[str, Any] = {"locations": locations, "evidence": evidence}
    if said:
        changes["logging"] = any(said)
    return replace(resource, **changes)
