"""SOP step 2 back to step 1: each unit's refused items with the Atasan PPID's arahan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..dates import format_date_id
from ..documents.fields import waktu_text
from ..files import atomic_write_bytes, fit_name, name_slug
from ..models import RegisterItem
from ..store.ids import id_order
from ..workbook import fit_row
from .sheet import apply_print_setup, base_formats, office_heading, render_workbook

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from ..config import Letter

PREFIX = "Arahan-"
TITLE = "Arahan Atasan PPID atas Usulan Informasi"
HEADER_ROW = 5
COLUMNS = (
    ("ID Informasi", 16),
    ("Ringkasan Isi Informasi", 48),
    ("Waktu Pembuatan Informasi", 16),
    ("Jenis Informasi", 14),
    ("Arahan / Disposisi", 44),
    ("Diputuskan oleh", 24),
    ("Tanggal Keputusan", 16),
)


def unit_slug(unit: str) -> str:
    """`Subbagian Keuangan, Umum & Logistik` → `subbagian-keuangan-umum-logistik`."""
    return name_slug(unit) or "unit"


def feedback_name(unit: str) -> str:
    return fit_name(unit_slug(unit), ".xlsx", prefix=PREFIX)


def _waktu(text: str) -> str:
    try:
        return waktu_text(text)
    except (TypeError, ValueError):
        return text


def _row(item: RegisterItem) -> tuple[str, ...]:
    return (
        item.id,
        item.ringkasan,
        _waktu(item.waktu_pembuatan),
        item.jenis,
        item.arahan or "",
        item.atasan or "",
        format_date_id(item.decided_on) if item.decided_on else "",
    )


def _workbook(
    unit: str,
    refused: Sequence[RegisterItem],
    letter: Letter,
    today: dt.date,
    officer_on: dt.date | None = None,
) -> bytes:
    """The unit's workbook, dated `today` (its last decision, see `as_of`), addressed to
    the unit's PPID Pelaksana in office on `officer_on` (tonight)."""

    def build(workbook: Workbook) -> None:
        fmt = base_formats(workbook)
        ws = workbook.add_worksheet("Arahan")
        last_col = len(COLUMNS) - 1
        # to the unit's PPID Pelaksana when ppid.toml lists one
        pelaksana = letter.signers.unit_officer(unit, officer_on or today)
        to = f"Kepada Yth. {pelaksana.jabatan} ({pelaksana.nama}). " if pelaksana else ""
        office_heading(
            ws,
            fmt,
            letter.office,
            f"{TITLE}: {unit}",
            f"{to}{len(refused)} informasi belum disetujui; keputusan terakhir "
            f"{format_date_id(today)}.",
            last_col,
        )
        ws.merge_range(
            3,
            0,
            3,
            last_col,
            "Perbaiki setiap informasi sesuai arahan, lalu kirim kembali pada Form Daftar "
            "Informasi Publik dengan ID-nya di kolom 'ID Informasi' agar diajukan ulang.",
            fmt["note"],
        )
        ws.set_row(3, 30)
        for col, (label, width) in enumerate(COLUMNS):
            ws.set_column(col, col, width)
            ws.write_string(HEADER_ROW, col, label, fmt["header"])
        ws.set_row(HEADER_ROW, 30)
        widths = [width for _, width in COLUMNS]
        for n, item in enumerate(refused):
            values = _row(item)
            for col, value in enumerate(values):
                ws.write_string(HEADER_ROW + 1 + n, col, value, fmt["cell"])
            fit_row(ws, HEADER_ROW + 1 + n, values, widths)
        apply_print_setup(ws, HEADER_ROW, last_col)

    return render_workbook(build, today=today, title=f"{TITLE}: {unit}")


def as_of(refused: Sequence[RegisterItem], today: dt.date) -> dt.date:
    """The workbook's date: the last decision it holds ('keputusan terakhir'), not tonight,
    so that a night which changes none of a unit's arahan leaves its file as it was."""
    days = [i.decided_on for i in refused if i.decided_on is not None and i.decided_on <= today]
    return max(days, default=today)


def write_unit_feedback(
    items: Sequence[RegisterItem], letter: Letter, out_dir: Path, *, today: dt.date
) -> list[Path]:
    """Write `Arahan-<unit>.xlsx` for every unit with refused items; drop stale ones.

    Regenerated from the register on every run: a unit whose refused items were all
    corrected (pending again) loses its file. Other files in `out_dir` (the forms'
    `-koreksi.xlsx` copies) are left alone.
    """
    out_dir = Path(out_dir)
    by_slug: dict[str, tuple[str, list[RegisterItem]]] = {}
    for item in items:
        if item.status == "refused":
            by_slug.setdefault(unit_slug(item.unit), (item.unit, []))[1].append(item)
    written = []
    for slug in sorted(by_slug):
        unit, refused = by_slug[slug]
        refused.sort(key=lambda i: id_order(i.id))
        path = out_dir / feedback_name(unit)
        data = _workbook(unit, refused, letter, as_of(refused, today), officer_on=today)
        atomic_write_bytes(path, data)
        written.append(path)
    if out_dir.is_dir():
        for stale in sorted(out_dir.glob(f"{PREFIX}*.xlsx")):
            if stale not in written:
                stale.unlink()
    return written
