"""Outputs are whole or absent: every write goes through ``write_atomic``/``write_set``, and SIGKILL at any
moment of ``auditor evaluate`` leaves --out holding the previous complete set or the new one, never a mix."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.demo.sample import sample_inventory
from auditor.model.codec import to_dict
from auditor.model.inventory import Inventory

ROOT = Path(__file__).resolve().parents[2] / "auditor"
# Files that write something that is not a run's output, with the reason.
NOT_OUTPUTS = {
    "fsio.py": "the atomic writer itself",
    "model/schema.py": "regenerates the published JSON Schemas (a developer command)",
    "results/history.py": "the test hook's marker file (AUDITOR_TEST_PAUSE_BEFORE_COMMIT)",
}
WRITE_METHODS = {"write_text", "write_bytes", "touch", "mkstemp", "NamedTemporaryFile", "copyfile", "copy", "copy2",
                 "move", "rename", "dump"}


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "open":
            mode = node.args[1] if len(node.args) > 1 and not isinstance(func, ast.Attribute) else (
                node.args[0] if node.args and isinstance(func, ast.Attribute) else None)
            mode = next((k.value for k in node.keywords if k.arg == "mode"), mode)
            owner = func.value if isinstance(func, ast.Attribute) else None
            if isinstance(owner, ast.Name) and owner.id == "os":
                found.append((node.lineno, "os.open"))
            elif isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
                found.append((node.lineno, f"open(mode={mode.value!r})"))
            elif mode is not None and not isinstance(mode, ast.Constant):
                found.append((node.lineno, "open(mode=<computed>)"))
        elif name in WRITE_METHODS and not (name == "dump" and _is_json_dumps_to_string(node)):
            found.append((node.lineno, name))
    return found


def _is_json_dumps_to_string(node: ast.Call) -> bool:
    return len(node.args) < 2  # json.dump(obj, fh) / yaml.dump(obj, stream) write a stream; one argument does not


def test_every_output_is_written_through_write_atomic() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in NOT_OUTPUTS:
            continue
        offenders += [f"{rel}:{line}: {what}" for line, what in _writes(ast.parse(path.read_text("utf-8")))]
    assert offenders == [], "write outputs with auditor.fsio.write_atomic:\n" + "\n".join(offenders)


def test_the_check_catches_a_direct_write() -> None:
    tree = ast.parse("open(p, 'w').write(x)\nPath(p).write_text(x)\nwith p.open('ab') as f: pass\nopen(p).read()\n")
    assert sorted(w for _, w in _writes(tree)) == ["open(mode='ab')", "open(mode='w')", "write_text"]


# ---- SIGKILL at random moments ------------------------------------------------------------------------

def big_inventory(copies: int) -> Inventory:
    base = sample_inventory()
    resources = tuple(replace(r, id=f"{r.id}-{i}", name=f"{r.name}-{i}") for i in range(copies) for r in base.resources)
    return replace(base, resources=resources)


def complete(path: Path, reference: dict[str, int]) -> str | None:
    """Why ``path`` is not a whole output, or None."""
    text = path.read_bytes().decode("utf-8")
    try:
        if path.suffix in (".json", ".sarif"):
            json.loads(text)
        elif path.suffix == ".xml":
            ET.fromstring(text)
        elif path.suffix == ".csv":
            rows = list(csv.reader(io.StringIO(text, newline="")))
            if len(rows) != reference[path.name]:
                return f"{len(rows)} rows, expected {reference[path.name]}"
        elif path.suffix == ".html":
            if not text.rstrip().endswith("</html>"):
                return "no closing </html>"
        elif path.suffix == ".md" and len(text.splitlines()) != reference[path.name]:
            return f"{len(text.splitlines())} lines, expected {reference[path.name]}"
    except (ValueError, ET.ParseError) as exc:
        return str(exc)[:100]
    return None


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_truncated_file(tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps(to_dict(big_inventory(40))), "utf-8")  # 800 stores
    out = tmp_path / "out"
    command = [sys.executable, "-m", "auditor", "evaluate", str(inventory), "--out", str(out), "--quiet",
               "--format", "html,json,sarif,junit,csv,md"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    durations = []
    for _ in range(2):  # the second run is the reference: it has a previous run to compare with, like the others
        started = time.monotonic()
        assert subprocess.run(command, env=env, capture_output=True).returncode in (1, 3)
        durations.append(time.monotonic() - started)
    reference = {p.name: (len(list(csv.reader(io.StringIO(p.read_text("utf-8"), newline="")))) if p.suffix == ".csv"
                          else len(p.read_text("utf-8").splitlines())) for p in out.iterdir()}
    names = set(reference)
    full = max(durations)

    rng = random.Random(8)
    kills, leftovers, mixed = 0, 0, 0
    for i in range(8):
        started_ns = time.time_ns()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i % 2:  # a random moment of the run
            delay = rng.uniform(0.3 * full, 1.05 * full)
            time.sleep(delay)
        else:  # a random moment after the first output byte hits the disk
            delay = _first_write(proc, out, started_ns) + rng.uniform(0, 0.03)
            time.sleep(max(0.0, started_ns / 1e9 + delay - time.time()))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        visible = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        assert visible == names, visible ^ names  # nothing lost, nothing half-named
        broken = {p.name: why for p in out.iterdir() if p.name in names and (why := complete(p, reference))}
        assert broken == {}, f"after a kill at {delay:.2f}s: {broken}"
        renewed = [p for p in out.iterdir() if p.name in names and p.stat().st_mtime_ns >= started_ns]
        mixed += 0 < len(renewed) < len(names)  # old and new files side by side
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # staging happens beside --out
        temporaries = [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
        assert all(".new-" in p.name or ".old-" in p.name for p in temporaries)  # the next run removes them
        leftovers += len(temporaries)
        for p in temporaries:
            shutil.rmtree(p)
    assert mixed == 0, f"{mixed} kills left a mix of two runs' files"
    assert kills >= 5
    print(f"outputs: {kills} runs killed (SIGKILL) at random moments of a {full:.1f}s evaluate ({mixed} while "
          f"writing the set), 0 truncated outputs, 0 mixed sets; {leftovers} staging folders left by killed writers")


def _first_write(proc: subprocess.Popen[bytes], out: Path, started_ns: int) -> float:
    """Seconds from ``started_ns`` until a temporary or renewed file shows up in ``out`` (polled every ms)."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        for p in [*out.iterdir(), *(q for q in out.parent.iterdir() if q.name.startswith(".out.new-"))]:
            try:
                if p.name.startswith(".") or p.stat().st_mtime_ns >= started_ns:
                    return (time.time_ns() - started_ns) / 1e9
            except FileNotFoundError:  # renamed over its target meanwhile
                return (time.time_ns() - started_ns) / 1e9
        time.sleep(0.001)
    return (time.time_ns() - started_ns) / 1e9
