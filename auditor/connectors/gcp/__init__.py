"""Google Cloud connector (and the universes built on its APIs, such as S3NS's PREMI3NS).

Entry point: :func:`collect` (the ``Collect`` protocol of :mod:`auditor.connectors.base`).

``session``   universe, endpoints, Application Default Credentials, the guard (GET only, declared
              methods only, the configured origins only; the token is attached after the check)
``context``   the per-scan state (projects, gaps, pool)
``projects``  which projects; ``constraints/gcp.resourceLocations``
``assets``    discovery through Cloud Asset Inventory, per-service listing when it is unavailable
``iam``       IAM members -> access grants, KMS key names -> key places (pure)
``inherited`` grants from the organisation, folders and project
``storage``, ``bigquery``, ``sql``, ``healthcare``, ``firestore``, ``spanner``, ``vertex``, ``kms``: one module per
              service family, each exposing ``SERVICE`` (see :mod:`auditor.connectors.gcp.service`)
              with its plan extractors

Adding a service family is one module plus one line in ``SERVICES``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from auditor.config import Config
from auditor.connectors.base import ScopeFilter
from auditor.connectors.gcp import bigquery, firestore, healthcare, kms, spanner, sql, storage, vertex
from auditor.connectors.gcp.service import Service
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

SERVICES: tuple[Service, ...] = (storage.SERVICE, bigquery.SERVICE, sql.SERVICE, healthcare.SERVICE, firestore.SERVICE,
                                 spanner.SERVICE, vertex.SERVICE, kms.SERVICE)


def collect(config: Config, reporter: Reporter, in_scope: ScopeFilter, *,
            environ: Mapping[str, str] | None = None) -> Inventory:
    """Read the Google Cloud organisation, folders or projects ``config.gcp`` names."""
    from auditor.connectors.gcp.gaps import ReadError
    from auditor.connectors.gcp.scan import declared, run
    from auditor.connectors.gcp.session import Session
    from auditor.errors import ConnectorError

    env = os.environ if environ is None else environ
    try:
        session = Session(config.gcp, declared(SERVICES), env)
    except ReadError as err:
        raise ConnectorError("cloud.gcp-no-credential", hint="hint.gcp-sign-in", error=err.message) from None
    try:
        return run(session, config, reporter, in_scope, SERVICES)
    finally:
        session.close()
