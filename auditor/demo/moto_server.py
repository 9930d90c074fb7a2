"""A local AWS emulator (moto, in-process, over real HTTP) for the demo, the tests and the benchmark.

``moto_server()`` starts it on 127.0.0.1 with a free port and yields its URL;
``aws_environment(url)`` points every boto3 client at it with fake credentials (and restores the
environment after). ``emulator_wiring()`` attaches, to every client the AWS connector
creates meanwhile, the one adjustment a local endpoint needs (S3 Control puts the account id in
front of the host name, which does not resolve for 127.0.0.1). ``request_log()`` records the
requests the emulator served. The demo, in full::

    with moto_server() as url, aws_environment(url), emulator_wiring():
        aws_estate.seed(url)
        inventory = aws.collect(replace(config, aws=AwsConfig(organization=True)), reporter, in_scope)
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from typing import Any

from auditor.connectors.aws.session import client_hook

_ACCOUNT_PREFIX = re.compile(r"://\d{12}\.")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@contextlib.contextmanager
def moto_server(*, quiet: bool = True, default_images: bool = False) -> Iterator[str]:
    """Run a moto server in this process for the duration of the block; yield ``http://127.0.0.1:PORT``.

    The APIs moto lacks that the connector reads (HealthLake, HealthImaging, DynamoDB replicas, AWS
    Backup selections and recovery points, EFS replication) are answered on the same endpoint by
    :class:`auditor.demo.aws_fakes.GapFiller`. ``default_images``: keep moto's default machine
    images, whose ~1,350 snapshots per region (owned by Amazon, Canonical…) it lists to every
    caller whatever the owner asked for (the benchmark's large-estate case; the scan keeps only
    the account's own); off by default.
    """
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "true" if default_images else "false"
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from auditor.demo.aws_fakes import GapFiller

    silencer: logging.Handler | None = None
    if quiet:  # keep werkzeug from adding its own stderr handler for request lines
        silencer = logging.NullHandler(logging.INFO)
        logger = logging.getLogger("werkzeug")
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        logger.addHandler(silencer)
    app = GapFiller(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="moto-server")
    thread.start()
    port = server.server_address[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        if silencer is not None:
            logging.getLogger("werkzeug").removeHandler(silencer)


def strip_account_host_prefix(client: Any) -> None:
    """S3 Control requests go to ``<account>.<endpoint>``; a local emulator answers on the bare host."""
    if client.meta.service_model.service_name != "s3control":
        return

    def strip(request: Any, **_: Any) -> None:
        request.url = _ACCOUNT_PREFIX.sub("://", request.url, count=1)

    client.meta.events.register_first("request-created.s3-control", strip)  # before signing


_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_CLEARED = ("AWS_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")


@contextlib.contextmanager
def aws_environment(endpoint_url: str) -> Iterator[None]:
    """While the block runs, every boto3 client talks to ``endpoint_url`` with fake credentials.

    The user's own credentials, profiles and endpoint settings are set aside (and restored after),
    so a demo can never reach a real AWS account.
    """
    names = (*_FAKE_ENV, "AWS_ENDPOINT_URL", *_CLEARED)
    saved = {k: v for k, v in os.environ.items() if k in names or k.startswith("AWS_ENDPOINT_URL_")}
    for key in saved:
        os.environ.pop(key, None)
    os.environ.update({**_FAKE_ENV, "AWS_ENDPOINT_URL": endpoint_url})
    try:
        yield
    finally:
        for key in names:
            os.environ.pop(key, None)
        os.environ.update(saved)


@contextlib.contextmanager
def emulator_wiring() -> Iterator[None]:
    """While the block runs, clients the AWS connector creates can reach a local emulator fully."""
    with client_hook(strip_account_host_prefix):
        yield


class RequestLog(logging.Handler):
    """Request lines the emulator logged (``"GET /bucket?policy HTTP/1.1" 200``)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        message = _ANSI.sub("", record.getMessage())  # werkzeug colours lines by status
        if "HTTP/1." in message and '"' in message:
            with self._guard:
                self.lines.append(message)

    def requests(self) -> list[str]:
        """``METHOD PATH`` of every request served so far (the emulator's own API excluded)."""
        with self._guard:
            lines = list(self.lines)
        out = []
        for line in lines:
            request = line.split('"')[1] if line.count('"') >= 2 else line
            if "/moto-api/" not in request:
                out.append(request.rsplit(" HTTP/", 1)[0])
        return out


@contextlib.contextmanager
def request_log() -> Iterator[RequestLog]:
    handler = RequestLog()
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
