"""The printed report as an A4 PDF (``--format pdf``), drawn by WeasyPrint from the HTML report.

WeasyPrint is an optional extra (``pip install 'sovereign-auditor[pdf]'``; it needs the Pango library,
which ``.ci/run`` installs): without it the format is refused before any scan starts. The HTML is the
same document a browser prints (A4, running header, page numbers, summary first); WeasyPrint is given
a URL fetcher that refuses every request but inline ``data:`` URLs, so nothing in a report can make it
read a file or reach the network.

WeasyPrint is not a browser; two of its differences are made up for here, so that its PDF matches what
a browser prints (the full demo: 18 A4 pages, like Chromium's 19):

* it does not apply the document's stylesheet to inline SVG, so the maps came out as black boxes: the
  maps' own rules (sea, land by zone, marks, arrows) are put inside each ``<svg>`` as a ``<style>``,
  with the stylesheet's custom properties replaced by their values (:func:`printable`);
* its automatic table layout gives the two side-by-side tables of a dataset sheet (locations, who can
  reach it) a few words' width each, and it moves an unbreakable two-column block whole to the next
  page: in the PDF the two tables of a sheet are stacked at full width (:data:`PDF_CSS`).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from typing import Any

from auditor.errors import ConfigError
from auditor.model.findings import FindingsDoc
from auditor.render import html
from auditor.render.base import Renderer, RenderOptions


def missing() -> ConfigError | None:
    """Why the format cannot be written here, or None."""
    if importlib.util.find_spec("weasyprint") is None:
        return ConfigError("config.pdf-extra")
    return None


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        result: dict[str, Any] = default_url_fetcher(url)
        return result
    raise ValueError(f"the report may not fetch {url[:60]!r}")


PDF_CSS = "@media print{.ds .cols{display:block!important;break-inside:auto!important}}"
_SVG_PARTS = (".sea", ".land", ".mark", ".arrows", "marker")  # the selectors of the maps' drawing
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_VAR = re.compile(r"var\(--([\w-]+)\)")
_SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")


@cache
def svg_style() -> str:
    """The report stylesheet's rules for the maps, as a ``<style>`` an SVG renderer reads by itself."""
    css = html._asset("report.css")
    values = dict(re.findall(r"--([\w-]+):([^;}]+)", css[:css.index("}")]))  # :root's custom properties
    rules = [sel.strip() + "{" + _VAR.sub(lambda m: values.get(m.group(1), "currentColor"), body) + "}"
             for sel, body in _RULE.findall(css.split("@media")[0]) if any(p in sel for p in _SVG_PARTS)]
    return "<style>" + "".join(rules) + "</style>"


def printable(page: str) -> str:
    """The HTML report with the maps' style inside each ``<svg>`` (our own markup: cloud text is escaped)."""
    style = svg_style()
    return _SVG_OPEN.sub(lambda m: m.group(1) + style, page)


def render(doc: FindingsDoc, options: RenderOptions) -> bytes:
    reason = missing()
    if reason:
        raise reason
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, the Pango library is not
        raise ConfigError("config.pdf-libraries", hint="hint.pdf-extra", error=str(exc)) from None
    document = weasyprint.HTML(string=printable(html.render(doc, options)), url_fetcher=_refuse, media_type="print")
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=PDF_CSS)])
    return pdf


RENDERER = Renderer("pdf", "report.pdf", render, missing)
