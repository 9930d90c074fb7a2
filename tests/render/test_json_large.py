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
