"""requirements.lock stays the lock of pyproject.toml: every declared dependency is pinned, within its range,
with hashes, and nothing in it points at a machine's own paths or indexes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", re.MULTILINE)


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text("utf-8")
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in ("demo", "postgres", "pdf", "test"):
        lines += project["optional-dependencies"][extra]
    own = canonicalize_name(project["name"])
    return [r for r in map(Requirement, lines) if canonicalize_name(r.name) != own]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    locked = _locked()
    missing = [str(r) for r in _declared() if canonicalize_name(r.name) not in locked]
    assert not missing, f"not in requirements.lock (regenerate it, see SECURITY.md): {missing}"
    outside = [f"{r} (locked {locked[canonicalize_name(r.name)]})" for r in _declared()
               if not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)]
    assert not outside, f"requirements.lock is stale: {outside}"


def test_the_lock_is_hashed_and_portable() -> None:
    text = (ROOT / "requirements.lock").read_text("utf-8")
    pins = PIN.findall(text)
    assert len(pins) > 50
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text)
    assert all("--hash=sha256:" in b for b in blocks if PIN.match(b)), "every pin carries its hashes"
    assert not re.search(r"file:|/opt/|/work/|/home/|--(extra-)?index-url|--find-links", text)
