"""What a CEL expression can cost, at most, on the largest inputs the engine accepts.

The estimate walks the parsed tree (``celparse``), carrying a bound on every value (a
``Shape``: nodes, string lengths, items). A comprehension costs its range's largest item
count times its body, so nesting multiplies: ``L.exists(a, L.exists(b, …))`` is n², and the
``map``/``filter`` accumulators, which the evaluator copies at every step, are n² on their own.

The unit is one value node copied or compared (the evaluator copies what a field selection or
an index returns, and each item a comprehension binds); ``benchmarks/cel_cost.py`` prints how
long a unit takes. The estimate is an upper bound, not a prediction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from auditor.engine.celparse import Call, Comprehension, Ident, Index, ListExpr, Literal, MapExpr, Node, Select
from auditor.engine.shape import CHARS_PER_UNIT, SCALAR, Shape, join, list_of, map_of, text

REGEX_MAX = 200_000  # a pattern whose compiled size may exceed this is refused
_STRING_PREDICATES = frozenset({"contains", "startsWith", "endsWith"})
_CONVERSIONS = frozenset({"int", "uint", "double", "duration", "timestamp"})
_TIME_PARTS = frozenset({"getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear",
                         "getHours", "getMinutes", "getSeconds", "getMilliseconds"})
_COMPARE = frozenset({"_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"})
_ARITHMETIC = frozenset({"_-_", "_*_", "_/_", "_%_"})
_REGEX_CLASS = re.compile(r"\\[wWdDsSpPbBX]|\.|\[|\(\?[a-zA-Z]*i")
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


class CostError(ValueError):
    """The expression uses something the estimate cannot bound (an unknown name or function)."""


def estimate(node: Node, variables: Mapping[str, Shape]) -> tuple[int, Shape]:
    """(cost, shape of the result) of ``node`` with ``variables`` bound; the result's conversion
    back to Python is included."""
    cost, shape = _cost(node, dict(variables))
    return cost + shape.copy, shape


def _chars(shape: Shape) -> int:
    return shape.text // CHARS_PER_UNIT


def _cost(node: Node, env: dict[str, Shape]) -> tuple[int, Shape]:
    if isinstance(node, Literal):
        if node.kind in ("string", "bytes"):
            return 1, text(len(node.text))
        return 1, SCALAR
    if isinstance(node, Ident):
        shape = env.get(node.name)
        if shape is None:
            raise CostError(f"unknown variable {node.name!r}")
        return 1, shape  # reading a variable shares its value; selecting from it copies
    if isinstance(node, Select):
        cost, shape = _cost(node.operand, env)
        if node.test:
            return cost + 1, SCALAR
        field = shape.field(node.field)
        return cost + 1 + field.copy, field
    if isinstance(node, Index):
        cost, shape = _cost(node.operand, env)
        index_cost, _ = _cost(node.index, env)
        item = join(shape.elem(), shape.val())
        return cost + index_cost + 1 + item.copy, item
    if isinstance(node, ListExpr):
        parts = [_cost(item, env) for item in node.items]
        item = _join_all([s for _, s in parts])
        return 1 + sum(c + s.copy for c, s in parts), list_of(item, len(parts))
    if isinstance(node, MapExpr):
        keys = [_cost(k, env) for k, _ in node.entries]
        values = [_cost(v, env) for _, v in node.entries]
        cost = 1 + sum(c + s.copy for c, s in (*keys, *values))
        return cost, map_of(_join_all([s for _, s in keys]), _join_all([s for _, s in values]), len(node.entries))
    if isinstance(node, Comprehension):
        return _comprehension(node, env)
    return _call(node, env)


def _join_all(shapes: list[Shape]) -> Shape:
    if not shapes:
        return SCALAR
    out = shapes[0]
    for s in shapes[1:]:
        out = join(out, s)
    return out


def _comprehension(node: Comprehension, env: dict[str, Shape]) -> tuple[int, Shape]:
    range_cost, range_shape = _cost(node.range, env)
    n = range_shape.count
    item = range_shape.elem()
    inner = {**env, node.var: item}
    body_cost, body = _cost(node.body, inner)
    predicate_cost = _cost(node.predicate, inner)[0] if node.predicate is not None else 0
    step = 4 + item.copy + body_cost + predicate_cost  # loop test, bind, body, accumulate
    cost = range_cost + 1 + n * step
    if node.macro == "map":  # @result + [f]: the accumulator is copied at every step
        return cost + n * (n + 1) // 2 * body.copy, list_of(body, n)
    if node.macro == "filter":
        return cost + n * (n + 1) // 2 * item.copy, list_of(item, n)
    return cost, SCALAR


def _call(node: Call, env: dict[str, Shape]) -> tuple[int, Shape]:
    name = node.function
    operands = ([node.target] if node.target is not None else []) + list(node.args)
    parts = [_cost(arg, env) for arg in operands]
    cost = 1 + sum(c for c, _ in parts)
    shapes = [s for _, s in parts]
    if name in ("_&&_", "_||_", "!_", "-_") or name in _ARITHMETIC:
        return cost, SCALAR
    if name == "_?_:_":
        return cost, join(shapes[1], shapes[2])
    if name in _COMPARE:
        return cost + min(shapes[0].copy, shapes[1].copy), SCALAR
    if name == "@in":
        return cost + shapes[1].copy + shapes[1].count, SCALAR
    if name == "_+_":
        a, b = shapes
        item = join(a.elem(), b.elem()) if a.item is not None or b.item is not None else None
        total = Shape(a.nodes + b.nodes, a.chars + b.chars, a.count + b.count, a.text + b.text, item)
        return cost + a.copy + b.copy, total
    if name == "size" and len(shapes) == 1:
        return cost + _chars(shapes[0]), SCALAR
    if name in _STRING_PREDICATES and node.target is not None and len(shapes) == 2:
        return cost + _chars(shapes[0]) + _chars(shapes[1]), SCALAR
    if name == "matches" and node.target is not None and len(shapes) == 2:
        size = _regex_size(node.args[0])
        return cost + size + shapes[0].chars * (1 + size // 64) // CHARS_PER_UNIT, SCALAR
    if name in _CONVERSIONS and node.target is None and len(shapes) == 1:
        return cost + _chars(shapes[0]), SCALAR
    if name in ("string", "bytes", "dyn") and node.target is None and len(shapes) == 1:
        arg = shapes[0]
        result = arg if name == "dyn" else text(max(arg.chars, 64))
        return cost + arg.copy, result
    if name == "type" and node.target is None and len(shapes) == 1:
        return cost, text(16)
    if name in _TIME_PARTS and node.target is not None and len(shapes) <= 2:
        return cost + sum(_chars(s) for s in shapes), SCALAR
    raise CostError(f"unknown function {name}()")


def _regex_size(pattern: Node) -> int:
    """A bound on what compiling ``pattern`` costs: only a literal pattern can be bounded."""
    if not isinstance(pattern, Literal) or pattern.kind != "string":
        raise CostError("matches() needs a literal pattern (a pattern computed from the input cannot be bounded)")
    source = pattern.text
    classes = len(_REGEX_CLASS.findall(source))
    size = 32 * len(source) + 2000 * classes
    for m in _REPEAT.finditer(source):
        size *= max(int(m.group(1)), int(m.group(2) or 0)) + 1
        if size > REGEX_MAX:
            break
    if size > REGEX_MAX:
        raise CostError(f"the pattern {source[:40]} may compile to a program too large to bound")
    return size
