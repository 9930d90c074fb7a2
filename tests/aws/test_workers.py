"""The scan's worker pool: per-store work is not held up behind per-region listings, and nothing is lost."""

from __future__ import annotations

import threading

import pytest

from auditor.connectors.aws.workers import Pool


def test_listings_fill_the_gaps_without_holding_up_per_store_work():
    gate = threading.Event()
    lock = threading.Lock()
    running = {"all": 0, "background": 0}
    waiting_stores = {"n": 6}
    seen: list[tuple[str, int, int, int]] = []  # kind, running in all, running listings, store tasks not started

    def task(kind: str) -> str:
        with lock:
            if kind == "store":
                waiting_stores["n"] -= 1
            running["all"] += 1
            running["background"] += kind == "listing"
            seen.append((kind, running["all"], running["background"], waiting_stores["n"]))
        if kind == "blocker":
            gate.wait()
        with lock:
            running["all"] -= 1
            running["background"] -= kind == "listing"
        return kind

    with Pool(4) as pool:  # a quarter of four workers: one may run a listing while store tasks wait
        blockers = [pool.submit(task, "blocker") for _ in range(4)]
        listings = [pool.submit(task, "listing", background=True) for _ in range(6)]
        stores = [pool.submit(task, "store") for _ in range(6)]
        gate.set()
        assert [f.result() for f in blockers + listings + stores] == ["blocker"] * 4 + ["listing"] * 6 + ["store"] * 6
    assert max(n for _, n, _, _ in seen) <= 4  # never more calls in flight than aws.max_workers
    # while store tasks were still waiting, at most one worker ran a listing
    assert all(listings_running <= 1 for kind, _, listings_running, stores_left in seen
               if kind == "listing" and stores_left > 0)


def test_a_failing_task_reaches_its_caller_and_the_pool_goes_on():
    with Pool(2) as pool:
        failed = pool.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            failed.result()
        assert pool.submit(lambda: "still working", background=True).result() == "still working"


def test_a_scan_that_stops_on_an_error_drops_the_tasks_not_started():
    gate = threading.Event()
    started = threading.Event()

    def first() -> str:
        started.set()
        gate.wait()  # until the queued tasks are dropped
        return "finished"

    with pytest.raises(RuntimeError, match="stop"), Pool(1) as pool:
        running = pool.submit(first)
        queued = [pool.submit(lambda: "ran") for _ in range(3)]
        queued[-1].add_done_callback(lambda _: gate.set())
        started.wait()
        raise RuntimeError("stop")
    assert running.result() == "finished"  # the task already running ends normally
    assert all(f.cancelled() for f in queued)
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(lambda: None)
