"""Azure under faults: the real connector through the fault proxy in front of the HTTPS fake ARM.

Every request (the Entra token endpoint, ARM, Resource Graph, Graph) goes through the proxy: it
rewrites the fake's address in ``nextLink`` and token endpoints so paging stays behind it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.model.codec import to_dict
from auditor.model.inventory import Inventory
from tests.reliability.conftest import azure_behind, azure_scan
from tests.reliability.faultproxy import Rule


def facts(inventory: Inventory) -> dict[str, object]:
    data = to_dict(inventory)
    data.pop("collected_at", None)
    return data


# 30% throttled (ARM's 429 with Retry-After: 0), 5% a 5xx; each fault clears within the retries.
TRANSIENT = (Rule("throttle", 0.30, max_consecutive=2, retry_after="0"),
             Rule("error", 0.05 / 0.70, max_consecutive=2, retry_after="0"))


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeARM]:
    fake = azure_estate.start(tmp_path_factory.mktemp("arm"))
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def clean(arm: FakeARM) -> dict[str, object]:
    with azure_behind(arm) as proxy:
        inventory = azure_scan(arm, proxy)
    assert not proxy.faults() and proxy.seen
    return facts(inventory)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11])
def test_throttling_and_5xx_change_nothing(arm: FakeARM, clean: dict[str, object], seed: int) -> None:
    with azure_behind(arm, TRANSIENT, seed) as proxy:
        inventory = azure_scan(arm, proxy)
    faults = proxy.faults()
    assert faults.get("throttle", 0) >= 15 and faults.get("error", 0) >= 1, faults
    assert facts(inventory) == clean  # same stores, locations, grants, and the same two expected gaps
    print(f"azure faults injected and survived (seed {seed}): {faults} over {len(proxy.seen)} requests")


def test_resets_and_slow_answers_change_nothing(arm: FakeARM, clean: dict[str, object]) -> None:
    rules = (Rule("reset", 0.15, max_consecutive=2), Rule("slow", 0.10, delay=0.2))
    with azure_behind(arm, rules, 5) as proxy:
        inventory = azure_scan(arm, proxy)
    assert proxy.faults().get("reset", 0) >= 5, proxy.faults()
    assert facts(inventory) == clean
    print(f"azure faults injected and survived (resets/slow): {proxy.faults()} over {len(proxy.seen)} requests")


def test_a_denied_provider_is_a_named_gap_and_the_rest_is_read(arm: FakeARM, clean: dict[str, object]) -> None:
    rules = (Rule("deny", 1.0, path=r"/providers/Microsoft\.Authorization/roleAssignments"),)
    with azure_behind(arm, rules) as proxy:
        inventory = azure_scan(arm, proxy)
    assert proxy.faults()["deny"] >= 1
    denied = [g for g in inventory.coverage_gaps if g.service == "Microsoft.Authorization"]
    assert denied and all(g.reason == "access-denied" and "AuthorizationFailed" in g.error for g in denied)
    assert {r.id for r in inventory.resources} == {r["id"] for r in clean["resources"]}  # type: ignore[index]


def test_throttling_that_never_clears_is_a_gap(arm: FakeARM) -> None:
    rules = (Rule("throttle", 1.0, path=r"/providers/Microsoft\.DocumentDB/", retry_after="1"),)
    with azure_behind(arm, rules) as proxy:
        inventory = azure_scan(arm, proxy)
    gaps = [g for g in inventory.coverage_gaps if g.service == "Microsoft.DocumentDB"]
    assert gaps and {g.reason for g in gaps} == {"throttled"}
