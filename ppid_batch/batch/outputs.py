"""The night's outputs from the register: feedback, approval sheet, register, letters, reports."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..dates import db_day
from . import sheet_guard
from .memo import MemoDelta, OutputMemo

if TYPE_CHECKING:
    from .beside import Beside

# Output folders under output/ (DESIGN.md, "The workspace after a run").
REGISTER_DIR = "register"
APPROVAL_DIR = "persetujuan"
NOTA_DIR = "nota-dinas"
FEEDBACK_DIR = "umpan-balik"
DISPOSISI_DIR = "disposisi"
KEPUTUSAN_DIR = "keputusan"
REPORT_DIR = "laporan"
PRINT_DIR = "cetak"

# A register this big has its annual records written beside the other outputs
# (annual_reports_beside). On a smaller one the child's own cost (the copy-on-write of
# the pages the night then writes, the imports it makes) is about what it saves: a night
# of 40 items took 0.05-0.1 s longer with it, one of 10,000 0.3 s shorter.
ANNUAL_BESIDE_MIN_ITEMS = 2000

# Told of every file written, in order: the run record lists them and the progress shows them.
Wrote = Callable[[Path], Path]


def issue_nota_dinas(store: Any, config: Config, *, today: dt.date, run_id: int) -> None:
    """Number one Nota Dinas per unit for the items none documents yet, however many
    approval sheets decided them tonight.

    Derived from the database alone, so a run killed between the approval commit and
    this step issues exactly the same numbers on the next night.
    """
    todo: dict[str, list[str]] = {}
    from ..store.nota_dinas import first_decisions, number_nota_dinas, undocumented_approved

    # Only the approved items without a Nota Dinas are read: a night's cost here follows
    # what it approved, not the register's size.
    undocumented = undocumented_approved(store)
    if not undocumented:
        return  # most nights: nothing approved tonight (register/impor.py is not imported)
    from ..register.impor import PENETAPAN_SEBELUMNYA

    for item_id, unit, atasan in undocumented:
        # An imported item was set by the office's earlier penetapan: nothing to document.
        if atasan != PENETAPAN_SEBELUMNYA:
            todo.setdefault(unit, []).append(item_id)
    first = first_decisions(store, [i for ids in todo.values() for i in ids])

    first_urut = config.nota_dinas.first_number(today.year)

    # Numbers follow the order the units' first decisions were merged in, then the name.
    def rank(unit: str) -> tuple[int, str]:
        return min(first.get(i, 0) for i in todo[unit]), unit

    for unit in sorted(todo, key=rank):

        def number_for(urut: int, unit: str = unit) -> str:
            return config.nota_number(urut, today.year, today.month, unit=unit, on=today)

        number_nota_dinas(
            store, today.year, unit, sorted(todo[unit]), today, run_id, number_for, first_urut
        )


def write_feedback(
    reports: Sequence[Any],
    everything: Sequence[Any],
    config: Config,
    folder: Path,
    *,
    today: dt.date,
    wrote: Wrote,
) -> list[Path]:
    """A corrected copy of each rejected report (returned in order), then the units' arahan."""
    from ..approve.unit_feedback import write_unit_feedback
    from ..forms.feedback import write_corrected_copy

    copies = [wrote(write_corrected_copy(report, folder)) for report in reports]
    # The Atasan PPID's arahan on refused items, one workbook per unit.
    for path in write_unit_feedback(everything, config.letter, folder, today=today):
        wrote(path)
    return copies


def write_documents(
    store: Any,
    everything: Sequence[Any],
    config: Config,
    out: Path,
    *,
    today: dt.date,
    pdf: bool,
    wrote: Wrote,
    run_id: int | None = None,
    memo: OutputMemo | None = None,
    year_changes: Sequence[Any] | None = None,
    notes: Mapping[str, str] | None = None,
    after_sheet: Callable[[], object] | None = None,
) -> list[str]:
    """Approval sheet, the year's DIP, Keputusan PPID, Disposisi, Nota Dinas and their PDFs.

    Returns the notes of documents that could not be converted to PDF. The DIP's lists,
    the covering letter, the Disposisi and the Nota Dinas are not rendered again when
    `memo` vouches that their inputs and files are as the last night wrote them.
    `year_changes` is this year's changes_from_store when the night already read it;
    `notes` the approval sheet's near-duplicate notes when it already made them
    (approval_notes); `after_sheet` is called once the approval sheet is written.
    """
    memo = memo or OutputMemo.disabled()
    from ..documents.exemptions import write_covering_letter
    from ..documents.register_list import write_register
    from ..register.changelog import change_rows, changes_from_store, last_change_on
    from ..register.changes import store_pending_changes

    _write_approval_sheet(
        store, everything, config, out / APPROVAL_DIR, today=today, wrote=wrote,
        changes=store_pending_changes(store), notes=notes,
    )  # fmt: skip
    if after_sheet is not None:
        after_sheet()
    # The DIP is the standing list as of tonight, whatever year each item was filed in;
    # only this year's files are written, so earlier years' stay as their last run left them.
    # They are dated by their last change, not tonight: unchanged lists keep their bytes.
    as_of = today
    # The lists and the covering letter show approved items only; given only those, their
    # memo keys do not change with tonight's pending items.
    approved = [it for it in everything if it.status == "approved"]
    if any(it.status in ("approved", "withdrawn") for it in everything):
        if year_changes is None:
            year_changes = changes_from_store(store, year=today.year)
        facts = year_changes
        as_of = last_change_on(store, facts, today)
        folder = out / REGISTER_DIR
        # The 'Riwayat Perubahan' rows (change_rows, one dict per change of the year) are
        # made only to be written; the key takes the changes they are made from, whole.
        for path in memo.render(
            f"daftar/{today.year}",
            (approved, today.year, config, folder, as_of, _changes_digest(facts)),
            lambda: write_register(
                approved, today.year, config, folder, today=as_of, changes=change_rows(facts)
            ),  # fmt: skip
        ):
            wrote(path)

    def covering_letter() -> list[Path]:
        path = write_covering_letter(approved, config.letter, config.pengecualian,
                                     out / REGISTER_DIR, year=today.year, today=as_of)  # fmt: skip
        return [path] if path is not None else []

    letter = memo.render(
        f"surat-pengecualian/{today.year}",
        (approved, config.letter, config.pengecualian, out / REGISTER_DIR, today.year, as_of),
        covering_letter,
    )
    documents = _write_keputusan(
        store, everything, config, out / KEPUTUSAN_DIR, today=today, run_id=run_id, wrote=wrote,
        memo=memo,
    )  # fmt: skip
    documents += [wrote(p) for p in letter]
    documents += _write_disposisi(
        store, everything, config, out / DISPOSISI_DIR, wrote=wrote, memo=memo
    )
    documents += _write_nota_dinas(
        store, everything, config, out / NOTA_DIR, wrote=wrote, memo=memo
    )
    return _write_pdfs(documents, wrote=wrote) if pdf else []


def write_print_pack(
    outputs: Sequence[Path],
    out: Path,
    *,
    today: dt.date,
    wrote: Wrote,
    created: Callable[[Path], bool],
    changed: Callable[[Path], bool],
) -> list[str]:
    """output/cetak/<tanggal>.pdf from tonight's new documents (print_pack.pack_parts);
    returns the lines for the morning's actions when it could not be made."""
    from ..documents.print_pack import pack_parts
    from ..documents.print_pack import write_print_pack as write_pack

    parts = pack_parts(outputs, created=created, changed=changed)
    pack = write_pack(parts, out / PRINT_DIR, today)
    if pack.path is not None:
        wrote(pack.path)
    return list(pack.notes)


def tonight_changes(store: Any, run_id: int) -> list[dict[str, Any]]:
    """The changes to the published lists this run made."""
    from ..register.changelog import change_rows, changes_from_store

    return change_rows(changes_from_store(store, run_id=run_id))


def annual_reports_beside(
    store: Any,
    config: Config,
    out: Path,
    *,
    today: dt.date,
    everything: Sequence[Any],
    memo: OutputMemo,
    year_changes: Sequence[Any] | None = None,
) -> Beside[tuple[list[Path], MemoDelta]]:
    """The SOP records (matriks kegiatan, laporan tahunan) of the year, with tonight in
    them, started in a child process (batch/beside.py) while the night writes the approval
    sheet, or in-process on a small register; `finish_annual_reports` takes their files
    and memo slots.

    Their part of the database is read here, now: nothing the writing stage records (the
    approval sheet's issue, a Keputusan) is in the annual records, so they are what the
    same records written after the other outputs would be.
    """
    from .beside import Beside

    work = _annual_work(store, config, out, today=today, everything=everything, memo=memo,
                        year_changes=year_changes)  # fmt: skip
    return Beside(work, "laporan tahunan", fork=len(everything) >= ANNUAL_BESIDE_MIN_ITEMS)


def finish_annual_reports(
    beside: Beside[tuple[list[Path], MemoDelta]], memo: OutputMemo
) -> list[Path]:
    """The annual records' files once written, their memo slots kept in `memo`."""
    forked = beside.forked
    paths, delta = beside.result()
    if forked:  # (done in-process, the work recorded them in this very memo)
        memo.absorb(delta)
    return paths


def _annual_work(
    store: Any,
    config: Config,
    out: Path,
    *,
    today: dt.date,
    everything: Sequence[Any] | None,
    memo: OutputMemo,
    year_changes: Sequence[Any] | None,
) -> Callable[[], tuple[list[Path], MemoDelta]]:
    """The annual records' database part read now; the rest as a function of no database.

    `everything` is the register the night already read. The year's near-duplicate count
    (every pair of the year's items compared through the index: the reports' largest
    cost on a big register) is kept in `memo` and reused while the year's ids, units and
    ringkasan are those it was counted from: a night that only applies approvals does
    not count again. `year_changes` is this year's changes_from_store, when the night
    already read it (the DIP's lists do).
    """
    from ..register.similar import count_pairs
    from ..reports.laporan import write_reports
    from ..reports.queries import load_records

    def counter(year: int) -> Callable[[Sequence[Any], int], int]:
        def near_duplicates(items: Sequence[Any], threshold: int) -> int:
            slot = f"mirip/{year}"
            inputs = (_texts_digest(items), threshold)
            return int(memo.value(slot, inputs, lambda: count_pairs(items, threshold)))

        return near_duplicates

    # In January the closing year's too, as last December's approvals may arrive now.
    years = sorted({today.year} | ({today.year - 1} if today.month == 1 else set()))
    records = [
        load_records(
            store, year, items=everything, changes=year_changes if year == today.year else None
        )  # fmt: skip
        for year in years
    ]

    def work() -> tuple[list[Path], MemoDelta]:
        mark = memo.mark()
        paths: list[Path] = []
        for year, record in zip(years, records, strict=True):
            paths += write_reports(
                config, year, today=today, out_dir=out / REPORT_DIR, records=record,
                near_duplicates=counter(year), render_chart=memo.render,
            )  # fmt: skip
        return paths, memo.since(mark)

    return work


def _texts_digest(items: Sequence[Any]) -> str:
    """SHA-256 of the items' (id, unit, ringkasan), all the near-duplicate count reads."""
    from operator import attrgetter

    return _rows_digest(b"texts", items, attrgetter("id", "unit", "ringkasan"))


def _changes_digest(changes: Sequence[Any]) -> str:
    """SHA-256 of the year's register changes (ChangeFact: every field, in order): all
    change_rows makes the 'Riwayat Perubahan' rows from."""
    import dataclasses
    from operator import attrgetter

    from ..models import ChangeFact

    fields = attrgetter(*(f.name for f in dataclasses.fields(ChangeFact)))
    return _rows_digest(b"changes", changes, fields)


def _rows_digest(label: bytes, values: Sequence[Any], row: Callable[[Any], tuple[Any, ...]]) -> str:
    """SHA-256 of `row` of each value, the repr of a few thousand rows at a time (not of
    each string through the memo: tens of thousands of items a night)."""
    import hashlib

    digest = hashlib.sha256(label + b"\0")
    for start in range(0, len(values), 5000):
        part = repr([row(v) for v in values[start : start + 5000]])
        digest.update(b"%d:" % len(part) + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _write_approval_sheet(
    store: Any,
    everything: Sequence[Any],
    config: Config,
    folder: Path,
    *,
    today: dt.date,
    wrote: Wrote,
    changes: Sequence[Any] = (),
    notes: Mapping[str, str] | None = None,
) -> None:
    from ..approve.issuing import write_issued_sheet

    if notes is None:
        notes = approval_notes(everything, config)
    # A dry run writes into a scratch folder, never output/: it must not create var/'s key.
    real = folder.resolve().is_relative_to(config.output_dir.resolve())
    # Written aside, then placed so that a sheet the Atasan PPID may have begun filling in
    # place is never overwritten nor removed, whatever its date (batch/sheet_guard.py).
    with tempfile.TemporaryDirectory(prefix="ppid-lembar-") as aside:
        fresh = write_issued_sheet(
            store,
            everything,
            config,
            Path(aside),
            today=today,
            notes=notes,
            real=real,
            changes=changes,
        )
        sheet = sheet_guard.place(fresh, folder, sheet_guard.record_for(config, folder))
    if sheet is not None:
        wrote(sheet)


def approval_notes(everything: Sequence[Any], config: Config) -> dict[str, str]:
    """Near-duplicates across units, noted beside each pending item for the Atasan PPID."""
    from ..register.similar import approval_notes as notes

    return notes(everything, config.similarity_threshold)


def _write_keputusan(
    store: Any, everything: Sequence[Any], config: Config, folder: Path, *, today: dt.date,
    run_id: int | None, wrote: Wrote, memo: OutputMemo | None = None,
) -> list[Path]:  # fmt: skip
    """Record a Keputusan PPID when tonight's DIP differs from the last one set; write it.

    Comparing replays every Keputusan (the whole DIP's values decoded), whatever the night
    brought. Once compared (and a Keputusan recorded if they differed), the DIP is the one
    the last Keputusan set; `memo` notes that of these DIP items and that Keputusan's id.
    A night that finds both unchanged does not compare again: ids only grow and a recorded
    Keputusan never changes, so the DIP it set is still tonight's.
    """
    from ..documents.keputusan import settle_keputusan, write_keputusan
    from ..documents.register_list import published
    from ..store.keputusan import last_keputusan_id

    memo = memo or OutputMemo.disabled()
    dip = published(everything)
    if not memo.holds("keputusan/dip", (dip, last_keputusan_id(store))):
        settle_keputusan(store, everything, config.numbering, today=today, run_id=run_id)
        memo.note("keputusan/dip", (dip, last_keputusan_id(store)))
    return [wrote(p) for p in write_keputusan(store, config.letter, config.keputusan, folder)]


def _write_disposisi(
    store: Any, everything: Sequence[Any], config: Config, folder: Path, *, wrote: Wrote,
    memo: OutputMemo,
) -> list[Path]:  # fmt: skip
    from ..register.changes import sheet_change_decisions

    sheets = _approval_sheets(store)
    if not sheets:
        return []  # no approval sheet merged yet (documents/disposisi.py is not imported)
    from ..documents.disposisi import Disposisi, write_disposisi

    by_id = {it.id: it for it in everything}
    written: list[Path] = []
    changes_by_sheet = sheet_change_decisions(store, by_id)
    for sheet, decisions in sheets:
        # What the sheet decided, not the items' status today: an item withdrawn later
        # was still approved by this sheet, and its Disposisi never changes.
        decided = [(by_id[item_id], decision) for item_id, decision, _ in decisions
                   if item_id in by_id]  # fmt: skip
        changes = changes_by_sheet.get(sheet["sha256"], ())
        if not decided and not changes:
            continue
        from ..approve.night import disposisi_facts

        # the facts read the decisions that carry the Atasan's edits, and only those
        edited = [{"item_id": i, "changes": c} for i, _, c in decisions if c]
        facts = disposisi_facts({**sheet, "decisions": edited}, len(decided) + len(changes))
        disposisi = Disposisi(
            sheet_name=sheet["file_name"],
            sha256=sheet["sha256"],
            atasan=sheet["atasan"] or "",
            date=db_day(sheet["tanggal_persetujuan"] or sheet["received"]),
            approved=tuple(i for i, d in decided if d == "YA"),
            refused=tuple(i for i, d in decided if d != "YA"),
            changes=tuple(changes),
            **facts,
        )
        for path in memo.render(
            f"disposisi/{sheet['sha256']}",
            (disposisi, config.letter, folder),
            lambda d=disposisi: [write_disposisi(d, config.letter, folder)],  # type: ignore[misc]
        ):
            written.append(wrote(path))
    return written


def _write_nota_dinas(
    store: Any, everything: Sequence[Any], config: Config, folder: Path, *, wrote: Wrote,
    memo: OutputMemo,
) -> list[Path]:  # fmt: skip
    from ..documents.nota_dinas import NotaDinas, write_nota_dinas_all
    from ..store.nota_dinas import nota_dinas_list

    by_id = {it.id: it for it in everything}
    notas = [
        NotaDinas(
            number=row["number"],
            date=db_day(row["date"]),
            unit=row["unit"],
            items=tuple(by_id[i] for i in row["item_ids"] if i in by_id),
            urut=row["urut"],
        )
        for row in nota_dinas_list(store)
    ]
    # Each draft is rendered only when its items, number or date (or the office's
    # letter settings, templates, code) differ from those it was last written from.
    slots = [f"nota-dinas/{nota.number}" for nota in notas]
    keys = [memo.key(nota, config.letter, config.nota_dinas, folder) for nota in notas]
    kept = [memo.kept(slot, key) for slot, key in zip(slots, keys, strict=True)]
    missing = [n for n, k in zip(notas, kept, strict=True) if k is None]
    # None to render (the first nights, most nights): the template is not even opened.
    fresh = iter(
        write_nota_dinas_all(missing, config.letter, config.nota_dinas, folder) if missing else ()
    )
    written: list[Path] = []
    for slot, key, files in zip(slots, keys, kept, strict=True):
        written += files if files is not None else memo.record(slot, key, [next(fresh)])
    return [wrote(p) for p in written]


def _write_pdfs(documents: Sequence[Path], *, wrote: Wrote) -> list[str]:
    """PDF copies beside the documents; a document's PDF is made once, as it never changes."""
    from ..documents.pdf import convert_to_pdf

    by_folder: dict[Path, list[Path]] = {}
    for doc in documents:
        if not doc.with_suffix(".pdf").exists():
            by_folder.setdefault(doc.parent, []).append(doc)
    notes: list[str] = []
    for folder, docs in sorted(by_folder.items()):
        result = convert_to_pdf(docs, folder)
        for pdf in result.pdfs:
            wrote(pdf)
        notes.extend(note.message for note in result.notes)
    return notes


def _approval_sheets(
    store: Any,
) -> list[tuple[dict[str, Any], list[tuple[str, str, str | None]]]]:
    """Merged approval sheets in the order received, each with its decisions as
    (item ID, decision, the Atasan's edits as JSON or None) in the order recorded."""
    from ..store.queries import approval_sheet_rows, decision_rows

    decisions_by_sheet: dict[str, list[tuple[str, str, str | None]]] = {}
    for sha256, item_id, decision, changes in decision_rows(store):
        decisions_by_sheet.setdefault(str(sha256 or ""), []).append((item_id, decision, changes))
    # How many rows each sheet had is in the audit log, not in its table.
    rows_on_sheet = {
        e["detail"].get("sha256"): int(e["detail"].get("rows") or 0)
        for e in store.events(action="approval_sheet_received")
    }
    return [
        ({**s, "rows": rows_on_sheet.get(s["sha256"], 0)}, decisions_by_sheet.get(s["sha256"], []))
        for s in approval_sheet_rows(store)
    ]
