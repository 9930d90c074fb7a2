"""Sessions and clients: credentials, partitions, retries, the read-only guard and call counting.

Every boto3 client the connector uses comes from :class:`Clients`, which

* uses the standard credential chain (env, profiles, SSO, instance roles) for the caller's
  account and the temporary credentials of an assumed role for member accounts;
* honours ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` (boto3 reads them itself);
* sets standard retries (``AWS_RETRY_MODE=adaptive`` switches to client-side rate limiting;
  ``AWS_MAX_ATTEMPTS`` is honoured);
* attaches the read-only guard (:mod:`auditor.connectors.readonly`) and the call counter;
* then runs the hooks registered with :func:`client_hook` (test and demo wiring for emulators,
  e.g. S3 Control's account-id host prefix; production code registers none).

Sessions are not thread-safe, clients are: a session is only touched under its own lock, and one
client per (account, service, region) is created once (while cached) and shared by the worker threads.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.client
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.credentials import RefreshableCredentials

from auditor.connectors.aws.calls import ApiCalls
from auditor.connectors.readonly import aws_guard_client

# Where account-wide ("global") calls go in each partition: S3 ListBuckets, Organizations, STS.
HOME_REGIONS = {
    "aws": "us-east-1",
    "aws-eusc": "eusc-de-east-1",
    "aws-us-gov": "us-gov-west-1",
    "aws-cn": "cn-north-1",
}

ClientHook = Callable[[Any], None]
_hooks: list[ClientHook] = []
_hooks_lock = threading.Lock()


@contextlib.contextmanager
def client_hook(hook: ClientHook) -> Iterator[None]:
    """Run ``hook(client)`` on every client created while the block runs (tests, demo, benchmark)."""
    with _hooks_lock:
        _hooks.append(hook)
    try:
        yield
    finally:
        with _hooks_lock:
            _hooks.remove(hook)


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    """An assumed role's keys. ``repr`` never shows them.

    With ``refresh`` (a function assuming the role again, returning botocore's credential metadata:
    ``access_key``, ``secret_key``, ``token``, ``expiry_time``), the session built from them renews them
    before ``expiry`` (botocore's ``RefreshableCredentials``: 15 minutes ahead, and never used expired),
    so a scan longer than the role session keeps every member account.
    """

    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    token: str = field(repr=False)
    expiry: str | None = field(default=None, repr=False)  # ISO 8601
    refresh: Callable[[], Mapping[str, str]] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return "TemporaryCredentials(***)"


@dataclass(frozen=True, slots=True)
class Account:
    """One account the scan reads, with how to reach it."""

    id: str
    partition: str
    home_region: str
    credentials: TemporaryCredentials | None = None  # None: the ambient credential chain
    name: str | None = None
    regions: tuple[str, ...] = ()  # enabled regions to scan (filled once known)
    email: str | None = None  # its Organizations email (ListAccounts)

    def arn(self, service: str, resource: str, region: str = "") -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.id}:{resource}"


@functools.lru_cache(maxsize=1)
def _partitions() -> boto3.session.Session:
    return boto3.session.Session()  # only its (read-only) endpoint data is used


_partition_lock = threading.Lock()


@functools.lru_cache(maxsize=512)
def partition_of(region: str | None) -> str:
    """The partition a region belongs to, from botocore's own data (never a hard-coded list)."""
    if not region:
        return "aws"
    with _partition_lock:
        session = _partitions()
    try:
        return str(session.get_partition_for_region(region))
    except Exception:  # unknown region names (emulators, future regions) belong to the default partition
        return "aws"


# botocore builds, for every client it creates, a new service model (whose per-operation caches, such as the
# endpoint-discovery scan over every operation, start empty) and a new client class (one method, closure and
# docstring object per operation: EC2 ~600): together ~70% of an EC2 client's memory (~1 MB) and half of its
# creation time. A scan creates ~15 services x every enabled region of clients, which differ by region only.
# So while :class:`Clients` creates a client (and only then: the flag is per thread), the model and the class
# made for the same service by the same session (its event emitter: its handlers shape the class) are reused;
# neither holds anything of a region or a credential.
_made: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], Any]] = weakref.WeakKeyDictionary()
_made_lock = threading.Lock()
_reuse = threading.local()
_creator = botocore.client.ClientCreator
_build_class = getattr(_creator, "_create_client_class", None)
_build_model = getattr(_creator, "_load_service_model", None)


def _reused(creator: Any, key: tuple[str, str, str], build: Callable[[], Any]) -> Any:
    if not getattr(_reuse, "on", False):
        return build()
    with _made_lock:
        made = _made.setdefault(creator._event_emitter, {}).get(key)
    if made is None:
        made = build()
        with _made_lock:
            made = _made.setdefault(creator._event_emitter, {}).setdefault(key, made)
    return made


def _client_class(creator: Any, service_name: str, service_model: Any) -> type:
    made: type = _reused(creator, ("class", service_name, str(service_model.api_version)),
                         lambda: _build_class(creator, service_name, service_model))  # type: ignore[misc]
    return made


def _service_model(creator: Any, service_name: str, api_version: str | None = None) -> Any:
    return _reused(creator, ("model", service_name, str(api_version)),
                   lambda: _build_model(creator, service_name, api_version))  # type: ignore[misc]


if _build_class is not None and _build_model is not None:  # a botocore without them builds each, as before
    _creator._create_client_class = _client_class
    _creator._load_service_model = _service_model


def retry_mode() -> str:
    mode = os.environ.get("AWS_RETRY_MODE", "").strip().lower()
    return mode if mode in ("standard", "adaptive") else "standard"


class Clients:
    """One guarded, counted client per (account, service, region), the most recently used kept.

    A botocore client costs up to a megabyte (EC2's) and most are used for one listing call in one
    region: only the ``keep`` most recently used stay cached, so memory does not grow with
    services x regions (keeping all ~120 of a scan measured +56 MB peak for no CPU saved).
    Creating one never holds the lock shared by the other keys (that lock only guards the
    cache's bookkeeping): the first thread asking for a key builds it, under its session's own
    lock (a boto3 session is not thread-safe), while the others asking for that key wait for
    that one result.
    """

    def __init__(self, declared: Collection[str], calls: ApiCalls, max_workers: int) -> None:
        self._declared = frozenset(declared)
        self._calls = calls
        self._lock = threading.Lock()
        self._sessions: dict[str, boto3.session.Session] = {}
        self._session_locks: dict[str, threading.Lock] = {}
        self._clients: OrderedDict[tuple[str, str, str], Future[Any]] = OrderedDict()
        self._keep = max(24, 3 * max_workers)
        self._config = BotoConfig(
            retries={"mode": retry_mode()},
            max_pool_connections=max(10, max_workers + 2),
            user_agent_extra="sovereign-auditor",
            connect_timeout=10,
            read_timeout=60,
            parameter_validation=False,  # every request is built by this code: checking it again costs CPU
        )

    def secrets(self) -> list[str]:
        """Every credential value this factory holds, for scrubbing error text."""
        values: list[str] = []
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:  # outside the lock: reading refreshable credentials may assume the role again
            creds = session.get_credentials()
            if creds is not None:
                frozen = creds.get_frozen_credentials()
                values += [frozen.access_key, frozen.secret_key, frozen.token or ""]
        return [v for v in values if v]

    def base_session(self) -> boto3.session.Session:
        with self._lock:
            return self._session_locked(None)

    def _session_locked(self, account: Account | None) -> boto3.session.Session:
        key = "" if account is None or account.credentials is None else account.id
        session = self._sessions.get(key)
        if session is None:
            if account is None or account.credentials is None:
                session = boto3.session.Session()
            elif account.credentials.refresh is not None and account.credentials.expiry:
                session = refreshing_session(account.credentials)
            else:
                c = account.credentials
                session = boto3.session.Session(
                    aws_access_key_id=c.access_key, aws_secret_access_key=c.secret_key, aws_session_token=c.token)
            self._sessions[key] = session
            self._session_locks[key] = threading.Lock()
        return session

    def client(self, account: Account | None, service: str, region: str) -> Any:
        key = ("" if account is None else account.id, service, region)
        with self._lock:  # bookkeeping only: never held while a client is built
            future = self._clients.get(key)
            owner = future is None
            if future is None:
                future = self._clients[key] = Future()
                while len(self._clients) > self._keep:  # an evicted future stays valid for its holders
                    self._clients.popitem(last=False)
                session = self._session_locked(account)
                session_lock = self._session_locks["" if account is None or account.credentials is None
                                                   else account.id]
            else:
                self._clients.move_to_end(key)
        if owner:
            try:
                with session_lock:
                    _reuse.on = True
                    try:
                        client = session.client(service, region_name=region, config=self._config)
                    finally:
                        _reuse.on = False
                self._prepare(client, service)
                future.set_result(client)
            except BaseException as exc:
                with self._lock:  # not cached: the next caller tries again
                    if self._clients.get(key) is future:
                        del self._clients[key]
                future.set_exception(exc)
        return future.result()

    def _prepare(self, client: Any, service: str) -> None:
        aws_guard_client(client, self._declared)
        calls = self._calls

        def count(operation_name: str = "?", **_: Any) -> None:
            calls.add(f"{service}:{operation_name}")

        client.meta.events.register("request-created", count, unique_id="auditor-call-counter")
        with _hooks_lock:
            hooks = list(_hooks)
        for hook in hooks:
            hook(client)


def refreshing_session(c: TemporaryCredentials) -> boto3.session.Session:
    """A boto3 session on credentials that renew themselves (``c.refresh``) before ``c.expiry``."""
    assert c.refresh is not None and c.expiry is not None
    metadata = {"access_key": c.access_key, "secret_key": c.secret_key, "token": c.token, "expiry_time": c.expiry}
    credentials = RefreshableCredentials.create_from_metadata(
        metadata=metadata, refresh_using=c.refresh, method="sts-assume-role")
    core = botocore.session.Session()
    core._credentials = credentials  # botocore has no public setter for refreshable credentials
    return boto3.session.Session(botocore_session=core)
