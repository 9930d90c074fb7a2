"""The Markdown summary for pull-request comments and CI job summaries (GitHub, GitLab).

Verdict, counts, what changed, the worst findings and what could not be checked, kept under
65,000 characters (GitHub's comment limit) by listing fewer rows and pointing at the full report.

Cloud strings are made inert: identifiers go in code spans; prose is backslash-escaped for Markdown,
HTML-escaped, and autolinks, @mentions and #references are broken with a zero-width space, so a
bucket called ``[x](http://evil)`` or ``<img src=x>`` shows as text and links nowhere.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.fsio import shipped
from auditor.model.findings import FindingsDoc
from auditor.render import view
from auditor.render.base import Renderer, RenderOptions, strip_controls
from auditor.render.i18n import Translator

MAX_CHARS = 65_000
TOP_ROWS = 50
GAP_ROWS = 20
_BREAK = re.compile(r"(://|www\.|[@#])", re.IGNORECASE)
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # inline Markdown; "<", ">", "&" are HTML-escaped
_LEADING = re.compile(r"^([-+#>=]|\d+[.)])")  # what would start a block if the value began a line
_ZWSP = "\u200b"


def md(value: Any) -> Markup:
    """Prose from a cloud, inert in GitHub/GitLab Markdown (also inside a table cell)."""
    if isinstance(value, Markup):
        return value
    text = " ".join(strip_controls(str(value)).split())
    text = _BREAK.sub(lambda m: _ZWSP + m.group(1) if m.group(1) in "@#" else m.group(1)[0] + _ZWSP + m.group(1)[1:],
                      text)
    text = _LEADING.sub(lambda m: "\\" + m.group(1), _SPECIAL.sub(r"\\\1", text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(text)  # noqa: S704 - escaped for Markdown and HTML just above


def code(value: Any) -> Markup:
    """An identifier as a code span: no Markdown, HTML or autolink inside; pipes escaped for tables."""
    text = " ".join(strip_controls(str(value)).split()).replace("|", "\\|")
    if not text:
        return Markup("")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")  # noqa: S704 - a code span renders its content as text


def link(url: str | None) -> str:
    """The report link, only http(s) or a relative path, with characters that could end it encoded."""
    if not url:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) and not re.match(r"^https?://", url, re.IGNORECASE):
        return ""
    return quote(url, safe=":/?&=#%+,;~@!$*'-._")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(shipped("reports") / "md")), autoescape=True, finalize=md,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["code"] = code
    return env


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    v = view.build(doc, options)
    t = Translator(options.lang, escape_param=md)
    rows = [fv for g in v.groups for fv in g.rows] + list(v.unknown)
    rows.sort(key=lambda fv: (-fv.f.severity.rank, fv.f.status.value != "fail", fv.anchor))
    template = environment().get_template("summary.md.j2")
    top, gaps = min(len(rows), TOP_ROWS), min(len(v.gaps), GAP_ROWS)
    while True:
        text = template.render(v=v, t=t, rows=rows[:top], more=len(rows) - top, gaps=v.gaps[:gaps],
                               more_gaps=len(v.gaps) - gaps, report_link=Markup(link(options.report_link)))  # noqa: S704
        if len(text) <= MAX_CHARS or (top == 0 and gaps == 0):
            return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"
        top, gaps = top // 2, gaps // 2


RENDERER = Renderer("md", "summary.md", render)
