"""findings.json of a large estate is written item by item, and reads exactly as the whole document would."""

from __future__ import annotations

import dataclasses
import json

from auditor.fsio import dump_json
from auditor.model import codec
from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS


def test_large_findings_json_is_the_same_text_and_round_trips(doc: FindingsDoc, options: object) -> None:
    many = dataclasses.replace(
        doc,
        resources=tuple(dataclasses.replace(r, id=f"{r.id}-{i}") for i in range(40) for r in doc.resources),
        findings=tuple(dataclasses.replace(f, resource_id=f"{f.resource_id}-{i}")
                       for i in range(40) for f in doc.findings))
    text = RENDERERS["json"].render(many, options)  # type: ignore[arg-type]
    assert text == dump_json(codec.to_dict(many))
    again = codec.from_dict(FindingsDoc, json.loads(text))
    assert len(again.resources) == len(many.resources) and again.findings == many.findings
    empty = dataclasses.replace(doc, resources=(), findings=())
    assert RENDERERS["json"].render(empty, options) == dump_json(codec.to_dict(empty))  # type: ignore[arg-type]


def test_a_large_inventory_streams_as_the_same_text(doc: FindingsDoc) -> None:
    from auditor.model.inventory import Inventory
    from auditor.render import jsonfmt

    resources = tuple(dataclasses.replace(r, id=f"{r.id}-{i}", name=f"{r.name}\u202e{i}")  # a bidi control: escaped
                      for i in range(70) for r in doc.resources)
    inventory = Inventory(resources=resources, coverage_gaps=doc.coverage_gaps)
    pieces = list(jsonfmt.encode(inventory))
    assert len(pieces) > len(resources)  # item by item, never the whole text at once
    assert "".join(pieces) == dump_json(codec.to_dict(inventory))
