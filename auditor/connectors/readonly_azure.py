"""The Azure read-only guards as azure-core pipeline policies (the rules: :mod:`auditor.connectors.readonly`).

Kept apart so that only an Azure scan loads azure-core; see the Azure section of ``readonly``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.pipeline.transport import RequestsTransport

from auditor.connectors.readonly import (
    Origin,
    ReadOnlyViolation,
    UntrustedLink,
    azure_is_read_only,
    display,
    origin,
    same_origin,
)


class ReadOnlyGuard(SansIOHTTPPolicy[Any, Any]):
    """Raises before sending anything that is not a declared read."""

    def __init__(self, token_urls: Collection[str] = ()) -> None:
        super().__init__()
        self.token_urls = tuple(token_urls)

    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        if not azure_is_read_only(http.method, http.url, self.token_urls):
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
