"""Hostile input through the real CLI entry: every bad file is exit 2 and one line naming it, never a traceback.

Six inputs a user hands the tool: auditor.yaml, a policy, a waivers file, an inventory
(``auditor evaluate``), a findings.json (``auditor report``) and a Terraform plan (``auditor plan``).
Hypothesis feeds each one garbage bytes, valid documents with parts replaced by values of the wrong
type, and a corpus of classic attacks (alias bombs, deep nesting, huge files, non-UTF-8, duplicate keys,
BOMs, NUL bytes, enormous numbers). In-process runs go through ``auditor.cli.main``; the nastiest
inputs also run as subprocesses under memory and time limits.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.demo.sample import sample_inventory
from auditor.fsio import shipped
from auditor.model.codec import to_dict
from tests.reliability.conftest import CliResult, run_cli

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "terraform" / "fixtures" / "aws_flows" / "plan.json"
POLICY = shipped("policies") / "residency" / "RES-002.yaml"
WAIVERS = ROOT / "examples" / "waivers.yaml"
OUTCOMES: dict[str, int] = {}  # "target: exit N" -> how many inputs ended that way


# ---- the six targets: (file name, how to run the CLI on it) -----------------------------------------

def _base(tmp: Path) -> Path:
    inventory = tmp / "good-inventory.json"
    if not inventory.exists():
        inventory.write_text(json.dumps(to_dict(sample_inventory())), "utf-8")
    return inventory


def _run_target(target: str, tmp: Path, data: bytes) -> CliResult:
    out = tmp / "out"
    if target == "config":
        path = tmp / "auditor.yaml"
        path.write_bytes(data)
        args = ["evaluate", str(_base(tmp)), "--config", str(path), "--out", str(out), "--quiet"]
    elif target == "waivers":
        path = tmp / "waivers.yaml"
        path.write_bytes(data)
        config = tmp / "with-waivers.yaml"
        config.write_text(f"waivers: {path.name}\n", "utf-8")
        args = ["evaluate", str(_base(tmp)), "--config", str(config), "--out", str(out), "--quiet"]
    elif target == "policy":
        folder = tmp / "policies"
        folder.mkdir(exist_ok=True)
        path = folder / "HOSTILE-001.yaml"
        path.write_bytes(data)
        args = ["policies", "validate", str(folder)]
    elif target == "inventory":
        path = tmp / "inventory.json"
        path.write_bytes(data)
        args = ["evaluate", str(path), "--out", str(out), "--quiet", "--format", "json"]
    elif target == "findings":
        path = tmp / "findings.json"
        path.write_bytes(data)
        args = ["report", str(path), "--format", "md,sarif,junit,csv", "--out", str(out)]
    else:
        path = tmp / "plan.json"
        path.write_bytes(data)
        args = ["plan", str(path), "--out", str(out), "--quiet", "--format", "json"]
    return run_cli(args)


def check(target: str, result: CliResult, *, must_fail: bool) -> None:
    OUTCOMES[f"{target}: exit {result.code}"] = OUTCOMES.get(f"{target}: exit {result.code}", 0) + 1
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.code in (0, 1, 2, 3), result
    if must_fail:
        assert result.code == 2, result
    if result.code == 2:
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(("error: ", "erreur\u202f: ")), result.err  # lang: fr


def good(target: str, tmp: Path) -> Any:
    """The valid document each target starts from, as data."""
    if target in ("config",):
        return yaml.safe_load((ROOT / "examples" / "auditor.yaml").read_text("utf-8"))
    if target == "waivers":
        return yaml.safe_load(WAIVERS.read_text("utf-8"))
    if target == "policy":
        return yaml.safe_load(POLICY.read_text("utf-8"))
    if target == "inventory":
        return to_dict(sample_inventory())
    if target == "findings":
        findings = tmp / "seed-out" / "findings.json"
        if not findings.exists():
            assert run_cli(["evaluate", str(_base(tmp)), "--out", str(tmp / "seed-out"), "--quiet",
                            "--format", "json"]).code in (0, 1, 3)
        return json.loads(findings.read_text("utf-8"))
    return json.loads(PLAN.read_text("utf-8"))


def encode(target: str, doc: Any) -> bytes:
    if target in ("config", "waivers", "policy"):
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


TARGETS = ("config", "waivers", "policy", "inventory", "findings", "plan")

# ---- hypothesis ---------------------------------------------------------------------------------------

scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in list(doc.items())[:40]:
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:5]):
            out += _paths(value, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = _replace(doc[path[0]], path[1:], value)
    return copy


FAST = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
@FAST
@given(data=st.data())
def test_wrong_types_anywhere(target: str, data: st.DataObject, tmp_path: Path) -> None:
    doc = good(target, tmp_path)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    bad = _replace(doc, path, data.draw(values, label="value"))
    check(target, _run_target(target, tmp_path, encode(target, bad)), must_fail=False)


@pytest.mark.parametrize("target", TARGETS)
@FAST
@given(garbage=st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_garbage_bytes(target: str, garbage: bytes, tmp_path: Path) -> None:
    result = _run_target(target, tmp_path, garbage)
    check(target, result, must_fail=target in ("inventory", "findings", "plan", "policy"))


# ---- the classic attacks ---------------------------------------------------------------------------------

def _alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _deep_json(n: int = 200_000) -> bytes:
    return b"[" * n + b"]" * n


def _deep_yaml(n: int = 5000) -> bytes:
    return b"a: " + b"[" * n + b"]" * n + b"\n"


def _huge_json(target: str) -> bytes:
    return b'{"schema_version": "1", "pad": "' + b"x" * (40 * 1024 * 1024) + b'"}'


CORPUS: dict[str, Callable[[str], bytes]] = {
    "alias bomb": lambda t: _alias_bomb(),
    "deep nesting": lambda t: _deep_yaml() if t in ("config", "waivers", "policy") else _deep_json(),
    "huge file": lambda t: (b"k: '" + b"x" * (9 * 1024 * 1024) + b"'\n") if t in ("config", "waivers", "policy")
    else _huge_json(t),
    "non-UTF-8": lambda t: b"id: \xff\xfe\xfa caf\xe9\n" if t in ("config", "waivers", "policy")
    else b'{"schema_version": "caf\xe9"}',
    "duplicate keys": lambda t: b"profile: hds\nprofile: gdpr\n" if t in ("config", "waivers", "policy")
    else b'{"schema_version": "1", "schema_version": "2"}',
    "NUL bytes": lambda t: b"profile: h\x00ds\n" if t in ("config", "waivers", "policy") else b'{"a": "\x00"}\x00',
    "enormous integer": lambda t: b"fail_on: " + b"9" * 6000 + b"\n" if t in ("config", "waivers", "policy")
    else b'{"schema_version": ' + b"9" * 6000 + b"}",
    "enormous float": lambda t: b"x: 1e999999\n" if t in ("config", "waivers", "policy")
    else b'{"schema_version": 1e999999, "x": NaN}',
    "BOM then nothing": lambda t: b"\xef\xbb\xbf",
    "empty": lambda t: b"",
    "wrong top-level type": lambda t: b"- just\n- a list\n" if t in ("config", "waivers", "policy") else b"[1, 2]",
    "YAML tags": lambda t: b"!!python/object/apply:os.system ['touch /tmp/pwned']\n"
    if t in ("config", "waivers", "policy") else b'{"$ref": "file:///etc/passwd"}',
}
MUST_FAIL = set(CORPUS) - {"BOM then nothing", "empty"}  # an empty auditor.yaml or waivers file is allowed


@pytest.mark.parametrize("attack", sorted(CORPUS))
@pytest.mark.parametrize("target", TARGETS)
def test_classic_attacks(target: str, attack: str, tmp_path: Path) -> None:
    data = CORPUS[attack](target)
    result = _run_target(target, tmp_path, data)
    must_fail = attack in MUST_FAIL or target in ("inventory", "findings", "plan", "policy")
    check(target, result, must_fail=must_fail)
    assert not Path("/tmp/pwned").exists()


def test_a_bom_before_a_valid_document_is_accepted(tmp_path: Path) -> None:
    inventory = tmp_path / "bom.json"
    inventory.write_bytes(b"\xef\xbb\xbf" + json.dumps(to_dict(sample_inventory())).encode())
    result = run_cli(["evaluate", str(inventory), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.code in (1, 3), result


# ---- the nastiest, as a user runs them: a subprocess under limits -----------------------------------------

LIMITS_MB = 1536
TIMEOUT_S = 60


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMITS_MB * 1024 * 1024, LIMITS_MB * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_S, TIMEOUT_S))


@pytest.mark.slow
@pytest.mark.parametrize(("target", "attack"), [
    ("config", "alias bomb"), ("policy", "deep nesting"), ("inventory", "deep nesting"),
    ("inventory", "huge file"), ("findings", "enormous integer"), ("plan", "huge file"), ("waivers", "NUL bytes"),
])
def test_nastiest_inputs_in_a_limited_subprocess(target: str, attack: str, tmp_path: Path) -> None:
    data = CORPUS[attack](target)
    names = {"config": "auditor.yaml", "waivers": "waivers.yaml", "policy": "policies/HOSTILE-001.yaml",
             "inventory": "inventory.json", "findings": "findings.json", "plan": "plan.json"}
    path = tmp_path / names[target]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    inventory = _base(tmp_path)
    args = {
        "config": ["evaluate", str(inventory), "--config", str(path)],
        "waivers": ["evaluate", str(inventory), "--config", str(_waiver_config(tmp_path, path))],
        "policy": ["policies", "validate", str(path.parent)],
        "inventory": ["evaluate", str(path)],
        "findings": ["report", str(path), "--format", "md"],
        "plan": ["plan", str(path)],
    }[target]
    if args[0] in ("evaluate", "plan"):
        args += ["--out", str(tmp_path / "out"), "--quiet"]
    proc = subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S, preexec_fn=_limited, cwd=tmp_path)
    result = CliResult(proc.returncode, proc.stdout, proc.stderr)
    check(target, result, must_fail=True)
    assert str(path.name) in result.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())  # nothing half-written


def _waiver_config(tmp: Path, waivers: Path) -> Path:
    config = tmp / "cfg.yaml"
    config.write_text(f"waivers: {waivers}\n", "utf-8")
    return config


def test_report_outcomes(tmp_path: Path) -> None:
    """Not a check: prints how the inputs above ended (run with -s)."""
    total = sum(OUTCOMES.values())
    print(f"hostile inputs: {total} through the CLI in-process: {dict(sorted(OUTCOMES.items()))}")
    shutil.rmtree(tmp_path, ignore_errors=True)
