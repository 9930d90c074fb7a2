"""The scans' threads share two malloc arenas on glibc Linux, unless whoever starts the process chose."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "from auditor import memory; print(memory.share_arenas(), memory.share_arenas())"


def _run(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))).stdout.strip()


def _glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and str(os.confstr("CS_GNU_LIBC_VERSION")).startswith("glibc")
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_arenas_are_shared_once_and_an_explicit_setting_wins():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _run(env) == "True True"
    assert _run({**env, "MALLOC_ARENA_MAX": "8"}) == "False False"
