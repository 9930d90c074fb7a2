"""The one reader of the tool's own files: ``inventory.json`` and ``findings.json``.

Every command that reads them (``evaluate``, ``report``, ``merge``, ``diff``, the history's
"since last run") goes through here: the file is read (size limit, encoding, duplicate keys:
:func:`auditor.fsio.read_json`), brought up from an older version (:mod:`auditor.model.legacy`),
checked against the published JSON Schema (file and JSON path in the error), then decoded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.fsio import read_json
from auditor.model import codec, legacy, schema
from auditor.model.findings import FindingsDoc
from auditor.model.inventory import Inventory


def _checked(name: str, path: Path, *, skip_resources: bool = False) -> tuple[dict[str, Any], Any]:
    data = read_json(path)
    if isinstance(data, dict):
        data = legacy.upgrade(data)
        resources = data.get("resources")
        if skip_resources and isinstance(resources, list):
            data = {**data, "resources": []}
            schema.validate(name, data, str(path))
            return data, resources
    schema.validate(name, data, str(path))
    return data, None


def read_inventory(path: Path) -> Inventory:
    data, _ = _checked("inventory", path)
    return codec.from_dict(Inventory, data, "$")


def read_findings(path: Path) -> FindingsDoc:
    """A whole ``findings.json``, validated (``InputError`` with the file and the JSON path when it is wrong)."""
    data, _ = _checked("findings", path)
    return codec.from_dict(FindingsDoc, data, "$")


def read_findings_for_comparison(path: Path) -> tuple[FindingsDoc, frozenset[str] | None]:
    """A ``findings.json`` without its resources (decoding every resource of two large runs takes seconds),
    and the ids of the resources it audited (``None`` when it lists none)."""
    data, resources = _checked("findings", path, skip_resources=True)
    doc = codec.from_dict(FindingsDoc, data, "$")
    ids = (frozenset(str(r.get("id")) for r in resources if isinstance(r, dict))
           if isinstance(resources, list) else None)
    return doc, ids
