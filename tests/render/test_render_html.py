"""The HTML file itself: self-contained and escaped (checked on the text; the browser tests check it runs)."""

from __future__ import annotations

import json
import re

from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS, RenderOptions
from auditor.render.html import script_json


def _html(doc: FindingsDoc, lang: str = "en") -> str:
    return RENDERERS["html"].render(doc, RenderOptions(lang=lang))


def test_no_reference_leaves_the_file(doc: FindingsDoc) -> None:
    html = _html(doc)
    for attr, value in re.findall(r"""\b(src|href|action|srcset|xlink:href|poster|data)\s*=\s*["']([^"']*)""", html):
        assert value.startswith(("#", "data:", "url(#")), f"{attr}={value}"
    assert "@import" not in html and "url(http" not in html
    assert re.search(r"<script(?![^>]*application/json)[^>]*\bsrc=", html) is None
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None and "default-src 'none'" in csp.group(1) and "'unsafe-inline'" not in csp.group(1)


def test_cloud_strings_are_escaped_everywhere(doc: FindingsDoc, hostile: tuple[str, ...]) -> None:
    html = _html(doc)
    for bad in ("<script>alert(1)</script>", "<img src=x", "<svg onload", 'onerror="window'):
        assert bad not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 2  # the JSON data block and our own script, nothing injected
    assert html.count("</script>") == 2


def test_script_json_cannot_close_the_script_element() -> None:
    data = {"x": "</script><script>alert(1)</script>", "y": "a & b > c \u2028"}
    encoded = script_json(data)
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded) == data


def test_incomplete_audit_looks_incomplete(doc: FindingsDoc) -> None:
    html = _html(doc)
    assert 'class="incomplete-banner"' in html and 'id="incomplete" class="alert"' in html
    # page one says what could not be assessed, before the map and the datasets; the details follow them
    assert html.index('id="summary"') < html.index('id="map"') < html.index('id="incomplete"')
    summary = html[html.index('id="summary"'):html.index('id="map"')]
    assert 'href="#incomplete"' in summary


def test_score_is_printed_with_its_formula(doc: FindingsDoc) -> None:
    html = _html(doc)
    assert "passed ÷ (passed + failed + unknown)" in html


def test_method_section(doc: FindingsDoc, make_options: object) -> None:
    html = RENDERERS["html"].render(doc, make_options(doc))  # type: ignore[operator]
    for fact in (doc.run.policy_digest, doc.run.started, doc.run.finished, doc.run.tool_version,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 "waiver W-3 expired on 2025-12-31"):
        assert fact in html
