"""Dataclasses <-> plain dicts, with stable key order (field order), for the JSON files.

One generic mechanism, driven by the dataclasses' own type hints, so a new field is a
one-line change in the model. ``to_dict`` output is JSON-ready; ``from_dict`` expects
input that already passed the JSON Schema (``auditor.model.schema``) and raises
``InputError`` with the JSON path when it does not fit anyway.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from auditor.errors import InputError
from auditor.model import findings, inventory, registers

T = TypeVar("T")

_NAMESPACE: dict[str, Any] = {**vars(registers), **vars(inventory), **vars(findings)}


@cache
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls, globalns=_NAMESPACE)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def to_dict(obj: Any) -> Any:
    """Encode a model object (or tuple/mapping of them) as plain JSON data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {name: to_dict(getattr(obj, name)) for name, _ in _hints(type(obj))}
        if "schema_version" in out:  # first, so a reader sees it before anything else
            out = {"schema_version": out.pop("schema_version"), **out}
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (tuple, list)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls: type[T], data: Any, path: str = "$") -> T:
    """Decode plain data into ``cls``; unknown keys are rejected, missing ones take defaults."""
    result: T = _decoder(cls)(data, path)  # type: ignore[arg-type]  # classes are hashable
    return result


Decoder = Callable[[Any, str], Any]


@cache
def _decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_decoder(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        dec = _decoder(inner[0])
        return lambda v, p: None if v is None else dec(v, p)
    if origin is tuple:
        item = _decoder(args[0])

        def dec_tuple(v: Any, p: str) -> Any:
            if not isinstance(v, list):
                raise InputError("input.expected-list", path=p, got=type(v))
            return tuple(item(x, f"{p}[{i}]") for i, x in enumerate(v))

        return dec_tuple
    if origin is Mapping or origin is dict:
        val = _decoder(args[1])

        def dec_map(v: Any, p: str) -> Any:
            if not isinstance(v, dict):
                raise InputError("input.expected-object", path=p, got=type(v))
            return {str(k): val(x, f"{p}.{k}") for k, x in v.items()}

        return dec_map
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum_tp = tp

        def dec_enum(v: Any, p: str) -> Any:
            try:
                return enum_tp(v)
            except ValueError:
                allowed = ", ".join(str(m.value) for m in enum_tp)
                raise InputError("input.not-one-of", path=p, value=v, allowed=allowed) from None

        return dec_enum
    if tp is Any:
        return lambda v, p: v
    if tp in (str, int, bool, float):
        scalar = tp

        def dec_scalar(v: Any, p: str) -> Any:
            if not isinstance(v, scalar) or (scalar is int and isinstance(v, bool)):
                raise InputError("input.expected-type", path=p, expected=scalar, got=type(v))
            return v

        return dec_scalar
    raise TypeError(f"codec cannot decode {tp!r}")  # a bug in the model, not bad input


def _dataclass_decoder(cls: type) -> Decoder:
    fields = [(name, _decoder(tp)) for name, tp in _hints(cls)]
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    known = {name for name, _ in fields}

    def dec(v: Any, p: str) -> Any:
        if not isinstance(v, dict):
            raise InputError("input.expected-object", path=p, got=type(v))
        extra = set(v) - known
        if extra:
            raise InputError("input.unknown-field", path=p, field=sorted(extra)[0])
        missing = required - set(v)
        if missing:
            raise InputError("input.missing-field", path=p, field=sorted(missing)[0])
        kwargs = {name: d(v[name], f"{p}.{name}") for name, d in fields if name in v}
        return cls(**kwargs)

    return dec
