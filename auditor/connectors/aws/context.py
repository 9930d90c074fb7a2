"""The state one AWS scan shares between service modules: clients, the worker pool, gaps.

Service modules never touch boto3 directly: they call :meth:`Scan.call` / :meth:`Scan.pages`,
which turn every failure into a ``CoverageGap`` (and "not configured" answers into ``{}``),
and fan work out with :meth:`Scan.map` over the bounded pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

from botocore import xform_name
from botocore.exceptions import ClientError

from auditor.config import Config
from auditor.connectors.aws import aspects, gaps
from auditor.connectors.aws.session import Account, Clients
from auditor.connectors.aws.workers import Pool
from auditor.model.inventory import CoverageGap, GapAspect
from auditor.model.vocab import GapReason

T = TypeVar("T")
R = TypeVar("R")


class Scan:
    def __init__(self, config: Config, clients: Clients, pool: Pool) -> None:
        self.config = config
        self.clients = clients
        self.pool = pool
        self.accounts: list[Account] = []
        self.organization: str | None = None
        self.partition = "aws"
        self._gaps: list[CoverageGap] = []
        self._lock = threading.Lock()
        self._memo: dict[Hashable, Future[Any]] = {}
        self.backed_up: frozenset[str] = frozenset()  # services whose stores AWS Backup protects (Service.backup)
        self.shared: dict[str, Any] = {}  # per-scan state a service module keeps (e.g. its listing index)
        # ("service:Operation", resource) -> the answer that call would give, already read in bulk
        # (the AWS Config fast path, :mod:`.config_fast`); :meth:`call` serves each one once instead of asking
        self.served: dict[tuple[str, str], dict[str, Any]] = {}

    # -- gaps ---------------------------------------------------------------------------------

    def gap(self, service: str, reason: GapReason, error: str, *, account: str | None = None,
            region: str | None = None, resource: str | None = None, aspect: GapAspect | None = None) -> None:
        """Record a gap; ``aspect`` says which part of ``resource`` was not read (default: all of it)."""
        gap = CoverageGap(provider="aws", service=service, reason=reason, error=error, account=account,
                          region=region, resource_id=resource,
                          aspect=aspect if aspect is not None and resource else GapAspect.STORE)
        with self._lock:
            self._gaps.append(gap)

    def gap_from(self, exc: Exception, operation: str, *, account: str | None, region: str | None,
                 resource: str | None = None) -> None:
        service = operation.partition(":")[0]
        self.gap(service, gaps.reason(exc), gaps.describe(exc, operation, self.clients.secrets()),
                 account=account, region=region, resource=resource, aspect=aspects.of(operation))

    def gaps(self) -> tuple[CoverageGap, ...]:
        with self._lock:
            unique = dict.fromkeys(self._gaps)
        return tuple(unique)

    # -- calls --------------------------------------------------------------------------------

    def client(self, account: Account | None, service: str, region: str) -> Any:
        return self.clients.client(account, service, region)

    def call(self, account: Account, region: str, service: str, operation: str, *, resource: str | None = None,
             absent: Collection[str] = (), **params: Any) -> dict[str, Any] | None:
        """One API call. ``None``: it failed (a gap is recorded). ``{}``: an ``absent`` error code,
        i.e. the feature is simply not configured (a fact, not a gap)."""
        if self.served and resource is not None:
            known = self.served.pop((f"{service}:{operation}", resource), None)
            if known is not None:
                return known
        method = getattr(self.client(account, service, region), xform_name(operation))
        try:
            response: dict[str, Any] = method(**params)
        except ClientError as exc:
            if gaps.error_code(exc) in absent:
                return {}
            self.gap_from(exc, f"{service}:{operation}", account=account.id, region=region, resource=resource)
            return None
        except gaps.SDK_ERRORS as exc:
            self.gap_from(exc, f"{service}:{operation}", account=account.id, region=region, resource=resource)
            return None
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, account: Account, region: str, service: str, operation: str, key: str, *,
              resource: str | None = None, record: bool = True, keep: Callable[[Any], Any] | None = None,
              **params: Any) -> list[Any] | None:
        """Every item under ``key`` across all pages; ``None`` when a page failed (a gap is recorded
        unless ``record`` is false: the caller has another way to get the same facts).

        ``keep`` turns each item into what the caller keeps of it while the pages arrive, so one page of
        whole responses is held at a time, never the whole listing (EBS snapshots: tens of thousands)."""
        paginator = self.client(account, service, region).get_paginator(xform_name(operation))
        items: list[Any] = []
        try:
            for page in paginator.paginate(**params):
                listed = page.get(key) or []
                items.extend(listed if keep is None else map(keep, listed))
        except gaps.SDK_ERRORS as exc:
            if record:
                self.gap_from(exc, f"{service}:{operation}", account=account.id, region=region, resource=resource)
            return None
        return items

    # -- concurrency --------------------------------------------------------------------------

    def map(self, fn: Callable[[T], R], items: Iterable[T], *, background: bool = False) -> list[R]:
        """``fn`` over ``items`` on the bounded pool, results in input order.

        ``background``: per-region listings, which a worker takes only when no other task waits
        (:mod:`.workers`). Call it from the orchestrating thread only (not from inside a pool
        task), so the pool can never wait on itself.
        """
        futures = [self.pool.submit(fn, item, background=background) for item in items]
        return [f.result() for f in futures]

    def once(self, key: Hashable, fn: Callable[[], T]) -> T:
        """``fn()`` computed once per scan for ``key`` even when many workers ask at the same time."""
        with self._lock:
            future = self._memo.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._memo[key] = future
        if owner:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)
        result: T = future.result()
        return result

    def account(self, account_id: str | None) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)
