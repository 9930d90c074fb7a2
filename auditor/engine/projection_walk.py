"""The walk behind :func:`auditor.engine.projection.reads`: which ``resource`` fields and keys a tree reads.

Kept apart so that running a pack read back from the cache loads neither it nor the CEL parser.
"""

from __future__ import annotations

import ast

from auditor.engine.celparse import Call, Comprehension, Ident, Index, ListExpr, Literal, MapExpr, Node, Select
from auditor.engine.projection import TRIMMED


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


def walk(tree: Node) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The ``resource`` fields read (None: all) and the keys read of the maps below them (None: any)."""
    w = _Walk()
    w.walk(tree, frozenset())
    return None if w.fields is None else frozenset(w.fields), None if w.keys is None else frozenset(w.keys)
