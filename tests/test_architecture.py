"""The folders of auditor/ show the pipeline, and imports only point backwards along it.

    foundation (model, errors, config, yamlio, fsio, memory, progress, messages)
      -> 1 connectors -> 2 geo, classify, trust -> 3 engine -> 4 results -> 5 render
      -> pipeline, cli, demo (wiring; may import anything)
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "auditor"

STAGE = {
    "model": 0, "errors": 0, "safetext": 0, "dsn": 0, "config": 0, "yamlio": 0, "fsio": 0, "memory": 0, "progress": 0,
    "messages": 0,
    "connectors": 1,
    "geo": 2, "classify": 2, "trust": 2,
    "engine": 3,
    "results": 4,
    "render": 5,
    "pipeline": 9, "cli": 9, "commands": 9, "cli_checks": 9, "cli_options": 9, "console": 9,
    "demo": 9, "__main__": 9, "__init__": 0,
}
# Deliberate exceptions, each with its reason.
ALLOWED = {
    # Connectors normalise provider spellings ("West Europe" -> westeurope) and read Azure region pairs:
    # reference data of the geography catalog, not its verdicts.
    ("connectors", "geo"),
}


def _stage_of(module: str) -> tuple[str, int] | None:
    parts = module.split(".")
    if parts[0] != "auditor" or len(parts) < 2:
        return None
    top = parts[1]
    return top, STAGE.get(top, 9)


def test_imports_point_backwards() -> None:
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        here = _stage_of(".".join(rel.parts))
        assert here is not None
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                there = _stage_of(name)
                if there is None or there[0] == here[0]:
                    continue
                if there[1] > here[1] and (here[0], there[0]) not in ALLOWED:
                    bad.append(f"{rel} (stage {here[1]}) imports {name} (stage {there[1]})")
    assert not bad, "\n".join(bad)


def test_every_top_level_module_has_a_stage() -> None:
    tops = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()
            if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    missing = sorted(t for t in tops if t not in STAGE)
    assert not missing, f"give these a stage in tests/test_architecture.py: {missing}"


def test_no_module_is_a_god_module() -> None:
    big = [f"{p.relative_to(ROOT.parent)}: {n} lines" for p in ROOT.rglob("*.py")
           if (n := len(p.read_text("utf-8").splitlines())) > 450]
    assert not big, big


# A command (what an ``auditor`` subcommand does beyond calling one pipeline function: its text,
# table, JSON or exit code) lives in auditor/commands, the CLI's own layer, never in a stage.
COMMAND_LAYER = {"commands", "cli", "cli_checks", "cli_options", "console", "pipeline", "demo", "__main__"}


def test_commands_live_in_the_command_layer() -> None:
    stray = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0].removesuffix(".py") in COMMAND_LAYER:
            continue
        if path.stem in ("commands", "describe"):
            stray.append(f"{rel}: a command module outside auditor/commands")
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_command"):
                stray.append(f"{rel}: {node.name} belongs in auditor/commands")
    assert not stray, "\n".join(stray)


# ``auditor demo`` runs the demo estate on local emulators (moto for AWS, an HTTPS fake ARM for Azure, HTTPS
# Google Cloud fakes for Google Cloud and S3NS: auditor/demo/{moto_server,aws_fakes,fakearm,armjson*,fakegcp,
# gcp_demo}.py) with no cloud account, so that code ships
# in the package. Nothing else in the package may reach it: only the CLI's ``demo`` command imports
# auditor.demo.run, when it runs, and run.py loads the emulators only for a live demo.
DEMO_DOORS = {("commands", "auditor.demo.run")}  # the demo command: auditor/commands/audit.py
EMULATORS = ("moto_server", "aws_fakes", "fakearm", "armjson", "armjson_ai", "armjson_more", "aws_estate",
             "azure_estate", "fakegcp", "gcp_estate", "gcp_demo")


def test_the_demo_emulators_are_reached_only_through_the_demo_command() -> None:
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        top = rel.parts[0].removesuffix(".py")
        if top == "demo":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"auditor.{a.name}" for a in node.names if node.module == "auditor")]
            for name in names:
                if name.startswith("auditor.demo") and (top, name) not in DEMO_DOORS:
                    bad.append(f"{rel} imports {name}")
    assert not bad, "\n".join(bad)


def test_importing_the_tool_loads_no_emulator() -> None:
    """The CLI, the pipeline and the demo's entry point load no emulator code (nor moto or trustme)."""
    code = ("import sys, auditor.cli, auditor.pipeline, auditor.demo.run; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('moto', 'trustme') or "
            f"m.startswith('auditor.demo.') and m.rsplit('.', 1)[-1] in {EMULATORS!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent, env={**os.environ, "PYTHONPATH": str(ROOT.parent)})
    assert out.stdout.strip() == "[]"
