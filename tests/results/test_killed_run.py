"""A run killed (SIGKILL) while it records leaves the history readable and as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from auditor.pipeline import write_outputs
from auditor.results import history
from tests.results.estates import evaluated, without


def test_sigkill_inside_the_recording_transaction(store_target, estate, pack, tmp_path: Path):
    night1 = evaluated(estate, pack, 1)
    night2 = evaluated(without(estate, "loire-pacs-imagerie", "loire-dpi-patients"), pack, 2)
    with history.opened(store_target) as store:
        first, _ = store.record(night1)
        before = store.snapshot(first)
    write_outputs(night2, tmp_path / "night2", ["json"], "en")

    marker = tmp_path / "inside-transaction"
    env = {**os.environ, history.PAUSE_ENV: str(marker)}
    # The real command: merge one shard result and record it; the hook parks it just before COMMIT.
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor", "merge", str(tmp_path / "night2" / "findings.json"), "--quiet",
         "--out", str(tmp_path / "merged"), "--history", str(store_target)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the recording never reached its transaction"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with history.opened(store_target, create=False) as store:
        assert [r.run_id for r in store.runs()] == [first.run_id]
        after = store.snapshot(store.resolve("latest"))
        assert after == before
        # ... and the store takes the next run normally (no lock left behind).
        record, recorded = store.record(night2)
        assert recorded and [r.seq for r in store.runs()] == [first.seq, record.seq]
        resolved = {f.key for f in before.findings} - {f.key for f in store.snapshot(record).findings}
        assert resolved and all("loire-pacs-imagerie" in k or "loire-dpi-patients" in k for k in resolved)
