"""The profile and mapping corrections of issue #13 item 2, each checked as a user would see it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from auditor.cli import app
from auditor.engine.evaluate import evaluate_one
from auditor.engine.examples import _resource
from auditor.engine.pack import load_pack
from auditor.errors import ConfigError
from auditor.geo.resolve import resolve
from auditor.geo.zones import ADEQUACY
from auditor.model.findings import Finding
from auditor.model.inventory import Inventory
from auditor.trust import relate

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack()


def judge(policy: str, profile: str, resource: dict[str, Any]) -> list[Finding]:
    inventory = relate(resolve(Inventory(resources=(_resource({"name": "patients", **resource}, "test"),))))
    return list(evaluate_one(inventory.resources, (), PACK, PACK.profile(profile), PACK.policy(policy)).findings)


def test_fr_doctrine_and_secnumcloud_require_hds_and_secnumcloud() -> None:
    for profile in ("fr-doctrine", "secnumcloud"):
        assert PACK.profile(profile).required_qualifications == ("hds", "secnumcloud")
    # SecNumCloud alone no longer passes: S3NS's HDS certificate is not confirmed, so undecided
    [finding] = judge("JUR-002", "fr-doctrine", {"provider": "s3ns", "service": "storage", "region": "u-france-east1"})
    assert finding.status.value == "unknown"
    assert "hds: S3NS PREMI3NS (Cloud de Confiance): certificate not confirmed" in finding.message["en"]


def test_fr_doctrine_says_whom_it_binds() -> None:
    text = PACK.profile("fr-doctrine").description
    assert "public hospitals included" not in text["en"] and "hôpitaux publics compris" not in text["fr"]
    assert "State administrations and on the operators and public groupings" in text["en"]
    assert "may adopt this profile by choice" in text["en"] and "peut adopter ce profil par choix" in text["fr"]


def test_sren_31_decree_note() -> None:
    text = PACK.profile("fr-doctrine").description
    assert "Until the decree implementing\n    SREN art. 31 is published" not in text["en"]  # folded text
    assert "decree implementing SREN art. 31 is published, its criteria are read as those of the circulars" in \
        " ".join(text["en"].split())
    sren = next(c for c in PACK.controls if c.ref == "FR-Doctrine:SREN-31")
    assert "until it is published" in sren.reference and "KEY-001" not in sren.policies


def test_key_001_is_labelled_hardening_beyond_the_texts() -> None:
    controls = {c.ref: c for c in PACK.controls}
    assert "KEY-001" not in controls["FR-Doctrine:Circ-6404-SG-R9"].policies
    assert controls["FR-Doctrine:Hardening-keys"].policies == ("KEY-001",)
    [finding] = judge("KEY-001", "fr-doctrine", {"encryption": {"manager": "provider", "origin": "AWS_OWNED"}})
    assert "hardening beyond the texts" in finding.message["en"]
    assert "durcissement au-delà des textes" in finding.message["fr"]


def test_jur_001_under_hds_is_worded_as_disclosure_requirements() -> None:
    [finding] = judge("JUR-001", "hds", {"provider": "azure", "service": "storage", "region": "francecentral"})
    assert finding.severity.value == "medium"
    assert "requirements 29-30" in finding.message["en"] and "31 (published transfer map" in finding.message["en"]
    [doctrine] = judge("JUR-001", "fr-doctrine", {"provider": "azure", "service": "storage", "region": "francecentral"})
    assert "requirements 29-30" not in doctrine.message["en"]  # immunity, not disclosure, under the doctrine


def test_key_002_quotes_the_edpb_use_case_1() -> None:
    rationale = " ".join(PACK.policy("KEY-002").rationale["en"].split())
    assert "entity it trusts in the EEA or in a country covered by an adequacy decision" in rationale


def test_uk_adequacy_renewal_and_brazil_decision() -> None:
    uk, br = ADEQUACY["GB"], ADEQUACY["BR"]
    assert (uk.renewed, uk.valid_until) == ("2025-12-19", "2031-12-27")
    assert (br.decision, br.date) == ("(EU) 2026/179", "2026-01-26")
    assert uk.source and br.source and uk.checked == br.checked == "2026-12-07"


def test_eu_sovereign_accepts_the_origin_the_azure_connector_emits_for_managed_hsm() -> None:
    source = (ROOT / "auditor" / "connectors" / "azure" / "keyvault.py").read_text(encoding="utf-8")
    emitted = re.search(r'origin = "([^"]+)" if in_hsm', source)
    assert emitted is not None and emitted.group(1) in PACK.profile("eu-sovereign").accepted_key_origins
    key = {"manager": "hsm", "key_id": "https://hsm.managedhsm.azure.net/keys/k", "region": "francecentral",
           "origin": emitted.group(1)}
    assert judge("KEY-004", "eu-sovereign", {"provider": "azure", "region": "francecentral", "encryption": key}) == []


def test_no_unverified_in_user_facing_text() -> None:
    for folder in ("policies", "reports/i18n", "reports/html", "reports/md"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".yaml", ".j2", ".md"}:
                text = path.read_text(encoding="utf-8").lower()
                assert "unverified" not in text and "non vérifié" not in text, path


def test_catalog_command_prints_each_fact_with_source_and_check_day() -> None:
    result = CliRunner().invoke(app, ["catalog"])
    assert result.exit_code == 0, result.output
    blocks = [b for b in result.output.split("\n\n") if b.startswith("[")]
    assert blocks and all("  source:  https://" in b and re.search(r"  checked: \d{4}-\d{2}-\d{2}", b) for b in blocks)
    assert "gcp-hds-v2" in result.output and "oldest check" in result.output
    data = json.loads(CliRunner().invoke(app, ["catalog", "--json", "--kind", "qualification"]).output)
    assert {f["kind"] for f in data["facts"]} == {"qualification"}
    assert all(f["source"] and f["checked"] for f in data["facts"])
    bad = CliRunner().invoke(app, ["catalog", "--kind", "nope"])
    assert isinstance(bad.exception, ConfigError) and bad.exception.exit_code == 2
