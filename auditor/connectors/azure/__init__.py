"""Azure connector: every health dataset of a tenant, where its copies live, who can reach it.

Adding a resource type is one module here plus one line in ``SERVICES``: the module exposes
``SERVICE``, a :class:`~auditor.connectors.azure.service.Service` (namespace, RBAC read actions,
the ARM types it reads as ``TypeSpec`` rows with their Terraform types, the plan extractors,
``read`` and optionally ``link``, ``index``, ``tags``, ``skip``); see ``service.py``.

Everything goes through one azure-core pipeline whose last policies refuse any write and any other
origin (``auditor.connectors.readonly``, shared with AWS), against ``azure.arm_endpoint`` with the
credential chosen in ``session.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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
    ml,
    openai,
    resourcegraph,
    search,
    sql,
    storage,
    subscriptions,
)
from auditor.connectors.azure.scan import run
from auditor.connectors.azure.service import Service
from auditor.connectors.azure.session import Session
from auditor.connectors.base import ScopeFilter
from auditor.connectors.readonly import azure_check_declarations
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

SERVICES: tuple[Service, ...] = (storage.SERVICE, sql.SERVICE, cosmos.SERVICE, keyvault.SERVICE, backup.SERVICE,
                                dbflex.SERVICE, health.SERVICE, cdn.SERVICE, diagnostics.SERVICE, openai.SERVICE,
                                ml.SERVICE, search.SERVICE)
SUPPORT: tuple[Service, ...] = (subscriptions.SERVICE, resourcegraph.SERVICE, databoundary.SERVICE,
                               authorization.SERVICE)


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
    return azure_check_declarations(op for service in (*SUPPORT, *SERVICES) for op in service.operations)
