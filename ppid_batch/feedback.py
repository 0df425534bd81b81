"""The corrected copy sent back to a clerk (SOP step 1, kelengkapan): their workbook, marked."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from .files import atomic_write
from .models import Finding, SheetReport

LIST_SHEET = "Daftar Kesalahan"
AUTHOR = "ppid-batch"
BAD_FILL = "FFFFC7CE"  # Excel's own "light red fill"
FIXED_TIME = dt.datetime(2025, 1, 1)
HEADERS = ("No", "Sel", "Baris", "Kolom", "Isi yang tertulis", "Yang perlu diperbaiki", "Sifat")
WIDTHS = (5, 10, 7, 28, 30, 80, 12)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _listing(report: SheetReport) -> list[tuple[Finding, tuple[Any, ...]]]:
    """Whole-file problems first, then cell errors in reading order, then warnings."""
    whole = [f for f in report.errors if f.cell is None]
    cells = [f for f in report.errors if f.cell is not None]
    rows = []
    for n, f in enumerate([*whole, *cells, *report.warnings], start=1):
        sifat = "Kesalahan" if f.severity == "error" else "Peringatan"
        rows.append(
            (f, (n, f.cell or "-", f.row or "", f.column or "", _shown(f.value), f.message, sifat))
        )
    return rows


def _intro(report: SheetReport) -> tuple[str, str]:
    title = f"Daftar Kesalahan: {report.path.name}"
    n = len(report.errors)
    if report.kind is None:
        return title, "Berkas ini belum dapat dibaca. Ikuti petunjuk di bawah, lalu kirim kembali."
    where = f"pada lembar '{report.sheet}' " if report.sheet else ""
    return title, (
        f"Ada {n} hal yang perlu diperbaiki. Sel yang bermasalah {where}diberi warna merah muda "
        "dan catatan; klik alamat sel untuk menuju ke sana. Setelah diperbaiki, kirim kembali."
    )


def _rezip(data: bytes, out: BinaryIO) -> None:
    """Copy a zip with fixed timestamps and order so the same marks give the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o600 << 16
                dst.writestr(fixed, src.read(info))


def _fresh_workbook(report: SheetReport) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    wb.set_properties({"created": FIXED_TIME, "author": AUTHOR, "title": LIST_SHEET})
    ws = wb.add_worksheet(LIST_SHEET)
    bold = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    title, intro = _intro(report)
    ws.write_string(0, 0, title, bold)
    ws.write_string(1, 0, intro)
    for c, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        ws.write_string(3, c, label, head)
        ws.set_column(c, c, width)
    for r, (_, values) in enumerate(_listing(report), start=4):
        for c, value in enumerate(values):
            if isinstance(value, int):
                ws.write_number(r, c, value, wrap)
            else:
                ws.write_string(r, c, str(value), wrap)
    ws.freeze_panes(4, 0)
    wb.close()
    return buf.getvalue()


def _clear_old_marks(wb: Any) -> None:
    """A re-submitted corrected copy: drop our previous list, comments and fills."""
    from openpyxl.styles import PatternFill

    if LIST_SHEET in wb.sheetnames:
        del wb[LIST_SHEET]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
                    if cell.fill is not None and cell.fill.fgColor.rgb == BAD_FILL:
                        cell.fill = PatternFill(fill_type=None)


def _annotated_workbook(report: SheetReport, data: bytes) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.writer.excel import ExcelWriter

    with warnings.catch_warnings():
        # openpyxl warns about workbook parts it does not keep (e.g. slicers); the clerk's
        # values, which are what we read back, are kept.
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), rich_text=False)
    _clear_old_marks(wb)
    fill = PatternFill(fill_type="solid", fgColor=BAD_FILL, bgColor=BAD_FILL)
    sheet = wb[report.sheet] if report.sheet in wb.sheetnames else wb.worksheets[0]
    by_cell: dict[str, list[str]] = {}
    for f in report.errors:
        if f.cell is not None:
            by_cell.setdefault(f.cell, []).append(f.message)
    for ref, messages in by_cell.items():
        cell = sheet[ref]
        cell.fill = fill
        text = "\n".join(messages)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 18 * (len(text) // 45 + len(messages))
        cell.comment = comment

    ws = wb.create_sheet(LIST_SHEET, 0)
    title, intro = _intro(report)
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = intro
    for c, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        head = ws.cell(row=4, column=c, value=label)
        head.font = Font(bold=True)
        head.fill = PatternFill(fill_type="solid", fgColor="FFD9E1F2")
        ws.column_dimensions[head.column_letter].width = width
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    for r, (finding, values) in enumerate(_listing(report), start=5):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            # text a clerk typed is data, never a formula, whatever its first character
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        target = finding.cell or "A1"
        link = ws.cell(row=r, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quoted}!{target}")
        link.font = Font(color="FF0563C1", underline="single")
    ws.freeze_panes = "A5"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    wb.properties.modified = wb.properties.created or FIXED_TIME
    wb.properties.lastModifiedBy = AUTHOR
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return buf.getvalue()


def corrected_name(report: SheetReport) -> str:
    stem = report.path.stem
    if stem.endswith("-koreksi"):
        stem = stem[: -len("-koreksi")]
    return f"{stem}-koreksi.xlsx"


def write_corrected_copy(report: SheetReport, out_dir: Path) -> Path:
    """Write `<stem>-koreksi.xlsx`: bad cells filled light red with a comment, a first sheet
    'Daftar Kesalahan' listing every problem with a link to its cell.

    A workbook that could not be read at all gets a fresh workbook with only that list.
    """
    data: bytes | None = None
    if report.kind is not None:
        try:
            data = _annotated_workbook(report, Path(report.path).read_bytes())
        except Exception:  # noqa: BLE001 — openpyxl cannot keep this workbook: send the list alone
            data = None
    if data is None:
        data = _fresh_workbook(report)
    target = Path(out_dir) / corrected_name(report)
    return atomic_write(target, lambda fh: _rezip(data, fh))
