"""Real plans written by other teams (fixtures/public_plans, sources in its sources.json) are judged.

Every file goes through the real command line (`auditor plan`), with a configuration that calls every
store health data so that the residency policies judge it: the run must end in a verdict (exit 0, 1
or 3), never a refusal (2) or a traceback, and every AWS/Azure data store of the plan must be in the
inventory or named by a coverage gap.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plantools import FIXTURES, by_id

from auditor.cli import main
from auditor.connectors.terraform import read_plan
from auditor.connectors.terraform.registry import EXTRACTORS
from auditor.errors import InputError
from auditor.model.inventory import KeyManager, LocationRole

CORPUS = FIXTURES / "public_plans"
SOURCES = json.loads((CORPUS / "sources.json").read_text(encoding="utf-8"))["files"]
PLANS = sorted(p.name for p in CORPUS.glob("*.json") if p.name != "sources.json")
# Types whose extractor yields a data store (the others attach to a store or are ignored).
STORES = {
    "aws_s3_bucket", "aws_kms_key", "aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table",
    "aws_backup_vault", "aws_cloudfront_distribution", "azurerm_storage_account", "azurerm_cosmosdb_account",
    "azurerm_mssql_server", "azurerm_mssql_database", "azurerm_postgresql_flexible_server",
    "azurerm_key_vault", "azurerm_recovery_services_vault", "azurerm_data_protection_backup_vault",
    "azurerm_sql_server", "azurerm_sql_database", "azurerm_postgresql_server",
}


@pytest.fixture(autouse=True, scope="module")
def _pack_read_once() -> Iterator[None]:
    """The shipped policy pack is read once for this module (reading its YAML costs seconds; what is
    under test here is the plan reader and the verdict, not the pack loader)."""
    import auditor.pipeline as pipeline

    cached = functools.cache(pipeline.load_pack)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "load_pack", lambda dirs=(): cached(tuple(dirs)))
        yield


def audit(tmp_path: Path, plan: Path, *options: str) -> tuple[int, dict[str, Any], str]:
    """Run `auditor plan` in this process as the console script does; (exit code, findings.json, stderr)."""
    config = tmp_path / "auditor.yaml"
    config.write_text("classification:\n  names: ['*']\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["auditor", "plan", str(plan), "--config", str(config), "--out", str(out), "--format", "json",
            "--quiet", *options]
    old = sys.argv
    sys.argv = argv
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old
    findings = out / "findings.json"
    return code, (json.loads(findings.read_text(encoding="utf-8")) if findings.exists() else {}), ""


def test_every_file_is_sourced_licensed_and_unmodified() -> None:
    listed = {entry["file"]: entry for entry in SOURCES}
    assert sorted(listed) == PLANS
    for name, entry in listed.items():
        assert entry["license"] in ("MIT", "Apache-2.0"), name
        assert entry["repository"].startswith("https://github.com/") and len(entry["commit"]) == 40, name
        data = (CORPUS / name).read_bytes()
        blob = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
        assert blob.stdout.decode().strip() == entry["git_blob_sha1"], f"{name} differs from its source"
        doc = json.loads(data)
        assert (doc["terraform_version"], doc["format_version"]) == (entry["terraform_version"],
                                                                     entry["format_version"])
    assert sum((CORPUS / n).stat().st_size for n in PLANS) < 1_000_000


def test_the_corpus_spans_every_plan_format() -> None:
    assert {e["format_version"] for e in SOURCES} >= {"0.1", "0.2", "1.0", "1.1", "1.2"}
    minors = {tuple(int(x) for x in e["terraform_version"].split(".")[:2]) for e in SOURCES}
    assert {(0, 12), (0, 13), (0, 14), (0, 15), (1, 0), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 14)} <= minors


@pytest.mark.parametrize("name", PLANS)
def test_a_real_plan_is_judged(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    plan = CORPUS / name
    code, findings, _ = audit(tmp_path, plan, "--include-unchanged")
    err = capsys.readouterr().err
    assert code in (0, 1, 3), err
    assert "Traceback" not in err
    doc = json.loads(plan.read_text(encoding="utf-8"))
    seen = {r["id"] for r in findings["resources"]} | {
        g.get("resource_id") for g in findings.get("coverage_gaps", [])
    }
    stores = [c["address"] for c in doc.get("resource_changes") or []
              if c.get("mode") == "managed" and c.get("type") in STORES and c["type"] in EXTRACTORS]
    missing = [a for a in stores if a not in seen]
    assert not missing, f"{name}: stores not recognised: {missing}"
    for resource in findings["resources"]:
        assert resource["provider"] in ("aws", "azure")
        health = resource["classification"]["health"]
        assert health, resource["id"]


def _resource(tmp_path: Path, name: str, address: str, *options: str) -> tuple[int, dict[str, Any]]:
    code, findings, _ = audit(tmp_path, CORPUS / name, *options)
    found = [r for r in findings["resources"] if r["id"] == address]
    assert found, [r["id"] for r in findings["resources"]]
    return code, found[0]


@pytest.mark.parametrize(
    ("name", "address", "region", "country"),
    [
        ("tf0.12.5-checkov-cloudformation-parser.json", "aws_s3_bucket.bucket", "us-west-2", "US"),
        ("tf0.12.1-compliance-issue-121.json", "aws_kms_key.example", "us-east-1", "US"),
        ("tf0.13.5-compliance-issue-438.json", "aws_rds_cluster.db_cluster", "us-east-1", "US"),
        ("tf0.13.5-compliance-issue-394.json", "azurerm_storage_account.private", "eastus", "US"),
        ("tf1.2.2-checkov-plan-encodings-win-utf8.json", "aws_s3_bucket.data", "us-west-2", "US"),
    ],
)
def test_a_store_is_placed_in_the_country_of_its_region(
    tmp_path: Path, name: str, address: str, region: str, country: str
) -> None:
    code, resource = _resource(tmp_path, name, address)
    assert resource["region"] == region
    assert resource["locations"][0]["country"] == country
    assert code == 1  # health data planned outside the EEA fails the hds gate


def test_a_module_key_of_terraform_1_1_reaches_the_root_provider(tmp_path: Path) -> None:
    """`project1:aws` (Terraform 1.1 names the module call, not its path) -> the root `aws` block,
    which sets no region: the region given on the command line applies, as for the root bucket."""
    name = "tf1.1.6-compliance-regex-on-when.json"
    assert read_plan(CORPUS / name).resources[0].region == "unknown"
    inventory = read_plan(CORPUS / name, aws_region="eu-west-3", include_unchanged=True)
    assert by_id(inventory, "module.project1.aws_kms_key.test").region == "eu-west-3"
    assert by_id(inventory, "aws_s3_bucket.bucket").region == "eu-west-3"


def test_a_region_the_plan_does_not_show_is_unknown_and_the_run_incomplete(tmp_path: Path) -> None:
    code, resource = _resource(tmp_path, "tf1.0.3-trivy-tfjson-plan.json", "aws_s3_bucket.planbucket")
    assert resource["name"] == "tfsec-plan-testing"  # bucket = var.bucket_name, from the plan's variables
    assert resource["region"] == "unknown" and code == 3
    code, resource = _resource(tmp_path, "tf1.0.3-trivy-tfjson-plan.json", "aws_s3_bucket.planbucket",
                               "--aws-region", "eu-west-3")
    assert resource["locations"][0]["country"] == "FR"
    assert resource["encryption"]["key_id"] == "SSE-S3"  # the separate AES256 configuration resource


def test_a_create_without_planned_values_is_a_gap_naming_it(tmp_path: Path) -> None:
    code, findings, _ = audit(tmp_path, CORPUS / "tf1.1.3-checkov-plan-after-unknown.json")
    assert code == 3
    assert [g["resource_id"] for g in findings["coverage_gaps"]] == ["aws_cloudfront_distribution.cloudfront"]


def test_a_plan_without_resource_changes_lists_what_planned_values_holds(tmp_path: Path) -> None:
    name = "tf1.0.11-checkov-plan-with-resource-reference-graph.json"
    assert read_plan(CORPUS / name).resources == ()  # nothing changes: nothing to gate
    bucket = by_id(read_plan(CORPUS / name, include_unchanged=True, aws_region="eu-west-1"), "aws_s3_bucket.example")
    assert bucket.change == "no-op" and bucket.region == "eu-west-1"


# -- how teams hand plans over ----------------------------------------------------------------------

POWERSHELL = "tf1.2.4-checkov-plan-with-deleted-resources.json"  # pretty-printed: line numbers matter


def _powershell(text: str) -> bytes:
    """What Windows PowerShell 5 `terraform show -json plan > plan.json` writes: UTF-16 LE, BOM, CRLF."""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


@pytest.mark.parametrize(
    "encode",
    [
        _powershell,
        lambda t: t.encode("utf-16"),  # BOM in the machine's order
        lambda t: t.encode("utf-16-be"),  # no BOM
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-8-sig"),  # PowerShell 7 / Out-File -Encoding utf8BOM
        lambda t: t.encode("utf-32"),
    ],
)
def test_a_plan_in_any_unicode_encoding_reads_as_in_utf8(tmp_path: Path, encode: Any) -> None:
    source = CORPUS / POWERSHELL
    text = source.read_text(encoding="utf-8")
    copy = tmp_path / "plan.json"
    copy.write_bytes(encode(text))
    expected, got = read_plan(source), read_plan(copy)
    assert [(r.id, r.region, r.change) for r in got.resources] == [(r.id, r.region, r.change) for r in
                                                                     expected.resources]
    assert [r.source_file for r in got.resources] == [
        str(r.source_file).replace(str(source), str(copy)) for r in expected.resources
    ]


def test_a_powershell_plan_is_judged_by_the_command(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(_powershell((CORPUS / "tf1.2.2-checkov-plan-encodings-win-utf8.json").read_text("utf-8")))
    code, findings, _ = audit(tmp_path, plan)
    assert code == 1 and [r["region"] for r in findings["resources"]] == ["us-west-2"]


def _binary_plan(path: Path) -> Path:
    """The shape of `terraform plan -out=tfplan`: a zip of tfplan, tfstate, tfconfig/."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"\x0a\x04\x08\x01")
        archive.writestr("tfstate", "{}")
        archive.writestr("tfconfig/m-/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    return path


def test_a_binary_plan_is_refused_with_the_command_that_converts_it(tmp_path: Path) -> None:
    plan = _binary_plan(tmp_path / "tfplan")
    with pytest.raises(InputError) as caught:
        read_plan(plan)
    assert caught.value.exit_code == 2
    assert "binary Terraform plan" in caught.value.message
    assert "terraform show -json" in (caught.value.hint or "")
    assert caught.value.location == f"{plan}:1"


def test_the_command_refuses_a_binary_plan_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _binary_plan(tmp_path / "tfplan")
    code, findings, _ = audit(tmp_path, plan)
    err = capsys.readouterr().err
    assert code == 2 and not findings
    assert err.count("\n") == 1 and str(plan) in err and "terraform show -json" in err
    assert not (tmp_path / "out").exists()


def test_bytes_that_are_no_unicode_text_are_refused_with_the_utf8_fix(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(b'{"format_version": "1.2",\n"x": "\xe9t\xe9"}')  # Latin-1
    with pytest.raises(InputError) as caught:
        read_plan(plan)
    assert "not valid UTF-8" in caught.value.message and caught.value.location == f"{plan}:2"
    assert "UTF-8" in (caught.value.hint or "")


# -- shapes of older providers and Terraform versions, on real plans ---------------------------------


def _derived(tmp_path: Path, name: str, edit: Any) -> Path:
    """A corpus plan with one change made by ``edit(doc)``, for a shape no corpus file shows whole."""
    doc = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def test_the_inline_encryption_block_of_aws_provider_v3_is_read() -> None:
    bucket = by_id(read_plan(CORPUS / "tf0.12.12-compliance-s3-encryption-success.json"), "aws_s3_bucket.fail")
    assert bucket.encryption is not None
    assert (bucket.encryption.manager, bucket.encryption.key_id) == (KeyManager.CUSTOMER, "123456")


def test_the_inline_replication_and_policy_of_aws_provider_v3_are_read(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}

    def edit(doc: dict[str, Any]) -> None:
        after = doc["resource_changes"][0]["change"]["after"]
        after["replication_configuration"] = [{"role": "arn:aws:iam::123456789012:role/r", "rules": [
            {"id": "all", "status": "Enabled", "prefix": "", "destination": [
                {"bucket": "arn:aws:s3:::bucket-dr", "account_id": "123456789012", "storage_class": "STANDARD"}]},
            {"id": "off", "status": "Disabled", "destination": [{"bucket": "arn:aws:s3:::bucket-old"}]},
        ]}]
        after["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    plan = _derived(tmp_path, "tf0.12.5-checkov-cloudformation-parser.json", edit)
    bucket = by_id(read_plan(plan), "aws_s3_bucket.bucket")
    replicas = [(loc.role, loc.via, loc.target, loc.account) for loc in bucket.locations[1:]]
    assert replicas == [(LocationRole.REPLICA, "s3-replication", "arn:aws:s3:::bucket-dr", "123456789012")]
    assert bucket.locations[1].region == "unknown"  # an ARN of S3 names no region, the bucket is not planned
    assert [(g.principal, g.home) for g in bucket.access] == [("arn:aws:iam::999988887777:root", "999988887777")]


def _legacy_module_plan(region_in_module: bool, aliases_at_root: bool) -> dict[str, Any]:
    """A plan as Terraform 0.12 to 1.1 write it for a bucket in module ``m`` (key ``m:aws``)."""
    providers: dict[str, Any] = {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-3"}}}}
    if aliases_at_root:
        providers["aws.us"] = {"name": "aws", "alias": "us",
                               "expressions": {"region": {"constant_value": "us-east-1"}}}
    if region_in_module:  # a provider block inside the module (0.12 keys it by the call name)
        providers["m:aws"] = {"name": "aws", "module_address": "m",
                              "expressions": {"region": {"references": ["var.region"]}}}
    else:  # a module that only declares the provider (0.13-1.1 key it by path)
        providers["module.m:aws"] = {"name": "aws", "module_address": "module.m"}
    return {
        "format_version": "0.2", "terraform_version": "1.0.11",
        "resource_changes": [{
            "address": "module.m.aws_s3_bucket.b", "module_address": "module.m", "mode": "managed",
            "type": "aws_s3_bucket", "name": "b", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": {"bucket": "b"}, "after_unknown": {}},
        }],
        "configuration": {"provider_config": providers, "root_module": {"module_calls": {"m": {
            "source": "./m", "expressions": {"region": {"constant_value": "eu-central-1"}},
            "module": {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                                      "name": "b", "provider_config_key": "m:aws", "expressions": {}}],
                       "variables": {"region": {}}},
        }}}},
    }


@pytest.mark.parametrize(
    ("region_in_module", "aliases_at_root", "region"),
    [
        (True, True, "eu-central-1"),  # the module's own block, region = var.region of the call
        (False, False, "eu-west-3"),  # inherited: the caller has only one aws block
        (False, True, "unknown"),  # given one of the caller's blocks: the plan does not say which
    ],
)
def test_module_provider_keys_of_terraform_before_1_2(
    tmp_path: Path, region_in_module: bool, aliases_at_root: bool, region: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_legacy_module_plan(region_in_module, aliases_at_root)), encoding="utf-8")
    bucket = by_id(read_plan(plan, aws_region="eu-north-1"), "module.m.aws_s3_bucket.b")
    assert bucket.region == region
    if region == "unknown":
        assert any("before 1.2" in e for e in bucket.evidence), bucket.evidence


def test_the_postgresql_single_server_of_azurerm_2_is_a_store_placed_in_its_region(tmp_path: Path) -> None:
    code, server = _resource(tmp_path, "tf0.12.25-compliance-variables-slicing-fail.json",
                             "azurerm_postgresql_server.example")
    assert (server["service"], server["region"], server["locations"][0]["country"]) == ("postgresql", "northeurope",
                                                                                          "IE")
    assert len(server["locations"]) == 1  # geo_redundant_backup_enabled = false
    assert server["network"]["public_endpoint"] is True
    assert code in (0, 1)


def test_the_sql_database_of_azurerm_2_keeps_geo_backups_and_replicas(tmp_path: Path) -> None:
    def change(address: str, after: dict[str, Any]) -> dict[str, Any]:
        rtype, name = address.split(".")
        return {"address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": "azurerm",
                "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}}

    doc = {"format_version": "0.1", "terraform_version": "0.12.31", "resource_changes": [
        change("azurerm_sql_database.primary", {"name": "records", "location": "francecentral",
                                                "create_mode": "Default", "server_name": "s1"}),
        change("azurerm_sql_database.secondary", {"name": "records", "location": "westeurope", "server_name": "s2",
                                                  "create_mode": "OnlineSecondary"}),
    ], "configuration": {"root_module": {"resources": [
        {"address": "azurerm_sql_database.primary", "mode": "managed", "type": "azurerm_sql_database",
         "name": "primary", "provider_config_key": "azurerm", "expressions": {}},
        {"address": "azurerm_sql_database.secondary", "mode": "managed", "type": "azurerm_sql_database",
         "name": "secondary", "provider_config_key": "azurerm",
         "expressions": {"source_database_id": {"references": ["azurerm_sql_database.primary.id",
                                                               "azurerm_sql_database.primary"]}}},
    ]}}}
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    primary = by_id(read_plan(plan), "azurerm_sql_database.primary")
    assert [(loc.region, loc.role, loc.via, loc.via_detail) for loc in primary.locations] == [
        ("francecentral", LocationRole.PRIMARY, None, None),
        ("francesouth", LocationRole.BACKUP, "sql-backup-redundancy", "Geo (Azure SQL default)"),
        ("westeurope", LocationRole.REPLICA, "sql-geo-replication", None),
    ]
