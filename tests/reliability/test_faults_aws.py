"""AWS under faults: `auditor scan` through the fault proxy in front of the moto server.

Transient faults (throttling, 5xx, resets, slow answers) that clear within the SDK's retries
change nothing a user sees; faults that do not clear, denied reads and a dying server make the
assessment incomplete (exit 3, gaps named in the report), never a pass, and never leave a
half-written output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo import aws_estate
from tests.reliability.conftest import (
    ORG_CONFIG,
    SCAN,
    CliResult,
    aws_behind,
    reset_moto,
    run_cli,
    scan_aws,
    verdict,
    write_config,
)
from tests.reliability.faultproxy import FaultProxy, Rule

# 30% of requests throttled, 5% a 5xx (the second rule draws only among the 70% not throttled).
TRANSIENT = (Rule("throttle", 0.30, max_consecutive=2), Rule("error", 0.05 / 0.70, max_consecutive=2))


@pytest.fixture(scope="module")
def hospital(moto_url: str) -> Iterator[str]:
    """The demo's AWS estate (an organisation of two accounts, sixteen buckets, keys), seeded once."""
    reset_moto(moto_url)
    aws_estate.seed(moto_url)
    yield moto_url
    reset_moto(moto_url)


@pytest.fixture(scope="module")
def clean_run(hospital: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """The reference: the same scan with a proxy that injects nothing."""
    tmp = tmp_path_factory.mktemp("clean")
    config = write_config(tmp / "auditor.yaml", ORG_CONFIG)
    with FaultProxy(hospital) as proxy, aws_behind(proxy):
        result = run_cli([*SCAN, "--config", str(config), "--out", str(tmp / "out")])
    assert result.code == 1, result  # the estate has findings
    assert not proxy.faults()
    return tmp / "out", result.code, len(proxy.seen)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1])
def test_throttling_and_5xx_change_nothing(hospital: str, clean_run: tuple[Path, int, int], tmp_path: Path,
                                           seed: int) -> None:
    reference, code, _ = clean_run
    proxy, out, result = scan_aws(hospital, tmp_path, TRANSIENT, seed)
    faults = proxy.faults()
    assert faults.get("throttle", 0) >= 20 and faults.get("error", 0) >= 1, faults
    assert result.code == code, result
    assert verdict(out) == verdict(reference)
    assert verdict(out)["gaps"] == []
    print(f"aws faults injected and survived (seed {seed}): {faults} over {len(proxy.seen)} requests")


def test_resets_and_slow_answers_change_nothing(hospital: str, clean_run: tuple[Path, int, int],
                                                tmp_path: Path) -> None:
    reference, code, _ = clean_run
    rules = (Rule("reset", 0.15, max_consecutive=2), Rule("slow", 0.10, delay=0.2))
    proxy, out, result = scan_aws(hospital, tmp_path, rules, 7)
    assert proxy.faults().get("reset", 0) >= 5, proxy.faults()
    assert result.code == code, result
    assert verdict(out) == verdict(reference)
    print(f"aws faults injected and survived (resets/slow): {proxy.faults()} over {len(proxy.seen)} requests")


@pytest.fixture(scope="module")
def never_clears(hospital: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliResult]:
    """Every S3 GetBucketReplication throttled past the retries."""
    rules = (Rule("throttle", 1.0, service="s3", operation="GetBucketReplication"),)
    _, out, result = scan_aws(hospital, tmp_path_factory.mktemp("never-clears"), rules, 3)
    return out, result


def test_throttling_that_never_clears_is_a_gap_not_a_pass(never_clears: tuple[Path, CliResult]) -> None:
    """The copies are unknown, not absent."""
    out, result = never_clears
    assert result.code == 1 and "incomplete" in result.out, result
    doc = json.loads((out / "findings.json").read_text())
    throttled = [g for g in doc["coverage_gaps"] if g["reason"] == "throttled"]
    assert throttled and all(g["error"].startswith("s3:GetBucketReplication: SlowDown") for g in throttled)
    replicated = "arn:aws:s3:::loire-dpi-patients"  # replicated to Virginia, which could not be read
    assert any(g["resource_id"] == replicated for g in throttled)
    assert any(f["status"] == "unknown" and f["policy_id"] == "COV-001" for f in doc["findings"])


def test_a_store_whose_replication_is_unreadable_does_not_pass_the_replica_policy(
        never_clears: tuple[Path, CliResult]) -> None:
    doc = json.loads((never_clears[0] / "findings.json").read_text())
    replicated = "arn:aws:s3:::loire-dpi-patients"  # replicated to Virginia: unread, so not known to pass
    assert replicated not in (doc.get("passed") or {}).get("RES-002", [])
    unknown = [f for f in doc["findings"] if f["resource_id"] == replicated and f["policy_id"] == "RES-002"]
    assert unknown and unknown[0]["status"] == "unknown"
    assert any("could not be read" in e for e in unknown[0]["evidence"])
