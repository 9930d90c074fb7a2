"""Shapes: upper bounds on a CEL value (how many nodes, how long its strings, how many items),
used by the cost estimate (``celcost``) and by the input limits (``limits``) that make those
bounds true at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CHARS_PER_UNIT = 1024  # copying or comparing this many characters costs about as much as one value node


@dataclass(frozen=True, slots=True)
class Shape:
    nodes: int  # values in it, deep (a scalar is 1; a list is 1 + its items; a map counts keys and values)
    chars: int  # the longest string or bytes in it
    count: int = 0  # most items of a list, entries of a map (what a comprehension iterates)
    text: int = 0  # characters in all its strings together
    item: Shape | None = None  # list items, or map keys (what a comprehension over a map binds)
    fields: Mapping[str, Shape] | None = None  # a record's known keys
    value: Shape | None = None  # map values

    @property
    def copy(self) -> int:
        """Cost of copying the value (the evaluator copies values when it binds, reads or appends them)."""
        return self.nodes + self.text // CHARS_PER_UNIT

    def elem(self) -> Shape:
        return self.item if self.item is not None else opaque(self.nodes, self.chars, self.text)

    def val(self) -> Shape:
        return self.value if self.value is not None else opaque(self.nodes, self.chars, self.text)

    def field(self, name: str) -> Shape:
        if self.fields is not None and name in self.fields:
            return self.fields[name]
        return self.val()


SCALAR = Shape(1, 0)


def text(chars: int) -> Shape:
    return Shape(1, chars, text=chars)


def opaque(nodes: int, chars: int, total: int | None = None) -> Shape:
    """Anything of at most ``nodes`` values (``total`` characters): its parts are no bigger than itself."""
    return Shape(nodes, chars, count=nodes, text=nodes * chars if total is None else total)


def list_of(item: Shape, count: int) -> Shape:
    return Shape(1 + count * item.nodes, item.chars, count, count * item.text, item)


def map_of(key: Shape, value: Shape, count: int) -> Shape:
    return Shape(1 + count * (key.nodes + value.nodes), max(key.chars, value.chars), count,
                 count * (key.text + value.text), key, None, value)


def record(fields: Mapping[str, Shape]) -> Shape:
    values = list(fields.values())
    longest_key = max((len(k) for k in fields), default=0)
    value = values[0] if values else SCALAR
    for other in values[1:]:
        value = join(value, other)
    return Shape(1 + sum(1 + s.nodes for s in values), max([longest_key, *(s.chars for s in values)]),
                 len(fields), sum(len(k) + s.text for k, s in fields.items()), text(longest_key), dict(fields), value)


def join(a: Shape, b: Shape) -> Shape:
    """A bound on a value that is either ``a`` or ``b``."""
    if a == b:
        return a
    fields = None
    if a.fields is not None and b.fields is not None:
        fields = {k: join(a.fields[k], b.fields[k]) if k in a.fields and k in b.fields else
                  (a.fields.get(k) or b.fields[k]) for k in {**a.fields, **b.fields}}
    item = join(a.elem(), b.elem()) if a.item is not None or b.item is not None else None
    value = join(a.val(), b.val()) if a.value is not None or b.value is not None else None
    return Shape(max(a.nodes, b.nodes), max(a.chars, b.chars), max(a.count, b.count), max(a.text, b.text), item,
                 fields, value)


def fits(shape: Shape, value: Any, *, texts: bool) -> str | None:
    """Why ``value`` does not fit ``shape`` (``None`` when it does). With ``texts=False`` the string
    lengths are taken as already known to fit (the caller has a cheaper bound on them)."""
    if isinstance(value, str | bytes):
        if texts and len(value) > shape.chars:
            return f"a text of {len(value):,} characters (the limit is {shape.chars:,})"
        return None
    if isinstance(value, Mapping):
        if shape.fields is not None:  # a record: only its own keys
            for key, item in value.items():
                if key not in shape.fields:
                    return f"unexpected key {str(key)[:40]!r}"
                problem = fits(shape.fields[key], item, texts=texts)
                if problem:
                    return f"{key}: {problem}"
            return None
        if len(value) > shape.count:
            return f"{len(value):,} entries (the limit is {shape.count:,})"
        return _fits_all(shape, list(value.keys()), list(value.values()), texts)
    if isinstance(value, list | tuple):
        if len(value) > shape.count:
            return f"{len(value):,} items (the limit is {shape.count:,})"
        return _fits_all(shape, list(value), [], texts)
    return None


def _fits_all(shape: Shape, items: list[Any], values: list[Any], texts: bool) -> str | None:
    if shape.item is None and shape.value is None:  # opaque: count every value against its node bound
        total = _nodes(items) + _nodes(values) + 1
        if total > shape.nodes:
            return f"{total:,} values (the limit is {shape.nodes:,})"
        longest, total = _texts([*items, *values])
        if total > shape.text:
            return f"{total:,} characters of text (the limit is {shape.text:,})"
        return f"a text of {longest:,} characters (the limit is {shape.chars:,})" if longest > shape.chars else None
    for item in items:
        problem = fits(shape.elem(), item, texts=texts)
        if problem:
            return problem
    for item in values:
        problem = fits(shape.val(), item, texts=texts)
        if problem:
            return problem
    return None


def _nodes(values: list[Any]) -> int:
    total = 0
    stack = list(values)
    while stack:
        v = stack.pop()
        total += 1
        if isinstance(v, Mapping):
            total += len(v)
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return total


def _texts(values: list[Any]) -> tuple[int, int]:
    longest = total = 0
    stack = list(values)
    while stack:
        v = stack.pop()
        if isinstance(v, str | bytes):
            longest = max(longest, len(v))
            total += len(v)
        elif isinstance(v, Mapping):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
    return longest, total
