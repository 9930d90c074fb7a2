"""One redundancy table for the live read (SKU names) and plans (azurerm's replication types)."""

from __future__ import annotations

import pytest

from auditor.connectors.azure import redundancy


@pytest.mark.parametrize(
    ("written", "code", "geo", "zones"),
    [
        ("Standard_LRS", "LRS", False, False),  # a live SKU
        ("Premium_ZRS", "ZRS", False, True),
        ("Standard_GRS", "GRS", True, False),
        ("RAGRS", "RAGRS", True, False),  # azurerm's account_replication_type
        ("GZRS", "GZRS", True, True),
        ("RA-GZRS", "RAGZRS", True, True),  # Microsoft's documentation spelling
    ],
)
def test_every_spelling_finds_one_row(written: str, code: str, geo: bool, zones: bool) -> None:
    row = redundancy.storage(written)
    assert row is not None and (row.code, row.geo, row.zones) == (code, geo, zones)


def test_unknown_options_are_not_guessed() -> None:
    assert redundancy.storage("Standard_XYZ") is None and redundancy.storage(None) is None
    assert {"GRS", "RAGRS", "GZRS", "RAGZRS"} == redundancy.GEO_STORAGE


def test_geo_backups_and_pairs() -> None:
    assert all(redundancy.geo_backup(v) for v in ("GeoRedundant", "Geo", "GeoZone"))
    assert not any(redundancy.geo_backup(v) for v in ("LocallyRedundant", "Local", "Zone", None, True))
    assert redundancy.pair("francecentral") == "francesouth"  # the geography catalog
    assert redundancy.pair("francecentral", {"francecentral": "westeurope"}) == "westeurope"  # ARM's list first
    assert redundancy.pair("italynorth") is None  # no pair: never guessed
