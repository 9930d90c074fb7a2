"""The compiled policy pack kept between runs: read back only when nothing it depends on changed, and
only from a private file; anything else loads the pack from its files as if there were no cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.engine import packcache
from auditor.engine.cel import context
from auditor.engine.pack import load_pack
from auditor.errors import PolicyError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "packs"


def _own_dir(tmp_path: Path) -> Path:
    """A user policy folder holding one copy of a shipped policy under another id."""
    src = ROOT / "policies" / "access" / "ACC-001.yaml"
    own = tmp_path / "own"
    own.mkdir()
    text = src.read_text(encoding="utf-8")
    first_id = next(line for line in text.splitlines() if line.startswith("id:"))
    (own / "x-001.yaml").write_text(text.replace(first_id, "id: XYZ-901", 1), encoding="utf-8")
    return own


def test_second_load_is_read_back_and_evaluates_the_same(cache: Path) -> None:
    first = load_pack()
    files = list(cache.glob("*.pickle"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o777) == 0o600
    assert (cache.stat().st_mode & 0o777) == 0o700
    again = load_pack()
    assert again is not first and again.digest == first.digest
    assert [p.id for p in again.policies] == [p.id for p in first.policies]
    policy = again.policies[0]
    assert policy.condition.program is None  # compiled again when first run
    for example in policy.examples:
        if example.resource is not None:
            ctx = {"resource": dict(example.resource), "profile": {"allowed_zones": ["EU"]}}
            try:
                want = first.policies[0].condition.run(context(ctx))
            except Exception as exc:  # the same error on both sides is the same behaviour
                with pytest.raises(type(exc)):
                    policy.condition.run(context(ctx))
            else:
                assert policy.condition.run(context(ctx)) == want


def test_a_changed_policy_is_loaded_again_never_served_stale(cache: Path, tmp_path: Path) -> None:
    own = _own_dir(tmp_path)
    path = own / "x-001.yaml"
    before = load_pack([own]).policy("XYZ-901").condition.source
    path.write_text(path.read_text(encoding="utf-8").replace(before, f"({before}) && true", 1), encoding="utf-8")
    assert load_pack([own]).policy("XYZ-901").condition.source == f"({before}) && true"
    path.write_text("id: XYZ-901\n", encoding="utf-8")
    with pytest.raises(PolicyError):
        load_pack([own])


def test_a_damaged_or_foreign_cache_file_is_ignored(cache: Path) -> None:
    good = load_pack()
    [kept] = cache.glob("*.pickle")
    kept.write_bytes(b"pack-cache-1 not a pickle")
    assert load_pack().digest == good.digest  # rebuilt
    [kept] = cache.glob("*.pickle")
    os.chmod(kept, 0o666)  # writable by others: never unpickled
    assert packcache.read(kept.stem) is None
    os.chmod(kept, 0o600)
    assert packcache.read(kept.stem) is not None


def test_cache_off_and_unwritable_folder_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE_DIR", "off")
    assert packcache.folder() is None
    digest = load_pack().digest
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(blocker))  # a file where the folder should be
    assert load_pack().digest == digest


def test_old_entries_are_pruned(cache: Path) -> None:
    for i in range(packcache.KEEP + 3):
        packcache.write(f"key{i}", {"pack": i})
    assert len(list(cache.glob("*.pickle"))) == packcache.KEEP
    assert packcache.read(f"key{packcache.KEEP + 2}") == {"pack": packcache.KEEP + 2}
