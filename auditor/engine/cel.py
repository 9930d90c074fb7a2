"""CEL conditions: compiled once at load, evaluated against one activation per resource.

User-supplied expressions cannot run away. Each is parsed (``celparse``) and its cost on the
largest inputs the engine accepts (``limits``) is bounded on the tree (``celcost``): nesting,
re-used names or odd spacing change nothing, and what can exceed ``limits.BUDGET`` per
evaluation is refused at load, naming the policy. The evaluator checks every activation
against the same limits before running an expression on it (``auditor.engine.evaluate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cel

from auditor.engine import limits, projection, vocabulary
from auditor.engine.celcost import CostError, estimate
from auditor.engine.celparse import CelSyntaxError, parse
from auditor.engine.projection import NOTHING, Reads
from auditor.engine.shape import Shape
from auditor.errors import PolicyError

MAX_LENGTH = 4000


@dataclass(frozen=True, slots=True)
class Expression:
    source: str
    program: Any  # cel.Program
    cost: int = 0  # upper bound on one evaluation, in cost units (see ``celcost``)
    reads: Reads = NOTHING  # what it reads of ``resource``, from its tree (``projection``)

    def run(self, context: Any) -> Any:
        return self.program.execute(context)


def compile_expression(source: str, location: str, what: str, *, budget: int | None = None,
                       variables: Mapping[str, Shape] | None = None) -> Expression:
    """Compile ``source``; a syntax error or an expression that may cost more than ``budget``
    (default ``limits.BUDGET``) on the largest inputs is a ``PolicyError`` at ``location``."""
    if len(source) > MAX_LENGTH:
        raise PolicyError(f"{what}: expression longer than {MAX_LENGTH} characters", location=location)
    try:
        program = cel.compile(source)
    except (ValueError, RuntimeError) as exc:
        detail = " ".join(str(exc).split("\n")[0].split())
        raise PolicyError(f"{what}: CEL does not compile: {detail}", location=location) from None
    try:
        tree = parse(source)
        cost, _ = estimate(tree, limits.VARIABLES if variables is None else variables)
    except CelSyntaxError as exc:
        raise PolicyError(f"{what}: CEL not supported by the engine: {exc}", location=location) from None
    except CostError as exc:
        raise PolicyError(f"{what}: {exc} (use resource, profile or gap, and CEL's own functions)",
                          location=location) from None
    budget = limits.BUDGET if budget is None else budget
    if cost > budget:
        raise PolicyError(
            f"{what}: may cost up to {cost:,} units per evaluation on the largest inputs the engine accepts "
            f"({limits.describe()}), more than the budget of {budget:,}: loop over fewer or smaller lists, "
            f"or do not nest comprehensions", location=location)
    vocabulary.check(source, location, what)
    return Expression(source, program, cost, projection.reads(tree))


def context(variables: dict[str, Any]) -> Any:
    return cel.Context(variables)
