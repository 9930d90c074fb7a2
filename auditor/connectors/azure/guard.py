"""The read-only guard: an azure-core pipeline policy that refuses every write before it is sent.

It sits last in every pipeline the connector builds (SDK clients and plain ARM reads alike),
right in front of the transport, so it also sees requests that other policies create on their
own (redirects, retries, provider auto-registration if it were ever added back). Only two
non-GET requests are let through:

- the Resource Graph query (``POST /providers/Microsoft.ResourceGraph/resources``), which reads;
- a token request to an Entra token endpoint (``POST …/oauth2/v2.0/token``), in case a
  credential pipeline is ever routed through here.

Anything else raises :class:`ReadOnlyViolation`. That is a bug in the tool, not a user error, so
it is deliberately *not* an ``AuditorError``: it keeps its traceback and stops the run.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

_ALLOWED_POSTS = (
    re.compile(r"^/providers/microsoft\.resourcegraph/resources/?$", re.IGNORECASE),
    re.compile(r"/oauth2(/v2\.0)?/token/?$", re.IGNORECASE),
)


class ReadOnlyViolation(Exception):
    """The tool tried to change a cloud. Never caught: a bug must be loud."""


def allowed(method: str, url: str) -> bool:
    """True when ``method url`` is a read the auditor may send."""
    verb = method.upper()
    if verb == "GET":
        return True
    if verb == "POST":
        path = urlsplit(url).path
        return any(pattern.search(path) for pattern in _ALLOWED_POSTS)
    return False


class ReadOnlyGuard(SansIOHTTPPolicy[Any, Any]):
    """Raises before sending anything that is not a declared read."""

    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        if not allowed(http.method, http.url):
            path = urlsplit(http.url).path
            raise ReadOnlyViolation(f"refused {http.method} {path}: the auditor only reads")
