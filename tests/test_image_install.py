"""The container image installs only what the hashed locks name, and the locks match pyproject.

Docker is not needed: the Dockerfile runs the scripts in ``.ci/image/``, and the last test runs the
same scripts in fresh venvs (the pip cache or the package index provides the files; every one is
checked against the lock's sha256).
"""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import subprocess
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_EXTRAS = ("postgres",)  # what the image installs besides the core: psycopg for a postgresql:// history


def lock(name: str) -> dict[str, tuple[str, set[str]]]:
    """``package -> (version, hashes)`` of a pip-compile lock file."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if pinned:
            current = canonicalize_name(pinned.group(1))
            pins[current] = (pinned.group(2), set())
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            assert current is not None, line
            pins[current][1].add(digest)
    return pins


def runtime_requirements() -> list[Requirement]:
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for extra in RUNTIME_EXTRAS:
        reqs += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]]
    return reqs


def closure(roots: list[Requirement]) -> set[str]:
    """Every distribution ``roots`` need on this platform, from the installed packages' metadata."""
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in roots]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = name + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        for text in md.requires(name) or ():
            sub = Requirement(text)
            env_extras = ["", *sorted(extras)]
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in env_extras):
                todo.append((Requirement(str(sub).split(";")[0]), frozenset(sub.extras)))
    return {k.split("[")[0] for k in seen}


# ---- the Dockerfile -----------------------------------------------------------------------------

def test_base_image_is_pinned_by_digest() -> None:
    (image,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert re.fullmatch(r"python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}", image), image
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]


def test_dockerfile_installs_only_through_the_locked_scripts() -> None:
    assert "pip install" not in DOCKERFILE  # every install goes through .ci/image/, which the test below runs
    assert "sh .ci/image/build-wheel /src /dist" in DOCKERFILE
    assert "sh /tmp/dist/install /tmp/dist/requirements-runtime.lock /tmp/dist" in DOCKERFILE
    build = (ROOT / ".ci/image/build-wheel").read_text(encoding="utf-8")
    install = (ROOT / ".ci/image/install").read_text(encoding="utf-8")
    assert "--require-hashes --only-binary=:all: --no-deps -r \"$src/requirements-build.lock\"" in build
    assert "--no-isolation" in build
    assert "--require-hashes --only-binary=:all: -r \"$lock\"" in install
    assert "--no-deps --no-index \"$dist\"/sovereign_auditor-*.whl" in install
    pip_lines = [line for line in (build + install).splitlines() if "pip install" in line]
    assert len(pip_lines) == 3 and all("--require-hashes" in line or "--no-deps --no-index" in line
                                       for line in pip_lines)


def test_image_runs_as_a_non_root_user() -> None:
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert users == ["10001:10001"]
    assert DOCKERFILE.rindex("USER 10001:10001") > DOCKERFILE.rindex("RUN ")  # nothing runs as root after it


# ---- the locks ----------------------------------------------------------------------------------

def test_runtime_lock_pins_every_runtime_dependency_of_pyproject() -> None:
    pins = lock("requirements-runtime.lock")
    for req in runtime_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req} is not in requirements-runtime.lock (re-run pip-compile, see SECURITY.md)"
        assert req.specifier.contains(pins[name][0], prereleases=True), f"{name}=={pins[name][0]} violates {req}"


def test_runtime_lock_holds_exactly_the_runtime_closure() -> None:
    pins = lock("requirements-runtime.lock")
    needed = closure(runtime_requirements())
    assert set(pins) == needed, {"not needed": sorted(set(pins) - needed), "missing": sorted(needed - set(pins))}
    test_only = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["test"]}
    assert not (test_only - needed) & set(pins)  # pytest, moto, ruff, mypy… stay out of the image


def test_runtime_lock_is_the_tested_lock_restricted_to_runtime() -> None:
    runtime, full = lock("requirements-runtime.lock"), lock("requirements.lock")
    for name, (version, hashes) in runtime.items():
        assert hashes, f"{name} has no hash"
        assert name in full and full[name][0] == version, f"{name}: {version} ships, the suite tests {full.get(name)}"
        assert hashes == full[name][1], f"{name}: the hashes differ from requirements.lock"


def test_build_lock_pins_the_build_backend_of_pyproject() -> None:
    pins = lock("requirements-build.lock")
    assert all(hashes for _, hashes in pins.values())
    for text in PYPROJECT["build-system"]["requires"]:
        req = Requirement(text)
        assert req.specifier.contains(pins[canonicalize_name(req.name)][0]), req
    assert "build" in pins


# ---- the install step itself, in venvs -----------------------------------------------------------

def _venv(path: Path) -> dict[str, str]:
    venv.EnvBuilder(with_pip=True).create(path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    env["PATH"] = f"{path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_COMPILE"] = "1"  # the image compiles bytecode at install; the test has no use for it
    return env


@pytest.mark.slow
@pytest.mark.image
def test_the_image_install_steps_work_in_a_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(["sh", str(ROOT / ".ci/image/build-wheel"), str(ROOT), str(dist)],
                           env=_venv(tmp_path / "build"), cwd=tmp_path, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    env = _venv(tmp_path / "runtime")
    done = subprocess.run(["sh", str(ROOT / ".ci/image/install"), str(ROOT / "requirements-runtime.lock"), str(dist)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "No broken requirements found." in done.stdout
    installed = subprocess.run([str(tmp_path / "runtime/bin/python"), "-m", "pip", "list", "--format=freeze"],
                               env=env, capture_output=True, text=True, check=True).stdout
    names = {canonicalize_name(line.split("==")[0]) for line in installed.splitlines() if "==" in line}
    assert names - {"pip", "setuptools", "sovereign-auditor"} == set(lock("requirements-runtime.lock"))
    # the installed tool works without its test extras (no moto, no trustme)
    policy = subprocess.run([str(tmp_path / "runtime/bin/auditor"), "permissions", "aws"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert policy.returncode == 0 and "SovereignAuditorRead" in policy.stdout, policy.stderr
