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

import ast
from dataclasses import dataclass

from auditor.engine.celparse import Call, Comprehension, Ident, Index, ListExpr, Literal, MapExpr, Node, Select

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


def _string(lit: Literal) -> str | None:
    """The value of a string literal (None for another literal or one that does not decode)."""
    if lit.kind != "string":
        return None
    text = lit.text
    raw = text[:1] in "rR"
    body = text[1:] if raw else text
    quote = 3 if body[:3] in ('"""', "'''") else 1
    inner = body[quote:-quote]
    if raw or "\\" not in inner:
        return inner
    try:
        value = ast.literal_eval(body[:quote] + inner + body[-quote:])  # CEL's escapes are Python's, but ``\?``
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


class _Walk:
    def __init__(self) -> None:
        self.fields: set[str] | None = set()
        self.keys: set[str] | None = set()

    def field(self, name: str | None) -> None:
        if name is None:
            self.fields = None
        elif self.fields is not None:
            self.fields.add(name)

    def key(self, name: str | None) -> None:
        if name is None:
            self.keys = None
        elif self.keys is not None:
            self.keys.add(name)

    @staticmethod
    def _root(node: Node, bound: frozenset[str]) -> tuple[str, str | None]:
        """Where a chain of selections and indexes starts: the variable (a bound name counts as
        ``""``: it may be any map) and, from ``resource``, the field first read."""
        first: str | None = None
        while isinstance(node, (Select, Index)):
            parent = node.operand
            if isinstance(node, Select):
                first = node.field
            else:
                first = _string(node.index) if isinstance(node.index, Literal) else None
            node = parent
        if not isinstance(node, Ident) or node.name in bound:
            return "", None
        return node.name, first

    def walk(self, node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, Ident):
            if node.name == "resource" and "resource" not in bound:
                self.field(None)  # the whole resource
        elif isinstance(node, Select):
            if isinstance(node.operand, Ident) and node.operand.name == "resource" and "resource" not in bound:
                self.field(node.field)
            else:
                self.key(node.field)
                self.walk(node.operand, bound)
        elif isinstance(node, Index):
            self.index(node, bound)
        elif isinstance(node, Call):
            if node.function == "@in" and isinstance(node.args[0], Literal):
                name = _string(node.args[0])
                if name is not None:
                    self.key(name)  # "source" in a
            for child in (*((node.target,) if node.target is not None else ()), *node.args):
                self.walk(child, bound)
        elif isinstance(node, ListExpr):
            for item in node.items:
                self.walk(item, bound)
        elif isinstance(node, MapExpr):
            for k, v in node.entries:
                self.walk(k, bound)
                self.walk(v, bound)
        elif isinstance(node, Comprehension):
            self.walk(node.range, bound)
            inner = bound | {node.var}
            if node.predicate is not None:
                self.walk(node.predicate, inner)
            self.walk(node.body, inner)

    def index(self, node: Index, bound: frozenset[str]) -> None:
        operand, index = node.operand, node.index
        name = _string(index) if isinstance(index, Literal) else None
        if isinstance(operand, Ident) and operand.name == "resource" and "resource" not in bound:
            self.field(name)  # resource["key"]; a computed key reads the whole resource
        else:
            if name is not None:
                self.key(name)  # a["source"]
            elif not (isinstance(index, Literal) and index.kind in ("int", "uint")):
                # A computed key: harmless on maps the context does not trim, else every key is kept.
                root, first = self._root(operand, bound)
                if root == "" or (root == "resource" and (first is None or first in TRIMMED)):
                    self.key(None)
            self.walk(operand, bound)
        self.walk(index, bound)


def reads(tree: Node) -> Reads:
    """What the expression of ``tree`` reads of ``resource``."""
    w = _Walk()
    w.walk(tree, frozenset())
    return Reads(None if w.fields is None else frozenset(w.fields), None if w.keys is None else frozenset(w.keys))
