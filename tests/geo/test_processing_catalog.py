"""The AI processing-geography catalog: every fact sourced and dated, and what it answers."""

from __future__ import annotations

import re

from auditor.geo import processing
from auditor.geo.catalog import locate

CHECKED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_every_entry_has_a_source_and_a_checked_day() -> None:
    entries = processing.all_entries()
    assert len(entries) >= 15
    for path, entry in entries:
        assert str(entry.get("source", "")).startswith("https://"), path
        assert CHECKED.match(str(entry.get("checked", ""))), path
        assert str(entry.get("provenance", "")).strip(), path


def test_every_listed_region_is_a_known_place() -> None:
    for name, routing in processing.bedrock_profiles().items():
        for region in routing.regions:
            if region not in (processing.GLOBAL, processing.SOURCE):
                assert locate("aws", region).kind == "region", (name, region)


def test_us_profile_from_paris_is_processed_in_the_united_states() -> None:
    regions, routing = processing.bedrock_regions("us.anthropic.claude-3-haiku-20240307-v1:0", "eu-west-3")
    assert routing is not None and routing.leaves_eea is True
    assert {locate("aws", r).country for r in regions} == {"US"}


def test_a_foundation_model_called_directly_stays_in_the_calling_region() -> None:
    arn = "arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    assert processing.bedrock_regions(arn, "eu-west-3")[0] == ("eu-west-3",)


def test_longest_prefix_and_global() -> None:
    assert processing.bedrock_profile_prefix("us-gov.anthropic.claude") == "us-gov"
    assert processing.bedrock_regions("global.anthropic.claude-sonnet-4", "eu-west-3")[0] == ("global",)
    assert processing.bedrock_profile_prefix("arn:aws:bedrock:eu-west-3:1:inference-profile/eu.meta.llama") == "eu"


def test_azure_deployment_types() -> None:
    assert processing.azure_deployment_regions("Standard", "francecentral")[0] == ("francecentral",)
    assert processing.azure_deployment_regions("GlobalStandard", "francecentral")[0] == ("global",)
    eu = processing.azure_deployment_regions("DataZoneStandard", "francecentral")[0]
    assert "swedencentral" in eu and "francecentral" in eu
    assert not {"uksouth", "switzerlandnorth", "norwayeast", "eastus", "germanycentral"} & set(eu)
    us = processing.azure_deployment_regions("DataZoneStandard", "eastus2")[0]
    assert "eastus" in us and "westeurope" not in us
    assert processing.azure_deployment_regions("NoSuchSku", "francecentral") == ((), None)


def test_medical_services_regions() -> None:
    regions = processing.medical_service_regions("comprehendmedical")
    assert "eu-west-1" in regions and "eu-west-3" not in regions
    assert all(locate("aws", r).kind == "region" for r in regions)
    assert processing.medical_service_regions("transcribe-medical") == ()  # not verified: unknown
