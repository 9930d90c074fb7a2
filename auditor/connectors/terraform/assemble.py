"""Facts from every extractor -> Resources and CoverageGaps.

Stores are built first; then every :class:`Attach` is joined to its target (configuration
reference, then planned name/ARN; when neither is in the plan the attaching change becomes a
store of the target's kind); then keys are resolved, last, so that a bucket's ``KeyRef`` lists
the key's replica regions added by ``aws_kms_replica_key``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditor.connectors.terraform.facts import Attach, Change, Fact, Gap, KeyLink, Store, Target
from auditor.connectors.terraform.resolve import UNKNOWN, Resolved
from auditor.model.inventory import AccessGrant, CoverageGap, DataLocation, KeyManager, KeyRef, PrincipalKind, Resource

_POLICY_BLOCKERS = ("block_public_policy", "restrict_public_buckets")
_ACL_BLOCKERS = ("block_public_acls", "ignore_public_acls")


@dataclass(slots=True)
class _Draft:
    change: Change
    store: Store
    region: Resolved
    locations: list[DataLocation] = field(default_factory=list)
    access: list[AccessGrant] = field(default_factory=list)
    key: KeyLink | None = None
    logging: bool | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    touched: bool = False  # created, updated, replaced, deleted, or reached by such a change

    @property
    def deleted(self) -> bool:
        return self.change.entry.action == "delete"

    def all_locations(self) -> tuple[DataLocation, ...]:
        primary = DataLocation(region=self.region.value)
        out = [primary]
        for location in self.locations:
            if location not in out:
                out.append(location)
        return tuple(out)


def assemble(
    results: Iterable[tuple[Change, list[Fact]]],
    source_of: Callable[[Change], str | None],
    keep_unchanged: bool = False,
) -> tuple[list[Resource], list[CoverageGap]]:
    """Resources of the plan; unchanged (``no-op``) stores only when a change touches them."""
    drafts: dict[str, _Draft] = {}
    identities: dict[str, str] = {}
    attaches: list[tuple[Change, Attach]] = []
    gaps: list[tuple[Change, Gap]] = []
    for change, facts in results:
        for fact in facts:
            if isinstance(fact, Store):
                drafts[change.address] = _draft(change, fact)
                for identity in fact.identities:
                    identities.setdefault(identity, change.address)
            elif isinstance(fact, Attach):
                attaches.append((change, fact))
            else:
                gaps.append((change, fact))
    for change, attach in attaches:
        if change.entry.action == "delete":
            continue  # a flow being removed moves no data
        for address in _targets(attach.target, drafts, identities) or _standalone(change, attach.target, drafts):
            _merge(drafts[address], attach)
            drafts[address].touched |= change.entry.action != "no-op"
    kept = {a: d for a, d in drafts.items() if d.touched or keep_unchanged}
    resources = [_resource(d, drafts, identities, source_of) for d in kept.values()]
    coverage = [
        _gap(change, gap, drafts, identities)
        for change, gap in gaps
        if change.entry.action != "delete" and (keep_unchanged or change.entry.action != "no-op")
    ]
    return resources, coverage


def _draft(change: Change, store: Store) -> _Draft:
    region = store.region or change.region
    return _Draft(
        change=change,
        store=store,
        region=region,
        touched=change.entry.action != "no-op",
        locations=list(store.locations),
        access=list(store.access),
        key=store.key,
        logging=store.logging,
        attributes=dict(store.attributes),
        evidence=[*store.evidence, region.evidence],
    )


def _targets(target: Target, drafts: dict[str, _Draft], identities: dict[str, str]) -> list[str]:
    found = [a for a in target.addresses if a in drafts]
    if not found and target.identity in identities:
        found = [identities[target.identity]]
    return found


def _standalone(change: Change, target: Target, drafts: dict[str, _Draft]) -> list[str]:
    """The target is not in the plan: the change stands for it, so its facts are kept."""
    if not target.create:
        return []
    if change.address not in drafts:
        store = Store(kind=target.kind, service=target.service, name=target.name or change.address)
        drafts[change.address] = _draft(change, store)
        drafts[change.address].attributes["stands_for"] = target.name or "a resource outside this plan"
    return [change.address]


def _merge(draft: _Draft, attach: Attach) -> None:
    draft.locations += attach.locations
    draft.access += attach.access
    if attach.key is not None:
        draft.key = attach.key
    if attach.logging is not None:
        draft.logging = attach.logging
    draft.attributes.update(attach.attributes)
    draft.evidence += [e for e in attach.evidence if e not in draft.evidence]


def _resource(
    draft: _Draft, drafts: dict[str, _Draft], identities: dict[str, str], source_of: Callable[[Change], str | None]
) -> Resource:
    change, store = draft.change, draft.store
    deleted = draft.deleted
    return Resource(
        id=change.address,
        provider=change.entry.provider,
        account=change.account(),
        service=store.service,
        kind=store.kind,
        native_type=change.type,
        name=store.name,
        region=draft.region.value,
        tags=change.tags(),
        locations=() if deleted else draft.all_locations(),
        encryption=None if deleted else _key_ref(draft, drafts, identities),
        access=() if deleted else _effective_access(draft),
        network=store.network,
        logging=None if deleted else draft.logging,
        attributes=draft.attributes,
        evidence=tuple(e for e in dict.fromkeys(draft.evidence) if e),
        change=change.entry.action,
        source_file=source_of(change),
    )


def _key_ref(draft: _Draft, drafts: dict[str, _Draft], identities: dict[str, str]) -> KeyRef | None:
    link = draft.key
    if link is None:
        return None
    if link.manager in (KeyManager.PROVIDER, KeyManager.NONE):  # the provider's key lives with the data
        region = draft.region.value
        return KeyRef(link.manager, key_id=link.key_id, region=region, locations=(DataLocation(region),))
    if link.key is not None:
        found = _targets(link.key, drafts, identities)
        if found:
            key = drafts[found[0]]
            return KeyRef(link.manager, key_id=link.key_id, region=key.region.value, locations=key.all_locations())
        if link.key.addresses:
            region = draft.change.region_of(link.key.addresses[0]).value
            return KeyRef(link.manager, key_id=link.key_id, region=region, locations=(DataLocation(region),))
    region = link.region or UNKNOWN
    return KeyRef(link.manager, key_id=link.key_id, region=region, locations=(DataLocation(region),))


def _effective_access(draft: _Draft) -> tuple[AccessGrant, ...]:
    """Drop public grants that an S3 public access block makes ineffective."""
    block = draft.attributes.get("public_access_block")
    if not isinstance(block, dict):
        return tuple(draft.access)
    out = []
    for grant in draft.access:
        public = grant.principal_kind in (PrincipalKind.PUBLIC, PrincipalKind.ANY_AUTHENTICATED)
        blockers = _POLICY_BLOCKERS if grant.source == "bucket-policy" else _ACL_BLOCKERS
        if public and any(block.get(flag) is True for flag in blockers):
            continue
        out.append(grant)
    return tuple(out)


def _gap(change: Change, gap: Gap, drafts: dict[str, _Draft], identities: dict[str, str]) -> CoverageGap:
    found = _targets(gap.target, drafts, identities) if gap.target is not None else []
    subject = drafts[found[0]].change if found else change
    return CoverageGap(
        provider=change.entry.provider,
        service=gap.service,
        reason=gap.reason,
        error=f"{change.address}: {gap.error}",
        account=subject.account(),
        region=subject.region.value,
        resource_id=subject.address,
        aspect=gap.aspect,
    )
