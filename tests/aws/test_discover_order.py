"""The scan's listings run at the same time, wait only for the modules they read (``Service.after``), and come
back in registry order whatever order they finish in."""

from __future__ import annotations

import threading
from typing import Any

from auditor.connectors.aws.scan import _discover_all
from auditor.connectors.aws.service import Found, Service
from auditor.model.vocab import Kind


def _found(name: str) -> Found:
    return Found(arn=f"arn:aws:test:::{name}", service=name, kind=Kind.OBJECT_STORE, native_type="T", name=name,
                 account="1", region="eu-west-3")


def test_listings_overlap_honour_after_and_keep_registry_order() -> None:
    released = threading.Event()
    shared: dict[str, Any] = {}

    def slow(scan: object) -> list[Found]:  # finishes only once a later module's listing has run
        assert released.wait(timeout=30), "listings ran one after the other"
        shared["slow"] = "ready"
        return [_found("slow")]

    def reader(scan: object) -> list[Found]:  # reads what "slow" keeps: must start after it
        assert shared.get("slow") == "ready"
        return [_found("reader")]

    def quick(scan: object) -> list[Found]:
        released.set()
        return [_found("quick")]

    services = [Service("slow", {}, discover=slow), Service("reader", {}, discover=reader, after=("slow",)),
                Service("none", {}), Service("quick", {}, discover=quick)]
    found = _discover_all(object(), services)  # type: ignore[arg-type]  # these listings use no scan state
    assert [f.service for f in found] == ["slow", "reader", "quick"]
