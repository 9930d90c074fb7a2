"""Helpers for the plan connector tests: read a fixture, find a resource, list its locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.connectors.terraform import read_plan
from auditor.model.inventory import Inventory, Resource

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def plan_of(name: str, **options: Any) -> Inventory:
    return read_plan(FIXTURES / name / "plan.json", **options)


def by_id(inventory: Inventory, resource_id: str) -> Resource:
    found = [r for r in inventory.resources if r.id == resource_id]
    assert found, f"{resource_id} not in {[r.id for r in inventory.resources]}"
    return found[0]


def places(resource: Resource) -> list[tuple[str, str, str | None]]:
    """``(role, region, via)`` of every location, primary first."""
    return [(str(loc.role), loc.region, " ".join(x for x in (loc.via, loc.via_detail) if x) or None)
            for loc in resource.locations]
