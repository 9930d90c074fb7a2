"""CEL conditions: compiled once at load, evaluated against one activation per resource.

User-supplied expressions cannot run away. Each is parsed (``celparse``) and its cost on the
largest inputs the engine accepts (``limits``) is bounded on the tree (``celcost``): nesting,
re-used names or odd spacing change nothing, and what can exceed ``limits.BUDGET`` per
evaluation is refused at load, naming the policy. The evaluator checks every activation
against the same limits before running an expression on it (``auditor.engine.evaluate``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from auditor.engine.projection import NOTHING, Reads
from auditor.errors import PolicyError

if TYPE_CHECKING:
    from auditor.engine.shape import Shape

MAX_LENGTH = 4000


@cache
def runtime() -> ModuleType:
    """The CEL evaluator: the ``cel`` distribution's compiled extension module (``cel.cel``).

    Loaded on its own: the package's ``__init__`` also imports its interactive command line
    (``prompt_toolkit``, ``pygments``, ``typer``: ~0.35 s and ~10 MB the engine never uses). If the
    extension cannot be found that way (another layout), the package is imported as usual.
    """
    loaded = sys.modules.get("cel.cel")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("cel")  # locates the package without running its __init__
    for folder in (package.submodule_search_locations or []) if package is not None else []:
        finder = importlib.machinery.FileFinder(folder, (importlib.machinery.ExtensionFileLoader,
                                                         importlib.machinery.EXTENSION_SUFFIXES))
        spec = finder.find_spec("cel.cel")
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules["cel.cel"] = module
            return module
    import cel  # pragma: no cover - a layout without the separate extension module

    return cel  # pragma: no cover


@cache
def _program(source: str) -> Any:
    return runtime().compile(source)


@dataclass(frozen=True, slots=True)
class Expression:
    """A checked CEL expression. Its program is compiled when first run (a pack read back from the
    cache holds the checked sources and costs only: compiled programs cannot be pickled)."""

    source: str
    program: Any  # cel.Program, or None until first run
    cost: int = 0  # upper bound on one evaluation, in cost units (see ``celcost``)
    reads: Reads = NOTHING  # what it reads of ``resource``, from its tree (``projection``)

    def run(self, context: Any) -> Any:
        return (self.program or _program(self.source)).execute(context)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Expression, (self.source, None, self.cost, self.reads))


def compile_expression(source: str, location: str, what: str, *, budget: int | None = None,
                       variables: Mapping[str, Shape] | None = None) -> Expression:
    """Compile ``source``; a syntax error or an expression that may cost more than ``budget``
    (default ``limits.BUDGET``) on the largest inputs is a ``PolicyError`` at ``location``."""
    from auditor.engine import limits, projection, vocabulary  # the checks: not loaded when the pack is cached
    from auditor.engine.celcost import CostError, estimate
    from auditor.engine.celparse import CelSyntaxError, parse

    if len(source) > MAX_LENGTH:
        raise PolicyError("policy.cel-too-long", location=location, what=what, limit=MAX_LENGTH)
    try:
        program = _program(source)
    except (ValueError, RuntimeError) as exc:
        detail = " ".join(str(exc).split("\n")[0].split())
        raise PolicyError("policy.cel-compile", location=location, what=what, detail=detail) from None
    try:
        tree = parse(source)
        cost, _ = estimate(tree, limits.VARIABLES if variables is None else variables)
    except CelSyntaxError as exc:
        raise PolicyError("policy.cel-unsupported", location=location, what=what, detail=str(exc)) from None
    except CostError as exc:
        raise PolicyError("policy.cel-cost-unknown", location=location, what=what, detail=str(exc)) from None
    budget = limits.BUDGET if budget is None else budget
    if cost > budget:
        raise PolicyError("policy.cel-budget", location=location, what=what, cost=cost, limits=limits.describe(),
                          budget=budget)
    vocabulary.check(source, location, what)
    return Expression(source, program, cost, projection.reads(tree))


def context(variables: dict[str, Any]) -> Any:
    return runtime().Context(variables)
