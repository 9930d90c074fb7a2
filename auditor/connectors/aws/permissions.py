"""``auditor permissions aws``: the least-privilege IAM policy a scan needs, from the declarations.

The read actions are exactly the IAM actions the service modules declare for the operations they
call (the same declarations the read-only guard enforces), minus the ones in :data:`NOT_GRANTED`:
actions whose only use is served without the grant, left out because they reach further than the
scan needs. ``sts:AssumeRole`` is granted only when the configuration enters other accounts
(``aws.organization`` or ``aws.accounts``), and only on the configured role (path and name): never
on every role of every account. The AWS Config fast path's actions (:data:`WHEN_ENABLED`) are granted
only when ``aws.config_aggregator`` turns it on.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.config import AwsConfig
from auditor.connectors.aws import SERVICES, config_fast
from auditor.connectors.aws.scan import declared
from auditor.errors import ConfigError

ASSUME_ROLE = "sts:AssumeRole"

# IAM action -> why the policy leaves it out although a declared call maps to it.
NOT_GRANTED: dict[str, str] = {
    "s3:ListBucket": (
        "authorises HeadBucket, which the scan sends only to replica destination buckets it does not list, "
        "to learn their region: S3 names a bucket's region in the x-amz-bucket-region header of every "
        "HeadBucket answer, a 403 included, so the grant adds nothing the scan uses, while it would let the "
        "role list every object key of every bucket (file names that can themselves be health data)"),
}

# IAM action -> the configuration key without which no call needs it (so it is not granted).
WHEN_ENABLED: dict[str, str] = {action: "aws.config_aggregator" for action in config_fast.OPERATIONS.values()}

# An IAM role path and name: segments of letters, digits and +=,.@_- (no wildcard can widen the grant).
_ROLE = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$", re.ASCII)


def actions() -> list[str]:
    """Every IAM action a declared call maps to (before :data:`NOT_GRANTED` is taken out)."""
    return sorted(set(declared(SERVICES).values()))


def role_resources(cfg: AwsConfig) -> list[str]:
    """The ARNs ``sts:AssumeRole`` is granted on: the configured role, in the accounts the scan enters."""
    if not (cfg.organization or cfg.accounts):
        return []  # the scan stays in the caller's account: no role is ever assumed
    name = cfg.role_name  # exactly as the scan builds the role ARN: role/<aws.role_name>
    if not _ROLE.match(name):
        raise ConfigError("config.role-name", hint="hint.role-wildcards", name=cfg.role_name)
    accounts = sorted(set(cfg.accounts)) if cfg.accounts else ["*"]
    # The partition stays "*": the same policy serves aws, aws-eusc, aws-cn and aws-us-gov.
    return [f"arn:*:iam::{account}:role/{name}" for account in accounts]


def policy_document(cfg: AwsConfig | None = None) -> dict[str, Any]:
    """An IAM policy for the scanning principal (and, in an organisation, each member role).

    ``sts:AssumeRole`` is only needed by the principal that starts a scan of other accounts; the
    member roles must trust it (and may require the configured external id).
    """
    aws = cfg or AwsConfig()
    reads = [a for a in actions() if a != ASSUME_ROLE and a not in NOT_GRANTED
             and (a not in WHEN_ENABLED or aws.config_aggregator)]
    statements: list[dict[str, Any]] = [
        {"Sid": "SovereignAuditorRead", "Effect": "Allow", "Action": reads, "Resource": "*"}]
    roles = role_resources(aws)
    if roles:
        statements.append({"Sid": "SovereignAuditorEnterMemberAccounts", "Effect": "Allow",
                           "Action": [ASSUME_ROLE], "Resource": roles if len(roles) > 1 else roles[0]})
    return {"Version": "2012-10-17", "Statement": statements}
