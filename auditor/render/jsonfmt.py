"""``findings.json``: the FindingsDoc itself, schema'd and byte-stable (the input of every other format)."""

from __future__ import annotations

from auditor.fsio import dump_json
from auditor.model import codec
from auditor.model.findings import FindingsDoc
from auditor.render.base import Renderer, RenderOptions


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    return dump_json(codec.to_dict(doc))


RENDERER = Renderer("json", "findings.json", render)
