"""Helpers for the Google Cloud tests (imported by name: ``tests/gcp`` is on ``sys.path`` under pytest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor import config as cfg
from auditor.connectors import gcp
from auditor.connectors.base import ScopeFilter, everything
from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import Inventory, Resource
from auditor.progress import NullReporter

_CLEAR = ("GOOGLE_CLOUD_UNIVERSE_DOMAIN", "CLOUDSDK_CONFIG", "SSL_CERT_FILE", "GOOGLE_CLOUD_PROJECT")


def wire(fake: FakeGCP, mp: pytest.MonkeyPatch, folder: Path, universe: str = "googleapis.com") -> None:
    """The environment a real deployment has (a key file, the CA bundle), pointed at the fake."""
    for key in _CLEAR:
        mp.delenv(key, raising=False)
    mp.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gcp_estate.service_account_key(fake, folder, universe)))
    mp.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
    mp.setenv("HOME", str(folder))


def config(fake: FakeGCP, folder: Path, universe: str = "googleapis.com", **extra: Any) -> cfg.Config:
    """``auditor.yaml`` with a ``gcp:`` section, loaded the way the CLI loads it (schema included)."""
    path = folder / "auditor.yaml"
    path.write_text(yaml.safe_dump({"gcp": {**gcp_estate.config_section(fake, universe), **extra},
                                    "trusted": {"gcp_domains": ["labo-partenaire.com"]}}), encoding="utf-8")
    return cfg.load(path)


def scan(fake: FakeGCP, folder: Path, universe: str = "googleapis.com", in_scope: ScopeFilter = everything,
         **extra: Any) -> Inventory:
    return gcp.collect(config(fake, folder, universe, **extra), NullReporter(), in_scope)


def by_name(inventory: Inventory, name: str) -> Resource:
    found = [r for r in inventory.resources if r.name == name]
    assert len(found) == 1, f"{name}: {[r.name for r in inventory.resources]}"
    return found[0]
