"""Follow configuration expressions: references to resources, module outputs and variables.

Plan JSON keeps the configuration as *expressions*: a leaf is either ``{"constant_value": v}``
or ``{"references": ["aws_s3_bucket.x.arn", "aws_s3_bucket.x"]}``. This module answers two
questions from them, without evaluating HCL:

- which resource blocks does an expression point at (through ``module.m.output`` and
  ``var.v`` across module boundaries) -> :func:`resource_refs`;
- what value does an expression have when it is a constant or a bare ``var.x`` (possibly
  indexed) -> :func:`static_value`. Anything else (locals, data sources, functions,
  interpolation of several references) is :data:`UNRESOLVED`, never a guess.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from auditor.connectors.terraform.document import Plan
from auditor.connectors.terraform.values import dig, join, parent_module, ref_head

MAX_DEPTH: Final = 16


class _Unresolved:
    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED: Final = _Unresolved()

_STEP = re.compile(r'(\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+|"(?:[^"\\]|\\.)*")\])')

_NOT_RESOURCES = frozenset({"var", "local", "data", "each", "count", "path", "terraform", "self", "module"})


def expression_at(expressions: Any, *path: str | int) -> Any:
    """The expression object at ``path`` (block lists are walked like in ``after``)."""
    node = dig(expressions, *path)
    if node is None and path and isinstance(path[-1], str):
        # nested blocks written once are sometimes a single object rather than a list
        node = dig(expressions, *[p for p in path if not isinstance(p, int)])
    return node


def references(expression: Any) -> list[str]:
    refs = dig(expression, "references")
    return [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []


def resource_refs(plan: Plan, module: str, refs: list[str], depth: int = 0) -> list[tuple[str, str | None]]:
    """``(absolute configuration address, explicit instance key or None)`` of every resource reached."""
    out: list[tuple[str, str | None]] = []
    if depth > MAX_DEPTH:
        return out
    for ref in refs:
        head = ref_head(ref)
        if head is None:
            continue
        first, second, key = head
        if first == "var":
            info = plan.modules.get(module)
            if info is not None and module:
                out += resource_refs(
                    plan, parent_module(module), references(info.call_expressions.get(second)), depth + 1
                )
        elif first == "module":
            out += _output_refs(plan, join(module, f"module.{second}"), ref, depth)
        elif first not in _NOT_RESOURCES:
            address = join(module, f"{first}.{second}")
            if address in plan.resources:
                out.append((address, key))
    seen: set[tuple[str, str | None]] = set()
    return [r for r in out if not (r in seen or seen.add(r))]  # type: ignore[func-returns-value]


def _output_refs(plan: Plan, child: str, ref: str, depth: int) -> list[tuple[str, str | None]]:
    parts = ref.split(".")
    if len(parts) < 3 or child not in plan.modules:
        return []
    output = plan.modules[child].outputs.get(parts[2].split("[")[0])
    return resource_refs(plan, child, references(dig(output, "expression")), depth + 1)


def static_value(plan: Plan, module: str, expression: Any, depth: int = 0) -> tuple[Any, str]:
    """The value of a constant or ``var.x[...]`` expression and the plan path it came from."""
    if not isinstance(expression, dict) or depth > MAX_DEPTH:
        return UNRESOLVED, ""
    if "constant_value" in expression:
        return expression["constant_value"], "constant_value"
    refs = references(expression)
    heads = {ref_head(r) for r in refs}
    names = {h[1] for h in heads if h is not None and h[0] == "var"}
    if not refs or len(names) != 1 or any(h is None or h[0] != "var" for h in heads):
        return UNRESOLVED, ""
    name = names.pop()
    indexes = {r[len(f"var.{name}") :] for r in refs} - {""}
    if len(indexes) > 1:
        return UNRESOLVED, ""
    value, where = _variable(plan, module, name, depth)
    if value is UNRESOLVED or not indexes:
        return value, where
    return _index(value, indexes.pop()), where


def _variable(plan: Plan, module: str, name: str, depth: int) -> tuple[Any, str]:
    if not module:
        if name in plan.variables:
            return plan.variables[name], f"variables.{name}.value"
        return UNRESOLVED, ""
    info = plan.modules.get(module)
    if info is None:
        return UNRESOLVED, ""
    if name in info.call_expressions:
        value, where = static_value(plan, parent_module(module), info.call_expressions[name], depth + 1)
        call = info.evidence.removesuffix(".module")
        return value, f"{call}.expressions.{name}" if where == "constant_value" else where
    declared = info.variables.get(name)
    if isinstance(declared, dict) and "default" in declared:
        return declared["default"], f"{info.evidence}.variables.{name}.default"
    return UNRESOLVED, ""


def _index(value: Any, suffix: str) -> Any:
    """Apply a ``[0]`` / ``["k"]`` / ``.attr`` suffix to a variable's value; anything else is unresolved."""
    steps = _STEP.findall(suffix)
    if "".join(whole for whole, _, _ in steps) != suffix:
        return UNRESOLVED
    for _, attr, bracket in steps:
        key: Any = attr
        if bracket:
            try:
                key = json.loads(bracket)
            except ValueError:
                return UNRESOLVED
        if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
            continue
        if not (isinstance(value, dict) and isinstance(key, str) and key in value):
            return UNRESOLVED
        value = value[key]
    return value
