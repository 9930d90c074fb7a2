"""The evaluator's memo: stores that look alike to the policies share one verdict.

CEL sees nothing but the activation, so equal activations give equal verdicts. The key is the
activation's canonical JSON text (keys sorted, no whitespace): equal content gives an equal key
whatever order its maps were built in and whatever the process's hash seed, and different
content (``1``, ``true``, ``"1"``, ``1.0``) gives different keys. No string of the activation is
longer than its key, which the input limits use to skip measuring short activations.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any, Generic, TypeVar

LIMIT = 200_000  # entries; past it the memo starts again (memory stays bounded on huge estates)

V = TypeVar("V")
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False,
                           default=lambda value: f"<{type(value).__name__}>{value!r}").encode


def stable_key(activation: Mapping[str, Any]) -> str:
    """The canonical text of an activation (plain data: maps, lists, strings, numbers, booleans)."""
    return _ENCODE(activation)


class Memo(Generic[V]):
    """A bounded map from keys to verdicts."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._data: dict[Hashable, V] = {}
        self._limit = limit

    def get(self, key: Hashable) -> V | None:
        return self._data.get(key)

    def put(self, key: Hashable, value: V) -> V:
        if len(self._data) >= self._limit:
            self._data.clear()
        self._data[key] = value
        return value

    def __len__(self) -> int:
        return len(self._data)
