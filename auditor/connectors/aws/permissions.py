"""``auditor permissions aws``: the least-privilege IAM policy a scan needs, from the declarations.

Nothing here is written by hand: the actions are exactly the IAM actions the service modules
declare for the operations they call (the same declarations the read-only guard enforces).
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.aws import SERVICES
from auditor.connectors.aws.scan import declared


def actions() -> list[str]:
    return sorted(set(declared(SERVICES).values()))


def policy_document() -> dict[str, Any]:
    """An IAM policy for the scanning role (and, with ``aws.organization``, each member role).

    ``sts:AssumeRole`` is only needed by the principal that starts an organisation-wide scan; the
    member roles must trust it (and may require the configured external id).
    """
    reads = [a for a in actions() if a != "sts:AssumeRole"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "SovereignAuditorRead", "Effect": "Allow", "Action": reads, "Resource": "*"},
            {"Sid": "SovereignAuditorEnterMemberAccounts", "Effect": "Allow", "Action": ["sts:AssumeRole"],
             "Resource": "arn:*:iam::*:role/*"},
        ],
    }
