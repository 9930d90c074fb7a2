"""The bytes of a plan file -> its JSON text, as real teams hand it over.

- ``terraform show -json PLANFILE > plan.json`` in Windows PowerShell 5 writes UTF-16 LE with
  a byte-order mark (``>`` is ``Out-File``, whose default encoding is "Unicode"); PowerShell 7
  and every other shell write UTF-8, sometimes with a BOM. All of them are decoded here: JSON
  text in UTF-8, UTF-16 or UTF-32, with or without a BOM, is recognised by its first bytes the
  way RFC 4627 section 3 describes (the first two characters of a JSON text are ASCII).
- ``terraform plan -out=FILE`` writes a binary plan: a zip archive (``tfplan``, ``tfstate``,
  ``tfconfig/``…) that only Terraform itself can read. It is refused with the command that
  turns it into JSON.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from auditor.errors import InputError
from auditor.fsio import read_input

MAX_BYTES = 2 * 1024 * 1024 * 1024
SHOW_HINT = "hint.terraform-show"  # the error catalog's "produce it with: terraform show -json …"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first local header, or an empty zip's end record
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_plan_text(path: Path) -> tuple[str, str]:
    """``(text, encoding)`` of a plan file; ``InputError`` (exit 2) for a binary plan or bad text."""
    raw = read_input(path, MAX_BYTES, "JSON")
    if raw.startswith(_ZIP_MAGIC):
        raise InputError("plan.binary", location=f"{path}:1", hint=SHOW_HINT)
    encoding, body = _encoding(raw)
    try:
        return body.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        name = encoding.upper().replace("-LE", " LE").replace("-BE", " BE")
        raise InputError("plan.encoding", location=f"{path}:{line}", hint="hint.terraform-show-utf8", name=name,
                         byte=exc.start + len(raw) - len(body)) from None


def _encoding(raw: bytes) -> tuple[str, bytes]:
    """The codec of ``raw`` and ``raw`` without its byte-order mark."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding, raw[len(bom) :]
    head = raw[:4]
    if len(head) == 4:  # no BOM: the zero bytes around the first ASCII characters tell the width
        if head[:3] == b"\0\0\0" and head[3]:
            return "utf-32-be", raw
        if head[0] and head[1:] == b"\0\0\0":
            return "utf-32-le", raw
    if len(head) >= 2:
        if head[0] == 0 and head[1]:
            return "utf-16-be", raw
        if head[0] and head[1] == 0:
            return "utf-16-le", raw
    return "utf-8", raw
