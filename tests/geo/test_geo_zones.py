"""Legal zones of countries: EU, EEA, adequacy, third, and unknown for anything that is not a country."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.geo.zones import ADEQUACY, zone_of_country, zone_within
from auditor.model.inventory import Zone

EU27 = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]
ADEQUATE = ["GB", "CH", "JP", "KR", "IL", "NZ", "CA", "BR", "AR", "UY", "AD", "FO", "GG", "IM", "JE"]


@pytest.mark.parametrize("country", EU27)
def test_every_member_state_is_eu(country: str) -> None:
    assert zone_of_country(country) is Zone.EU


@pytest.mark.parametrize("country", ["IS", "LI", "NO"])
def test_eea_members_outside_the_eu_are_eea(country: str) -> None:
    assert zone_of_country(country) is Zone.EEA


@pytest.mark.parametrize("country", ADEQUATE)
def test_adequacy_countries(country: str) -> None:
    assert zone_of_country(country) is Zone.ADEQUACY
    decision = ADEQUACY[country]
    assert decision.country == country and decision.decision and decision.date[:2] == "20"


def test_the_adequacy_list_is_exactly_the_documented_one() -> None:
    assert sorted(ADEQUACY) == sorted(ADEQUATE)
    assert ADEQUACY["GB"].decision == "(EU) 2021/1772"
    assert ADEQUACY["BR"].date == "2026-01-26"
    assert "PIPEDA" in (ADEQUACY["CA"].scope or "")


@pytest.mark.parametrize("country", ["US", "CN", "IN", "SG", "AU", "AE", "MX", "HK", "TW", "CL"])
def test_other_countries_are_third_the_us_included(country: str) -> None:
    assert zone_of_country(country) is Zone.THIRD


@pytest.mark.parametrize("value", [None, "", "  ", "XX", "ZZ", "EU", "FRA", "mars", "F"])
def test_what_is_not_a_country_is_unknown(value: str | None) -> None:
    assert zone_of_country(value) is Zone.UNKNOWN


def test_codes_are_folded() -> None:
    assert zone_of_country(" fr ") is Zone.EU
    assert zone_of_country("uk") is Zone.ADEQUACY  # read as GB
    assert zone_of_country("EL") is Zone.EU  # the EU's code for Greece
    assert zone_of_country("RE") is Zone.EU  # Réunion, an outermost region


def test_zone_within_reads_nested_zones_and_never_admits_unknown() -> None:
    assert zone_within(Zone.EU, ["eea"])
    assert zone_within(Zone.EEA, ["eu", "eea"])
    assert not zone_within(Zone.ADEQUACY, ["eea"])
    assert zone_within(Zone.ADEQUACY, ["EU", "adequacy"])
    assert not zone_within(Zone.THIRD, ["eu", "eea", "adequacy"])
    assert zone_within(Zone.THIRD, ["third"])
    for allowed in (["third"], ["unknown"], ["eu", "eea", "adequacy", "third", "unknown"]):
        assert not zone_within(Zone.UNKNOWN, allowed)
    assert not zone_within(Zone.EU, [])
    assert not zone_within(Zone.EU, ["europe"])


@given(st.one_of(st.none(), st.text(max_size=8)))
def test_zone_of_country_never_raises(value: str | None) -> None:
    assert isinstance(zone_of_country(value), Zone)


def test_geography_data_files_hold_no_yaml_booleans() -> None:
    """A bare NO (Norway) is a boolean in YAML: every shipped value must be text, number or null."""
    from auditor.geo._data import DATA_DIR, load_data

    def leaves(node: object) -> list[object]:
        if isinstance(node, dict):
            return [*node.keys(), *(x for v in node.values() for x in leaves(v))]
        if isinstance(node, list):
            return [x for v in node for x in leaves(v)]
        return [node]

    for path in sorted(DATA_DIR.glob("*.yaml")):
        assert not any(isinstance(leaf, bool) for leaf in leaves(load_data(path.name))), path.name
