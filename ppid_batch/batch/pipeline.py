"""The nightly batch: the one place that knows the order of the SOP stages over a workspace."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..config import DEFAULT_TEMPLATES, Config
from ..errors import ConfigError, LockedError, PpidError
from ..files import os_reason
from . import continuity, quarantine, stages
from .console import NullProgress, Progress
from .lock import workspace_lock
from .outputs import APPROVAL_DIR as APPROVAL_DIR  # re-exported: demo.py names it here
from .runrecord import (
    FAILED,
    PARTIAL,
    QUIET,
    REJECTED,
    RUNS_DIR,
    SUMMARY_LINK,
    InputResult,
    RunRecord,
    new_run_id,
    pending_note,
    run_log,
    write_quiet_record,
    write_run_record,
)
from .stages import Archived, Night, Read, Registered, Scanned, Written
from .verdicts import (
    action_list,
    input_result,
    relative,
    summary_line,
    unread_note,
    verdict_counts,
    waiting_result,
)

log = logging.getLogger(__name__)

STATE_NAME = "run-state.json"
EXIT_OK, EXIT_REJECTED = 0, 1
T = TypeVar("T")


@dataclass(frozen=True)
class RunReport:
    """What one night did; `summary` is the one Indonesian line printed last."""

    exit_code: int
    summary: str
    dry_run: bool = False
    run_id: str | None = None
    run_dir: Path | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    inputs: tuple[InputResult, ...] = ()
    outputs: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()


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
            from ..store import database_reason

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
    previous = quarantine.read_state(config.var_dir)
    night = Night(
        config, dry_run, now, started, progress, out_root=config.output_dir, previous=previous
    )
    scanned = timed("pindai", stages.scan, night)
    if not scanned.ready and not dry_run and not _previous_run_unfinished(config):
        return _quiet(night, scanned)
    timed("templat", stages.check_templates, night, DEFAULT_TEMPLATES)
    if not dry_run:
        _mark_state(config, started, "running")
        _remove_orphan_temps(config.output_dir)
    with _scratch_output(night) as night:
        read = timed("baca", stages.read, night, scanned)
        with _open_store(night) as store:
            before = store.status_counts()
            registered = timed("register", stages.register, night, store, read.inputs)
            written = timed("hasil", stages.write, night, store, registered)
            from ..register.changes import pending_change_count
            from ..store.unfinished import finish_run

            counts = {
                **stages.count_items(
                    before,
                    store.status_counts(),
                    registered,
                    written,
                    changes_waiting=pending_change_count(store),
                ),  # fmt: skip
                **verdict_counts([o.verdict for o in registered.outcomes], len(read.waiting)),
            }
            archived = (
                Archived()
                if dry_run
                else timed("arsip", stages.archive_inputs, night, registered.outcomes)
            )
            report = timed(
                "catatan", _record, night, scanned, read, registered, written, archived, counts,
                durations,
            )  # fmt: skip
            # Only once its summary is written: a night killed before is reported by the next.
            finish_run(
                store,
                registered.run_db_id,
                "dry-run" if dry_run else "ok",
                counts,
                registered.interrupted_runs,
            )
    if not dry_run:
        # a file the program failed on is tried once more, then set aside (quarantine.py)
        failed = {
            o.candidate.sha256: o.candidate.name for o in registered.outcomes if o.verdict == FAILED
        }
        _mark_state(config, started, "complete", report.run_id, failed=failed)
    return report


def _timer(durations: dict[str, float]) -> Callable[..., Any]:
    def timed(name: str, stage: Callable[..., T], *args: Any) -> T:
        start = time.perf_counter()
        try:
            return stage(*args)
        finally:
            durations[name] = durations.get(name, 0.0) + time.perf_counter() - start

    return timed


def _quiet(night: Night, scanned: Scanned) -> RunReport:
    """No new file: still a summary page, so the morning sees the night did run."""
    waiting = len(scanned.waiting)
    if waiting:
        summary = (
            f"Malam tenang: tidak ada berkas baru yang siap; {waiting} berkas menunggu malam "
            "berikutnya (masih berubah atau masih dibuka di Excel)."
        )
    else:
        summary = QUIET
    if scanned.unread:
        summary += " " + unread_note(scanned.unread)
    inputs = tuple(waiting_result(p) for p in scanned.waiting)
    counts = {"berkas_menunggu": waiting}
    actions = action_list(
        inputs,
        (),
        counts,
        renamed=scanned.renamed,
        unread=scanned.unread,
        waiting=scanned.waiting,
        stale_locks=scanned.stale_locks,
        placeholders=night.config.placeholders(),
    )
    config = night.config
    run_id, run_dir = write_quiet_record(
        runs_dir=config.output_dir / RUNS_DIR,
        workspace=config.workspace,
        templates_dir=config.templates_dir,
        started=night.started,
        when=night.now,
        version=__version__,
        summary=summary,
        inputs=inputs,
        counts=counts,
        actions=actions,
    )
    page = relative(run_dir / "ringkasan.html", None, None, config.workspace)
    return RunReport(
        exit_code=EXIT_OK,
        summary=summary + SUMMARY_LINK + page,
        run_id=run_id,
        run_dir=run_dir,
        counts=counts,
        inputs=inputs,
        actions=actions,
    )


def _record(
    night: Night,
    scanned: Scanned,
    read: Read,
    registered: Registered,
    written: Written,
    archived: Archived,
    counts: Mapping[str, int],
    durations: Mapping[str, float],
) -> RunReport:
    night.progress.stage("catatan", "Menulis catatan proses")
    config, ws = night.config, night.config.workspace
    verdicts = {o.verdict for o in registered.outcomes}
    exit_code = EXIT_REJECTED if {REJECTED, PARTIAL, FAILED} & verdicts else EXIT_OK
    runs_dir = config.output_dir / RUNS_DIR
    run_id = new_run_id(runs_dir, night.now)
    run_dir = runs_dir / run_id
    summary = summary_line(counts, run_dir, ws, dry_run=night.dry_run)
    inputs = tuple(
        input_result(
            o,
            feedback=written.feedback.get(o.candidate.name),
            archived_to=archived.archived_to.get(o.candidate.name),
            extra_note=archived.notes.get(o.candidate.name, ""),
            out_root=night.out_root,
            output_dir=config.output_dir,
            workspace=ws,
        )
        for o in registered.outcomes
    ) + tuple(waiting_result(p) for p in read.waiting)
    outputs = tuple(relative(p, night.out_root, config.output_dir, ws) for p in written.outputs)
    current = tuple(relative(p, night.out_root, config.output_dir, ws) for p in written.current)
    record = RunRecord(
        run_id=run_id,
        version=__version__,
        started=night.started,
        finished=dt.datetime.now().astimezone(),
        business_date=night.today,
        dry_run=night.dry_run,
        exit_code=exit_code,
        summary=summary,
        inputs=inputs,
        counts=dict(counts),
        errors=registered.errors + written.errors,
        actions=action_list(
            inputs,
            outputs,
            counts,
            renamed=scanned.renamed,
            unread=scanned.unread,
            waiting=read.waiting,
            refused_units=registered.refused_units,
            stale_locks=scanned.stale_locks,
            placeholders=config.placeholders(),
            interrupted=registered.interrupted_note,
            nota_dinas=registered.nota_dinas,
            current=current,
        )
        + written.notices,
        outputs=outputs,
        durations=dict(durations),
        changes=written.changes,
        open=tuple(filter(None, [pending_note(counts, current, APPROVAL_DIR)])),
    )
    write_run_record(record, runs_dir, ws, config.templates_dir)
    return RunReport(
        exit_code=exit_code,
        summary=summary,
        dry_run=night.dry_run,
        run_id=run_id,
        run_dir=run_dir,
        counts=record.counts,
        inputs=inputs,
        outputs=outputs,
        actions=record.actions,
    )


# ---- the night's surroundings: run state, scratch output, the store ----


def _previous_run_unfinished(config: Config) -> bool:
    """A run killed after it began writing: this night repairs the outputs even if idle."""
    state = _read_json(config.var_dir / STATE_NAME)
    return bool(state) and state.get("status") != "complete"


def _mark_state(
    config: Config,
    started: dt.datetime,
    status: str,
    run_id: str | None = None,
    *,
    failed: Mapping[str, str] | None = None,
) -> None:
    state: dict[str, Any] = {"status": status, "run_id": run_id, "pid_started": started.isoformat()}
    if failed:
        state["failed"] = dict(failed)
    quarantine.write_state(config.var_dir, state)


@contextmanager
def _scratch_output(night: Night) -> Iterator[Night]:
    """The night writing to output/ itself, or for a dry run to a throw-away folder."""
    if not night.dry_run:
        yield night
        return
    with tempfile.TemporaryDirectory(prefix="ppid-uji-") as tmp:
        yield replace(night, out_root=Path(tmp))


@contextmanager
def _open_store(night: Night) -> Iterator[Any]:
    from ..store import Store, database_exists

    url = night.config.database_url
    exists = database_exists(url)
    if night.dry_run and not exists:
        # Not even an empty register may appear in var/ for a dry run.
        url = f"sqlite:///{night.out_root / 'uji-coba.sqlite'}"
    if not night.dry_run:
        continuity.check(night.config, exists=exists, has_runs=None)  # before creating one
    with Store.open(url) as store:
        if not night.dry_run:
            continuity.check(night.config, exists=True, has_runs=bool(store.runs()))
            yield store
            return
        # A dry run does every database step in one transaction and throws it away.
        try:
            with store.begin():
                yield store
                raise _Rollback
        except _Rollback:
            pass


class RunFailed(PpidError):
    """The run stopped on an unexpected error; nothing committed is lost."""


class _Rollback(Exception):
    """Ends a dry run's transaction without committing it."""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remove_orphan_temps(output_dir: Path) -> None:
    """Temp files of atomic writes a killed run left half-written (`.<name>.<random>.tmp`)."""
    if output_dir.is_dir():
        for path in output_dir.rglob(".*.tmp"):
            if path.is_file():
                log.info("removing a killed run's temp file %s", path)
                path.unlink()


__all__ = ["RunReport", "run"]
