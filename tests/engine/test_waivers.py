"""Waivers: an accepted risk stays visible; expired, too long, stale or malformed ones are reported."""

from __future__ import annotations

import csv
import datetime as dt
import io
from functools import cache
from pathlib import Path

import pytest

from auditor.config import Config
from auditor.demo.sample import sample_inventory
from auditor.engine.pack import PolicyPack, load_pack
from auditor.errors import PolicyError
from auditor.model.codec import to_dict
from auditor.model.findings import FindingsDoc
from auditor.pipeline import assess

TODAY = dt.date(2026, 12, 1)
BUCKET = "arn:aws:s3:::loire-facturation-pmsi"  # backup copy in us-west-2: RES-002 fails under hds


@cache
def pack() -> PolicyPack:
    return load_pack()


def audit(tmp_path: Path, body: str, max_days: int = 365) -> FindingsDoc:
    path = tmp_path / "waivers.yaml"
    path.write_text(body, encoding="utf-8")
    config = Config(profile="hds", waivers=path, waiver_max_days=max_days)
    return assess(sample_inventory(), config, today=TODAY, pack=pack()).doc


def waiver(wid: str = "W-1", policy: str = "RES-002", resource: str = BUCKET, created: str = "2026-10-01",
           expires: str = "2027-03-31") -> str:
    return (f"  - id: {wid}\n    policy: {policy}\n    resource: \"{resource}\"\n"
            f"    reason: Archive copy kept until the EU vault migration (ticket DPO-231)\n"
            f"    approver: Claire Martin (DPO)\n    created: \"{created}\"\n    expires: \"{expires}\"\n")


def res002(doc: FindingsDoc) -> list:  # type: ignore[type-arg]
    return [f for f in doc.findings if f.policy_id == "RES-002" and f.resource_id == BUCKET]


def test_a_valid_waiver_waives_and_keeps_the_finding_with_its_approver_and_expiry(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver())
    [finding] = res002(doc)
    assert finding.status.value == "waived" and finding.severity.value == "critical"
    assert finding.waiver is not None
    assert (finding.waiver.waiver_id, finding.waiver.approver, finding.waiver.expires) == (
        "W-1", "Claire Martin (DPO)", "2027-03-31")
    assert "EU vault migration" in finding.waiver.reason
    assert finding.message["en"] and finding.remediation["en"]  # still explained
    assert [n for n in doc.run.notices if "W-1" in n] == [  # no warning, but the run says what it covers
        f"waiver W-1 (RES-002 on {BUCKET}, expires 2027-03-31) covers 1 finding (1 critical)"]
    exported = to_dict(doc)  # waived findings stay in findings.json
    assert any(f["status"] == "waived" and f["waiver"]["approver"] == "Claire Martin (DPO)"
               for f in exported["findings"])


def test_a_glob_waiver_covers_matching_resources_only(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver(policy="RES-*", resource="*facturation*"))
    assert res002(doc)[0].status.value == "waived"
    others = [f for f in doc.findings if f.policy_id == "RES-002" and f.resource_id != BUCKET]
    assert others and all(f.status.value == "fail" for f in others)


def test_an_expired_waiver_is_reported_and_not_applied(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver(created="2026-01-01", expires="2026-06-30"))
    assert res002(doc)[0].status.value == "fail"
    assert any("W-1" in n and "expired on 2026-06-30" in n for n in doc.run.notices)


def test_a_waiver_longer_than_the_maximum_is_reported_and_not_applied(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver(created="2026-10-01", expires="2027-12-31"), max_days=180)
    assert res002(doc)[0].status.value == "fail"
    assert any("W-1" in n and "waiver_max_days" in n for n in doc.run.notices)


def test_a_waiver_that_matches_nothing_is_stale(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver(wid="W-9", resource="arn:aws:s3:::no-such-bucket"))
    assert any("W-9" in n and "stale" in n for n in doc.run.notices)
    assert res002(doc)[0].status.value == "fail"


def test_a_waiver_never_turns_a_pass_or_an_unknown_into_waived(tmp_path: Path) -> None:
    doc = audit(tmp_path, "waivers:\n" + waiver(policy="RES-001", resource="*genomique*"))
    unknown = [f for f in doc.findings if f.policy_id == "RES-001" and "genomique" in f.resource_id]
    assert [f.status.value for f in unknown] == ["unknown"]
    assert any("stale" in n for n in doc.run.notices)


@pytest.mark.parametrize(("body", "line", "words"), [
    ("waivers:\n" + waiver().replace("    approver: Claire Martin (DPO)\n", ""), 2, "approver"),
    ("waivers:\n" + waiver(expires="31/03/2027"), 8, "expires"),
    ("waivers:\n" + waiver() + waiver(), 9, "used twice"),
    ("waivers:\n" + waiver(created="2027-03-31", expires="2027-01-01"), 2, "expires before"),
    ("waivers:\n  - id: W-1\n    id: W-2\n", 3, "duplicate"),
    ("waivers:\n" + waiver() + "    owner: someone\n", 9, "owner"),
])
def test_a_malformed_waiver_file_is_a_policy_error_with_file_and_line(tmp_path: Path, body: str, line: int,
                                                                        words: str) -> None:
    with pytest.raises(PolicyError) as caught:
        audit(tmp_path, body)
    text = caught.value.one_line()
    assert f"waivers.yaml:{line}" in text and words in text, text
    assert "\n" not in text


# --- issue 12, item 7: a waiver on every policy and every resource -----------------------------------------

def waiver_all(policy: str = "*", resource: str = "*", scope: str = "", expires: str = "2026-12-20") -> str:
    return waiver(wid="W-ALL", policy=f"\"{policy}\"", resource=resource, created="2026-11-30", expires=expires) + (
        f"    scope: {scope}\n" if scope else "")


@pytest.mark.parametrize(("policy", "resource"), [
    ("*", "*"), ("?*", "*"), ("*-*", "**"), ("[A-Z]*", "*?"), ("*", "*s*"), ("*-[0-9]*", "*[a-z]*"),
])
def test_a_waiver_matching_everything_is_refused_in_one_line(tmp_path: Path, policy: str, resource: str) -> None:
    body = "waivers:\n" + waiver() + waiver_all(policy, resource)
    with pytest.raises(PolicyError) as caught:
        audit(tmp_path, body)
    text = caught.value.one_line()
    assert text.startswith(f"{tmp_path / 'waivers.yaml'}:9: waiver W-ALL: ") and "match everything" in text, text
    assert "scope: all" in text and "\n" not in text


def test_the_cli_refuses_it_with_exit_2_before_any_scan(tmp_path: Path) -> None:
    import subprocess
    import sys

    from auditor.fsio import dump_json

    (tmp_path / "waivers.yaml").write_text("waivers:\n" + waiver_all(expires="2099-01-01"), encoding="utf-8")
    (tmp_path / "auditor.yaml").write_text("profile: hds\nwaivers: waivers.yaml\n", encoding="utf-8")
    (tmp_path / "inventory.json").write_text(dump_json(to_dict(sample_inventory())), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "auditor", "evaluate", "inventory.json", "--config", "auditor.yaml",
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-500:]
    assert result.stderr.count("\n") == 1 and "waivers.yaml:2: waiver W-ALL" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / "findings.json").exists()


def test_narrow_waivers_with_one_wildcard_are_accepted(tmp_path: Path) -> None:
    for policy, resource in (("RES-*", "*"), ("*", BUCKET), ("*", "arn:aws:s3:::*")):
        audit(tmp_path, "waivers:\n" + waiver_all(policy, resource))


def test_scope_all_needs_an_expiry_within_30_days_of_the_run(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        audit(tmp_path, "waivers:\n" + waiver_all(scope="all", expires="2027-01-01"))
    assert caught.value.one_line().endswith("waivers.yaml:2: waiver W-ALL: a 'scope: all' waiver must expire within "
                                            "30 days of the run (by 2026-12-31), not on 2027-01-01")


def test_scope_all_waives_everything_and_says_how_much_in_every_report(tmp_path: Path) -> None:
    from auditor.render import RENDERERS, RenderOptions

    doc = audit(tmp_path, "waivers:\n" + waiver_all(scope="all", expires="2026-12-31"))
    waived = [f for f in doc.findings if f.status.value == "waived"]
    assert waived and not [f for f in doc.findings if f.status.value == "fail"]
    critical = sum(1 for f in waived if f.severity.value == "critical")
    [notice] = [n for n in doc.run.notices if "W-ALL" in n]
    assert f"scope: all, expires 2026-12-31) covers {len(waived)} findings ({critical} critical" in notice
    options = RenderOptions(lang="en")
    out = {fmt: RENDERERS[fmt].render(doc, options) for fmt in ("json", "html", "md", "csv", "sarif", "junit")}
    assert f"covers {len(waived)} findings" in out["json"]  # the run's notices
    assert f'data-v="{len(waived)}"><b>{len(waived)}</b>' in out["html"]
    assert f"| `W-ALL` | Claire Martin (DPO) | 2026-12-31 | {len(waived)} ({critical} critical" in out["md"]
    table = list(csv.DictReader(io.StringIO(out["csv"].lstrip("\ufeff"), newline="")))
    rows = [r for r in table if r["status"] == "waived"]
    assert len(rows) == len(waived) and all(
        (r["waiver_id"], r["waiver_approver"], r["waiver_covers"]) == ("W-ALL", "Claire Martin (DPO)", str(len(waived)))
        for r in rows)
    assert f"covers {len(waived)} findings" in out["sarif"] and f'"waiverCovers": {len(waived)}' in out["sarif"]
    assert f"covers {len(waived)} findings" in out["junit"]
