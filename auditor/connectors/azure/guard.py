"""The guards at the end of every Azure pipeline: reads only, and only to the configured origin.

Both sit last in every pipeline the connector builds (SDK clients and plain ARM reads alike),
right in front of the transport, so they also see requests that other policies create on their
own (redirects, retries, provider auto-registration if it were ever added back).

- :class:`ReadOnlyGuard` refuses every write. Only two non-GET requests are let through: the
  Resource Graph query (``POST /providers/Microsoft.ResourceGraph/resources``), which reads, and a
  token request to the *configured* authority's exact token URL (scheme, host, port and path), in
  case a credential pipeline is ever routed through here. Anything else raises
  :class:`ReadOnlyViolation`: a bug in the tool, not a user error, so it is deliberately *not*
  an ``AuditorError`` and keeps its traceback.
- :class:`OriginGuard` refuses every request whose origin (scheme, host, port) is not the one the
  pipeline was built for. A ``nextLink``, an ``@odata.nextLink``, a ``Location`` of a redirect or
  a reference read from a resource can name any URL: the bearer token must never follow it there.
  The refusal raises :class:`UntrustedLink`, which the session turns into a coverage gap naming
  the host (the listing is incomplete, so unknown). It is not an ``AzureError`` on purpose:
  azure-core's retry policy retries those, and a refused link is not worth a second try.
- :func:`origin_limited_transport` is the same origin rule for the credential's own pipeline: token
  requests go to the configured authority (or the managed-identity endpoint the environment
  names), never where a discovery document points elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.pipeline.transport import RequestsTransport

Origin = tuple[str, str, int]

_RESOURCE_GRAPH = re.compile(r"^/providers/microsoft\.resourcegraph/resources/?$", re.IGNORECASE)
_DEFAULT_PORTS = {"https": 443, "http": 80}


class ReadOnlyViolation(Exception):
    """The tool tried to change a cloud. Never caught: a bug must be loud."""


class UntrustedLink(Exception):
    """A server pointed the scan at another origin; nothing was sent there."""

    def __init__(self, url: str, expected: str) -> None:
        self.host = display(url)
        self.expected = expected
        super().__init__(f"a link or redirect to {self.host} was not followed: only {expected} receives the "
                         "scan's token, so this listing is incomplete")


def origin(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an absolute http(s) URL, ``None`` when it is not one we can trust to parse.

    URLs with user information, backslashes or control characters are refused outright: parsers
    disagree on where their host ends, and the one that sends must not differ from the one that checks.
    """
    if any(c in url for c in "\\@") or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def display(url: str) -> str:
    """The origin of ``url`` as a user reads it (``https://host:port``), never its path or query."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2] or "?"
    except ValueError:
        return "an unparsable URL"
    text = f"{parts.scheme.lower() or '?'}://{host}"
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def same_origin(url: str, allowed: Iterable[Origin]) -> bool:
    here = origin(url)
    return here is not None and here in set(allowed)


def allowed(method: str, url: str, token_urls: Collection[str] = ()) -> bool:
    """True when ``method url`` is a read the auditor may send.

    ``token_urls`` are the exact token endpoints of the configured authority (scheme, host, port
    and path must all match); any other ``…/oauth2/…/token`` is a POST like any other.
    """
    verb = method.upper()
    if verb == "GET":
        return True
    if verb == "POST":
        if _RESOURCE_GRAPH.search(urlsplit(url).path):
            return True
        here = origin(url)
        path = urlsplit(url).path
        return here is not None and any(here == origin(t) and path == urlsplit(t).path for t in token_urls)
    return False


class ReadOnlyGuard(SansIOHTTPPolicy[Any, Any]):
    """Raises before sending anything that is not a declared read."""

    def __init__(self, token_urls: Collection[str] = ()) -> None:
        super().__init__()
        self.token_urls = tuple(token_urls)

    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        if not allowed(http.method, http.url, self.token_urls):
            path = urlsplit(http.url).path
            raise ReadOnlyViolation(f"refused {http.method} {path}: the auditor only reads")


class OriginGuard(SansIOHTTPPolicy[Any, Any]):
    """Raises :class:`UntrustedLink` before sending anything to an origin other than ``base_url``'s."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        here = origin(base_url)
        if here is None:
            raise ValueError(f"not an http(s) endpoint: {display(base_url)}")
        self.origin = here
        self.expected = display(base_url)

    def on_request(self, request: PipelineRequest[Any]) -> None:
        url = request.http_request.url
        if origin(url) != self.origin:
            raise UntrustedLink(url, self.expected)


class _OriginLimitedTransport(RequestsTransport):  # type: ignore[misc]
    """The credential's transport: sends only to the allowed origins, else fails authentication."""

    def __init__(self, origins: Collection[Origin], names: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._origins = frozenset(origins)
        self._names = names

    def send(self, request: Any, **kwargs: Any) -> Any:
        if not same_origin(str(request.url), self._origins):
            raise ClientAuthenticationError(
                f"token request to {display(str(request.url))} refused: tokens are only asked of {self._names}")
        return super().send(request, **kwargs)


def origin_limited_transport(urls: Iterable[str], **kwargs: Any) -> RequestsTransport:
    """A transport for azure-identity credentials that only reaches ``urls``' origins."""
    kept = [u for u in urls if origin(u) is not None]
    return _OriginLimitedTransport({o for u in kept if (o := origin(u)) is not None},
                                   ", ".join(display(u) for u in kept), **kwargs)
