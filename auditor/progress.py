"""Progress for long scans: a ``Reporter`` protocol, a rich one for terminals, a silent one.

Stages only ever talk to a ``Reporter``; whether bars are drawn is decided once, in the CLI
(TTY on stderr and no ``--quiet``). Logs and progress go to stderr; data goes to files/stdout.

Labels and messages carry cloud names (accounts, subscriptions): they are cleaned of control
characters (:func:`auditor.safetext.one_line`) and never read as rich markup or emoji codes, so a
name like ``[link=https://…]`` or ``[/x]`` is shown as typed and cannot end the scan.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import IO, Protocol

from auditor.messages import say
from auditor.safetext import one_line


class Reporter(Protocol):
    def task(self, label: str, total: int | None = None) -> int: ...
    def advance(self, task: int, amount: int = 1) -> None: ...
    def done(self, task: int) -> None: ...
    def info(self, message: str) -> None: ...


def detail(reporter: Reporter, message: str) -> None:
    """A message only ``--verbose`` shows (per-operation API call counts): reporters without ``detail`` drop it."""
    show = getattr(reporter, "detail", None)
    if show is not None:
        show(message)


class NullReporter:
    """No output at all (``--quiet``, CI, tests). ``info`` and ``detail`` messages are kept for inspection."""

    def __init__(self, lang: str = "en") -> None:
        self.messages: list[str] = []
        self.lang = lang

    def detail(self, message: str) -> None:
        self.messages.append(message)

    def task(self, label: str, total: int | None = None) -> int:
        return 0

    def advance(self, task: int, amount: int = 1) -> None:
        return None

    def done(self, task: int) -> None:
        return None

    def info(self, message: str) -> None:
        self.messages.append(message)


class LineReporter(NullReporter):
    """Plain lines on stderr, for logs of non-interactive runs (cron, CI): no bars, but one line when each
    account or subscription starts and one when it is done, so a long scan's log always shows life."""

    def __init__(self, verbose: bool = False, lang: str = "en") -> None:
        super().__init__()
        self.verbose = verbose
        self.lang = lang
        self._lock = threading.Lock()  # connectors advance from their worker threads
        self._tasks: dict[int, tuple[str, int | None]] = {}
        self._done: dict[int, int] = {}
        self._closed: set[int] = set()

    def task(self, label: str, total: int | None = None) -> int:
        with self._lock:
            ident = len(self._tasks) + 1
            self._tasks[ident], self._done[ident] = (one_line(label), total), 0
        self.info(say("reading", self.lang, label=label, n=total) if total is not None
                  else say("reading-some", self.lang, label=label))
        return ident

    def advance(self, task: int, amount: int = 1) -> None:
        with self._lock:
            if task not in self._tasks:
                return
            self._done[task] += amount
            complete = self._done[task] == self._tasks[task][1]
        if complete:  # all its stores read: say so now, not when every account is done
            self.done(task)

    def done(self, task: int) -> None:
        with self._lock:
            if task not in self._tasks or task in self._closed:
                return
            self._closed.add(task)
            label, count = self._tasks[task][0], self._done[task]
        self.info(say("done", self.lang, label=label, n=count))

    def info(self, message: str) -> None:
        print(one_line(message), file=sys.stderr, flush=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.info(message)


class RichReporter:
    """Progress bars on a terminal (stderr)."""

    def __init__(self, file: IO[str] | None = None, verbose: bool = False, lang: str = "en") -> None:
        """``file``: where to draw instead of stderr (tests: a buffer, drawn as for a colour terminal)."""
        from rich.console import Console  # only on a terminal: logs, CI and --quiet never load rich
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.verbose = verbose
        self.lang = lang
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
        self._progress.advance(task, amount)  # type: ignore[arg-type]  # a TaskID is an int

    def done(self, task: int) -> None:
        self._progress.update(task, visible=False)  # type: ignore[arg-type]

    def info(self, message: str) -> None:
        self._console.print(one_line(message), markup=False, highlight=False, emoji=False)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.info(message)
