"""An error's text in a language: the catalog (:mod:`auditor.errors.texts`) filled in, French typography applied.

Imported only when an error's text is needed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import cache
from typing import Any

from auditor.errors.texts import ERRORS, OS_REASONS_FR, PHRASES_FR, TYPES_FR
from auditor.safetext import typography

PREFIX = {"en": "error", "fr": "erreur"}


def colon(lang: str) -> str:
    """What separates a location from its message: ``:``, with a narrow no-break space before it in French."""
    return "\u202f:" if lang == "fr" else ":"


def os_reason(exc: OSError, lang: str = "en") -> str:
    """The system's reason for ``exc`` in ``lang``."""
    english = exc.strerror or str(exc)
    return OS_REASONS_FR.get(exc.errno or 0, english) if lang == "fr" else english


class _Formatter(string.Formatter):
    """``{n:,}`` groups thousands with a narrow no-break space in French."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = str(super().format_field(value, format_spec))
        return text.replace(",", "\u202f") if self.lang == "fr" and "," in format_spec else text


def _value(value: Any, lang: str, *, item: bool = False) -> Any:
    from auditor.errors import AuditorError

    if isinstance(value, AuditorError):
        return value.one_line(lang) if item else value.text(lang)
    if isinstance(value, OSError):
        return os_reason(value, lang)
    if isinstance(value, Mapping) and "en" in value:
        return typography(str(value.get(lang) or value["en"]), lang)
    if isinstance(value, list):
        return ("\u202f; " if lang == "fr" else "; ").join(str(_value(v, lang, item=True)) for v in value)
    if isinstance(value, tuple):
        return ", ".join(str(_value(v, lang, item=True)) for v in value)
    if isinstance(value, type):
        return TYPES_FR.get(value.__name__, value.__name__) if lang == "fr" else value.__name__
    if lang == "fr" and isinstance(value, str):
        for pattern, french in _phrases():
            m = pattern.fullmatch(value)
            if m:
                return m.expand(french)
    return value


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), french) for pattern, french in PHRASES_FR)


def template(key: str, lang: str) -> str | None:
    """The catalog text of ``key`` in ``lang`` (English for an unknown language), or None."""
    entry = ERRORS.get(key)
    if entry is None:
        return None
    return typography(entry[1], "fr") if lang == "fr" else entry[0]


def render(key: str, params: Mapping[str, Any], lang: str = "en") -> str:
    """The text of ``key`` with ``params`` in ``lang``; a ``key`` not in the catalog is a text shown as it is."""
    text = template(key, lang)
    if text is None:
        return key
    return _Formatter(lang).vformat(text, (), {name: _value(v, lang) for name, v in params.items()})
