"""Helpers for the Azure tests (imported by name: ``tests/azure`` is on ``sys.path`` under pytest)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import Config
from auditor.connectors import azure
from auditor.connectors.base import ScopeFilter, everything
from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.model.inventory import Inventory, Resource
from auditor.progress import NullReporter

_CLEAR = ("AZURE_AUTHORITY_HOST", "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_CLIENT_CERTIFICATE_PATH",
          "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "SSL_CERT_FILE")


def wire(fake: FakeARM, mp: pytest.MonkeyPatch) -> None:
    """The environment a real deployment would have, pointed at the fake."""
    for key in _CLEAR:
        mp.delenv(key, raising=False)
    for key, value in azure_estate.environ(fake).items():
        mp.setenv(key, value)


def scan(fake: FakeARM, in_scope: ScopeFilter = everything, **azure_options: object) -> Inventory:
    config = Config(azure=replace(azure_estate.azure_config(fake), **azure_options))  # type: ignore[arg-type]
    return azure.collect(config, NullReporter(), in_scope)


def by_name(inventory: Inventory, name: str) -> Resource:
    found = [r for r in inventory.resources if r.name == name]
    assert len(found) == 1, f"{name}: {[r.name for r in inventory.resources]}"
    return found[0]
