"""The night's stages (SOP steps 1-3 over input/) as plain functions over frozen records.

Each stage takes what the stages before it returned and gives back a frozen record; only
`pipeline.py` knows their order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import DEFAULT_TEMPLATES, Config
from ..errors import ConfigError, PpidError
from ..files import log_text
from . import interrupted, quarantine
from .console import Progress
from .dropfolder import Candidate, archive, repair_names, scan_input, unchanged
from .hasil import OutputWatch, unfinished_since
from .memo import MEMO_FILE, OutputMemo, fingerprint
from .outputs import (
    FEEDBACK_DIR,
    annual_reports_beside,
    approval_notes,
    finish_annual_reports,
    issue_nota_dinas,
    tonight_changes,
    write_documents,
    write_feedback,
    write_print_pack,
)
from .runrecord import ACCEPTED, ALREADY, FAILED, PARTIAL, REJECTED
from .verdicts import form_note, rejection_note, verdict_counts

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 20
NO_DECISIONS = "no_decisions"  # validate's warning on a returned approval sheet left blank


@dataclass(frozen=True)
class Night:
    """What the night acts on, fixed before it starts."""

    config: Config
    dry_run: bool
    now: dt.datetime
    started: dt.datetime
    progress: Progress
    out_root: Path  # output/, or a dry run's scratch folder standing in for it
    previous: Mapping[str, Any] = field(default_factory=dict)  # last night's var/run-state.json

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Scanned:
    ready: tuple[Candidate, ...]
    waiting: tuple[Path, ...]
    unread: tuple[Path, ...]
    renamed: tuple[str, ...]
    stale_locks: tuple[Path, ...] = ()  # Office lock files left for over a day


@dataclass(frozen=True)
class ReadInput:
    candidate: Candidate
    report: Any  # SheetReport

    @property
    def kind(self) -> str | None:
        return getattr(self.report, "kind", None)


@dataclass(frozen=True)
class Read:
    inputs: tuple[ReadInput, ...]  # approval sheets first, then by file name
    waiting: tuple[Path, ...]  # the scan's, plus files rewritten between scan and read

    def registered(self) -> Read:
        """What the night still needs once the register stage took the inputs in: the
        waiting files. The parsed rows (a signed sheet of 100,000 rows holds some 200 MB
        of them) are not kept alive through the writing of the outputs."""
        return Read((), self.waiting)


@dataclass(frozen=True)
class Outcome:
    """One input file after the register stage: its verdict and the report it ended with."""

    candidate: Candidate
    report: Any
    verdict: str
    note: str = ""
    errors: tuple[Mapping[str, Any], ...] = ()
    rows: int | None = None  # the report's rows, when its parsed rows were let go (shed)

    @property
    def kind(self) -> str | None:
        return getattr(self.report, "kind", None)

    def shed(self) -> Outcome:
        """This outcome without its report's parsed rows, which no stage after the
        register reads but for a rejected file's corrected copy (kept whole)."""
        report = self.report
        if self.verdict in (REJECTED, PARTIAL) or not getattr(report, "items", None):
            return self
        return replace(self, report=replace(report, items=()), rows=len(report.items))


@dataclass(frozen=True)
class Registered:
    run_db_id: int
    outcomes: tuple[Outcome, ...]
    approved: int = 0  # tonight's decisions, counted from the sheets applied tonight
    refused: int = 0
    errors: tuple[str, ...] = ()
    refused_units: frozenset[str] = frozenset()  # units with an item refused tonight
    # Runs an earlier night left `running` whose decisions are reported tonight (interrupted.py)
    interrupted_runs: tuple[int, ...] = ()
    interrupted_note: str = ""
    nota_dinas: tuple[str, ...] = ()  # names of the Nota Dinas numbered tonight or by those

    @property
    def failed(self) -> dict[str, str]:
        """sha256 → name of the inputs the program failed on (tried once more, then set aside)."""
        return {o.candidate.sha256: o.candidate.name for o in self.outcomes if o.verdict == FAILED}


@dataclass(frozen=True)
class Written:
    outputs: tuple[Path, ...]  # created or changed tonight: the morning's 'Hasil'
    feedback: Mapping[str, Path]  # input name -> its corrected copy
    changes: tuple[Mapping[str, Any], ...]
    errors: tuple[str, ...] = ()
    current: tuple[Path, ...] = ()  # every output the register gives tonight, changed or not
    notices: tuple[str, ...] = ()  # lines for the morning's actions (no print pack, …)


@dataclass(frozen=True)
class Archived:
    archived_to: Mapping[str, Path] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)  # input name -> note added


# ---- scan ----


def scan(night: Night) -> Scanned:
    config = night.config
    night.progress.stage("pindai", "Memeriksa folder input/")
    if not config.input_dir.is_dir():
        # A missing share or a typo in ppid.toml must not pass for a quiet night.
        raise ConfigError(
            f"Folder masukan {config.input_dir} tidak ada; buat foldernya "
            "('ppid-batch init') atau periksa 'lokasi.input' di ppid.toml."
        )
    renamed: list[str] = []
    if not night.dry_run:
        for shown, target in repair_names(config.input_dir):
            log.warning("renamed %r to %s (name not valid UTF-8)", shown, target.name)
            renamed.append(target.name)
    found = scan_input(config.input_dir, settle_seconds=config.settle_seconds, clock=time.time())
    found = _scan_approval_folder(config, found)
    for path in found.waiting:
        log.info("waiting (changed in the last %ss): %s", config.settle_seconds, path.name)
    return Scanned(
        tuple(found.ready),
        tuple(found.waiting),
        tuple(found.unread),
        tuple(renamed),
        found.stale_locks,
    )


def _scan_approval_folder(config: Any, found: Any) -> Any:
    """The Atasan PPID's own folder ([lokasi] persetujuan), when ppid.toml names one."""
    folder = config.approval_dir
    if folder is None:
        return found
    if not folder.is_dir():
        raise ConfigError(
            f"Folder lembar persetujuan {folder} tidak ada; buat foldernya atau periksa "
            "'lokasi.persetujuan' di ppid.toml."
        )
    extra = scan_input(folder, settle_seconds=config.settle_seconds, clock=time.time())
    return replace(
        found,
        ready=(*found.ready, *extra.ready),
        waiting=(*found.waiting, *extra.waiting),
        unread=(*found.unread, *extra.unread),
    )


# ---- templates ----


def check_templates(night: Night, default_templates: Path = DEFAULT_TEMPLATES) -> None:
    from ..documents.docx import check_templates_once

    night.progress.stage("templat", "Memeriksa templat dokumen")
    folder = Path(night.config.templates_dir)
    if folder == default_templates and not folder.is_dir():
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
    check_templates_once(
        night.config.templates_dir, None if night.dry_run else night.config.var_dir
    )


# ---- read and validate ----


def read(night: Night, scanned: Scanned, warm: Any = None) -> Read:
    """Every ready file read and checked; each form read is counted by `warm` (a
    register/prefetch.Warm), which may start the near-duplicate index's child meanwhile."""
    from ..forms.validate import validate_files

    night.progress.stage("baca", "Membaca dan memeriksa berkas", total=len(scanned.ready))
    limits = night.config.max_file_bytes, night.config.max_unpacked_bytes
    # the file last night died reading is probed in a child process first
    set_aside = quarantine.screen(
        scanned.ready, night.previous, max_file_bytes=limits[0], max_unpacked_bytes=limits[1]
    )
    to_read = [c for c in scanned.ready if c.sha256 not in set_aside]
    on_read = None
    if not night.dry_run:
        on_read = quarantine.reading_note(night.config.var_dir, night.started, to_read)
    reports = iter(
        validate_files(
            [c.path for c in to_read],
            max_file_bytes=limits[0],
            max_unpacked_bytes=limits[1],
            on_read=on_read,
            vocabulary=night.config.vocabulary,
        )
    )
    from ..approve.folder import place_check
    from ..forms.units import check_unit

    inputs: list[ReadInput] = []
    for candidate in scanned.ready:
        report = set_aside.get(candidate.sha256) or next(reports)
        # The office's units, and the approval folder when ppid.toml names one.
        checked = place_check(check_unit(report, night.config.units), night.config.approval_dir)
        inputs.append(ReadInput(candidate, checked))
        if warm is not None:
            warm.read(checked)
        night.progress.advance(candidate.name)
    # A file rewritten between the scan and the read is still being worked on.
    changed = [i for i in inputs if i.report.sha256 != i.candidate.sha256]
    kept = [i for i in inputs if i not in changed]
    # Approval sheets first: a sheet lists the items pending when it was made, so its
    # decisions land before tonight's forms can correct any of them. Then by file name.
    kept.sort(key=lambda i: (i.kind != "persetujuan", i.candidate.name))
    return Read(tuple(kept), scanned.waiting + tuple(i.candidate.path for i in changed))


# ---- register ----


def warming() -> contextlib.AbstractContextManager[Any]:
    """What starts the near-duplicate index's child while the forms are still read, once
    they are enough for it (register/prefetch.Warm); an untaken child ends with the block."""
    from ..register.prefetch import warming

    return warming()


def index_ahead(
    night: Night, store: Any, read: Read, counts: Mapping[str, int], warm: Any = None
) -> contextlib.AbstractContextManager[Any]:
    """The near-duplicate index of the register tonight's forms give, computed in a
    child process (the one `warm` started while they were read, if any) while they are
    registered (register/prefetch.py), until the block ends."""
    from ..register.prefetch import index_ahead

    reports = [i.report for i in read.inputs]
    return index_ahead(store, reports, night.config.similarity_threshold, counts, warm)


def register(night: Night, store: Any, inputs: Sequence[ReadInput]) -> Registered:
    run_db_id = store.start_run()
    left = interrupted.find(store, run_db_id)
    night.progress.stage("register", "Mencatat ke register", total=len(inputs))
    outcomes: list[Outcome] = []
    errors: list[str] = []
    approved = refused = 0
    refused_units: set[str] = set()
    from ..approve.night import conflicting_decisions

    def counts(report: Any) -> bool:
        # asked of approval sheets only: a night of forms alone does not import apply.py
        from ..approve.apply import sheet_counts

        return sheet_counts(store, report, night.config, counted)

    # Two sheets deciding one item differently tonight: neither decision is applied.
    # The whole-sheet checks made here are kept (by sha256) for applying the sheet.
    counted: dict[str, Any] = {}
    conflicts = conflicting_decisions([i.report for i in inputs], store.submission_known, counts)
    # Tonight's forms are one transaction: one durable commit for all of them instead of
    # one per form, each form a savepoint in it (undone alone when it fails). Nothing
    # leaves input/ before that commit, so a crash before it only means reading them again.
    # An approval sheet (read() puts them first) is applied in transactions of its own.
    for sheets, group in itertools.groupby(inputs, key=lambda i: i.kind == "persetujuan"):
        with contextlib.nullcontext() if sheets else store.begin():
            for item in group:
                outcome, decided = _register_input(
                    night, store, item, run_db_id, conflicts, counted, errors
                )
                approved, refused = approved + decided[0], refused + decided[1]
                refused_units.update(decided[2])
                night.progress.advance(f"{item.candidate.name}: {outcome.verdict}")
                outcomes.append(outcome.shed())
    issue_nota_dinas(store, night.config, today=night.today, run_id=run_db_id)
    return Registered(
        run_db_id,
        tuple(outcomes),
        approved + left.approved,
        refused + left.refused,
        tuple(errors),
        frozenset(refused_units) | left.refused_units,
        left.run_ids,
        interrupted.note(left),
        interrupted.nota_dinas_names(store, (*left.run_ids, run_db_id)),
    )


_NOTHING_DECIDED: tuple[int, int, frozenset[str]] = (0, 0, frozenset())


def _register_input(
    night: Night,
    store: Any,
    item: ReadInput,
    run_db_id: int,
    conflicts: Mapping[str, Mapping[str, str]],
    counted: dict[str, Any],
    errors: list[str],
) -> tuple[Outcome, tuple[int, int, frozenset[str]]]:
    """One input's outcome and what it decided (an approval sheet: approved, refused, the
    refused units). A file the program cannot handle does not stop the others."""
    try:
        if item.kind == "persetujuan":
            outcome, decided = _apply_sheet(
                store, item, night.today, run_db_id, night.config, conflicts,
                counted.pop(item.report.sha256, None),
            )  # fmt: skip
        else:
            outcome = _register_form(store, item, night.today, run_db_id)
            decided = _NOTHING_DECIDED
    except (PpidError, OSError, ValueError, LookupError, TypeError) as exc:
        return _failed(night, item, exc, errors), _NOTHING_DECIDED
    if outcome.verdict in (REJECTED, PARTIAL):
        shown = tuple(f.to_json() for f in outcome.report.errors[:MAX_ERRORS_SHOWN])
        outcome = replace(
            outcome, errors=shown, note=outcome.note or rejection_note(outcome.report)
        )
    log.info("%s: %s %s", item.candidate.name, outcome.verdict, outcome.note)
    return outcome, decided


def _failed(night: Night, item: ReadInput, exc: Exception, errors: list[str]) -> Outcome:
    """The outcome of an input the program failed on: what it wrote is rolled back, and it
    stays in input/ for one more try (rejected when it failed the night before too)."""
    name = item.candidate.name
    log.exception("%s: not registered", log_text(name))
    again = quarantine.failed_again(item.candidate, night.previous)
    if again is not None:
        shown = tuple(f.to_json() for f in again.errors)
        return Outcome(item.candidate, again, REJECTED, rejection_note(again), shown)
    # PpidError speaks Indonesian already; anything else is a bug whose English text
    # belongs in the log, not on the PPID's morning page.
    reason = str(exc) if isinstance(exc, PpidError) else "galat program"
    errors.append(
        f"{name}: {reason} (untuk pemelihara: {exc.__class__.__name__}, rincian di "
        "var/logs/ppid-batch.log)"
    )
    return Outcome(
        item.candidate,
        item.report,
        FAILED,
        "tidak dapat diproses karena galat program; dicoba lagi malam berikutnya",
    )


def _register_form(store: Any, item: ReadInput, today: dt.date, run_id: int) -> Outcome:
    from ..register import items

    # One savepoint per form in the forms' transaction: a form that fails is undone
    # alone, and the same bytes are never registered twice (the store knows their sha256).
    with store.savepoint():
        result = items.register_form(store, item.report, received=today, run_id=run_id)
    report = item.report
    if report.errors:
        # The same wrong bytes are wrong every time: back to ditolak/, with a copy.
        verdict, note = REJECTED, ""
    elif result.already_received:
        verdict, note = ALREADY, "berkas yang sama sudah diterima sebelumnya"
    else:
        verdict, note = ACCEPTED, form_note(result)
    if result.refused:
        report = replace(report, errors=(*report.errors, *result.refused))
        verdict = PARTIAL if verdict == ACCEPTED else verdict
    return Outcome(item.candidate, report, verdict, note)


def _apply_sheet(
    store: Any,
    item: ReadInput,
    today: dt.date,
    run_id: int,
    config: Any,
    conflicts: Mapping[str, Mapping[str, str]],
    counted: Any = None,
) -> tuple[Outcome, tuple[int, int, frozenset[str]]]:
    """The sheet's outcome, the (approved, refused) decisions it applied, the refused units."""
    from ..approve.apply import apply_approval, check_approval
    from ..approve.night import signed_note

    report = item.report
    unfilled = [f for f in report.warnings if f.type == NO_DECISIONS]
    if unfilled:
        # Taken as accepted, a sheet nobody filled in would be archived and forgotten:
        # it goes back to the Atasan PPID, and input/ does not read it every night.
        report = replace(
            report,
            errors=(*(replace(f, severity="error") for f in unfilled), *report.errors),
            warnings=tuple(f for f in report.warnings if f.type != NO_DECISIONS),
        )
    result = apply_approval(
        store,
        report,
        run_id=run_id,
        received=today,
        config=config,
        conflicts=conflicts.get(report.sha256),
        counted=counted,
    )
    if result.already_received:
        report = check_approval(store, report, config=config)
        if any(f.row is None for f in report.errors):
            return Outcome(item.candidate, report, REJECTED), (0, 0, frozenset())
        note = "lembar yang sama sudah diterima sebelumnya"
        return Outcome(item.candidate, report, ALREADY, note), (0, 0, frozenset())
    report = result.report or report
    if result.status == "rejected":
        return Outcome(item.candidate, report, REJECTED), (0, 0, frozenset())
    approved = sum(len(v) for v in result.approved.values())
    refused = sum(len(v) for v in result.refused.values())
    # Who decided on which sheet: an approval nobody expected stands out in the morning.
    note = signed_note(result) + (
        f"{approved} disetujui, {refused} tidak disetujui, {len(result.pending)} belum diputus"
    )
    if result.changes:
        note += f", {len(result.changes)} permintaan Ubah/Hapus diputus"
    if result.skipped:
        note += f"; {len(result.skipped)} baris tidak dapat diterapkan"
    verdict = PARTIAL if result.skipped else ACCEPTED
    return Outcome(item.candidate, report, verdict, note), (
        approved,
        refused,
        frozenset(result.refused),
    )


# ---- outputs, all from the database ----


def write(night: Night, store: Any, registered: Registered) -> Written:
    out = night.out_root
    night.progress.stage("hasil", "Menulis hasil dari register")
    # what is there before tonight writes: the morning lists only what is new or changed
    watch = OutputWatch.of(out, since=unfinished_since(night.previous))
    outputs: list[Path] = []

    def wrote(path: Path) -> Path:
        outputs.append(Path(path))
        night.progress.advance(Path(path).name)
        return Path(path)

    everything = store.items()
    rejected = [o for o in registered.outcomes if o.verdict in (REJECTED, PARTIAL)]
    from ..register.changes import refused_change_rows

    copies = write_feedback(
        [o.report for o in rejected],
        # the Atasan's TIDAK on a Tindakan Ubah/Hapus goes back to the unit with its arahan
        [*everything, *refused_change_rows(store)],
        night.config,
        out / FEEDBACK_DIR,
        today=night.today,
        wrote=wrote,
    )
    # A dry run renders everything into its scratch folder and remembers nothing.
    memo = (
        OutputMemo.disabled()
        if night.dry_run
        else OutputMemo(night.config.var_dir / MEMO_FILE, fingerprint(night.config))
    )
    from ..register.changelog import changes_from_store

    # This year's changes to the DIP: listed by the register's workbook and counted by the
    # annual records, read once (nothing between the two writes an approval).
    year_changes = changes_from_store(store, year=night.today.year)
    # The notes first: the annual records' count of near-duplicates reuses their index
    # (similar._LAST), which a child started before would build again.
    notes = approval_notes(everything, night.config)
    # The annual records are written beside the rest, in a child process on the other
    # core (batch/beside.py); what they read of the database is read now.
    annual_paths: list[Path] = []
    with annual_reports_beside(
        store, night.config, out, today=night.today, everything=everything, memo=memo,
        year_changes=year_changes,
    ) as annual:  # fmt: skip

        def join_annual() -> None:
            # Taken once the approval sheet is written (the work the child was started
            # beside, night 1's largest): the child has ended before the Keputusan and the
            # DIP's lists, night 2's largest documents, so the pages it copied from the
            # night are not held beside theirs (a 100,000-item night 2: 1.1 GB summed).
            annual_paths.extend(finish_annual_reports(annual, memo))

        errors = write_documents(
            store,
            everything,
            night.config,
            out,
            today=night.today,
            pdf=night.config.pdf and not night.dry_run,
            wrote=wrote,
            run_id=registered.run_db_id,
            memo=memo,
            year_changes=year_changes,
            notes=notes,
            after_sheet=join_annual,
        )
    memo.save()
    notices: list[str] = []
    if not night.dry_run:
        # One PDF of what needs a signature or a desk in the morning, in handling order.
        notices += write_print_pack(
            outputs, out, today=night.today, wrote=wrote,
            created=watch.created, changed=watch.changed,
        )  # fmt: skip
    changes = tuple(tonight_changes(store, registered.run_db_id))
    for path in annual_paths:  # listed where they always were: after the print pack
        wrote(path)
    memo.save()
    feedback = {o.candidate.name: copy for o, copy in zip(rejected, copies, strict=True)}
    return Written(
        watch.new_or_changed(outputs),
        feedback,
        changes,
        tuple(errors),
        current=tuple(dict.fromkeys(outputs)),
        notices=tuple(notices),
    )


def count(
    store: Any, before: Mapping[str, int], read: Read, registered: Registered, written: Written
) -> dict[str, int]:
    """The night's counts, complete before the run is finished; a Tindakan Ubah/Hapus on
    the approval sheet waits for the Atasan PPID like a new item does."""
    after = store.status_counts()
    return {
        "informasi_baru": sum(after.values()) - sum(before.values()),
        "disetujui_malam_ini": registered.approved,
        "ditolak_atasan_malam_ini": registered.refused,
        "menunggu_persetujuan": after.get("pending", 0) + store.pending_change_count(),
        "disetujui_seluruhnya": after.get("approved", 0),
        "perubahan_daftar_malam_ini": len(written.changes),
        **(
            {"proses_terputus": len(registered.interrupted_runs)}
            if registered.interrupted_runs
            else {}
        ),
        **verdict_counts([o.verdict for o in registered.outcomes], len(read.waiting)),
    }


# ---- archive ----


def archive_inputs(night: Night, outcomes: Sequence[Outcome]) -> Archived:
    night.progress.stage("arsip", "Memindahkan berkas masukan", total=len(outcomes))
    archived_to: dict[str, Path] = {}
    notes: dict[str, str] = {}
    for outcome in outcomes:
        c = outcome.candidate
        if outcome.verdict == FAILED:
            night.progress.advance(f"{c.name}: dibiarkan")
            continue
        if not unchanged(c):
            # Replaced while we worked: the new version is for the next night.
            notes[c.name] = " (berkas berubah selama proses; diproses lagi malam berikutnya)"
            night.progress.advance(f"{c.name}: dibiarkan")
            continue
        root = night.config.input_dir
        if night.config.approval_dir is not None and c.path.parent == night.config.approval_dir:
            root = night.config.approval_dir  # archived beside the folder it came from
        try:
            archived_to[c.name] = archive(
                c.path,
                root,
                accepted=outcome.verdict != REJECTED,
                day=night.today,
            )
        except PermissionError:
            # Windows will not move a form still open in Excel. Its outputs are written;
            # next night the same bytes are 'sudah diterima' and it moves then.
            log.warning("%s: cannot be moved now (open in another program?)", c.name)
            notes[c.name] = (
                " (berkas sedang dibuka program lain, misalnya Excel; dipindahkan malam berikutnya)"
            )
            night.progress.advance(f"{c.name}: dibiarkan")
            continue
        night.progress.advance(f"{c.name} → {archived_to[c.name].parent.name}")
    return Archived(archived_to, notes)
