"""Small estates for the run-history tests: the sample hospital, edited between nights."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from auditor.config import Config
from auditor.demo.sample import sample_inventory
from auditor.engine.pack import PolicyPack
from auditor.model.findings import FindingsDoc
from auditor.model.inventory import CoverageGap, Inventory, Resource
from auditor.pipeline import assess


def evaluated(inventory: Inventory, pack: PolicyPack, day: int, config: Config | None = None) -> FindingsDoc:
    """The inventory assessed as if the run started on day ``day`` (January 2026) at 02:00 UTC."""
    started = f"2026-01-{day:02d}T02:00:00Z"
    return assess(inventory, config or Config(), started=started, pack=pack, today=dt.date(2026, 1, day)).doc


def without(inventory: Inventory, *names: str) -> Inventory:
    return replace(inventory, resources=tuple(r for r in inventory.resources if r.name not in names))


def edited(inventory: Inventory, name: str, **changes: object) -> Inventory:
    return replace(inventory, resources=tuple(replace(r, **changes) if r.name == name else r
                                              for r in inventory.resources))


def resource(inventory: Inventory, name: str) -> Resource:
    return next(r for r in inventory.resources if r.name == name)


def organisation(accounts: int) -> Inventory:
    """The sample hospital repeated over ``accounts`` AWS accounts and as many Azure subscriptions."""
    base = sample_inventory()
    resources: list[Resource] = []
    gaps: list[CoverageGap] = []
    ids: list[str] = []
    for k in range(accounts):
        aws_id, sub = f"{210000000000 + k * 7919}", f"9b8d1f00-0000-4000-8000-{k:012d}"
        renames = {"111122223333": aws_id, "444455556666": aws_id,
                   "9b8d1f00-0000-4000-8000-0000000001ae": sub}
        ids += [aws_id, sub]

        def moved(text: str, renames: dict[str, str] = renames, k: int = k) -> str:
            for old, new in renames.items():
                text = text.replace(old, new)
            return text.replace("arn:aws:s3:::", f"arn:aws:s3:::a{k}-")

        resources += [replace(r, id=moved(r.id), account=renames.get(r.account, r.account), name=f"a{k}-{r.name}")
                      for r in base.resources]
        gaps += [replace(g, account=renames.get(g.account or "", g.account)) for g in base.coverage_gaps if g.account]
    gaps.append(CoverageGap(provider="aws", service="organizations", reason="throttled", error="Throttling"))
    return replace(base, resources=tuple(resources), coverage_gaps=tuple(gaps),
                   scope=replace(base.scope, accounts=tuple(ids)))
