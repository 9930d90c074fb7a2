"""Azure tests run the real connector against the local HTTPS fake ARM, with the real
``azure-identity`` credentials getting their tokens from the fake's Entra endpoint.

The machine may export ``REQUESTS_CA_BUNDLE`` globally: every test sets it to the fake's CA.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from azure_helpers import scan, wire

from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.model.inventory import Inventory


@pytest.fixture
def fake(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeARM]:
    """A fresh fake holding the hospital's estate, one per test (for tests that inject failures)."""
    arm = azure_estate.start(tmp_path_factory.mktemp("arm"))
    wire(arm, monkeypatch)
    try:
        yield arm
    finally:
        arm.stop()


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeARM, Inventory]]:
    """One full scan of the estate (everything in scope), shared by the read-only assertions."""
    arm = azure_estate.start(tmp_path_factory.mktemp("arm"))
    with pytest.MonkeyPatch.context() as mp:
        wire(arm, mp)
        try:
            yield arm, scan(arm)
        finally:
            arm.stop()
