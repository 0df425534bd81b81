"""Validation of real bad files: each rule of FORM.md gives the exact (cell, field, type) list."""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path

import pytest
from badfiles import (
    APPROVAL_CASES,
    FORM_CASES,
    JENIS_FINDING_JSON,
    REFUSED,
    WRITERS,
    Case,
    Form,
    write_form,
    write_refused,
)
from paths import ROOT

from ppid_batch.forms.schema import form_schema
from ppid_batch.forms.validate import TEMPLATES, validate_file, validate_files
from ppid_batch.models import SheetReport


def flat(findings) -> list[tuple[str | None, str | None, str]]:
    return [(f.cell, f.field, f.type) for f in findings]


# Cases that depend on how a writer stores strings and dates run against every writer.
ALL_WRITERS = {
    "valid",
    "valid-variants",
    "valid-combined",
    "blank-rows-formula",
    "waktu-text",
    "year-min",
    "after-filling",
    "nip-number",
    "tanggal-bad",
    "shuffled",
    "extra-column",
    "duplicate-column",
}
FORM_PARAMS = [
    pytest.param(case, writer, id=f"{case.name}-{writer}")
    for case in FORM_CASES
    for writer in (WRITERS if case.name in ALL_WRITERS else ["xlsxwriter"])
]


@pytest.mark.parametrize(("case", "writer"), FORM_PARAMS)
def test_form_case(case: Case, writer: str, tmp_path: Path) -> None:
    path = write_form(case.form, tmp_path / f"{case.name}.xlsx", writer)
    report = validate_file(path)
    assert flat(report.errors) == case.errors
    if case.warnings:
        assert flat(report.warnings) == case.warnings
    expected_kind = None if case.name == "no-header" else "form_dip"
    assert report.kind == expected_kind


@pytest.mark.parametrize("case", APPROVAL_CASES, ids=lambda c: c.name)
def test_approval_case(case: Case, tmp_path: Path) -> None:
    path = write_form(case.form, tmp_path / f"{case.name}.xlsx")
    report = validate_file(path)
    assert report.kind == "persetujuan"
    assert flat(report.errors) == case.errors
    assert flat(report.warnings) == list(case.warnings)


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused_kind(case, tmp_path: Path) -> None:
    report = validate_file(write_refused(case, tmp_path))
    assert report.path.name == case.filename
    assert report.kind is None
    assert flat(report.errors) == [(None, None, case.type)]
    assert report.items == ()
    assert "kirim kembali" in report.errors[0].message


def test_messages_are_indonesian_and_name_the_column(tmp_path: Path) -> None:
    case = next(c for c in FORM_CASES if c.name == "jenis")
    report = validate_file(write_form(case.form, tmp_path / "f.xlsx"))
    assert report.to_json()["errors"] == [JENIS_FINDING_JSON]


def test_normalised_items_and_meta(tmp_path: Path) -> None:
    case = next(c for c in FORM_CASES if c.name == "valid-variants")
    report: SheetReport = validate_file(write_form(case.form, tmp_path / "v.xlsx", "openpyxl"))
    assert report.ok
    assert report.meta == {
        "unit": "Subbagian Hukum",
        "petugas": "Andi",
        "nip": None,
        "tanggal_pengisian": dt.date(2025, 5, 2),
    }
    picked = [
        {k: item[k] for k in ("waktu_pembuatan", "bentuk", "retensi", "jenis", "konsekuensi")}
        for item in report.items
    ]
    assert picked == [
        {
            "waktu_pembuatan": "2024-04",
            "bentuk": "Softcopy",
            "retensi": "5 Tahun",
            "jenis": "Berkala",
            "konsekuensi": None,
        },
        {
            "waktu_pembuatan": "2025-01-02",
            "bentuk": "Softcopy dan Hardcopy",
            "retensi": "Permanen",
            "jenis": "Dikecualikan",
            "konsekuensi": "Mengungkap data pribadi",
        },
        {
            "waktu_pembuatan": "2024-04",
            "bentuk": "Hardcopy",
            "retensi": "Selama Berlaku",
            "jenis": "Serta Merta",
            "konsekuensi": None,
        },
    ]
    first = report.items[0]
    assert (first["_sheet"], first["_row"], first["_cells"]["jenis"]) == ("Form DIP", 9, "I9")


def test_combined_column_is_split(tmp_path: Path) -> None:
    case = next(c for c in FORM_CASES if c.name == "valid-combined")
    report = validate_file(write_form(case.form, tmp_path / "c.xlsx"))
    got = [
        (i["tempat_pembuatan"], i["waktu_pembuatan"], i["_cells"]["waktu_pembuatan"])
        for i in report.items
    ]
    assert got == [("Mesuji", "2024", "E9"), ("Mesuji", "2025-03", "E10")]


def test_formula_counts_by_cached_value_and_text_formula_stays_text(tmp_path: Path) -> None:
    case = next(c for c in FORM_CASES if c.name == "blank-rows-formula")
    report = validate_file(write_form(case.form, tmp_path / "f.xlsx"))
    assert [(i["_row"], i["ringkasan"]) for i in report.items] == [
        (9, "Laporan Kinerja 2024"),
        (11, "=SUM(1,2) ditulis sebagai teks"),
    ]


def test_openpyxl_formula_without_cached_value_is_blank(tmp_path: Path) -> None:
    """openpyxl saves formulas without a cached value: nothing is computed, the cell is empty."""
    import openpyxl

    path = write_form(Form(), tmp_path / "f.xlsx", "openpyxl")
    wb = openpyxl.load_workbook(path)
    wb["Form DIP"]["B10"] = '="Laporan "&"2024"'
    wb.save(path)
    assert flat(validate_file(path).errors) == [("B10", "ringkasan", "required")]


def test_approval_items(tmp_path: Path) -> None:
    case = APPROVAL_CASES[0]
    report = validate_file(write_form(case.form, tmp_path / "a.xlsx"))
    assert [(i["id"], i["persetujuan"], i["arahan"]) for i in report.items] == [
        ("DIP-2025-0001", "YA", None),
        ("DIP-2025-0002", "TIDAK", "Perbaiki"),
        ("DIP-2025-0003", None, None),
    ]
    assert report.meta == {
        "atasan": "Drs. H. Ahmad",
        "tanggal_persetujuan": dt.date(2025, 6, 2),
        # a hand-made sheet carries no identity: the register check refuses it (verify.py)
        "nomor_lembar": None,
        "tanggal_dibuat": None,
        "kode_keutuhan": None,
    }


def test_every_template_slug_is_documented() -> None:
    doc = (ROOT / "docs" / "validation.md").read_text("utf-8")
    for slug in TEMPLATES:
        assert f"`{slug}`" in doc, slug


def test_validate_files_gives_the_same_reports_as_validate_file(tmp_path: Path) -> None:
    from ppid_batch.forms.validate import validate_files

    names = ["valid", "jenis", "valid-combined", "duplicate-column", "no-header", "required-many"]
    paths = [
        write_form(next(c for c in FORM_CASES if c.name == n).form, tmp_path / f"{n}.xlsx")
        for n in names
    ]
    paths.insert(2, write_refused(REFUSED[3], tmp_path))
    paths.append(write_form(APPROVAL_CASES[3].form, tmp_path / "approval.xlsx"))
    one_by_one = [validate_file(p) for p in paths]
    assert list(validate_files(paths)) == one_by_one


@pytest.mark.slow
def test_damaged_workbooks_never_raise(tmp_path: Path) -> None:
    """Random byte damage, truncation and broken XML give findings, never an exception."""
    import random

    from badfiles import _members, _rezip

    from ppid_batch.forms.feedback import write_corrected_copy

    base = write_form(Form(), tmp_path / "base.xlsx").read_bytes()
    members = _members(base)
    rnd = random.Random(3)
    path = tmp_path / "damaged.xlsx"
    seen = set()
    for i in range(60):
        if i % 3 == 0:
            data = bytearray(base)
            for _ in range(rnd.randint(1, 20)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        elif i % 3 == 1:
            data = bytearray(base[: rnd.randrange(len(base))])
        else:
            parts = dict(members)
            name = rnd.choice(sorted(parts))
            xml = bytearray(parts[name])
            for _ in range(rnd.randint(1, 10)):
                xml[rnd.randrange(len(xml))] = rnd.choice(b'<>&"=/ aZ09\x00\xff')
            parts[name] = bytes(xml)
            data = bytearray(_rezip(parts))
        path.write_bytes(bytes(data))
        report = validate_file(path)
        seen.update(f.type for f in report.errors)
        write_corrected_copy(report, tmp_path / "out")
    assert {"truncated", "unreadable"} <= seen


def test_cells_map_every_present_field_to_its_cell_and_store_as_json(tmp_path: Path) -> None:
    # `_cells` is computed on access (reader.CellRefs); the register stores dict(...) as JSON
    case = next(c for c in FORM_CASES if c.name == "shuffled")
    report = validate_file(write_form(case.form, tmp_path / "s.xlsx"))
    second = report.items[1]
    cells = second["_cells"]
    expected = {k: f"{letter}10" for k, letter in _shuffled_letters(case.form).items()}
    assert cells == expected
    assert dict(cells) == expected
    assert json.loads(json.dumps(dict(cells))) == expected
    assert cells.get("not_a_field") is None


def _shuffled_letters(form: Form) -> dict[str, str]:
    by_label = {f.label: f.key for f in form_schema().fields}
    return {by_label[label]: chr(ord("A") + i) for i, label in enumerate(form.header)}


def test_validation_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    case = next(c for c in FORM_CASES if c.name == "valid")
    paths = [write_form(case.form, tmp_path / f"{n}.xlsx") for n in range(3)]
    assert gc.isenabled()
    seen = [gc.isenabled() for _ in validate_files(paths)]  # the caller's code runs with it on
    assert seen == [True, True, True] and gc.isenabled()
    validate_file(paths[0])
    assert gc.isenabled()
    gc.disable()
    try:
        assert [r.ok for r in validate_files(paths)] == [True, True, True]
        validate_file(paths[0])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_boolean_after_an_equal_number_keeps_its_own_text() -> None:
    """TRUE == 1.0 as a dict key: a column holding 1.0 before TRUE must not turn TRUE into '1'."""
    from ppid_batch.forms.normalize import to_text
    from ppid_batch.forms.validate import _normalise_column

    assert _normalise_column(to_text, [1.0, True, 0.0, False, ""]) == [
        to_text(1.0),
        to_text(True),
        to_text(0.0),
        to_text(False),
        None,
    ]
    assert to_text(True) != to_text(1.0)
    # a bool among texts is a distinct key of its own; texts alone are taken once each
    assert _normalise_column(to_text, ["ya", True, "ya", "", 1]) == ["ya", "TRUE", "ya", None, "1"]
    assert _normalise_column(to_text, [" a ", None, "a", " a "]) == ["a", None, "a", "a"]


def test_sheet_rows_read_from_the_columns_like_the_dicts_of_their_row(
    tmp_path: Path,
) -> None:
    """An approval sheet's and a form's rows are `SheetRow`s over the sheet's columns (an
    approval sheet is kept all night, one dict each cost ~1.3 KB a row; a night reads
    40,000 form rows); they answer exactly as the dict of a row would."""
    import pickle

    from ppid_batch.forms.reader import CellRefs
    from ppid_batch.forms.validate import SheetRow

    case = next(c for c in APPROVAL_CASES if len(c.form.rows) > 1)
    report = validate_file(write_form(case.form, tmp_path / "Lembar-Persetujuan.xlsx"))
    assert report.kind == "persetujuan" and len(report.items) > 1
    form = validate_file(write_form(FORM_CASES[0].form, tmp_path / "Form-DIP.xlsx"))
    assert form.kind == "form_dip" and len(form.items) > 1
    for row in (*report.items, *form.items):
        assert isinstance(row, SheetRow)
        plain = dict(row)
        assert list(plain)[-3:] == ["_sheet", "_row", "_cells"]
        assert row == plain and plain == row and len(row) == len(plain)
        assert isinstance(row["_cells"], CellRefs) and row["_cells"] == plain["_cells"]
        assert row["_cells"]["id"] == f"{row['_cells']['id'][0]}{row['_row']}"
        for key in plain:
            assert key in row and row.get(key, "x") == plain[key] and row[key] == plain[key]
        assert "bukan_kolom" not in row and row.get("bukan_kolom", 7) == 7
        with pytest.raises(KeyError):
            row["bukan_kolom"]
        assert pickle.loads(pickle.dumps(row)) == row
    assert pickle.loads(pickle.dumps(report)) == report
    assert pickle.loads(pickle.dumps(form)) == form


def test_row_columns_give_what_each_row_gives(tmp_path: Path) -> None:
    """`RowColumns(rows).get(key)` is `[row.get(key) for row in rows]`, and `cells_json()`
    each row's `_cells.as_json()`: for a sheet's rows read from its columns, for a subset
    of them out of their order, and (one by one) for dicts or rows of two sheets."""
    from ppid_batch.forms.validate import RowColumns

    form = validate_file(write_form(FORM_CASES[0].form, tmp_path / "Form-DIP.xlsx"))
    other = validate_file(write_form(FORM_CASES[1].form, tmp_path / "Form-DIP-2.xlsx"))
    rows = list(form.items)
    assert len(rows) > 1
    keys = [*rows[0], "tindakan", "bukan_kolom"]
    for chosen, from_columns in (
        (rows, True),
        (rows[::-1], True),
        (rows[1:], True),
        ([], False),
        ([dict(r) for r in rows], False),
        ([*rows, *other.items], False),
    ):
        table = RowColumns(chosen)
        for key in keys:
            assert table.get(key) == [row.get(key) for row in chosen]
        got = table.cells_json()
        if from_columns:
            assert got == [row["_cells"].as_json() for row in chosen]
        else:
            assert got is None
    assert RowColumns(rows).get("_row") == [r["_row"] for r in rows] != []
