"""What the nightly run shows while it works: rich bars on a terminal, plain lines under cron."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, Protocol, TextIO

from ..files import log_text


class Progress(Protocol):
    """The small surface the pipeline reports through; the CLI picks the implementation."""

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        """A stage starts; `label` is the Indonesian text staff see."""

    def advance(self, note: str | None = None) -> None:
        """One unit of the current stage is done (a file read, an output written, …)."""

    def info(self, message: str) -> None:
        """A line worth keeping (Indonesian, staff-facing)."""

    def close(self) -> None:
        """The run is over; finish any live display."""


class NullProgress:
    """Reports nothing: the library's default, and for tests."""

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        pass

    def advance(self, note: str | None = None) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def close(self) -> None:
        pass


class PlainProgress:
    """Timestamped lines, one per stage and per finished unit: readable in a cron mail."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._stage = ""
        self._total: int | None = None
        self._done = 0

    def _line(self, text: str) -> None:
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
        # a file name holding a newline must not forge a line of the scheduler's log
        print(f"{stamp} {log_text(text)}", file=self.stream, flush=True)

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        self._stage, self._total, self._done = label, total, 0
        self._line(f"{label}" + (f" ({total})" if total else ""))

    def advance(self, note: str | None = None) -> None:
        self._done += 1
        if note:
            count = f"{self._done}/{self._total}" if self._total else str(self._done)
            self._line(f"  [{count}] {note}")

    def info(self, message: str) -> None:
        self._line(message)

    def close(self) -> None:
        pass


class RichProgress:
    """One rich progress bar per stage, on a terminal."""

    def __init__(self, console: Any | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bars

        self.console = console or Console()
        self._bars = Bars(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task: Any = None
        self._started = False

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        if not self._started:
            self._bars.start()
            self._started = True
        if self._task is not None:
            task = self._bars.tasks[-1]
            self._bars.update(self._task, total=task.completed or 1, completed=task.completed or 1)
        self._task = self._bars.add_task(label, total=total)

    def advance(self, note: str | None = None) -> None:
        if self._task is not None:
            self._bars.advance(self._task)

    def info(self, message: str) -> None:
        self._bars.console.print(message, markup=False, highlight=False)

    def close(self) -> None:
        if self._started:
            if self._task is not None:
                task = self._bars.tasks[-1]
                self._bars.update(
                    self._task, total=task.completed or 1, completed=task.completed or 1
                )
            self._bars.stop()
            self._started = False


def pick_progress(stream: TextIO | None = None) -> Progress:
    """Rich bars when the output is a terminal, plain timestamped lines otherwise (cron)."""
    stream = stream or sys.stdout
    if stream.isatty():
        return RichProgress()
    return PlainProgress(stream)


def show_inputs(inputs: Any, stream: TextIO | None = None) -> None:
    """The night's files and verdicts: a rich table on a terminal, one line each otherwise."""
    stream = stream or sys.stdout
    if not inputs:
        return
    if stream.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Berkas masuk")
        for column in ("Berkas", "Hasil", "Keterangan"):
            table.add_column(column)
        styles = {"diterima": "green", "ditolak": "bold red", "menunggu": "yellow"}
        for i in inputs:
            table.add_row(i.name, f"[{styles.get(i.verdict, 'cyan')}]{i.verdict}[/]", i.note)
        Console(file=stream).print(table)
        return
    for i in inputs:
        note = f": {i.note}" if i.note else ""
        print(log_text(f"{i.name} — {i.verdict}{note}"), file=stream)
