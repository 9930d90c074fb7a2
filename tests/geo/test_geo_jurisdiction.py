"""Provider jurisdictions: exposure and qualifications per offering, not per provider."""

from __future__ import annotations

from auditor.geo.jurisdiction import jurisdiction

US_EXPOSURE = ("US_CLOUD_ACT", "US_FISA_702")


def test_us_hyperscalers_are_exposed_even_in_an_eu_region() -> None:
    for provider, region in (("aws", "eu-west-3"), ("azure", "francecentral"), ("gcp", "europe-west9")):
        j = jurisdiction(provider, region)
        assert j.headquarters == "US" and j.parent_country == "US"
        assert j.exposure == US_EXPOSURE and not j.eu_headquartered


def test_aws_european_sovereign_cloud_keeps_its_parent_exposure() -> None:
    j = jurisdiction("aws", "eusc-de-east-1")
    assert j.offering == "AWS European Sovereign Cloud"
    assert (j.headquarters, j.parent_country) == ("DE", "US")
    assert j.exposure == US_EXPOSURE
    assert not j.eu_headquartered


def test_china_partitions_are_under_chinese_law() -> None:
    for provider, region in (("aws", "cn-northwest-1"), ("azure", "chinanorth2")):
        j = jurisdiction(provider, region)
        assert j.headquarters == "CN" and "CN_NATIONAL_INTELLIGENCE_LAW" in j.exposure
    assert jurisdiction("azure", "chinaeast").offering == "Azure China (21Vianet)"
    assert jurisdiction("azure", "usgovvirginia").offering == "Azure Government"


def test_qualifications_follow_the_offering() -> None:
    assert "secnumcloud" in jurisdiction("ovhcloud", "eu-west-gra-snc").qualifications
    assert "secnumcloud" not in jurisdiction("ovhcloud", "eu-west-gra").qualifications
    s3ns = jurisdiction("s3ns", "u-france-east1")
    assert s3ns.qualifications == ("secnumcloud",) and s3ns.eu_headquartered and s3ns.exposure == ()
    assert "secnumcloud" in jurisdiction("outscale", "cloudgouv-eu-west-1").qualifications
    assert jurisdiction("scaleway", "fr-par-1").qualifications == ("hds",)
    assert jurisdiction("scaleway", "nl-ams").qualifications == ()
    for provider in ("aws", "azure", "gcp"):
        assert "secnumcloud" not in jurisdiction(provider, "eu-west-3").qualifications
    assert "hds" not in jurisdiction("aws", "us-east-1").qualifications


def test_bleu_qualification_is_not_claimed() -> None:
    bleu = jurisdiction("bleu")
    assert bleu.headquarters == "FR" and bleu.eu_headquartered
    assert bleu.qualifications == ()


def test_european_providers_and_their_foreign_subsidiaries() -> None:
    ovh = jurisdiction("OVH", "eu-west-par")
    assert ovh.provider == "ovhcloud" and ovh.eu_headquartered
    assert ovh.exposure == ("CA_CRIMINAL_CODE_PRODUCTION",)  # Ontario production order, upheld 2025-09-25
    ovh_us = jurisdiction("ovhcloud", "us-east-vin")
    assert ovh_us.headquarters == "US" and "US_CLOUD_ACT" in ovh_us.exposure and not ovh_us.eu_headquartered
    outscale_us = jurisdiction("outscale", "us-west-1")
    assert outscale_us.headquarters == "US" and outscale_us.exposure == US_EXPOSURE
    assert jurisdiction("scaleway").exposure == () and jurisdiction("scaleway").eu_headquartered


def test_provider_default_without_or_with_an_unknown_region() -> None:
    assert jurisdiction("aws") == jurisdiction("aws", "eu-west-99")
    assert jurisdiction("aws").offering is None


def test_unknown_provider_is_never_a_pass() -> None:
    j = jurisdiction("nosuchcloud", "eu-west-3")
    assert j.exposure == ("UNKNOWN",) and not j.eu_headquartered and j.qualifications == ()
