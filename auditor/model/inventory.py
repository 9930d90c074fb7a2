"""The normalised inventory: what the connectors saw, in one shape for every cloud.

Connectors fill the raw facts (regions, principals, keys). Stage 2 (``auditor.geo`` and
``auditor.classify``) fills the resolved fields (``country``, ``zone``, ``relation``,
``classification``) with ``dataclasses.replace``: nothing here is mutated in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from auditor.model.vocab import GapReason, GrantSource, Kind, Via

# 2: ``via`` is a mechanism from a closed set, its particulars in ``via_detail``; kind, grant source and
# gap reason are closed sets too. Version 1 files are still read (``auditor.model.legacy``).
INVENTORY_SCHEMA_VERSION = 2


class Zone(StrEnum):
    """Legal zone of a place, most to least protected; ``unknown`` is never compliant."""

    EU = "eu"
    EEA = "eea"  # EEA but not EU: IS, LI, NO
    ADEQUACY = "adequacy"  # a GDPR art. 45 adequacy decision covers the country
    THIRD = "third"
    UNKNOWN = "unknown"


class LocationRole(StrEnum):
    PRIMARY = "primary"
    REPLICA = "replica"
    GEO_SECONDARY = "geo-secondary"
    BACKUP = "backup"
    SNAPSHOT_COPY = "snapshot-copy"
    EDGE_CACHE = "edge-cache"
    LOG_DESTINATION = "log-destination"
    PROCESSING = "processing"  # where prompts or records are computed on (AI inference), not stored


class KeyManager(StrEnum):
    PROVIDER = "provider"  # the cloud holds and manages the key (SSE-S3, Microsoft-managed keys)
    CUSTOMER = "customer"  # customer-managed key inside the provider's KMS
    EXTERNAL = "external"  # key material held outside the provider (XKS, imported, HYOK)
    HSM = "hsm"  # dedicated HSM (CloudHSM, Managed HSM)
    NONE = "none"  # not encrypted at rest
    UNKNOWN = "unknown"


class PrincipalKind(StrEnum):
    PUBLIC = "public"
    ANY_AUTHENTICATED = "any-authenticated"
    ACCOUNT = "account"
    ROLE = "role"
    USER = "user"
    GROUP = "group"
    SERVICE = "service"
    GUEST = "guest"
    FOREIGN_TENANT_APP = "foreign-tenant-app"
    FOREIGN_GROUP = "foreign-group"  # a group of another directory (Azure ForeignGroup): outside by definition
    FOREIGN_RESOURCE = "foreign-resource"  # a resource instance let in by a firewall rule (resourceAccessRules)
    UNKNOWN = "unknown"


class Relation(StrEnum):
    """Where a principal comes from, relative to the audited organisation (filled in stage 2)."""

    PUBLIC = "public"
    INTERNAL = "internal"  # inside the audited organisation / tenant
    TRUSTED = "trusted"  # outside it, but in the configured trusted list
    EXTERNAL = "external"  # outside both
    UNKNOWN = "unknown"


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class DataLocation:
    """One place where bytes of a dataset (or of its key) physically sit."""

    region: str
    role: LocationRole = LocationRole.PRIMARY
    via: Via | None = None  # the mechanism: s3-replication, storage-geo-replication, backup-copy-action…
    target: str | None = None  # the resource holding the copy (ARN, resource id), when known
    account: str | None = None  # the account/subscription holding the copy, when known
    provider: str | None = None  # when the copy lives with another provider than the resource
    country: str | None = None  # resolved in stage 2
    zone: Zone | None = None  # resolved in stage 2
    via_detail: str | None = None  # the mechanism's particulars: "RA-GRS, secondaryLocation", a group name


@dataclass(frozen=True, slots=True)
class KeyRef:
    """The key that encrypts a dataset at rest, and where its material lives."""

    manager: KeyManager
    key_id: str | None = None
    region: str | None = None
    origin: str | None = None  # AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE, Microsoft.KeyVault…
    locations: tuple[DataLocation, ...] = ()  # primary and multi-region replicas of the key
    zone: Zone | None = None  # resolved in stage 2 (zone of the key's own region)
    country: str | None = None


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """One way a principal can reach a dataset."""

    principal: str
    principal_kind: PrincipalKind
    permission: Permission = Permission.READ
    source: GrantSource = GrantSource.UNKNOWN
    home: str | None = None  # the principal's account or tenant id, when known
    condition: str | None = None  # what narrows it, e.g. "aws:PrincipalOrgID=o-abc"
    relation: Relation | None = None  # resolved in stage 2
    name: str | None = None  # the principal's display name, when it could be read (Entra displayName)


@dataclass(frozen=True, slots=True)
class Network:
    public_endpoint: bool | None = None  # None: not known
    allowed_ranges: tuple[str, ...] = ()
    private_endpoints: int = 0


@dataclass(frozen=True, slots=True)
class Classification:
    """Stage 2b's decision: is this health data, and which rule said so."""

    label: str  # "health", "unclassified", or a user label
    health: bool
    rule: str  # e.g. "tag data-classification=phi", "name *-patients-*", "kind health-api"


@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    provider: str
    account: str
    service: str
    kind: Kind
    native_type: str
    name: str
    region: str
    organization: str | None = None  # AWS organization id / Azure tenant id
    tags: Mapping[str, str] = field(default_factory=dict)
    locations: tuple[DataLocation, ...] = ()
    encryption: KeyRef | None = None
    access: tuple[AccessGrant, ...] = ()
    network: Network = field(default_factory=Network)
    logging: bool | None = None  # access logging on the data store; None: not known
    classification: Classification | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()  # API calls (or plan paths) that produced the facts
    change: str | None = None  # for a plan: create, update, replace, delete
    source_file: str | None = None  # for a plan: where the resource is declared ("main.tf:12")


class GapAspect(StrEnum):
    """Which part of a store a coverage gap left unread: only the checks that read it become unknown.

    A gap without a ``resource_id`` (a whole service, region or account) has aspect ``store``.
    """

    STORE = "store"  # the store itself, or everything about it
    LOCATION = "location"  # where its bytes are copied: replication, geo-redundancy, backups
    KEY = "key"  # its encryption at rest: key, key manager, key region and replicas
    ACCESS = "access"  # who can reach it: policies, ACLs, role assignments, access policies
    NETWORK = "network"  # its network rules: public endpoint, firewall, private endpoints
    LOGGING = "logging"  # its access-logging settings (and so where its access logs go)
    CLASSIFICATION = "classification"  # its tags or labels (what decides whether it holds health data)


# The reason of a gap a plan can never fill (e.g. logging configured outside Terraform): the checks
# that depend on it are "not assessable from a plan", reported but never blocking on their own.
NOT_IN_PLAN = GapReason.NOT_IN_PLAN


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """Something that could not be read. Never compliant: it becomes an ``unknown`` finding."""

    provider: str
    service: str
    reason: GapReason
    error: str
    account: str | None = None
    region: str | None = None
    resource_id: str | None = None
    aspect: GapAspect = GapAspect.STORE


@dataclass(frozen=True, slots=True)
class Scope:
    """What the collection covered (shown in every report)."""

    providers: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    source: str = "unknown"  # aws, azure, terraform-plan, sample, merged…
    names: Mapping[str, str] = field(default_factory=dict, hash=False)  # account/subscription/tenant id -> its name
    # account id -> what identifies the account across runs when its id does not last (an emulator's generated
    # member accounts: their Organizations email); see auditor/model/identity.py
    account_keys: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Inventory:
    resources: tuple[Resource, ...] = ()
    coverage_gaps: tuple[CoverageGap, ...] = ()
    scope: Scope = field(default_factory=Scope)
    collected_at: str | None = None  # ISO 8601 UTC
    schema_version: int = INVENTORY_SCHEMA_VERSION
