"""``findings.json``: the FindingsDoc itself, schema'd and byte-stable (the input of every other format).

The text is the same as ``dump_json(codec.to_dict(doc))`` but long sequences (resources, findings)
are encoded one item at a time, so the plain-dict copy of a whole large estate is never held in
memory next to the text; :func:`encode` gives the text in pieces, which the output writer streams
into the file (``inventory.json`` is written the same way).
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


def encode(obj: Any) -> Iterator[str]:
    """The text of ``dump_json(codec.to_dict(obj))`` in pieces, each item of a long sequence converted to plain
    data only when the encoder reaches it: written piece by piece (:class:`auditor.fsio.Streamed`), a large
    document is never whole in memory, neither as text nor as plain data."""
    # the pure-Python encoder (the one ``indent`` uses) iterates lists with ``for``: _Lazy is honoured
    # json_inert keeps control, bidi and lone-surrogate characters escaped, as in every JSON the tool writes
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    for chunk in encoder.iterencode(_plain(obj)):
        yield json_inert(chunk)
    yield "\n"


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    return "".join(encode(doc))


RENDERER = Renderer("json", "findings.json", render)
