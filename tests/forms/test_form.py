"""The blank Form Daftar Informasi Publik: generated from the schema, hard to fill wrongly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from ppid_batch.cli import cli
from ppid_batch.config import Config
from ppid_batch.forms.blank import (
    BLANK_ROWS,
    DEFAULT_FORM_NAME,
    GUIDE_SHEET,
    LISTS_SHEET,
    MAX_PROMPT_TEXT,
    MAX_PROMPT_TITLE,
    VERSION_LABEL,
    build_blank_form,
    fit,
    form_name,
    header_row,
    list_name,
    write_blank_form,
)
from ppid_batch.forms.schema import for_office, form_schema
from ppid_batch.forms.validate import validate_file
from ppid_batch.vocabulary import Vocabulary

# The form as the project's ppid.toml shapes it: the office's town in the examples, its
# bentuk set and retention wording as choices.
SCHEMA = for_office(form_schema(), "Mesuji", Vocabulary())
FIELDS = SCHEMA.blank_form_fields
HEADER = header_row(SCHEMA) + 1  # Excel row number
UNIT = "Teknis Penyelenggaraan Pemilu dan Hukum"


@pytest.fixture
def blank(config: Config, tmp_path: Path) -> Path:
    return write_blank_form(tmp_path / "Form-DIP.xlsx", config.form, unit=UNIT)


@pytest.fixture
def book(blank: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(blank)


def column_of(key: str) -> str:
    return get_column_letter(1 + [f.key for f in FIELDS].index(key))


def meta_cell(ws, label: str):
    """The value cell right of a metadata label on the form sheet."""
    for row in ws.iter_rows(max_row=HEADER):
        for cell in row:
            if cell.value == label:
                return ws.cell(cell.row, cell.column + 1)
    raise AssertionError(f"no label {label!r}")


# ---------------------------------------------------------------- what the clerk sees


def test_sheets_and_hidden_lists(book) -> None:
    assert book.sheetnames == [SCHEMA.sheet_name, GUIDE_SHEET, LISTS_SHEET]
    assert [ws.sheet_state for ws in book] == ["visible", "visible", "hidden"]
    assert book.active.title == SCHEMA.sheet_name


def test_title_rows_carry_the_office_name(book, config: Config) -> None:
    ws = book[SCHEMA.sheet_name]
    assert ws["A1"].value == "FORM DAFTAR INFORMASI PUBLIK"
    assert ws["A2"].value == config.office.nama_satker.upper()


def test_header_row_is_the_schema(book) -> None:
    ws = book[SCHEMA.sheet_name]
    assert [c.value for c in ws[HEADER]] == [f.label for f in FIELDS]
    # Tindakan Ubah/Hapus name the item they change: both columns are on the blank form
    assert [c.value for c in ws[HEADER]][-2:] == ["Tindakan", "ID Informasi"]
    for cell in ws[HEADER]:
        assert cell.alignment.wrap_text and cell.font.bold
    for index, f in enumerate(FIELDS, start=1):
        (dim,) = [d for d in ws.column_dimensions.values() if d.min <= index <= d.max]
        assert dim.width == pytest.approx(f.width + 0.71, abs=0.01), f.key


def test_metadata_block_label_then_value(book) -> None:
    ws = book[SCHEMA.sheet_name]
    assert meta_cell(ws, "Unit Kerja / Subbagian").value == UNIT
    for meta in SCHEMA.metadata[1:]:
        cell = meta_cell(ws, meta.label)
        assert cell.value is None
        assert cell.number_format == "@"  # an 18-digit NIP must stay text
    assert meta_cell(ws, VERSION_LABEL).value == SCHEMA.version


def test_no_unit_leaves_it_blank(config: Config, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_blank_form(tmp_path / "x.xlsx", config.form))[
        SCHEMA.sheet_name
    ]
    assert meta_cell(ws, "Unit Kerja / Subbagian").value is None


def test_dropdowns_use_named_ranges_on_the_hidden_sheet(book) -> None:
    ws = book[SCHEMA.sheet_name]
    lists = book[LISTS_SHEET]
    first, last = HEADER + 1, HEADER + BLANK_ROWS
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    choice_fields = [f for f in FIELDS if f.choices]
    assert [f.key for f in choice_fields] == ["bentuk", "retensi", "jenis", "tindakan"]
    for field in choice_fields:
        col = column_of(field.key)
        dv = by_range[f"{col}{first}:{col}{last}"]
        assert dv.type == "list"
        assert dv.formula1 == list_name(field)
        if field.type == "retensi":
            # the office's wording is offered; '5 Tahun' typed by hand stays allowed
            assert dv.errorStyle == "information"
        else:
            assert dv.errorStyle in (None, "stop") and dv.showErrorMessage  # None means stop
        defined = book.defined_names[list_name(field)]
        ((sheet, ref),) = defined.destinations
        assert sheet == LISTS_SHEET
        values = [c.value for row in lists[ref.replace("$", "")] for c in row]
        assert values == list(field.choice_values)
    # the legal basis: Pasal 17 huruf a–j offered, another law's text still accepted
    col = column_of("dasar_pengecualian")
    dv = by_range[f"{col}{first}:{col}{last}"]
    assert dv.type == "list" and dv.errorStyle == "information"
    ((_, ref),) = book.defined_names["Pilihan_dasar_pengecualian"].destinations
    names = [c.value for row in lists[ref.replace("$", "")] for c in row]
    assert names[7] == "Pasal 17 huruf h UU 14/2008 (rahasia pribadi)"


def test_every_column_and_metadata_cell_has_its_help(book) -> None:
    ws = book[SCHEMA.sheet_name]
    prompts = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    first, last = HEADER + 1, HEADER + BLANK_ROWS
    for field in FIELDS:
        col = column_of(field.key)
        dv = prompts[f"{col}{first}:{col}{last}"]
        assert dv.showInputMessage
        assert len(dv.promptTitle) <= MAX_PROMPT_TITLE and len(dv.prompt) <= MAX_PROMPT_TEXT
        assert dv.promptTitle == fit(field.label, MAX_PROMPT_TITLE)
        assert field.help[:40] in dv.prompt
        assert dv.prompt.startswith("Wajib diisi.") is field.required
    for meta in SCHEMA.metadata:
        assert prompts[meta_cell(ws, meta.label).coordinate].promptTitle == meta.label


def test_rows_are_preformatted_as_text(book) -> None:
    ws = book[SCHEMA.sheet_name]
    for row in (HEADER + 1, HEADER + BLANK_ROWS):
        assert all(c.number_format == "@" for c in ws[row])
        assert ws.cell(row, 1).border.left.style == "thin"


def test_print_setup_and_frozen_panes(book) -> None:
    ws = book[SCHEMA.sheet_name]
    assert ws.freeze_panes == f"C{HEADER + 1}"
    assert ws.print_title_rows == f"${HEADER}:${HEADER}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight == 0  # one page wide, as many pages tall as needed
    assert ws.print_area == f"'{SCHEMA.sheet_name}'!$A$1:$Q${HEADER + BLANK_ROWS}"


def test_guide_sheet_is_generated_from_the_same_help(book) -> None:
    ws = book[GUIDE_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    for field in (*SCHEMA.metadata, *FIELDS):
        assert field.label in texts
        assert field.help in texts
    # the worked example row: the header and one filled row right under it
    header = next(r for r in ws.iter_rows() if r[0].value == "No")
    example = ws[header[0].row + 1]
    assert [c.value for c in header] == [f.label for f in FIELDS]
    got = {f.key: c.value for f, c in zip(FIELDS, example, strict=True)}
    assert got["no"] == "1"
    for field in FIELDS:
        if field.example:
            assert got[field.key] == field.example
    assert got["jenis"] in SCHEMA.field("jenis").choice_values
    assert ", ".join(SCHEMA.field("bentuk").choice_values) in texts
    # a conditionally required column names its condition by the header the clerk sees
    assert "Bila Jenis Informasi Dikecualikan" in texts


def test_prompt_fits_excel_limits() -> None:
    long = "Penanggung Jawab Pembuatan atau Penerbitan Informasi"
    assert fit(long, 32) == "Penanggung Jawab Pembuatan…"
    assert fit("Jenis Informasi", 32) == "Jenis Informasi"
    assert len(fit("kata " * 100, 255)) <= 255


def test_same_inputs_give_identical_bytes(config: Config) -> None:
    assert build_blank_form(config.form, unit=UNIT) == build_blank_form(config.form, unit=UNIT)
    assert build_blank_form(config.form, unit=UNIT) != build_blank_form(config.form)


# ---------------------------------------------------------------- filled as a clerk would


ROWS = [
    ("1", "Laporan Realisasi Anggaran Semester I Tahun 2025",
     "Subbagian Keuangan, Umum dan Logistik", "Kepala Subbagian Keuangan, Umum dan Logistik",
     "Juli 2025", "Mesuji", "Softcopy dan Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif",
     "Berkala", None, None, None, None, "https://jdih.kpu.go.id/", None, None, None),
    ("2", "Salinan DPT Pemilihan 2024 dengan NIK dan NKK lengkap",
     "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum",
     "Kepala Subbagian Teknis Penyelenggaraan Pemilu dan Hukum", "20/09/2024", "Mesuji",
     "Softcopy", "5 Tahun", "Dikecualikan", "Pasal 17 huruf h UU Nomor 14 Tahun 2008",
     "Data pribadi pemilih terbuka", "Selama data pemilih berlaku", None,
     "Lemari Arsip Subbag Hukum, Rak 2", None, None, None),
]  # fmt: skip


def fill_like_a_clerk(blank: Path, target: Path) -> Path:
    wb = openpyxl.load_workbook(blank)
    ws = wb[SCHEMA.sheet_name]
    meta_cell(ws, "Nama Petugas").value = "Ahmad Fauzi, S.H."
    meta_cell(ws, "NIP").value = "19900312 201403 1 002"
    meta_cell(ws, "Tanggal Pengisian").value = "10 November 2026"
    for offset, values in enumerate(ROWS, start=1):
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(HEADER + offset, col).value = value
    wb.save(target)
    return target


def test_filled_form_keeps_what_the_clerk_typed(blank: Path, tmp_path: Path) -> None:
    filled = fill_like_a_clerk(blank, tmp_path / "terisi.xlsx")
    rows = CalamineWorkbook.from_path(str(filled)).get_sheet_by_name(SCHEMA.sheet_name).to_python()
    labels = [r[1] for r in rows[: HEADER - 1]]
    values = dict(zip(labels, [r[2] for r in rows[: HEADER - 1]], strict=True))
    assert values["Unit Kerja / Subbagian"] == UNIT
    assert values["NIP"] == "19900312 201403 1 002"
    assert values[VERSION_LABEL] == SCHEMA.version
    assert tuple(rows[HEADER - 1]) == tuple(f.label for f in FIELDS)
    assert [tuple(v if v != "" else None for v in r) for r in rows[HEADER : HEADER + 2]] == ROWS
    # the dropdowns and hidden list survive a save by another program
    again = openpyxl.load_workbook(filled)
    assert set(again.defined_names) == {
        "Pilihan_bentuk", "Pilihan_retensi", "Pilihan_jenis", "Pilihan_dasar_pengecualian",
        "Pilihan_tindakan",
    }  # fmt: skip
    assert again[LISTS_SHEET].sheet_state == "hidden"


def test_filled_blank_form_validates(blank: Path, tmp_path: Path) -> None:
    report = validate_file(fill_like_a_clerk(blank, tmp_path / "terisi.xlsx"))
    assert report.kind == "form_dip"
    assert [(f.cell, f.field, f.type) for f in report.errors] == []
    assert report.sheet == SCHEMA.sheet_name
    assert report.meta["unit"] == UNIT
    assert report.meta["nip"] == "199003122014031002"
    assert report.meta["tanggal_pengisian"] == dt.date(2026, 11, 10)
    assert [i["ringkasan"] for i in report.items] == [r[1] for r in ROWS]
    first, second = report.items
    assert (first["waktu_pembuatan"], second["waktu_pembuatan"]) == ("2025-07", "2024-09-20")
    assert second["jenis"] == "Dikecualikan"
    assert first["_row"] == HEADER + 1


def test_the_untouched_blank_form_has_no_items(blank: Path) -> None:
    report = validate_file(blank)
    assert report.kind == "form_dip"
    assert report.items == ()


# ---------------------------------------------------------------- the command


def test_form_command_writes_the_default_name(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["form", "-w", str(workspace), "--unit", f"  {UNIT} "])
    assert result.exit_code == 0, result.output
    # Named after the unit, as in any folder: a second unit's form lands beside it.
    target = Path(form_name(UNIT))
    assert target.name.startswith("Form-Daftar-Informasi-Publik-") and target.suffix == ".xlsx"
    assert result.stdout == (
        f"Formulir kosong ditulis: {target}\n"
        "Bagikan ke tim penghubung; setelah diisi, taruh berkasnya di folder input/.\n"
    )
    ws = openpyxl.load_workbook(tmp_path / target)[SCHEMA.sheet_name]
    assert meta_cell(ws, "Unit Kerja / Subbagian").value == UNIT


def test_form_command_into_a_folder(workspace: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["form", "-w", str(workspace), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / DEFAULT_FORM_NAME).is_file()
    assert result.output.startswith(f"Formulir kosong ditulis: {tmp_path / DEFAULT_FORM_NAME}\n")
    rows = CalamineWorkbook.from_path(str(tmp_path / DEFAULT_FORM_NAME)).get_sheet_by_name(
        SCHEMA.sheet_name
    )
    assert rows.to_python()[HEADER - 1][: len(FIELDS)] == [f.label for f in FIELDS]


def test_form_command_never_overwrites_silently(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "Form-DIP-Hukum.xlsx"
    target.write_bytes(b"isian petugas")
    args = ["form", "-w", str(workspace), "-o", str(target)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Galat: {target} sudah ada; pilih nama lain dengan -o atau tambahkan --timpa "
        "untuk menimpanya.\n"
    )
    assert target.read_bytes() == b"isian petugas"
    result = CliRunner().invoke(cli, [*args, "--timpa"])
    assert result.exit_code == 0
    assert openpyxl.load_workbook(target).sheetnames[0] == SCHEMA.sheet_name


def test_form_command_wants_xlsx(workspace: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["form", "-w", str(workspace), "-o", str(tmp_path / "f.xls")])
    assert result.exit_code == 2
    assert result.stderr == "Galat: Nama berkas formulir harus berakhiran .xlsx (bukan 'f.xls').\n"
    assert not (tmp_path / "f.xls").exists()


def test_write_leaves_no_temp_files(config: Config, tmp_path: Path) -> None:
    write_blank_form(tmp_path / "baru" / "a.xlsx", config.form)
    assert [p.name for p in (tmp_path / "baru").iterdir()] == ["a.xlsx"]
