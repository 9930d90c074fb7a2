"""CEL from user policies cannot run away: what the load-time bounds refuse, and what they let through."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from auditor.engine.cel import MAX_LENGTH, MAX_MACRO_NESTING, compile_expression
from auditor.errors import PolicyError

NESTED = ('resource.locations.exists(a, resource.locations.exists(b, '
          'a.region + b.region == "nowhere"))')  # two levels: the most the engine accepts (n² at worst)


def test_the_bounds_refuse_oversized_and_overnested_expressions() -> None:
    with pytest.raises(PolicyError, match="longer than"):
        compile_expression("true || " * (MAX_LENGTH // 8 + 1) + "true", "p.yaml:3", "condition")
    deeper = "resource.locations.exists(a, " * (MAX_MACRO_NESTING + 1) + "true" + ")" * (MAX_MACRO_NESTING + 1)
    with pytest.raises(PolicyError, match="nested deeper"):
        compile_expression(deeper, "p.yaml:3", "condition")
    with pytest.raises(PolicyError, match="nested deeper"):
        compile_expression("(" * 40 + "true" + ")" * 40, "p.yaml:3", "condition")
    compile_expression(NESTED, "p.yaml:3", "condition")  # accepted


RUN = f"""
from auditor.engine.cel import compile_expression, context
e = compile_expression({NESTED!r}, "p.yaml:3", "condition")
locations = [{{"region": f"edge-{{i}}"}} for i in range(300)]  # a CDN's edge locations
print(e.run(context({{"resource": {{"locations": locations}}, "profile": {{}}}})))
"""


def _cpu(seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def test_an_accepted_expression_on_a_large_list_finishes_quickly() -> None:
    proc = subprocess.run([sys.executable, "-c", RUN], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: _cpu(3))
    assert proc.returncode == 0 and proc.stdout.strip() == "False", (proc.returncode, proc.stderr[-300:])
