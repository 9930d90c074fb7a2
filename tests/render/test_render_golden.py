"""Every format rendered from the fixed fixture equals its golden file (refresh: UPDATE_GOLDEN=1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS

GOLDEN = Path(__file__).parent / "golden"
CASES = [("html", "en"), ("html", "fr"), ("json", "en"), ("sarif", "en"), ("junit", "en"), ("csv", "en"),
         ("md", "en"), ("md", "fr")]


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_golden(doc: FindingsDoc, make_options: Any, fmt: str, lang: str) -> None:
    renderer = RENDERERS[fmt]
    text = renderer.render(doc, make_options(doc, lang))
    stem, _, ext = renderer.filename.rpartition(".")
    path = GOLDEN / f"{stem}.{lang}.{ext}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path.name} missing: run with UPDATE_GOLDEN=1 once and review it"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{fmt} ({lang}) differs from {path.name}; if intended: UPDATE_GOLDEN=1, review"


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_render_is_deterministic(doc: FindingsDoc, make_options: Any, fmt: str) -> None:
    options = make_options(doc)
    assert RENDERERS[fmt].render(doc, options) == RENDERERS[fmt].render(doc, options)
