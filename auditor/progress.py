"""Progress for long scans: a ``Reporter`` protocol, a rich one for terminals, a silent one.

Stages only ever talk to a ``Reporter``; whether bars are drawn is decided once, in the CLI
(TTY on stderr and no ``--quiet``). Logs and progress go to stderr; data goes to files/stdout.

Labels and messages carry cloud names (accounts, subscriptions): they are cleaned of control
characters (:func:`auditor.safetext.one_line`) and never read as rich markup or emoji codes, so a
name like ``[link=https://…]`` or ``[/x]`` is shown as typed and cannot end the scan.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from auditor.safetext import one_line


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
        print(one_line(message), file=sys.stderr)


class RichReporter:
    """Progress bars on a terminal (stderr)."""

    def __init__(self, file: IO[str] | None = None) -> None:
        """``file``: where to draw instead of stderr (tests: a buffer, drawn as for a colour terminal)."""
        self._console = Console(stderr=file is None, file=file, force_terminal=True if file is not None else None,
                                color_system="truecolor" if file is not None else "auto", width=200 if file else None,
                                markup=False, emoji=False, highlight=False)
        self._progress = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self._console, transient=True,
        )

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()

    def task(self, label: str, total: int | None = None) -> int:
        return int(self._progress.add_task(one_line(label), total=total))

    def advance(self, task: int, amount: int = 1) -> None:
        self._progress.advance(TaskID(task), amount)

    def done(self, task: int) -> None:
        self._progress.update(TaskID(task), visible=False)

    def info(self, message: str) -> None:
        self._console.print(one_line(message), markup=False, highlight=False, emoji=False)
