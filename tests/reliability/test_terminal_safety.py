"""A hostile subscription name reaches the terminal as text: no rich markup, no escape sequence, same exit code.

``auditor scan --provider azure`` runs in a pseudo-terminal (so the progress bars are drawn) against
the fake ARM, whose care subscription is renamed by its "owner" to a string that would otherwise
become a clickable terminal link, end the scan with rich's MarkupError, set the window title,
and send 8-bit control sequences (U+009B is a one-character CSI).
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo import azure_estate
from auditor.demo.fakearm import FakeARM
from auditor.demo.sample import SUB, TENANT
from auditor.progress import LineReporter, RichReporter

HOSTILE = ("[link=https://evil.example/x]click[/link] [/x] [bold red]loud[/] :skull: "
           "\x1b]0;pwned-title\x07 \x1b]8;;https://evil.example/osc\x1b\\osc\x1b]8;;\x1b\\ "
           "\x1b[31mred\x1b[0m \x9b31m c1 \x85 next \u202eexe.txt\u202c\r overwritten")
FORBIDDEN = ("\x1b]0;pwned", "\x1b]8;;https://evil", "\x9b", "\x85", "\u202e", "MarkupError", "Traceback")


@pytest.fixture
def hostile_arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeARM]:
    arm = azure_estate.start(tmp_path_factory.mktemp("arm"))
    arm.subscriptions[SUB.lower()]["displayName"] = HOSTILE
    try:
        yield arm
    finally:
        arm.stop()


def _in_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """Run ``args`` with stderr on a pseudo-terminal (rich draws its bars); returns code, stdout, terminal bytes."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    return
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out, _ = proc.communicate(timeout=180)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace"), b"".join(chunks).decode("utf-8", "replace")


def test_a_hostile_subscription_name_is_shown_as_text_in_a_real_terminal(hostile_arm: FakeARM,
                                                                          tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_"))}
    env.update(azure_estate.environ(hostile_arm), TERM="xterm-256color", COLUMNS="200")
    env.pop("NO_COLOR", None)
    code, out, terminal = _in_a_terminal(
        [sys.executable, "-m", "auditor", "scan", "--provider", "azure", "--tenant", TENANT,
         "--authority-host", hostile_arm.base_url, "--arm-endpoint", hostile_arm.base_url, "--subscription", SUB,
         "--out", str(tmp_path / "out"), "--no-history", "--format", "json,csv,md,sarif,junit,html"],
        env, tmp_path)
    assert code == 1, terminal  # the care subscription is not compliant, exactly as under its own name
    assert "Verdict:" in out
    seen = out + terminal
    assert [f for f in FORBIDDEN if f in seen] == [], terminal[-2000:]


def _draw(label: str) -> str:
    """What the rich progress bar writes to a colour terminal for a task named ``label``."""
    buffer = io.StringIO()
    with RichReporter(file=buffer) as reporter:
        task = reporter.task(f"azure {label}", total=3)
        reporter.advance(task)
        reporter.info(f"listing {label}")
        reporter.done(task)
    return buffer.getvalue()


def test_the_progress_bar_shows_markup_as_typed() -> None:
    drawn = _draw(HOSTILE)
    assert "[link=https://evil.example/x]click[/link]" in drawn and "[/x]" in drawn and ":skull:" in drawn
    assert "\x1b]8;" not in drawn and "\x1b]0;" not in drawn and "\x9b" not in drawn and "\x85" not in drawn
    assert "\u202e" not in drawn


def test_plain_log_lines_carry_no_control_character(capsys: pytest.CaptureFixture[str]) -> None:
    LineReporter().info(f"Azure subscription {HOSTILE}")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert [c for c in err if c != "\n" and (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F)] == []
    assert "[/x]" in err
