"""What every cloud connector looks like.

A connector lists cheaply (names, tags, regions), asks ``in_scope`` which stores deserve the
full set of reads (the pipeline builds it from the classification rules, so connectors stay
ignorant of later stages), reads those deeply, and returns one ``Inventory``. Anything it
could not read becomes a ``CoverageGap``; it raises ``ConnectorError`` only when nothing at
all can be read (no credentials, endpoint unreachable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from auditor.config import Config
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
