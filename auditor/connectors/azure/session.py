"""Credential, endpoints and the one HTTP pipeline every Azure read goes through.

- **Credential**: ``DefaultAzureCredential`` (environment variables, workload or managed identity,
  Azure CLI…) unless ``azure.tenant`` is configured together with ``AZURE_CLIENT_ID``/
  ``AZURE_CLIENT_SECRET`` (then a ``ClientSecretCredential`` for that tenant).
  With a custom authority host (``azure.authority_host`` or ``AZURE_AUTHORITY_HOST`` other than
  the public cloud's), ``authority=`` is passed and instance discovery is disabled, so nothing
  is ever asked of ``login.microsoftonline.com`` (sovereign clouds: Bleu, Delos, Gov, China).
- **Endpoints**: ``azure.arm_endpoint`` becomes every client's ``base_url``. The token scope is
  always ``<arm_endpoint>/.default``: for the public cloud that is
  ``https://management.azure.com/.default``, which Entra accepts like the legacy
  ``management.core.windows.net`` resource, and for any other cloud it is the only form that
  is right without a per-cloud table.
- **Pipeline**: azure-core's default ARM policy list (request id, headers, user agent, proxy,
  content decoding, redirects, retry, bearer token, custom hook, network trace logging, tracing,
  sensitive-header cleanup, HTTP logging) with two changes: the retry honours ``Retry-After``
  capped (so a hostile or broken server cannot park the scan), and there is no
  ``ARMAutoResourceProviderRegistrationPolicy`` (registering a provider is a write). Then, right
  before the transport, the read-only guard and the origin guard: the bearer token goes to the
  configured ARM (or Graph) origin only, whatever a ``nextLink`` or a redirect says; a link
  elsewhere becomes a coverage gap naming its host (``untrusted-link``). TLS trust follows
  ``REQUESTS_CA_BUNDLE`` when set.
- **Token requests** go through a transport that only reaches the configured authority (and the
  managed-identity endpoint the environment names), never a host a discovery document points at.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError
from azure.core.pipeline import PipelineResponse
from azure.core.pipeline.policies import (
    BearerTokenCredentialPolicy,
    ContentDecodePolicy,
    CustomHookPolicy,
    DistributedTracingPolicy,
    HeadersPolicy,
    NetworkTraceLoggingPolicy,
    ProxyPolicy,
    RedirectPolicy,
    RequestIdPolicy,
    RetryPolicy,
    SensitiveHeaderCleanupPolicy,
    UserAgentPolicy,
)
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMHttpLoggingPolicy
from requests.adapters import HTTPAdapter

from auditor import __version__
from auditor.config import AzureConfig
from auditor.connectors.azure.gaps import ReadError, read_error, scrub
from auditor.connectors.readonly import UntrustedLink, azure_is_read_only
from auditor.connectors.readonly_azure import OriginGuard, ReadOnlyGuard, origin_limited_transport
from auditor.model.vocab import GapReason

PUBLIC_ARM = "https://management.azure.com"
PUBLIC_AUTHORITY = "login.microsoftonline.com"
IMDS = "http://169.254.169.254"  # the managed-identity endpoint of Azure VMs
# Variables naming another managed-identity endpoint (App Service, Arc, Cloud Shell, Service Fabric, pod identity).
MANAGED_IDENTITY_ENDPOINTS = ("IDENTITY_ENDPOINT", "MSI_ENDPOINT", "IMDS_ENDPOINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST")
UNTRUSTED_LINK = GapReason.UNTRUSTED_LINK  # ReadError reason: a nextLink or redirect named another origin
MAX_RETRY_AFTER = 60.0  # seconds; longer waits are treated as "throttled" after the retries
RETRIES = 4
CREDENTIAL = GapReason.CREDENTIAL_UNAVAILABLE  # ReadError reason: no token at all (the scan cannot start)

# The SDK logs failures itself (azure-identity: "get_token failed: <the server's error text>"), and with no
# logging configured Python prints such warnings on stderr, unscrubbed, around the CLI's one-line error.
# Failures reach the user through ReadError/ConnectorError, scrubbed; the SDK's own records go nowhere
# unless the embedding application configures logging.
logging.getLogger("azure").addHandler(logging.NullHandler())

# Microsoft Graph per cloud, keyed by ARM host. Any other ARM endpoint (a test fake, an
# ARM-compatible partner cloud) is asked for Graph at its own address; if it does not answer,
# guests and foreign apps become a coverage gap, never "none found".
_GRAPH_BY_ARM_HOST = {
    "management.azure.com": "https://graph.microsoft.com",
    "management.usgovcloudapi.net": "https://graph.microsoft.us",
    "management.chinacloudapi.cn": "https://microsoftgraph.chinacloudapi.cn",
}

@dataclass(frozen=True, slots=True)
class Endpoints:
    arm: str
    arm_scope: str
    graph: str
    graph_scope: str
    authority: str | None  # None: the library default (public cloud or AZURE_AUTHORITY_HOST)
    disable_instance_discovery: bool
    authority_url: str = f"https://{PUBLIC_AUTHORITY}"  # the authority actually used, with its scheme
    token_url: str | None = None  # <authority>/<tenant>/oauth2/v2.0/token when the tenant is known


def endpoints(cfg: AzureConfig, environ: Mapping[str, str]) -> Endpoints:
    arm = (cfg.arm_endpoint or PUBLIC_ARM).rstrip("/")
    graph = _GRAPH_BY_ARM_HOST.get((urlsplit(arm).hostname or "").lower(), arm).rstrip("/")
    authority = cfg.authority_host or None
    env_authority = environ.get("AZURE_AUTHORITY_HOST")
    custom = authority or (env_authority if env_authority and PUBLIC_AUTHORITY not in env_authority else None)
    effective = _with_scheme(authority or env_authority or PUBLIC_AUTHORITY)
    tenant = cfg.tenant or environ.get("AZURE_TENANT_ID")
    return Endpoints(arm=arm, arm_scope=f"{arm}/.default", graph=graph, graph_scope=f"{graph}/.default",
                     authority=authority, disable_instance_discovery=custom is not None, authority_url=effective,
                     token_url=f"{effective}/{tenant}/oauth2/v2.0/token" if tenant else None)


def _with_scheme(host: str) -> str:
    """``login.microsoftonline.us`` → ``https://login.microsoftonline.us`` (as azure-identity reads it)."""
    host = host.strip().rstrip("/")
    return host if "://" in host else f"https://{host}"


def token_origins(ends: Endpoints, environ: Mapping[str, str]) -> list[str]:
    """Where a credential may ask for a token: the authority, and the managed-identity endpoints."""
    return [ends.authority_url, IMDS, *(_with_scheme(environ[k]) for k in MANAGED_IDENTITY_ENDPOINTS
                                        if environ.get(k))]


def credential(cfg: AzureConfig, ends: Endpoints, environ: Mapping[str, str]) -> TokenCredential:
    kwargs: dict[str, Any] = {}
    if ends.authority:
        kwargs["authority"] = ends.authority
    if ends.disable_instance_discovery:
        kwargs["disable_instance_discovery"] = True
    if environ.get("REQUESTS_CA_BUNDLE"):
        kwargs["connection_verify"] = environ["REQUESTS_CA_BUNDLE"]
    kwargs["transport"] = origin_limited_transport(token_origins(ends, environ), **kwargs)
    client_id, secret = environ.get("AZURE_CLIENT_ID"), environ.get("AZURE_CLIENT_SECRET")
    tenant = cfg.tenant or (environ.get("AZURE_TENANT_ID") if environ is not os.environ else None)
    if tenant and client_id and secret:  # a tenant chosen in auditor.yaml, or variables handed over explicitly
        return ClientSecretCredential(tenant, client_id, secret, **kwargs)
    return DefaultAzureCredential(exclude_interactive_browser_credential=True, **kwargs)


class _CappedRetry(RetryPolicy):  # type: ignore[type-arg]
    """azure-core's retry (429/5xx, ``Retry-After`` honoured) with a ceiling on each wait.

    Resource Graph announces its quota reset in ``x-ms-user-quota-resets-after`` (``hh:mm:ss``)
    rather than ``Retry-After``, and answers its query POST with 429: since every request that
    passes the guard is a read, each one is safe to retry, POST included.
    """

    def get_retry_after(self, response: PipelineResponse[Any, Any]) -> float | None:
        value = super().get_retry_after(response)
        resets = response.http_response.headers.get("x-ms-user-quota-resets-after")
        if value is None and resets:
            try:
                hours, minutes, seconds = resets.split(":")
                value = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
            except ValueError:
                value = None
        return None if value is None else min(value, MAX_RETRY_AFTER)

    token_urls: tuple[str, ...] = ()

    def _is_method_retryable(self, settings: dict[str, Any], request: Any, response: Any = None) -> bool:
        return azure_is_read_only(request.method, request.url, self.token_urls) or bool(
            super()._is_method_retryable(settings, request, response))


class Session:
    """One credential, one connection pool, one policy chain; clients built on demand."""

    def __init__(self, cfg: AzureConfig, environ: Mapping[str, str] | None = None,
                 cred: TokenCredential | None = None) -> None:
        env = os.environ if environ is None else environ
        self.endpoints = endpoints(cfg, env)
        self.credential = cred or credential(cfg, self.endpoints, env)
        self.secrets = tuple(v for k, v in env.items() if k.endswith(("_SECRET", "_PASSWORD")) and v)
        http = requests.Session()  # trust_env stays on: REQUESTS_CA_BUNDLE and proxies apply
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(8, cfg.max_workers * 2), max_retries=0)
        http.mount("https://", adapter)
        http.mount("http://", adapter)
        verify: bool | str = env.get("REQUESTS_CA_BUNDLE") or True
        self._transport = RequestsTransport(session=http, session_owner=False, connection_verify=verify)
        self._arm_auth = BearerTokenCredentialPolicy(self.credential, self.endpoints.arm_scope)
        self._graph_auth = BearerTokenCredentialPolicy(self.credential, self.endpoints.graph_scope)
        self._lock = threading.Lock()
        self._clients: dict[tuple[Any, ...], Any] = {}
        self.arm: ARMPipelineClient[Any, Any] = ARMPipelineClient(
            base_url=self.endpoints.arm, policies=self.policies(self._arm_auth, self.endpoints.arm),
            transport=self._transport)
        self.graph: ARMPipelineClient[Any, Any] = ARMPipelineClient(
            base_url=self.endpoints.graph, policies=self.policies(self._graph_auth, self.endpoints.graph),
            transport=self._transport)

    def policies(self, auth: Any, base_url: str) -> list[Any]:
        """azure-core's default ARM policies (minus provider registration), then the two guards.

        The origin guard is there twice: after the redirect policy (a foreign hop is refused before a
        token is attached to it or a retry is tried) and last, in front of the transport, whatever a
        policy in between might do.
        """
        retry = _CappedRetry(retry_total=RETRIES, retry_backoff_factor=0.5, retry_backoff_max=30)
        tokens = (self.endpoints.token_url,) if self.endpoints.token_url else ()
        retry.token_urls = tokens
        return [
            RequestIdPolicy(),
            HeadersPolicy(),
            UserAgentPolicy(base_user_agent=f"sovereign-auditor/{__version__}"),
            ProxyPolicy(),
            ContentDecodePolicy(),
            RedirectPolicy(),
            OriginGuard(base_url),  # sees every redirect hop before a token is attached or a retry is tried
            retry,
            auth,
            CustomHookPolicy(),
            NetworkTraceLoggingPolicy(),
            DistributedTracingPolicy(),
            SensitiveHeaderCleanupPolicy(),
            ARMHttpLoggingPolicy(),
            ReadOnlyGuard(tokens),
            OriginGuard(base_url),
        ]

    def sdk(self, cls: Any, *args: Any) -> Any:
        """An ``azure-mgmt-*`` client on the shared pipeline (cached per class and arguments)."""
        key = (cls, *args)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = cls(self.credential, *args, base_url=self.endpoints.arm,
                             policies=self.policies(self._arm_auth, self.endpoints.arm), transport=self._transport)
                self._clients[key] = client
        return client

    # ---- plain reads -------------------------------------------------------------------------

    def get(self, path: str, api_version: str | None, params: Mapping[str, str] | None = None,
            *, graph: bool = False) -> dict[str, Any]:
        """GET ``path`` (relative to ARM/Graph, or an absolute nextLink) and return its JSON."""
        client = self.graph if graph else self.arm
        query = dict(params or {})
        if api_version:
            query["api-version"] = api_version
        root = self.endpoints.graph if graph else self.endpoints.arm
        url = path if urlsplit(path).scheme else f"{root}{path}"
        request = HttpRequest("GET", url, params=query)
        try:
            response = client.send_request(request)
        except UntrustedLink as exc:
            raise self._untrusted(exc) from None
        except ClientAuthenticationError as exc:
            raise ReadError(CREDENTIAL, None, "CredentialUnavailable", self.scrub(str(exc))) from None
        except AzureError as exc:
            raise ReadError(GapReason.ERROR, None, type(exc).__name__, self.scrub(str(exc))) from None
        if response.status_code >= 400:
            raise read_error(response.status_code, _json(response), _headers(response), self.secrets)
        body = _json(response)
        return body if isinstance(body, dict) else {"value": body}

    def pages(self, path: str, api_version: str | None, params: Mapping[str, str] | None = None,
              *, graph: bool = False) -> Iterator[dict[str, Any]]:
        """Every item of an ARM (``nextLink``) or Graph (``@odata.nextLink``) collection."""
        page = self.get(path, api_version, params, graph=graph)
        seen: set[str] = set()
        while True:
            yield from page.get("value") or ()
            link = page.get("nextLink") or page.get("@odata.nextLink")
            if not link:
                return
            if not isinstance(link, str) or link in seen:  # a server that loops or answers nonsense
                raise ReadError(GapReason.ERROR, None, "InvalidNextLink", "the listing's next page link is invalid or "
                                "repeats itself; the listing is incomplete")
            seen.add(link)
            # The origin guard refuses a link to any other scheme, host or port (UntrustedLink → gap).
            page = self.get(link, None if "api-version=" in link else api_version, graph=graph)

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run an SDK call; turn its HTTP errors into :class:`ReadError`."""
        try:
            return fn(*args, **kwargs)
        except UntrustedLink as exc:
            raise self._untrusted(exc) from None
        except ClientAuthenticationError as exc:
            if exc.response is None:  # the credential, not ARM, failed
                raise ReadError(CREDENTIAL, None, "CredentialUnavailable", self.scrub(str(exc))) from None
            raise self._http_error(exc) from None
        except HttpResponseError as exc:
            raise self._http_error(exc) from None
        except AzureError as exc:
            raise ReadError(GapReason.ERROR, None, type(exc).__name__, self.scrub(str(exc))) from None

    def _untrusted(self, exc: UntrustedLink) -> ReadError:
        return ReadError(UNTRUSTED_LINK, None, "UntrustedLink", self.scrub(str(exc)))

    def _http_error(self, exc: HttpResponseError) -> ReadError:
        status = exc.status_code
        body = {"error": {"code": getattr(exc.error, "code", None) or exc.reason,
                          "message": getattr(exc.error, "message", None) or str(exc)}}
        headers = _headers(exc.response) if exc.response is not None else {}
        return read_error(status or 0, body, headers, self.secrets)

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def close(self) -> None:
        if self._transport.session is not None:
            self._transport.session.close()


def _json(response: Any) -> Any:
    try:
        return response.json()
    except (ValueError, TypeError):
        return {}


def _headers(response: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (getattr(response, "headers", None) or {}).items()}
