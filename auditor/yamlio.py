"""Safe YAML loading that remembers where every mapping and list came from.

* duplicate keys, non-UTF-8 bytes, tabs, anchors used as alias bombs, absurd nesting and
  oversized files are refused with ``file:line`` and a one-line reason;
* every mapping is a :class:`YamlMap` and every list a :class:`YamlList`, which carry the
  line of the node and of each key/item, so later validation errors can point at a line.

libyaml (PyYAML's C extension) scans and parses, the nodes are composed and built here; a
document it refuses, or one holding a tab, is read again by PyYAML's pure-Python loader, so every
error keeps that loader's wording and line. (libyaml also reads a few documents the pure-Python
loader wrongly refuses, such as ``?`` keys inside ``{…}``.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from auditor.errors import AuditorError, InputError
from auditor.fsio import read_input

MAX_BYTES = 8 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 64


class YamlMap(dict[str, Any]):
    """A mapping that knows its source: ``line`` (1-based) and ``key_lines[key]``."""

    source: str = "<input>"
    line: int = 0
    key_lines: dict[str, int]

    def where(self, key: str | None = None) -> str:
        line = self.key_lines.get(key, self.line) if key is not None else self.line
        return f"{self.source}:{line}"


class YamlList(list[Any]):
    source: str = "<input>"
    line: int = 0
    item_lines: list[int]

    def where(self, index: int | None = None) -> str:
        line = self.item_lines[index] if index is not None and index < len(self.item_lines) else self.line
        return f"{self.source}:{line}"


def where(obj: Any, key: Any = None, default: str = "<input>") -> str:
    """``file:line`` of a node (or of one of its keys/items), best effort."""
    if isinstance(obj, YamlMap):
        return obj.where(key if isinstance(key, str) else None)
    if isinstance(obj, YamlList):
        return obj.where(key if isinstance(key, int) else None)
    return default


_Parser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)  # libyaml, when PyYAML was built with it


class _PyLoader(yaml.SafeLoader):
    """Pure-Python loader: reads, scans, parses, composes and constructs in Python."""

    source = "<input>"
    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise InputError("input.yaml-aliases", location=f"{self.source}:{event.start_mark.line + 1}",
                                 limit=MAX_ALIASES)
        return Composer.compose_node(self, parent, index)


if _Parser is not None:

    class _CLoader(Composer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml scans and parses (most of the time, ~6x faster); the nodes are still composed here,
        one event at a time, so the alias count and the lines are the pure-Python loader's own
        (libyaml's own composer would build the whole graph out of reach of the count)."""

        source = "<input>"
        aliases = 0
        compose_node = _PyLoader.compose_node

        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    _Loader: Any = _CLoader
else:  # pragma: no cover - a PyYAML without libyaml
    _Loader = _PyLoader


def _construct_map(loader: Any, node: yaml.MappingNode) -> YamlMap:
    out = YamlMap()
    out.source = loader.source
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
            raise InputError("input.yaml-key-not-text", location=f"{loader.source}:{line}", got=type(key))
        key = str(key)
        if key in out:
            raise InputError("input.yaml-duplicate-key", location=f"{loader.source}:{line}", key=key,
                             line=out.key_lines[key])
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> YamlList:
    out = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    out.source = loader.source
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _yaml12_resolvers() -> None:
    """YAML 1.2 scalars: only true/false are booleans (``NO`` stays Norway) and dates stay text."""
    resolvers: dict[Any, list[tuple[str, Any]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        dropped = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
        kept = [(tag, rx) for tag, rx in entries if tag not in dropped]
        if kept:
            resolvers[first] = kept
    for loader in {_PyLoader, _Loader}:
        loader.yaml_implicit_resolvers = {k: list(v) for k, v in resolvers.items()}
        loader.add_implicit_resolver(
            "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
        )
        loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
        loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


_yaml12_resolvers()


def _depth(obj: Any, limit: int, source: str = "<input>") -> int:
    stack = [(obj, 1)]
    seen = 0
    deepest = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > 2_000_000:
            raise InputError("input.yaml-bomb", location=source)
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def _parse(loader_class: Any, text: str, source: str) -> Any:
    loader = loader_class(text)
    loader.source = source
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def loads(text: str | bytes, source: str = "<input>") -> Any:
    """Parse one YAML document; every problem is an ``InputError`` located at ``source:line``."""
    if isinstance(text, bytes):
        raw = text
        if len(raw) > MAX_BYTES:
            raise InputError("input.too-big", location=source, mib=MAX_BYTES // (1024 * 1024))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = raw[: exc.start].count(b"\n") + 1
            raise InputError("input.not-utf8", location=f"{source}:{bad_line}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        try:
            data = _parse(_Loader if "\t" not in text else _PyLoader, text, source)
        except (yaml.YAMLError, ValueError, RecursionError):
            if _Loader is _PyLoader:
                raise
            data = _parse(_PyLoader, text, source)  # the error as the reference loader words and places it
    except AuditorError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_ = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError("input.yaml-syntax", location=where_, problem=problem) from None
    except yaml.YAMLError as exc:
        raise InputError("input.yaml", location=source, detail=" ".join(str(exc).split())) from None
    except RecursionError:
        raise InputError("input.too-deep", location=source, limit=MAX_DEPTH) from None
    except ValueError as exc:  # a scalar Python refuses to convert, e.g. an integer of 5,000 digits
        raise InputError("input.yaml-value", location=source, detail=str(exc).split(";")[0]) from None
    if _depth(data, MAX_DEPTH, source) > MAX_DEPTH:
        raise InputError("input.too-deep", location=source, limit=MAX_DEPTH)
    return data


def load(path: Path, error: type[AuditorError] = InputError) -> Any:
    """Read and parse a YAML file; errors are raised as ``error`` (e.g. ``PolicyError``)."""
    raw = read_input(path, MAX_BYTES, "YAML", error)
    try:
        return loads(raw, str(path))
    except InputError as exc:
        if error is InputError:
            raise
        raise error(exc.key, location=exc.location, hint=exc.hint_key, **exc.params) from None


def check(data: Any, schema: dict[str, Any], source: str, error: type[AuditorError] = InputError) -> None:
    """Validate parsed YAML against a JSON Schema; the error names the line of the bad node."""
    import jsonschema  # lazily: only files that are checked pay for it

    validator = jsonschema.Draft202012Validator(schema)
    best = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if best is None:
        return
    node: Any = data
    location = where(data, default=source)
    for part in best.absolute_path:
        location = where(node, part, default=location)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    else:
        location = where(node, default=location)
        if best.validator == "additionalProperties" and isinstance(node, YamlMap):
            known = best.schema.get("properties", {})
            extra = next((k for k in node if k not in known), None)  # point at the unexpected key itself
            if extra is not None:
                location = node.where(extra)
    path = ".".join(str(p) for p in best.absolute_path)
    message = best.message
    shown = repr(best.instance)
    if len(shown) > 60 and message.startswith(shown):  # "'xxxx…' is too long": keep the verdict, not the value
        message = shown[:40] + "…" + message[len(shown):]
    if len(message) > 200:
        message = message[:200] + "…"
    key, values = _schema_error(best, shown if len(shown) <= 60 else shown[:40] + "…")
    raise error(key, location=location, path={"en": f"{path}: ", "fr": f"{path} : "} if path else "", detail=message,
                **values)


# JSON Schema's own words are English: the French line is rebuilt from what failed (the English line stays
# jsonschema's message). A check not listed here shows jsonschema's message in both languages.
SCHEMA_CHECKS = ("enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
                 "uniqueItems", "const", "format")
_TYPES_FR = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen", "array": "liste",
             "object": "dictionnaire", "null": "null"}


def _schema_error(best: Any, value: str) -> tuple[str, dict[str, Any]]:
    check, rule, instance = best.validator, best.validator_value, best.instance
    if check == "required" and isinstance(instance, dict):
        return "schema.required", {"name": next((r for r in rule if r not in instance), rule[0])}
    if check == "additionalProperties" and isinstance(instance, dict):
        known = best.schema.get("properties", {})
        return "schema.additional", {"names": ", ".join(repr(k) for k in instance if k not in known)}
    if check == "type":
        types = [rule] if isinstance(rule, str) else list(rule)
        return "schema.type", {"value": value, "expected": {
            "en": ", ".join(types), "fr": ", ".join(_TYPES_FR.get(t, t) for t in types)}}
    if check in SCHEMA_CHECKS:
        return f"schema.{check}", {"value": value, "rule": rule if isinstance(rule, str) else repr(rule)}
    return "schema.other", {}
