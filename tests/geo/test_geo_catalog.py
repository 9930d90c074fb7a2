"""locate(): region codes of every provider -> place, country, zone; never a guess."""

from __future__ import annotations

import pytest
from botocore.loaders import create_loader
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.geo.catalog import KINDS, catalog, locate, normalize_region, paired_region, providers
from auditor.model.inventory import Zone


def _botocore_regions() -> dict[str, str]:
    """Every region code of every partition the installed botocore knows -> its partition."""
    loader = create_loader()
    out: dict[str, str] = {}
    for part in loader.load_data("endpoints")["partitions"]:
        for code in part["regions"]:
            out[code] = part["partition"]
    for part in loader.load_data("partitions")["partitions"]:
        for code in part["regions"]:
            out[code] = part["id"]
    return out


BOTOCORE = _botocore_regions()


def test_botocore_knows_the_partitions_we_rely_on() -> None:
    assert {"aws", "aws-cn", "aws-us-gov", "aws-eusc"} <= set(BOTOCORE.values())


@pytest.mark.parametrize("code", sorted(BOTOCORE))
def test_every_botocore_region_resolves(code: str) -> None:
    place = locate("aws", code)
    assert place.kind != "unknown", f"{code} is missing from auditor/geo/data/aws.yaml"
    assert place.partition == BOTOCORE[code]
    if place.kind == "logical":  # aws-global & co: global endpoints, not storage
        assert code.endswith("-global") and place.parent is not None
        assert locate("aws", place.parent).kind == "region"
    else:
        assert place.country is not None and place.zone is not Zone.UNKNOWN


@pytest.mark.parametrize(
    ("provider", "region", "country", "zone"),
    [
        ("aws", "eu-west-3", "FR", Zone.EU),
        ("aws", "eu-west-2", "GB", Zone.ADEQUACY),
        ("aws", "eu-central-2", "CH", Zone.ADEQUACY),
        ("aws", "eusc-de-east-1", "DE", Zone.EU),
        ("aws", "us-east-1", "US", Zone.THIRD),
        ("aws", "sa-east-1", "BR", Zone.ADEQUACY),
        ("aws", "cn-north-1", "CN", Zone.THIRD),
        ("azure", "francecentral", "FR", Zone.EU),
        ("azure", "norwayeast", "NO", Zone.EEA),
        ("azure", "switzerlandnorth", "CH", Zone.ADEQUACY),
        ("azure", "usgovvirginia", "US", Zone.THIRD),
        ("azure", "chinanorth3", "CN", Zone.THIRD),
        ("azure", "germanycentral", "DE", Zone.EU),
        ("gcp", "europe-west9", "FR", Zone.EU),
        ("gcp", "EUROPE-WEST2", "GB", Zone.ADEQUACY),
        ("s3ns", "u-france-east1", "FR", Zone.EU),
        ("ovhcloud", "eu-west-gra-snc", "FR", Zone.EU),
        ("ovhcloud", "GRA7", "FR", Zone.EU),
        ("ovhcloud", "eu-north-lz-osl", "NO", Zone.EEA),
        ("scaleway", "fr-par", "FR", Zone.EU),
        ("outscale", "cloudgouv-eu-west-1", "FR", Zone.EU),
        ("outscale", "us-east-2", "US", Zone.THIRD),
    ],
)
def test_known_places(provider: str, region: str, country: str, zone: Zone) -> None:
    place = locate(provider, region)
    assert (place.country, place.zone) == (country, zone)


@pytest.mark.parametrize(
    ("provider", "region"),
    [("aws", "eu-west-99"), ("aws", "mars-1"), ("aws", "eusc-fr-east-1"), ("azure", "francenorth"),
     ("gcp", "europe-west99"), ("scaleway", "fr-lyo"), ("nosuchcloud", "eu-west-3"), ("aws", ""), ("aws", None)],
)
def test_unknown_codes_are_never_guessed(provider: str, region: str | None) -> None:
    place = locate(provider, region)
    assert (place.country, place.zone, place.kind) == (None, Zone.UNKNOWN, "unknown")


def test_local_zone_in_another_country_than_its_parent() -> None:
    qro = locate("aws", "us-east-1-qro-1a")  # an availability-zone name of the Querétaro Local Zone
    assert (qro.region, qro.kind, qro.parent, qro.country, qro.zone) == (
        "us-east-1-qro-1", "local-zone", "us-east-1", "MX", Zone.THIRD)
    waw = locate("aws", "eu-central-1-waw-1")
    assert (waw.country, waw.parent, waw.zone) == ("PL", "eu-central-1", Zone.EU)


def test_availability_zone_names_fold_to_their_region_only() -> None:
    assert locate("aws", "eu-west-3b").region == "eu-west-3"
    assert locate("gcp", "europe-west9-a").region == "europe-west9"
    assert locate("scaleway", "fr-par-2").region == "fr-par"
    assert locate("outscale", "eu-west-2a").region == "eu-west-2"
    assert locate("s3ns", "u-france-east1-b").region == "u-france-east1"
    assert locate("aws", "eu-west-99a").kind == "unknown"
    assert locate("gcp", "eu-a").kind == "unknown"  # not Google's EU multi-region


def test_s3_location_constraint_quirks() -> None:
    assert normalize_region("aws", None) == "us-east-1"
    assert normalize_region("aws", "") == "us-east-1"
    assert normalize_region("aws", "EU") == "eu-west-1"
    assert locate("aws", "EU").region == "eu-west-1"
    assert normalize_region("aws", " EU-West-3 ") == "eu-west-3"
    assert normalize_region("aws", "eu-west-3a") == "eu-west-3"


@pytest.mark.parametrize(
    "spelling", ["West Europe", "WestEurope", "westeurope", " west europe ", "(Europe) West Europe"]
)
def test_azure_display_names_normalise(spelling: str) -> None:
    assert normalize_region("azure", spelling) == "westeurope"
    assert locate("Azure", spelling).country == "NL"


def test_normalize_region_keeps_unknown_codes_and_drops_unusable_text() -> None:
    assert normalize_region("azure", "Atlantis Central") == "atlantiscentral"
    assert normalize_region("gcp", None) is None
    assert normalize_region("gcp", "   ") is None
    assert normalize_region("aws", "eu west 3") is None
    assert normalize_region("aws", "<script>") is None


def test_azure_pairs() -> None:
    assert paired_region("azure", "brazilsouth") == "southcentralus"
    assert locate("azure", "southcentralus").zone is Zone.THIRD
    assert paired_region("azure", "France Central") == "francesouth"
    assert paired_region("azure", "westus3") == "eastus"  # one-way
    assert paired_region("azure", "usgovarizona") == "usgovtexas"
    assert paired_region("azure", "chinaeast2") == "chinanorth2"
    for nonpaired in ("italynorth", "polandcentral", "spaincentral", "austriaeast", "nosuchregion"):
        assert paired_region("azure", nonpaired) is None
    assert paired_region("aws", "eu-west-3") is None


def test_no_eu_or_eea_azure_region_pairs_outside_the_eea() -> None:
    for place in catalog("azure"):
        pair = paired_region("azure", place.region)
        if pair and place.zone in (Zone.EU, Zone.EEA):
            assert locate("azure", pair).zone in (Zone.EU, Zone.EEA), place.region


def test_logical_and_multi_regions() -> None:
    assert locate("azure", "global").kind == "logical"
    assert locate("azure", "europe").zone is Zone.UNKNOWN
    assert (locate("azure", "france").country, locate("azure", "france").zone) == ("FR", Zone.EU)
    assert locate("gcp", "EU").zone is Zone.EU and locate("gcp", "EU").kind == "multi-region"
    assert locate("gcp", "EUR4").zone is Zone.EU
    assert locate("gcp", "ASIA").zone is Zone.THIRD
    assert locate("gcp", "EUR5").kind == "unknown"  # composition not sourced: not guessed


def test_catalog_is_sorted_complete_and_consistent() -> None:
    assert {"aws", "azure", "gcp", "ovhcloud", "scaleway", "outscale", "s3ns"} <= set(providers())
    places = catalog()
    assert places == sorted(places, key=lambda p: (p.provider, p.region))
    assert len(places) == sum(len(catalog(p)) for p in providers())
    for place in places:
        assert place.kind in KINDS and place.kind != "unknown"
        assert locate(place.provider, place.region) == place
        if place.kind in ("region", "local-zone"):
            assert place.country is not None and place.zone is not Zone.UNKNOWN
    assert catalog("nosuchcloud") == []


@settings(max_examples=300)
@given(provider=st.sampled_from(["aws", "azure", "gcp", "ovhcloud", "scaleway", "outscale", "s3ns", "x", ""]),
       text=st.one_of(st.none(), st.text(max_size=40)))
def test_locate_and_normalize_never_raise(provider: str, text: str | None) -> None:
    place = locate(provider, text)
    normalize_region(provider, text)
    if place.kind == "unknown":
        assert place.zone is Zone.UNKNOWN and place.country is None


@settings(max_examples=200)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20))
def test_unknown_text_stays_unknown(text: str) -> None:
    known = {p.region for p in catalog("aws")} | {"eu"}
    place = locate("aws", text)
    base = text[:-1] if text[-1:].isalpha() else text
    if text not in known and base not in known:
        assert place.zone is Zone.UNKNOWN and place.kind == "unknown"
