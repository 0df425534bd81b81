"""Work of the writing stage done beside the night, in a forked child on the other core.

The annual records (matriks kegiatan, laporan tahunan and its charts) read nothing the
rest of the writing stage changes, and the night's main process is busy with the
approval sheet meanwhile: about 0.2 s at 10,000 items, 0.4 s at 40,000, a fixed
0.15 s of it on any night (python-docx, docxtpl and Pillow imported, the report's
template parsed). So that work runs in a child forked from the night, which holds the
register already read, while the night writes the approval sheet; the night takes the
child's answer (`Beside.result`) before it renders the documents, so that the child's
memory is never added to theirs (batch/stages.write).

What the child may do is narrow: compute from what the night holds in memory and write
files atomically (files.atomic_write), nothing else. It touches no database (the
night's connection is not the child's to use), no progress display and no console: its
log records are held and handed to the night, which logs them in order, as if the work
had run in-process. It answers with a pickle on a pipe and leaves with os._exit (no
finaliser of the night's objects runs twice).

A child is only ever a way to have the same answer sooner. When it cannot give one
(fork unavailable, as on Windows; one core; the child crashed, was killed or raised),
the work runs in-process as it did before, and raises there what it raises; outputs
are the same bytes either way (tests/batch/test_beside.py writes a night both ways).
Nor is a child forked from a night that already holds more than MAX_NIGHT_MB (see
there), nor where the night's memory cannot be read (not Linux).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import select
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# False: every Beside runs its work in-process (tests compare both ways).
ENABLED = True
# How long the night waits for a child before doing its work itself. Far above any
# real work (the annual records of 100,000 items take about a second): only a child that
# can never answer (deadlocked) is given up on.
PATIENCE_S = 600.0
# A child shares the night's pages only until it writes them, and it writes every page
# whose objects it merely looks at (their reference counts): the annual records walk the
# whole register, so the child comes to hold up to as much memory as the night held when
# it was forked. Forked only while the night holds at most this much, so that the two
# stay well within the 1 GiB a night may use (summed PSS of the night and its child, a
# 100,000-item register: night 2 forked at 410-530 MB summed 1.04 GB, over it; night 1
# forked at 380 MB summed 676 MB; in-process, night 2 peaks at 811 MB alone).
MAX_NIGHT_MB = 300.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _resident_mb() -> float | None:
    """The night's resident memory now (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _usable() -> bool:
    if not (ENABLED and hasattr(os, "fork") and _cores() > 1):
        return False
    resident = _resident_mb()
    if resident is None or resident > MAX_NIGHT_MB:
        log.info("no child beside the night: it holds %s MB (at most %.0f)",
                 "?" if resident is None else f"{resident:.0f}", MAX_NIGHT_MB)  # fmt: skip
        return False
    return True


class _Held(logging.Handler):
    """The child's log records, kept to be logged by the night."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Picklable whatever its arguments: the message made now, the traceback as text.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def _in_child(work: Callable[[], object], parent: int, write_fd: int) -> None:
    """The forked child: do the work, send (answer or error, log records), exit."""
    from ..register.prefetch import die_with_parent

    code = 0
    try:
        die_with_parent(parent)
        held = _Held()
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)  # the night's handlers: files and a console
        root.addHandler(held)
        began = time.perf_counter()
        try:
            answer: tuple[str, object] = ("ok", work())
        except BaseException:
            answer = ("error", traceback.format_exc())
        elapsed = time.perf_counter() - began
        payload = pickle.dumps((answer, held.records, elapsed), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class Beside(Generic[T]):
    """`work` run in a forked child when it can be; `result()` gives its answer."""

    def __init__(self, work: Callable[[], T], name: str, *, fork: bool = True) -> None:
        """`fork` False (the work too small to repay a child): in-process, in `result`."""
        self._work = work
        self.name = name
        self.pid: int | None = None
        self._read_fd: int | None = None
        if fork and _usable():
            self._fork()

    def _fork(self) -> None:
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        gc.freeze()  # the child's collections never walk (and so copy) the night's objects
        try:
            with warnings.catch_warnings():
                # Python 3.12 warns of fork() beside threads; the child takes no lock
                # another thread may hold (see the module's docstring).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError as exc:
            gc.unfreeze()
            os.close(read_fd)
            os.close(write_fd)
            log.warning("%s: no child process (%s); written in-process", self.name, exc)
            return
        if pid == 0:
            os.close(read_fd)
            _in_child(self._work, parent, write_fd)
        gc.unfreeze()
        os.close(write_fd)
        self.pid, self._read_fd = pid, read_fd

    @property
    def forked(self) -> bool:
        return self.pid is not None

    def _receive(self) -> bytes | None:
        """The child's whole answer, or None when it gave up without one or took too long."""
        assert self._read_fd is not None
        chunks: list[bytes] = []
        deadline = time.monotonic() + PATIENCE_S
        with os.fdopen(self._read_fd, "rb", buffering=0) as pipe:
            self._read_fd = None
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([pipe], [], [], left)[0]:
                    log.warning("%s: the child gave no answer in %.0f s", self.name, PATIENCE_S)
                    return None
                chunk = pipe.read(1 << 20)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)

    def result(self) -> T:
        """The child's answer; the work done here when the child gave none."""
        if self.pid is None:
            return self._work()
        data = None
        waiting = time.perf_counter()
        try:
            data = self._receive()
        finally:
            status = self._reap(kill=data is None)
        if data:
            try:
                (kind, value), records, elapsed = pickle.loads(data)
            except Exception as exc:  # a truncated answer
                log.warning("%s: unreadable answer from the child (%s)", self.name, exc)
            else:
                for record in records:
                    logging.getLogger(record.name).handle(record)
                if kind == "ok":
                    log.info("%s: written beside the night in %.2f s (waited %.2f s)",
                             self.name, elapsed, time.perf_counter() - waiting)  # fmt: skip
                    return value  # type: ignore[no-any-return]
                log.warning("%s: the child failed; written in-process:\n%s", self.name, value)
                return self._work()
        log.warning("%s: the child ended without an answer (status %s); written in-process",
                    self.name, status)  # fmt: skip
        return self._work()

    def _reap(self, kill: bool = False) -> int | None:
        pid, self.pid = self.pid, None
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        if pid is None:
            return None
        with contextlib.suppress(OSError):
            if kill:
                os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        return None

    def close(self) -> None:
        """Stop a child whose answer is no longer wanted (the stage failed before)."""
        self._reap(kill=True)

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["ENABLED", "MAX_NIGHT_MB", "Beside"]

if sys.platform == "win32":  # pragma: no cover - documented: in-process there
    ENABLED = False
