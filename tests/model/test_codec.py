"""inventory.json / findings.json: round trip, stable order, published schemas, clear errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.demo.sample import sample_inventory
from auditor.errors import InputError
from auditor.model.codec import from_dict, to_dict
from auditor.model.inventory import Inventory
from auditor.model.schema import derive, published, validate


def test_round_trip_is_lossless_and_stable() -> None:
    inv = sample_inventory()
    data = to_dict(inv)
    assert next(iter(data)) == "schema_version"
    assert from_dict(Inventory, json.loads(json.dumps(data))) == inv
    assert json.dumps(to_dict(from_dict(Inventory, data))) == json.dumps(data)


@pytest.mark.parametrize("name", ["inventory", "findings", "registers"])
def test_published_schemas_match_the_model(name: str) -> None:
    assert published(name) == derive(name), "run: python -m auditor.model.schema"

def test_validating_a_document_leaves_the_published_schema_as_published() -> None:
    from auditor.model.schema import _compiled

    _compiled.cache_clear()
    before = json.dumps(published("findings"), sort_keys=True)
    with pytest.raises(InputError):
        validate("findings", {"schema_version": 1}, "probe")
    assert json.dumps(published("findings"), sort_keys=True) == before



def test_sample_inventory_validates() -> None:
    validate("inventory", to_dict(sample_inventory()), "sample")


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["resources"][0].update(region=5), "$.resources[0].region"),
        (lambda d: d["resources"][1]["locations"][0].update(role="mirror"), "$.resources[1].locations[0].role"),
        (lambda d: d["resources"][2].update(colour="blue"), "$.resources[2]"),
        (lambda d: d.update(schema_version=99), "schema_version"),
    ],
)
def test_invalid_inventories_name_the_path(mutate, path: str) -> None:
    data = to_dict(sample_inventory())
    mutate(data)
    with pytest.raises(InputError) as err:
        validate("inventory", data, "inv.json")
    assert err.value.one_line().startswith("inv.json: ")
    assert path in err.value.one_line()


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                    max_leaves=20))
def test_arbitrary_json_is_rejected_cleanly(data) -> None:
    try:
        validate("inventory", data, "x.json")
        from_dict(Inventory, data)
    except InputError:
        pass
