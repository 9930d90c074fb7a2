"""One estate, several profiles: the verdicts differ visibly, and each difference has its reason."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import Config
from auditor.demo.sample import sample_inventory
from auditor.engine.pack import load_pack
from auditor.model.findings import Finding, FindingsDoc
from auditor.pipeline import assess

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)


@cache
def run(profile: str, countries: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> FindingsDoc:
    config = Config(profile=profile, allowed_countries=countries, policy_dirs=tuple(Path(d) for d in extra))
    return assess(sample_inventory(), config, today=TODAY, pack=load_pack(config.policy_dirs)).doc


def finding(doc: FindingsDoc, policy: str, name: str) -> Finding | None:
    """The finding of ``policy`` on the resource named ``name`` (None when the policy did not apply)."""
    hits = [f for f in doc.findings if f.policy_id == policy and f.resource_id.rstrip("/").endswith(name)]
    assert len(hits) <= 1
    return hits[0] if hits else None


def status(doc: FindingsDoc, policy: str, name: str) -> str:
    """fail / unknown / waived from the findings, pass from the compact list of passes, else skip."""
    f = finding(doc, policy, name)
    if f is not None:
        return f.status.value
    passed = [rid for rid in doc.passed.get(policy, ()) if rid.rstrip("/").endswith(name)]
    return "pass" if passed else "skip"


def test_london_passes_under_gdpr_and_fails_under_hds() -> None:
    assert status(run("gdpr"), "RES-001", "loire-urgences-rpu-londres") == "pass"
    hds = finding(run("hds"), "RES-001", "loire-urgences-rpu-londres")
    assert hds is not None and hds.status.value == "fail" and hds.severity.value == "critical"
    assert hds.country == "GB" and hds.zone == "adequacy"
    assert "eu-west-2" in hds.message["en"] and "hds" in hds.message["en"]


def test_azure_france_central_passes_residency_under_hds_but_fails_sovereignty_under_the_doctrine() -> None:
    hds, doctrine = run("hds"), run("fr-doctrine")
    for policy in ("RES-001", "RES-002", "RES-004", "JUR-002"):
        assert status(hds, policy, "fhir-loire") == "pass", policy  # HDS-certified, in France
    jur = finding(doctrine, "JUR-001", "fhir-loire")
    assert jur is not None and jur.status.value == "fail" and jur.severity.value == "critical"
    assert jur.category == "sovereignty" and "US_CLOUD_ACT" in jur.message["en"]
    assert jur.baseline_severity is not None and jur.baseline_severity.value == "info"
    qual = finding(doctrine, "JUR-002", "fhir-loire")
    assert qual is not None and qual.status.value == "fail" and "secnumcloud" in qual.message["en"]
    assert status(doctrine, "RES-001", "fhir-loire") == "pass"  # the residency is not the problem


def test_provider_jurisdiction_severity_is_the_profiles() -> None:
    severities = {p: finding(run(p), "JUR-001", "fhir-loire").severity.value  # type: ignore[union-attr]
                  for p in ("gdpr", "hds", "fr-doctrine", "eu-sovereign")}
    assert severities == {"gdpr": "info", "hds": "medium", "fr-doctrine": "critical", "eu-sovereign": "critical"}


def test_edge_caching_and_foreign_access_become_critical_under_the_doctrine() -> None:
    for policy, name in (("ACC-002", "loire-recherche-cohorte-patients"),
                         ("ACC-004", "sql-pmsi"), ("KEY-003", "loire-labo-resultats"), ("KEY-002", "sql-pmsi")):
        hds, doctrine = finding(run("hds"), policy, name), finding(run("fr-doctrine"), policy, name)
        assert hds is not None and doctrine is not None
        assert (hds.status.value, hds.severity.value) == ("fail", "high"), policy
        assert (doctrine.status.value, doctrine.severity.value) == ("fail", "critical"), policy
    assert "worldwide" in finding(run("hds"), "RES-004", "loire-cdn-imagerie").message["en"]  # type: ignore[union-attr]


def test_edge_caches_outside_the_eea_are_as_severe_as_copies_under_hds() -> None:
    # Issue #13: the same EEA storage rule as RES-002, so the same severity under hds.
    from auditor.engine.evaluate import severity_for

    pack = load_pack()
    copy = severity_for(pack.policy("RES-002"), pack.profile("hds")).value
    edge = finding(run("hds"), "RES-004", "loire-cdn-imagerie")
    assert edge is not None and (edge.status.value, edge.severity.value) == ("fail", copy)


def test_customer_held_keys_and_key_origins() -> None:
    assert status(run("hds"), "KEY-001", "loire-pacs-imagerie") == "skip"  # not required by HDS
    assert status(run("fr-doctrine"), "KEY-001", "loire-pacs-imagerie") == "fail"  # SSE-S3
    assert status(run("fr-doctrine"), "KEY-001", "loire-dpi-patients") == "pass"  # customer-managed KMS key
    sovereign = run("eu-sovereign")
    assert status(sovereign, "KEY-004", "loire-dpi-patients") == "fail"  # origin AWS_KMS
    assert status(sovereign, "KEY-004", "loire-eds-omop") == "pass"  # origin EXTERNAL_KEY_STORE
    assert status(run("fr-doctrine"), "KEY-004", "loire-dpi-patients") == "skip"  # no origin list


def test_accountability_and_unknowns() -> None:
    hds = run("hds")
    log = finding(hds, "LOG-001", "loire-dpi-dr-virginia")
    assert log is not None and (log.status.value, log.severity.value) == ("fail", "medium")
    assert finding(run("gdpr"), "LOG-001", "loire-dpi-dr-virginia").severity.value == "low"  # type: ignore[union-attr]
    # an unclassified store is counted in its account/service/region group, its id listed (results/unclassified)
    [cls] = [f for f in hds.findings if f.policy_id == "CLS-001"
             and any(i.rstrip("/").endswith("loire-exports-tmp") for i in f.evidence)]
    assert (cls.status.value, cls.severity.value) == ("fail", "info") and cls.resource_id.startswith("unclassified:")
    unknown = finding(hds, "RES-001", "loire-recherche-genomique")
    assert unknown is not None and unknown.status.value == "unknown"
    assert "cannot be placed" in unknown.message["en"]  # the unknown wording, not "stored outside"


def test_verdicts_differ_visibly_between_profiles() -> None:
    def failing(doc: FindingsDoc) -> set[tuple[str, str, str]]:
        return {(f.policy_id, f.resource_id, f.severity.value) for f in doc.findings if f.status.value == "fail"}

    docs = {p: run(p) for p in ("gdpr", "hds", "fr-doctrine", "eu-sovereign")}
    sets = {p: failing(d) for p, d in docs.items()}
    assert len({frozenset(s) for s in sets.values()}) == 4
    critical = {p: sum(1 for _, _, s in fs if s == "critical") for p, fs in sets.items()}
    assert critical["gdpr"] < critical["hds"] < critical["fr-doctrine"]
    assert any("raises JUR-001 from info to critical" in n for n in docs["fr-doctrine"].run.notices)
    assert docs["hds"].run.allowed_zones == ("eu", "eea") and docs["gdpr"].run.allowed_zones[-1] == "adequacy"


def test_a_user_profile_narrows_to_france() -> None:
    hds = run("hds")
    france = run("france-only", extra=(str(ROOT / "examples" / "profiles"),))
    assert france.run.allowed_countries == ("FR",)
    assert status(hds, "RES-001", "loire-labo-dr") == "pass"  # Ireland is in the EEA
    assert status(france, "RES-001", "loire-labo-dr") == "fail"  # but not in France
    assert status(france, "RES-001", "loire-dpi-patients") == "pass"  # Paris
    narrowed = run("hds", countries=("FR",))  # the config's allowed_countries does the same
    assert status(narrowed, "RES-001", "loire-labo-dr") == "fail"


@pytest.mark.parametrize(("profile", "expected"), [
    ("hds", ["allowed zones:      eu, eea", "qualifications:     hds", "JUR-001   info -> medium",
             "LOG-001   low -> medium"]),
    ("fr-doctrine", ["allowed zones:      eu", "customer-held keys: required", "qualifications:     hds, secnumcloud",
                     "JUR-001   info -> critical", "RES-004   high -> critical"]),
    ("eu-sovereign", ["key origins:        EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE, Microsoft.KeyVault/managedHSMs",
                      "EU jurisdiction:    required"]),
    ("gdpr", ["allowed zones:      eu, eea, adequacy", "US under the DPF:   accepted when the config sets dpf: true",
              "severity changes from the policy baseline:\n  none"]),
])
def test_policies_show_profile_prints_the_zone_and_the_severity_changes(profile: str, expected: list[str]) -> None:
    result = CliRunner().invoke(app, ["policies", "show", "--profile", profile])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output


def test_policies_list_by_profile_and_framework() -> None:
    result = CliRunner().invoke(app, ["policies", "list", "--profile", "fr-doctrine", "--framework", "SecNumCloud"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1] for line in result.output.splitlines()}
    assert lines["JUR-001"] == "critical" and lines["RES-001"] == "critical" and "LOG-001" not in lines
