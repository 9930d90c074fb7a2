"""`auditor scan --provider azure` with the sovereign-cloud options, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import SUB, TENANT


def test_scan_one_subscription_through_custom_endpoints(fake: FakeARM, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_"))}
    env.update(azure_estate.environ(fake))
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "scan", "--provider", "azure", "--tenant", TENANT,
         "--authority-host", fake.base_url, "--arm-endpoint", fake.base_url, "--subscription", SUB,
         "--out", str(tmp_path / "out"), "--no-history", "--quiet", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1, result.stderr  # the hospital's care subscription is not compliant
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert {r["account"] for r in doc["resources"]} == {SUB}
    assert doc["run"]["accounts"] == [SUB]
    assert azure_estate.CLIENT_SECRET not in result.stdout + result.stderr
    assert not any(azure_estate.CLIENT_SECRET in p.read_text() for p in (tmp_path / "out").iterdir())
