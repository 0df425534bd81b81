"""The end of each night (SOP records): its run record written, and the RunReport it returns.

The run record (run.json, ringkasan.html, runrecord.py) is assembled here from the frozen
records the stages returned; the RunReport carries the exit code and the one line printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .outputs import APPROVAL_DIR
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
    waiting_result,
)

EXIT_OK, EXIT_REJECTED = 0, 1


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


def quiet_report(night: Night, scanned: Scanned) -> RunReport:
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


def night_report(
    night: Night,
    scanned: Scanned,
    read: Read,
    registered: Registered,
    written: Written,
    archived: Archived,
    counts: Mapping[str, int],
    durations: Mapping[str, float],
) -> RunReport:
    """The run record (run.json, ringkasan.html) from the stages' records; its RunReport."""
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
