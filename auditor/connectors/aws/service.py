"""The shape every AWS service module follows (S3 and KMS today; RDS, DynamoDB, Backup… next).

A service module is one file, ``auditor/connectors/aws/<family>.py``, that exposes ``SERVICE``, a
:class:`Service`, listed once in ``auditor.connectors.aws.SERVICES``:

``operations``
    every API operation the module calls, ``"<boto3 client>:<Operation>"`` mapped to the IAM
    action that authorises it. The read-only guard refuses anything else before it is sent, a
    test checks that each one is a Get/List/Describe/Head, and ``auditor permissions aws`` prints
    the IAM policy built from these.
``discover(scan) -> list[Found]``
    the cheap listing, over ``scan.accounts`` (and ``account.regions`` for regional services):
    names, regions, tags, nothing per-store beyond what classification needs.
``read(scan, found, deep) -> Read``
    ``deep=False`` (out of scope): a Resource from the listing facts only, no further call.
    ``deep=True``: every residency and access fact. Name the store's KMS key in ``Read.key``
    (the scan resolves it once, in the key's own region) and the other stores holding copies of
    its bytes in ``Read.copies`` (the scan reads those deeply too, even when out of scope).

``types``
    the resource types it reads (:class:`~auditor.connectors.spec.TypeSpec`: kind, CloudFormation
    type, the Terraform types that create it or why plans never show it).
``plan``
    Terraform type -> extractor for every type of ``types`` a plan can hold *and* the attachments
    that shape them (``aws_s3_bucket_policy``…); the plan gate's registry is built from these.
``probes``
    IAM prefix -> the actions that stand for reading, writing and administering the data, for
    every resource policy the module reads (:mod:`.policy` judges ``Action`` / ``NotAction``
    against them; a prefix without probes is refused, never read as "grants nothing").
``backup``
    AWS Backup can protect the module's stores (a backup plan's selections are matched to them).
``vias``
    the copy mechanisms (:class:`~auditor.model.vocab.Via`) the module's live reads and plan
    extractors put on locations.

``after``
    the modules whose shared state its ``discover`` reads (discovers otherwise run at the same time).

``link(scan, resources) -> list[Link]`` (optional)
    after every read: facts this module adds to stores *other* modules read (a CDN's edge cache
    on its origin bucket, a backup plan's copies on the stores it protects). ``resources`` maps
    ARN -> Resource; the scan appends each link's location (and evidence, attribute) to its
    target. Runs on the orchestrating thread, so it may use ``scan.map``.

Calls go through ``scan.call`` / ``scan.pages`` (coverage gaps, call counting, the guard) and
fan-out through ``scan.map``; a module never creates its own clients or threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditor.connectors.base import Candidate
from auditor.connectors.spec import TypeSpec
from auditor.model.inventory import DataLocation, Permission, Resource
from auditor.model.vocab import Kind, Via

if TYPE_CHECKING:
    from auditor.connectors.aws.context import Scan
    from auditor.connectors.terraform.facts import Extractor


@dataclass(frozen=True, slots=True)
class Found:
    """A data store as the cheap listing saw it, before ``in_scope`` decides on deep reads."""

    arn: str
    service: str
    kind: Kind
    native_type: str
    name: str
    account: str
    region: str
    tags: Mapping[str, str] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)  # listing facts, kept as attributes

    def candidate(self) -> Candidate:
        return Candidate(provider="aws", kind=self.kind, native_type=self.native_type, name=self.name,
                         tags=self.tags)


@dataclass(frozen=True, slots=True)
class KeyLookup:
    """A KMS key as a store names it: ARN, key id or alias, asked from ``account`` in ``region``."""

    account: str
    region: str
    key_id: str


@dataclass(frozen=True, slots=True)
class Read:
    resource: Resource
    key: KeyLookup | None = None
    copies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A location one module adds to a store another module read (``target``: that store's ARN).

    ``attribute``/``value``: a fact added to the list ``attributes[attribute]`` of the target.
    """

    target: str
    location: DataLocation
    evidence: tuple[str, ...] = ()
    attribute: str | None = None
    value: Any = None


Probes = Mapping[Permission, tuple[str, ...]]  # representative IAM actions per permission


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    operations: Mapping[str, str]
    discover: Callable[[Scan], list[Found]] | None = None
    read: Callable[[Scan, Found, bool], Read] | None = None
    link: Callable[[Scan, Mapping[str, Resource]], list[Link]] | None = None
    types: tuple[TypeSpec, ...] = ()  # the resource types this module reads (see auditor.connectors.spec)
    plan: Mapping[str, Extractor] = field(default_factory=dict)  # Terraform type -> extractor
    probes: Mapping[str, Probes] = field(default_factory=dict)  # IAM prefix -> access probes
    backup: bool = False  # AWS Backup protects its stores
    vias: tuple[Via, ...] = ()  # copy mechanisms its reads and extractors report
    after: tuple[str, ...] = ()  # modules whose discover must have finished before its own (their shared state)


def apply_links(resource: Resource, links: list[Link]) -> Resource:
    """``resource`` with the links' locations, evidence and attribute values added (each once)."""
    locations = tuple(dict.fromkeys((*resource.locations, *(lk.location for lk in links))))
    evidence = tuple(dict.fromkeys((*resource.evidence, *(e for lk in links for e in lk.evidence))))
    attributes = dict(resource.attributes)
    for lk in links:
        if lk.attribute is not None and lk.value not in attributes.get(lk.attribute, ()):
            attributes[lk.attribute] = [*attributes.get(lk.attribute, ()), lk.value]
    return replace(resource, locations=locations, evidence=evidence, attributes=attributes)


@functools.lru_cache(maxsize=1024)
def _home(region: str) -> tuple[DataLocation, ...]:
    """One shared (frozen) location tuple per region for the stores that have no other: tens of thousands of
    listed snapshots hold one tuple, not one each."""
    return (DataLocation(region),)


def listing_resource(found: Found, organization: str | None, **changes: Any) -> Resource:
    """The Resource an out-of-scope store gets: what the listing saw, nothing more."""
    attributes = {"depth": "listing", **found.facts, **changes.pop("attributes", {})}
    resource = Resource(
        id=found.arn, provider="aws", account=found.account, service=found.service, kind=found.kind,
        native_type=found.native_type, name=found.name, region=found.region, organization=organization,
        tags=dict(found.tags), locations=_home(found.region), evidence=found.evidence,
        attributes=attributes,
    )
    return replace(resource, **changes) if changes else resource
