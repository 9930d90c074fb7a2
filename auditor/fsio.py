"""Files: atomic writes, and where the shipped ``policies/`` and ``reports/`` live.

Every output goes through :func:`write_atomic`: the bytes go to a temporary file in the same
folder, are flushed to disk, then renamed over the target, so a reader (or a run killed at
any point) sees either the old file or the whole new one, never a truncated one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError, InputError
from auditor.safetext import json_inert

_PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The ``policies`` or ``reports`` folder: inside the wheel, or at the top of a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise AuditorError(f"the installation is incomplete: no {name}/ folder next to {_PACKAGE}")


def write_atomic(path: Path, data: str | bytes) -> Path:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; an output is as readable as any file the user writes
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def dump_json(obj: Any) -> str:
    """Indented UTF-8 JSON; control, bidi and lone-surrogate characters kept as ``\\uXXXX`` escapes (inert)."""
    return json_inert(json.dumps(obj, indent=2, ensure_ascii=False)) + "\n"


def read_input(path: Path, max_bytes: int, kind: str, error: type[AuditorError] = InputError) -> bytes:
    """The bytes of an input file, or ``error`` naming the file: missing, a folder, unreadable, too big."""
    try:
        if path.stat().st_size > max_bytes:
            raise error(f"file is larger than {max_bytes // (1024 * 1024)} MiB", location=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", location=str(path)) from None
    except IsADirectoryError:
        raise error(f"is a directory, expected a {kind} file", location=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", location=str(path)) from None


def read_json(path: Path, max_bytes: int = 2 * 1024 * 1024 * 1024) -> Any:
    """Parse a JSON input file; problems are ``InputError`` with ``file:line``."""
    raw = read_input(path, max_bytes, "JSON")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8 text", location=f"{path}:{line}") from None
    return parse_json(text, path)


def parse_json(text: str, path: Path) -> Any:
    """Parse JSON text already read from ``path``; problems are ``InputError`` with ``file:line``."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", location=f"{path}:{exc.lineno}") from None
    except _DuplicateKey as exc:
        raise InputError(f"duplicate key {exc.args[0]!r}", location=str(path)) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", location=str(path)) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise InputError(f"invalid JSON: {str(exc).split(';')[0]}", location=str(path)) from None


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # in C; only a short dict means a key came twice
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out
