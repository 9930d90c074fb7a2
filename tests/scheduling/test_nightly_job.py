"""The nightly job as shipped: examples/cron/nightly-audit.sh run end to end against the demo emulators
(`AUDITOR_COMMAND=demo`), with a chat webhook on 127.0.0.1 recording what it is sent.

Night 1 alerts "findings" (nothing to compare with yet) and "incomplete" (the demo has coverage gaps);
night 2 of the unchanged estate alerts "incomplete" again but no "findings": nothing new. An audit that
cannot run alerts "failed"; old nights are deleted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "cron" / "nightly-audit.sh"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    received: ClassVar[list[dict]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def _env(tmp_path: Path, url: str, auditor: str | None = None) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "auditor"
    wrapper.write_text(auditor or f'#!/bin/sh\nexec {sys.executable} -m auditor "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_"))}
    config = tmp_path / "auditor.yaml"
    config.write_text("report:\n  organization: Hôpitaux de la Loire\n", "utf-8")
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}", "PYTHONPATH": str(ROOT), "PYTHON": sys.executable,
            "AUDITOR_CONFIG": str(config), "AUDITOR_OUT": str(tmp_path / "state" / "runs"),
            "AUDITOR_HISTORY": str(tmp_path / "state" / "history.db"), "CHAT_WEBHOOK_URL": url,
            "AUDITOR_KEEP_DAYS": "7"}


def _night(env: dict[str, str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(SCRIPT)], env={**env, **extra}, cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, check=False)


def test_two_nights_of_the_demo_alert_on_what_changed_only(tmp_path: Path, webhook):
    url, received = webhook
    env = _env(tmp_path, url)
    old = tmp_path / "state" / "runs" / "night-20250101T020000Z"
    old.mkdir(parents=True)
    os.utime(old, (1_700_000_000, 1_700_000_000))  # a night of 2023: past the 7 days kept
    first = _night(env, tmp_path, AUDITOR_COMMAND="demo")
    assert first.returncode == 1, first.stdout + first.stderr  # the hospital has findings
    assert [m["level"] for m in received] == ["findings", "incomplete"], first.stdout + first.stderr
    assert "Hôpitaux de la Loire" in received[0]["text"]
    assert not old.exists()
    [night1] = sorted((tmp_path / "state" / "runs").iterdir())
    assert {"report.html", "findings.json", "summary.md", "console.log"} <= {p.name for p in night1.iterdir()}
    assert f"Report: {night1 / 'report.html'}" in first.stdout

    received.clear()
    second = _night(env, tmp_path, AUDITOR_COMMAND="demo")
    assert second.returncode == 1
    assert [m["level"] for m in received] == ["incomplete"], second.stdout  # unchanged: no "findings" alert
    night2 = max((tmp_path / "state" / "runs").iterdir())
    changes = (night2 / "changes.md").read_text("utf-8")
    assert "0 new" in changes.replace("**", "") or "no new" in changes.lower(), changes[:400]

    # `demo --offline` is the same estate, recorded: the same findings as the live demo's night
    offline = tmp_path / "offline"
    done = subprocess.run([sys.executable, "-m", "auditor", "demo", "--offline", "--quiet", "--format", "json",
                           "--out", str(offline)], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    assert _verdicts(offline) == _verdicts(night2)


def _verdicts(out: Path) -> set[tuple[str, str, str]]:
    from auditor.model.documents import read_findings

    return {(f.key, f.status.value, f.severity.value) for f in read_findings(out / "findings.json").findings}


@pytest.mark.parametrize(("code", "level", "exit_code"), [
    (3, "incomplete", 3), (2, "failed", 2), (139, "failed", 139), (0, None, 0),
    (1, "failed", 70),  # exit 1 without a verdict line: a Python traceback, not findings
])
def test_each_outcome_has_its_own_alert(tmp_path: Path, webhook, code: int, level: str | None, exit_code: int):
    """The script's branches, with `auditor` standing in for a scan that ends with ``code``."""
    url, received = webhook
    stand_in = f"#!/bin/sh\necho 'error: something went wrong' >&2\nexit {code}\n"
    done = _night(_env(tmp_path, url, stand_in), tmp_path)
    assert done.returncode == exit_code
    assert [m["level"] for m in received] == ([level] if level else [])
    if level == "failed":
        assert f"exit {exit_code}" in received[0]["text"] and "something went wrong" in received[0]["text"]


def test_an_output_folder_that_cannot_be_created_is_a_failure_alert(tmp_path: Path, webhook):
    url, received = webhook
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    done = _night({**_env(tmp_path, url), "AUDITOR_OUT": str(blocker / "runs")}, tmp_path)
    assert done.returncode == 2 and [m["level"] for m in received] == ["failed"]


def test_findings_in_an_incomplete_run_alert_both(tmp_path: Path, webhook):
    url, received = webhook
    stand_in = ("#!/bin/sh\n[ \"$1\" = diff ] && exit 2\n"
                "echo 'Verdict: non-compliant: 1 high failing; assessment incomplete (1 unknown, 1 coverage gaps);"
                " gate fails on high and above -> exit 1'\nexit 1\n")
    done = _night(_env(tmp_path, url, stand_in), tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [m["level"] for m in received] == ["findings", "incomplete"], done.stdout + done.stderr
