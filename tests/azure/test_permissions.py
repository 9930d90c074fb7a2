"""``auditor permissions azure`` prints a custom role made only of the reads the modules declare."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from auditor.cli import app
from auditor.connectors import azure


def test_permissions_azure_is_a_read_only_custom_role() -> None:
    result = CliRunner().invoke(app, ["permissions", "azure"])
    assert result.exit_code == 0, result.output
    role = json.loads(result.output)
    assert role["IsCustom"] is True and role["DataActions"] == [] and role["NotActions"] == []
    assert role["Actions"] == sorted(set(role["Actions"]))
    assert all(action.endswith("/read") for action in role["Actions"])
    for service in (*azure.SUPPORT, *azure.SERVICES):
        assert set(service.operations) <= set(role["Actions"]), service.name
    assert "Microsoft.ManagedServices/registrationAssignments/read" in role["Actions"]
    assert "User.Read.All" in role["Description"]
