"""Helpers for the register tests: SheetReports as the reader hands them over, and a store."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ppid_batch.models import Finding, SheetReport
from ppid_batch.store.schema import ITEM_FIELDS

FORM_COLUMNS = ("id", "no", *ITEM_FIELDS)
APPROVAL_COLUMNS = ("id", "unit", "ringkasan", "jenis", "persetujuan", "arahan")
FIRST_ROW = 8


def item(ringkasan: str, **fields: Any) -> dict[str, Any]:
    """One normalised form row (as validate_file gives it), without provenance."""
    row: dict[str, Any] = {
        "id": None,
        "no": None,
        "ringkasan": ringkasan,
        "penguasa": "Subbagian Hukum",
        "penanggung_jawab": "Kepala Subbagian Hukum",
        "waktu_pembuatan": "2025-02",
        "tempat_pembuatan": "Mesuji",
        "bentuk": "Softcopy",
        "retensi": "5 Tahun",
        "jenis": "Berkala",
        "dasar_pengecualian": None,
        "konsekuensi": None,
        "tautan": None,
        "keterangan": None,
    }
    row.update(fields)
    return row


def _with_provenance(
    rows: Iterable[Mapping[str, Any]], sheet: str, columns: Sequence[str]
) -> tuple[dict[str, Any], ...]:
    out = []
    for n, row in enumerate(rows):
        excel_row = FIRST_ROW + n
        cells = {key: f"{chr(ord('A') + i)}{excel_row}" for i, key in enumerate(columns)}
        out.append({**row, "_sheet": sheet, "_row": excel_row, "_cells": cells})
    return tuple(out)


def _sha(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def form_report(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    unit: str = "Subbagian Hukum",
    petugas: str = "Rina Marlina",
    tanggal: dt.date = dt.date(2025, 3, 10),
    errors: Sequence[Finding] = (),
    sha256: str | None = None,
) -> SheetReport:
    return SheetReport(
        path=Path("/input") / name,
        kind="form_dip",
        sha256=sha256 or _sha(name, unit, tanggal, list(map(dict, rows))),
        sheet="Form DIP",
        meta={"unit": unit, "petugas": petugas, "nip": None, "tanggal_pengisian": tanggal},
        items=_with_provenance(rows, "Form DIP", FORM_COLUMNS),
        errors=tuple(errors),
    )


def approval_report(
    decisions: Sequence[tuple[str | None, str | None, str | None]],
    *,
    name: str = "Lembar-Persetujuan-2025-03-12.xlsx",
    atasan: str | None = "Drs. Ahmad Fauzi",
    tanggal: dt.date | None = dt.date(2025, 3, 14),
    sha256: str | None = None,
    errors: Sequence[Finding] = (),
) -> SheetReport:
    """An approval sheet report from (id, persetujuan, arahan) rows."""
    rows = [
        {"id": i, "unit": None, "ringkasan": None, "jenis": None, "persetujuan": p, "arahan": a}
        for i, p, a in decisions
    ]
    return SheetReport(
        path=Path("/input") / name,
        kind="persetujuan",
        sha256=sha256 or _sha(name, atasan, tanggal, rows),
        sheet="Persetujuan",
        meta={"atasan": atasan, "tanggal_persetujuan": tanggal},
        items=_with_provenance(rows, "Persetujuan", APPROVAL_COLUMNS),
        errors=tuple(errors),
    )


def cells(findings: Iterable[Finding]) -> list[tuple[str | None, str | None, str]]:
    """Findings as a short list of (cell, field, type), the way tests compare them."""
    return [(f.cell, f.field, f.type) for f in findings]


FORM_HEADER = {
    "id": "ID Informasi",
    "ringkasan": "Ringkasan Isi Informasi",
    "penguasa": "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
    "penanggung_jawab": "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "waktu_pembuatan": "Waktu Pembuatan Informasi",
    "tempat_pembuatan": "Tempat Pembuatan Informasi",
    "bentuk": "Bentuk Informasi yang Tersedia",
    "retensi": "Jangka Waktu Penyimpanan atau Retensi Arsip",
    "jenis": "Jenis Informasi",
    "dasar_pengecualian": "Dasar Hukum Pengecualian",
}


def write_form_xlsx(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    *,
    unit: str = "Subbagian Hukum",
    petugas: str = "Rina Marlina",
    tanggal: dt.date = dt.date(2025, 3, 10),
) -> Path:
    """A filled Form Daftar Informasi Publik as a clerk saves it from Excel (openpyxl)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form DIP"
    ws["A1"] = "FORM DAFTAR INFORMASI PUBLIK"
    for r, (label, value) in enumerate(
        (
            ("Unit Kerja / Subbagian", unit),
            ("Nama Petugas", petugas),
            ("Tanggal Pengisian", tanggal),
        ),
        start=3,
    ):
        ws.cell(r, 1, label)
        ws.cell(r, 2, value)
    keys = list(FORM_HEADER)
    for c, key in enumerate(keys, start=1):
        ws.cell(8, c, FORM_HEADER[key])
    for r, row in enumerate(rows, start=9):
        for c, key in enumerate(keys, start=1):
            ws.cell(r, c, row.get(key))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def form_row(ringkasan: str, **fields: Any) -> dict[str, Any]:
    """A form row as a clerk types it (Indonesian dates and words, not normalised)."""
    row = {
        "ringkasan": ringkasan,
        "penguasa": "Subbagian Hukum",
        "penanggung_jawab": "Kepala Subbagian Hukum",
        "waktu_pembuatan": "Februari 2025",
        "tempat_pembuatan": "Mesuji",
        "bentuk": "Softcopy",
        "retensi": "5 Tahun",
        "jenis": "Berkala",
    }
    row.update(fields)
    return row


def fill_approval_sheet(
    sheet: Path,
    out: Path,
    decisions: Mapping[str, tuple[str | None, str | None]],
    *,
    atasan: str | None = "Drs. Ahmad Fauzi",
    tanggal: dt.date | None | str = "dibuat",
) -> Path:
    """Fill a Lembar Persetujuan as the Atasan PPID does in Excel: id → (YA/TIDAK, arahan).

    `tanggal` "dibuat" (the default) decides on the day the sheet was issued: an approval
    cannot be dated before its sheet (approve/plausible.py)."""
    import openpyxl

    wb = openpyxl.load_workbook(sheet)
    ws = wb.active
    labels = {ws.cell(r, 1).value: r for r in range(1, 12)}
    if tanggal == "dibuat":
        tanggal = ws.cell(labels["Tanggal Dibuat"], 2).value
    ws.cell(labels["Nama Atasan PPID"], 2, atasan)
    ws.cell(labels["Tanggal Persetujuan"], 2, tanggal)
    header = labels["ID Informasi"]
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(header + 1, ws.max_row + 1):
        item_id = ws.cell(r, 1).value
        if item_id in decisions:
            decision, arahan = decisions[item_id]
            ws.cell(r, columns["Persetujuan (YA/TIDAK)"], decision)
            ws.cell(r, columns["Arahan / Disposisi"], arahan)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
