"""Credential, endpoints and the one guarded HTTP path every Google Cloud read goes through.

- **Universe**: ``gcp.universe_domain`` (default ``googleapis.com``; S3NS's PREMI3NS is
  ``s3nsapis.fr``). Each API is reached at ``https://<service>.<universe>`` unless
  ``gcp.endpoints`` names another origin for it (a private endpoint, a test server).
- **Credential**: Application Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS`` key or
  external-account file for workload identity federation, ``gcloud auth application-default
  login``, the metadata server) with the read-only scope ``cloud-platform.read-only``. A credential
  of another universe than the configured one is refused before anything is sent (the client
  libraries do the same). Service-account keys outside ``googleapis.com`` sign their own JWTs:
  those universes have no token endpoint for them.
- **Transport**: plain REST over one ``requests`` session (the Google client libraries would
  bring gRPC and one package per API for a few GET calls). Each request passes the guard first:
  it must be a ``GET``, name a method id the service modules declare, and go to the origin
  configured for its API. Only then is the bearer token attached, so a token never leaves the
  configured universe. Redirects are not followed: a ``Location`` elsewhere becomes an
  ``untrusted-link`` coverage gap. Listings follow ``nextPageToken`` up to :data:`MAX_PAGES`, and a
  token that repeats itself ends the listing with a gap (a server cannot loop the scan).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from auditor import __version__
from auditor.config import GcpConfig
from auditor.connectors.gcp.gaps import ReadError, read_error, scrub
from auditor.connectors.universes import DEFAULT_UNIVERSE
from auditor.model.vocab import GapReason

SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only"
MAX_PAGES = 1000
RETRIES = 3
MAX_RETRY_AFTER = 30.0
# A regional API host label (``europe-west9-aiplatform``): the location part is checked so that a location
# read from an answer can never steer a request (and its token) to another host.
HOST_LABEL = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REGIONAL = re.compile(r"^[a-z]+(?:-[a-z]+)*[0-9]+-(?:aiplatform)$")
# The verbs of the read methods the connector may declare (all GET in the APIs' discovery documents).
READ_VERBS = frozenset({"list", "get", "getIamPolicy", "search", "searchAllResources", "searchAllIamPolicies",
                        "getEffectivePolicy"})


def is_read_only(method_id: str) -> bool:
    """``storage.buckets.get`` -> True; ``storage.buckets.delete`` -> False."""
    return method_id.rsplit(".", 1)[-1] in READ_VERBS


class GuardError(Exception):
    """A request the guard refused before it was sent (a bug in a service module, never a gap)."""


def origin(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port and parts.port != 443 else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"


class Endpoints:
    """API service name (``storage``, ``bigquery``…) -> origin, in one universe."""

    def __init__(self, cfg: GcpConfig) -> None:
        self.universe = cfg.universe_domain or DEFAULT_UNIVERSE
        self._configured = {k: v.rstrip("/") for k, v in cfg.endpoints.items()}

    def base(self, service: str) -> str:
        """``storage`` -> ``https://storage.<universe>``; a regional API (``europe-west9-aiplatform``) takes
        the origin configured for its API (``aiplatform``) when no origin is configured for that region."""
        api = service.rsplit("-", 1)[-1] if REGIONAL.match(service) else service
        return self._configured.get(service) or self._configured.get(api) or f"https://{service}.{self.universe}"

    def allowed(self, service: str, url: str) -> bool:
        """``url`` is on the origin configured for ``service`` (scheme, host and port)."""
        return urlsplit(url).scheme == "https" and origin(url) == origin(self.base(service))


def credentials(cfg: GcpConfig, environ: Mapping[str, str]) -> Any:
    """Application Default Credentials for the configured universe (read-only scope)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    universe = cfg.universe_domain or DEFAULT_UNIVERSE
    try:
        creds, _project = google.auth.default(scopes=[SCOPE])
    except DefaultCredentialsError as exc:
        raise ReadError(GapReason.CREDENTIAL_UNAVAILABLE, None, "CredentialUnavailable",
                        scrub(str(exc))) from None
    own = str(getattr(creds, "universe_domain", DEFAULT_UNIVERSE) or DEFAULT_UNIVERSE)
    if own != universe:
        raise ReadError(GapReason.CREDENTIAL_UNAVAILABLE, None, "UniverseMismatch",
                        f"the credential belongs to universe {own}, the configuration names {universe} "
                        "(gcp.universe_domain)")
    if universe != DEFAULT_UNIVERSE and hasattr(creds, "with_always_use_jwt_access"):
        creds = creds.with_always_use_jwt_access(True)  # no token endpoint for keys outside googleapis.com
    return creds


class Session:
    """One credential, one connection pool, the guard; GET only."""

    def __init__(self, cfg: GcpConfig, declared: Collection[str], environ: Mapping[str, str] | None = None,
                 creds: Any = None) -> None:
        env = os.environ if environ is None else environ
        self.endpoints = Endpoints(cfg)
        self.declared = frozenset(declared)
        self.credentials = creds if creds is not None else credentials(cfg, env)
        self.secrets = tuple(v for k, v in env.items() if k.endswith(("_SECRET", "_PASSWORD", "_TOKEN")) and v)
        self._http = requests.Session()  # trust_env stays on: REQUESTS_CA_BUNDLE and proxies apply
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(8, cfg.max_workers * 2), max_retries=0)
        self._http.mount("https://", adapter)
        self._token_lock = threading.Lock()
        self._token_request: Any = None
        self.calls: dict[str, int] = {}

    # ---- the guard ---------------------------------------------------------------------------

    def check(self, method: str, operation: str, service: str, url: str) -> None:
        """Refuse anything but a declared read to the origin configured for its API."""
        if method != "GET":
            raise GuardError(f"{operation}: {method} refused: the Google Cloud connector only reads (GET)")
        if operation not in self.declared or not is_read_only(operation):
            raise GuardError(f"{operation}: not a declared read operation")
        if not HOST_LABEL.match(service):
            raise GuardError(f"{operation}: {service!r} is not an API host label")
        if not self.endpoints.allowed(service, url):
            raise GuardError(f"{operation}: {origin(url)} is not the configured origin of {service}")

    def _authorize(self, headers: dict[str, str], url: str) -> None:
        from google.auth.transport.requests import Request

        with self._token_lock:  # google-auth credentials are not thread-safe while refreshing
            if self._token_request is None:  # one session for token requests (where the credential file says)
                self._token_request = Request(session=requests.Session())
            self.credentials.before_request(self._token_request, "GET", url, headers)

    # ---- reads -------------------------------------------------------------------------------

    def get(self, operation: str, service: str, path: str, params: Mapping[str, str] | None = None,
            ) -> dict[str, Any]:
        """GET ``path`` on ``service``'s origin, JSON back; failures raise :class:`ReadError`."""
        url = f"{self.endpoints.base(service)}{path}"
        self.check("GET", operation, service, url)
        headers = {"User-Agent": f"sovereign-auditor/{__version__}", "Accept": "application/json"}
        try:
            self._authorize(headers, url)
        except Exception as exc:  # google.auth.exceptions.RefreshError, TransportError, a bad key file
            raise ReadError(GapReason.CREDENTIAL_UNAVAILABLE, None, "CredentialUnavailable",
                            self.scrub(f"{type(exc).__name__}: {exc}")) from None
        for attempt in range(RETRIES + 1):
            try:
                response = self._http.get(url, params=dict(params or {}), headers=headers, timeout=(10, 60),
                                          allow_redirects=False)
            except requests.RequestException as exc:
                raise ReadError(GapReason.UNREACHABLE, None, type(exc).__name__,
                                self.scrub(f"{origin(url)}: {exc}")) from None
            with self._token_lock:
                self.calls[operation] = self.calls.get(operation, 0) + 1
            if response.status_code in (429, 500, 502, 503, 504) and attempt < RETRIES:
                time.sleep(_retry_after(response.headers.get("Retry-After"), attempt))
                continue
            break
        if 300 <= response.status_code < 400:
            where = response.headers.get("Location") or "?"
            target = origin(where) if urlsplit(where).scheme else origin(url)
            raise ReadError(GapReason.UNTRUSTED_LINK, response.status_code, "Redirect",
                            f"{operation}: the server redirected to {target}; redirects are not followed, the "
                            "token stays with the configured endpoint")
        body = _json(response)
        if response.status_code >= 400:
            raise read_error(response.status_code, body, self.secrets)
        if not isinstance(body, dict):
            raise ReadError(GapReason.ERROR, response.status_code, "InvalidResponse",
                            f"{operation}: the answer is not a JSON object")
        return body

    def pages(self, operation: str, service: str, path: str, key: str,
              params: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item under ``key`` across pages (``pageToken``/``nextPageToken``), bounded."""
        query = dict(params or {})
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page = self.get(operation, service, path, query)
            for item in page.get(key) or ():
                if isinstance(item, dict):
                    yield item
            token = page.get("nextPageToken")
            if not token:
                return
            if not isinstance(token, str) or token in seen:
                raise ReadError(GapReason.ERROR, None, "InvalidPageToken",
                                f"{operation}: the next page token repeats itself; the listing is incomplete")
            seen.add(token)
            query["pageToken"] = token
        raise ReadError(GapReason.ERROR, None, "TooManyPages",
                        f"{operation}: more than {MAX_PAGES} pages; the listing is incomplete")

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def close(self) -> None:
        self._http.close()
        if self._token_request is not None:
            self._token_request.session.close()


def _retry_after(value: str | None, attempt: int) -> float:
    try:
        wait = float(value) if value else 0.5 * (2 ** attempt)
    except ValueError:
        wait = 0.5 * (2 ** attempt)
    return max(0.0, min(wait, MAX_RETRY_AFTER))


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return {}
