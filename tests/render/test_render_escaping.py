"""Property tests: whatever a cloud returns, each format's escaping holds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS, RenderOptions
from auditor.render.csvfmt import cell
from auditor.render.html import script_json
from auditor.render.junit import clean
from auditor.render.markdown import code, md

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from(
    ["<script>alert(1)</script>", "[x](http://evil)", "`a` | b", "=1+1", "]]>", "@team #12 www.evil.io"])


@given(TEXT)
def test_md_prose_has_no_live_markup(text: str) -> None:
    out = str(md(text))
    assert "<" not in out and ">" not in out and "\n" not in out
    assert not re.search(r"(?<!\\)[\[\]`|*_~]", out)
    assert "://" not in out and "www." not in out.lower() and not re.search(r"(?<!\u200b)[@#]", out)


@given(TEXT)
def test_md_code_span_is_closed_and_table_safe(text: str) -> None:
    out = str(code(text))
    assert "\n" not in out and not re.search(r"(?<!\\)\|", out)
    if out:
        fence = re.match(r"`+", out)
        assert fence is not None and out.endswith(fence.group(0))


@given(TEXT)
def test_csv_cell_never_starts_a_formula(text: str) -> None:
    assert not cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@given(TEXT)
def test_xml_text_always_parses(text: str) -> None:
    element = ET.Element("t", {"a": clean(text)})
    element.text = clean(text)
    ET.fromstring(ET.tostring(element))


@given(TEXT)
def test_script_json_stays_inside_its_element(text: str) -> None:
    assert "</" not in script_json({"v": text}) and "<!--" not in script_json({"v": text})


@settings(max_examples=25, deadline=None)
@given(TEXT)
def test_html_never_carries_a_raw_tag_from_a_resource_name(doc: FindingsDoc, text: str) -> None:
    resource = replace(doc.resources[0], name=text + "<b>x</b>")
    html = RENDERERS["html"].render(replace(doc, resources=(resource, *doc.resources[1:])), RenderOptions())
    assert "<b>x</b>" not in html
    assert isinstance(Markup.escape(text), Markup)
