"""Giving memory back between stages: what a finished stage freed is reused by the next, not added to the peak.

CPython returns a freed 256 KB arena to the system only when every object in it is gone, and glibc keeps
freed heap pages for the process unless asked: after a stage drops a large structure (the AWS connector's
parsed service models), :func:`release` collects the cycles and asks glibc to give back the free pages at
the top and inside the heap, so the evaluation and the writers grow into memory the process no longer
holds twice. Elsewhere (musl, macOS, Windows) it only collects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys
from collections.abc import Callable


@functools.lru_cache(maxsize=1)
def _trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim  # glibc only: musl has none (AttributeError)
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]  # type: ignore[attr-defined]
    trim.restype = ctypes.c_int  # type: ignore[attr-defined]
    return trim


def release() -> None:
    """Collect unreachable cycles, then (glibc) return free heap memory to the system."""
    gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
