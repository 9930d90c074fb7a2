"""Is there an AWS credential to use, without using it? (``auditor scan`` provider selection.)

botocore's own resolver decides, minus the EC2 instance-metadata provider: asking that one
means a network call to the instance metadata service, and the question here must be answered
offline. On EC2 with an instance role and nothing else, name ``aws:`` in ``auditor.yaml``:
a configured provider is always attempted.
"""

from __future__ import annotations

import botocore.session
from botocore.exceptions import BotoCoreError

from auditor.errors import ConfigError

NETWORK_PROVIDERS = ("iam-role",)  # instance metadata: a network call


def found() -> str | None:
    """The kind of credential the chain would use (``env``, ``shared-credentials-file``, ``sso``…), or None.

    Read from the process environment and the AWS config files, as a scan would. A named profile
    that does not exist is a configuration error, not "no credential".
    """
    try:
        resolver = botocore.session.Session().get_component("credential_provider")
        for name in NETWORK_PROVIDERS:
            resolver.remove(name)
        creds = resolver.load_credentials()
    except BotoCoreError as exc:  # ProfileNotFound, a broken config file, a failing credential_process
        raise ConfigError("config.aws-credentials", hint="hint.aws-config", error=str(exc)) from None
    if creds is None:
        return None
    return str(getattr(creds, "method", None) or "credentials")
