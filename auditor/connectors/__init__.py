"""Stage 1: the outside world -> an Inventory (resources + coverage gaps).

``CONNECTORS`` maps a ``--provider`` name to ``module:function``; modules are imported only
when that provider is scanned, so a scan of one cloud never pays for the other's SDK.
``CREDENTIALS`` says, offline, whether a provider has a credential to use (``auditor scan``
picks the providers to audit with it); ``CREDENTIAL_HINTS`` tells the user how to give one.
"""

from __future__ import annotations

import importlib

from auditor.connectors.base import Collect

CONNECTORS: dict[str, str] = {
    "aws": "auditor.connectors.aws:collect",
    "azure": "auditor.connectors.azure:collect",
    "gcp": "auditor.connectors.gcp:collect",
}


CREDENTIALS: dict[str, str] = {
    "aws": "auditor.connectors.aws.credentials:found",
    "azure": "auditor.connectors.azure.credentials:found",
    "gcp": "auditor.connectors.gcp.credentials:found",
}
PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}
CREDENTIAL_HINTS = {
    "aws": "set AWS_PROFILE, run 'aws sso login', export AWS_ACCESS_KEY_ID, or add an aws: section to auditor.yaml "
           "to use an instance role",
    "azure": "set AZURE_TENANT_ID/AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, a certificate or a federated token, "
             "run 'az login', or add an azure: section to auditor.yaml to use a VM's managed identity",
    "gcp": "set GOOGLE_APPLICATION_CREDENTIALS (service-account key or workload identity federation file), run "
           "'gcloud auth application-default login', or add a gcp: section to auditor.yaml to use the metadata server",
}


def credential_found(provider: str) -> str | None:
    """The credential ``provider`` would use (a short description), or None; never a network call."""
    module_name, _, func = CREDENTIALS[provider].partition(":")
    found: str | None = getattr(importlib.import_module(module_name), func)()
    return found


def connector(provider: str) -> Collect:
    module_name, _, func = CONNECTORS[provider].partition(":")
    collect: Collect = getattr(importlib.import_module(module_name), func)
    return collect
