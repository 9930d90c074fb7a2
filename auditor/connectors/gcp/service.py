"""The shape every Google Cloud service module follows (Cloud Storage, BigQuery, Cloud SQL, Healthcare).

A service module is one file, ``auditor/connectors/gcp/<family>.py``, exposing ``SERVICE``, a
:class:`Service`, listed once in ``auditor.connectors.gcp.SERVICES``:

``operations``
    every REST method the module calls, by its discovery-document id (``storage.buckets.get``),
    mapped to the IAM permission that authorises it. The session's guard refuses any other (and
    any method but ``GET``); ``auditor permissions gcp`` prints the permissions as a custom role.
``types``
    :class:`~auditor.connectors.spec.TypeSpec` rows; ``native`` is the Cloud Asset Inventory asset
    type (``storage.googleapis.com/Bucket``): discovery asks Asset Inventory for exactly these.
``from_asset(scan, result) -> Found | None``
    one Asset Inventory ``ResourceSearchResult`` of one of ``types`` -> the cheap listing.
``discover(scan, project) -> list[Found]``
    the same listing from the service's own API, used when Asset Inventory cannot be read.
``read(scan, found, deep) -> Resource``
    ``deep=False``: the listing facts only; ``deep=True``: every residency and access fact.
``link(scan, resources) -> resources``
    optional, once every resource is read: ties resources of other services to this one's
    (Cloud KMS: the stores each key protects, the store's key manager from the key's protection level).
``unsearched``
    asset types of ``types`` Asset Inventory is not asked for (BigQuery tables: read through their
    datasets, a search would answer every table of the organisation).
``plan``
    Terraform ``google``/``google-beta`` type -> extractor (same file, see
    :mod:`auditor.connectors.terraform.facts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.connectors.base import Candidate
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, LocationRole, Resource
from auditor.model.vocab import Kind

if TYPE_CHECKING:
    from auditor.connectors.gcp.context import Project, Scan
    from auditor.connectors.terraform.facts import Extractor


@dataclass(frozen=True, slots=True)
class Found:
    """A store as the listing saw it. ``id`` is the full resource name (``//storage.googleapis.com/b``)."""

    id: str
    service: str  # the module's SERVICE.name
    kind: Kind
    native_type: str
    name: str
    project: str  # project id
    region: str
    labels: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()

    def candidate(self, provider: str) -> Candidate:
        return Candidate(provider=provider, kind=self.kind, native_type=self.native_type, name=self.name,
                         tags=self.labels)


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    operations: Mapping[str, str]
    types: tuple[TypeSpec, ...] = ()
    plan: Mapping[str, Extractor] = field(default_factory=dict)
    from_asset: Callable[[Scan, Mapping[str, Any]], Found | None] | None = None
    discover: Callable[[Scan, Project], list[Found]] | None = None
    read: Callable[[Scan, Found, bool], Resource] | None = None
    link: Callable[[Scan, Sequence[Resource]], list[Resource]] | None = None
    unsearched: tuple[str, ...] = ()  # declared asset types read through another resource, never searched


def listing_resource(scan: Scan, found: Found, **attributes: Any) -> Resource:
    """What the listing alone says (an out-of-scope store, or one whose deep read failed)."""
    return Resource(
        id=found.id, provider=scan.provider, account=found.project, service=found.service, kind=found.kind,
        native_type=found.native_type, name=found.name, region=found.region, organization=scan.organization,
        tags=dict(found.labels), locations=(DataLocation(found.region, LocationRole.PRIMARY),),
        evidence=found.evidence, attributes={"depth": "listing", **found.facts, **attributes},
    )
