"""JSON Schemas of ``inventory.json`` and ``findings.json``, derived from the model.

The schemas are published in ``auditor/model/schema/`` (a test keeps the files equal to
what this module derives), and every input file is validated against them before it is
decoded, so a bad file gets its JSON path in a one-line error.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

from auditor.errors import InputError
from auditor.model.codec import _hints
from auditor.model.findings import FINDINGS_SCHEMA_VERSION, FindingsDoc
from auditor.model.inventory import INVENTORY_SCHEMA_VERSION, Inventory
from auditor.model.registers import REGISTERS_SCHEMA_VERSION, Registers

DOCUMENTS: dict[str, tuple[type, int]] = {
    "inventory": (Inventory, INVENTORY_SCHEMA_VERSION),
    "findings": (FindingsDoc, FINDINGS_SCHEMA_VERSION),
    "registers": (Registers, REGISTERS_SCHEMA_VERSION),
}


def derive(name: str) -> dict[str, Any]:
    cls, version = DOCUMENTS[name]
    defs: dict[str, Any] = {}
    root = _object_schema(cls, defs)
    root["properties"]["schema_version"] = {"const": version}
    root["required"] = sorted(set(root.get("required", [])) | {"schema_version"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sovereign-auditor.example/schema/{name}-v{version}.json",
        "title": f"sovereign-auditor {name}.json (schema_version {version})",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for f, (name, tp) in zip(dataclasses.fields(cls), _hints(cls), strict=True):
        props[name] = _type_schema(tp, defs)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(name)
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}
            defs[tp.__name__] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        return {"anyOf": [_type_schema(inner[0], defs), {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is not None and origin.__name__ in ("Mapping", "dict"):
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs)}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
    if tp in simple:
        return {"type": simple[tp]}
    return {}  # Any


@cache
def _compiled(name: str) -> Callable[[Any], Any]:
    """The schema compiled to Python (about 12x faster than interpreting it: inventories are big)."""
    # fastjsonschema rewrites the $refs of the dict it is given: compile a copy, keep the published one intact
    validator: Callable[[Any], Any] = fastjsonschema.compile(copy.deepcopy(published(name)))
    return validator


@cache
def published(name: str) -> dict[str, Any]:
    text = resources.files("auditor.model").joinpath("schema", f"{name}.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def validate(name: str, data: Any, source: str) -> None:
    """Raise ``InputError`` naming the file and the first offending JSON path."""
    if not isinstance(data, dict):
        raise InputError("input.top-not-object", location=source, got=type(data))
    expected = DOCUMENTS[name][1]
    if data.get("schema_version") != expected:
        raise InputError("input.schema-version", location=source, found=data.get("schema_version"), name=name,
                         expected=expected)
    try:
        _compiled(name)(data)
    except fastjsonschema.JsonSchemaException as error:
        message = str(getattr(error, "message", error))
        if message.startswith("data"):
            message = "$" + message[len("data"):]
        path, _, rest = message.partition(" ")
        rest = rest if len(rest) < 200 else rest[:200] + "…"
        raise InputError("input.schema", location=source, path=path, detail=rest) from None


def write_published() -> None:
    """Regenerate the published schema files (``python -m auditor.model.schema``)."""
    base = resources.files("auditor.model").joinpath("schema")
    for name in DOCUMENTS:
        path = base.joinpath(f"{name}.schema.json")
        with open(str(path), "w", encoding="utf-8") as fh:
            fh.write(json.dumps(derive(name), indent=2) + "\n")


if __name__ == "__main__":
    write_published()
