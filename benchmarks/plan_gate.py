"""The pre-deploy gate against Checkov 3 on the same plan: time, verdict, and false results.

    python benchmarks/plan_gate.py [--resources 5000] [--runs 3] [--skip-checkov]

1. Generates a plan (``terraform show -json`` shape) with N resources spread over modules, nested
   modules, passed providers and aliases (AWS, with 20% of the buckets behind a US alias), plus
   azurerm storage accounts whose locations are written in every spelling.
2. Times ``auditor plan`` on it as a subprocess (if this checkout's CLI has no ``plan`` command yet,
   a subprocess running ``read_plan`` + the same assessment, and says so).
3. Installs Checkov 3 into its own virtualenv under the user cache folder (never a project
   dependency) and times ``checkov --framework terraform_plan`` with an equivalent allowed-regions
   custom policy (region of AWS resources, location of azurerm resources, within the EU regions).
4. Prints both times and verdicts, then each tool's result on the fixtures where a literal comparison
   goes wrong (provider alias, "West Europe"), against the true region of each resource.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "terraform"))

from planbuilder import PlanBuilder, Ref, known, write  # noqa: E402

FIXTURES = ROOT / "tests" / "terraform" / "fixtures"
HEALTH = {"data-classification": "health"}
EU_AWS = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
          "eu-south-2"]
EU_AZURE = ["westeurope", "northeurope", "francecentral", "francesouth", "germanywestcentral", "germanynorth",
            "swedencentral", "italynorth", "polandcentral", "spaincentral", "austriaeast", "belgiumcentral",
            "denmarkeast"]
AZURE_SPELLINGS = [("West Europe", "westeurope"), ("westeurope", "westeurope"), ("WestEurope", "westeurope"),
                   ("France Central", "francecentral"), ("North Europe", "northeurope"), ("East US", "eastus")]
# What each fixture resource really gets (from its .tf files): the ground truth of the comparison.
TRUTH = {
    "checkov_cases": {
        "aws_s3_bucket.scans_eu_alias": "eu-central-1", "aws_s3_bucket.scans_us_default": "us-east-1",
        "azurerm_storage_account.west_europe": "westeurope", "azurerm_storage_account.east_us": "eastus",
    },
    "aws_regions": {
        "aws_s3_bucket.imaging_default": "eu-west-1", "aws_s3_bucket.imaging_virginia": "us-east-1",
        "aws_s3_bucket.imaging_dr": "eu-central-1", "module.records.aws_s3_bucket.this": "eu-west-3",
        "module.archive.module.cold.aws_s3_bucket.this": "us-east-1",
        "module.shards[0].aws_s3_bucket.this": "eu-west-3", "module.shards[1].aws_s3_bucket.this": "eu-west-3",
    },
    "azure_locations": {
        "azurerm_storage_account.scans": "westeurope", "azurerm_storage_account.labs": "westeurope",
        "azurerm_storage_account.notes": "westeurope", "azurerm_storage_account.research": "francecentral",
        "azurerm_storage_account.exports": "westeurope", "azurerm_storage_account.backup_us": "eastus",
    },
}
CHECKOV_POLICIES = {
    "aws_region.yaml": {
        "metadata": {"id": "CKV2_RES_1", "name": "AWS data stores must be in an allowed EU region",
                     "category": "GENERAL_SECURITY", "severity": "HIGH"},
        "definition": {"cond_type": "attribute", "attribute": "region", "operator": "within", "value": EU_AWS,
                       "resource_types": ["aws_s3_bucket", "aws_dynamodb_table", "aws_db_instance"]},
    },
    "azure_location.yaml": {
        "metadata": {"id": "CKV2_RES_2", "name": "Azure data stores must be in an allowed EU location",
                     "category": "GENERAL_SECURITY", "severity": "HIGH"},
        "definition": {"cond_type": "attribute", "attribute": "location", "operator": "within", "value": EU_AZURE,
                       "resource_types": ["azurerm_storage_account", "azurerm_cosmosdb_account",
                                          "azurerm_mssql_server"]},
    },
}


# -- the generated plan -----------------------------------------------------------------------


def generate(n: int) -> tuple[dict[str, Any], dict[str, str]]:
    """A plan of ``n`` resources and the true region of every health data store in it (keys are not)."""
    b = PlanBuilder(variables={"region": "eu-west-3"})
    b.provider("aws", region=Ref("var.region"))
    b.provider("aws.frankfurt", alias="frankfurt", region="eu-central-1")
    b.provider("aws.virginia", alias="virginia", region="us-east-1")
    b.provider("azurerm", name="azurerm", full_name="registry.terraform.io/hashicorp/azurerm", features=[{}])
    aliases = [("aws", "eu-west-3"), ("aws.frankfurt", "eu-central-1"), ("aws", "eu-west-3"),
               ("aws.frankfurt", "eu-central-1"), ("aws.virginia", "us-east-1")]
    truth: dict[str, str] = {}
    per_module = 250
    aws_modules = max(1, (n * 4 // 5) // per_module)
    for m in range(aws_modules):
        key, region = aliases[m % len(aliases)]
        b.module(f"module.svc_{m}", "./modules/service")  # providers = { aws = <key> }
        b.module(f"module.svc_{m}.module.data", "./data")
        prefix = f"module.svc_{m}.module.data"
        for j in range(120):
            address = f'{prefix}.aws_s3_bucket.this["b{j}"]'
            b.resource(address, {"bucket": f"svc{m}-records-{j}", "tags": HEALTH, "force_destroy": False},
                       provider=key, defaults={"tags_all": HEALTH}, unknown=("region",))
            truth[address] = region
        for j in range(60):
            b.resource(f'{prefix}.aws_s3_bucket_replication_configuration.this["b{j}"]', {
                "bucket": Ref(f'aws_s3_bucket.this["b{j}"].id'), "role": "arn:aws:iam::111122223333:role/r",
                "rule": [{"id": "dr", "status": "Enabled",
                          "destination": [{"bucket": Ref(f'aws_s3_bucket.this["b{j + 60}"].arn')}]}]}, provider=key)
        for j in range(40):
            address = f'{prefix}.aws_dynamodb_table.this["t{j}"]'
            b.resource(address, {"name": f"svc{m}-table-{j}", "hash_key": "id", "tags": HEALTH},
                       provider=key, defaults={"tags_all": HEALTH})
            truth[address] = region
        for j in range(30):
            address = f'{prefix}.aws_kms_key.this["k{j}"]'
            b.resource(address, {"description": f"svc{m}-key-{j}", "multi_region": False}, provider=key)
    remaining = n - len(b.resources)
    azure_modules = max(1, remaining // per_module)
    for m in range(azure_modules):
        b.module(f"module.az_{m}", "./modules/azure-storage")
        count = per_module if m < azure_modules - 1 else n - len(b.resources)
        for j in range(count):
            written, region = AZURE_SPELLINGS[(m + j) % len(AZURE_SPELLINGS)]
            address = f'module.az_{m}.azurerm_storage_account.this["s{j}"]'
            b.resource(address, {"name": f"staz{m}x{j}", "location": written, "account_tier": "Standard",
                                 "account_replication_type": "LRS", "tags": HEALTH,
                                 "resource_group_name": known("var.resource_group", "rg-health")},
                       provider="azurerm")
            truth[address] = region
    return b.build(), truth


# -- our gate ---------------------------------------------------------------------------------

_FALLBACK = """
import sys, json
from pathlib import Path
from auditor.connectors.terraform import read_plan
from auditor.config import Config
from auditor.pipeline import assess, write_outputs
from auditor.results.gate import gate
from auditor.model.findings import Severity
inv = read_plan(Path(sys.argv[1]))
doc = assess(inv, Config(profile="hds")).doc
write_outputs(doc, Path(sys.argv[2]), ("json",), "en", inventory=inv)
sys.exit(gate(doc, Severity.HIGH, False).exit_code)
"""


def auditor_command(plan: Path, out: Path) -> tuple[list[str], str]:
    cli = [sys.executable, "-m", "auditor"]
    probe = subprocess.run([*cli, "plan", "--help"], capture_output=True, text=True, cwd=ROOT)
    if probe.returncode == 0:
        return [*cli, "plan", str(plan), "--profile", "hds", "--out", str(out), "--format", "json", "--quiet"], \
            "auditor plan (subprocess)"
    return [sys.executable, "-c", _FALLBACK, str(plan), str(out)], \
        "read_plan + assess + findings.json in a subprocess (this checkout's CLI has no `plan` command yet)"


def run_ours(plan: Path, runs: int) -> tuple[float, int, dict[str, Any], str]:
    best = float("inf")
    code = -1
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        command, label = auditor_command(plan, out)
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            best = min(best, time.perf_counter() - start)
            code = done.returncode
            if code not in (0, 1, 3):
                raise SystemExit(f"auditor failed ({code}): {done.stderr.strip()[:500]}")
        findings = json.loads((out / "findings.json").read_text())
    return best, code, findings, label


def our_primary_results(findings: dict[str, Any]) -> dict[str, str]:
    """resource id -> fail / unknown / pass for the primary-location policy (RES-001)."""
    out = {r["id"]: "pass" for r in findings["resources"]}
    for f in findings["findings"]:
        if f["policy_id"] == "RES-001" and f["status"] in ("fail", "unknown"):
            out[f["resource_id"]] = f["status"]
    return out


# -- Checkov ----------------------------------------------------------------------------------


def checkov_binary() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sovereign-auditor-bench"
    env = cache / "checkov-venv"
    binary = env / "bin" / "checkov"
    if not binary.exists():
        print(f"installing Checkov 3 into {env} (once; not a project dependency)…", flush=True)
        shutil.rmtree(env, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(env)
        done = subprocess.run([str(env / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                               "checkov>=3,<4"], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"pip install checkov failed: {done.stderr.strip()[-800:]}")
    return binary


def checkov_version(binary: Path) -> str:
    return subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()


def run_checkov(binary: Path, plan: Path, policies: Path, runs: int = 1) -> tuple[float, int, dict[str, str]]:
    command = [str(binary), "-f", str(plan), "--framework", "terraform_plan", "--external-checks-dir", str(policies),
               "--check", "CKV2_RES_1,CKV2_RES_2", "--skip-download", "-o", "json", "--compact"]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    best, code, results = float("inf"), -1, {}
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        best = min(best, time.perf_counter() - start)
        code = done.returncode
        results = _checkov_results(done.stdout)
    return best, code, results


def _checkov_results(stdout: str) -> dict[str, str]:
    text = stdout[stdout.find("{") if "{" in stdout else 0 :]
    try:
        report = json.loads(text)
    except ValueError:
        return {}
    reports = report if isinstance(report, list) else [report]
    out: dict[str, str] = {}
    for rep in reports:
        results = rep.get("results", {}) if isinstance(rep, dict) else {}
        for status, key in (("pass", "passed_checks"), ("fail", "failed_checks")):
            for check in results.get(key, []):
                resource = check.get("resource_address") or check.get("resource", "")
                if out.get(resource) != "fail":
                    out[resource] = status
    return out


def write_policies(folder: Path) -> Path:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for name, policy in CHECKOV_POLICIES.items():
        (folder / name).write_text(yaml.safe_dump(policy, sort_keys=False))
    return folder


# -- comparison -------------------------------------------------------------------------------


def expected(region: str) -> str:
    return "pass" if region in EU_AWS or region in EU_AZURE else "fail"


def false_results(truth: dict[str, str], results: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(resource, true region, expected, got) where the tool's answer differs from the truth."""
    out = []
    for address, region in truth.items():
        got = results.get(address, "missing")
        if got != expected(region):
            out.append((address, region, expected(region), got))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-checkov", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        plan_doc, truth = generate(args.resources)
        plan = work / "plan.json"
        write(plan_doc, plan)
        modules = {k.split(".aws_")[0].split(".azurerm_")[0] for k in truth}
        print(f"plan: {len(plan_doc['resource_changes'])} resource changes, {len(truth)} health data stores in "
              f"{len(modules)} modules (nested, passed providers, 3 AWS aliases), {plan.stat().st_size / 1e6:.1f} MB")

        ours_time, ours_code, findings, label = run_ours(plan, args.runs)
        ours = our_primary_results(findings)
        ours_false = false_results(truth, ours)
        print(f"\nsovereign-auditor: {ours_time:.2f} s (best of {args.runs}; {label})")
        print(f"  verdict: exit {ours_code}; RES-001 fail {sum(v == 'fail' for v in ours.values())}, "
              f"unknown {sum(v == 'unknown' for v in ours.values())}; false results vs truth: {len(ours_false)}")

        if args.skip_checkov:
            return
        binary = checkov_binary()
        policies = write_policies(work / "checkov-policies")
        print(f"\ncheckov {checkov_version(binary)}: running…", flush=True)
        ck_time, ck_code, ck = run_checkov(binary, plan, policies)
        ck_false = false_results(truth, ck)
        print(f"checkov: {ck_time:.2f} s (one run)")
        print(f"  verdict: exit {ck_code}; failed {sum(v == 'fail' for v in ck.values())}, "
              f"passed {sum(v == 'pass' for v in ck.values())}; false results vs truth: {len(ck_false)}")
        print(f"\nspeed-up: {ck_time / ours_time:.1f}x")

        print("\nfixtures where a literal comparison goes wrong (expected = true region within the EU):")
        print(f"  {'resource':52} {'true region':14} {'expected':8} {'ours':8} {'checkov':8}")
        for fixture, fixture_truth in TRUTH.items():
            fixture_plan = FIXTURES / fixture / "plan.json"
            _, _, fixture_findings, _ = run_ours(fixture_plan, 1)
            mine = our_primary_results(fixture_findings)
            _, _, theirs = run_checkov(binary, fixture_plan, policies)
            print(f"  [{fixture}]")
            for address, region in fixture_truth.items():
                flag = " <- checkov wrong" if theirs.get(address) != expected(region) else ""
                flag += " <- ours wrong" if mine.get(address) != expected(region) else ""
                print(f"  {address:52} {region:14} {expected(region):8} {mine.get(address, '-'):8} "
                      f"{theirs.get(address, '-'):8}{flag}")


if __name__ == "__main__":
    main()
