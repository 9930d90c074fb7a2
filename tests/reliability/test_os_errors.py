"""A hostile or broken file system: one line and exit 2 (never a traceback, never exit 1 "findings"),
checked before the scan, the previous output set left whole, nothing written through a symlink,
and evidence private (0600 files, 0700 folders) unless the group mode is asked for.

The full disk and the read-only folder are real: small tmpfs mounts (root only; skipped elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo.sample import sample_inventory
from auditor.model.codec import to_dict
from tests.reliability.conftest import run_cli

FORMATS = "json,html,sarif,junit,csv,md"


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inv") / "inventory.json"
    path.write_text(json.dumps(to_dict(sample_inventory()), ensure_ascii=False), "utf-8")
    return path


def evaluate(inventory: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = run_cli(["evaluate", str(inventory), "--out", str(out), "--quiet", "--format", FORMATS, *extra])
    return result.code, result.err


def one_line_error(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith(("error: ", "erreur\u202f: ")), err  # --lang fr


@contextlib.contextmanager
def tmpfs(where: Path, size: str, *options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", "mode=0755", *options)),
                           "tmpfs", str(where)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---- --out is checked before anything is read or scanned -----------------------------------------------

def test_out_naming_a_file_is_one_line_before_the_scan(tmp_path: Path) -> None:
    a_file = tmp_path / "report"
    a_file.write_text("keep me")
    # the inventory does not exist: the --out check comes first, so the error names --out, not the inventory
    code, err = evaluate(tmp_path / "missing-inventory.json", a_file)
    assert code == 2
    one_line_error(err)
    assert str(a_file) in err and "is a file" in err
    assert a_file.read_text() == "keep me"


def test_out_below_a_file_is_one_line(tmp_path: Path, inventory: Path) -> None:
    (tmp_path / "file").write_text("x")
    code, err = evaluate(inventory, tmp_path / "file" / "out")
    assert code == 2
    one_line_error(err)


def test_a_read_only_out_is_one_line_before_the_scan(tmp_path: Path, inventory: Path) -> None:
    with tmpfs(tmp_path / "ro", "1m", "ro") as ro:
        code, err = evaluate(tmp_path / "missing-inventory.json", ro / "out")
        assert code == 2
        one_line_error(err)
        assert "Read-only file system" in err
        code, err = evaluate(inventory, ro)  # the mount point itself: the folder exists, nothing can be written
        assert code == 2
        one_line_error(err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission bits")
def test_a_folder_without_write_permission_is_one_line(tmp_path: Path, inventory: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0o500)
    try:
        code, err = evaluate(inventory, closed / "out")
    finally:
        closed.chmod(0o700)
    assert code == 2
    one_line_error(err)
    assert "Permission denied" in err


# ---- a disk that fills while the new set is written ---------------------------------------------------

def test_a_full_disk_leaves_the_previous_output_set_whole(tmp_path: Path, inventory: Path) -> None:
    probe = tmp_path / "probe"
    assert evaluate(inventory, probe)[0] in (1, 3)
    size = sum(p.stat().st_size for p in probe.iterdir())
    # room for one output set and a half: the first run fits, the second cannot stage a whole new set
    with tmpfs(tmp_path / "disk", f"{(size * 3 // 2) // 4096 * 4096 + 8192}") as disk:
        out = disk / "out"
        assert evaluate(inventory, out, "--lang", "en")[0] in (1, 3)
        before = snapshot(out)
        assert set(before) == {p.name for p in probe.iterdir()}
        code, err = evaluate(inventory, out, "--lang", "fr")  # a different report: every file changes
        assert code == 2
        one_line_error(err)
        assert "plus de place sur le disque" in err  # the system's reason, in the run's language (ENOSPC)
        assert snapshot(out) == before  # not one file of the new set among the old ones
        assert [p.name for p in disk.iterdir()] == ["out"]  # the staging folder was removed


def test_out_as_a_mount_point_is_written_in_place(tmp_path: Path, inventory: Path) -> None:
    """A container volume: the folder cannot be swapped, so the set is staged inside it, then renamed."""
    with tmpfs(tmp_path / "volume", "16m") as volume:
        assert evaluate(inventory, volume, "--lang", "en")[0] in (1, 3)
        assert evaluate(inventory, volume, "--lang", "fr")[0] in (1, 3)
        assert "Rapport" in (volume / "report.html").read_text("utf-8") or 'lang="fr"' in (
            volume / "report.html").read_text("utf-8")
        assert not [p.name for p in volume.iterdir() if p.name.startswith(".")]


# ---- undecodable input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("attack", [b'"name": "bucket-\\ud800"', b'"name": "bucket-\\udfff-\\ud83d"',
                                    b'"name": "bucket-\xed\xa0\x80"', b'"name": "bucket-\xff"'])
def test_undecodable_text_in_an_inventory_is_one_line(tmp_path: Path, inventory: Path, attack: bytes) -> None:
    raw = inventory.read_bytes()
    first = json.loads(raw)["resources"][0]["name"]
    hostile = tmp_path / "inventory.json"
    hostile.write_bytes(raw.replace(json.dumps(first).encode().join((b'"name": ', b"")), attack, 1))
    assert hostile.read_bytes() != raw
    code, err = evaluate(hostile, tmp_path / "out")
    assert code == 2
    one_line_error(err)
    assert f"{hostile}:" in err and ("surrogate" in err or "UTF-8" in err)
    assert not (tmp_path / "out").exists()


# ---- nothing written through a symlink, nothing readable by others -------------------------------------

def test_a_symlink_planted_in_out_is_not_followed(tmp_path: Path, inventory: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out"
    assert evaluate(inventory, out)[0] in (1, 3)
    for name in ("report.html", "findings.json"):
        (out / name).unlink()
        (out / name).symlink_to(victim)
    assert evaluate(inventory, out)[0] in (1, 3)
    assert victim.read_text() == "precious"
    assert not any(p.is_symlink() for p in out.iterdir())


def _modes(folder: Path) -> set[int]:
    return {p.stat().st_mode & 0o777 for p in folder.iterdir()}


def test_outputs_and_history_are_private_by_default(tmp_path: Path, inventory: Path) -> None:
    out = tmp_path / "new" / "out"
    db = tmp_path / "hist" / "audit.db"
    assert evaluate(inventory, out, "--history", str(db))[0] in (1, 3)
    assert _modes(out) == {0o600}
    assert (out.stat().st_mode & 0o777, (tmp_path / "new").stat().st_mode & 0o777) == (0o700, 0o700)
    assert (tmp_path / "hist").stat().st_mode & 0o777 == 0o700
    assert _modes(tmp_path / "hist") == {0o600}, sorted(p.name for p in (tmp_path / "hist").iterdir())


def test_group_readable_is_0640_and_0750_by_flag_or_config(tmp_path: Path, inventory: Path) -> None:
    out = tmp_path / "flag" / "out"
    assert evaluate(inventory, out, "--group-readable", "--history", str(tmp_path / "flag" / "h.db"))[0] in (1, 3)
    assert _modes(out) == {0o640} and out.stat().st_mode & 0o777 == 0o750
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "flag").glob("h.db*")} == {0o640}
    config = tmp_path / "auditor.yaml"
    config.write_text("output_mode: group\n")
    out = tmp_path / "cfg" / "out"
    assert evaluate(inventory, out, "--config", str(config))[0] in (1, 3)
    assert _modes(out) == {0o640} and out.stat().st_mode & 0o777 == 0o750
    config.write_text("output_mode: everyone\n")
    code, err = evaluate(inventory, tmp_path / "x", "--config", str(config))
    assert code == 2 and "output_mode" in err


def test_report_command_writes_private_files(tmp_path: Path, inventory: Path) -> None:
    out = tmp_path / "out"
    assert evaluate(inventory, out)[0] in (1, 3)
    target = tmp_path / f"again-{uuid.uuid4().hex[:6]}"
    result = run_cli(["report", str(out / "findings.json"), "--format", "md,csv", "--out", str(target)])
    assert result.code == 0, result.err
    assert _modes(target) == {0o600} and target.stat().st_mode & 0o777 == 0o700
