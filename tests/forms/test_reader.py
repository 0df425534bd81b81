"""The reader: header row by labels, metadata by label, kind by title/header, provenance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from badfiles import APPROVAL_HEADER, HEADER, Form, approval, good_row, write_form

from ppid_batch.forms.reader import column_letter, find_header, read_sheet


def read(path: Path):
    return read_sheet(path.read_bytes())


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (16383, "XFD")])
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_header_found_below_title_and_metadata_with_columns_mapped(tmp_path: Path) -> None:
    sr = read(write_form(Form(), tmp_path / "f.xlsx"))
    assert (sr.schema.kind, sr.sheet, sr.header_row) == ("form_dip", "Form DIP", 7)
    assert sr.columns["jenis"] == 8 and sr.columns["ringkasan"] == 1
    assert [r for r, _ in sr.rows] == [8, 9]
    assert sr.meta["unit"] == ("Subbagian Keuangan, Umum dan Logistik", "C3")
    assert sr.meta["tanggal_pengisian"] == (dt.date(2025, 5, 2), "C6")


def test_labels_match_ignoring_case_spacing_breaks_and_punctuation(tmp_path: Path) -> None:
    form = Form()
    form.header = [h.upper().replace(" ", "  ").replace("/", " / ") + " :" for h in HEADER]
    form.header[1] = "Ringkasan\nIsi Informasi*"
    sr = read(write_form(form, tmp_path / "f.xlsx"))
    assert set(sr.columns) >= {"ringkasan", "penguasa", "jenis", "tautan"}
    assert sr.findings == []


def test_metadata_label_and_value_in_one_cell_and_without_colon(tmp_path: Path) -> None:
    form = Form(
        meta=[
            ["Unit Kerja: Subbagian Hukum"],
            ["Nama Petugas", "Andi"],
            ["Tanggal Pengisian", "", ""],
        ]
    )
    sr = read(write_form(form, tmp_path / "f.xlsx"))
    assert sr.meta["unit"] == (" Subbagian Hukum", "A3")
    assert sr.meta["petugas"] == ("Andi", "B4")
    assert sr.meta["tanggal_pengisian"] == ("", "B5")
    assert "nip" not in sr.meta


def test_form_is_first_visible_matching_sheet(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Panduan").write_row(0, 0, ["Petunjuk", "Isi kolom berikut:"])
    hidden = wb.add_worksheet("Daftar")
    hidden.write_row(0, 0, HEADER)  # a hidden sheet of lists is never the form
    hidden.hide()
    form = wb.add_worksheet("Isian")
    form.write_row(0, 0, ["Tanggal Pengisian", "02/05/2025"])
    form.write_row(2, 0, HEADER)
    form.write_row(3, 0, good_row(1))
    wb.close()
    sr = read(path)
    assert (sr.sheet, sr.header_row, [r for r, _ in sr.rows]) == ("Isian", 2, [3])


def test_approval_sheet_recognised_by_header(tmp_path: Path) -> None:
    form = approval([["DIP-2025-0001", "Hukum", "Isi", "Berkala", "YA", ""]])
    form.title = "Judul lain"
    sr = read(write_form(form, tmp_path / "a.xlsx"))
    assert sr.schema.kind == "persetujuan"
    assert sr.columns == {
        "id": 0,
        "unit": 1,
        "ringkasan": 2,
        "jenis": 3,
        "persetujuan": 4,
        "arahan": 5,
    }


def test_approval_title_decides_when_header_is_ambiguous() -> None:
    header = ["ID Informasi", *HEADER[1:], "Persetujuan Atasan PPID"]
    rows = [header]
    assert find_header(rows)[0].kind == "form_dip"
    titled = [["LEMBAR PERSETUJUAN ATASAN PPID"], header]
    schema, row = find_header(titled)
    assert (schema.kind, row) == ("persetujuan", 1)


def test_form_with_id_and_approval_column_stays_a_form(tmp_path: Path) -> None:
    form = Form()
    keep = [i for i, h in enumerate(form.header) if h != "ID Informasi"]
    form.header = ["ID Informasi", *(form.header[i] for i in keep), "Persetujuan Atasan PPID"]
    form.rows = [["DIP-2025-0001", *(r[i] for i in keep), ""] for r in form.rows]
    sr = read(write_form(form, tmp_path / "f.xlsx"))
    assert sr.schema.kind == "form_dip"
    assert sr.columns["id"] == 0 and sr.columns["persetujuan"] == len(form.header) - 1


def test_table_ends_at_last_non_blank_row_and_skips_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form DIP"
    ws.append(HEADER)
    ws.append(good_row(1))
    ws.append([])
    ws.append(["\u00a0", " "])  # only spaces: blank
    ws.append(good_row(2))
    ws.cell(row=40, column=1).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    wb.save(path)
    sr = read(path)
    assert [r + 1 for r, _ in sr.rows] == [2, 5]


def test_no_matching_sheet(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write_row(0, 0, ["Ringkasan Isi Informasi", "Jenis Informasi", "x"])
    wb.close()
    assert read(path) is None


def test_approval_header_constants_match_schema() -> None:
    from ppid_batch.forms.schema import approval_schema

    labels = {f.label for f in approval_schema().fields}
    assert set(APPROVAL_HEADER) <= labels
