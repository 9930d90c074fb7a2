"""The printed report as an A4 PDF (``--format pdf``), drawn by WeasyPrint from the HTML report.

WeasyPrint is an optional extra (``pip install 'sovereign-auditor[pdf]'``; it needs the Pango library,
which ``.ci/run`` installs): without it the format is refused before any scan starts. The HTML is the
same document a browser prints (A4, running header, page numbers, summary first); WeasyPrint is given
a URL fetcher that refuses every request but inline ``data:`` URLs, so nothing in a report can make it
read a file or reach the network.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from auditor.errors import ConfigError
from auditor.model.findings import FindingsDoc
from auditor.render import html
from auditor.render.base import Renderer, RenderOptions

HINT = "pip install 'sovereign-auditor[pdf]' (WeasyPrint and the Pango library)"


def missing() -> str | None:
    """Why the format cannot be written here, or None."""
    if importlib.util.find_spec("weasyprint") is None:
        return f"--format pdf needs WeasyPrint: {HINT}"
    return None


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        result: dict[str, Any] = default_url_fetcher(url)
        return result
    raise ValueError(f"the report may not fetch {url[:60]!r}")


def render(doc: FindingsDoc, options: RenderOptions) -> bytes:
    reason = missing()
    if reason:
        raise ConfigError(reason)
    try:
        import weasyprint
    except OSError as exc:  # the Python package is there, the Pango library is not
        raise ConfigError(f"--format pdf: WeasyPrint cannot load its libraries ({exc})", hint=HINT) from None
    document = weasyprint.HTML(string=html.render(doc, options), url_fetcher=_refuse, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf


RENDERER = Renderer("pdf", "report.pdf", render, missing)
