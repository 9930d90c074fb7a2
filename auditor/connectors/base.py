"""What every cloud connector looks like.

A connector lists cheaply (names, tags, regions), asks ``in_scope`` which stores deserve the
full set of reads (the pipeline builds it from the classification rules, so connectors stay
ignorant of later stages), reads those deeply, and returns one ``Inventory``. Anything it
could not read becomes a ``CoverageGap``; it raises ``ConnectorError`` only when nothing at
all can be read (no credentials, endpoint unreachable).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from auditor.config import Config
from auditor.errors import ConfigError
from auditor.model.inventory import Inventory
from auditor.progress import Reporter


@dataclass(frozen=True, slots=True)
class Candidate:
    """What is known of a store after the cheap listing, before the deep reads."""

    provider: str
    kind: str
    native_type: str
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)


ScopeFilter = Callable[[Candidate], bool]


def everything(candidate: Candidate) -> bool:
    """A scope filter that reads every store deeply (``scope: all``)."""
    return True


class Collect(Protocol):
    def __call__(self, config: Config, reporter: Reporter, in_scope: ScopeFilter) -> Inventory: ...


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> ``(2, 5)``; anything else (or not 1 <= I <= N) is a ``ConfigError``."""
    index, sep, total = text.strip().partition("/")
    if sep and index.strip().isdigit() and total.strip().isdigit():
        i, n = int(index), int(total)
        if 1 <= i <= n:
            return i, n
    raise ConfigError("cli.shard", text=text)


def in_shard(ident: str, shard: tuple[int, int] | None) -> bool:
    """Whether an account/subscription belongs to shard ``(I, N)`` (always, with no shard).

    The slice depends only on the identifier (SHA-256 modulo N), so it is the same on every
    runner and an account keeps its shard when others are added or removed.
    """
    if shard is None:
        return True
    index, total = shard
    digest = hashlib.sha256(ident.strip().lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total == index - 1


def shard_slice(inventory: Inventory, shard: tuple[int, int] | None) -> Inventory:
    """Keep the resources (and gaps) of the shard's accounts; gaps with no account stay in every shard."""
    if shard is None:
        return inventory
    return replace(
        inventory,
        resources=tuple(r for r in inventory.resources if in_shard(r.account, shard)),
        coverage_gaps=tuple(g for g in inventory.coverage_gaps if g.account is None or in_shard(g.account, shard)),
        scope=replace(inventory.scope, accounts=tuple(a for a in inventory.scope.accounts if in_shard(a, shard))),
    )
