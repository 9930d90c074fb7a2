"""Azure connector: every health dataset of a tenant, where its copies live, who can reach it.

Adding a resource type is one module here plus one line in ``SERVICES``. A service module has:

- ``NAMESPACE`` (resource provider namespace), ``TYPES`` (lower-case ARM type → normalised kind),
  ``OPERATIONS`` (the Azure RBAC actions its reads need: ``auditor permissions azure`` prints
  the union as a custom role);
- ``read(scan, row) -> Resource``: the deep read of one in-scope resource (raise ``ReadError``
  when nothing could be read; record partial failures with ``scan.failed``);
- optionally ``INDEX`` (more types to list, for lookups only), ``link(scan, resources, read_row, pmap)``
  (copies held by *other* resources: backups, CDN edges), ``tags(row, index)`` (tags to decide
  scope on) and ``skip(row)``.

Everything goes through one azure-core pipeline whose last policy refuses any write
(``guard.py``), against ``azure.arm_endpoint`` with the credential chosen in ``session.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import ModuleType

from auditor.config import Config
from auditor.connectors.azure import (
    authorization,
    backup,
    cdn,
    cosmos,
    databoundary,
    dbflex,
    diagnostics,
    health,
    keyvault,
    openai,
    resourcegraph,
    sql,
    storage,
    subscriptions,
)
from auditor.connectors.azure.scan import run
from auditor.connectors.azure.session import Session
from auditor.connectors.base import ScopeFilter
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

SERVICES: tuple[ModuleType, ...] = (storage, sql, cosmos, keyvault, backup, dbflex, health, cdn, diagnostics,
                                    openai)
SUPPORT: tuple[ModuleType, ...] = (subscriptions, resourcegraph, databoundary, authorization)


def collect(config: Config, reporter: Reporter, in_scope: ScopeFilter, *,
            environ: Mapping[str, str] | None = None) -> Inventory:
    """Read the Azure estate ``config`` points at; ``environ`` defaults to ``os.environ``."""
    env = os.environ if environ is None else environ
    session = Session(config.azure, env)
    try:
        return run(session, config, reporter, in_scope, SERVICES, env)
    finally:
        session.close()


def operations() -> tuple[str, ...]:
    """Every Azure RBAC action the scan needs (the minimal custom role)."""
    return tuple(sorted({op for module in (*SUPPORT, *SERVICES) for op in module.OPERATIONS}))
