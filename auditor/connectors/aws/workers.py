"""The scan's bounded worker pool: per-store work first, per-region listings in the gaps.

A scan's calls are of two sorts. Per-store work (an S3 bucket's location, its tags, its deep
reads) forms one long chain per account: listing -> locations -> tags -> deep reads, each step
waiting for the one before. Per-region listings of the other services (~12 services x every
enabled region) are short, independent, and each starts by building a client for its region.
A first-come queue puts the chain's thousand bucket calls behind those hundreds of listings, and
then leaves workers idle while the chain's one sequential step (the tag pages) runs. Here
listings are submitted as *background* tasks: a worker takes one only when no other task waits,
so they fill the gaps the chain leaves instead of delaying it; and a quarter of the workers (at
least one) keep taking them even while other tasks wait, since a listing's cost is mostly building
its region's client, one at a time per session: spread over the chain's steps, that work runs
while the chain waits on the network instead of after it. Every task still runs; the number of
calls in flight never exceeds ``workers`` (``aws.max_workers``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
_Task = tuple[Callable[..., Any], tuple[Any, ...], Future[Any]]


class Pool:
    """``workers`` threads; tasks in submission order, background tasks on a quarter of them or when no other waits."""

    def __init__(self, workers: int, name: str = "aws") -> None:
        self._size = max(1, workers)
        self._name = name
        self._cond = threading.Condition()
        self._first: deque[_Task] = deque()
        self._later: deque[_Task] = deque()
        self._threads: list[threading.Thread] = []
        self._closing = False
        self._steady = max(1, self._size // 4)  # workers that may run background tasks while others wait
        self._in_background = 0

    def submit(self, fn: Callable[..., T], *args: Any, background: bool = False) -> Future[T]:
        future: Future[T] = Future()
        with self._cond:
            if self._closing:
                raise RuntimeError("the scan's worker pool is shut down")
            (self._later if background else self._first).append((fn, args, future))
            if len(self._threads) < self._size:  # one more thread per task until the bound, as the stdlib pool
                thread = threading.Thread(target=self._work, name=f"{self._name}_{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._cond.notify()
        return future

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._first and not self._later and not self._closing:
                    self._cond.wait()
                if not self._first and not self._later:
                    return
                background = bool(self._later) and (not self._first or self._in_background < self._steady)
                fn, args, future = (self._later if background else self._first).popleft()
                self._in_background += background
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = fn(*args)
                    except BaseException as exc:  # handed to whoever waits on the future, as the stdlib pool does
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
            finally:
                if background:
                    with self._cond:
                        self._in_background -= 1

    def shutdown(self, cancel: bool = False) -> None:
        """Stop taking tasks; ``cancel`` drops those not started. Waits for the running ones."""
        with self._cond:
            self._closing = True
            if cancel:
                for _, _, future in (*self._first, *self._later):
                    future.cancel()
                self._first.clear()
                self._later.clear()
            self._cond.notify_all()
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.shutdown(cancel=exc is not None)
