"""Counting the API calls a scan makes (calls are the cost of a scan: rate limits, emulator CPU).

Every client the connector creates counts each HTTP attempt it sends (retries included, so the
figure matches what the server sees), per ``client:Operation``. ``collect`` reports the total in
one ``reporter.info`` line, and the counts of the most recent scan in this process stay readable
through :func:`last_scan` (the benchmark uses it).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping

from auditor.messages import number, say


class ApiCalls:
    """A thread-safe counter of API requests, keyed ``"s3:GetBucketPolicy"``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())


def summary(counts: Mapping[str, int], lang: str = "en") -> str:
    """One line for verbose output: ``aws: 1,234 API calls (s3:GetBucketLocation 1,000, …)``, in ``lang``."""
    total = sum(counts.values())
    parts = ", ".join(f"{op} {number(n, lang)}" for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return say("api-calls", lang, provider="aws", n=total, parts=parts) if parts else \
        say("no-api-calls", lang, provider="aws")


_last = ApiCalls()
_last_lock = threading.Lock()


def start_scan() -> ApiCalls:
    """A fresh counter for a new scan, which :func:`last_scan` then reads."""
    global _last
    with _last_lock:
        _last = ApiCalls()
        return _last


def last_scan() -> dict[str, int]:
    """Per-operation request counts of the most recent scan in this process."""
    with _last_lock:
        return _last.snapshot()
