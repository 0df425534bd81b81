"""The corrected copy sent back to a clerk (SOP step 1, kelengkapan): their workbook, marked."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from ..files import atomic_write, fit_name
from ..models import Finding, SheetReport
from ..workbook import HEADER_COLOR, PAGE_NUMBERS, a4_landscape, new_workbook, row_height

LIST_SHEET = "Daftar Kesalahan"
AUTHOR = "ppid-batch"
BAD_FILL = "FFFFC7CE"  # Excel's own "light red fill"
FIXED_TIME = dt.datetime(2025, 1, 1)
HEADERS = ("No", "Sel", "Baris", "Kolom", "Isi yang tertulis", "Yang perlu diperbaiki", "Sifat")
# About 150 characters: fits A4 landscape at a readable scale (fit to one page wide).
WIDTHS = (5, 9, 7, 26, 30, 60, 12)
HEADER_ROW = 4  # 1-based; rows 1-2 hold the title and the instructions
# row_height() counts lines of 10-point text, so the list is set in that size.
FONT = "Arial"


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


ODS_NOTE = (
    " Berkas asli Anda berformat LibreOffice (.ods); salinan ini berformat Excel (.xlsx) dan "
    "hanya memuat isi sel-selnya (tanpa format dan daftar pilihan). Boleh diperbaiki di "
    "salinan ini atau di berkas .ods asli, lalu kirim kembali dalam format mana pun."
)


def _intro(report: SheetReport, from_ods: bool = False) -> tuple[str, str]:
    title = f"Daftar Kesalahan: {report.path.name}"
    n = len(report.errors)
    if report.kind is None:
        return title, "Berkas ini belum dapat dibaca. Ikuti petunjuk di bawah, lalu kirim kembali."
    where = f"pada lembar '{report.sheet}' " if report.sheet else ""
    return title, (
        f"Ada {n} hal yang perlu diperbaiki. Sel yang bermasalah {where}diberi warna merah muda "
        "dan catatan; klik alamat sel untuk menuju ke sana. Setelah diperbaiki, kirim kembali."
        + (ODS_NOTE if from_ods else "")
    )


def _footer_left(report: SheetReport) -> str:
    # '&' starts a code in a header/footer: a file name's own '&' is doubled.
    return f"{LIST_SHEET}: {report.path.name}".replace("&", "&&")


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
    buf = io.BytesIO()
    wb = new_workbook(buf, title=LIST_SHEET, created=FIXED_TIME)
    ws = wb.add_worksheet(LIST_SHEET)
    base = {"font_name": FONT, "font_size": 10}
    bold = wb.add_format({**base, "bold": True, "font_size": 13})
    intro_fmt = wb.add_format({**base, "text_wrap": True, "valign": "top"})
    head = wb.add_format(
        {**base, "bold": True, "bg_color": HEADER_COLOR, "border": 1, "text_wrap": True,
         "valign": "vcenter"}
    )  # fmt: skip
    wrap = wb.add_format({**base, "text_wrap": True, "valign": "top", "border": 1})
    title, intro = _intro(report)
    ws.write_string(0, 0, title, bold)
    ws.set_row(0, 18)
    ws.merge_range(1, 0, 1, len(HEADERS) - 1, intro, intro_fmt)
    ws.set_row(1, row_height([intro], [sum(WIDTHS)]))
    head_row = HEADER_ROW - 1
    for c, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        ws.write_string(head_row, c, label, head)
        ws.set_column(c, c, width)
    for r, (_, values) in enumerate(_listing(report), start=HEADER_ROW):
        for c, value in enumerate(values):
            if isinstance(value, int):
                ws.write_number(r, c, value, wrap)
            else:
                ws.write_string(r, c, str(value), wrap)
        height = row_height([str(v) for v in values], WIDTHS)
        if height is not None:
            ws.set_row(r, height)
    ws.freeze_panes(HEADER_ROW, 0)
    a4_landscape(ws, footer=_footer_left(report), header_row=head_row)
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


def _fill_list_sheet(
    ws: Any, report: SheetReport, marked_sheet: str, from_ods: bool = False
) -> None:
    """The 'Daftar Kesalahan' sheet in the clerk's workbook, ready to print."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(wrap_text=True, vertical="top")
    title, intro = _intro(report, from_ods)
    ws["A1"] = title
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws.row_dimensions[1].height = 18
    ws["A2"] = intro
    ws["A2"].font = Font(name=FONT, size=10)
    ws["A2"].alignment = top
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.row_dimensions[2].height = row_height([intro], [sum(WIDTHS)])
    for c, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        head = ws.cell(row=HEADER_ROW, column=c, value=label)
        head.font = Font(name=FONT, size=10, bold=True)
        head.fill = PatternFill(fill_type="solid", fgColor="FFD9E1F2")
        head.border = box
        head.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[head.column_letter].width = width
    quoted = "'" + marked_sheet.replace("'", "''") + "'"
    for r, (finding, values) in enumerate(_listing(report), start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            # text a clerk typed is data, never a formula, whatever its first character
            if isinstance(value, str):
                cell.data_type = "s"
            cell.alignment = top
            cell.border = box
            cell.font = Font(name=FONT, size=10)
        ws.row_dimensions[r].height = row_height([str(v) for v in values], WIDTHS)
        target = finding.cell or "A1"
        link = ws.cell(row=r, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quoted}!{target}")
        link.font = Font(name=FONT, size=10, color="FF0563C1", underline="single")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the list needs
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.left.text = _footer_left(report)
    ws.oddFooter.right.text = PAGE_NUMBERS


def _ods_workbook(data: bytes) -> Any:
    """An .ods as an openpyxl workbook: every visible sheet's cell values and merged ranges
    (openpyxl cannot open .ods; the clerk gets an .xlsx and is told so)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    from .ods import sheets_of

    merges = {s.name: s.merges for s in sheets_of(data)}
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.created = FIXED_TIME  # same input, same bytes
    src = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        for meta in src.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            ws = wb.create_sheet(meta.name[:31])
            rows = src.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            widths: dict[int, int] = {}
            for r, values in enumerate(rows, start=1):
                for c, value in enumerate(values, start=1):
                    if value == "" or value is None:
                        continue
                    cell = ws.cell(row=r, column=c, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # '=…' typed by a clerk stays text
                        longest = max(len(line) for line in value.splitlines() or [""])
                    elif isinstance(value, dt.datetime | dt.date):
                        cell.number_format = "DD/MM/YYYY"
                        longest = 11
                    else:
                        longest = len(str(value))
                    if sum(1 for v in values if v != "" and v is not None) > 1:
                        # a title alone on its row may run across the columns to its right
                        widths[c] = max(widths.get(c, 8), min(longest + 2, 40))
            for c, width in widths.items():
                ws.column_dimensions[get_column_letter(c)].width = width
            for (r0, c0), (r1, c1) in merges.get(meta.name, ()):
                if r1 < len(rows) and (r0, c0) != (r1, c1):
                    ws.merge_cells(
                        start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
                    )
    finally:
        src.close()
    return wb


def _visible_cell(sheet: Any, ref: str) -> str:
    """A cell hidden inside a merged range is marked on the range's first cell, the one
    the clerk sees (openpyxl cannot put a comment on the others)."""
    from openpyxl.cell.cell import MergedCell

    if not isinstance(sheet[ref], MergedCell):
        return ref
    for rng in sheet.merged_cells.ranges:
        if ref in rng:
            return str(rng.start_cell.coordinate)
    return ref


def _last_used_row(sheet: Any) -> int:
    """The last row holding a value: a blank form's 200 bordered rows are not content."""
    for r in range(sheet.max_row, 0, -1):
        if any(c.value not in (None, "") for c in sheet[r]):
            return r
    return 1


def _print_used_rows(sheet: Any, report: SheetReport) -> None:
    """Print the marked sheet down to its last filled row, each row as tall as its text.

    The blank form prints 200 empty rows (five pages); and neither Excel nor LibreOffice
    grows a row for wrapped text it did not lay out itself, so a long ringkasan printed
    over the row below.
    """
    from openpyxl.utils import get_column_letter

    last_row = _last_used_row(sheet)
    last_col = max(sheet.max_column, 1)
    sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ps = sheet.page_setup
    ps.orientation = ps.orientation or "landscape"
    ps.paperSize = ps.paperSize or sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    ps.fitToWidth, ps.fitToHeight = 1, 0
    # The table's rows and the header row just above them (its labels wrap in narrow
    # columns too); the titles further up are the clerk's layout.
    rows = [int(i["_row"]) for i in report.items if i.get("_row")]
    rows += [f.row for f in (*report.errors, *report.warnings) if isinstance(f.row, int)]
    if not rows:
        return
    default = sheet.sheet_format.defaultColWidth or 8.43
    widths = [
        sheet.column_dimensions[get_column_letter(c)].width or default
        for c in range(1, last_col + 1)
    ]
    merged = {(m.min_row, m.min_col): m for m in sheet.merged_cells.ranges}
    inside = {
        (r, c)
        for m in sheet.merged_cells.ranges
        for r in range(m.min_row, m.max_row + 1)
        for c in range(m.min_col, m.max_col + 1)
    }
    for r in range(max(min(rows) - 1, 1), last_row + 1):
        # Only a cell set to wrap grows its row; other text runs on (or is cut) sideways.
        # A cell merged across columns wraps in their total width; one merged down over
        # several rows shares their height and is left out.
        texts, spans = [], []
        for c in range(1, last_col + 1):
            cell = sheet.cell(row=r, column=c)
            span = merged.get((r, c))
            if span is not None and span.max_row > r or (span is None and (r, c) in inside):
                continue
            wraps = cell.value is not None and cell.alignment.wrap_text
            texts.append(str(cell.value) if wraps else "")
            last = span.max_col if span is not None else c
            spans.append(sum(widths[c - 1 : last]))
        needed = row_height(texts, spans)
        current = sheet.row_dimensions[r].height
        if needed is not None and (current is None or current < needed):
            sheet.row_dimensions[r].height = needed


def _annotated_workbook(report: SheetReport, data: bytes) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.writer.excel import ExcelWriter

    from .ods import is_ods

    from_ods = is_ods(data)
    with warnings.catch_warnings():
        # openpyxl warns about workbook parts it does not keep (e.g. slicers); the clerk's
        # values, which are what we read back, are kept.
        warnings.simplefilter("ignore")
        wb = _ods_workbook(data) if from_ods else load_workbook(io.BytesIO(data), rich_text=False)
    _clear_old_marks(wb)
    fill = PatternFill(fill_type="solid", fgColor=BAD_FILL, bgColor=BAD_FILL)
    sheet = wb[report.sheet] if report.sheet in wb.sheetnames else wb.worksheets[0]
    by_cell: dict[str, list[str]] = {}
    for f in report.errors:
        if f.cell is not None:
            by_cell.setdefault(_visible_cell(sheet, f.cell), []).append(f.message)
    for ref, messages in by_cell.items():
        cell = sheet[ref]
        cell.fill = fill
        text = "\n".join(messages)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 40 + 18 * (len(text) // 45 + len(messages))
        cell.comment = comment

    _print_used_rows(sheet, report)
    ws = wb.create_sheet(LIST_SHEET, 0)
    _fill_list_sheet(ws, report, sheet.title, from_ods)
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
    return fit_name(stem, "-koreksi.xlsx")


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
