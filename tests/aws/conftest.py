"""AWS tests run against a real moto server over HTTP (``AWS_ENDPOINT_URL``), reset after each test."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from auditor.config import AwsConfig, Config
from auditor.connectors.aws import collect
from auditor.connectors.base import Candidate, ScopeFilter
from auditor.demo.moto_server import RequestLog, emulator_wiring, moto_server, request_log
from auditor.model.inventory import Inventory, Resource
from auditor.progress import NullReporter

ACCOUNT = "123456789012"  # moto's default account for the "testing" keys


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def plain_moto() -> Iterator[str]:
    """A second server on the same (process-wide) moto state, without the gap filler: what moto alone
    answers, e.g. its HTTP 404/500 pages for the APIs it lacks. Route one service here with
    ``AWS_ENDPOINT_URL_<SERVICE>``."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        monkeypatch.delenv(key, raising=False)
    with emulator_wiring():
        yield moto_endpoint
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"))


@pytest.fixture
def served(aws: str) -> Iterator[RequestLog]:
    """The request lines the emulator logs while the test runs."""
    with request_log() as log:
        yield log


def s3(region: str = "us-east-1") -> Any:
    return boto3.client("s3", region_name=region)


def bucket(name: str, region: str, *, tags: dict[str, str] | None = None, client: Any = None) -> Any:
    """Create a bucket (tagged when asked) and return a client for its region."""
    c = client or s3(region)
    kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    c.create_bucket(Bucket=name, **kwargs)
    if tags:
        c.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    return c


HEALTH = {"data-classification": "health"}


def health_only(candidate: Candidate) -> bool:
    return candidate.tags.get("data-classification") == "health"


def scan(*, in_scope: ScopeFilter = health_only, regions: tuple[str, ...] | None = ("us-east-1", "eu-west-1"),
         reporter: NullReporter | None = None, scope: str = "health", **aws_options: Any) -> Inventory:
    config = Config(scope=scope, aws=AwsConfig(regions=regions, max_workers=4, **aws_options))
    return collect(config, reporter or NullReporter(), in_scope)


def by_name(inventory: Inventory) -> dict[str, Resource]:
    return {r.name: r for r in inventory.resources if r.service == "s3"}


Seeder = Callable[..., Any]


Answer = Callable[[str, dict[str, Any], dict[str, str]], tuple[int, Any]]


class FakeJsonService:
    """A tiny hand-written AWS JSON-protocol endpoint on 127.0.0.1 (for answers moto cannot give).

    ``answer(operation, body, headers) -> (status, payload)`` (a dict is sent as JSON, a string as an
    HTML page); route one service to it with
    ``AWS_ENDPOINT_URL_<SERVICE>``.
    """

    def __init__(self, answer: Answer) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.calls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                operation = str(self.headers.get("X-Amz-Target", "")).rpartition(".")[2]
                outer.calls.append(operation)
                status, payload = answer(operation, body, dict(self.headers))
                html = isinstance(payload, str)  # an emulator's "no such route" page
                data = payload.encode() if html else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if html else "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fake_service() -> Iterator[Callable[..., FakeJsonService]]:
    started: list[FakeJsonService] = []

    def start(answer: Answer) -> FakeJsonService:
        service = FakeJsonService(answer)
        started.append(service)
        return service

    yield start
    for service in started:
        service.close()
