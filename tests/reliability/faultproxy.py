"""A small fault-injecting reverse proxy for the reliability tests (HTTP or HTTPS, in this process).

It sits between the tool and an emulator (the moto server, the fake ARM), forwards every request
unchanged, and on the requests a :class:`Rule` selects answers instead with a fault a real cloud
produces:

``throttle``  AWS: the throttling error of the service's own protocol (S3 ``503 SlowDown`` XML,
              query ``Throttling`` XML, EC2 ``RequestLimitExceeded``, JSON ``ThrottlingException``,
              REST-JSON ``429`` + ``x-amzn-ErrorType``, RPCv2 CBOR); Azure: ``429 TooManyRequests``;
              always with ``Retry-After``
``error``     a 5xx: ``500`` with the protocol's internal-error document, or a gateway's ``502``/``503``/
              ``504`` HTML page
``reset``     the connection is reset (TCP RST) after the request was read, with no answer
``slow``      the answer comes ``delay`` seconds late
``deny``      AccessDenied in the protocol's shape (Azure: ``403 AuthorizationFailed``); with ``echo``,
              the message repeats the request's credential headers and body, as a careless server might

Decisions are seeded and repeatable: whether the *k*-th sending of one request (same method,
path, query, operation and body) is faulted depends only on ``seed``, the request and *k*,
never on how threads interleave. ``max_consecutive`` makes faults transient: a request faulted
that many times in a row goes through on the next try (requests are told apart by method, path, query,
body, operation, and for AWS the signing region, service and access key).

``die_after=N`` makes the proxy die after N requests (the next one is reset, the listening socket
closes, open connections are cut): a server that dies mid-scan. The upstream's own address in
answers (ARM ``nextLink``, token endpoints) is rewritten to the proxy's, so paging stays behind it.
Every request is logged in ``seen`` with the service, region and operation it addresses.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import json
import random
import re
import socket
import ssl
import struct
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

FAULTS = ("throttle", "error", "reset", "slow", "deny")


@dataclass(frozen=True)
class Rule:
    """Which requests get which fault, how often. Unset selectors match everything."""

    fault: str
    rate: float = 1.0
    service: str | None = None  # AWS signing name (s3, kms, sts…) or Azure provider (Microsoft.Storage)
    region: str | None = None  # AWS only (from the request's signature)
    method: str | None = None
    operation: str | None = None  # AWS operation (GetBucketPolicy, ListKeys…)
    path: str | None = None  # regular expression searched in "path?query"
    max_consecutive: int | None = None
    retry_after: str = "1"
    delay: float = 0.3
    echo: bool = False  # deny: the error message repeats the request's credentials headers and body
    extra: str = ""  # deny: more text in the error message (e.g. a connection string the server leaks)

    def __post_init__(self) -> None:
        assert self.fault in FAULTS, self.fault

    def selects(self, info: RequestInfo) -> bool:
        return ((self.service is None or (info.service or "").lower() == self.service.lower())
                and (self.region is None or info.region == self.region)
                and (self.method is None or info.method == self.method.upper())
                and (self.operation is None or info.operation == self.operation)
                and (self.path is None or re.search(self.path, info.target) is not None))


@dataclass(frozen=True)
class RequestInfo:
    method: str
    path: str
    query: str
    service: str | None
    region: str | None
    operation: str | None
    protocol: str  # rest-xml, query, ec2, json, rest-json, smithy-rpc-v2-cbor, arm

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class Seen:
    info: RequestInfo
    fault: str | None = None
    status: int | None = None  # None: no answer (reset)
    headers: dict[str, str] = field(default_factory=dict)


# ---- what a request addresses ---------------------------------------------------------------

_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_RPC_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)")
_MODEL_NAMES = {"elasticfilesystem": "efs", "tagging": "resourcegroupstaggingapi"}  # signing name -> model
_ALSO = {"bedrock": ("bedrock-agent",)}  # models that sign with another service's name


@functools.lru_cache(maxsize=64)
def _model(service: str) -> Any:
    import botocore.session

    try:
        return botocore.session.get_session().get_service_model(_MODEL_NAMES.get(service, service))
    except Exception:
        return None


def _protocol(service: str) -> str | None:
    model = _model(service)
    return None if model is None else str(model.protocol)


@functools.lru_cache(maxsize=64)
def _routes(service: str) -> tuple[tuple[str, re.Pattern[str], frozenset[str], int, str], ...]:
    """(method, path pattern, required query keys, literal length, operation) of a REST service model."""
    model = _model(service)
    if model is None:
        return ()
    out = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = str(http.get("requestUri", "/")).partition("?")
        pattern, literal = "", 0
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                pattern += ".+" if piece.endswith("+}") else "[^/]+"
            else:
                pattern += re.escape(piece)
                literal += len(piece)
        keys = frozenset(k.partition("=")[0] for k in query.split("&") if k)
        out.append((str(http.get("method", "GET")), re.compile(f"^{pattern.rstrip('/') or '/'}/?$"), keys, literal,
                    name))
    return tuple(out)


def rest_operation(service: str, method: str, path: str, query: dict[str, list[str]]) -> str | None:
    """The operation of a REST (XML or JSON) request, from the service model's HTTP bindings."""
    best: tuple[int, int, str] | None = None
    for verb, pattern, keys, literal, name in [r for s in (service, *_ALSO.get(service, ())) for r in _routes(s)]:
        if verb == method and pattern.match(path) and keys <= query.keys():
            score = (len(keys), literal, name)
            best = score if best is None or score[:2] > best[:2] else best
    return None if best is None else best[2]


def aws_info(method: str, path: str, query: str, headers: Any, body: bytes) -> RequestInfo:
    found = _CREDENTIAL.search(headers.get("Authorization") or "")
    region, service = found.groups() if found else (None, None)
    if path.startswith("/v20180820/"):
        service = "s3control"  # signs as "s3"
    params = parse_qs(query, keep_blank_values=True)
    target = headers.get("X-Amz-Target")
    form = headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
    rpc = _RPC_PATH.match(path)
    operation: str | None = None
    if target:
        operation, protocol = target.rpartition(".")[2], "json"
    elif rpc:
        operation, protocol = rpc.group(1), "smithy-rpc-v2-cbor"
    elif "Action" in params or (form and b"Action=" in body):
        fields = params if "Action" in params else parse_qs(body.decode("utf-8", "replace"))
        operation = fields["Action"][0]
        protocol = "ec2" if service == "ec2" else "query"
    else:
        protocol = (_protocol(service) if service else None) or "rest-json"
        operation = rest_operation(service, method, path, params) if service else None
    return RequestInfo(method, path, query, service, region, operation, protocol)


def arm_info(method: str, path: str, query: str) -> RequestInfo:
    low = path.lower()
    cut = low.rfind("/providers/")
    service = path[cut + len("/providers/"):].split("/")[0] if cut >= 0 else None
    return RequestInfo(method, path, query, service, None, None, "arm")


# ---- fault answers --------------------------------------------------------------------------

def _cbor(obj: dict[str, str]) -> bytes:
    """The CBOR encoding of a small map of text strings (RPCv2 CBOR error documents)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        if n < 256:
            return bytes([major << 5 | 24, n])
        return bytes([major << 5 | 25]) + n.to_bytes(2, "big")

    out = head(5, len(obj))
    for key, value in obj.items():
        for text in (key, value):
            data = text.encode()
            out += head(3, len(data)) + data
    return out


def aws_error(info: RequestInfo, code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    """An AWS error document of the request's protocol."""
    rid = str(uuid.uuid4())
    if info.protocol == "rest-xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
                f"<RequestId>{rid}</RequestId></Error>")
        return status, {"Content-Type": "application/xml", "x-amz-request-id": rid}, body.encode()
    if info.protocol == "ec2":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{message}</Message></Error></Errors><RequestID>{rid}</RequestID></Response>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if info.protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (f'<ErrorResponse xmlns="https://{info.service}.amazonaws.com/doc/"><Error><Type>{kind}</Type>'
                f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{rid}</RequestId>"
                "</ErrorResponse>")
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body.encode()
    if info.protocol == "json":
        data = json.dumps({"__type": code, "message": message}).encode()
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": rid}, data
    if info.protocol == "smithy-rpc-v2-cbor":
        return status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
                        "x-amzn-RequestId": rid}, _cbor({"__type": code, "message": message})
    data = json.dumps({"message": message}).encode()  # rest-json
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": rid}, data


def arm_error(code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps({"error": {"code": code, "message": message}}).encode()
    return status, {"Content-Type": "application/json; charset=utf-8", "x-ms-request-id": str(uuid.uuid4())}, data


def _gateway_page(status: int) -> tuple[int, dict[str, str], bytes]:
    reason = http.client.responses.get(status, "Error")
    page = f"<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>"
    return status, {"Content-Type": "text/html"}, page.encode()


def fault_answer(flavor: str, rule: Rule, info: RequestInfo, rng: random.Random,
                 echoed: str = "") -> tuple[int, dict[str, str], bytes]:
    if rule.fault == "throttle":
        if flavor == "arm":
            status, headers, body = arm_error("TooManyRequests", "The request is being throttled.", 429)
        elif info.protocol == "rest-xml":
            status, headers, body = aws_error(info, "SlowDown", "Please reduce your request rate.", 503)
        elif info.protocol == "ec2":
            status, headers, body = aws_error(info, "RequestLimitExceeded", "Request limit exceeded.", 503)
        elif info.protocol == "query":
            status, headers, body = aws_error(info, "Throttling", "Rate exceeded", 400)
        elif info.protocol == "rest-json":
            status, headers, body = aws_error(info, "ThrottlingException", "Rate exceeded", 429)
        else:
            status, headers, body = aws_error(info, "ThrottlingException", "Rate exceeded", 400)
        return status, {**headers, "Retry-After": rule.retry_after}, body
    if rule.fault == "error":
        status = rng.choice((500, 502, 503, 504))
        if status != 500:
            status, headers, body = _gateway_page(status)
        elif flavor == "arm":
            status, headers, body = arm_error("InternalServerError", "An internal error occurred.", 500)
        else:
            code = "InternalError" if info.protocol == "rest-xml" else "InternalFailure"
            status, headers, body = aws_error(info, code, "We encountered an internal error. Please try again.", 500)
        return status, {**headers, "Retry-After": rule.retry_after} if status == 503 else headers, body
    assert rule.fault == "deny"
    if flavor == "arm":
        if info.path.endswith("/oauth2/v2.0/token"):
            data = json.dumps({"error": "invalid_client",
                               "error_description": f"AADSTS7000215: Invalid client secret provided.{echoed}"})
            return 401, {"Content-Type": "application/json"}, data.encode()
        return arm_error("AuthorizationFailed", f"The client does not have authorization to perform action over "
                                                f"scope '{info.path}' or the scope is invalid.{echoed}", 403)
    if info.protocol == "rest-xml":
        return aws_error(info, "AccessDenied", f"Access Denied{echoed}", 403)
    if info.protocol == "ec2":
        return aws_error(info, "UnauthorizedOperation", "You are not authorized to perform this operation.", 403)
    action = f"{info.service}:{info.operation}"
    message = f"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {action}{echoed}"
    if info.protocol == "query":
        return aws_error(info, "AccessDenied", message, 403)
    return aws_error(info, "AccessDeniedException", message, 400 if info.protocol == "json" else 403)


# ---- the proxy ------------------------------------------------------------------------------

_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"})


class FaultProxy:
    """``FaultProxy(upstream, flavor="aws"|"arm", rules=…, seed=…)``; ``with`` starts and stops it."""

    def __init__(self, upstream: str, *, flavor: str = "aws", rules: Sequence[Rule] = (), seed: int = 0,
                 tls: bool | None = None, upstream_ca: str | None = None, die_after: int | None = None,
                 ca_dir: Path | None = None) -> None:
        assert flavor in ("aws", "arm")
        self.upstream = upstream.rstrip("/")
        self.flavor = flavor
        self.rules = list(rules)
        self.seed = seed
        self.die_after = die_after
        self.seen: list[Seen] = []
        self.dead = threading.Event()
        self._lock = threading.Lock()
        self._sent: dict[str, int] = {}
        self._streak: dict[str, int] = {}
        self._connections: set[socket.socket] = set()
        parts = urlsplit(self.upstream)
        self._up_tls = parts.scheme == "https"
        self._up_host, self._up_port = parts.hostname or "127.0.0.1", parts.port or (443 if self._up_tls else 80)
        self._up_context = ssl.create_default_context(cafile=upstream_ca) if self._up_tls else None
        use_tls = self._up_tls if tls is None else tls
        context: ssl.SSLContext | None = None
        self.ca_path: str | None = None
        if use_tls:
            ca = trustme.CA()
            folder = ca_dir or Path(__import__("tempfile").mkdtemp(prefix="faultproxy-"))
            self.ca_path = str(folder / "faultproxy-ca.pem")
            ca.cert_pem.write_to_path(self.ca_path)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = _Server(("127.0.0.1", 0), _handler(self), context, self)
        scheme = "https" if use_tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="faultproxy")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def kill(self) -> None:
        """Die: stop listening (new connections are refused) and cut the open ones."""
        if self.dead.is_set():
            return
        self.dead.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            open_ = list(self._connections)
        for conn in open_:
            _reset(conn)

    # ---- figures -----------------------------------------------------------------------------

    def faults(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.seen:
            if s.fault:
                out[s.fault] = out.get(s.fault, 0) + 1
        return out

    def forwarded(self) -> list[Seen]:
        return [s for s in self.seen if s.fault in (None, "slow")]

    # ---- deciding ----------------------------------------------------------------------------

    def decide(self, info: RequestInfo, body: bytes, caller: str = "") -> tuple[Rule | None, random.Random]:
        """The fault for this sending of a request. A request is the same when its method, target, body,
        region, service and caller (the access key) are: one bucket's policy asked from two accounts is two."""
        what = f"{info.method} {info.target} {info.operation} {info.service} {info.region} {caller}"
        key = hashlib.sha256(what.encode() + b"\0" + body).hexdigest()
        with self._lock:
            k = self._sent.get(key, 0)
            self._sent[key] = k + 1
            streak = self._streak.get(key, 0)
        rng = random.Random(f"{self.seed}|{key}|{k}")
        chosen = None
        for rule in self.rules:
            draw = rng.random()
            if rule.selects(info) and draw < rule.rate:
                if rule.max_consecutive is not None and streak >= rule.max_consecutive:
                    continue
                chosen = rule
                break
        with self._lock:
            self._streak[key] = streak + 1 if chosen is not None and chosen.fault != "slow" else 0
        return chosen, rng

    def connect(self) -> http.client.HTTPConnection:
        if self._up_tls:
            return http.client.HTTPSConnection(self._up_host, self._up_port, context=self._up_context, timeout=60)
        return http.client.HTTPConnection(self._up_host, self._up_port, timeout=60)

    def forward(self, conn: http.client.HTTPConnection, method: str, path: str, headers: Any,
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        sent = {k: v for k, v in headers.items() if k.lower() not in _HOP}
        if body or method in ("POST", "PUT", "PATCH"):
            sent["Content-Length"] = str(len(body))
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        answer = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP | {"content-length"}]
        return response.status, answer, data

    def rewrite(self, data: bytes) -> bytes:
        return data.replace(self.upstream.encode(), self.url.encode()) if data else data


def _reset(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        conn.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 tls: ssl.SSLContext | None, proxy: FaultProxy) -> None:
        self.tls = tls
        self.proxy = proxy
        super().__init__(address, handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        conn = request
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self.proxy._lock:
            self.proxy._connections.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except OSError:
            pass
        finally:
            with self.proxy._lock:
                self.proxy._connections.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # cut connections are the point here


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if (handler.headers.get("Transfer-Encoding") or "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _serve(self) -> None:
            body = _read_body(self)
            url = urlsplit(self.path)
            method = self.command
            if proxy.flavor == "aws":
                info = aws_info(method, url.path, url.query, self.headers, body)
            else:
                info = arm_info(method, url.path, url.query)
            seen = Seen(info)
            with proxy._lock:
                proxy.seen.append(seen)
                count = len(proxy.seen)
            if proxy.dead.is_set() or (proxy.die_after is not None and count > proxy.die_after):
                seen.fault = "died"
                threading.Thread(target=proxy.kill, daemon=True).start()
                self._cut()
                return
            caller = (self.headers.get("Authorization") or "").partition("Credential=")[2].partition("/")[0]
            rule, rng = proxy.decide(info, body, caller)
            seen.fault = rule.fault if rule else None
            if rule is not None and rule.fault == "reset":
                self._cut()
                return
            if rule is not None and rule.fault != "slow":
                echoed = ""
                if rule.echo:
                    creds = {k: v for k, v in self.headers.items()
                             if k.lower() in ("authorization", "x-amz-security-token")}
                    echoed = f" Request: {creds} {body.decode('utf-8', 'replace')} {rule.extra}"
                    echoed = echoed.replace("&", "&amp;").replace("<", "&lt;") if info.protocol.endswith(
                        ("xml", "query", "ec2")) else echoed
                status, headers, data = fault_answer(proxy.flavor, rule, info, rng, echoed)
                self._answer(seen, status, list(headers.items()), data)
                return
            if rule is not None:
                time.sleep(rule.delay)
            try:
                status, answer, data = self._upstream(method, body)
            except (OSError, http.client.HTTPException):  # the upstream is down: what a gateway says
                status, page_headers, data = _gateway_page(502)
                answer = list(page_headers.items())
            answer = [(k, proxy.rewrite(v.encode("latin-1")).decode("latin-1")) for k, v in answer]
            self._answer(seen, status, answer, proxy.rewrite(data))

        def _upstream(self, method: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            """Forward on this client connection's own upstream connection (kept alive, reopened once)."""
            for attempt in (1, 2):
                conn = getattr(self, "_up", None) or proxy.connect()
                self._up = conn
                try:
                    return proxy.forward(conn, method, self.path, self.headers, body)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    self._up = None
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

        def finish(self) -> None:
            up = getattr(self, "_up", None)
            if up is not None:
                up.close()
            with contextlib.suppress(OSError, ValueError):
                super().finish()

        def _answer(self, seen: Seen, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            seen.status = status
            seen.headers = dict(headers)
            self.send_response_only(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()

        def _cut(self) -> None:
            self.close_connection = True
            _reset(self.connection)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    return Handler
