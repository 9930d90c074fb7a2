"""Google Cloud tests run the real connector, with the real ``google-auth`` service-account
credentials, against the local HTTPS fake (``auditor.demo.fakegcp``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gcp_helpers import scan, wire

from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import Inventory


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGCP]:
    """A fresh fake holding the hospital's organisation, one per test (for tests that inject failures)."""
    with gcp_estate.build(FakeGCP(ca_dir=tmp_path)) as server:
        wire(server, monkeypatch, tmp_path)
        yield server


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeGCP, Inventory]]:
    """One full scan of the organisation (everything in scope), shared by the assertions."""
    folder = tmp_path_factory.mktemp("gcp")
    with gcp_estate.build(FakeGCP(ca_dir=folder)) as server, pytest.MonkeyPatch.context() as mp:
        wire(server, mp, folder)
        yield server, scan(server, folder)
