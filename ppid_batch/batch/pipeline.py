"""The nightly batch: the one place that knows the order of the SOP stages over a workspace."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import DEFAULT_TEMPLATES, Config
from ..errors import ConfigError, LockedError, PpidError
from ..files import atomic_write_text, os_reason
from .console import NullProgress, Progress
from .dropfolder import Scan, archive, repair_names, scan_input, unchanged
from .lock import workspace_lock
from .outputs import APPROVAL_DIR as APPROVAL_DIR  # re-exported: demo.py names it here
from .outputs import (
    FEEDBACK_DIR,
    issue_nota_dinas,
    tonight_changes,
    write_annual_reports,
    write_documents,
    write_feedback,
)
from .runrecord import (
    ACCEPTED,
    ALREADY,
    FAILED,
    PARTIAL,
    REJECTED,
    RUNS_DIR,
    InputResult,
    RunRecord,
    new_run_id,
    run_log,
    write_run_record,
)
from .verdicts import (
    NightInput,
    action_list,
    form_note,
    input_result,
    rejection_note,
    relative,
    summary_line,
    unread_note,
    verdict_counts,
    waiting_result,
)

log = logging.getLogger(__name__)

STATE_NAME = "run-state.json"
MAX_ERRORS_SHOWN = 20
EXIT_OK, EXIT_REJECTED = 0, 1
NO_DECISIONS = "no_decisions"  # validate's warning on a returned approval sheet left blank


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
                night = _Night(
                    config, dry_run=dry_run, now=when, started=started, progress=progress
                )
                report = night.run()
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
            if isinstance(exc, OSError):
                cause = f": {os_reason(exc)}"
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


# ---------------------------------------------------------------------------


class _Night:
    def __init__(
        self,
        config: Config,
        *,
        dry_run: bool,
        now: dt.datetime,
        started: dt.datetime,
        progress: Progress,
    ) -> None:
        self.config = config
        self.dry_run = dry_run
        self.now = now
        self.today = now.date()
        self.started = started
        self.progress = progress
        self.durations: dict[str, float] = {}
        self.inputs: list[NightInput] = []
        self.waiting: list[Path] = []
        self.outputs: list[Path] = []
        self.errors: list[str] = []
        self.renamed: list[str] = []
        self.unread: list[Path] = []
        self.counts: dict[str, int] = {}
        # Tonight's decisions, from the sheets applied tonight: status counts before and
        # after cannot tell them apart from a refused item its unit corrected (pending again).
        self.approved_tonight = 0
        self.refused_tonight = 0
        self.changes: Sequence[Mapping[str, Any]] = ()
        self.out_root = config.output_dir

    # ---- the order ----

    def run(self) -> RunReport:
        scan = self._timed("pindai", self._scan)
        if not scan.ready and not self._previous_run_unfinished() and not self.dry_run:
            return self._quiet(scan)
        self._timed("templat", self._check_templates)
        if not self.dry_run:
            self._mark_state("running")
            _remove_orphan_temps(self.config.output_dir)
        with self._scratch_output() as out_root:
            self.out_root = out_root
            self._timed("baca", self._read)
            with self._open_store() as store:
                before = store.status_counts()
                self._timed("register", lambda: self._register(store))
                self._timed("hasil", lambda: self._write_outputs(store))
                self._count_items(before, store.status_counts())
        if not self.dry_run:
            self._timed("arsip", self._archive)
        report = self._timed("catatan", self._record)
        if not self.dry_run:
            self._mark_state("complete", report.run_id)
        return report

    def _timed(self, name: str, stage: Any) -> Any:
        start = time.perf_counter()
        try:
            return stage()
        finally:
            self.durations[name] = self.durations.get(name, 0.0) + time.perf_counter() - start

    # ---- scan ----

    def _scan(self) -> Scan:
        self.progress.stage("pindai", "Memeriksa folder input/")
        if not self.config.input_dir.is_dir():
            # A missing share or a typo in ppid.toml must not pass for a quiet night.
            raise ConfigError(
                f"Folder masukan {self.config.input_dir} tidak ada; buat foldernya "
                "('ppid-batch init') atau periksa 'lokasi.input' di ppid.toml."
            )
        if not self.dry_run:
            for shown, target in repair_names(self.config.input_dir):
                log.warning("renamed %r to %s (name not valid UTF-8)", shown, target.name)
                self.renamed.append(target.name)
        scan = scan_input(
            self.config.input_dir, settle_seconds=self.config.settle_seconds, clock=time.time()
        )
        self.waiting = list(scan.waiting)
        self.unread = list(scan.unread)
        self.inputs = [NightInput(c) for c in scan.ready]
        for path in scan.waiting:
            log.info("waiting (changed in the last %ss): %s", self.config.settle_seconds, path.name)
        return scan

    def _previous_run_unfinished(self) -> bool:
        """A run killed after it began writing: this night repairs the outputs even if idle."""
        state = _read_json(self.config.var_dir / STATE_NAME)
        return bool(state) and state.get("status") != "complete"

    def _mark_state(self, status: str, run_id: str | None = None) -> None:
        atomic_write_text(
            self.config.var_dir / STATE_NAME,
            json.dumps(
                {"status": status, "run_id": run_id, "pid_started": self.started.isoformat()}
            ),
        )

    def _quiet(self, scan: Scan) -> RunReport:
        waiting = len(scan.waiting)
        if waiting:
            summary = (
                f"Tidak ada berkas baru yang siap; {waiting} berkas menunggu malam berikutnya "
                "(masih berubah)."
            )
        else:
            summary = "Tidak ada berkas baru di input/; tidak ada yang berubah."
        if scan.unread:
            summary += " " + unread_note(scan.unread)
        return RunReport(
            exit_code=EXIT_OK,
            summary=summary,
            counts={"menunggu": waiting},
            inputs=tuple(waiting_result(p) for p in scan.waiting),
        )

    # ---- templates ----

    def _check_templates(self) -> None:
        from ..documents.docx import check_templates

        self.progress.stage("templat", "Memeriksa templat dokumen")
        folder = Path(self.config.templates_dir)
        if folder == DEFAULT_TEMPLATES and not folder.is_dir():
            raise ConfigError(
                f"Templat bawaan ppid-batch tidak ditemukan di {folder}; pemasangan ppid-batch "
                "tidak lengkap: pasang ulang dari folder proyeknya (make run)."
            )
        if not folder.is_dir():
            # Each missing file would silently fall back to the bundled one: the office's
            # letterhead would vanish from every document without a word.
            raise ConfigError(
                f"Folder templat {folder} tidak ada; periksa 'lokasi.templat' di ppid.toml, "
                "atau kosongkan untuk memakai templat bawaan."
            )
        check_templates(self.config)

    # ---- read and validate ----

    def _read(self) -> None:
        from ..forms.validate import validate_files

        self.progress.stage("baca", "Membaca dan memeriksa berkas", total=len(self.inputs))
        # Batched: forms of one shape share a pandera run, a third faster than one per file.
        reports = validate_files(
            [item.candidate.path for item in self.inputs],
            max_file_bytes=self.config.max_file_bytes,
            max_unpacked_bytes=self.config.max_unpacked_bytes,
        )
        for item, report in zip(self.inputs, reports, strict=True):
            item.report = report
            self.progress.advance(item.candidate.name)
        # A file rewritten between the scan and the read is still being worked on.
        changed = [i for i in self.inputs if i.report.sha256 != i.candidate.sha256]
        self.waiting += [i.candidate.path for i in changed]
        self.inputs = [i for i in self.inputs if i not in changed]
        # Approval sheets first: a sheet lists the items pending when it was made, so its
        # decisions land before tonight's forms can correct any of them. Then by file name.
        self.inputs.sort(key=lambda i: (i.kind != "persetujuan", i.candidate.name))

    # ---- register ----

    @contextmanager
    def _open_store(self) -> Iterator[Any]:
        from ..store.core import Store, database_exists

        url = self.config.database_url
        if self.dry_run and not database_exists(url):
            # Not even an empty register may appear in var/ for a dry run.
            url = f"sqlite:///{self.out_root / 'uji-coba.sqlite'}"
        with Store.open(url) as store:
            if not self.dry_run:
                yield store
                return
            # A dry run does every database step in one transaction and throws it away.
            try:
                with store.begin():
                    yield store
                    raise _Rollback
            except _Rollback:
                pass

    def _register(self, store: Any) -> None:
        self.run_db_id = store.start_run()
        self.progress.stage("register", "Mencatat ke register", total=len(self.inputs))
        for item in self.inputs:
            try:
                if item.kind == "persetujuan":
                    self._apply_sheet(store, item)
                else:
                    self._register_form(store, item)
            except (PpidError, OSError, ValueError, LookupError, TypeError) as exc:
                # One file the program cannot handle must not stop the others; its
                # transaction rolled back, and it stays in input/ for another try.
                log.exception("%s: not registered", item.candidate.name)
                item.verdict = FAILED
                item.note = (
                    "tidak dapat diproses karena galat program; dicoba lagi malam berikutnya"
                )
                # PpidError speaks Indonesian already; anything else is a bug whose English
                # text belongs in the log, not on the PPID's morning page.
                reason = str(exc) if isinstance(exc, PpidError) else "galat program"
                self.errors.append(
                    f"{item.candidate.name}: {reason} "
                    f"(untuk pemelihara: {exc.__class__.__name__}, rincian di "
                    "var/logs/ppid-batch.log)"
                )
                self.progress.advance(f"{item.candidate.name}: {item.verdict}")
                continue
            if item.verdict in (REJECTED, PARTIAL):
                item.errors = tuple(f.to_json() for f in item.report.errors[:MAX_ERRORS_SHOWN])
                item.note = item.note or rejection_note(item.report)
            log.info("%s: %s %s", item.candidate.name, item.verdict, item.note)
            self.progress.advance(f"{item.candidate.name}: {item.verdict}")
        issue_nota_dinas(store, self.config, today=self.today, run_id=self.run_db_id)

    def _register_form(self, store: Any, item: NightInput) -> None:
        from ..register.items import register_form

        # One transaction per form: a crash keeps every form committed before it, and
        # the same bytes are never registered twice (the store knows their sha256).
        outcome = register_form(store, item.report, received=self.today, run_id=self.run_db_id)
        if item.report.errors:
            # The same wrong bytes are wrong every time: back to ditolak/, with a copy.
            item.verdict = REJECTED
        elif outcome.already_received:
            item.verdict, item.note = ALREADY, "berkas yang sama sudah diterima sebelumnya"
        else:
            item.verdict = ACCEPTED
            item.note = form_note(outcome)
        if outcome.refused:
            item.report = replace(item.report, errors=(*item.report.errors, *outcome.refused))
            item.verdict = PARTIAL if item.verdict == ACCEPTED else item.verdict

    def _apply_sheet(self, store: Any, item: NightInput) -> None:
        from ..approve.apply import apply_approval, check_approval

        unfilled = [f for f in item.report.warnings if f.type == NO_DECISIONS]
        if unfilled:
            # Taken as accepted, a sheet nobody filled in would be archived and forgotten:
            # it goes back to the Atasan PPID, and input/ does not read it every night.
            item.report = replace(
                item.report,
                errors=(*(replace(f, severity="error") for f in unfilled), *item.report.errors),
                warnings=tuple(f for f in item.report.warnings if f.type != NO_DECISIONS),
            )
        outcome = apply_approval(store, item.report, run_id=self.run_db_id, received=self.today)
        if outcome.already_received:
            item.report = check_approval(store, item.report)
            whole_sheet = [f for f in item.report.errors if f.row is None]
            if whole_sheet:
                item.verdict = REJECTED
            else:
                item.verdict, item.note = ALREADY, "lembar yang sama sudah diterima sebelumnya"
            return
        item.report = outcome.report or item.report
        if outcome.status == "rejected":
            item.verdict = REJECTED
            return
        item.verdict = PARTIAL if outcome.skipped else ACCEPTED
        approved = sum(len(v) for v in outcome.approved.values())
        refused = sum(len(v) for v in outcome.refused.values())
        self.approved_tonight += approved
        self.refused_tonight += refused
        item.note = (
            f"{approved} disetujui, {refused} tidak disetujui, {len(outcome.pending)} belum diputus"
        )
        if outcome.skipped:
            item.note += f"; {len(outcome.skipped)} baris tidak dapat diterapkan"

    # ---- outputs, all from the database ----

    def _write_outputs(self, store: Any) -> None:
        out = self.out_root
        self.progress.stage("hasil", "Menulis hasil dari register")
        everything = store.items()
        rejected = [i for i in self.inputs if i.verdict in (REJECTED, PARTIAL)]
        copies = write_feedback(
            [i.report for i in rejected],
            everything,
            self.config,
            out / FEEDBACK_DIR,
            today=self.today,
            wrote=self._wrote,
        )
        for item, copy in zip(rejected, copies, strict=True):
            item.feedback = copy
        self.errors += write_documents(
            store,
            everything,
            self.config,
            out,
            today=self.today,
            pdf=self.config.pdf and not self.dry_run,
            wrote=self._wrote,
        )
        self.changes = tonight_changes(store, self.run_db_id)
        store.finish_run(self.run_db_id, "dry-run" if self.dry_run else "ok", self.counts)
        write_annual_reports(store, self.config, out, today=self.today, wrote=self._wrote)

    def _wrote(self, path: Path) -> Path:
        self.outputs.append(Path(path))
        self.progress.advance(Path(path).name)
        return Path(path)

    @contextmanager
    def _scratch_output(self) -> Iterator[Path]:
        """output/ itself, or for a dry run a throw-away folder that stands in for it."""
        if not self.dry_run:
            yield self.config.output_dir
            return
        with tempfile.TemporaryDirectory(prefix="ppid-uji-") as tmp:
            yield Path(tmp)

    # ---- archive ----

    def _archive(self) -> None:
        self.progress.stage("arsip", "Memindahkan berkas masukan", total=len(self.inputs))
        for item in self.inputs:
            c = item.candidate
            if item.verdict == FAILED:
                self.progress.advance(f"{c.name}: dibiarkan")
                continue
            if not unchanged(c):
                # Replaced while we worked: the new version is for the next night.
                item.note += " (berkas berubah selama proses; diproses lagi malam berikutnya)"
                self.progress.advance(f"{c.name}: dibiarkan")
                continue
            item.archived_to = archive(
                c.path, self.config.input_dir, accepted=item.verdict != REJECTED, day=self.today
            )
            self.progress.advance(f"{c.name} → {item.archived_to.parent.name}")

    # ---- the record ----

    def _count_items(self, before: Mapping[str, int], after: Mapping[str, int]) -> None:
        self.counts.update(
            {
                "informasi_baru": sum(after.values()) - sum(before.values()),
                "disetujui_malam_ini": self.approved_tonight,
                "ditolak_atasan_malam_ini": self.refused_tonight,
                "menunggu_persetujuan": after.get("pending", 0),
                "disetujui_seluruhnya": after.get("approved", 0),
                "perubahan_daftar_malam_ini": len(self.changes),
            }
        )

    def _record(self) -> RunReport:
        self.progress.stage("catatan", "Menulis catatan proses")
        verdicts = [i.verdict for i in self.inputs]
        self.counts.update(verdict_counts(verdicts, len(self.waiting)))
        exit_code = EXIT_REJECTED if {REJECTED, PARTIAL, FAILED} & set(verdicts) else EXIT_OK
        runs_dir = self.config.output_dir / RUNS_DIR
        run_id = new_run_id(runs_dir, self.now)
        run_dir = runs_dir / run_id
        ws = self.config.workspace
        summary = summary_line(self.counts, run_dir, ws, dry_run=self.dry_run)
        inputs = tuple(
            input_result(i, out_root=self.out_root, output_dir=self.config.output_dir, workspace=ws)
            for i in self.inputs
        ) + tuple(waiting_result(p) for p in self.waiting)
        outputs = tuple(
            relative(p, self.out_root, self.config.output_dir, ws) for p in self.outputs
        )
        record = RunRecord(
            run_id=run_id,
            version=__version__,
            started=self.started,
            finished=dt.datetime.now().astimezone(),
            business_date=self.today,
            dry_run=self.dry_run,
            exit_code=exit_code,
            summary=summary,
            inputs=inputs,
            counts=dict(self.counts),
            errors=tuple(self.errors),
            actions=action_list(
                inputs,
                outputs,
                self.counts,
                renamed=self.renamed,
                unread=self.unread,
                waiting=self.waiting,
            ),
            outputs=outputs,
            durations=dict(self.durations),
            changes=tuple(self.changes),
        )
        write_run_record(record, runs_dir, ws, self.config.templates_dir)
        return RunReport(
            exit_code=exit_code,
            summary=summary,
            dry_run=self.dry_run,
            run_id=run_id,
            run_dir=run_dir,
            counts=record.counts,
            inputs=inputs,
            outputs=outputs,
            actions=record.actions,
        )


# How an operator reads the usual disk errors (the errno, not Python's English text).
class RunFailed(PpidError):
    """The run stopped on an unexpected error; nothing committed is lost."""


class _Rollback(Exception):
    """Ends a dry run's transaction without committing it."""


# ---------------------------------------------------------------------------


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
