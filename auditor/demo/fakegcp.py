"""A local, HTTPS Google Cloud REST server for the demo and the tests.

It serves whatever JSON documents are ``put`` into it, at their REST paths, the way the Google APIs
do: a collection answers ``{<key>: [...], "nextPageToken": …}`` pages (``pageSize``/``pageToken``),
an object answers itself, anything else ``404`` with Google's error body
(``{"error": {"code", "message", "status", "details"}}``, https://cloud.google.com/apis/design/errors).
Cloud Asset Inventory's ``searchAllResources`` filters its rows by ``assetTypes`` and scope,
``searchAllIamPolicies`` by scope; ``assets.list`` with ``contentType=IAM_POLICY`` answers the same policies
as ``Asset`` rows (https://cloud.google.com/asset-inventory/docs/reference/rest/v1/assets/list). It also
plays the OAuth token endpoint (``POST /token``, the JWT-bearer grant a service-account key makes),
so the real ``google-auth`` credentials work against it; a self-signed JWT (the form keys take
outside googleapis.com) is accepted as a bearer token as well.

The documents themselves are built by :mod:`auditor.demo.gcp_estate` in the shapes of each API's
reference (cited there). Failure injection: ``deny`` (403 PERMISSION_DENIED on a path prefix),
``disable`` (403 SERVICE_DISABLED with its ``ErrorInfo``), ``redirect`` (a 307 to another origin),
``loop`` (a listing whose ``nextPageToken`` never changes), ``throttle`` (429 with ``Retry-After: 0``).
Every request is logged in ``requests`` (method, path, query) and its ``Authorization`` header in
``authorizations``.
"""

from __future__ import annotations

import secrets
import ssl
import tempfile
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import trustme

from auditor.demo.fakearm import _Server, json_handler

SEARCH = ":searchAllResources"
SEARCH_IAM = ":searchAllIamPolicies"
ASSETS = "/assets"
PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project"
ORG_TYPE = "cloudresourcemanager.googleapis.com/Organization"


def error(code: int, status: str, message: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        body["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                            "domain": "googleapis.com"}]
    return {"error": body}


class FakeGCP:
    def __init__(self, *, ca_dir: Path | None = None, page_size: int = 2, ca: trustme.CA | None = None) -> None:
        self.page_size = page_size
        self.objects: dict[str, dict[str, Any]] = {}
        self.collections: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.assets: list[dict[str, Any]] = []  # ResourceSearchResult rows (with "_scopes" to filter on)
        self.policies: list[dict[str, Any]] = []  # IamPolicySearchResult rows (with "_scopes")
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.authorizations: list[tuple[str, str, str]] = []
        self.tokens: set[str] = set()
        self._denied: dict[str, tuple[int, dict[str, Any]]] = {}
        self._redirects: dict[str, str] = {}
        self._loops: set[str] = set()
        self._throttled: dict[str, int] = {}
        self._lock = threading.Lock()
        self._dir = Path(ca_dir) if ca_dir else Path(tempfile.mkdtemp(prefix="fakegcp-"))
        self.ca = ca or trustme.CA()
        self.ca_path = str(self._dir / "fake-gcp-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(tls)
        self._httpd = _Server(("127.0.0.1", 0), _handler(self), tls)
        self.base_url = f"https://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread: threading.Thread | None = None
        self.empty("/v1/accessPolicies", "accessPolicies")  # an organisation without VPC Service Controls

    # ---- state --------------------------------------------------------------------------------

    def put(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[path] = obj
        return obj

    def add(self, path: str, key: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.collections.setdefault(path, (key, []))[1].append(obj)
        return obj

    def empty(self, path: str, key: str) -> None:
        """A collection that exists and holds nothing (answers ``{}``, as the APIs do)."""
        self.collections.setdefault(path, (key, []))

    def fhir_dataset(self, path: str, store: str, labels: dict[str, str], reader: str) -> None:
        """A Healthcare API dataset at ``path`` holding one FHIR R4 store, read by ``reader`` (an IAM member)."""
        self.put(f"/v1/{path}", {"name": path, "timeZone": "Europe/Paris"})
        self.add(f"/v1/{path}/fhirStores", "fhirStores", {"name": f"{path}/fhirStores/{store}", "version": "R4",
                                                           "labels": labels})
        self.empty(f"/v1/{path}/dicomStores", "dicomStores")
        self.empty(f"/v1/{path}/hl7V2Stores", "hl7V2Stores")
        self.put(f"/v1/{path}:getIamPolicy", {"version": 1, "etag": "BwY=", "bindings": [
            {"role": "roles/healthcare.fhirResourceReader", "members": [reader]}]})

    def asset(self, row: dict[str, Any], *scopes: str) -> None:
        self.assets.append({**row, "_scopes": list(scopes)})

    def iam_policy(self, row: dict[str, Any], *scopes: str) -> None:
        self.policies.append({**row, "_scopes": list(scopes)})

    def deny(self, prefix: str) -> None:
        self._denied[prefix] = (403, error(403, "PERMISSION_DENIED", "The caller does not have permission"))

    def disable(self, prefix: str, api: str) -> None:
        self._denied[prefix] = (403, error(403, "PERMISSION_DENIED", f"{api} has not been used in project before "
                                           "or it is disabled.", "SERVICE_DISABLED"))

    def redirect(self, path: str, location: str) -> None:
        self._redirects[path] = location

    def throttle(self, path: str, times: int) -> None:
        """The next ``times`` requests of ``path`` answer 429 RESOURCE_EXHAUSTED with ``Retry-After: 0``."""
        self._throttled[path] = times

    def loop(self, path: str) -> None:
        self._loops.add(path)

    # ---- server -------------------------------------------------------------------------------

    def start(self) -> FakeGCP:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fakegcp", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeGCP:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, method: str, path: str, query: Mapping[str, str], body: bytes,
               authorization: str) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.requests.append((method, path, dict(query)))
            self.authorizations.append((method, path, authorization))
        if method == "POST" and path == "/token":
            token = f"ya29.fake-{secrets.token_hex(8)}"
            self.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}, {}
        bearer = authorization.removeprefix("Bearer ").strip()
        if bearer not in self.tokens and not (bearer.startswith("eyJ") and bearer.count(".") == 2):
            return 401, error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."), {}
        if method != "GET":
            return 405, error(405, "METHOD_NOT_ALLOWED", f"{method} is not served by this fake"), {}
        with self._lock:
            left = self._throttled.get(path, 0)
            if left:
                self._throttled[path] = left - 1
        if left:
            return 429, error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), {"Retry-After": "0"}
        if path in self._redirects:
            return 307, {}, {"Location": self._redirects[path]}
        for prefix, (status, payload) in self._denied.items():
            if path.startswith(prefix):
                return status, payload, {}
        if path.endswith(SEARCH):
            return self._page(path, query, "results", self._search(path, query))
        if path.endswith(SEARCH_IAM):
            scope = path.removeprefix("/v1/").removesuffix(SEARCH_IAM)
            rows = [{k: v for k, v in r.items() if k != "_scopes"} for r in self.policies if scope in r["_scopes"]]
            return self._page(path, query, "results", rows)
        if path.endswith(ASSETS) and query.get("contentType") == "IAM_POLICY":
            return self._page(path, query, "assets", self._iam_assets(path, query))
        if path in self.collections:
            key, items = self.collections[path]
            return self._page(path, query, key, items)
        if path in self.objects:
            return 200, self.objects[path], {}
        return 404, error(404, "NOT_FOUND", f"{path} not found"), {}

    def _search(self, path: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        scope = path.removeprefix("/v1/").removesuffix(SEARCH)
        types = {t for t in (query.get("assetTypes") or "").split(",") if t}
        return [{k: v for k, v in row.items() if k != "_scopes"} for row in self.assets
                if scope in row["_scopes"] and (not types or row.get("assetType") in types)]

    def _iam_assets(self, path: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        """``assets.list`` with ``contentType=IAM_POLICY``: the ``searchAllIamPolicies`` rows as ``Asset``s
        (``name``, ``assetType``, ``iamPolicy`` with its ``auditConfigs``, ``ancestors``), and the organisation
        and every project of ``projects:search`` without a row of their own (they always have a policy)."""
        scope = path.removeprefix("/v1/").removesuffix(ASSETS)
        types = {t for t in (query.get("assetTypes") or "").split(",") if t}
        out: list[dict[str, Any]] = []
        for row in self.policies:
            if scope in row["_scopes"] and (not types or row.get("assetType") in types):
                own = str(row["resource"]).split("/", 3)[-1]
                ancestors = list(dict.fromkeys([own, *row.get("folders", []), *([row["organization"]]
                                                                                 if row.get("organization") else [])]))
                out.append({"name": row["resource"], "assetType": row.get("assetType"), "iamPolicy": row["policy"],
                            "ancestors": ancestors, "updateTime": "2024-03-01T10:00:00Z"})
        listed = {a["name"].split("/", 3)[-1] for a in out}  # organizations/1, projects/2: in any universe
        org = f"//cloudresourcemanager.googleapis.com/{scope}"
        if scope.startswith("organizations/") and scope not in listed and (not types or ORG_TYPE in types):
            out.append({"name": org, "assetType": ORG_TYPE, "iamPolicy": {"version": 1, "etag": "BwY=", "bindings": []},
                        "ancestors": [scope], "updateTime": "2024-02-01T09:00:00Z"})
        for project in (self.collections.get("/v3/projects:search") or ("", []))[1]:
            name = f"//cloudresourcemanager.googleapis.com/{project['name']}"
            if (not types or PROJECT_TYPE in types) and project["name"] not in listed and (
                    scope in (project.get("parent"), project["name"], f"projects/{project.get('projectId')}")):
                out.append({"name": name, "assetType": PROJECT_TYPE, "updateTime": "2024-02-01T09:00:00Z",
                            "iamPolicy": {"version": 1, "etag": "BwY=", "bindings": []},
                            "ancestors": [project["name"], project.get("parent")]})
        return out

    def _page(self, path: str, query: Mapping[str, str], key: str,
              items: list[dict[str, Any]]) -> tuple[int, Any, dict[str, str]]:
        size = min(int(query.get("pageSize") or self.page_size), self.page_size)
        start = int(query.get("pageToken") or 0)
        page: dict[str, Any] = {key: items[start:start + size]} if items else {}
        if path in self._loops:
            page["nextPageToken"] = "0"
        elif start + size < len(items):
            page["nextPageToken"] = str(start + size)
        return 200, page, {}


def _handler(fake: FakeGCP) -> type[BaseHTTPRequestHandler]:
    return json_handler(fake.answer, lambda text: error(500, "INTERNAL", text))
