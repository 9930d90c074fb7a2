"""Outputs are written whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.fsio import read_json, write_atomic


def test_write_replaces_whole_file_with_umask_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out" / "findings.json"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert [p.name for p in target.parent.iterdir()] == ["findings.json"]  # no temporary left behind


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    write_atomic(target, "complete old report")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the disk fails half-way through the new report
    with pytest.raises(OSError):
        write_atomic(target, "new report that never lands")
    assert target.read_text() == "complete old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize(
    ("content", "where", "what"),
    [
        (b'{"a": 1,\n "b": }', ":2", "invalid JSON"),
        (b'{"a": 1, "a": 2}', "", "duplicate key 'a'"),
        (b'{"a": "\xff"}', ":1", "not valid UTF-8"),
    ],
)
def test_bad_json_inputs_are_located(tmp_path: Path, content: bytes, where: str, what: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_json(path)
    assert err.value.one_line().startswith(f"{path}{where}")
    assert what in err.value.one_line()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
