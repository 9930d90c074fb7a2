"""The shipped policy pack: it loads, every policy is explained, tested on its own examples, mapped to
frameworks, and its severities follow the design's baseline table profile by profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor import config as cfg
from auditor.engine.evaluate import severity_for
from auditor.engine.examples import run_examples
from auditor.engine.messages import profile_notices
from auditor.engine.pack import PolicyPack, load_pack

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack()
POLICY_IDS = sorted(p.id for p in PACK.policies)


def test_pack_loads_with_the_existing_ids_kept() -> None:
    assert {"RES-001", "RES-002", "RES-003", "ACC-001", "COV-001"} <= set(POLICY_IDS)
    assert {"gdpr", "hds", "fr-doctrine", "eu-sovereign", "secnumcloud"} <= set(PACK.profiles)
    assert {"GDPR", "HDS", "SecNumCloud", "FR-Doctrine", "EUCSF", "AWS-CT", "Azure-Sovereignty"} <= {
        c.framework for c in PACK.controls}


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_policy_has_failing_and_passing_examples(policy_id: str) -> None:
    policy = PACK.policy(policy_id)
    expects = [e.expect for e in policy.examples]
    if policy.target == "coverage-gap":  # a gap is never compliant: its examples can only be unknown
        assert "unknown" in expects
        return
    assert {"fail", "unknown"} & set(expects), f"{policy_id} has no failing example"
    assert "pass" in expects, f"{policy_id} has no passing example"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_policy_examples_are_green(policy_id: str) -> None:
    results = run_examples(PACK, {policy_id})
    assert results
    wrong = [f"{r.example!r}: expected {r.expected}, got {r.actual} ({r.location})" for r in results if not r.ok]
    assert not wrong, f"{policy_id}: " + "; ".join(wrong)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_policy_is_explained_in_both_languages_and_cites_the_law(policy_id: str) -> None:
    policy = PACK.policy(policy_id)
    for text in (policy.title, policy.message, policy.remediation, policy.rationale):
        assert set(text) == {"en", "fr"} and all(v.strip() for v in text.values())
    if policy.unknown_message:
        assert set(policy.unknown_message) == {"en", "fr"}
    assert policy.references or policy.target == "coverage-gap"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_policy_is_mapped_to_a_legal_framework(policy_id: str) -> None:
    refs = PACK.framework_refs.get(policy_id, ())
    assert any(r.split(":", 1)[0] in {"GDPR", "HDS", "SecNumCloud", "FR-Doctrine", "EUCSF"} for r in refs), refs


def test_every_control_lists_policies_or_says_why_not() -> None:
    for control in PACK.controls:
        assert control.policies or control.manual or control.out_of_scope, control.ref
        assert all(pid in POLICY_IDS for pid in control.policies), control.ref


def test_manual_controls_are_kept_for_the_report() -> None:
    manual = {c.ref for c in PACK.controls if c.manual}
    assert {"GDPR:Art.28", "GDPR:Art.35", "GDPR:Art.46", "GDPR:Art.49", "HDS:EXG-28-31.4",
            "SecNumCloud:19.6-staff", "EUCSF:SOV-5"} <= manual


# Design §5, severity baseline: finding -> policies, then the severity per profile column.
_GDPR, _HDS, _STRICT = ("gdpr",), ("hds",), ("fr-doctrine", "eu-sovereign", "secnumcloud")
BASELINE: dict[tuple[str, ...], dict[str, str]] = {
    ("RES-001",): {"gdpr": "critical", "hds": "critical", "strict": "critical"},
    ("RES-002",): {"gdpr": "critical", "hds": "critical", "strict": "critical"},
    # Issue #13: under hds an edge cache outside the EEA breaks the same EEA rule as a copy (RES-002).
    ("RES-004",): {"gdpr": "high", "hds": "critical", "strict": "critical"},
    ("KEY-002", "KEY-003"): {"gdpr": "high", "hds": "high", "strict": "critical"},
    ("ACC-001",): {"gdpr": "critical", "hds": "critical", "strict": "critical"},
    ("ACC-002", "ACC-004", "ACC-006"): {"gdpr": "high", "hds": "high", "strict": "critical"},
    ("JUR-001",): {"gdpr": "info", "hds": "medium", "strict": "critical"},
    ("KEY-001",): {"strict": "high"},
    ("LOG-001",): {"gdpr": "low", "hds": "medium", "strict": "medium"},
    ("CLS-001",): {"gdpr": "info", "hds": "info", "strict": "info"},
}


@pytest.mark.parametrize(("policies", "expected"), list(BASELINE.items()), ids=lambda v: "+".join(v) if
                         isinstance(v, tuple) else None)
def test_severities_follow_the_design_baseline(policies: tuple[str, ...], expected: dict[str, str]) -> None:
    for column, value in expected.items():
        for profile_id in {"gdpr": _GDPR, "hds": _HDS, "strict": _STRICT}[column]:
            for pid in policies:
                got = severity_for(PACK.policy(pid), PACK.profile(profile_id)).value
                assert got == value, f"{pid} under {profile_id}: {got}, design says {value}"


def test_location_unknowns_are_unknown_not_failures() -> None:
    for pid in ("RES-003", "ACC-003"):
        assert PACK.policy(pid).condition.source.strip() == "false"  # only ever unknown


@pytest.mark.parametrize("profile_id", sorted(PACK.profiles))
def test_no_shipped_profile_lowers_a_baseline_severity(profile_id: str) -> None:
    notes = profile_notices(PACK, PACK.profile(profile_id))
    assert not [n for n in notes if "LOWERS" in n]


def test_the_profiles_say_what_they_allow() -> None:
    gdpr, hds, doctrine, sovereign = (PACK.profile(p) for p in ("gdpr", "hds", "fr-doctrine", "eu-sovereign"))
    assert gdpr.allows("GB", "adequacy") and not hds.allows("GB", "adequacy")
    assert hds.allows("NO", "eea") and not doctrine.allows("NO", "eea")
    # health data under the State doctrine stays under CSP L.1111-8: both qualifications (issue #13)
    assert doctrine.required_qualifications == ("hds", "secnumcloud") and doctrine.require_customer_keys
    # the origin the Azure connector reports for a Managed HSM key (connectors/azure/keyvault.py)
    assert sovereign.accepted_key_origins == ("EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE",
                                              "Microsoft.KeyVault/managedHSMs")
    assert sovereign.require_eu_jurisdiction and not sovereign.accept_dpf
    assert PACK.profile("secnumcloud").required_qualifications == ("hds", "secnumcloud")


# The native guardrails the pack must cover (AWS Control Tower data residency + digital sovereignty controls,
# Azure sovereignty baseline and data-residency policies): each one is in a cross-walk file.
AWS_CONTROLS = [
    "GRREGIONDENY", "CT.MULTISERVICE.PV.1", "AWS-GR_DISALLOW_CROSS_REGION_NETWORKING",
    "AWS-GR_DISALLOW_VPC_INTERNET_ACCESS", "AWS-GR_DISALLOW_VPN_CONNECTIONS",
    "AWS-GR_RESTRICT_S3_CROSS_REGION_REPLICATION",
    "AWS-GR_SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", "AWS-GR_AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED",
    "AWS-GR_DMS_REPLICATION_NOT_PUBLIC", "AWS-GR_EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
    "AWS-GR_EC2_INSTANCE_NO_PUBLIC_IP",
    "AWS-GR_EKS_ENDPOINT_NO_PUBLIC_ACCESS", "AWS-GR_ELASTICSEARCH_IN_VPC_ONLY", "AWS-GR_EMR_MASTER_NO_PUBLIC_IP",
    "AWS-GR_LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", "AWS-GR_NO_UNRESTRICTED_ROUTE_TO_IGW",
    "AWS-GR_REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK", "AWS-GR_S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
    "AWS-GR_SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS", "AWS-GR_SSM_DOCUMENT_NOT_PUBLIC",
    "CT.APPSYNC.PV.1", *(f"CT.EC2.PV.{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)),
    *(f"CT.KMS.PV.{i}" for i in range(1, 8)), "CT.LAMBDA.PV.1", "CT.LAMBDA.PV.2",
    "CT.S3.PV.2", "CT.S3.PV.3", "CT.S3.PV.4", "CT.S3.PV.5", "CT.S3.PV.6", "CT.SECRETSMANAGER.PV.1", "CT.SQS.PV.1",
    "CT.STS.PV.1",
]
AZURE_POLICIES = [
    "e56962a6-4747-49cd-b67b-bf8b01975c4c", "e765b5de-1225-4ba3-bd56-1ac6695af988",
    "0a914e76-4921-4c19-b460-a2d36003525a", "0473574d-2d43-4217-aefe-941fcdf7e684",
    "93c45b74-42a1-4967-b25d-82c4dc630921", "c707daa0-b93b-454d-9e1e-8ac59866316c",
    "92a89a79-6c52-4a7e-a03f-61306fc49312", "b219b9cf-f672-4f96-9ab0-f5a3ac5e1c13",
    "a9934fd7-29f2-4e6d-ab3d-607ea38e9079", "bf045164-79ba-4215-8f95-f8048dc1780b",
    "a08ec900-254a-4555-9bf5-e42af04b5c5c", "cccc23c7-8427-4f53-ad12-b6a63eb452b3",
    "6fac406b-40ca-413b-bf8e-0bf964659c25", "0a370ff3-6cab-4e85-8995-295fd854c5b8",
    "ac01ad65-10e5-46df-bdd9-6b0cad13e1d2", "18adea5e-f416-4d0f-8aa8-d24321e3e274",
    "83cef61d-dbd1-4b20-a4fc-5fbc7da10833", "7d7be79c-23ba-4033-84dd-45e2a5ccdd67",
    "ca91455f-eace-4f96-be59-e6e2c35b4816", "7c322315-e26d-4174-a99e-f49d351b4688",
    "f0e5abd0-2554-4736-b7c0-4ffef23475ef", "b5ec538c-daa0-4006-8596-35468b9148e8",
    "970f84d8-71b6-4091-9979-ace7e3fb6dbb", "2e94d99a-8a36-4563-bc77-810d8893b671",
    "c1cbff38-87c0-4b9f-9f70-035c7a3b5523", "03de05a4-c324-4ccd-882f-a814ea8ab9ea",
    "bebfcba2-e789-4da6-9043-726ef3a00d02",
]


@pytest.mark.parametrize(("framework", "ids"), [("AWS-CT", AWS_CONTROLS), ("Azure-Sovereignty", AZURE_POLICIES)])
def test_native_guardrails_are_all_cross_walked_and_documented(framework: str, ids: list[str]) -> None:
    mapped = {c.control_id for c in PACK.controls if c.framework == framework}
    assert set(ids) <= mapped, sorted(set(ids) - mapped)
    table = (ROOT / "docs" / "controls-coverage.md").read_text(encoding="utf-8")
    assert not [i for i in mapped if f"`{i}`" not in table], "controls missing from docs/controls-coverage.md"


def test_the_residency_guardrails_are_covered_by_a_policy_not_waved_away() -> None:
    by_id = {c.control_id: c for c in PACK.controls if c.framework in ("AWS-CT", "Azure-Sovereignty")}
    for cid in ("GRREGIONDENY", "CT.MULTISERVICE.PV.1", "AWS-GR_RESTRICT_S3_CROSS_REGION_REPLICATION",
                "AWS-GR_EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK", "CT.KMS.PV.4", "CT.KMS.PV.5", "CT.KMS.PV.6",
                "CT.S3.PV.4",
                "e56962a6-4747-49cd-b67b-bf8b01975c4c", "0473574d-2d43-4217-aefe-941fcdf7e684",
                "c1cbff38-87c0-4b9f-9f70-035c7a3b5523", "6fac406b-40ca-413b-bf8e-0bf964659c25"):
        assert by_id[cid].policies and not by_id[cid].out_of_scope, cid


def _keys(schema: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for key, sub in schema.get("properties", {}).items():
        out.add(prefix + key)
        if sub.get("type") == "object" and "properties" in sub:
            out |= _keys(sub, prefix + key + ".")
    return out


def _used(data: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for key, value in data.items():
        out.add(prefix + key)
        if isinstance(value, dict) and prefix + key in {"trusted", "classification", "aws", "azure", "gcp", "report"}:
            out |= _used(value, prefix + key + ".")
    return out


def test_example_config_uses_every_key_and_loads_the_france_only_profile() -> None:
    from auditor import yamlio
    from auditor.errors import ConfigError

    path = ROOT / "examples" / "auditor.yaml"
    assert _used(yamlio.load(path, ConfigError)) == _keys(cfg.SCHEMA)
    config = cfg.load(path)
    pack: PolicyPack = load_pack(config.policy_dirs)
    profile = pack.profile(config.profile)
    assert profile.id == "france-only" and profile.allowed_countries == ("FR",)
    assert profile.allows("FR", "eu") and not profile.allows("DE", "eu") and not profile.allows(None, "eu")
    assert profile.required_qualifications == ("hds",)  # inherited from hds


def test_the_severity_table_in_the_docs_matches_the_profiles() -> None:
    text = (ROOT / "docs" / "controls-coverage.md").read_text(encoding="utf-8")
    columns = (("gdpr",), ("hds",), ("fr-doctrine", "secnumcloud"), ("eu-sovereign",))
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| ") and
            line.split("|")[1].strip() in POLICY_IDS]
    assert {r[0].strip() for r in rows} == set(POLICY_IDS)
    for row in rows:
        pid, cells = row[0].strip(), [c.strip() for c in row[2:]]
        for profiles, cell in zip(columns, cells, strict=True):
            if cell in ("unknown", "—"):
                continue
            for profile_id in profiles:
                assert severity_for(PACK.policy(pid), PACK.profile(profile_id)).value == cell, (pid, profile_id)
