"""A local AWS emulator (moto, in-process, over real HTTP) for the demo, the tests and the benchmark.

``moto_server()`` starts it on 127.0.0.1 with a free port and yields its URL; point boto3 at it
with ``AWS_ENDPOINT_URL``. ``emulator_wiring()`` attaches, to every client the AWS connector
creates meanwhile, the one adjustment a local endpoint needs (S3 Control puts the account id in
front of the host name, which does not resolve for 127.0.0.1). ``request_log()`` records the
requests the emulator served.
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
def moto_server(*, quiet: bool = True) -> Iterator[str]:
    """Run a moto server in this process for the duration of the block; yield ``http://127.0.0.1:PORT``."""
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # else ~1,300 fake snapshots per region
    from moto.server import ThreadedMotoServer

    silencer: logging.Handler | None = None
    if quiet:  # keep werkzeug from adding its own stderr handler for request lines
        silencer = logging.NullHandler(logging.INFO)
        logger = logging.getLogger("werkzeug")
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        logger.addHandler(silencer)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        if silencer is not None:
            logging.getLogger("werkzeug").removeHandler(silencer)


def strip_account_host_prefix(client: Any) -> None:
    """S3 Control requests go to ``<account>.<endpoint>``; a local emulator answers on the bare host."""
    if client.meta.service_model.service_name != "s3control":
        return

    def strip(request: Any, **_: Any) -> None:
        request.url = _ACCOUNT_PREFIX.sub("://", request.url, count=1)

    client.meta.events.register_first("request-created.s3-control", strip)  # before signing


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
