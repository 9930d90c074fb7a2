"""The compiled policy pack, kept between runs in the user's cache folder.

Loading the pack parses ~35 YAML files with line numbers, checks each against its schema and
bounds the cost of every CEL expression: about a second, paid before a scan sends its first
request. The result depends only on the pack's files (paths and contents) and on the code that
reads them, so it is kept, pickled, under a key hashing both: ``<cache>/packs/<key>.pickle``.
A changed policy, a moved folder or another version of the tool is another key; the file is
rebuilt, never trusted stale. CEL programs are not kept (they are compiled again when first run).

Where: ``$AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/sovereign-auditor``, else
``~/.cache/sovereign-auditor``; ``AUDITOR_CACHE_DIR=off`` turns the cache off. The folder is
created private (0700) and each file written atomically (0600). Unpickling runs code, so a file is
read only if it and its folder belong to the current user and nobody else can write them; anything
unexpected (missing, unreadable, truncated, refused) means the pack is loaded from its files as if
there were no cache. At most ``KEEP`` packs are kept (the most recently written).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import auditor
from auditor.errors import AuditorError
from auditor.fsio import write_atomic

KEEP = 8
_FORMAT = b"pack-cache-1"
# The code a loaded pack depends on: the engine's parsers and checks, the YAML reader, the model.
_CODE = ("engine", "model", "yamlio.py", "errors.py", "fsio.py", "geo/zones.py")


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    chosen = os.environ.get("AUDITOR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen) / "packs"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sovereign-auditor" / "packs"


@cache  # the code does not change while the tool runs
def _code_digest() -> bytes:
    root = Path(auditor.__file__).parent
    h = hashlib.sha256()
    for part in _CODE:
        path = root / part
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.suffix in (".py", ".json", ".yaml") and f.is_file():
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.digest()


def key(pack_digest: str, roots: Iterable[Path]) -> str:
    """The cache key of a pack: its files' digest, where they are (sources name them), the code."""
    h = hashlib.sha256(_FORMAT + b"\0" + auditor.__version__.encode() + b"\0" + sys.version.encode() + b"\0")
    h.update(pack_digest.encode() + b"\0")
    for root in roots:
        h.update(str(Path(root).resolve()).encode() + b"\0")
    h.update(_code_digest())
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(cache_key: str) -> Any | None:
    """The pack kept under ``cache_key``, or None (no cache, no file, or a file not safe to read)."""
    where = folder()
    if where is None:
        return None
    path = where / f"{cache_key}.pickle"
    try:
        with path.open("rb") as f:
            if not (_private(os.fstat(f.fileno())) and _private(where.stat())):
                return None
            if f.read(len(_FORMAT)) != _FORMAT:
                return None
            return pickle.load(f)  # noqa: S301 - our own file, checked private above
    except Exception:  # a cache that cannot be read is no cache
        return None


def write(cache_key: str, pack: Any) -> None:
    """Keep ``pack`` under ``cache_key``; silently nothing when the folder cannot be written."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where.stat()):
            return
        write_atomic(where / f"{cache_key}.pickle", _FORMAT + pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(where)
    except (OSError, AuditorError, pickle.PicklingError, TypeError, AttributeError):
        return


def _prune(where: Path) -> None:
    kept = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
