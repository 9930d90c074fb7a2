"""What an extractor says about one planned change, and the view of the plan it gets to say it.

An extractor is ``(change: Change) -> Iterable[Fact]``. A fact is one of:

- :class:`Store` -- this change *is* a data store (bucket, database, key, vault, CDN…);
- :class:`Attach` -- this change adds something to *another* store: a replica or backup
  location, an access grant, the key that encrypts it, attributes. The target is found by
  configuration reference first, then by planned name/ARN; when it is not in the plan, the
  change itself becomes a store of the target's kind, so the fact is never lost;
- :class:`Gap` -- something of this change that cannot be known from the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.connectors.terraform.references import expression_at
from auditor.connectors.terraform.resolve import Entry, Resolved, Resolver
from auditor.connectors.terraform.values import arn_account, arn_parts, azure_id_part, dig, is_unknown, tag_map, text
from auditor.connectors.universes import GOOGLE_PROVIDERS
from auditor.model.inventory import AccessGrant, DataLocation, GapAspect, KeyManager, LocationRole, Network
from auditor.model.vocab import GapReason, Kind, Via

PLANNED_ACCOUNT = "planned"


@dataclass(frozen=True, slots=True)
class Target:
    """Another store, by configuration reference (``addresses``) or by planned name/ARN."""

    addresses: tuple[str, ...] = ()
    identity: str | None = None  # e.g. a bucket name, matched against ``Store.identities``
    kind: Kind = Kind.OBJECT_STORE  # what the change becomes when the target is not in the plan
    service: str = "s3"
    name: str | None = None
    create: bool = True  # False: drop the fact when no planned store matches (e.g. a CDN origin)


@dataclass(frozen=True, slots=True)
class KeyLink:
    """The key encrypting a store: a planned key resource when one is designated."""

    manager: KeyManager
    key: Target | None = None
    key_id: str | None = None
    region: str | None = None  # when known without the key resource (ARN, provider-managed key)
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Store:
    kind: Kind
    service: str
    name: str
    region: Resolved | None = None  # None: the change's resolved region
    locations: tuple[DataLocation, ...] = ()  # besides the primary one
    key: KeyLink | None = None
    access: tuple[AccessGrant, ...] = ()
    network: Network = field(default_factory=Network)
    logging: bool | None = None  # None: the plan does not tell
    attributes: Mapping[str, Any] = field(default_factory=dict)
    identities: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attach:
    target: Target
    locations: tuple[DataLocation, ...] = ()
    access: tuple[AccessGrant, ...] = ()
    key: KeyLink | None = None
    logging: bool | None = None  # access logging switched on (True) or off (False) by this change
    attributes: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Gap:
    service: str
    reason: GapReason
    error: str
    target: Target | None = None  # the store the gap is about, when not the change itself
    aspect: GapAspect = GapAspect.STORE  # which part of the store is unknown (only the checks reading it)


Fact = Store | Attach | Gap


class Change:
    """One planned resource change as an extractor sees it (read-only helpers, all total)."""

    def __init__(self, entry: Entry, resolver: Resolver) -> None:
        self.entry = entry
        self.resolver = resolver

    @property
    def address(self) -> str:
        return self.entry.address

    @property
    def type(self) -> str:
        return self.entry.type

    @property
    def values(self) -> dict[str, Any]:
        return self.entry.values

    def get(self, *path: str | int) -> Any:
        return dig(self.entry.values, *path)

    def text(self, *path: str | int) -> str | None:
        return None if self.unknown(*path) else text(self.get(*path))

    def unknown(self, *path: str | int) -> bool:
        return is_unknown(self.entry.unknown, *path)

    def configured(self, *path: str | int) -> bool:
        """Whether the configuration sets the argument at ``path`` (else the provider's default applies)."""
        config = self.resolver.plan.resources.get(self.entry.config_address)
        return config is not None and expression_at(config.expressions, *path) is not None

    def path(self, *parts: str | int) -> str:
        return self.entry.path(*parts)

    @property
    def region(self) -> Resolved:
        return self.resolver.region(self.entry.address)

    def refs(self, *path: str | int) -> list[str]:
        return self.resolver.targets(self.entry, *path)

    def region_of(self, address: str) -> Resolved:
        return self.resolver.region(address)

    def other(self, address: str) -> Change | None:
        """Another planned change, to read a linked resource's values (a backup plan's rules…)."""
        entry = self.resolver.entries.get(address)
        return Change(entry, self.resolver) if entry is not None else None

    def find(self, types: tuple[str, ...], attribute: str, value: Any) -> str | None:
        return self.resolver.find(types, attribute, value)

    def tags(self) -> dict[str, str]:
        """Planned tags: ``tags_all`` (provider default tags included) when known, else ``tags``; on Google
        Cloud, labels: ``effective_labels`` (provider default labels included), else ``labels``."""
        google = self.entry.provider in GOOGLE_PROVIDERS
        every, own = ("effective_labels", "labels") if google else ("tags_all", "tags")
        if google and self.get(own) is None and isinstance(self.get("settings", 0), dict):
            return tag_map(self.get("settings", 0, "user_labels"))  # Cloud SQL keeps its labels in settings
        if not self.unknown(every) and isinstance(self.get(every), dict):
            return tag_map(self.get(every))
        return tag_map(self.get(own)) if not self.unknown(own) else {}

    def planned_name(self, *attributes: str) -> str:
        """The first known of ``attributes``, else the Terraform address (what a report shows)."""
        for attribute in attributes:
            value = self.text(attribute)
            if value:
                return value
        return self.entry.address

    def new_logging(self) -> bool | None:
        """Not known from a plan unless a change in the same plan turns logging on: access logging is
        often set outside Terraform (Azure Policy diagnostic settings, an organisation CloudTrail),
        so a plan never shows that it is off (the store gets a ``not-in-plan`` gap)."""
        return None

    def account(self) -> str:
        """The account/subscription when the plan tells it, else ``planned``."""
        if self.entry.provider == "azure":
            known = azure_id_part(self.get("id"), "subscriptions")
        elif self.entry.provider in GOOGLE_PROVIDERS:
            known = self.text("project")
        else:
            known = arn_account(self.get("arn"))
        return known or self.resolver.account(self.entry) or PLANNED_ACCOUNT

    def location(self, region: Resolved, role: LocationRole, via: Via, target: str | None = None) -> DataLocation:
        return DataLocation(region=region.value, role=role, via=via, target=target)


Extractor = Callable[[Change], Iterable[Fact]]


def arn_identity(arn: str | None) -> str | None:
    """How a store is named in ``Target.identity`` from an ARN: ``s3:<bucket>``, else ``<service>:<arn>``."""
    parts = arn_parts(arn)
    if parts is None:
        return None
    if parts[1] == "s3" and "/" not in parts[4]:
        return f"s3:{parts[4]}"
    return f"{parts[1]}:{arn}"
