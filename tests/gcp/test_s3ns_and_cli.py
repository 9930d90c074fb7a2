"""S3NS's universe, and ``auditor scan --provider gcp`` / ``auditor permissions gcp`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from gcp_helpers import by_name, config, scan, wire

from auditor import pipeline
from auditor.demo import gcp_estate
from auditor.demo.fakegcp import FakeGCP
from auditor.model.inventory import KeyManager, Zone


def test_an_s3ns_organisation_is_read_in_its_own_universe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with gcp_estate.build_s3ns(FakeGCP(ca_dir=tmp_path)) as fake:
        wire(fake, monkeypatch, tmp_path, "s3nsapis.fr")
        inv = scan(fake, tmp_path, "s3nsapis.fr")
        tokens = {a for _, p, a in fake.authorizations if p != "/token"}
    bucket = by_name(inv, "chu-dossiers-souverains")
    assert (bucket.provider, bucket.account, bucket.region) == ("s3ns", "s3ns:chu-souverain", "u-france-east1")
    assert bucket.id == "//storage.s3nsapis.fr/chu-dossiers-souverains"
    assert bucket.encryption is not None and bucket.encryption.manager is KeyManager.EXTERNAL  # Cloud EKM key
    assert by_name(inv, "sante/dossiers").attributes["protects"] == [bucket.id]
    assert inv.scope.providers == ("s3ns",) and inv.coverage_gaps == ()
    assert all(t.startswith("Bearer eyJ") for t in tokens)  # self-signed JWTs: no token endpoint outside googleapis.com
    loaded = config(fake, tmp_path, "s3nsapis.fr")
    enriched = pipeline.enrich(inv, loaded)
    place = by_name(enriched, "chu-dossiers-souverains").locations[0]
    assert (place.country, place.zone) == ("FR", Zone.EU)
    doc = pipeline.assess(inv, replace(loaded, profile="secnumcloud")).doc
    verdicts = {f.policy_id: str(f.status) for f in doc.findings}
    assert "JUR-001" not in verdicts  # operated by S3NS under French law: no non-EU law reaches it
    assert verdicts.get("JUR-002") == "unknown"  # SecNumCloud confirmed, HDS not confirmed (catalog provenance)


def test_scan_provider_gcp_end_to_end(fake: FakeGCP, tmp_path: Path) -> None:
    (tmp_path / "auditor.yaml").write_text(yaml.safe_dump({"gcp": gcp_estate.config_section(fake)}), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GOOGLE_"))}
    key = tmp_path / "sa-googleapis.com.json"
    env.update({"GOOGLE_APPLICATION_CREDENTIALS": str(key), "REQUESTS_CA_BUNDLE": fake.ca_path,
                "HOME": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "scan", "--provider", "gcp", "--out", str(tmp_path / "out"),
         "--no-history", "--quiet", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr  # a US warehouse and a public bucket of health data
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["run"]["providers"] == ["gcp"] and doc["run"]["accounts"] == ["chu-data", "chu-research"]
    failed = {(f["policy_id"], f["resource_id"].rsplit("/", 1)[-1]) for f in doc["findings"] if f["status"] == "fail"}
    assert any(name == "entrepot_recherche" for _, name in failed)
    assert any(name == "chu-exports-publics" for _, name in failed)
    secret = json.loads(key.read_text())["private_key"].splitlines()[3]
    assert secret not in result.stdout + result.stderr
    assert not any(secret in p.read_text() for p in (tmp_path / "out").iterdir() if p.is_file())


def test_permissions_gcp_prints_a_custom_role_of_read_permissions() -> None:
    result = subprocess.run([sys.executable, "-m", "auditor", "permissions", "gcp"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    role = json.loads(result.stdout)
    assert "cloudasset.assets.searchAllResources" in role["includedPermissions"]
    assert "storage.buckets.getIamPolicy" in role["includedPermissions"]
    assert not [p for p in role["includedPermissions"]
                if p.rsplit(".", 1)[-1] not in ("get", "list", "getIamPolicy", "searchAllResources", "listIamPolicy",
                                                   "searchAllIamPolicies")]


def test_a_bad_gcp_section_is_one_line_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "auditor.yaml").write_text("gcp:\n  endpoints:\n    storage: http://plain.example\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "auditor", "scan", "--provider", "gcp"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "auditor.yaml" in result.stderr and "Traceback" not in result.stderr
