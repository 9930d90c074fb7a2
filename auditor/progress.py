"""Progress for long scans: a ``Reporter`` protocol, a rich one for terminals, a silent one.

Stages only ever talk to a ``Reporter``; whether bars are drawn is decided once, in the CLI
(TTY on stderr and no ``--quiet``). Logs and progress go to stderr; data goes to files/stdout.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class Reporter(Protocol):
    def task(self, label: str, total: int | None = None) -> int: ...
    def advance(self, task: int, amount: int = 1) -> None: ...
    def done(self, task: int) -> None: ...
    def info(self, message: str) -> None: ...


class NullReporter:
    """No output at all (``--quiet``, CI, tests). ``info`` messages are kept for inspection."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def task(self, label: str, total: int | None = None) -> int:
        return 0

    def advance(self, task: int, amount: int = 1) -> None:
        return None

    def done(self, task: int) -> None:
        return None

    def info(self, message: str) -> None:
        self.messages.append(message)


class LineReporter(NullReporter):
    """Plain lines on stderr, for logs of non-interactive runs (no bars)."""

    def info(self, message: str) -> None:
        print(message, file=sys.stderr)


class RichReporter:
    """Progress bars on a terminal (stderr)."""

    def __init__(self) -> None:
        self._console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self._console, transient=True,
        )

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()

    def task(self, label: str, total: int | None = None) -> int:
        return int(self._progress.add_task(label, total=total))

    def advance(self, task: int, amount: int = 1) -> None:
        self._progress.advance(TaskID(task), amount)

    def done(self, task: int) -> None:
        self._progress.update(TaskID(task), visible=False)

    def info(self, message: str) -> None:
        self._console.print(message, markup=False, highlight=False)
