"""A local, stateful, HTTPS Azure Resource Manager for the demo and the tests.

It answers the way ARM does, with the JSON shapes of the Azure REST API spec examples, for
whatever objects are ``put`` into it: ``GET`` of an id returns the object, ``GET`` of a
collection path lists the objects below it (``nextLink`` paging), subscription-scope lists of
extension resources (role assignments, Lighthouse assignments) include the ones at, above and
below the scope, and ``POST /providers/Microsoft.ResourceGraph/resources`` serves Resource
Graph rows with ``$skipToken`` paging. It also plays Entra ID (OpenID configuration and a
client-credentials token endpoint, so the real ``azure-identity`` credentials work against it)
and a sliver of Microsoft Graph (``/v1.0/users/{id}``, ``/v1.0/servicePrincipals/{id}``).

Failure injection: ``throttle`` (429 + ``Retry-After``), ``deny`` (403 on a path prefix),
``foreign`` (a subscription of another tenant: 401 with the tenant in the challenge, as ARM
does), ``deny_graph``. Hostile answers: ``hijack_next_link`` (a listing whose ``nextLink`` names
another server), ``redirect`` (a 307 to another server) and ``token_endpoint`` (an OpenID
configuration that sends token requests elsewhere). Every request is logged in ``requests``
(method, path, query) and its ``Authorization`` header in ``authorizations``.
TLS comes from a throw-away ``trustme`` CA written to ``ca_path``; pass ``ca=`` to share one CA
between two fakes (a second one on another port plays the attacker the first one points at).
"""

from __future__ import annotations

import json
import re
import secrets
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import trustme

GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
_TYPES_IN_QUERY = re.compile(r"type\s+in~\s*\(([^)]*)\)", re.IGNORECASE)


def _scope_and_type(resource_id: str) -> tuple[str, str, int]:
    """``…/providers/NS/t1/n1/t2/n2`` → (scope before the last provider, ``ns/t1/t2``, depth)."""
    low = resource_id.rstrip("/").lower()
    cut = low.rfind("/providers/")
    if cut < 0:
        return low, "", 0
    scope, rest = low[:cut], low[cut + len("/providers/"):].split("/")
    types = [rest[0], *rest[1::2]]
    return scope, "/".join(types), len(types) - 2


def _under(scope: str, target: str) -> bool:
    return scope == "" or target == scope or target.startswith(scope + "/")


class FakeARM:
    def __init__(self, tenant: str, *, ca_dir: Path | None = None, page_size: int = 100,
                 graph_page_size: int = 1000, client_secret: str | None = None,
                 ca: trustme.CA | None = None) -> None:
        self.tenant = tenant.lower()
        self.page_size = page_size
        self.graph_page_size = graph_page_size
        self.client_secret = client_secret  # when set, the token endpoint checks it
        self.objects: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.tenants: list[dict[str, Any]] = []  # GET /tenants (display names)
        self.locations: list[dict[str, Any]] = []
        self.data_boundary: dict[str, Any] | None = None
        self.graph_objects: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.authorizations: list[tuple[str, str, str]] = []  # method, path, Authorization header ("" if none)
        self.token_endpoint: str | None = None  # None: this server's own
        self._next_links: dict[str, str] = {}
        self._redirects: dict[str, tuple[int, str]] = {}
        self.tokens: set[str] = set()
        self._by_type: dict[str, list[dict[str, Any]]] = {}
        self._children: dict[str, list[dict[str, Any]]] = {}
        self._rows: list[dict[str, Any]] = []
        self._denied: list[str] = []
        self._foreign: dict[str, str] = {}
        self._throttled: dict[str, list[Any]] = {}
        self._graph_denied = False
        self._lock = threading.Lock()
        self._dir = Path(ca_dir) if ca_dir else Path(tempfile.mkdtemp(prefix="fakearm-"))
        ca = ca or trustme.CA()
        self.ca = ca
        self.ca_path = str(self._dir / "fake-arm-ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(tls)
        self._httpd = _Server(("127.0.0.1", 0), _handler(self), tls)
        self.base_url = f"https://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    # ---- state --------------------------------------------------------------------------------

    def add_subscription(self, sub_id: str, name: str, *, tenant: str | None = None,
                         managed_by: Iterable[str] = (), listed: bool = True,
                         tags: Mapping[str, str] | None = None) -> dict[str, Any]:
        # Shape: specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/
        #        examples/GetSubscriptions.json
        sub = {"id": f"/subscriptions/{sub_id}", "subscriptionId": sub_id, "tenantId": tenant or self.tenant,
               "displayName": name, "state": "Enabled",
               "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01",
                                        "spendingLimit": "Off"},
               "authorizationSource": "RoleBased", "managedByTenants": [{"tenantId": t} for t in managed_by],
               "tags": dict(tags or {}), "_listed": listed}
        self.subscriptions[sub_id.lower()] = sub
        return sub

    def put(self, obj: dict[str, Any]) -> dict[str, Any]:
        rid = str(obj["id"])
        with self._lock:
            self.objects[rid.lower()] = obj
            scope, kind, depth = _scope_and_type(rid)
            if depth == 0 and "/providers/" in scope:  # an extension of a resource: listed there, and wide
                self._children.setdefault(rid.rstrip("/").lower().rsplit("/", 1)[0], []).append(obj)
            if depth == 0:
                self._by_type.setdefault(kind, []).append(obj)
            else:
                self._children.setdefault(rid.rstrip("/").lower().rsplit("/", 1)[0], []).append(obj)
            if "location" in obj and scope.startswith("/subscriptions/") and rid.lower().count("/providers/") == 1:
                self._rows.append(self._row(obj))
        return obj

    def also_list(self, collection: str, obj: dict[str, Any]) -> None:
        """List ``obj`` under another collection too (a flexible server's ``replicas``…)."""
        with self._lock:
            self._children.setdefault(collection.rstrip("/").lower(), []).append(obj)

    def put_all(self, objects: Iterable[dict[str, Any]]) -> None:
        for obj in objects:
            self.put(obj)

    def _row(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        rid = str(obj["id"])
        parts = rid.split("/")
        return {"id": rid, "name": rid.rsplit("/", 1)[-1], "type": _scope_and_type(rid)[1],
                "location": str(obj.get("location") or "").lower().replace(" ", ""),
                "tags": obj.get("tags") or {}, "kind": obj.get("kind"), "sku": obj.get("sku"),
                "subscriptionId": parts[2], "resourceGroup": parts[4] if len(parts) > 4 else None,
                "tenantId": self.subscriptions.get(parts[2].lower(), {}).get("tenantId", self.tenant)}

    def graph_put(self, obj: dict[str, Any]) -> None:
        self.graph_objects[str(obj["id"]).lower()] = obj

    def deny(self, prefix: str) -> None:
        self._denied.append(prefix.rstrip("/").lower())

    def foreign(self, sub_id: str, tenant: str) -> None:
        self._foreign[sub_id.lower()] = tenant.lower()

    def deny_graph(self) -> None:
        self._graph_denied = True

    def throttle(self, path: str, times: int = 1, retry_after: float = 1, header: str = "Retry-After") -> None:
        """Answer ``path`` with 429 ``times`` times; Resource Graph uses ``x-ms-user-quota-resets-after``."""
        value = f"00:00:{retry_after:02.0f}" if header.lower() == "x-ms-user-quota-resets-after" else str(retry_after)
        self._throttled[path.rstrip("/").lower()] = [times, header, value]

    def hijack_next_link(self, collection: str, url: str) -> None:
        """The first page of ``collection`` says its next page is at ``url`` (any server)."""
        self._next_links[collection.rstrip("/").lower()] = url

    def redirect(self, path: str, location: str, status: int = 307) -> None:
        """Answer ``GET path`` with a redirect to ``location`` (any server)."""
        self._redirects[path.rstrip("/").lower()] = (status, location)

    def methods(self) -> set[str]:
        return {m for m, _, _ in self.requests}

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeARM:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, name="fakearm")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeARM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- answers ------------------------------------------------------------------------------

    def answer(self, method: str, path: str, query: dict[str, str], body: bytes,
               auth: str) -> tuple[int, Any, dict[str, str]]:
        low = path.rstrip("/").lower() or "/"
        self.requests.append((method, path, query))
        self.authorizations.append((method, path, auth))
        if low.endswith("/v2.0/.well-known/openid-configuration"):
            tenant = path.strip("/").split("/")[0]
            base = f"{self.base_url}/{tenant}"
            return 200, {"token_endpoint": self.token_endpoint or f"{base}/oauth2/v2.0/token", "issuer": f"{base}/v2.0",
                         "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                         "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode"}, {}
        if method == "POST" and low.endswith("/oauth2/v2.0/token"):
            return self._token(body)
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if token not in self.tokens:
            return 401, _error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is "
                                                       "missing or invalid."), {}
        slot = self._throttled.get(low)
        if slot and slot[0] > 0:
            with self._lock:
                slot[0] -= 1
            return 429, _error("TooManyRequests", "The request is being throttled."), {slot[1]: slot[2]}
        if method == "GET" and low in self._redirects:
            status, location = self._redirects[low]
            return status, _error("Moved", "moved"), {"Location": location}
        if low.startswith("/v1.0/"):
            return self._graph(method, low)
        parts = low.split("/")
        if len(parts) > 2 and parts[1] == "subscriptions" and parts[2] in self._foreign:
            other = self._foreign[parts[2]]
            return 401, _error("InvalidAuthenticationTokenTenant",
                               f"The access token is from the wrong issuer 'https://sts.windows.net/{self.tenant}/'. "
                               f"It must match the tenant 'https://sts.windows.net/{other}/' associated with this "
                               "subscription."), {
                "WWW-Authenticate": f'Bearer authorization_uri="https://login.windows.net/{other}", '
                                    'error="invalid_token", error_description="The access token is from the wrong '
                                    'issuer."'}
        if any(_under(prefix, low) for prefix in self._denied):
            return 403, _error("AuthorizationFailed", f"The client does not have authorization to perform action "
                                                      f"'read' over scope '{path}' or the scope is invalid."), {}
        if method == "POST" and low == GRAPH_PATH:
            return 200, self._resource_graph(json.loads(body or b"{}")), {}
        if method != "GET":
            return 405, _error("MethodNotAllowed", f"{method} is not supported by this fake"), {}
        return self._get(path, low, query)

    def _token(self, body: bytes) -> tuple[int, Any, dict[str, str]]:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if self.client_secret is not None and form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret "
                                                                        "provided."}, {}
        token = f"fake-{secrets.token_urlsafe(24)}"
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token}, {}

    def _graph(self, method: str, low: str) -> tuple[int, Any, dict[str, str]]:
        if self._graph_denied:
            return 403, _error("Authorization_RequestDenied", "Insufficient privileges to complete the operation."), {}
        obj = self.graph_objects.get(low.rsplit("/", 1)[-1]) if method == "GET" else None
        if obj is None:
            return 404, _error("Request_ResourceNotFound", f"Resource '{low.rsplit('/', 1)[-1]}' does not exist."), {}
        return 200, obj, {}

    def _resource_graph(self, request: Mapping[str, Any]) -> dict[str, Any]:
        # Shape: specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2021-03-01/
        #        examples/ResourcesBasicQuery.json (paging fields as in the QueryResponse schema)
        subs = {str(s).lower() for s in request.get("subscriptions") or ()}
        match = _TYPES_IN_QUERY.search(str(request.get("query") or ""))
        types = {t.strip().strip("'\"").lower() for t in match.group(1).split(",")} if match else None
        rows = [r for r in self._rows if r["subscriptionId"].lower() in subs and (types is None or r["type"] in types)
                and not any(_under(p, r["id"].lower()) for p in self._denied)]
        options = request.get("options") or {}
        skip = int(options.get("$skipToken") or options.get("$skip") or 0)
        top = min(int(options.get("$top") or 100), self.graph_page_size)
        page = rows[skip:skip + top]
        out: dict[str, Any] = {"totalRecords": len(rows), "count": len(page), "resultTruncated": "false",
                               "facets": [], "data": page}
        if skip + top < len(rows):
            out["$skipToken"] = str(skip + top)
        return out

    def _get(self, path: str, low: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if low == "/tenants":
            return self._page(path, query, self.tenants)
        if low == "/subscriptions":
            return self._page(path, query, [_public(s) for s in self.subscriptions.values() if s["_listed"]])
        if low == "/providers/microsoft.resources/databoundaries/default":
            if self.data_boundary is None:
                return 404, _error("ResourceNotFound", "no data boundary is defined for this tenant"), {}
            return 200, self.data_boundary, {}
        parts = low.split("/")
        if len(parts) == 3 and parts[1] == "subscriptions":
            sub = self.subscriptions.get(parts[2])
            return (200, _public(sub), {}) if sub else (404, _error("SubscriptionNotFound",
                                                                    f"The subscription '{parts[2]}' could not be "
                                                                    "found."), {})
        if len(parts) == 4 and parts[1] == "subscriptions" and parts[3] == "locations":
            return 200, {"value": self.locations}, {}
        if len(parts) == 4 and parts[1] == "subscriptions" and parts[3] == "resources":
            # resources/…/Microsoft.Resources/stable/2022-09-01 "Resources_List": GenericResourceExpanded items
            return self._page(path, query, [
                {k: v for k, v in self.objects[r["id"].lower()].items() if k in ("id", "name", "type", "location",
                                                                                   "tags", "kind", "sku")}
                for r in self._rows if r["subscriptionId"].lower() == parts[2]])
        if len(parts) == 4 and parts[1] == "subscriptions" and parts[3] == "resourcegroups":
            groups = sorted({o["id"].split("/")[4] for o in self.objects.values()
                             if o["id"].lower().startswith(f"/subscriptions/{parts[2]}/resourcegroups/")})
            return self._page(path, query, [{"id": f"/subscriptions/{parts[2]}/resourceGroups/{g}", "name": g,
                                             "type": "Microsoft.Resources/resourceGroups", "location": "westeurope",
                                             "properties": {"provisioningState": "Succeeded"}} for g in groups])
        obj = self.objects.get(low)
        if obj is not None:
            return 200, obj, {}
        cut = low.rfind("/providers/")
        rest = low[cut + len("/providers/"):].split("/") if cut >= 0 else []
        if len(rest) < 2 or len(rest) % 2:  # not a collection path
            return 404, _error("ResourceNotFound", f"The Resource '{path}' was not found."), {}
        if low in self._children:
            items = self._children[low]
        elif len(rest) == 2 and "/providers/" not in low[:cut]:
            items = [o for o in self._by_type.get("/".join(rest), ()) if self._in_list(low[:cut], o)]
        elif self._ancestor_exists(low):
            items = []
        else:
            return 404, _error("ParentResourceNotFound", f"The parent of '{path}' was not found."), {}
        return self._page(path, query, items)

    def _ancestor_exists(self, low: str) -> bool:
        parts = low.split("/")
        while len(parts) > 2 and "providers" in parts[:-2]:
            parts = parts[:-1]
            if "/".join(parts) in self.objects:
                return True
        return False

    @staticmethod
    def _in_list(scope: str, obj: Mapping[str, Any]) -> bool:
        """At, below, or (for subscription-wide lists) above the scope, as ARM lists role assignments."""
        own = _scope_and_type(str(obj["id"]))[0]
        return _under(scope, own) or (not own.startswith("/subscriptions/") and scope.startswith("/subscriptions/")) \
            or _under(own, scope)

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[int, Any, dict[str, str]]:
        skip = int(query.get("$skiptoken") or 0)
        body: dict[str, Any] = {"value": items[skip:skip + self.page_size]}
        if skip + self.page_size < len(items):
            rest = {k: v for k, v in query.items() if k != "$skiptoken"}
            body["nextLink"] = f"{self.base_url}{path}?{urlencode({**rest, '$skiptoken': skip + self.page_size})}"
        hijacked = self._next_links.get(path.rstrip("/").lower())
        if hijacked and not skip:
            body["nextLink"] = hijacked
        return 200, body, {}


def _public(sub: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sub.items() if not k.startswith("_")}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext) -> None:
        self.tls = tls
        super().__init__(address, handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:  # the handshake runs in the connection's own thread, never in the accept loop
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)  # type: ignore[arg-type]
        finally:
            conn.close()


Answer = Callable[[str, str, dict[str, str], bytes, str], tuple[int, Any, Mapping[str, str]]]


def _handler(fake: FakeARM) -> type[BaseHTTPRequestHandler]:
    return json_handler(fake.answer, lambda text: _error("InternalServerError", text))


def json_handler(answer: Answer, internal: Callable[[str], Any]) -> type[BaseHTTPRequestHandler]:
    """An HTTP/1.1 handler answering JSON from ``answer(method, path, query, body, authorization)``;
    a bug in a fake is answered as a 500 with ``internal(repr(exc))``, never a dropped connection.
    Shared by the fake ARM and the fake Google Cloud."""
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            try:
                status, payload, headers = answer(method, url.path, query, body,
                                                       self.headers.get("Authorization") or "")
            except Exception as exc:  # a bug in the fake: answer it, do not drop the connection
                status, payload, headers = 500, internal(repr(exc)), {}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler
