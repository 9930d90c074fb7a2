"""What an expression reads of the ``resource`` variable, from its parsed tree (``celparse``).

The engine builds each store's CEL input once and gives it only what the active policies read
(building a value costs about a microsecond, so policies pay only for what they use). That input
is declared by the expressions themselves: this module walks their tree, so every spelling of
a read is seen — ``resource.key``, ``resource["key"]``, ``has(a.source)``, ``a["source"]``,
``"source" in a`` — whatever the spacing or comments. A read the tree cannot name (``resource``
passed whole, or a map indexed by a computed key) keeps everything: a projection may keep too
much, never too little, since a key left out would turn a verdict into a false unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the tree and its walk are loaded when an expression is compiled, not when a cached pack runs
    from auditor.engine.celparse import Node

# ``resource`` fields whose maps (locations, key, grants) the context trims to the keys read.
TRIMMED = frozenset({"locations", "primary", "copies", "key", "access"})


@dataclass(frozen=True, slots=True)
class Reads:
    """``fields``: the ``resource`` keys read (None: the whole resource). ``keys``: the keys read
    of the maps below them (None: any key)."""

    fields: frozenset[str] | None = frozenset()
    keys: frozenset[str] | None = frozenset()

    def __or__(self, other: Reads) -> Reads:
        return Reads(None if self.fields is None or other.fields is None else self.fields | other.fields,
                     None if self.keys is None or other.keys is None else self.keys | other.keys)


NOTHING = Reads()


def union(reads: list[Reads] | tuple[Reads, ...]) -> Reads:
    out = NOTHING
    for r in reads:
        out |= r
    return out


def reads(tree: Node) -> Reads:
    """What the expression of ``tree`` reads of ``resource`` (walked by :mod:`auditor.engine.projection_walk`)."""
    from auditor.engine.projection_walk import walk

    fields, keys = walk(tree)
    return Reads(fields, keys)
