"""Text from a cloud made safe to show: the one function every output (terminal, files) cleans strings with.

A cloud answers with names its owner chose: an account, a subscription, a bucket, a tag. Shown as
they are, some characters act instead of being shown:

- C0 controls and DEL (ESC starts the terminal's escape and OSC sequences: colours, window title,
  hyperlinks, clipboard), and the C1 controls U+0080-U+009F (U+009B is a one-character CSI for
  terminals that read 8-bit controls, U+0085 a line break for XML and some editors);
- the bidirectional embeddings, overrides, isolates and marks (U+061C, U+200E-U+200F,
  U+202A-U+202E, U+2066-U+2069) that make a name display other than it reads ("Trojan Source");
- lone UTF-16 surrogates (U+D800-U+DFFF), which no UTF-8 file can hold: replaced by U+FFFD.

Tab, line feed and carriage return are kept here; a format that needs one line (a table cell, a
terminal line) folds whitespace itself (:func:`one_line`). Rich markup (``[link=…]``) is never
interpreted by the tool's console at all (``markup=False``), so it needs no escaping.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


def clean(value: Any) -> Any:
    """Control characters, bidi controls and lone surrogates removed from a string; other values unchanged."""
    if not isinstance(value, str) or value.isprintable():
        return value
    return _UNSAFE.sub(_replace, value)


def clean_tree(value: Any) -> Any:
    """:func:`clean` applied to every string (keys included) of a JSON-like tree."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    return value


_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(value: object) -> str:
    """For a terminal line or a log: cleaned, and every run of whitespace (line breaks too) one space; the
    no-break spaces of French typography (before ``:``, in numbers) stay."""
    return _BREAKING_SPACE.sub(" ", str(clean(str(value)))).strip(" ")


_FR_SPACE = re.compile(r"[ \u00a0]([:;!?»])")
_FR_OPEN = re.compile(r"«[ \u00a0]")


def typography(text: str, lang: str) -> str:
    """French typography: a narrow no-break space before ``: ; ! ?`` and inside « », so a line never breaks
    there (what a French reader expects of a printed document and of a terminal line)."""
    if lang != "fr" or not text:
        return text
    return _FR_OPEN.sub("«\u202f", _FR_SPACE.sub("\u202f\\1", text))


def for_terminal(text: str) -> str:
    """A multi-line text for the terminal: cleaned, carriage returns (which overwrite a line) dropped."""
    return str(clean(text)).replace("\r", "")


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


# JSON text: the same characters written as \\uXXXX escapes, so findings.json keeps the data exactly
# (it is the record every other format is rendered from) and stays inert when printed with cat.
_JSON_ESCAPED = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_inert(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with those characters as ``\\uXXXX`` escapes.

    They can only occur inside JSON strings, where the escape means the same character.
    """
    if text.isascii():
        return text
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
