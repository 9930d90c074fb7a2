"""A policy that compares a field with a name outside its vocabulary is refused when it is loaded.

CEL has no enum types: ``resource.kind == "objectstore"`` compiles and is simply never true, so
a typo would turn a check into a silent pass. ``auditor policies validate`` (and every load of
the pack) therefore reads each expression's tokens and checks every string literal compared
(``==``, ``!=``, ``in [...]``) with a field whose values are a closed set:

``x.kind``, ``x["kind"]``, ``"value" == x.kind``, ``x.kind in ["a", "b"]``.

The tokenizer knows CEL's string literals (so a quoted ``==`` is not an operator); expressions
built by concatenation or held in variables are not followed (they are rare in policies and the
examples still exercise them). The sets are :mod:`auditor.model.vocab` and the model's enums.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

from auditor.errors import PolicyError
from auditor.model.inventory import KeyManager, LocationRole, Permission, PrincipalKind, Relation, Zone
from auditor.model.vocab import GapReason, GrantSource, Kind, Via

# field -> the sets its values come from (``kind`` names a resource's kind on ``resource`` and a
# principal's kind on a grant: a value of either set is accepted elsewhere than on ``resource``).
FIELDS: dict[str, tuple[type[StrEnum], ...]] = {
    "kind": (Kind, PrincipalKind),
    "role": (LocationRole,),
    "via": (Via,),
    "source": (GrantSource,),
    "reason": (GapReason,),
    "zone": (Zone,),
    "relation": (Relation,),
    "permission": (Permission,),
    "manager": (KeyManager,),
    "principal_kind": (PrincipalKind,),
}
FREE_FORM = frozenset({"attributes", "tags", "qualifications", "qualification_gaps", "qualification_unknown"})
ON_RESOURCE: dict[str, tuple[type[StrEnum], ...]] = {"kind": (Kind,)}

_TOKEN = re.compile(r"""
    (?P<str>[rR]?(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!?:.,()\[\]{}])
  | (?P<num>\d+(?:\.\d+)?[uU]?)
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def _tokens(source: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup or "other"
        if kind != "space":
            out.append((kind, m.group()))
    return out


def _text(literal: str) -> str:
    body = literal[1:] if literal[0] in "rR" else literal
    return body[1:-1]


def _field_at(toks: list[tuple[str, str]], i: int) -> tuple[str, str, int] | None:
    """(receiver, field, index after the field) when ``toks[i]`` starts ``.field`` or ``["field"]``."""
    if toks[i] == ("op", ".") and i + 1 < len(toks) and toks[i + 1][0] == "id":
        receiver = toks[i - 1][1] if i > 0 else ""
        return receiver, toks[i + 1][1], i + 2
    if (toks[i] == ("op", "[") and i + 2 < len(toks) and toks[i + 1][0] == "str"
            and toks[i + 2] == ("op", "]")):
        receiver = toks[i - 1][1] if i > 0 else ""
        return receiver, _text(toks[i + 1][1]), i + 3
    return None


def comparisons(source: str) -> Iterator[tuple[str, str, str]]:
    """Every (receiver, field, literal) the expression compares."""
    toks = _tokens(source)
    n = len(toks)
    for i in range(n):
        found = _field_at(toks, i)
        if found is None:
            continue
        receiver, name, j = found
        if j < n and toks[j][1] in ("==", "!=") and j + 1 < n and toks[j + 1][0] == "str":
            yield receiver, name, _text(toks[j + 1][1])
        elif j + 1 < n and toks[j] == ("id", "in") and toks[j + 1] == ("op", "["):
            k = j + 2
            while k < n and toks[k] != ("op", "]"):
                if toks[k][0] == "str":
                    yield receiver, name, _text(toks[k][1])
                k += 1
        # "literal" == x.field: the field ends the chain (not followed by a call or another step)
        if (j < n and toks[j][1] in (".", "(", "[")) or i < 3:
            continue
        start = i - 1
        while start >= 2 and toks[start - 1] == ("op", ".") and toks[start - 2][0] == "id":
            start -= 2
        if start >= 2 and toks[start - 1][1] in ("==", "!=") and toks[start - 2][0] == "str":
            yield receiver, name, _text(toks[start - 2][1])


def check(source: str, location: str, what: str) -> None:
    """Raise ``PolicyError`` at ``location`` for the first compared literal outside its field's set."""
    for receiver, name, literal in comparisons(source):
        if receiver in FREE_FORM or literal == "":  # "" is how the CEL input writes "not set"
            continue
        sets = ON_RESOURCE.get(name) if receiver == "resource" else None
        sets = sets or FIELDS.get(name)
        if sets is None or any(literal in {m.value for m in s} for s in sets):
            continue
        allowed = ", ".join(dict.fromkeys(m.value for s in sets for m in s))
        raise PolicyError("policy.not-a-value", location=location, what=what, receiver=receiver, name=name,
                          literal=literal, allowed=allowed)
