"""Forms as offices really type them: merged cells, two-row headers with tick
sub-columns, metadata further right, closing signature blocks, LibreOffice .ods.

Every layout is written by openpyxl and xlsxwriter here, and was saved by LibreOffice Calc
into tests/fixtures/ods/ (`python tests/layouts.py`); all three must read the same.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from badfiles import HEADER, good_row
from layouts import LAYOUTS, ODS_FIXTURES, WRITERS, Layout, convert, soffice, standard

from ppid_batch.forms.feedback import LIST_SHEET, write_corrected_copy
from ppid_batch.forms.reader import Grid, is_mark, read_sheet, ticked_value
from ppid_batch.forms.schema import form_schema
from ppid_batch.forms.validate import validate_file
from ppid_batch.models import SheetReport

BOTH, SOFT, HARD = "Softcopy dan Hardcopy", "Softcopy", "Hardcopy"
HALF_FILLED = [(f"{c}12", "required") for c in "DEFGHI"]

# layout → (item rows, errors, warnings, bentuk per item or None)
EXPECTED: dict[str, tuple[list[int], list[tuple[str, str]], list[tuple[str, str]], list | None]] = {
    "merged-tempat": ([9, 10, 11, 12, 13], [], [], None),
    "merged-past-last-item": ([9, 10], [], [], None),
    "merged-across-columns": ([9, 10], [("C10", "merged_cells"), ("D10", "required")], [], None),
    "wide-merged-cells": ([9, 10], [], [], None),
    "metadata-layouts": ([9, 10], [], [], None),
    "signature-block": ([9, 10, 11], [], [("I13", "closing_block")], None),
    "two-signers": ([9, 10], [], [("B12", "closing_block")], None),
    "half-filled-then-signature": ([9, 10, 11, 12], HALF_FILLED, [("I13", "closing_block")], None),
    "two-row-header": ([11, 12, 13, 14], [], [], [BOTH, SOFT, HARD, SOFT]),
    "two-row-header-cetak-rekam-online": ([11, 12, 13, 14], [], [], [BOTH, SOFT, SOFT, HARD]),
    "group-row-above": ([11, 12, 13, 14], [], [], [BOTH, SOFT, HARD, SOFT]),
    "unmerged-group": ([11, 12, 13, 14], [], [], [BOTH, SOFT, HARD, SOFT]),
    "jenis-headings": (
        [10, 11, 13, 15],
        [],
        [("A9", "section_heading"), ("A12", "section_heading"), ("A14", "section_heading")],
        None,
    ),
}
SOURCES = ["openpyxl", "xlsxwriter", "libreoffice-ods"]


def make(name: str, source: str, tmp_path: Path) -> Path:
    if source == "libreoffice-ods":
        return ODS_FIXTURES / f"{name}.ods"
    return WRITERS[source](LAYOUTS[name](), tmp_path / f"{name}.xlsx")


def flat(findings) -> list[tuple[str | None, str]]:
    return [(f.cell, f.type) for f in findings]


def test_every_layout_has_its_libreoffice_fixture() -> None:
    assert set(EXPECTED) == set(LAYOUTS)
    assert {p.stem for p in ODS_FIXTURES.glob("*.ods")} == set(LAYOUTS)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_layout_reads_as_the_clerk_sees_it(name: str, source: str, tmp_path: Path) -> None:
    rows, errors, warnings, bentuk = EXPECTED[name]
    report = validate_file(make(name, source, tmp_path))
    assert [item["_row"] for item in report.items] == rows
    assert flat(report.errors) == errors
    assert flat(report.warnings) == warnings
    assert report.meta["unit"] == "Subbagian Hukum"
    assert report.meta["petugas"] == "Siti Rahmawati"
    assert report.meta["tanggal_pengisian"] == dt.date(2025, 5, 2)
    full = [item for item in report.items if item["_row"] not in {12} or not errors]
    assert all(item["tempat_pembuatan"] == "Mesuji" for item in full)
    assert all(item["waktu_pembuatan"] == "2024-04" for item in full)
    if bentuk is not None:
        assert [item["bentuk"] for item in report.items] == bentuk


@pytest.mark.parametrize("source", SOURCES)
def test_merged_value_counts_for_every_row_of_the_range(source: str, tmp_path: Path) -> None:
    report = validate_file(make("merged-tempat", source, tmp_path))
    assert report.ok
    assert {item["jenis"] for item in report.items} == {"Berkala"}
    # the cell a finding on row 12 would name is the row's own cell, not the range's first
    assert report.items[3]["_cells"]["tempat_pembuatan"] == "F12"


@pytest.mark.parametrize("source", SOURCES)
def test_merge_across_two_columns_says_to_split_it(source: str, tmp_path: Path) -> None:
    report = validate_file(make("merged-across-columns", source, tmp_path))
    merged = report.errors[0]
    assert merged.sheet == "Form DIP" and merged.row == 10
    assert "Pisahkan sel gabungan C10:D10" in merged.message
    assert "'Pejabat/Unit/Satuan Kerja yang Menguasai Informasi'" in merged.message
    assert "'Penanggung Jawab Pembuatan atau Penerbitan Informasi'" in merged.message


@pytest.mark.parametrize("source", SOURCES)
def test_metadata_value_is_first_non_blank_cell_right_of_label(source: str, tmp_path: Path) -> None:
    path = make("metadata-layouts", source, tmp_path)
    sr = read_sheet(path.read_bytes())
    assert sr.meta["unit"] == ("Subbagian Hukum", "D3")  # label merged A3:B3, C3 blank
    assert sr.meta["petugas"] == ("Siti Rahmawati", "C4")  # ': Siti Rahmawati' in one cell
    assert sr.meta["nip"] == ("19860926 201505 1 001", "E5")  # value merged E5:G5
    assert sr.meta["tanggal_pengisian"][1] == "E6"  # label merged, blank, ':', blank, value


def test_next_label_on_the_row_ends_the_search(tmp_path: Path) -> None:
    lay = standard()
    for c in "ABC":
        lay.clear(f"{c}3")
        lay.clear(f"{c}5")
    lay.put_row(3, ["Unit Kerja / Subbagian", "", "NIP", "19860926 201505 1 001"])
    sr = read_sheet(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx").read_bytes())
    assert sr.meta["unit"] == ("", "B3")
    assert sr.meta["nip"] == ("19860926 201505 1 001", "D3")
    report = validate_file(tmp_path / "f.xlsx")
    assert ("B3", "required") in flat(report.errors)


@pytest.mark.parametrize("source", SOURCES)
def test_signature_block_is_one_warning_naming_its_rows(source: str, tmp_path: Path) -> None:
    report = validate_file(make("signature-block", source, tmp_path))
    assert report.ok and len(report.items) == 3
    (warning,) = report.warnings
    assert warning.message.startswith("Baris 13–18 di bawah tabel ('Mesuji, 2 Desember 2026' …)")
    assert warning.sheet == "Form DIP"


def test_half_filled_row_above_a_signature_block_is_still_an_error(tmp_path: Path) -> None:
    report = validate_file(make("half-filled-then-signature", "openpyxl", tmp_path))
    assert not report.ok
    assert {f.row for f in report.errors} == {12}


def test_numbered_rows_are_never_taken_for_a_closing_block(tmp_path: Path) -> None:
    """Half-filled numbered rows whose text looks like a jabatan stay items (errors)."""
    lay = standard(rows=2)
    lay.put_row(11, [3, "Kepala Subbagian Hukum"])
    lay.put_row(12, [4, "( Dewi Lestari )"])
    report = validate_file(WRITERS["xlsxwriter"](lay, tmp_path / "f.xlsx"))
    assert [item["_row"] for item in report.items] == [9, 10, 11, 12]
    assert not report.warnings
    assert {f.row for f in report.errors} == {11, 12}


def test_a_lone_note_under_the_table_without_signature_is_an_item(tmp_path: Path) -> None:
    lay = standard(rows=2)
    lay.put_row(12, ["", "Daftar ini belum lengkap"])
    report = validate_file(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx"))
    assert [item["_row"] for item in report.items] == [9, 10, 12]
    assert not report.ok


def test_repeated_header_row_is_skipped_with_a_warning(tmp_path: Path) -> None:
    lay = standard(rows=1)
    lay.put_row(10, HEADER)
    lay.put_row(11, good_row(2))
    report = validate_file(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx"))
    assert report.ok, report.errors
    assert [item["_row"] for item in report.items] == [9, 11]
    assert flat(report.warnings) == [("A10", "repeated_header")]


@pytest.mark.parametrize("numbers", [[1, 2, 3, 4, 5], ["(1)", "(2)", "(3)", "(4)"]])
def test_row_of_column_numbers_under_header_is_not_an_item(numbers, tmp_path: Path) -> None:
    lay = standard(rows=0)
    lay.put_row(9, numbers)
    lay.put_row(10, good_row(1))
    report = validate_file(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx"))
    assert report.ok and [item["_row"] for item in report.items] == [10]


@pytest.mark.parametrize(
    ("value", "marked"),
    [("✓", True), ("√", True), ("v", True), ("x", True), (1, True), ("1", True), ("ada", True),
     ("Ya", True), ("", False), (None, False), ("-", False), (0, False), ("tidak", False),
     (False, False), ("  ", False)],
)  # fmt: skip
def test_any_mark_means_present(value, marked: bool) -> None:
    assert is_mark(value) is marked


@pytest.mark.parametrize(
    ("ticked", "value"),
    [(["Softcopy"], SOFT), (["Hardcopy"], HARD), (["Softcopy", "Hardcopy"], BOTH),
     (["Cetak"], HARD), (["Rekam", "Online"], SOFT), (["Cetak", "Online"], BOTH),
     (["Cetak", "Rekam", "Online"], BOTH), ([], "")],
)  # fmt: skip
def test_ticked_sub_columns_give_one_bentuk(ticked: list[str], value: str) -> None:
    assert ticked_value(form_schema(), "bentuk", ticked) == value


def test_no_tick_is_bentuk_required_at_the_first_tick_cell(tmp_path: Path) -> None:
    lay = LAYOUTS["two-row-header"]()
    lay.clear("H13")  # item 3 had only "x" under Hardcopy (G Softcopy, H Hardcopy)
    report = validate_file(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx"))
    assert flat(report.errors) == [("G13", "required")]
    assert report.errors[0].column == "Bentuk Informasi yang Tersedia"


def test_overlapping_merges_are_refused_not_filled() -> None:
    rows = [["x"] * 10 for _ in range(10)]
    grid = Grid(rows, [((0, 0), (9, 9))] * 5)
    assert grid.overlap


def test_forged_overlapping_merges_in_a_workbook(tmp_path: Path) -> None:
    path = WRITERS["openpyxl"](standard(), tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    merges = b"".join(b'<mergeCell ref="A1:M10"/>' for _ in range(50))
    members[sheet] = members[sheet].replace(
        b"</sheetData>", b'</sheetData><mergeCells count="50">' + merges + b"</mergeCells>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    path.write_bytes(buf.getvalue())
    report = validate_file(path)
    assert flat(report.errors) == [(None, "merged_cells")]
    assert "Pisahkan sel gabungan" in report.errors[0].message


# ---- LibreOffice .ods ------------------------------------------------------------------------


def test_ods_corrected_copy_is_an_xlsx_that_says_so(tmp_path: Path) -> None:
    report = validate_file(ODS_FIXTURES / "merged-across-columns.ods")
    assert not report.ok
    out = write_corrected_copy(report, tmp_path / "a")
    assert out.name == "merged-across-columns-koreksi.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [LIST_SHEET, "Form DIP"]
    intro = wb[LIST_SHEET]["A2"].value
    assert "LibreOffice (.ods)" in intro and "berformat Excel (.xlsx)" in intro
    form = wb["Form DIP"]
    assert form["B9"].value == good_row(1)[1]  # the clerk's values came along
    assert form["C10"].comment is not None and "Pisahkan" in form["C10"].comment.text
    assert "C10:D10" in {str(r) for r in form.merged_cells.ranges}
    again = write_corrected_copy(report, tmp_path / "b")
    assert again.read_bytes() == out.read_bytes()


def test_xlsx_corrected_copy_with_merged_cells_is_marked(tmp_path: Path) -> None:
    report = validate_file(make("merged-across-columns", "openpyxl", tmp_path))
    out = write_corrected_copy(report, tmp_path / "out")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [LIST_SHEET, "Form DIP"]  # the clerk's own workbook, marked
    assert ".ods" not in wb[LIST_SHEET]["A2"].value
    # D10 lies inside the merged C10:D10: its finding is marked on C10, the cell shown
    assert "Penanggung Jawab" in wb["Form DIP"]["C10"].comment.text


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip_reads_the_same(tmp_path: Path) -> None:
    """A fresh LibreOffice save (not the committed fixture) reads as the openpyxl file does."""
    lay: Layout = LAYOUTS["two-row-header"]()
    src = WRITERS["openpyxl"](lay, tmp_path / "two-row-header.xlsx")
    ods_path = convert(src, "ods", tmp_path / "lo")
    a, b = validate_file(src), validate_file(ods_path)
    assert isinstance(b, SheetReport) and b.ok
    strip = [{k: v for k, v in i.items() if k != "_cells"} for i in a.items]
    assert strip == [{k: v for k, v in i.items() if k != "_cells"} for i in b.items]


@pytest.mark.parametrize("source", SOURCES)
def test_jenis_heading_rows_group_the_items_under_them(source: str, tmp_path: Path) -> None:
    report = validate_file(make("jenis-headings", source, tmp_path))
    assert [item["jenis"] for item in report.items] == [
        "Berkala",
        "Berkala",
        "Serta Merta",
        "Setiap Saat",
    ]
    assert report.warnings[1].message.startswith(
        "Baris 12 ('B. Informasi yang Wajib Diumumkan Serta Merta') dibaca sebagai judul "
        "kelompok, bukan informasi"
    )


def test_a_lone_ringkasan_naming_a_jenis_is_a_half_filled_item_not_a_heading(
    tmp_path: Path,
) -> None:
    lay = standard(rows=1)
    lay.put_row(10, ["", "Laporan Berkala Keuangan"])
    report = validate_file(WRITERS["openpyxl"](lay, tmp_path / "f.xlsx"))
    assert [item["_row"] for item in report.items] == [9, 10]
    assert {f.row for f in report.errors} == {10}
    assert not report.warnings


def test_an_item_keeps_its_own_jenis_under_a_heading(tmp_path: Path) -> None:
    lay = LAYOUTS["jenis-headings"]()
    lay.put_row(11, ["Dikecualikan", "Pasal 17 huruf h UU 14/2008"], 8)
    report = validate_file(WRITERS["xlsxwriter"](lay, tmp_path / "f.xlsx"))
    assert [item["jenis"] for item in report.items][:2] == ["Berkala", "Dikecualikan"]


def test_cli_validate_of_an_ods_writes_an_xlsx_correction(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ppid_batch.cli import cli

    out = tmp_path / "koreksi"
    out.mkdir()
    form = ODS_FIXTURES / "merged-across-columns.ods"
    result = CliRunner().invoke(
        cli, ["validate", "--workspace", str(tmp_path), str(form), "--koreksi", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "Pisahkan sel gabungan C10:D10" in result.output
    assert [p.name for p in out.iterdir()] == ["merged-across-columns-koreksi.xlsx"]
    ok = CliRunner().invoke(
        cli,
        [
            "validate",
            "--json",
            "--workspace",
            str(tmp_path),
            str(ODS_FIXTURES / "two-row-header.ods"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert '"ok": true' in ok.output and '"rows": 4' in ok.output
