"""``findings.json``: the FindingsDoc itself, schema'd and byte-stable (the input of every other format).

The text is the same as ``dump_json(codec.to_dict(doc))`` but long sequences (resources, findings)
are encoded one item at a time, so the plain-dict copy of a whole large estate is never held in
memory next to the text (about 15% less peak memory for a 46 MB document).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from typing import Any

from auditor.model import codec
from auditor.model.findings import FindingsDoc
from auditor.render.base import Renderer, RenderOptions
from auditor.safetext import json_inert

_LAZY_FROM = 64  # shorter sequences are encoded at once


class _Lazy(list[Any]):
    """A sequence the JSON encoder walks item by item, each item turned into plain data when reached."""

    def __init__(self, items: Sequence[Any]) -> None:
        super().__init__()
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return (_plain(item) for item in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


def _plain(obj: Any) -> Any:
    """``codec.to_dict``, leaving long sequences of a dataclass to be converted while they are written."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        top = codec.to_dict(dataclasses.replace(obj, **{
            f.name: () for f in dataclasses.fields(obj) if _long(getattr(obj, f.name))}))
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if _long(value):
                top[f.name] = _Lazy(value)
        return top
    return codec.to_dict(obj)


def _long(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) >= _LAZY_FROM


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    # the pure-Python encoder (the one ``indent`` uses) iterates lists with ``for``: _Lazy is honoured
    # json_inert keeps control, bidi and lone-surrogate characters escaped, as in every JSON the tool writes
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    return "".join(json_inert(chunk) for chunk in encoder.iterencode(_plain(doc))) + "\n"


RENDERER = Renderer("json", "findings.json", render)
