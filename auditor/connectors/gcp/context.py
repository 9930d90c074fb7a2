"""The state one Google Cloud scan shares between service modules: session, projects, pool, gaps.

Service modules never build URLs to other origins nor catch HTTP errors themselves: they call
:meth:`Scan.get` / :meth:`Scan.pages`, which turn every :class:`ReadError` into a coverage gap
(``None`` back) unless the caller asks for the error (``absent``: "not configured" answers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.config import Config
from auditor.connectors.gcp.gaps import ReadError, gap
from auditor.connectors.gcp.session import Session
from auditor.connectors.universes import provider_of
from auditor.geo.catalog import normalize_region
from auditor.model.inventory import CoverageGap, GapAspect
from auditor.model.vocab import GapReason

T = TypeVar("T")
R = TypeVar("R")
UNKNOWN = "unknown"

@dataclass(frozen=True, slots=True)
class Project:
    id: str
    number: str | None = None
    name: str | None = None


class Scan:
    def __init__(self, config: Config, session: Session, pool: ThreadPoolExecutor) -> None:
        self.config = config
        self.session = session
        self.pool = pool
        self.provider = provider_of(session.endpoints.universe)
        self.organization: str | None = config.gcp.organization
        self.projects: list[Project] = []
        self._gaps: list[CoverageGap] = []
        self._lock = threading.Lock()
        self._memo: dict[Hashable, Future[Any]] = {}

    # -- places ---------------------------------------------------------------------------------

    def region(self, value: Any) -> str:
        """``EUROPE-WEST9`` / ``europe-west9-a`` / ``EU`` -> the catalog's code (lower case)."""
        text = str(value or "").strip()
        if not text:
            return UNKNOWN
        return normalize_region(self.provider, text) or text.lower()

    def project_id(self, ref: str | None) -> str | None:
        """``projects/123`` or ``123`` or an id -> the project id when the scan knows it."""
        if not ref:
            return None
        key = ref.rsplit("/", 1)[-1]
        for p in self.projects:
            if key in (p.id, p.number):
                return p.id
        return key

    # -- gaps -----------------------------------------------------------------------------------

    def failed(self, service: str, err: ReadError, *, project: str | None = None, region: str | None = None,
               resource: str | None = None, aspect: GapAspect = GapAspect.STORE) -> None:
        with self._lock:
            self._gaps.append(gap(self.provider, service, err, account=project, region=region, resource_id=resource,
                                  aspect=aspect))

    def note(self, service: str, reason: GapReason, error: str, *, project: str | None = None,
             resource: str | None = None, aspect: GapAspect = GapAspect.STORE) -> None:
        with self._lock:
            self._gaps.append(CoverageGap(provider=self.provider, service=service, reason=reason, error=error,
                                          account=project, resource_id=resource,
                                          aspect=aspect if resource else GapAspect.STORE))

    def gaps(self) -> tuple[CoverageGap, ...]:
        with self._lock:
            return tuple(dict.fromkeys(self._gaps))

    # -- calls ----------------------------------------------------------------------------------

    def get(self, service: str, operation: str, path: str, params: Mapping[str, str] | None = None, *,
            project: str | None = None, resource: str | None = None, aspect: GapAspect = GapAspect.STORE,
            absent: Collection[GapReason] = (), host: str | None = None) -> dict[str, Any] | None:
        """One GET; ``None`` when it failed (a gap is recorded), ``{}`` for an ``absent`` reason. ``host``:
        a regional API's host label (``europe-west9-aiplatform``) instead of the method's API."""
        try:
            return self.session.get(operation, host or _api(operation), path, params)
        except ReadError as err:
            if err.reason in absent:
                return {}
            self.failed(service, err, project=project, resource=resource, aspect=aspect)
            return None

    def pages(self, service: str, operation: str, path: str, key: str, params: Mapping[str, str] | None = None, *,
              project: str | None = None, resource: str | None = None, aspect: GapAspect = GapAspect.STORE,
              record: bool = True, host: str | None = None) -> list[dict[str, Any]] | None:
        """Every item of a listing; ``None`` when a page failed (a gap is recorded when ``record``)."""
        try:
            return list(self.session.pages(operation, host or _api(operation), path, key, params))
        except ReadError as err:
            if record:
                self.failed(service, err, project=project, resource=resource, aspect=aspect)
            return None

    # -- concurrency ----------------------------------------------------------------------------

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``fn`` over ``items`` on the bounded pool, in order (call from the orchestrating thread)."""
        return [f.result() for f in [self.pool.submit(fn, item) for item in items]]

    def once(self, key: Hashable, fn: Callable[[], T]) -> T:
        with self._lock:
            future = self._memo.get(key)
            owner = future is None
            if future is None:
                future = self._memo[key] = Future()
        if owner:
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)
        result: T = future.result()
        return result


def _api(operation: str) -> str:
    """The API service (host label) of a method id: ``storage.buckets.get`` -> ``storage``."""
    return API_OF.get(operation.split(".", 1)[0], operation.split(".", 1)[0])


# Discovery-document name -> host label, where they differ.
API_OF = {"cloudresourcemanager": "cloudresourcemanager", "sql": "sqladmin"}
