"""The self-contained HTML report: one file, inline CSS/JS/SVG, no network request, French or English.

Jinja2 autoescapes every value. The only markup marked safe is ours: the stylesheet and script from
``reports/html/`` and the JSON data block, encoded so that nothing in it can close the ``<script>``.
A Content-Security-Policy with the hashes of that stylesheet and script forbids anything else,
including any request and any inline event handler, as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.fsio import shipped
from auditor.model.findings import FindingsDoc
from auditor.render import view
from auditor.render.base import Renderer, RenderOptions, strip_controls
from auditor.render.htmlparts import Parts
from auditor.render.i18n import Translator
from auditor.render.words import helpers
from auditor.safetext import clean_tree

ROWS_SHOWN = 50  # rows per table before "show more" (with JS; without JS every row is listed)
_JS_TEXTS = ("more", "shown")


@cache
def environment() -> Environment:
    folder = shipped("reports") / "html"
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                       finalize=_finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _finalize(value: Any) -> Any:
    return value if isinstance(value, Markup) else strip_controls(value)


@cache
def _asset(name: str) -> str:
    return (shipped("reports") / "html" / name).read_text("utf-8")


def script_json(data: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(clean_tree(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                     ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render(doc: FindingsDoc, options: RenderOptions) -> str:
    v = view.build(doc, options)
    t = Translator(options.lang)
    css, js = _asset("report.css"), _asset("report.js")
    data = {
        "lang": options.lang,
        "cap": ROWS_SHOWN,
        "i18n": {key: str(t("js." + key)) for key in _JS_TEXTS},
        "providers": list(v.providers),
        "frameworks": list(v.framework_names),
        "verdict": v.verdict,
    }
    page = print_css(v, t)
    csp = (f"default-src 'none'; script-src {_csp_hash(js)}; style-src {_csp_hash(css)} {_csp_hash(page)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return environment().get_template("report.html.j2").render(
        v=v, t=t, h=Parts(t), w=helpers(t), crosswalks=view.CROSSWALKS,
        csp=Markup(csp),  # noqa: S704 - built from constants and base64 hashes
        css=Markup(css),  # noqa: S704 - our own stylesheet file
        print_css=Markup(page),  # noqa: S704 - built by print_css(): every value CSS-escaped
        js=Markup(js),  # noqa: S704 - our own script file
        data_json=Markup(script_json(data)),  # noqa: S704 - encoded above so it cannot leave the <script>
    )


def css_string(value: str) -> str:
    """A CSS string literal that nothing inside can close: quotes, backslashes, ``<`` and controls escaped."""
    out = []
    for ch in str(strip_controls(value)):
        if ch.isalnum() or ch in " .,:;-_()/·@+":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x} ")  # the space ends the escape (CSS consumes it)
    return '"' + "".join(out) + '"'


def print_css(v: view.ReportView, t: Translator) -> str:
    """The printed page: A4, a running header (organisation, scope, date) and page numbers."""
    left = " — ".join(x for x in (v.meta.organization, str(t("report.title"))) if x)
    right = " — ".join(x for x in (v.meta.scope_statement[:80], v.date) if x)
    page = str(t("print.page"))
    return ("@page{size:A4;margin:13mm 10mm 12mm 10mm;"
            f"@top-left{{content:{css_string(left)};font:8pt system-ui,sans-serif;color:#5a6475}}"
            f"@top-right{{content:{css_string(right)};font:8pt system-ui,sans-serif;color:#5a6475}}"
            f"@bottom-right{{content:{css_string(page)} \" \" counter(page) \" / \" counter(pages);"
            "font:8pt system-ui,sans-serif;color:#5a6475}}")


RENDERER = Renderer("html", "report.html", render)
