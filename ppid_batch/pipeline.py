"""The nightly batch: the one place that knows the order of the SOP stages over a workspace."""

from __future__ import annotations

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

from . import __version__
from .config import Config
from .console import NullProgress, Progress
from .dropfolder import Candidate, Scan, archive, scan_input, unchanged
from .errors import LockedError
from .files import atomic_write_text
from .lock import workspace_lock
from .runrecord import (
    ACCEPTED,
    ALREADY,
    REJECTED,
    RUNS_DIR,
    WAITING,
    InputResult,
    RunRecord,
    new_run_id,
    run_log,
    write_run_record,
)

log = logging.getLogger(__name__)

STATE_NAME = "run-state.json"
MAX_ERRORS_SHOWN = 20
EXIT_OK, EXIT_REJECTED = 0, 1

# Output folders under output/ (DESIGN.md, "The workspace after a run").
REGISTER_DIR = "register"
APPROVAL_DIR = "persetujuan"
NOTA_DIR = "nota-dinas"
FEEDBACK_DIR = "umpan-balik"


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
    with run_log(config.var_dir):
        try:
            with workspace_lock(config.var_dir, wait=wait):
                night = _Night(
                    config, dry_run=dry_run, now=when, started=started, progress=progress
                )
                report = night.run()
        except LockedError as exc:
            log.warning("lock held: %s", exc)
            raise
        finally:
            progress.close()
        log.info("exit %s: %s", report.exit_code, report.summary)
        return report


# ---------------------------------------------------------------------------


@dataclass
class _Input:
    """One settled input file on its way through the night."""

    candidate: Candidate
    report: Any = None  # SheetReport
    verdict: str = ""
    note: str = ""
    feedback: Path | None = None
    archived_to: Path | None = None
    errors: tuple[Mapping[str, Any], ...] = ()

    @property
    def kind(self) -> str | None:
        return getattr(self.report, "kind", None)


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
        self.inputs: list[_Input] = []
        self.waiting: list[Path] = []
        self.outputs: list[Path] = []
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}
        self.out_root = config.output_dir

    # ---- the order ----

    def run(self) -> RunReport:
        scan = self._timed("pindai", self._scan)
        if not scan.ready and not self._previous_run_unfinished() and not self.dry_run:
            return self._quiet(scan)
        self._timed("templat", self._check_templates)
        if not self.dry_run:
            self._mark_state("running")
        with self._scratch_output() as out_root:
            self.out_root = out_root
            self._timed("baca", self._read)
            with self._open_store() as store:
                before = _status_counts(store)
                self._timed("register", lambda: self._register(store))
                self._timed("hasil", lambda: self._write_outputs(store))
                after = _status_counts(store)
                self._count_items(before, after)
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
        scan = scan_input(
            self.config.input_dir, settle_seconds=self.config.settle_seconds, clock=time.time()
        )
        self.waiting = list(scan.waiting)
        self.inputs = [_Input(c) for c in scan.ready]
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
        return RunReport(
            exit_code=EXIT_OK,
            summary=summary,
            counts={"menunggu": waiting},
            inputs=tuple(_waiting_result(p) for p in scan.waiting),
        )

    # ---- templates ----

    def _check_templates(self) -> None:
        from .docx_render import check_templates

        self.progress.stage("templat", "Memeriksa templat dokumen")
        check_templates(self.config)

    # ---- read and validate ----

    def _read(self) -> None:
        from .validate import validate_file

        self.progress.stage("baca", "Membaca dan memeriksa berkas", total=len(self.inputs))
        for item in self.inputs:
            c = item.candidate
            item.report = validate_file(
                c.path,
                max_file_bytes=self.config.max_file_bytes,
                max_unpacked_bytes=self.config.max_unpacked_bytes,
            )
            self.progress.advance(c.name)
        # Approval sheets first, so a form's items and last night's decisions never race;
        # within each kind, by file name (the scan order).
        self.inputs.sort(key=lambda i: (i.kind != "persetujuan", i.candidate.name))

    # ---- register ----

    @contextmanager
    def _open_store(self) -> Iterator[Any]:
        from .store import Store

        with Store.open(self.config.database_url) as store:
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
        from .approve import apply_approval, check_approval
        from .register import register_form

        self.run_db_id = store.start_run()
        self.progress.stage("register", "Mencatat ke register", total=len(self.inputs))
        for item in self.inputs:
            report, c = item.report, item.candidate
            if store.submission_known(c.sha256):
                item.verdict, item.note = ALREADY, "berkas yang sama sudah diterima sebelumnya"
            elif item.kind == "persetujuan":
                report = item.report = check_approval(store, report)
                if report.ok:
                    outcome = apply_approval(store, report, run_id=self.run_db_id)
                    item.verdict, item.note = ACCEPTED, _describe(outcome, "persetujuan")
                else:
                    item.verdict = REJECTED
            elif report.ok:
                outcome = register_form(store, report, received=self.today, run_id=self.run_db_id)
                item.verdict, item.note = ACCEPTED, _describe(outcome, "form")
            else:
                item.verdict = REJECTED
            if item.verdict == REJECTED:
                item.errors = tuple(f.to_json() for f in report.errors[:MAX_ERRORS_SHOWN])
                item.note = item.note or _rejection_note(report)
            log.info("%s: %s %s", c.name, item.verdict, item.note)
            self.progress.advance(f"{c.name}: {item.verdict}")
        self._issue_nota_dinas(store)

    def _issue_nota_dinas(self, store: Any) -> None:
        """Number a Nota Dinas per unit for approved items that no Nota Dinas documents yet.

        Derived from the database alone, so a run killed between the approval commit and
        this step issues exactly the same numbers on the next night.
        """
        groups: dict[tuple[int, str, str], list[str]] = {}
        first_decision = _first_decision_order(store)
        for it in store.items(status="approved"):
            if it.nota_dinas:
                continue
            order, sheet = first_decision.get(it.id, (0, ""))
            groups.setdefault((order, sheet, it.unit), []).append(it.id)
        for (_, _, unit), ids in sorted(groups.items()):
            year = int(ids[0].split("-")[1]) if ids[0].count("-") >= 2 else self.today.year
            store.issue_nota_dinas(
                self.today.year, unit, ids, self.today, self.run_db_id, self.config
            )
            del year

    # ---- outputs, all from the database ----

    def _write_outputs(self, store: Any) -> None:
        from .approval_sheet import write_approval_sheet
        from .feedback import write_corrected_copy
        from .publish import write_register

        out = self.out_root
        self.progress.stage("hasil", "Menulis hasil dari register")
        for item in self.inputs:
            if item.verdict == REJECTED and item.kind is not None:
                item.feedback = write_corrected_copy(item.report, out / FEEDBACK_DIR)
                self._wrote(item.feedback)
        pending = store.items(status="pending")
        sheet = write_approval_sheet(pending, self.config, out / APPROVAL_DIR, today=self.today)
        if sheet is not None:
            self._wrote(sheet)
        approved = store.items(status="approved")
        for year in sorted({_item_year(it) for it in approved}):
            for path in write_register(
                [it for it in approved if _item_year(it) == year],
                year,
                self.config,
                out / REGISTER_DIR,
                today=self.today,
            ):
                self._wrote(path)
        self._write_nota_dinas(store, out / NOTA_DIR)
        store.finish_run(self.run_db_id, "dry-run" if self.dry_run else "ok", {})

    def _write_nota_dinas(self, store: Any, folder: Path) -> None:
        from .nota_dinas import NotaDinas, write_nota_dinas_all

        by_id = {it.id: it for it in store.items(status="approved")}
        notas = [
            NotaDinas(
                number=row["number"],
                date=_as_date(row["date"]),
                unit=row["unit"],
                items=tuple(by_id[i] for i in row["item_ids"] if i in by_id),
                urut=row["urut"],
            )
            for row in store.nota_dinas_list()
        ]
        for path in write_nota_dinas_all(notas, self.config, folder):
            self._wrote(path)

    def _wrote(self, path: Path) -> None:
        self.outputs.append(Path(path))
        self.progress.advance(Path(path).name)

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
                "disetujui_malam_ini": after.get("approved", 0) - before.get("approved", 0),
                "ditolak_atasan_malam_ini": after.get("refused", 0) - before.get("refused", 0),
                "menunggu_persetujuan": after.get("pending", 0),
                "disetujui_seluruhnya": after.get("approved", 0),
            }
        )

    def _record(self) -> RunReport:
        verdicts = [i.verdict for i in self.inputs]
        self.counts.update(
            {
                "berkas_diterima": verdicts.count(ACCEPTED),
                "berkas_ditolak": verdicts.count(REJECTED),
                "berkas_sudah_diterima": verdicts.count(ALREADY),
                "berkas_menunggu": len(self.waiting),
            }
        )
        exit_code = EXIT_REJECTED if REJECTED in verdicts else EXIT_OK
        runs_dir = self.config.output_dir / RUNS_DIR
        run_id = new_run_id(runs_dir, self.now)
        run_dir = runs_dir / run_id
        summary = self._summary(run_dir)
        ws = self.config.workspace
        inputs = tuple(self._result(i) for i in self.inputs) + tuple(
            _waiting_result(p) for p in self.waiting
        )
        outputs = tuple(
            _relative(p, self.out_root, self.config.output_dir, ws) for p in self.outputs
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
            actions=self._actions(inputs, outputs),
            outputs=outputs,
            durations=dict(self.durations),
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

    def _result(self, item: _Input) -> InputResult:
        ws = self.config.workspace
        report = item.report
        return InputResult(
            name=item.candidate.name,
            sha256=item.candidate.sha256,
            kind=item.kind,
            verdict=item.verdict,
            note=item.note.strip(),
            rows=getattr(report, "rows", 0),
            archived_to=_relative(item.archived_to, None, None, ws) if item.archived_to else None,
            feedback=(
                _relative(item.feedback, self.out_root, self.config.output_dir, ws)
                if item.feedback
                else None
            ),
            errors=item.errors,
            warnings=len(getattr(report, "warnings", ())),
        )

    def _actions(self, inputs: Sequence[InputResult], outputs: Sequence[str]) -> tuple[str, ...]:
        actions: list[str] = []
        for i in inputs:
            if i.verdict == REJECTED:
                where = f" Salinan koreksi: {i.feedback}." if i.feedback else ""
                actions.append(f"Berkas {i.name} ditolak: {i.note}.{where} Kembalikan ke unitnya.")
        pending = self.counts.get("menunggu_persetujuan", 0)
        sheets = [o for o in outputs if o.startswith(f"output/{APPROVAL_DIR}/")]
        if pending and sheets:
            actions.append(
                f"{pending} informasi menunggu persetujuan Atasan PPID: serahkan {sheets[-1]}, "
                "lalu taruh lembar yang sudah diisi di input/."
            )
        if self.counts.get("disetujui_malam_ini"):
            actions.append("Periksa dan tandatangani Draft Nota Dinas baru di output/nota-dinas/.")
        for path in self.waiting:
            actions.append(
                f"Berkas {path.name} masih berubah saat diperiksa; diproses malam berikutnya."
            )
        return tuple(actions)

    def _summary(self, run_dir: Path) -> str:
        c = self.counts
        parts = [f"{c['berkas_diterima']} berkas diterima", f"{c['berkas_ditolak']} ditolak"]
        if c["berkas_sudah_diterima"]:
            parts.append(f"{c['berkas_sudah_diterima']} sudah diterima sebelumnya")
        if c["berkas_menunggu"]:
            parts.append(f"{c['berkas_menunggu']} menunggu")
        items = (
            f"{c.get('informasi_baru', 0)} informasi baru, "
            f"{c.get('disetujui_malam_ini', 0)} disetujui, "
            f"{c.get('menunggu_persetujuan', 0)} menunggu persetujuan"
        )
        where = _relative(run_dir / "ringkasan.html", None, None, self.config.workspace)
        head = "Uji coba selesai (tidak ada yang diubah)" if self.dry_run else "Selesai"
        return f"{head}: {', '.join(parts)}; {items}. Ringkasan: {where}"


class _Rollback(Exception):
    """Ends a dry run's transaction without committing it."""


# ---------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _waiting_result(path: Path) -> InputResult:
    return InputResult(
        name=path.name,
        sha256=None,
        kind=None,
        verdict=WAITING,
        note="baru saja berubah (mungkin masih disalin); diproses malam berikutnya",
    )


def _status_counts(store: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for it in store.items():
        counts[it.status] = counts.get(it.status, 0) + 1
    return counts


def _first_decision_order(store: Any) -> dict[str, tuple[int, str]]:
    """Item ID → (order of the decision that approved it, the sheet's sha256)."""
    order: dict[str, tuple[int, str]] = {}
    for d in store.decisions():
        order.setdefault(d["item_id"], (d["id"], str(d.get("sheet_sha256", ""))))
    return order


def _item_year(item: Any) -> int:
    return int(item.id.split("-")[1])


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _describe(outcome: Any, kind: str) -> str:
    return str(getattr(outcome, "summary", "") or "")


def _rejection_note(report: Any) -> str:
    errors = list(report.errors)
    if not errors:
        return "tidak dapat diproses"
    first = errors[0].message
    more = f" (dan {len(errors) - 1} kesalahan lain)" if len(errors) > 1 else ""
    return f"{first}{more}"


def _relative(path: Path | None, scratch: Path | None, real: Path | None, ws: Path) -> str:
    """A workspace-relative POSIX path; dry-run outputs are named as if in output/."""
    assert path is not None
    path = Path(path)
    if scratch is not None and real is not None and scratch != real:
        try:
            path = real / path.relative_to(scratch)
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(ws.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


__all__ = ["RunReport", "run"]
_ = replace
