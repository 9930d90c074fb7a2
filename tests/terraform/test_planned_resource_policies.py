"""Key, vault and table policies planned as their own resources give grants, as the live scan's reads do."""

from __future__ import annotations

import json
from pathlib import Path

from planbuilder import PlanBuilder, Ref, write

from auditor.connectors.terraform import read_plan
from auditor.model.inventory import Permission, PrincipalKind

ACCOUNT, FOREIGN = "111122223333", "999988887777"


def _policy(prefix: str, action: str) -> str:
    return json.dumps({"Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"}, "Action": f"{prefix}:{action}",
         "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": f"{prefix}:*",
         "Resource": "*"}]})


def test_planned_key_vault_and_table_policies_give_grants(tmp_path: Path) -> None:
    b = PlanBuilder()
    b.provider("aws", region="eu-west-3", allowed_account_ids=[ACCOUNT])
    b.resource("aws_kms_key.inline", {"description": "inline", "policy": _policy("kms", "Decrypt")})
    b.resource("aws_kms_key.apart", {"description": "apart"})
    b.resource("aws_kms_key_policy.apart", {"key_id": Ref("aws_kms_key.apart.id"), "policy": _policy("kms", "Decrypt")})
    b.resource("aws_backup_vault.v", {"name": "v"})
    b.resource("aws_backup_vault_policy.v", {"backup_vault_name": Ref("aws_backup_vault.v.name"),
                                             "policy": _policy("backup", "CopyFromBackupVault")})
    b.resource("aws_dynamodb_table.t", {"name": "t", "hash_key": "id"})
    b.resource("aws_dynamodb_resource_policy.t", {"resource_arn": Ref("aws_dynamodb_table.t.arn"),
                                                  "policy": _policy("dynamodb", "GetItem")})
    b.resource("aws_backup_vault_policy.later", {"backup_vault_name": "v", "policy": Ref("data.x.json")})
    write(b.build(), tmp_path / "plan.json")
    inventory = read_plan(tmp_path / "plan.json")
    grants = {r.id: {(g.principal, g.principal_kind, g.permission) for g in r.access} for r in inventory.resources}
    public_read = ("*", PrincipalKind.PUBLIC, Permission.READ)
    for address in ("aws_kms_key.inline", "aws_kms_key.apart"):  # the key's own account is left out, as live
        assert grants[address] == {public_read}, address
    assert public_read in grants["aws_backup_vault.v"]
    assert (f"arn:aws:iam::{ACCOUNT}:root", PrincipalKind.ACCOUNT, Permission.ADMIN) in grants["aws_backup_vault.v"]
    assert public_read in grants["aws_dynamodb_table.t"]
    assert [(g.reason, g.resource_id) for g in inventory.coverage_gaps] == [("unknown-at-plan", "aws_backup_vault.v")]
