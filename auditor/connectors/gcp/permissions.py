"""``auditor permissions gcp``: the custom role a scan needs, from the modules' declarations.

The permissions are exactly the IAM permissions of the REST methods the service modules declare
(the same declarations the session's guard enforces), printed as a custom role definition for
``gcloud iam roles create --organization=ORG --file=role.yaml`` (JSON is YAML). Predefined roles
(``roles/cloudasset.viewer`` and each service's viewer role) reach further than the scan needs (some
list object names, which can themselves be health data): the custom role is the least privilege.
"""

from __future__ import annotations

from typing import Any

from auditor.connectors.gcp import SERVICES
from auditor.connectors.gcp.scan import declared


def permissions() -> list[str]:
    return sorted(set(declared(SERVICES).values()))


def role_definition() -> dict[str, Any]:
    return {
        "title": "Sovereign Auditor Reader",
        "description": ("Read-only: where health data lives and who can reach it. Grant on the organisation (or "
                        "folders, or projects). No object, row or FHIR resource is ever read."),
        "stage": "GA",
        "includedPermissions": permissions(),
    }
