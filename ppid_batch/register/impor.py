"""Adopting ppid-batch: the DIP an office already published becomes approved register items.

An office's own DIP is one table in .xlsx or .ods: title rows above, no metadata
block (the unit is the penguasa column), jenis either as a column or as group
heading rows ("A. Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala"),
bentuk as text or as tick sub-columns under one merged "Bentuk" header, waktu and
tempat possibly in one column. Its items enter the register approved on the date
of that earlier penetapan, so the first Keputusan PPID holds the whole DIP.
Nothing is recorded from a file with errors unless the bad rows are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..forms import normalize as nz
from ..forms.reader import cell_ref
from ..forms.schema import Field, form_schema, label_key
from ..models import Finding
from ..store.core import Store
from ..store.ids import format_item_id, match_key
from ..store.registration import highest_seq, ids_by_match_key, insert_items, record_submission
from ..store.schema import ITEM_FIELDS
from ..store.text import dumps

PENETAPAN_SEBELUMNYA = "penetapan sebelumnya"  # who "approved" an imported item
ACTOR = "impor DIP"
_JENIS_WORDS = (
    ("serta merta", "Serta Merta"),
    ("setiap saat", "Setiap Saat"),
    ("dikecualikan", "Dikecualikan"),
    ("berkala", "Berkala"),
)
_TICKS = {
    "softcopy": "soft", "soft copy": "soft", "online": "soft", "rekam": "soft",
    "elektronik": "soft", "hardcopy": "hard", "hard copy": "hard", "cetak": "hard",
}  # fmt: skip
_BENTUK = {frozenset({"soft"}): "Softcopy", frozenset({"hard"}): "Hardcopy",
           frozenset({"soft", "hard"}): "Softcopy dan Hardcopy"}  # fmt: skip
_COMBINED = "waktu_tempat"


@dataclass(frozen=True)
class ImportReport:
    """What reading (and, unless a dry run, recording) one published DIP did."""

    file: str
    sha256: str
    rows: int = 0
    imported: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()  # ringkasan already in the register
    errors: tuple[Finding, ...] = ()
    skipped_rows: tuple[int, ...] = ()  # bad rows left out with --lewati-baris-salah
    recorded: bool = False
    already: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors or bool(self.skipped_rows and self.recorded)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": not self.errors,
            "rows": self.rows,
            "recorded": self.recorded,
            "already_imported": self.already,
            "imported": list(self.imported),
            "duplicates": list(self.duplicates),
            "skipped_rows": list(self.skipped_rows),
            "errors": [f.to_json() for f in self.errors],
        }


@dataclass
class _Table:
    sheet: str
    header: int  # 0-based row of the header
    first: int  # 0-based first body row
    columns: dict[str, int] = field(default_factory=dict)
    ticks: dict[int, str] = field(default_factory=dict)  # column → soft / hard


def _label_index() -> dict[str, str]:
    schema = form_schema()
    index: dict[str, str] = {}
    for f in schema.fields:
        for label in f.labels:
            index[label_key(label)] = f.key
    for combined in schema.combined:
        for label in combined.labels:
            index[label_key(label)] = _COMBINED
    index[label_key("Jenis")] = "jenis"
    return index


def _find_table(sheet: str, rows: list[list[Any]]) -> _Table | None:
    index = _label_index()
    for r, row in enumerate(rows[:50]):
        hits = {index[label_key(v)]: c for c, v in enumerate(row) if label_key(v) in index}
        hits.pop("no", None)
        if "ringkasan" not in hits or len(hits) < 3:
            continue
        table = _Table(sheet, r, r + 1, dict(hits))
        below = rows[r + 1] if r + 1 < len(rows) else []
        ticks = {c: _TICKS[label_key(v)] for c, v in enumerate(below) if label_key(v) in _TICKS}
        if ticks:
            table.ticks = ticks
            table.columns.pop("bentuk", None)
            table.first = r + 2
            # "Waktu | Tempat" under one merged header, beside the ticks
            for c, v in enumerate(below):
                key = index.get(label_key(v))
                if key in ("waktu_pembuatan", "tempat_pembuatan"):
                    table.columns[key] = c
        return table
    return None


def _is_numbering(row: list[Any]) -> bool:
    """The "(1) (2) (3)" row some offices put under the header."""
    cells = [str(v).strip() for v in row if str(v).strip()]
    return bool(cells) and all(c.strip("()").replace(".0", "").isdigit() for c in cells)


def _heading_jenis(row: list[Any], table: _Table) -> str | None:
    """The jenis of a group heading row ("B. Informasi yang Wajib Diumumkan Serta Merta"):
    at most two cells filled (a letter and a title), none in the item's data columns."""
    filled = [c for c, v in enumerate(row) if str(v).strip()]
    data = {c for k, c in table.columns.items() if k not in ("ringkasan", "jenis")}
    if not filled or len(filled) > 2 or any(c in data or c in table.ticks for c in filled[1:]):
        return None
    joined = " ".join(str(row[c]) for c in filled).casefold().replace("-", " ")
    if len(joined) > 120:
        return None
    for word, jenis in _JENIS_WORDS:
        if word in joined:
            return jenis
    return None


def _finding(table: _Table, r: int, c: int | None, key: str, type_: str, message: str,
             value: Any = None) -> Finding:  # fmt: skip
    schema = form_schema()
    try:
        column = schema.field(key).label
    except KeyError:
        column = key
    return Finding(
        type=type_,
        message=message,
        field=key,
        column=column,
        sheet=table.sheet,
        cell=cell_ref(r, c) if c is not None else None,
        row=r + 1,
        value=None if value is None else str(value),
    )


def _row_values(
    table: _Table, r: int, row: list[Any], jenis: str | None
) -> tuple[dict[str, Any], list[Finding]]:
    schema = form_schema()
    errors: list[Finding] = []
    values: dict[str, Any] = dict.fromkeys(ITEM_FIELDS)

    def raw(key: str) -> tuple[Any, int | None]:
        c = table.columns.get(key)
        return (row[c] if c is not None and c < len(row) else ""), c

    def text_field(key: str) -> None:
        value, c = raw(key)
        f = schema.field(key)
        text = nz.to_text(value)
        if text is None:
            if f.required and key in table.columns:
                errors.append(_finding(table, r, c, key, "required", f"{f.label} wajib diisi."))
            return
        if f.type == "link" and not nz.link_ok(text):
            errors.append(_finding(table, r, c, key, "link", _msg("link", f, text), text))
            return
        if f.max_length and len(text) > f.max_length or f.min_length and len(text) < f.min_length:
            errors.append(
                _finding(table, r, c, key, "length",
                         f"{f.label} harus {f.min_length} sampai {f.max_length} karakter.", text)
            )  # fmt: skip
            return
        values[key] = text

    for key in ("ringkasan", "penguasa", "penanggung_jawab", "tautan", "keterangan",
                "dasar_pengecualian", "konsekuensi"):  # fmt: skip
        text_field(key)
    if _COMBINED in table.columns:
        value, c = raw(_COMBINED)
        tempat, waktu = nz.split_combined(value)
        values["tempat_pembuatan"], values["waktu_pembuatan"] = tempat, waktu
        where: tuple[int | None, str] = (c, schema.combined[0].label)
    else:
        value, c = raw("waktu_pembuatan")
        values["waktu_pembuatan"] = nz.partial_date(value)
        text_field("tempat_pembuatan")
        where = (c, schema.field("waktu_pembuatan").label)
    floor = f"{schema.field('waktu_pembuatan').min_year or 1:04d}"
    waktu = values["waktu_pembuatan"]
    if waktu is not None and not (nz.ISO_PARTIAL.match(waktu) and waktu[:4] >= floor):
        values["waktu_pembuatan"] = None
    if values["waktu_pembuatan"] is None:
        errors.append(
            _finding(table, r, where[0], "waktu_pembuatan", "date",
                     f"{where[1]} '{nz.to_text(value) or ''}' tidak memuat tanggal, bulan dan "
                     "tahun, atau tahun yang dikenali; tulis misalnya Jakarta, April 2025.",
                     value)
        )  # fmt: skip
    elif values["tempat_pembuatan"] is None:
        errors.append(
            _finding(table, r, where[0], "tempat_pembuatan", "required",
                     f"Tempat pembuatan tidak ada di {where[1]}; tulis misalnya Jakarta, 2025.")
        )  # fmt: skip
    if table.ticks:
        marks = frozenset(
            side for c, side in table.ticks.items() if c < len(row) and str(row[c]).strip()
        )
        values["bentuk"] = _BENTUK.get(marks)
        if values["bentuk"] is None:
            first = min(table.ticks)
            errors.append(
                _finding(table, r, first, "bentuk", "required",
                         "Bentuk informasi tidak dicentang; beri tanda pada kolom bentuk yang "
                         "tersedia.")
            )  # fmt: skip
    else:
        _choice(table, r, raw("bentuk"), schema.field("bentuk"), values, errors)
    value, c = raw("retensi")
    values["retensi"] = nz.retensi(value)
    if values["retensi"] is None or not nz.RETENSI_CANONICAL.match(values["retensi"]):
        values["retensi"] = None
        f = schema.field("retensi")
        errors.append(_finding(table, r, c, "retensi", "retensi", _msg("retensi", f, value), value))
    if "jenis" in table.columns:
        _choice(table, r, raw("jenis"), schema.field("jenis"), values, errors)
    elif jenis is None:
        errors.append(
            _finding(table, r, None, "jenis", "required",
                     "Jenis informasi tidak diketahui: tidak ada kolom Jenis Informasi dan baris "
                     "ini tidak berada di bawah judul kelompok (A. … Berkala, B. … Serta Merta, "
                     "C. … Setiap Saat).")
        )  # fmt: skip
    else:
        values["jenis"] = jenis
    return values, errors


def _choice(table: _Table, r: int, cell: tuple[Any, int | None], f: Field,
            values: dict[str, Any], errors: list[Finding]) -> None:  # fmt: skip
    value, c = cell
    values[f.key] = nz.choice(value, f.choice_lookup())
    if values[f.key] not in f.choice_values:
        values[f.key] = None
        errors.append(
            _finding(table, r, c, f.key, "choice",
                     f"{f.label} harus salah satu dari: {', '.join(f.choice_values)}", value)
        )  # fmt: skip


def _msg(slug: str, f: Field, value: Any) -> str:
    from ..forms.rules import message

    return message(slug, column=f.label, value=nz.to_text(value) or "")


def read_published(path: Path) -> tuple[str, list[tuple[int, dict[str, Any]]], list[Finding]]:
    """(sha256, [(Excel row, values)], errors) of a published DIP in .xlsx or .ods."""
    from python_calamine import CalamineWorkbook

    from ..forms.intake import check_file

    path = Path(path)
    if path.suffix.lower() == ".ods":
        import hashlib

        data = path.read_bytes()
        sha, refusal = hashlib.sha256(data).hexdigest(), None
    else:
        intake = check_file(path)
        sha, refusal, data = intake.sha256, intake.refusal, intake.data or b""
    if refusal is not None:
        return sha, [], [refusal]
    try:
        book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data))
        sheets = [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]
    except Exception:  # noqa: BLE001 — any reader failure is an unreadable file for the clerk
        return sha, [], [Finding(type="unreadable", message=_UNREADABLE)]
    for name, rows in sheets:
        table = _find_table(name, rows)
        if table is None:
            continue
        found: list[tuple[int, dict[str, Any]]] = []
        errors: list[Finding] = []
        jenis: str | None = None
        for r in range(table.first, len(rows)):
            row = list(rows[r])
            if not any(str(v).strip() for v in row) or _is_numbering(row):
                continue
            heading = _heading_jenis(row, table)
            if heading is not None:
                jenis = heading
                continue
            values, bad = _row_values(table, r, row, jenis)
            found.append((r + 1, values))
            errors += bad
        return sha, found, errors
    return sha, [], [Finding(type="no_header", message=_NO_HEADER)]


_UNREADABLE = (
    "Berkas ini tidak dapat dibaca sebagai lembar kerja. Simpan ulang sebagai .xlsx atau .ods."
)
_NO_HEADER = (
    "Tabel Daftar Informasi Publik tidak ditemukan: baris judul kolom harus memuat Ringkasan "
    "Isi Informasi dan sekurang-kurangnya dua kolom lain (Pejabat/Unit yang Menguasai, "
    "Penanggung Jawab, Waktu dan Tempat, Bentuk, Jangka Waktu Penyimpanan)."
)


def import_published(
    store: Store | None,
    path: Path,
    *,
    penetapan: dt.date,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    run_id: int | None = None,
) -> ImportReport:
    """Read one published DIP and, unless `dry_run` or it has errors, record its items as
    approved on `penetapan` (bad rows left out only with `skip_bad_rows`)."""
    path = Path(path)
    sha, rows, errors = read_published(path)
    bad_rows = {f.row for f in errors if f.row is not None}
    whole_file = any(f.row is None for f in errors)
    report = ImportReport(path.name, sha, len(rows), errors=tuple(errors))
    if whole_file or (errors and not skip_bad_rows) or store is None:
        return report
    good = [(n, v) for n, v in rows if n not in bad_rows]
    skipped = tuple(sorted(bad_rows))
    if dry_run:
        return ImportReport(path.name, sha, len(rows), errors=tuple(errors), skipped_rows=skipped)
    return _record(store, report, good, penetapan, skipped, run_id)


def _record(
    store: Store,
    report: ImportReport,
    good: Sequence[tuple[int, Mapping[str, Any]]],
    penetapan: dt.date,
    skipped: tuple[int, ...],
    run_id: int | None,
) -> ImportReport:
    year = penetapan.year
    with store.begin() as conn:
        store.lock_writers(conn)
        if store.submission_known(report.sha256):
            return ImportReport(report.file, report.sha256, report.rows, already=True)
        submission = record_submission(
            store,
            file_name=report.file,
            sha256=report.sha256,
            unit=None,
            petugas=ACTOR,
            tanggal_pengisian=penetapan,
            received=penetapan,
            verdict="accepted",
            rows=report.rows,
            run_id=run_id,
            recorded_at=store.now(),
        )
        keys = {match_key(v["penguasa"], v["ringkasan"], v["waktu_pembuatan"]) for _, v in good}
        known = set(ids_by_match_key(store, sorted(keys)))
        seq = highest_seq(store, year)
        now = store.now()
        new_rows, imported, duplicates = [], [], []
        for excel_row, values in good:
            key = match_key(values["penguasa"], values["ringkasan"], values["waktu_pembuatan"])
            if key in known:
                duplicates.append(values["ringkasan"])
                continue
            known.add(key)
            seq += 1
            item_id = format_item_id(year, seq)
            new_rows.append(
                {
                    "id": item_id, "year": year, "seq": seq, "unit": values["penguasa"],
                    **{k: values.get(k) for k in ITEM_FIELDS},
                    "status": "approved", "decision": "YA", "decided_on": penetapan,
                    "atasan": PENETAPAN_SEBELUMNYA, "arahan": None,
                    "submission_id": submission, "source_file": report.file,
                    "source_sheet": "", "source_row": excel_row, "source_cells": dumps({}),
                    "received_on": penetapan, "created_run": run_id, "updated_run": run_id,
                    "created_at": now, "updated_at": now, "match_key": key,
                }
            )  # fmt: skip
            imported.append(item_id)
        insert_items(store, new_rows)
        store.log(
            "dip_imported",
            actor=ACTOR,
            run_id=run_id,
            detail={
                "file": report.file,
                "sha256": report.sha256,
                "penetapan": penetapan,
                "items": len(imported),
                "duplicates": len(duplicates),
                "skipped_rows": list(skipped),
            },
        )
    return ImportReport(
        report.file,
        report.sha256,
        report.rows,
        imported=tuple(imported),
        duplicates=tuple(duplicates),
        errors=report.errors,
        skipped_rows=skipped,
        recorded=True,
    )


def reports_json(reports: Sequence[ImportReport]) -> str:
    return json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2)
