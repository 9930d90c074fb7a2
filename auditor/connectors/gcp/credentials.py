"""Is there a Google Cloud credential to use, without using it? (``auditor scan`` provider selection.)

The places Application Default Credentials look, checked offline: ``GOOGLE_APPLICATION_CREDENTIALS``
(a service-account key or an external-account file for workload identity federation) and the
``gcloud auth application-default login`` file. The metadata server of a Google Cloud VM is only
visible over the network: there, name ``gcp:`` in ``auditor.yaml`` (a configured provider is always
attempted).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def found(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    path = env.get("GOOGLE_APPLICATION_CREDENTIALS")
    if path and Path(path).is_file():
        return "GOOGLE_APPLICATION_CREDENTIALS"
    config_dir = Path(env.get("CLOUDSDK_CONFIG") or Path(env.get("HOME") or "~").expanduser() / ".config" / "gcloud")
    if (config_dir / "application_default_credentials.json").is_file():
        return "gcloud application-default login"
    return None
