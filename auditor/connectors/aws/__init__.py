"""The AWS connector: every data store of the account(s), where its bytes live, who can reach it.

Entry point: :func:`collect` (the ``Collect`` protocol of :mod:`auditor.connectors.base`).

Layout (one module per concern, one per service family):

``session``     credentials, partitions, retries, one guarded and counted client per
                (account, service, region); ``client_hook`` for emulator wiring in tests/demo
``context``     the per-scan state service modules share (calls -> coverage gaps, pool, memo)
``accounts``    caller identity, Organization accounts via AssumeRole, enabled regions
``tagging``     tags in bulk (Resource Groups Tagging API), a helper for service modules
``policy``      resource policy documents -> AccessGrants (pure; the one IAM interpreter, plans included)
``plan``        what the service modules' plan extractors share (``SERVICE.plan``)
``s3``          buckets (``s3_access``: ACL / Block Public Access; ``s3_account``: S3 Control)
``kms``         keys named by stores (and every key with ``scope: all``)
``config_fast`` optional: S3 deep reads answered by an AWS Config aggregator's items (``aws.config_aggregator``)
``scan``        the orchestration
``permissions`` the least-privilege IAM policy built from the declarations below

Adding a service family is one module exposing ``SERVICE`` (see :mod:`auditor.connectors.aws.service`
for the contract: operations, types, live reads, plan extractors, IAM probes, AWS Backup, copy
mechanisms) plus one line in ``SERVICES``; the plan gate's registry is built from these.

API calls: ``collect`` reports them in one ``progress.detail`` line (shown with ``--verbose``); the counts of
the last scan in the process are ``auditor.connectors.aws.calls.last_scan()``.
"""

from __future__ import annotations

from auditor.config import Config
from auditor.connectors.aws import (
    accounts,
    backup,
    bedrock,
    bedrock_agents,
    bedrock_models,
    cloudfront,
    config_fast,
    dynamodb,
    ebs,
    efs,
    health,
    kms,
    rds,
    redshift,
    s3,
    sagemaker,
)
from auditor.connectors.aws.service import Service
from auditor.connectors.base import ScopeFilter
from auditor.model.inventory import Inventory
from auditor.progress import Reporter

SERVICES: tuple[Service, ...] = (
    accounts.SERVICE,
    s3.SERVICE,
    config_fast.SERVICE,
    kms.SERVICE,
    rds.SERVICE,
    dynamodb.SERVICE,
    ebs.SERVICE,
    redshift.SERVICE,
    efs.SERVICE,
    health.SERVICE,
    cloudfront.SERVICE,
    backup.SERVICE,
    bedrock.SERVICE,
    bedrock_agents.SERVICE,
    bedrock_models.SERVICE,
    sagemaker.SERVICE,
)


def collect(config: Config, reporter: Reporter, in_scope: ScopeFilter) -> Inventory:
    """Scan AWS with the standard credential chain (``AWS_ENDPOINT_URL`` honoured)."""
    from auditor.connectors.aws.scan import run

    try:
        return run(config, reporter, in_scope, SERVICES)
    finally:
        _release()


def _release() -> None:
    """Once the scan is over, nothing of botocore's stays alive through evaluation and reports.

    The clients die with the scan, but three caches outlive it: the service models and client classes
    reused between clients (``session._made``: a model keeps its parsed JSON, and a class refers back to
    the event emitter keying it, so the entry would never go by itself), and the two sessions kept for
    botocore's endpoint data (``regional``: which regions a service has; ``session``: a region's partition),
    whose loaders keep every service model and endpoint file they read. Together ~70 MB of parsed JSON at
    the end of a scan of ~13 services. Their small answers stay cached; the rest is made again by a later
    scan in the same process.
    """
    from auditor.connectors.aws import regional, session
    from auditor.memory import release

    with session._made_lock:
        session._made.clear()
    regional._session.cache_clear()
    session._partitions.cache_clear()
    release()
