"""Files: atomic writes, private permissions, and where the shipped ``policies/`` and ``reports/`` live.

A run's output set goes through :func:`write_set` (staged beside the folder, then swapped in);
a single file through :func:`write_atomic` (temporary file in the same folder, flushed, renamed
over the target). A reader, or a run killed at any point, sees the old set or the whole new one.
A file's content may be a :class:`Streamed`: made while it is written (a large JSON document encoded
into its temporary file piece by piece, never whole in memory).
Everything is created ``0600`` (folders ``0700``), or ``0640``/``0750`` with ``output_mode: group``.
Operating-system failures (full disk, read-only mount, permission) become one-line ``OutputError``s.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError, ConfigError, InputError, OutputError
from auditor.safetext import has_surrogate, json_inert

_PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The ``policies`` or ``reports`` folder: inside the wheel, or at the top of a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise AuditorError("config.incomplete-install", name=name, package=_PACKAGE)


@dataclass(frozen=True, slots=True)
class Modes:
    """Permissions of what the tool creates: evidence is confidential (SECURITY.md)."""

    file: int
    folder: int


OUTPUT_MODES: dict[str, Modes] = {
    "private": Modes(0o600, 0o700),  # the default: only the account that ran the audit
    "group": Modes(0o640, 0o750),  # output_mode: group / --group-readable: the file's group may read
}
PRIVATE = OUTPUT_MODES["private"]


def modes_for(name: str) -> Modes:
    try:
        return OUTPUT_MODES[name]
    except KeyError:
        raise ConfigError("config.output-mode", name=name, known=", ".join(OUTPUT_MODES)) from None


def _oserror(exc: OSError, path: Path | str, key: str) -> OutputError:
    """``key``: the error catalog's text for what could not be done, with the system's ``reason``."""
    where = exc.filename if isinstance(exc.filename, str) else str(path)
    return OutputError(key, location=where, reason=exc)


def make_folder(path: Path, modes: Modes = PRIVATE) -> None:
    """``path`` and its missing parents created with ``modes.folder``; an existing folder is left as it is."""
    try:
        if path.is_dir():
            return
        if path.exists() or path.is_symlink():
            raise OutputError("output.not-folder", location=str(path))
        missing = [p for p in (path, *path.parents) if not p.is_dir()]
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=modes.folder)
            except FileExistsError:
                continue
            os.chmod(folder, modes.folder)  # mkdir's mode passes through the umask
    except OSError as exc:
        raise _oserror(exc, path, "output.cannot-create-folder") from None


@dataclass(frozen=True, slots=True)
class Streamed:
    """A file's content made while it is written: ``make()`` returns its text or bytes, or text pieces.

    A large JSON document is encoded piece by piece straight into its (temporary) file, so neither
    its text nor a plain-data copy of it is ever whole in memory; and an output set's files are made
    one after the other, each freed once written.
    """

    make: Callable[[], str | bytes | Iterable[str]]


Content = str | bytes | Streamed
_CHUNK = 1 << 20  # bytes gathered before each write


def write_atomic(path: Path, data: Content, modes: Modes = PRIVATE) -> Path:
    """One file replaced whole (temporary file, fsync, rename); a symlink at ``path`` is replaced, never followed."""
    make_folder(path.parent, modes)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        _fill(fd, data, modes.file)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _oserror(exc, path, "output.cannot-write") from None
        raise
    return path


def _fill(fd: int, data: Content, mode: int) -> None:
    """``data`` written to the new file ``fd`` (UTF-8) and flushed to the disk; ``fd`` is closed."""
    try:
        os.fchmod(fd, mode)
        made = data.make() if isinstance(data, Streamed) else data
        if isinstance(made, (str, bytes)):
            _write_all(fd, made.encode("utf-8") if isinstance(made, str) else made)
        else:
            # one growing buffer, not a list of the pieces: an encoder's pieces are a few bytes each, and
            # a megabyte of them as separate objects held ~6 MB
            pending = bytearray()
            for piece in made:
                pending += piece.encode("utf-8")
                if len(pending) >= _CHUNK:
                    _write_all(fd, pending)
                    pending.clear()
            _write_all(fd, pending)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes | bytearray) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def check_out_folder(out: Path, modes: Modes = PRIVATE) -> None:
    """Before any scan: ``out`` is (or can be made) a folder the tool can write its output set into.

    A real probe, not a permission-bit check: a read-only mount, a full inode table, an ACL or a
    file where the folder should be all fail here, in one line, before an hour of scanning.
    """
    if out.exists() and not out.is_dir():
        raise OutputError("output.out-is-file", location=str(out))
    real = Path(os.path.realpath(out))
    make_folder(real.parent, modes)
    for where in _stage_places(real):
        try:
            os.rmdir(tempfile.mkdtemp(prefix=f".{real.name}.check-", dir=where))
            return  # staging beside the folder (or, failing that, inside it) works
        except OSError as exc:
            error = _oserror(exc, where, "output.cannot-write-in")
    raise error


def write_set(out: Path, files: Mapping[str, Content], modes: Modes = PRIVATE,
              owned: Collection[str] = ()) -> list[Path]:
    """Write a whole output set into the folder ``out``: the previous set stays whole until the new one is.

    Every file is first written and fsynced in a staging folder beside ``out`` (a full disk or a
    read-only mount fails there, leaving ``out`` untouched). Then, when ``out`` holds nothing but
    the tool's own files (``owned``), the two folders are swapped in one step (``renameat2``
    ``RENAME_EXCHANGE``; elsewhere two renames) and the old set is removed: a reader, or a run killed
    at any moment, sees the old set or the new one, never a mix. In a folder shared with other
    files, each file is renamed into place after the whole set was staged. Symlinks in ``out`` are
    replaced, never followed.
    """
    real = Path(os.path.realpath(out))
    if real.exists() and not real.is_dir():
        raise OutputError("output.out-is-file", location=str(out))
    make_folder(real.parent, modes)
    staging, inside = _staging(real, modes)
    try:
        for name, data in files.items():  # in order: a Streamed file is made while it is written
            fd = os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, modes.file)
            _fill(fd, data, modes.file)
        _fsync_folder(staging)
        _swap(staging, real, files, owned, inside)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _oserror(exc, real, "output.cannot-write-set") from None
        raise
    return [out / name for name in files]


def _stage_places(real: Path) -> tuple[Path, ...]:
    """Where a set can be staged, best first: beside ``real`` (then the folders can be swapped), else inside it.

    A folder that is a mount point (a container volume) or on another file system than its parent
    cannot be swapped: its set is staged inside it and each file renamed into place.
    """
    if not real.is_dir():
        return (real.parent,)
    if os.path.ismount(real) or os.stat(real).st_dev != os.stat(real.parent).st_dev:
        return (real,)
    return (real.parent, real)


def _staging(real: Path, modes: Modes) -> tuple[Path, bool]:
    """A fresh staging folder on ``real``'s file system (renames are atomic); ``True`` when it is inside ``real``."""
    _remove_abandoned(real)
    error: OSError | None = None
    for where in _stage_places(real):
        inside = where == real
        try:
            folder = Path(tempfile.mkdtemp(prefix=f".{real.name}.new-{os.getpid()}-", dir=where))
        except OSError as exc:
            error = error or exc
            continue
        os.chmod(folder, modes.folder)
        return folder, inside
    assert error is not None
    raise _oserror(error, real, "output.cannot-write-set")


def _remove_abandoned(real: Path) -> None:
    """Staging folders beside ``real`` left by writers that were killed (their process is gone)."""
    for where in _stage_places(real):
        _remove_abandoned_in(where, real)


def _remove_abandoned_in(where: Path, real: Path) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(where):
            parts = entry.name[len(real.name) + 2:].split("-") if entry.name.startswith(f".{real.name}.") else []
            if len(parts) == 3 and parts[0] in ("new", "old") and parts[1].isdigit() and entry.is_dir(
                    follow_symlinks=False) and not _alive(int(parts[1])):
                shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _swap(staging: Path, real: Path, files: Mapping[str, object], owned: Collection[str], inside: bool) -> None:
    if not inside and not os.path.lexists(real):
        os.rename(staging, real)
        _fsync_folder(real.parent)
        return
    mine = set(owned) | set(files)
    if not inside and all(name in mine for name in os.listdir(real)):
        os.chmod(staging, stat.S_IMODE(os.stat(real).st_mode))  # the folder keeps the permissions it had
        if not _exchange(staging, real):
            old = real.with_name(staging.name.replace(".new-", ".old-"))
            os.rename(real, old)
            try:
                os.rename(staging, real)
            except OSError:
                os.rename(old, real)
                raise
            staging = old
        _fsync_folder(real.parent)
        shutil.rmtree(staging, ignore_errors=True)  # the previous set (symlinks in it are removed, not followed)
        return
    for name in files:
        os.replace(staging / name, real / name)
    _fsync_folder(real)
    os.rmdir(staging)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_folder(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened for fsync
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_private(path: Path, modes: Modes = PRIVATE) -> None:
    """Create an empty file with ``modes.file`` unless it exists (the history database, before SQLite opens it)."""
    make_folder(path.parent, modes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, modes.file)
    except FileExistsError:
        return
    except OSError as exc:
        raise _oserror(exc, path, "output.cannot-create") from None
    os.fchmod(fd, modes.file)
    os.close(fd)


def dump_json(obj: Any) -> str:
    """Indented UTF-8 JSON; control, bidi and lone-surrogate characters kept as ``\\uXXXX`` escapes (inert)."""
    return json_inert(json.dumps(obj, indent=2, ensure_ascii=False)) + "\n"


def read_input(path: Path, max_bytes: int, kind: str, error: type[AuditorError] = InputError) -> bytes:
    """The bytes of an input file, or ``error`` naming the file: missing, a folder, unreadable, too big."""
    try:
        if path.stat().st_size > max_bytes:
            raise error("input.too-big", location=str(path), mib=max_bytes // (1024 * 1024))
        return path.read_bytes()
    except FileNotFoundError:
        raise error("input.not-found", location=str(path)) from None
    except IsADirectoryError:
        raise error("input.is-directory", location=str(path), kind=kind) from None
    except OSError as exc:
        raise error("input.unreadable", location=str(path), reason=exc) from None


def read_json(path: Path, max_bytes: int = 2 * 1024 * 1024 * 1024) -> Any:
    """Parse a JSON input file; problems are ``InputError`` with ``file:line``."""
    raw = read_input(path, max_bytes, "JSON")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("input.not-utf8", location=f"{path}:{line}") from None
    return parse_json(text, path)


def parse_json(text: str, path: Path) -> Any:
    """Parse JSON text already read from ``path``; problems are ``InputError`` with ``file:line``."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError("input.json", location=f"{path}:{exc.lineno}", detail=exc.msg, column=exc.colno) from None
    except _DuplicateKey as exc:
        raise InputError("input.json-duplicate-key", location=str(path), key=exc.args[0]) from None
    except RecursionError:
        raise InputError("input.json-too-deep", location=str(path)) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise InputError("input.json-value", location=str(path), detail=str(exc).split(";")[0]) from None
    _no_lone_surrogate(text, data, path)
    return data


# "\ud800" not followed by a low-surrogate escape, or "\udc00" not preceded by a high one
_LONE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                          r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _no_lone_surrogate(text: str, data: Any, path: Path) -> None:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``): no UTF-8 file can hold it, so it is bad input."""
    if "\\u" not in text or not re.search(r"\\u[dD][89a-fA-F]", text) or not _has_surrogate(data):
        return
    match = _LONE_ESCAPE.search(text)
    line = text.count("\n", 0, match.start()) + 1 if match else 1
    raise InputError("input.surrogate", location=f"{path}:{line}")


def _has_surrogate(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


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
