"""Markdown text from a cloud or a plan is inert in GitHub's flavour too: math, emoji, ordinals, footer."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from auditor.model.findings import FindingsDoc
from auditor.render import RENDERERS, RenderOptions
from auditor.render.markdown import md


def test_dollar_signs_open_no_math() -> None:
    text = str(md("costs $5 and $$x^2$$ or $`y`$"))
    assert re.search(r"(?<!\\)\$", text) is None  # every $ escaped: GitHub renders $…$ and $$…$$ as math


def test_emoji_shortcodes_and_mentions_stay_text() -> None:
    text = str(md(":rocket: by @alice in #12 at 10:05:30"))
    assert ":rocket:" not in text and "\u200b@alice" in text and "\u200b#12" in text  # broken by a zero-width space
    assert "10:05:30" in text  # times are not shortcodes


def test_a_leading_ordinal_is_escaped_on_its_punctuation() -> None:
    """``0.1.0`` must not render as ``\\0.1.0``: CommonMark escapes only punctuation, so the backslash goes
    before the dot that would start an ordered list."""
    assert str(md("0.1.0")) == "0\\.1.0"
    assert str(md("12) twelve")) == "12\\) twelve"
    html = MarkdownIt("commonmark").render(str(md("1. not a list")))
    assert "<ol" not in html and "1. not a list" in html


def test_the_footer_version(doc: FindingsDoc) -> None:
    text = RENDERERS["md"].render(doc, RenderOptions())
    footer = text.strip().splitlines()[-1]
    assert footer.startswith("<sub>sovereign-auditor `0.1.0` ·")
    assert "\\0" not in text
