"""Outputs are written whole or not at all, private by default, and never through a symlink."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor import fsio
from auditor.errors import InputError, OutputError
from auditor.fsio import OUTPUT_MODES, read_json, write_atomic, write_set

GROUP = OUTPUT_MODES["group"]
OLD = {"findings.json": '{"run": "old"}\n', "report.html": "<html>old</html>\n", "summary.md": "old\n"}
NEW = {"findings.json": '{"run": "new"}\n', "report.html": "<html>new</html>\n", "summary.md": "new\n"}
OWNED = ("findings.json", "report.html", "summary.md", "findings.csv", "inventory.json")


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_a_single_file_is_replaced_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "findings.json"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert _mode(target) == 0o600
    assert (_mode(tmp_path / "new"), _mode(tmp_path / "new" / "deeper")) == (0o700, 0o700)
    assert [p.name for p in target.parent.iterdir()] == ["findings.json"]  # no temporary left behind


def test_group_mode_is_0640_and_0750(tmp_path: Path) -> None:
    paths = write_set(tmp_path / "a" / "out", NEW, GROUP, OWNED)
    assert {_mode(p) for p in paths} == {0o640}
    assert (_mode(tmp_path / "a"), _mode(tmp_path / "a" / "out")) == (0o750, 0o750)


def test_an_existing_folder_keeps_its_own_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    write_set(out, OLD, owned=OWNED)
    write_set(out, NEW, owned=OWNED)
    assert _mode(out) == 0o755  # the user's folder, the user's choice
    assert {_mode(p) for p in out.iterdir()} == {0o600}


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    write_atomic(target, "complete old report")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the disk fails half-way through the new report
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, "new report that never lands")
    assert target.read_text() == "complete old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_a_disk_that_fills_mid_set_leaves_the_previous_set_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 failing_call: int) -> None:
    out = tmp_path / "out"
    write_set(out, OLD, owned=OWNED)
    real_write = os.write
    calls = {"n": 0}

    def fill(fd: int, data: bytes) -> int:  # the write layer: the n-th file of the new set hits a full disk
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fill)
    with pytest.raises(OutputError) as err:
        write_set(out, {**NEW, "findings.csv": "new,csv\n"}, owned=OWNED)
    assert "No space left on device" in err.value.one_line()
    assert _contents(out) == OLD  # the previous set, whole: not one new file among the old ones
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the staging folder is gone


def test_the_set_is_swapped_not_mixed_and_stale_files_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_set(out, {**OLD, "findings.csv": "old,csv\n"}, owned=OWNED)
    write_set(out, NEW, owned=OWNED)
    assert _contents(out) == NEW  # the old CSV belonged to the old set
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_without_renameat2_two_renames_still_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsio, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    write_set(out, OLD, owned=OWNED)
    write_set(out, NEW, owned=OWNED)
    assert _contents(out) == NEW
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_shared_folder_keeps_its_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    write_set(tmp_path, OLD, owned=OWNED)
    write_set(tmp_path, NEW, owned=OWNED)
    assert _contents(tmp_path) == {**NEW, "notes.txt": "mine"}


@pytest.mark.parametrize("shared", [False, True])
def test_a_symlink_in_the_folder_is_replaced_never_followed(tmp_path: Path, shared: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    if shared:
        (out / "notes.txt").write_text("mine")
    (out / "report.html").symlink_to(victim)
    write_set(out, NEW, owned=OWNED)
    assert victim.read_text() == "precious"
    assert not (out / "report.html").is_symlink()
    assert (out / "report.html").read_text() == NEW["report.html"]


def test_the_output_folder_is_checked_before_any_work(tmp_path: Path) -> None:
    a_file = tmp_path / "out"
    a_file.write_text("not a folder")
    with pytest.raises(OutputError, match="is a file"):
        fsio.check_out_folder(a_file)
    with pytest.raises(OutputError, match=r"not a folder|Not a directory"):
        fsio.check_out_folder(a_file / "below")
    fsio.check_out_folder(tmp_path / "new" / "out")
    assert _mode(tmp_path / "new") == 0o700 and not (tmp_path / "new" / "out").exists()
    assert [p.name for p in (tmp_path / "new").iterdir()] == []  # the probe leaves nothing


@pytest.mark.parametrize(
    ("content", "where", "what"),
    [
        (b'{"a": 1,\n "b": }', ":2", "invalid JSON"),
        (b'{"a": 1, "a": 2}', "", "duplicate key 'a'"),
        (b'{"a": "\xff"}', ":1", "not valid UTF-8"),
        (b'{"a": 1,\n "name": "x\\ud800y"}', ":2", "lone UTF-16 surrogate"),
        (b'{"a": 1,\n\n "name": "\\udfff"}', ":3", "lone UTF-16 surrogate"),
    ],
)
def test_bad_json_inputs_are_located(tmp_path: Path, content: bytes, where: str, what: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_json(path)
    assert err.value.one_line().startswith(f"{path}{where}")
    assert what in err.value.one_line()


def test_a_surrogate_pair_and_an_escaped_backslash_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(b'{"emoji": "\\ud83d\\ude00", "text": "\\\\ud800"}')
    assert read_json(path) == {"emoji": "\U0001f600", "text": "\\ud800"}


def test_staging_left_by_a_killed_writer_is_removed(tmp_path: Path) -> None:
    dead = 2**22 + 7  # above pid_max's default: no such process
    abandoned = tmp_path / f".out.new-{dead}-abc123"
    abandoned.mkdir()
    (abandoned / "findings.json").write_text("half")
    alive = tmp_path / f".out.new-{os.getpid()}-def456"  # a writer still running (this process)
    alive.mkdir()
    write_set(tmp_path / "out", NEW, owned=OWNED)
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "out"]


def test_the_set_swapped_out_includes_a_stale_signed_manifest() -> None:
    from auditor.pipeline import SIGNED_EVIDENCE
    from auditor.results.signature import MANIFEST, SIGNATURE

    assert set(SIGNED_EVIDENCE) == {MANIFEST, SIGNATURE}


def test_a_streamed_file_is_the_same_bytes_and_a_failure_mid_stream_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    big = ["{\n", *(f'  "k{i}": "é{i}",\n' for i in range(60_000)), '  "end": 1\n}\n']  # over one write chunk
    write_set(out, {**OLD, "findings.json": fsio.Streamed(lambda: iter(big))}, owned=OWNED)
    assert (out / "findings.json").read_text("utf-8") == "".join(big)
    write_atomic(tmp_path / "one.json", fsio.Streamed(lambda: "".join(big)))
    assert (tmp_path / "one.json").read_bytes() == (out / "findings.json").read_bytes()

    def broken() -> Iterator[str]:
        yield '{"run": "new",'
        raise OutputError("the encoder failed half-way")

    with pytest.raises(OutputError, match="half-way"):
        write_set(out, {**NEW, "findings.json": fsio.Streamed(broken)}, owned=OWNED)
    assert (out / "findings.json").read_text("utf-8") == "".join(big)  # the previous set, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
