"""AWS gate under faults: a small estate with nothing to fail, so only completeness decides the exit code.

A denied read is named in the report's coverage section and `auditor scan` exits 3; a server that
dies mid-scan gives gaps (exit 3), never a pass, and no half-written output; one dead from the
start is a one-line error that leaves the earlier outputs as they were.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    AWS_CONFIG,
    SCAN,
    aws_behind,
    reset_moto,
    run_cli,
    scan_aws,
    seed_clean_estate,
    verdict,
)
from tests.reliability.faultproxy import FaultProxy, Rule


@pytest.fixture
def clean_estate(moto_url: str) -> Iterator[str]:
    reset_moto(moto_url)
    seed_clean_estate(moto_url)
    yield moto_url
    reset_moto(moto_url)


def test_clean_estate_passes_when_nothing_is_injected(clean_estate: str, tmp_path: Path) -> None:
    _, out, result = scan_aws(clean_estate, tmp_path, (), 0, AWS_CONFIG)
    assert result.code == 0, result
    assert verdict(out)["gaps"] == []


def test_a_denied_read_is_named_in_the_coverage_section_and_exits_3(clean_estate: str, tmp_path: Path) -> None:
    rules = (Rule("deny", 1.0, service="s3", operation="GetBucketPolicy"),)
    proxy, out, result = scan_aws(clean_estate, tmp_path, rules, 0, AWS_CONFIG)
    assert result.code == 3, result
    assert "incomplete" in result.out
    assert proxy.faults()["deny"] >= 2
    gaps = json.loads((out / "findings.json").read_text())["coverage_gaps"]
    assert {(g["service"], g["reason"]) for g in gaps} == {("s3", "access-denied")}
    assert {g["resource_id"] for g in gaps} >= {f"arn:aws:s3:::{b}" for b in ("sante-comptes-rendus", "sante-imagerie")}
    for name in ("summary.md", "report.html"):
        text = (out / name).read_text("utf-8")
        assert "s3:GetBucketPolicy" in text and "access-denied" in text.replace("access‑denied", "access-denied"), name


def test_a_server_dying_mid_scan_gives_gaps_never_a_pass(clean_estate: str, tmp_path: Path) -> None:
    _, _, clean = scan_aws(clean_estate, tmp_path / "clean", (), 0, AWS_CONFIG)
    assert clean.code == 0
    with FaultProxy(clean_estate) as counter, aws_behind(counter):
        run_cli([*SCAN, "--config", str(tmp_path / "clean" / "auditor.yaml"), "--out", str(tmp_path / "count")])
    half = len(counter.seen) // 2

    out = tmp_path / "clean" / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proxy, _, result = scan_aws(clean_estate, tmp_path / "clean", (), 0, AWS_CONFIG, die_after=half)
    assert proxy.dead.is_set()
    assert result.code == 3, result
    assert "Traceback" not in result.err
    doc = json.loads((out / "findings.json").read_text())
    assert doc["coverage_gaps"] and {g["reason"] for g in doc["coverage_gaps"]} <= {"endpoint-unreachable", "error"}
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # the same files, each whole (no temp left)
    _all_parse(out)


def test_a_server_dead_from_the_start_is_one_line_and_leaves_earlier_outputs(clean_estate: str,
                                                                              tmp_path: Path) -> None:
    _, out, clean = scan_aws(clean_estate, tmp_path, (), 0, AWS_CONFIG)
    assert clean.code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _, _, result = scan_aws(clean_estate, tmp_path, (), 0, AWS_CONFIG, die_after=0)
    assert result.code == 3, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: AWS cannot be reached"), lines
    assert "Traceback" not in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched, nothing added


def _all_parse(out: Path) -> None:
    import csv
    import xml.etree.ElementTree as ET

    for path in out.iterdir():
        text = path.read_text("utf-8")
        if path.suffix in (".json", ".sarif"):
            json.loads(text)
        elif path.suffix == ".xml":
            ET.fromstring(text)
        elif path.suffix == ".csv":
            assert list(csv.reader(text.splitlines()))
        elif path.suffix == ".html":
            assert text.rstrip().endswith("</html>")
        else:
            assert text.endswith("\n"), path

