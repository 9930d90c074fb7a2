"""``auditor permissions azure``: the minimal custom role a scan needs, from the modules' declarations.

The actions are exactly the ``OPERATIONS`` the service modules declare (all reads). The output is
an Azure custom role definition as ``az role definition create --role-definition`` takes it;
replace the placeholder subscription in ``AssignableScopes`` (or use a management group).
Microsoft Graph is not Azure RBAC: the application permissions it needs are named in the
description; without them guests and foreign apps are reported as a coverage gap.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.azure import operations
from auditor.connectors.azure.graph import PERMISSIONS as GRAPH_PERMISSIONS


def role_definition() -> dict[str, Any]:
    return {
        "Name": "Sovereign Auditor Reader",
        "IsCustom": True,
        "Description": (
            "Read-only: where health data lives and who can reach it. Assign at the subscriptions or management "
            "group to audit; 'Microsoft.Resources/dataBoundaries/read' is read at tenant scope (else a coverage "
            "gap). Optional Microsoft Graph application permissions for guests and foreign apps: "
            + ", ".join(GRAPH_PERMISSIONS) + "."),
        "Actions": list(operations()),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-000000000000"],
    }
