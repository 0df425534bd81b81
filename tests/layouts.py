"""Forms laid out the way offices really type them: merged cells, two-row headers with tick
sub-columns, metadata values further right, a signature block under the table.

Each layout is a plain map of cells and merged ranges, written by openpyxl, by xlsxwriter
(merge_range: the value in the first cell, the rest blank, as Excel saves it) and, through
LibreOffice, as .ods (`soffice --headless --convert-to ods`).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from badfiles import COL, HEADER, good_row
from openpyxl.utils import column_index_from_string, get_column_letter

NIP = "19860926 201505 1 001"


def _split(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m, ref
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


@dataclass
class Layout:
    """Cells by Excel reference, and merged ranges ('F9:F13')."""

    cells: dict[str, Any] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    sheet: str = "Form DIP"

    def put_row(self, row: int, values: list[Any], first_col: int = 0) -> None:
        for i, v in enumerate(values):
            if v != "" and v is not None:
                self.cells[f"{get_column_letter(first_col + i + 1)}{row}"] = v

    def clear(self, ref: str) -> None:
        self.cells.pop(ref, None)

    def merge(self, rng: str) -> None:
        """Merge a range as Excel does: only its first cell keeps a value."""
        a, b = rng.split(":")
        (r0, c0), (r1, c1) = _split(a), _split(b)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    self.clear(f"{get_column_letter(c + 1)}{r + 1}")
        self.merges.append(rng)


def standard(rows: int = 2) -> Layout:
    """The usual form: title, metadata label / ':' / value, header on row 8, items from 9."""
    lay = Layout()
    lay.cells["A1"] = "FORM DAFTAR INFORMASI PUBLIK"
    meta = [
        ("Unit Kerja / Subbagian", "Subbagian Hukum"),
        ("Nama Petugas", "Siti Rahmawati"),
        ("NIP", NIP),
        ("Tanggal Pengisian", dt.date(2025, 5, 2)),
    ]
    for i, (label, value) in enumerate(meta):
        lay.put_row(3 + i, [label, ":", value])
    lay.put_row(8, HEADER)
    for n in range(1, rows + 1):
        lay.put_row(8 + n, good_row(n))
    return lay


def col(key: str) -> str:
    return COL[key]


# ---- writers -----------------------------------------------------------------------------


def write_openpyxl(lay: Layout, path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = lay.sheet
    for ref, v in lay.cells.items():
        ws[ref] = v
        if isinstance(v, str):
            ws[ref].data_type = "s"
        elif isinstance(v, dt.date):
            ws[ref].number_format = "DD/MM/YYYY"
    for rng in lay.merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def write_xlsxwriter(lay: Layout, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet(lay.sheet)
    anchors = {}
    for rng in lay.merges:
        a, b = rng.split(":")
        anchors[a] = (_split(a), _split(b))
    for ref, v in lay.cells.items():
        r, c = _split(ref)
        if ref in anchors:
            (r0, c0), (r1, c1) = anchors[ref]
            if isinstance(v, dt.date):
                ws.merge_range(r0, c0, r1, c1, "", datefmt)
                ws.write_datetime(r0, c0, dt.datetime(v.year, v.month, v.day), datefmt)
            else:
                ws.merge_range(r0, c0, r1, c1, v)
        elif isinstance(v, dt.date):
            ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datefmt)
        elif isinstance(v, str):
            ws.write_string(r, c, v)
        else:
            ws.write(r, c, v)
    for ref, ((r0, c0), (r1, c1)) in anchors.items():
        if ref not in lay.cells:
            ws.merge_range(r0, c0, r1, c1, "")
    wb.close()
    return path


def soffice() -> str | None:
    return shutil.which("soffice")


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice (its own profile folder, so parallel runs do not collide)."""
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            soffice() or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = outdir / f"{src.stem}.{fmt}"
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out


def write_ods(lay: Layout, path: Path) -> Path:
    """The layout saved by LibreOffice Calc as .ods (from an openpyxl .xlsx)."""
    work = path.parent / f".{path.stem}-src"
    work.mkdir(exist_ok=True)
    src = write_openpyxl(lay, work / f"{path.stem}.xlsx")
    out = convert(src, "ods", work)
    out.replace(path)
    return path


WRITERS: dict[str, Callable[[Layout, Path], Path]] = {
    "openpyxl": write_openpyxl,
    "xlsxwriter": write_xlsxwriter,
}


# ---- the layouts ---------------------------------------------------------------------------


def merged_tempat() -> Layout:
    """Mesuji merged F9:F13 for five items; Berkala merged I9:I13."""
    lay = standard(rows=5)
    lay.merge(f"{col('tempat_pembuatan')}9:{col('tempat_pembuatan')}13")
    lay.merge(f"{col('jenis')}9:{col('jenis')}13")
    return lay


def merged_past_last_item() -> Layout:
    """Mesuji merged down three rows past the last item: those rows are not items."""
    lay = standard(rows=2)
    lay.merge(f"{col('tempat_pembuatan')}9:{col('tempat_pembuatan')}13")
    return lay


def merged_across_columns() -> Layout:
    """Item 2's Pejabat and Penanggung Jawab merged into one cell: cannot be read per column."""
    lay = standard(rows=2)
    lay.merge(f"{col('penguasa')}10:{col('penanggung_jawab')}10")
    return lay


def wide_merged_cells() -> Layout:
    """Ringkasan merged across B:C in the header and every row (a wide column), the rest
    shifted one column right; the title merged across the table."""
    lay = Layout()
    lay.cells["A1"] = "FORM DAFTAR INFORMASI PUBLIK"
    lay.merge("A1:N1")
    for i, (label, value) in enumerate(
        [
            ("Unit Kerja / Subbagian", "Subbagian Hukum"),
            ("Nama Petugas", "Siti Rahmawati"),
            ("Tanggal Pengisian", dt.date(2025, 5, 2)),
        ]
    ):
        lay.put_row(3 + i, [label, ":", value])
    header = [HEADER[0], HEADER[1], "", *HEADER[2:]]
    lay.put_row(8, header)
    lay.merge("B8:C8")
    for n in (1, 2):
        row = good_row(n)
        lay.put_row(8 + n, [row[0], row[1], "", *row[2:]])
        lay.merge(f"B{8 + n}:C{8 + n}")
    return lay


def metadata_layouts() -> Layout:
    """Labels merged across two columns with the value further right; label, blank, value;
    a colon typed into the value cell; a value merged across columns."""
    lay = standard()
    for r in range(3, 7):
        for c in "ABCDEF":
            lay.clear(f"{c}{r}")
    lay.put_row(3, ["Unit Kerja / Subbagian", "", "", "Subbagian Hukum"])
    lay.merge("A3:B3")
    lay.put_row(4, ["Nama Petugas", "", ": Siti Rahmawati"])
    lay.put_row(5, ["NIP", "", "", "", NIP])
    lay.merge("E5:G5")
    lay.put_row(6, ["Tanggal Pengisian", "", ":", "", dt.date(2025, 5, 2)])
    lay.merge("A6:B6")
    return lay


def signature_block() -> Layout:
    """The table closed with place and date, jabatan, name in parentheses and NIP."""
    lay = standard(rows=3)
    k = column_index_from_string(col("jenis")) - 1
    lay.put_row(13, ["Mesuji, 2 Desember 2026"], k)
    lay.put_row(14, ["Kepala Subbagian Hukum,"], k)
    lay.put_row(17, ["( Dewi Lestari )"], k)
    lay.put_row(18, [f"NIP. {NIP}"], k)
    return lay


def two_signers() -> Layout:
    """Mengetahui (left) and the clerk (right), each with jabatan, name and NIP."""
    lay = standard(rows=2)
    right = column_index_from_string(col("jenis")) - 1
    lay.put_row(12, ["Mengetahui,"], 1)
    lay.put_row(12, ["Mesuji, 2 Mei 2025"], right)
    lay.put_row(13, ["Sekretaris KPU Kabupaten Mesuji"], 1)
    lay.put_row(13, ["Petugas,"], right)
    lay.put_row(16, ["Dewi Lestari, S.H."], 1)
    lay.put_row(16, ["Siti Rahmawati"], right)
    lay.put_row(17, ["NIP. 19750101 200003 2 001"], 1)
    lay.put_row(17, [f"NIP. {NIP}"], right)
    return lay


def half_filled_then_signature() -> Layout:
    """A half-filled item row (ringkasan and penguasa only) above a signature block."""
    lay = signature_block()
    lay.put_row(12, ["", "Notulen Rapat Pleno Terbuka 2025", "Subbagian Hukum"])
    return lay


def two_row_header(ticks: tuple[str, ...] = ("Softcopy", "Hardcopy")) -> Layout:
    """Header on rows 8-9: single columns merged down both rows, 'Waktu dan Tempat Pembuatan
    Informasi' merged over Waktu | Tempat, 'Bentuk Informasi yang Tersedia' merged over tick
    sub-columns; a row of column numbers under it; marks ✓, v, x, 1, ada."""
    lay = Layout()
    lay.cells["A1"] = "FORM DAFTAR INFORMASI PUBLIK"
    for i, (label, value) in enumerate(
        [
            ("Unit Kerja / Subbagian", "Subbagian Hukum"),
            ("Nama Petugas", "Siti Rahmawati"),
            ("Tanggal Pengisian", dt.date(2025, 5, 2)),
        ]
    ):
        lay.put_row(3 + i, [label, ":", value])
    singles_before = HEADER[:4]  # No, Ringkasan, Pejabat, Penanggung Jawab
    singles_after = HEADER[7:]  # Retensi … Keterangan
    c = 0
    for label in singles_before:
        lay.put_row(8, [label], c)
        lay.merge(f"{get_column_letter(c + 1)}8:{get_column_letter(c + 1)}9")
        c += 1
    w = c
    lay.put_row(8, ["Waktu dan Tempat Pembuatan Informasi"], w)
    lay.merge(f"{get_column_letter(w + 1)}8:{get_column_letter(w + 2)}8")
    lay.put_row(9, ["Waktu", "Tempat"], w)
    b = w + 2
    lay.put_row(8, ["Bentuk Informasi yang Tersedia"], b)
    lay.merge(f"{get_column_letter(b + 1)}8:{get_column_letter(b + len(ticks))}8")
    lay.put_row(9, list(ticks), b)
    c = b + len(ticks)
    for label in singles_after:
        lay.put_row(8, [label], c)
        lay.merge(f"{get_column_letter(c + 1)}8:{get_column_letter(c + 1)}9")
        c += 1
    lay.put_row(10, list(range(1, c + 1)))  # the columns' numbers
    marks = [("✓", "✓"), ("v", ""), ("", "x"), (1, "-")]
    if len(ticks) == 3:
        marks = [("✓", "", "✓"), ("", "v", ""), ("", "", "ada"), ("1", "", "")]
    for n, mark in enumerate(marks, start=1):
        row = good_row(n)
        values = [*row[:4], row[4], row[5], *mark, *row[7:]]
        lay.put_row(10 + n, values)
    return lay


def group_row_above() -> Layout:
    """Labels on one row, the group cells merged on the row above them (no vertical merges)."""
    lay = two_row_header()
    for ref in list(lay.cells):
        r, c = _split(ref)
        if r == 7 and lay.cells[ref] not in (
            "Waktu dan Tempat Pembuatan Informasi",
            "Bentuk Informasi yang Tersedia",
        ):
            lay.cells[f"{get_column_letter(c + 1)}9"] = lay.cells.pop(ref)
    lay.merges = [m for m in lay.merges if all(_split(x)[0] == 7 for x in m.split(":"))]
    return lay


def unmerged_group() -> Layout:
    """A group label written once above its sub-columns, without merging (other tools)."""
    lay = two_row_header()
    lay.merges = []
    return lay


def jenis_headings() -> Layout:
    """Items grouped under heading rows merged across the table ('A. Informasi … Berkala'),
    the Jenis column left empty under them."""
    lay = standard(rows=0)
    last = get_column_letter(len(HEADER))
    r = 9
    for heading, jenis_rows in (
        ("A. Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala", 2),
        ("B. Informasi yang Wajib Diumumkan Serta Merta", 1),
        ("C. Informasi yang Wajib Tersedia Setiap Saat", 1),
    ):
        lay.put_row(r, [heading])
        lay.merge(f"A{r}:{last}{r}")
        r += 1
        for _ in range(jenis_rows):
            lay.put_row(r, good_row(r - 8, jenis=""))
            r += 1
    return lay


LAYOUTS: dict[str, Callable[[], Layout]] = {
    "merged-tempat": merged_tempat,
    "merged-past-last-item": merged_past_last_item,
    "merged-across-columns": merged_across_columns,
    "wide-merged-cells": wide_merged_cells,
    "metadata-layouts": metadata_layouts,
    "signature-block": signature_block,
    "two-signers": two_signers,
    "half-filled-then-signature": half_filled_then_signature,
    "two-row-header": two_row_header,
    "two-row-header-cetak-rekam-online": lambda: two_row_header(("Cetak", "Rekam", "Online")),
    "group-row-above": group_row_above,
    "unmerged-group": unmerged_group,
    "jenis-headings": jenis_headings,
}


ODS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ods"


def make_ods_fixtures(folder: Path = ODS_FIXTURES) -> list[Path]:
    """Every layout saved by LibreOffice Calc as .ods, in one soffice run (the committed
    fixtures: `python tests/layouts.py`)."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / ".src"
    work.mkdir(exist_ok=True)
    sources = [write_openpyxl(make(), work / f"{name}.xlsx") for name, make in LAYOUTS.items()]
    profile = work / ".lo-profile"
    subprocess.run(
        [
            soffice() or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    shutil.rmtree(work)
    return sorted(folder.glob("*.ods"))


if __name__ == "__main__":
    for made in make_ods_fixtures():
        print(made)
