"""SOP step 1 into the register: a validated Form Daftar Informasi Publik becomes register items.

IDs are `DIP-<tahun>-<nnnn>`. `tahun` is the year of the form's Tanggal Pengisian
(the year the unit listed the item, which is also the year of the Daftar
Informasi Publik it is proposed for; waktu pembuatan can be years older and is
only month- or year-precise). The sequence runs per year in the order the batch
calls `register_form` (forms by file name, rows in order), so the same inputs
always get the same IDs; items are never deleted, so an ID is never reused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from ..forms.reader import CellRefs
from ..forms.validate import RowColumns
from ..models import Finding, SheetReport
from ..store.changes import file_change_request
from ..store.core import Store
from ..store.ids import fold, format_item_id, match_key, match_keys
from ..store.registration import (
    highest_seq,
    ids_by_match_key,
    insert_item_columns,
    item_row,
    keep_history,
    record_submission,
    submission_petugas,
    update_item,
    withdraw,
)
from ..store.schema import ITEM_FIELDS
from ..store.text import db_text, dumps
from .changes import HAPUS, STORED, UBAH, pending_changes

# Fields compared when a correction arrives; provenance changes alone are not a correction.
CORRECTABLE = ITEM_FIELDS
# The decision columns of an item the Atasan PPID has not decided yet.
UNDECIDED: dict[str, Any] = {
    "status": "pending",
    "decision": None,
    "decided_on": None,
    "atasan": None,
    "arahan": None,
}


@dataclass(frozen=True)
class RegisterOutcome:
    """What registering one form did.

    `status`: `registered`, `already_received` (same sha256 seen before: nothing
    changed) or `rejected` (the report had errors: recorded, nothing registered).
    `duplicates` are warnings (the item is already in the register); `refused`
    are errors for rows the register could not take (unknown ID, an approved
    item, another unit's item), each pointing at its cell.
    """

    file: str
    sha256: str
    status: str
    new_ids: tuple[str, ...] = ()
    corrected_ids: tuple[str, ...] = ()
    unchanged_ids: tuple[str, ...] = ()
    change_ids: tuple[str, ...] = ()  # Tindakan Ubah/Hapus now waiting for the Atasan PPID
    withdrawn_ids: tuple[str, ...] = ()  # not-yet-approved items their unit took back
    duplicates: tuple[Finding, ...] = ()
    refused: tuple[Finding, ...] = ()
    submission_id: int | None = None

    @property
    def already_received(self) -> bool:
        return self.status == "already_received"

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (*self.refused, *self.duplicates)


def normalise_id(value: object) -> str | None:
    text = "".join(str(value or "").split()).upper()
    return text or None


def _iso(value: object) -> str:
    """waktu_pembuatan as ISO partial text, whatever shape the reader handed over."""
    if type(value) is str:  # what the reader hands over: its normalised text
        return value.strip()
    if hasattr(value, "iso"):
        return str(value.iso())
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    """One row's item values, cleaned as a form's new rows are (_value_columns)."""
    return {key: column[0] for key, column in zip(ITEM_FIELDS, _value_columns([row]), strict=True)}


_WAKTU = ITEM_FIELDS.index("waktu_pembuatan")
_RINGKASAN = ITEM_FIELDS.index("ringkasan")


def _value_columns(rows: Sequence[Mapping[str, Any]] | RowColumns) -> list[list[Any]]:
    """The rows' `_values`, a column at a time: one list per field of ITEM_FIELDS, in
    that order (a form's new rows are most of a night's rows)."""
    table = rows if isinstance(rows, RowColumns) else RowColumns(rows)
    columns = [_cleaned(table.get(key)) for key in ITEM_FIELDS]
    columns[_WAKTU] = list(map(_iso, columns[_WAKTU]))
    return columns


def _cleaned(values: list[Any]) -> list[Any]:
    """Each text of a column as `db_text` leaves it, then stripped (None when blank); other
    values as they are. Once per cell of every new row, so written out inline."""
    try:
        # one search of the column's texts for a NUL (a clerk's `_x0000_`): seldom any
        nul = "\x00" in "".join(filter(None, values))
    except TypeError:  # a value that is not text (a number, a date)
        nul = True
    if nul:
        return [
            (v.replace("\x00", "").strip() or None) if isinstance(v, str) else v for v in values
        ]
    return [(v.strip() or None) if isinstance(v, str) else v for v in values]


# An item's provenance columns, in the order `source_values` gives them.
_SOURCE_KEYS = ("source_file", "source_sheet", "source_row", "source_cells")


def _cells_json(cells: Mapping[str, str]) -> str:
    """An item's cell references as the register keeps them (`dumps` of the mapping)."""
    if isinstance(cells, CellRefs):
        return cells.as_json()
    return dumps(dict(cells))


class _NewRows:
    """A form's new rows (no ID, no Tindakan), a column at a time: their values, match
    keys and provenance, worked out once for the whole form."""

    def __init__(self, registrar: _Registrar, rows: list[Mapping[str, Any]]) -> None:
        self.rows = rows
        table = RowColumns(rows)
        self.values = _value_columns(table)
        ringkasan, waktu = self.values[_RINGKASAN], self.values[_WAKTU]
        self.keys = match_keys(
            registrar.unit, zip([r or "" for r in ringkasan], waktu, strict=True)
        )
        self.excel_rows = table.get("_row")
        sheets = table.get("_sheet")
        sheet_text = {s: registrar.sheet_text(s) for s in dict.fromkeys(sheets)}
        self.sheets = [sheet_text[s] for s in sheets]
        self.source_rows = [r if type(r) is int else int(r or 0) for r in self.excel_rows]
        cells = table.cells_json()
        if cells is None:  # rows not read from a sheet (a test's or a caller's own dicts)
            cells = [_cells_json(row.get("_cells") or {}) for row in rows]
        self.cells = cells

    def columns(self, kept: Sequence[int]) -> dict[str, list[Any]]:
        """The item columns these rows give, of the rows at positions `kept` (in order;
        every row: the lists themselves, not copies)."""
        every = len(kept) == len(self.rows)
        named = {
            **dict(zip(ITEM_FIELDS, self.values, strict=True)),
            "source_sheet": self.sheets,
            "source_row": self.source_rows,
            "source_cells": self.cells,
            "match_key": self.keys,
        }
        if every:
            return named
        return {k: [v[n] for n in kept] for k, v in named.items()}


def _finding(row: Mapping[str, Any], field: str, type_: str, message: str, **kw: Any) -> Finding:
    cells = row.get("_cells") or {}
    return Finding(
        type=type_,
        message=message,
        field=field,
        sheet=row.get("_sheet"),
        cell=cells.get(field),
        row=row.get("_row"),
        value=row.get(field),
        **kw,
    )


class _Registrar:
    """One form's registration inside one transaction.

    New items and events are collected and written with one executemany each: a
    500-form night of 100k rows stays a matter of seconds, not minutes.
    """

    def __init__(self, store: Store, report: SheetReport, run_id: int | None):
        self.store, self.report, self.run_id = store, report, run_id
        self.file = report.path.name
        meta = {k: db_text(v) for k, v in report.meta.items()}
        self.meta = meta
        self.unit = str(meta.get("unit") or "").strip()
        self.actor = str(meta.get("petugas") or "").strip() or self.unit or "tidak diketahui"
        self.new_ids: list[str] = []
        self.corrected: list[str] = []
        self.unchanged: list[str] = []
        self.changes: list[str] = []
        self.withdrawn: list[str] = []
        self.duplicates: list[Finding] = []
        self.refused: list[Finding] = []
        self._last_seq: dict[int, int] = {}
        # tonight's new items, a column at a time, and the columns they all share
        self._new_columns: dict[str, list[Any]] = {}
        self._new_count = 0
        self._shared: dict[str, Any] | None = None
        # (action, item_id, detail), all of this form's actor and run
        self._events: list[tuple[str, str | None, dict[str, Any] | str]] = []
        self._known: dict[str, str] = {}
        self._sheets: dict[object, str] = {}
        self._detail_prefix: str | None = None

    def log(self, action: str, item_id: str | None = None, **detail: Any) -> None:
        self._events.append((action, item_id, {"file": self.report.path.name, **detail}))

    def preload(self, keys: Sequence[str]) -> None:
        """The register's items that share a match key with this form's new rows."""
        self._known.update(ids_by_match_key(self.store, keys))

    def flush(self) -> None:
        insert_item_columns(self.store, self._new_count, self._new_columns, self._shared or {})
        self.store.log_actions(self._events, actor=self.actor, run_id=self.run_id)

    def key(self, values: Mapping[str, Any]) -> str:
        return match_key(self.unit, values["ringkasan"] or "", values["waktu_pembuatan"])

    def source(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The provenance columns of an item taken from `row` of this form."""
        return dict(zip(_SOURCE_KEYS, self.source_values(row), strict=True))

    def source_values(self, row: Mapping[str, Any]) -> tuple[str, str, int, str]:
        """`source(row)`'s values in _SOURCE_KEYS order."""
        return (
            self.file,
            self.sheet_text(row.get("_sheet")),
            int(row.get("_row") or 0),
            _cells_json(row.get("_cells") or {}),
        )

    def sheet_text(self, sheet: object) -> str:
        """The source_sheet of a row read from `sheet` (cleaned once per sheet)."""
        text = self._sheets.get(sheet)
        if text is None:
            text = self._sheets[sheet] = db_text(sheet or self.report.sheet or "")
        return text

    def pending(
        self,
        row: Mapping[str, Any],
        values: Mapping[str, Any],
        submission_id: int,
        now: str,
        key: str | None = None,
    ) -> dict[str, Any]:
        """An item's columns as `row` of this form leaves it: pending, undecided, from here
        (`key`: the values' match key, when the caller has it already)."""
        return {
            **values,
            **UNDECIDED,
            "submission_id": submission_id,
            **self.source(row),
            "updated_run": self.run_id,
            "updated_at": now,
            "match_key": key if key is not None else self.key(values),
        }

    def add(
        self,
        new: _NewRows,
        start: int,
        stop: int,
        submission_id: int,
        year: int,
        received: dt.date,
    ) -> None:
        """New items from the form's new rows `start` to `stop` (positions in `new`), in
        order: an ID each, or a duplicate warning for a row whose match key the register
        (or an earlier row of tonight) holds already."""
        if start >= stop:
            return
        if year not in self._last_seq:
            self._last_seq[year] = highest_seq(self.store, year)
        seq = self._last_seq[year]
        known, events, rows = self._known, self._events, new.rows
        prefix = format_item_id(year, 0)[:-4]  # `DIP-<year>-`, the number padded to 4
        keys = new.keys[start:stop]
        if known.keys().isdisjoint(keys) and len(set(keys)) == len(keys):
            # the common run: no row is in the register or repeats an earlier one
            kept: list[int] = list(range(start, stop))
            seqs = list(range(seq + 1, seq + 1 + len(keys)))
            ids = [f"{prefix}{n:04d}" for n in seqs]
            seq += len(keys)
            known.update(zip(keys, ids, strict=True))
            events.extend(zip(repeat("item_registered"), ids, self._row_details(new, start, stop)))
        else:
            kept, ids, seqs = [], [], []
            details = self._row_details(new, start, stop)
            for n, key in enumerate(keys, start):
                existing = known.get(key)
                if existing:
                    self.duplicate(rows[n], existing)
                    continue
                seq += 1
                item_id = f"{prefix}{seq:04d}"
                known[key] = item_id
                kept.append(n)
                ids.append(item_id)
                seqs.append(seq)
                events.append(("item_registered", item_id, details[n - start]))
        self._last_seq[year] = seq
        if not kept:
            return
        if self._shared is None:  # one form, one transaction: its new items share one time
            now = self.store.now()
            self._shared = {
                "unit": self.unit,
                **UNDECIDED,
                "submission_id": submission_id,
                "updated_run": self.run_id,
                "received_on": received,
                "created_run": self.run_id,
                "source_file": self.file,
                "year": year,
                "updated_at": now,
                "created_at": now,
            }
        columns: dict[str, list[Any]] = {"id": ids, "seq": seqs, **new.columns(kept)}
        for key, column in columns.items():
            self._new_columns.setdefault(key, []).extend(column)
        self._new_count += len(ids)
        self.new_ids += ids

    def duplicate(self, row: Mapping[str, Any], existing: str) -> None:
        """A new row the register holds already (as `existing`): a warning, no new item."""
        self.duplicates.append(
            _finding(
                row,
                "ringkasan",
                "duplicate",
                f"Informasi ini sudah tercatat di register sebagai {existing} "
                "(unit, ringkasan dan waktu pembuatan sama); baris ini tidak ditambahkan lagi.",
                severity="warning",
            )
        )
        self.log("item_duplicate", existing, row=row.get("_row"))

    def _row_details(self, new: _NewRows, start: int, stop: int) -> list[str]:
        """`dumps({"file": …, "row": excel_row})` of the new rows `start` to `stop`, the
        detail of each one's event, from a prefix made once per form."""
        if self._detail_prefix is None:
            self._detail_prefix = dumps({"file": self.report.path.name, "row": 0})[:-2]
        prefix = self._detail_prefix
        return [
            prefix + str(r) + "}" if type(r) is int else dumps({"file": self.file, "row": r})
            for r in new.excel_rows[start:stop]
        ]

    def refuse(self, row: Mapping[str, Any], item_id: str | None, type_: str, message: str) -> None:
        """A correction the register cannot take: an error at the row's ID cell, and an event."""
        self.refused.append(_finding(row, "id", type_, message))
        self.log("correction_refused", item_id, reason=type_, id=row.get("id"), row=row.get("_row"))

    def found(self, row: Mapping[str, Any], item_id: str, hint: str) -> dict[str, Any] | None:
        """The register's row for `item_id`, or None after refusing the form row (`hint`:
        where the clerk finds the right ID)."""
        current = item_row(self.store, item_id)
        if current is None:
            self.refuse(
                row, None, "unknown_id",
                f"ID Informasi {item_id} tidak ada di register; periksa kembali ID {hint}.",
            )  # fmt: skip
        return current

    def refuse_other_unit(
        self, row: Mapping[str, Any], item_id: str, current: Mapping[str, Any], who: str
    ) -> None:
        self.refuse(
            row, item_id, "other_unit",
            f"{item_id} milik unit {current['unit']}, bukan {self.unit}; hanya {who}.",
        )  # fmt: skip

    def correct(self, row: Mapping[str, Any], item_id: str, submission_id: int) -> None:
        current = self.found(
            row, item_id, "dari umpan balik atau lembar persetujuan, atau kosongkan untuk "
            "informasi baru",
        )  # fmt: skip
        if current is None:
            return
        if current["status"] == "withdrawn":
            self.refuse(row, item_id, "withdrawn", _withdrawn_text(item_id))
            return
        if current["status"] == "approved":
            self.refuse(
                row,
                item_id,
                "already_approved",
                f"{item_id} sudah disetujui Atasan PPID; untuk mengubahnya isi kolom Tindakan "
                "dengan Ubah (atau Hapus untuk mencabutnya dari Daftar Informasi Publik).",
            )
            return
        if current["unit"] != self.unit:
            self.refuse_other_unit(row, item_id, current, "unit pengusul yang dapat memperbaikinya")
            return
        values = _values(row)
        changed = {k: current[k] for k in CORRECTABLE if current[k] != values[k]}
        if not changed and current["status"] == "pending":
            self.unchanged.append(item_id)
            self.log("correction_unchanged", item_id, row=row.get("_row"))
            return
        keep_history(
            self.store, current, now=self.store.now(), run_id=self.run_id,
            submission_id=submission_id,
        )  # fmt: skip
        # A refused item that the unit corrects goes back to the Atasan PPID: pending again.
        update_item(self.store, item_id, self.pending(row, values, submission_id, self.store.now()))
        self.corrected.append(item_id)
        # Another petugas changing the item by its ID is shown to the Atasan PPID on the
        # approval sheet ("diubah oleh … dari berkas …", approve/issuing.py).
        previous = submission_petugas(self.store, current["submission_id"])
        other = fold(previous) != fold(self.actor)
        self.log(
            "item_corrected",
            item_id,
            fields=sorted(changed),
            was=current["status"],
            row=row.get("_row"),
            **({"other_petugas": True, "previous_petugas": previous} if other else {}),
        )

    def change(
        self, row: Mapping[str, Any], item_id: str | None, tindakan: str, submission_id: int
    ) -> None:
        """Tindakan Ubah / Hapus: a change request for an approved item of this unit.

        On an item not yet approved there is nothing public to change: Ubah is a
        correction (as a row with only an ID), Hapus takes the proposal back at once.
        """
        verb = "diubah" if tindakan == UBAH else "dihapus"
        if item_id is None:
            self.refuse(
                row,
                None,
                "required_if",
                f"Tindakan {tindakan} memerlukan ID Informasi dari informasi yang akan {verb}; "
                "salin ID dari Daftar Informasi Publik (contoh DIP-2025-0042).",
            )
            return
        current = self.found(row, item_id, "pada Daftar Informasi Publik")
        if current is None:
            return
        if current["unit"] != self.unit:
            self.refuse_other_unit(
                row, item_id, current, f"unit yang menguasainya yang dapat meminta informasi "
                f"ini {verb}",
            )  # fmt: skip
            return
        if current["status"] == "withdrawn":
            self.refuse(row, item_id, "withdrawn", _withdrawn_text(item_id))
            return
        if current["status"] != "approved":
            if tindakan == UBAH:
                self.correct(row, item_id, submission_id)
                return
            withdraw(
                self.store,
                current,
                now=self.store.now(),
                run_id=self.run_id,
                submission_id=submission_id,
                alasan=_text(row.get("keterangan")),
            )
            self.withdrawn.append(item_id)
            self.log("item_withdrawn", item_id, was=current["status"], row=row.get("_row"))
            return
        waiting = pending_changes(self.store, [item_id]).get(item_id)
        if waiting is not None:
            self.refuse(
                row,
                item_id,
                "change_pending",
                f"{item_id} sudah memiliki permintaan {waiting.tindakan} yang menunggu "
                f"persetujuan Atasan PPID (dari {waiting.source_file}); tunggu keputusannya "
                "sebelum mengajukan perubahan lagi.",
            )
            return
        values = None
        if tindakan == UBAH:
            values = _values(row)
            if all(current[k] == values[k] for k in CORRECTABLE):
                self.unchanged.append(item_id)
                self.log("change_unchanged", item_id, row=row.get("_row"))
                return
        file_change_request(
            self.store,
            item_id=item_id,
            tindakan=STORED[tindakan],
            unit=self.unit,
            new_values=values,
            alasan=_text(row.get("keterangan")) if tindakan == HAPUS else None,
            submission_id=submission_id,
            source_file=self.report.path.name,
            source_row=int(row.get("_row") or 0),
            run_id=self.run_id,
            now=self.store.now(),
        )
        self.changes.append(item_id)
        self.log("change_requested", item_id, tindakan=tindakan, row=row.get("_row"))


def _text(value: object) -> str | None:
    text = str(db_text(value) or "").strip()
    return text or None


def _withdrawn_text(item_id: str) -> str:
    return (
        f"{item_id} sudah dicabut dari Daftar Informasi Publik dan tidak dapat diubah lagi; "
        "untuk mencantumkannya kembali kirim sebagai informasi baru (kosongkan ID Informasi)."
    )


def _year(report: SheetReport, received: dt.date) -> int:
    filled = report.meta.get("tanggal_pengisian")
    return filled.year if isinstance(filled, dt.date) else received.year


def register_form(
    store: Store, report: SheetReport, *, received: dt.date, run_id: int | None
) -> RegisterOutcome:
    """Record one read-and-validated form and register its items, all in one transaction.

    A form with errors is recorded as rejected and registers nothing (it goes back
    to the unit whole). A form whose bytes were already received changes nothing.
    """
    if report.kind not in ("form_dip", None):
        raise ValueError(f"register_form needs a form_dip report, got {report.kind!r}")
    name = report.path.name
    with store.begin() as conn:
        store.lock_writers(conn)
        if store.submission_known(report.sha256):
            return RegisterOutcome(file=name, sha256=report.sha256, status="already_received")
        reg = _Registrar(store, report, run_id)
        verdict = "rejected" if report.errors else "accepted"
        filled = report.meta.get("tanggal_pengisian")
        submission_id = record_submission(
            store,
            file_name=name,
            sha256=report.sha256,
            unit=reg.unit or None,
            petugas=reg.meta.get("petugas"),
            nip=reg.meta.get("nip"),
            tanggal_pengisian=filled if isinstance(filled, dt.date) else None,
            received=received,
            verdict=verdict,
            rows=len(report.items),
            run_id=run_id,
            recorded_at=store.now(),
        )
        if report.errors:
            reg.log(
                "submission_rejected",
                sha256=report.sha256,
                errors=len(report.errors),
                types=sorted({f.type for f in report.errors}),
            )
            reg.flush()
            return RegisterOutcome(
                file=name, sha256=report.sha256, status="rejected", submission_id=submission_id
            )
        reg.log("submission_received", sha256=report.sha256, rows=len(report.items))
        year = _year(report, received)
        # the new rows' values and match keys, worked out once: the preload needs the keys
        every = RowColumns(report.items)
        # most rows are new: no ID to clean
        ids = [None if v is None else normalise_id(v) for v in every.get("id")]
        is_new = [
            not item_id and tindakan not in (UBAH, HAPUS)
            for item_id, tindakan in zip(ids, every.get("tindakan"), strict=True)
        ]
        new = _NewRows(reg, [row for row, fresh in zip(report.items, is_new, strict=True) if fresh])
        reg.preload(new.keys)
        # the new rows between two others (a correction or a Tindakan) go in at once
        start = stop = 0
        for row, item_id, fresh in zip(report.items, ids, is_new, strict=True):
            if fresh:
                stop += 1
                continue
            reg.add(new, start, stop, submission_id, year, received)
            start = stop
            if row.get("tindakan") in (UBAH, HAPUS):
                reg.change(row, item_id, str(row["tindakan"]), submission_id)
            elif item_id:  # not new and no Tindakan: it has an ID
                reg.correct(row, item_id, submission_id)
        reg.add(new, start, stop, submission_id, year, received)
        reg.flush()
    return RegisterOutcome(
        file=name,
        sha256=report.sha256,
        status="registered",
        new_ids=tuple(reg.new_ids),
        corrected_ids=tuple(reg.corrected),
        unchanged_ids=tuple(reg.unchanged),
        change_ids=tuple(reg.changes),
        withdrawn_ids=tuple(reg.withdrawn),
        duplicates=tuple(reg.duplicates),
        refused=tuple(reg.refused),
        submission_id=submission_id,
    )
