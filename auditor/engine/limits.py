"""The engine's input limits: the largest resource, gap and profile a CEL expression can see.

They make the cost estimate (``celcost``) a real bound: ``policies validate`` refuses an
expression that could cost more than ``BUDGET`` on inputs this large, and the evaluator
checks each activation against them before running any expression on it. A resource beyond
them is not evaluated: each of its policies is ``unknown``, naming the limit (never a pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.engine.shape import SCALAR, Shape, fits, list_of, map_of, opaque, record, text

BUDGET = 4_000_000  # cost units per evaluation of one expression (see benchmarks/cel_cost.py for the time)
MAX_TEXT = 2048  # characters of any one string (ARNs and Azure resource ids stay well under it)
MAX_LOCATIONS = 256  # data locations of a resource, and locations of its key
MAX_GRANTS = 256  # access grants of a resource
MAX_TAGS = 128  # tags of a resource (AWS and Azure allow 50)
MAX_RANGES = 512  # network allowed ranges of a resource
MAX_ATTRIBUTE_VALUES = 512  # values in a resource's attributes, deep
MAX_ATTRIBUTE_TEXT = 16_384  # characters in a resource's attributes, together
MAX_PROFILE_ITEMS = 256  # items of each list of a profile
MAX_CATALOG_ITEMS = 64  # exposure and qualifications of a place (from the shipped catalog)

_TEXT = text(MAX_TEXT)
_LOCATION = record({name: _TEXT for name in ("region", "role", "via", "via_detail", "target", "account", "provider",
                                             "country", "zone", "place_kind", "parent_country")} | {"allowed": SCALAR})
_LOCATIONS = list_of(_LOCATION, MAX_LOCATIONS)
_KEY = record({"present": SCALAR, "allowed": SCALAR, "locations": _LOCATIONS}
              | {name: _TEXT for name in ("manager", "key_id", "region", "origin", "country", "zone")})
_GRANT = record({name: _TEXT for name in ("principal", "name", "kind", "relation", "permission", "source", "home",
                                          "condition")})
RESOURCE = record({
    **{name: _TEXT for name in ("id", "provider", "account", "organization", "service", "kind", "native_type", "name",
                                "region", "change", "label", "classification_rule", "logging")},
    "tags": map_of(_TEXT, _TEXT, MAX_TAGS),
    "attributes": opaque(MAX_ATTRIBUTE_VALUES, MAX_TEXT, MAX_ATTRIBUTE_TEXT),
    "health": SCALAR, "classified": SCALAR, "public": SCALAR,
    "locations": _LOCATIONS, "primary": _LOCATION, "copies": _LOCATIONS, "key": _KEY,
    "access": list_of(_GRANT, MAX_GRANTS),
    "network": record({"public_endpoint": _TEXT, "private_endpoints": SCALAR,
                       "allowed_ranges": list_of(_TEXT, MAX_RANGES)}),
    "jurisdiction": record({"headquarters": _TEXT, "parent_country": _TEXT, "offering": _TEXT,
                            "transfer_map": _TEXT, "exposure": list_of(_TEXT, MAX_CATALOG_ITEMS),
                            "qualifications": list_of(_TEXT, MAX_CATALOG_ITEMS),
                            "qualification_gaps": map_of(_TEXT, _TEXT, MAX_CATALOG_ITEMS),
                            "qualification_unknown": map_of(_TEXT, _TEXT, MAX_CATALOG_ITEMS),
                            "eu_headquartered": SCALAR}),
})
PROFILE = record({
    "id": _TEXT, "dpf": SCALAR, "require_customer_keys": SCALAR, "require_eu_jurisdiction": SCALAR,
    **{name: list_of(_TEXT, MAX_PROFILE_ITEMS) for name in ("allowed_zones", "allowed_countries",
                                                            "accepted_key_origins", "required_qualifications")},
})
GAP = record({name: _TEXT for name in ("provider", "account", "region", "service", "resource_id", "reason", "error",
                                       "aspect")})
VARIABLES: Mapping[str, Shape] = {"resource": RESOURCE, "profile": PROFILE, "gap": GAP}


def problem(variable: str, value: Mapping[str, Any], rendered: str | None = None) -> str | None:
    """Why an activation's ``variable`` is beyond the limits, or ``None``.

    ``rendered`` is ``repr(value)`` when the caller has it: no string can be longer than it, so a
    short one spares checking each string.
    """
    texts = rendered is None or len(rendered) > MAX_TEXT
    found = fits(VARIABLES[variable], value, texts=texts)
    return None if found is None else f"{variable}.{found}"


def describe() -> str:
    """The limits, for messages and docs."""
    return (f"{MAX_LOCATIONS} locations, {MAX_GRANTS} access grants, {MAX_TAGS} tags, {MAX_RANGES} network ranges, "
            f"{MAX_ATTRIBUTE_VALUES} attribute values and {MAX_TEXT} characters per text")
