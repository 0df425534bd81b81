"""The nightly batch: the one place that knows the order of the SOP stages over a workspace."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..config import DEFAULT_TEMPLATES, Config
from ..errors import ConfigError, LockedError, PpidError
from ..files import os_reason
from . import opening, stages, state
from .console import NullProgress, Progress
from .lock import workspace_lock
from .report import RunReport, night_report, quiet_report
from .runrecord import run_log
from .stages import Archived, Night

log = logging.getLogger(__name__)

T = TypeVar("T")

# The night allocates millions of small objects (cells, rows, register items, index
# entries) and makes almost no reference cycles. With Python's default gen-0 threshold
# (700) the collector ran about 880 times in a 10,000-row night 1, and its older passes
# walked every live row each time: 10-25 % of that night's CPU (bench/bench_night.py).
# A gen-0 threshold of 50,000 runs it about 125 times for the same night. The few cycles
# there are still get collected. It applies during the night only, and the old thresholds
# are put back afterwards.
NIGHT_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*NIGHT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run(
    config: Config,
    *,
    dry_run: bool = False,
    wait: bool = False,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Run the night over `config.workspace`.

    `now` is the office date and time the run acts on (documents, archive folders, run
    id); the settle rule for files still being copied always uses the real clock.
    Raises LockedError (exit 3) when another run holds the workspace, TemplateError or
    ConfigError (exit 2) before anything is written.
    """
    progress = progress or NullProgress()
    started = dt.datetime.now().astimezone()
    when = now or started.replace(tzinfo=None)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_fewer_collections())
        try:
            stack.enter_context(run_log(config.var_dir))
        except OSError as exc:
            progress.close()
            raise ConfigError(
                f"Folder {config.var_dir} tidak dapat ditulis ({os_reason(exc)}); proses "
                "malam memerlukannya untuk kunci, log dan register. Periksa disk dan izinnya."
            ) from exc
        try:
            with workspace_lock(config.var_dir, wait=wait):
                report = _night(
                    config, dry_run=dry_run, now=when, started=started, progress=progress
                )
        except LockedError as exc:
            log.warning("lock held: %s", exc)
            raise
        except PpidError:
            log.exception("run stopped")
            raise
        except Exception as exc:
            # A bug or a broken disk, not the clerk's doing: the traceback goes to the log,
            # one line to the screen; every input not yet archived is read again next night.
            log.exception("run failed")
            from ..store import database_reason  # SQLAlchemy: not on a quiet night's path

            if isinstance(exc, OSError):
                cause = f": {os_reason(exc)}"
            elif (reason := database_reason(exc)) is not None:
                cause = f": {reason}"
            else:
                cause = f" karena galat tak terduga ({exc.__class__.__name__}: {exc})"
            raise RunFailed(
                f"Proses malam terhenti{cause}. Berkas yang belum selesai tetap di "
                "input/ dan diproses lagi pada proses berikutnya; rincian di "
                f"{config.var_dir / 'logs' / 'ppid-batch.log'}."
            ) from exc
        finally:
            progress.close()
        log.info("exit %s: %s", report.exit_code, report.summary)
        return report


def _night(
    config: Config, *, dry_run: bool, now: dt.datetime, started: dt.datetime, progress: Progress
) -> RunReport:
    """The stages in order; each returns a frozen record the later ones read."""
    durations: dict[str, float] = {}
    timed = _timer(durations)
    previous = state.read_state(config.var_dir)
    night = Night(
        config, dry_run, now, started, progress, out_root=config.output_dir, previous=previous
    )
    scanned = timed("pindai", stages.scan, night)
    if not scanned.ready and not dry_run and not state.unfinished(previous):
        return quiet_report(night, scanned)
    timed("templat", stages.check_templates, night, DEFAULT_TEMPLATES)
    if not dry_run:
        state.mark(config.var_dir, started, state.RUNNING)
        opening.remove_orphan_temps(config.output_dir)
    with opening.scratch_output(night) as night, stages.warming() as warm:
        # (enough forms read, the near-duplicate index's child starts: see index_ahead)
        read = timed("baca", stages.read, night, scanned, warm)
        with opening.open_store(night) as store, contextlib.ExitStack() as ahead:
            before = store.status_counts()
            # The approval notes' near-duplicate index, built on the other core meanwhile.
            ahead.enter_context(stages.index_ahead(night, store, read, before, warm))
            registered = timed("register", stages.register, night, store, read.inputs)
            read = read.registered()  # the parsed inputs are not kept through the writing
            written = timed("hasil", stages.write, night, store, registered)
            counts = stages.count(store, before, read, registered, written)
            archived = (
                Archived()
                if dry_run
                else timed("arsip", stages.archive_inputs, night, registered.outcomes)
            )
            report = timed(
                "catatan", night_report, night, scanned, read, registered, written, archived,
                counts, durations,
            )  # fmt: skip
            # Only once its summary is written: a night killed before is reported by the next.
            store.finish_run(
                registered.run_db_id,
                "dry-run" if dry_run else "ok",
                counts,
                registered.interrupted_runs,
            )
    if not dry_run:
        state.mark(config.var_dir, started, state.COMPLETE, report.run_id, failed=registered.failed)
    return report


def _timer(durations: dict[str, float]) -> Callable[..., Any]:
    def timed(name: str, stage: Callable[..., T], *args: Any) -> T:
        start = time.perf_counter()
        try:
            return stage(*args)
        finally:
            durations[name] = durations.get(name, 0.0) + time.perf_counter() - start

    return timed


class RunFailed(PpidError):
    """The run stopped on an unexpected error; nothing committed is lost."""


__all__ = ["RunReport", "run"]
