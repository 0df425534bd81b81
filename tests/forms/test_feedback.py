"""The corrected copy: bad cells marked in the clerk's own workbook, a list sheet first."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from badfiles import BY_NAME_REFUSED, FORM_CASES, Form, good_row, write_form, write_refused
from paths import ROOT

from ppid_batch.forms.feedback import BAD_FILL, LIST_SHEET, write_corrected_copy
from ppid_batch.forms.validate import validate_file

CASES = {c.name: c for c in FORM_CASES}


def bad_form() -> Form:
    form = Form()
    form.meta[1] = ["Nama Petugas", ":", ""]
    form.rows = [
        good_row(1),
        good_row(2, jenis="Rahasia", tautan="javascript:alert(1)"),
        good_row(3, ringkasan="=1+2", waktu_pembuatan="1998"),
    ]
    return form


def list_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[LIST_SHEET]
    return [row for row in ws.iter_rows(min_row=5, values_only=True)]


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_bad_cells_filled_and_commented_and_listed(writer: str, tmp_path: Path) -> None:
    src = write_form(bad_form(), tmp_path / "Form-Hukum.xlsx", writer)
    report = validate_file(src)
    out = write_corrected_copy(report, tmp_path / "umpan-balik")
    assert out == tmp_path / "umpan-balik" / "Form-Hukum-koreksi.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == LIST_SHEET and wb.active.title == LIST_SHEET
    form = wb["Form DIP"]
    marked = sorted(
        c.coordinate
        for row in form.iter_rows()
        for c in row
        if c.fill.fgColor.rgb == BAD_FILL and c.comment is not None
    )
    assert marked == ["B11", "C4", "E11", "I10", "N10"]
    assert form["I10"].comment.text == (
        "Jenis Informasi harus salah satu dari: Berkala, Serta Merta, Setiap Saat, Dikecualikan"
    )
    assert form["I10"].value == "Rahasia"  # the clerk's values are untouched
    rows = list_rows(out)
    assert [(r[1], r[3], r[6]) for r in rows] == [
        ("C4", "Nama Petugas", "Kesalahan"),
        ("I10", "Jenis Informasi", "Kesalahan"),
        ("N10", "Tautan/Lokasi Dokumen", "Kesalahan"),
        ("B11", "Ringkasan Isi Informasi", "Kesalahan"),
        ("E11", "Waktu Pembuatan Informasi", "Kesalahan"),
    ]
    links = [c.hyperlink.location for c in wb[LIST_SHEET]["B"][4:9]]
    assert links == [f"'Form DIP'!{r[1]}" for r in rows]


def test_text_that_looks_like_a_formula_stays_text_in_the_list(tmp_path: Path) -> None:
    form = Form(rows=[good_row(1, ringkasan="=1+2")])
    form.rows[0][11] = "javascript:x"
    report = validate_file(write_form(form, tmp_path / "f.xlsx"))
    out = write_corrected_copy(report, tmp_path)
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_fixing_the_marked_cells_makes_the_copy_pass(tmp_path: Path) -> None:
    report = validate_file(write_form(bad_form(), tmp_path / "f.xlsx"))
    out = write_corrected_copy(report, tmp_path / "out")
    wb = openpyxl.load_workbook(out)
    ws = wb["Form DIP"]
    ws["C4"] = "Siti"
    ws["I10"] = "Berkala"
    ws["N10"] = "https://kpu.go.id"
    ws["B11"] = "Laporan Kinerja 2024"
    ws["E11"] = "2024"
    wb.save(out)
    again = validate_file(out)
    assert again.ok, [(f.cell, f.type) for f in again.errors]
    assert again.rows == 3 and again.warnings == ()


def test_a_copy_rejected_again_loses_its_old_marks(tmp_path: Path) -> None:
    report = validate_file(write_form(bad_form(), tmp_path / "f.xlsx"))
    first = write_corrected_copy(report, tmp_path / "1")
    wb = openpyxl.load_workbook(first)
    wb["Form DIP"]["I10"] = "Berkala"
    wb.save(first)
    second = write_corrected_copy(validate_file(first), tmp_path / "2")
    assert second.name == "f-koreksi.xlsx"
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count(LIST_SHEET) == 1
    assert wb["Form DIP"]["I10"].comment is None
    assert wb["Form DIP"]["I10"].fill.fgColor.rgb != BAD_FILL
    assert wb["Form DIP"]["N10"].comment is not None


def test_whole_file_problems_come_first(tmp_path: Path) -> None:
    form = bad_form()
    form.meta = [m for m in form.meta if m[0] != "Unit Kerja / Subbagian"]
    report = validate_file(write_form(form, tmp_path / "f.xlsx"))
    rows = list_rows(write_corrected_copy(report, tmp_path))
    assert (rows[0][1], rows[0][3]) == ("-", "Unit Kerja / Subbagian")
    assert rows[0][5].startswith("'Unit Kerja / Subbagian' tidak ditemukan di atas tabel.")


def test_same_report_gives_identical_bytes(tmp_path: Path) -> None:
    report = validate_file(write_form(bad_form(), tmp_path / "f.xlsx"))
    a = write_corrected_copy(report, tmp_path / "a").read_bytes()
    b = write_corrected_copy(report, tmp_path / "b").read_bytes()
    assert a == b


@pytest.mark.parametrize("name", ["encrypted", "truncated", "macro-bin", "csv"])
def test_unreadable_file_gets_a_fresh_list_workbook(name: str, tmp_path: Path) -> None:
    case = BY_NAME_REFUSED[name]
    report = validate_file(write_refused(case, tmp_path))
    out = write_corrected_copy(report, tmp_path / "out")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [LIST_SHEET]
    rows = list_rows(out)
    assert len(rows) == 1 and rows[0][5] == report.errors[0].message
    assert write_corrected_copy(report, tmp_path / "again").read_bytes() == out.read_bytes()


def test_official_blank_form_keeps_dropdowns_names_and_hidden_lists(tmp_path: Path, config) -> None:
    import datetime as dt
    import warnings

    from ppid_batch.forms.blank import write_blank_form

    blank = write_blank_form(tmp_path / "blank.xlsx", config.form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(blank)
    ws = wb["Form DIP"]
    ws["C4"], ws["C5"], ws["C7"] = "Subbagian Hukum", "Andi", dt.date(2025, 5, 2)
    for col, value in enumerate(good_row(1, jenis="Rahasia"), start=1):
        ws.cell(row=11, column=col, value=value)
    wb.save(blank)
    report = validate_file(blank)
    assert [(f.cell, f.field, f.type) for f in report.errors] == [("I11", "jenis", "choice")]
    out = write_corrected_copy(report, tmp_path / "out")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        marked = openpyxl.load_workbook(out)
    assert marked.sheetnames == [LIST_SHEET, "Form DIP", "Panduan", "Pilihan"]
    assert marked["Pilihan"].sheet_state == "hidden"
    assert sorted(marked.defined_names) == [
        "Pilihan_bentuk", "Pilihan_dasar_pengecualian", "Pilihan_jenis", "Pilihan_retensi",
        "Pilihan_tindakan",
    ]  # fmt: skip
    assert len(marked["Form DIP"].data_validations.dataValidation) == len(
        wb["Form DIP"].data_validations.dataValidation
    )
    marked["Form DIP"]["I11"] = "Berkala"
    marked.save(out)
    assert validate_file(out).ok


def assert_prints_on_a4_landscape(ws) -> None:
    """The list prints A4 landscape, one page wide, its header row on every page."""
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # xlsxwriter leaves out fitToWidth when it is 1, the default of the format
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$4:$4"
    assert ws.oddFooter.right.text == "Halaman &P dari &N"


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_list_sheet_is_set_up_for_printing(writer: str, tmp_path: Path) -> None:
    src = write_form(bad_form(), tmp_path / "Form R&D.xlsx", writer)
    out = write_corrected_copy(validate_file(src), tmp_path / "out")
    ws = openpyxl.load_workbook(out)[LIST_SHEET]
    assert_prints_on_a4_landscape(ws)
    assert ws.page_setup.fitToWidth == 1
    assert ws.oddFooter.left.text == "Daftar Kesalahan: Form R&&D.xlsx"  # '&' is a footer code
    assert ws.column_dimensions["F"].width > ws.column_dimensions["E"].width > 20
    rows = list_rows(out)
    heights = {r: ws.row_dimensions[r].height for r in range(5, 5 + len(rows))}
    # the Jenis Informasi message (about 90 characters) wraps in column F; 'Nama Petugas
    # wajib diisi.' does not and keeps the default height
    long_row = next(n for n, r in enumerate(rows, 5) if r[1] == "I10")
    short_row = next(n for n, r in enumerate(rows, 5) if r[1] == "C4")
    assert heights[long_row] is not None and heights[long_row] > 15
    assert heights[short_row] is None
    assert ws.row_dimensions[2].height > 15  # the instructions wrap across the merged A2:G2
    assert "A2:G2" in {str(r) for r in ws.merged_cells.ranges}


def test_clerks_own_sheet_keeps_its_layout(tmp_path: Path) -> None:
    """Their titles, footer and row heights stay; only the print area shrinks to what is
    filled, one page wide (a sheet without a print setup gets A4 landscape)."""
    src = write_form(bad_form(), tmp_path / "f.xlsx", "openpyxl")
    before = openpyxl.load_workbook(src)["Form DIP"]
    after = openpyxl.load_workbook(write_corrected_copy(validate_file(src), tmp_path / "o"))
    form = after["Form DIP"]
    assert form.page_setup.orientation == before.page_setup.orientation or "landscape"
    assert form.print_title_rows == before.print_title_rows
    assert form.oddFooter.right.text == before.oddFooter.right.text
    assert {k: d.height for k, d in form.row_dimensions.items() if d.height} == {
        k: d.height for k, d in before.row_dimensions.items() if d.height
    }


def test_fresh_list_workbook_is_set_up_for_printing(tmp_path: Path) -> None:
    report = validate_file(write_refused(BY_NAME_REFUSED["truncated"], tmp_path))
    ws = openpyxl.load_workbook(write_corrected_copy(report, tmp_path / "out"))[LIST_SHEET]
    assert_prints_on_a4_landscape(ws)
    assert ws.oddFooter.left.text.startswith("Daftar Kesalahan: ")
    assert ws.row_dimensions[5].height > 15  # the refusal explains what to do: it wraps


def _filled_official_form(tmp_path: Path, config, rows: int) -> Path:
    import datetime as dt
    import warnings

    from ppid_batch.forms.blank import write_blank_form

    blank = write_blank_form(tmp_path / "Form-DIP-Hukum.xlsx", config.form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(blank)
    ws = wb["Form DIP"]
    ws["C4"], ws["C5"], ws["C7"] = "Subbagian Hukum", "Andi", dt.date(2025, 5, 2)
    long = (
        "Keputusan KPU Kabupaten Mesuji tentang Penetapan Daftar Pemilih Tetap Pemilihan "
        "Bupati dan Wakil Bupati Mesuji Tahun 2024 beserta lampiran rekapitulasi per kecamatan"
    )
    for n in range(rows):
        jenis = "Rahasia" if n == 1 else "Berkala"
        for col, value in enumerate(good_row(n + 1, ringkasan=f"{long} ({n + 1})", jenis=jenis), 1):
            ws.cell(row=11 + n, column=col, value=value)
    wb.save(blank)
    return blank


def test_the_marked_form_prints_its_filled_rows_only_each_as_tall_as_its_text(
    tmp_path: Path, config
) -> None:
    src = _filled_official_form(tmp_path, config, rows=3)
    report = validate_file(src)
    assert [f.cell for f in report.errors] == ["I12"]
    form = openpyxl.load_workbook(write_corrected_copy(report, tmp_path / "out"))["Form DIP"]
    # The blank form's 200 prepared rows are not printed: the area ends at the last item.
    assert form.print_area.endswith("$13")
    assert form.sheet_properties.pageSetUpPr.fitToPage is True
    assert (form.page_setup.fitToWidth, form.page_setup.fitToHeight) in ((1, 0), (None, 0))
    # A ringkasan of ~170 characters in a column about 40 wide takes five lines or so.
    for r in (11, 12, 13):
        assert form.row_dimensions[r].height >= 4 * 12.75
    assert form.row_dimensions[14].height in (None, form.row_dimensions[40].height)


def test_a_row_is_as_tall_as_its_words_wrap_not_its_letters(tmp_path: Path) -> None:
    """The example form's Pejabat column (28 wide) holds 'Subbagian Teknis Penyelenggaraan
    Pemilu dan Hukum': 49 letters fit two lines, but wrapped word by word it is three, and
    a two-line row printed without 'Hukum'. The header row above the items wraps too."""
    src = ROOT / "ppid_batch" / "examples" / "Form-DIP-Hukum-perlu-koreksi.xlsx"
    out = write_corrected_copy(validate_file(src), tmp_path / "out")
    form = openpyxl.load_workbook(out)["Sheet1"]
    rows = [r for r in range(10, 18) if str(form.cell(r, 3).value).endswith("Pemilu dan Hukum")]
    assert len(rows) == 8 and form.column_dimensions["C"].width == 28
    for r in rows:
        assert form.row_dimensions[r].height >= 3 * 12.75, r
    # and its header row, whose 'Jangka Waktu Penyimpanan atau Retensi Arsip' wraps in three
    assert form.cell(9, 2).value == "Ringkasan Isi Informasi"
    assert form.row_dimensions[9].height >= 3 * 12.75


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_correction_copy_prints_on_a_page_or_two_not_five(tmp_path: Path, config) -> None:
    import subprocess

    from pypdf import PdfReader

    src = _filled_official_form(tmp_path, config, rows=3)
    out = write_corrected_copy(validate_file(src), tmp_path / "out")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(out)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pages = len(PdfReader(tmp_path / "pdf" / f"{out.stem}.pdf").pages)
    # Daftar Kesalahan (1 page) + the marked form (1 page); before: 5+ pages of empty rows.
    assert 2 <= pages <= 3, pages
