"""The entry point: a plan file -> an Inventory the runtime policy pack evaluates unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.connectors.terraform import document, fixsites
from auditor.connectors.terraform.assemble import assemble
from auditor.connectors.terraform.facts import Change, Fact
from auditor.connectors.terraform.registry import EXTRACTORS, PROVIDERS
from auditor.connectors.terraform.resolve import GLOBAL, UNKNOWN, Entry, Resolver
from auditor.connectors.terraform.sources import PlanLines, SourceIndex
from auditor.model.inventory import CoverageGap, Inventory, Resource, Scope
from auditor.model.vocab import GapReason

SOURCE = "terraform-plan"
_ACTIONS = {
    ("no-op",): "no-op",
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("create", "delete"): "replace",
    ("delete", "create"): "replace",
}
# What may go wrong inside an extractor on a hand-edited or unusual plan: one resource, not the run.
_UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)


def read_plan(
    path: Path,
    *,
    aws_region: str | None = None,
    repo_root: Path | None = None,
    include_unchanged: bool = False,
    source_base: Path | None = None,
) -> Inventory:
    """Read ``terraform show -json`` output. See the package docstring for what is resolved how.

    ``aws_region``: the ``AWS_REGION``/``AWS_DEFAULT_REGION`` the plan was made with, used
    only for AWS provider blocks that set no region. ``repo_root``: where the ``.tf`` files
    are, to give each resource a ``source_file``. ``include_unchanged``: also report stores
    the plan leaves untouched (by default only created/updated/replaced/deleted stores, and
    unchanged ones that a change reaches, e.g. the source bucket of a new replication rule).
    ``source_base``: the repository root paths are shown relative to (default: found from ``.git``
    upwards from ``repo_root``). Raises ``InputError`` (exit 2) when the file is not a readable plan.
    """
    plan = document.load(path)
    entries, gaps = _entries(plan)
    resolver = Resolver(plan, entries, aws_region)
    if any(e.provider == "gcp" for e in entries):  # a google provider block in another universe (S3NS)
        entries = [replace(e, provider=resolver.provider_of(e)) for e in entries]
        resolver = Resolver(plan, entries, aws_region)
    sources = SourceIndex(plan, repo_root, source_base) if repo_root is not None else None
    results: list[tuple[Change, list[Fact]]] = []
    for entry in entries:
        extractor = EXTRACTORS.get(entry.type)
        if extractor is None:
            continue
        change = Change(entry, resolver)
        try:
            results.append((change, list(extractor(change))))
        except _UNREADABLE as exc:
            gaps.append(_unreadable(entry.provider, entry.address, f"cannot interpret {entry.type}: {exc!r}"))

    plan_lines = PlanLines(path, plan.text)

    def source_of(change: Change) -> str | None:
        found = sources.locate(change.entry) if sources is not None else None
        return found or plan_lines.locate(change.entry.address)

    resources, fact_gaps = assemble(results, source_of, keep_unchanged=include_unchanged)
    if sources is not None:
        resources = fixsites.annotate(resources, resolver, sources)
    gaps += fact_gaps
    gaps += _deferred(plan)
    return Inventory(
        resources=tuple(resources),
        coverage_gaps=tuple(gaps),
        scope=_scope(resources),
        collected_at=plan.timestamp,
    )


def _entries(plan: document.Plan) -> tuple[list[Entry], list[CoverageGap]]:
    entries: list[Entry] = []
    gaps: list[CoverageGap] = []
    for i, raw in enumerate(plan.changes):
        entry = _entry(i, raw)
        if isinstance(entry, Entry):
            entries.append(entry)
        elif entry is not None:
            gaps.append(entry)
    return entries, gaps


def _entry(i: int, raw: Any) -> Entry | CoverageGap | None:
    where = f"resource_changes[{i}]"
    if not isinstance(raw, dict):
        return _unreadable("terraform", where, "not an object")
    address, rtype = raw.get("address"), raw.get("type")
    if raw.get("mode", "managed") != "managed" or raw.get("deposed"):
        return None
    if not isinstance(address, str) or not address or not isinstance(rtype, str):
        return _unreadable("terraform", where, "no address or type")
    provider = _provider(raw.get("provider_name"), rtype)
    if provider is None:
        return None  # a provider this tool does not read (random, null, kubernetes…)
    change = raw.get("change")
    if not isinstance(change, dict):
        return _unreadable(provider, address, "no change object")
    actions = change.get("actions")
    action = (
        _ACTIONS.get(tuple(actions)) if isinstance(actions, list) and all(isinstance(a, str) for a in actions) else None
    )
    if action is None:
        if actions in (["read"], ["forget"]):
            return None
        return _unreadable(provider, address, f"unknown change actions {actions!r}")
    values = change.get("before" if action == "delete" else "after")
    if not isinstance(values, dict):
        return _unreadable(provider, address, "planned values are not an object")
    module, name = raw.get("module_address"), raw.get("name")
    index = raw.get("index")
    return Entry(
        index=i,
        address=address,
        type=rtype,
        name=name if isinstance(name, str) else address.rsplit(".", 1)[-1].split("[")[0],
        module=module if isinstance(module, str) else "",
        provider=provider,
        action=action,
        values=values,
        unknown=change.get("after_unknown") if action != "delete" else None,
        key=None if index is None or isinstance(index, (dict, list)) else _key_text(index),
    )


def _key_text(index: Any) -> str:
    """The instance key as it appears in addresses: ``0`` or ``"eu"``."""
    return json.dumps(index) if isinstance(index, str) else str(index)


def _provider(provider_name: Any, rtype: str) -> str | None:
    short = provider_name.rsplit("/", 1)[-1] if isinstance(provider_name, str) else rtype.split("_", 1)[0]
    return PROVIDERS.get(short)


def _unreadable(provider: str, address: str, why: str) -> CoverageGap:
    return CoverageGap(
        provider=provider,
        service="terraform",
        reason=GapReason.UNREADABLE_PLAN_ENTRY,
        error=f"{address}: {why}",
        account="planned",
        region=UNKNOWN,
        resource_id=address,
    )


def _deferred(plan: document.Plan) -> list[CoverageGap]:
    """Changes Terraform deferred to a later plan (unknown ``for_each``…) cannot be judged yet."""
    out = []
    for i, item in enumerate(plan.deferred):
        change = item.get("resource_change") if isinstance(item, dict) else None
        address = change.get("address") if isinstance(change, dict) else None
        reason = item.get("reason") if isinstance(item, dict) else None
        provider = _provider(change.get("provider_name"), str(change.get("type"))) if isinstance(change, dict) else None
        out.append(
            CoverageGap(
                provider=provider or "terraform",
                service="terraform",
                reason=GapReason.DEFERRED,
                error=f"{address or f'deferred_changes[{i}]'}: deferred by Terraform ({reason or 'no reason given'})",
                account="planned",
                region=UNKNOWN,
                resource_id=address if isinstance(address, str) else None,
            )
        )
    return out


def _scope(resources: list[Resource]) -> Scope:
    def distinct(get: Callable[[Resource], str]) -> tuple[str, ...]:
        return tuple(sorted({get(r) for r in resources}))

    return Scope(
        providers=distinct(lambda r: r.provider),
        accounts=distinct(lambda r: r.account),
        regions=tuple(r for r in distinct(lambda r: r.region) if r not in (UNKNOWN, GLOBAL)),
        source=SOURCE,
    )
