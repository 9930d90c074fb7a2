"""CEL conditions: compiled once at load, evaluated against one activation per resource.

User-supplied expressions cannot run away: their size and nesting are bounded at compile
time, comprehension macros cannot nest beyond a small depth, and the inputs they range over
are bounded by the inventory itself (no loops without a list to iterate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cel

from auditor.errors import PolicyError

MAX_LENGTH = 4000
MAX_NESTING = 32
MAX_MACRO_NESTING = 2  # each level multiplies the work: two levels over n items is n², three would be n³
_MACROS = re.compile(r"\.(?:exists|all|exists_one|map|filter)\s*\(")


@dataclass(frozen=True, slots=True)
class Expression:
    source: str
    program: Any  # cel.Program

    def run(self, context: Any) -> Any:
        return self.program.execute(context)


def _nesting(text: str) -> int:
    depth = deepest = 0
    in_string: str | None = None
    for ch in text:
        if in_string:
            if ch == in_string:
                in_string = None
            continue
        if ch in "\"'":
            in_string = ch
        elif ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _macro_nesting(text: str) -> int:
    """How deeply comprehension macros nest (each level multiplies the work)."""
    opens = {m.end() - 1 for m in _MACROS.finditer(text)}
    stack: list[bool] = []
    deepest = 0
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i in opens)
            deepest = max(deepest, sum(stack))
        elif ch == ")" and stack:
            stack.pop()
    return deepest


def compile_expression(source: str, location: str, what: str) -> Expression:
    """Compile ``source``; a syntax error or an over-large expression is a ``PolicyError`` at ``location``."""
    if len(source) > MAX_LENGTH:
        raise PolicyError(f"{what}: expression longer than {MAX_LENGTH} characters", location=location)
    if _nesting(source) > MAX_NESTING:
        raise PolicyError(f"{what}: expression nested deeper than {MAX_NESTING} levels", location=location)
    if _macro_nesting(source) > MAX_MACRO_NESTING:
        raise PolicyError(
            f"{what}: comprehensions (exists/all/map/filter) nested deeper than {MAX_MACRO_NESTING}", location=location
        )
    try:
        program = cel.compile(source)
    except (ValueError, RuntimeError) as exc:
        detail = " ".join(str(exc).split("\n")[0].split())
        raise PolicyError(f"{what}: CEL does not compile: {detail}", location=location) from None
    unknown = [v for v in program.variables() if v not in ("resource", "profile", "gap") and not _bound(v, source)]
    if unknown:
        raise PolicyError(
            f"{what}: unknown variable {unknown[0]!r} (use resource, profile or gap)", location=location
        )
    return Expression(source, program)


def _bound(name: str, source: str) -> bool:
    """Names bound by comprehension macros (``l`` in ``exists(l, …)``) are not free variables."""
    return re.search(r"\.(?:exists|all|exists_one|map|filter)\s*\(\s*" + re.escape(name) + r"\s*,", source) is not None


def context(variables: dict[str, Any]) -> Any:
    return cel.Context(variables)
