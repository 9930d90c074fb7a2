"""Is there an Azure credential to use, without using it? (``auditor scan`` provider selection.)

The places ``DefaultAzureCredential`` looks, checked offline: service-principal or workload
identity variables, a managed identity endpoint announced in the environment (App Service,
Functions, Arc, Cloud Shell), an Azure CLI or Azure Developer CLI sign-in. A virtual machine's
managed identity is only visible by asking the instance metadata service (a network call): there,
name ``azure:`` in ``auditor.yaml``, since a configured provider is always attempted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path


def found(environ: Mapping[str, str] | None = None) -> str | None:
    """Which credential the chain would find (a short description), or None."""
    env = os.environ if environ is None else environ
    client, tenant = env.get("AZURE_CLIENT_ID"), env.get("AZURE_TENANT_ID")
    if client and tenant and (env.get("AZURE_CLIENT_SECRET") or env.get("AZURE_CLIENT_CERTIFICATE_PATH")
                              or (env.get("AZURE_USERNAME") and env.get("AZURE_PASSWORD"))):
        return "service principal (AZURE_CLIENT_ID/AZURE_TENANT_ID)"
    if client and tenant and env.get("AZURE_FEDERATED_TOKEN_FILE"):
        return "workload identity (AZURE_FEDERATED_TOKEN_FILE)"
    if env.get("IDENTITY_ENDPOINT") or env.get("MSI_ENDPOINT"):
        return "managed identity (IDENTITY_ENDPOINT)"
    config_dir = Path(env.get("AZURE_CONFIG_DIR") or Path(env.get("HOME") or "~").expanduser() / ".azure")
    if shutil.which("az", path=env.get("PATH")) and (config_dir / "azureProfile.json").is_file():
        return "Azure CLI sign-in (az login)"
    if shutil.which("azd", path=env.get("PATH")) and (Path(env.get("AZD_CONFIG_DIR") or
                                                           Path(env.get("HOME") or "~").expanduser() / ".azd")
                                                      / "auth").is_dir():
        return "Azure Developer CLI sign-in (azd auth login)"
    return None
