"""A parser for the CEL grammar (github.com/google/cel-spec, ``CEL.g4``), giving the tree the
engine's cost estimate walks (``auditor.engine.celcost``).

The ``cel`` package compiles and runs expressions but exposes no syntax tree, and a bound on
the expression *text* can be side-stepped (a space after a ``.``, a comment, a re-used name).
This parser follows the grammar rule for rule and expands the macros the way the evaluator
does: ``x.all/exists/exists_one/existsOne/filter(v, e)`` and ``x.map(v, e)`` / ``x.map(v, p, e)``
become comprehensions whatever the spacing, ``has(a.b)`` a presence test. It is stricter than
the evaluator in a few corners (optional syntax, message construction, a leading ``.``), which
only means such an expression is refused at load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MACROS = frozenset({"all", "exists", "exists_one", "existsOne", "map", "filter"})
MAX_DEPTH = 64  # nesting of the tree itself (parentheses, calls, lists…)


class CelSyntaxError(ValueError):
    """The text is not CEL (or uses syntax the engine refuses); ``str()`` says where."""


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # int, uint, double, string, bytes, bool, null
    text: str  # as written (a bound on the decoded length)


@dataclass(frozen=True, slots=True)
class Ident:
    name: str


@dataclass(frozen=True, slots=True)
class Select:
    operand: Node
    field: str
    test: bool = False  # has(a.b)


@dataclass(frozen=True, slots=True)
class Index:
    operand: Node
    index: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str  # a name, or an operator: _&&_ _||_ !_ -_ _?_:_ _==_ _!=_ _<_ _<=_ _>_ _>=_ @in _+_ _-_ _*_ _/_ _%_
    target: Node | None
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class MapExpr:
    entries: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Comprehension:
    macro: str  # all, exists, exists_one, map, filter
    range: Node
    var: str
    predicate: Node | None  # the filter of a three-argument map
    body: Node


Node = Literal | Ident | Select | Index | Call | ListExpr | MapExpr | Comprehension

_ESC = r"""\\(?:[abfnrtv"'\\?`]|[0-3][0-7]{2}|[xX][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"""
_STRING = (
    rf'"""(?:{_ESC}|[^\\])*?"""' rf"|'''(?:{_ESC}|[^\\])*?'''"
    rf'|"(?:{_ESC}|[^\\"\n\r])*"' rf"|'(?:{_ESC}|[^\\'\n\r])*'"
    r'|[rR]"""[\s\S]*?"""' r"|[rR]'''[\s\S]*?'''" r'|[rR]"[^"\n\r]*"' r"|[rR]'[^'\n\r]*'"
)
_TOKEN = re.compile(
    r"(?P<skip>[\t \r\n\f]+|//[^\n]*)"
    rf"|(?P<bytes>[bB](?:{_STRING}))"
    rf"|(?P<string>{_STRING})"
    r"|(?P<double>\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<uint>(?:0x[0-9a-fA-F]+|\d+)[uU])"
    r"|(?P<int>0x[0-9a-fA-F]+|\d+)"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<escident>`[A-Za-z0-9_./ -]+`)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[<>!?:+\-*/%.,()\[\]{}])"
)
_KEYWORDS = {"true": "bool", "false": "bool", "null": "null", "in": "op"}
_RELATIONS = {"<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_", "in": "@in"}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    pos: int


def tokenize(source: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise CelSyntaxError(f"unexpected character {source[pos]!r} at column {pos + 1}")
        kind = m.lastgroup or "op"
        text = m.group()
        if kind == "ident" and text in _KEYWORDS:
            kind = _KEYWORDS[text]
        if kind != "skip":
            out.append(_Token(kind, text, pos))
        pos = m.end()
    out.append(_Token("end", "", len(source)))
    return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def at(self, *texts: str) -> bool:
        t = self.tok
        return t.kind == "op" and t.text in texts

    def take(self) -> _Token:
        t = self.tok
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        if not self.at(text):
            self.fail(f"expected {text!r}")
        self.i += 1

    def fail(self, what: str) -> None:
        t = self.tok
        found = "the end" if t.kind == "end" else repr(t.text)
        raise CelSyntaxError(f"{what}, found {found} at column {t.pos + 1}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CelSyntaxError(f"expression nested deeper than {MAX_DEPTH} levels")

    # expr: conditionalOr ('?' conditionalOr ':' expr)?
    def expr(self) -> Node:
        self.enter()
        cond = self.or_()
        if self.at("?"):
            self.take()
            yes = self.or_()
            self.expect(":")
            no = self.expr()
            cond = Call("_?_:_", None, (cond, yes, no))
        self.depth -= 1
        return cond

    def or_(self) -> Node:
        node = self.and_()
        while self.at("||"):
            self.take()
            node = Call("_||_", None, (node, self.and_()))
        return node

    def and_(self) -> Node:
        node = self.relation()
        while self.at("&&"):
            self.take()
            node = Call("_&&_", None, (node, self.relation()))
        return node

    def relation(self) -> Node:
        node = self.add()
        while self.tok.kind == "op" and self.tok.text in _RELATIONS:
            op = _RELATIONS[self.take().text]
            node = Call(op, None, (node, self.add()))
        return node

    def add(self) -> Node:
        node = self.mul()
        while self.at("+", "-"):
            op = "_+_" if self.take().text == "+" else "_-_"
            node = Call(op, None, (node, self.mul()))
        return node

    def mul(self) -> Node:
        node = self.unary()
        while self.at("*", "/", "%"):
            op = {"*": "_*_", "/": "_/_", "%": "_%_"}[self.take().text]
            node = Call(op, None, (node, self.unary()))
        return node

    def unary(self) -> Node:
        ops: list[str] = []
        while self.at("!", "-"):
            ops.append(self.take().text)
        if len(set(ops)) > 1:
            self.fail("mixed '!' and '-' prefixes")
        node = self.member()
        for op in ops:
            node = Call("!_" if op == "!" else "-_", None, (node,))
        return node

    def member(self) -> Node:
        node = self.primary()
        while True:
            if self.at("."):
                self.take()
                if self.at("?"):
                    self.fail("optional field selection is not supported")
                name = self.take()
                if name.kind == "escident":
                    node = Select(node, name.text[1:-1])
                    continue
                if name.kind != "ident":
                    self.i -= 1
                    self.fail("expected a field or method name")
                node = self.call(name.text, node, self.args()) if self.at("(") else Select(node, name.text)
            elif self.at("["):
                self.take()
                if self.at("?"):
                    self.fail("optional indexing is not supported")
                self.enter()
                index = self.expr()
                self.depth -= 1
                self.expect("]")
                node = Index(node, index)
            else:
                return node

    def args(self) -> tuple[Node, ...]:
        self.expect("(")
        self.enter()
        out: list[Node] = []
        if not self.at(")"):
            out.append(self.expr())
            while self.at(","):
                self.take()
                out.append(self.expr())
        self.expect(")")
        self.depth -= 1
        return tuple(out)

    def call(self, name: str, target: Node | None, args: tuple[Node, ...]) -> Node:
        if target is None and name == "has" and len(args) == 1:
            arg = args[0]
            if not isinstance(arg, Select):
                raise CelSyntaxError("invalid argument to has(): it takes a field selection such as a.b")
            return Select(arg.operand, arg.field, test=True)
        if target is not None and name in MACROS:
            arity = (2, 3) if name == "map" else (2,)
            if len(args) in arity:
                var = args[0]
                if not isinstance(var, Ident):
                    raise CelSyntaxError(f"the first argument of {name}() must be a simple name")
                macro = "exists_one" if name == "existsOne" else name
                predicate = args[1] if len(args) == 3 else None
                return Comprehension(macro, target, var.name, predicate, args[-1])
        return Call(name, target, args)

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "ident":
            self.take()
            if self.at("("):
                return self.call(t.text, None, self.args())
            if self.at("{") or (self.at(".") and self._message_ahead()):
                self.fail("message construction is not supported")
            return Ident(t.text)
        if t.kind in ("int", "uint", "double", "string", "bytes", "bool", "null"):
            self.take()
            return Literal(t.kind, t.text)
        if self.at("."):
            self.fail("a leading '.' is not supported")
        if self.at("("):
            self.take()
            node = self.expr()
            self.expect(")")
            return node
        if self.at("["):
            self.take()
            self.enter()
            items: list[Node] = []
            while not self.at("]"):
                self._no_optional()
                items.append(self.expr())
                if not self.at(","):
                    break
                self.take()
            self.expect("]")
            self.depth -= 1
            return ListExpr(tuple(items))
        if self.at("{"):
            self.take()
            self.enter()
            entries: list[tuple[Node, Node]] = []
            while not self.at("}"):
                self._no_optional()
                key = self.expr()
                self.expect(":")
                entries.append((key, self.expr()))
                if not self.at(","):
                    break
                self.take()
            self.expect("}")
            self.depth -= 1
            return MapExpr(tuple(entries))
        self.fail("expected a value")
        raise AssertionError  # unreachable: fail() raises

    def _no_optional(self) -> None:
        if self.at("?"):
            self.fail("optional entries are not supported")

    def _message_ahead(self) -> bool:
        """``a.b.c{`` is a message construction (the grammar's CreateMessage), not a selection."""
        j = self.i
        while self.tokens[j].kind == "op" and self.tokens[j].text == "." and self.tokens[j + 1].kind == "ident":
            j += 2
        return self.tokens[j].kind == "op" and self.tokens[j].text == "{"


def parse(source: str) -> Node:
    """The tree of ``source``; ``CelSyntaxError`` when it is not (supported) CEL."""
    parser = _Parser(source)
    node = parser.expr()
    if parser.tok.kind != "end":
        parser.fail("expected the end of the expression")
    return node
