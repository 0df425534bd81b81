"""The Lembar Persetujuan Atasan PPID: content, protection, dropdown, print setup, replacement."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from factories import register_item
from python_calamine import CalamineWorkbook

from ppid_batch.approve.sheet import write_approval_sheet
from ppid_batch.config import Config
from ppid_batch.forms.validate import validate_file
from ppid_batch.models import RegisterItem

TODAY = dt.date(2025, 3, 12)


def _item(item_id: str, unit: str, ringkasan: str, **kw) -> RegisterItem:
    return register_item(item_id, unit, ringkasan, **{"waktu_pembuatan": "2025-02", **kw})


ITEMS = [
    _item("DIP-2025-0001", "Subbagian Teknis", "Daftar Pemilih Tetap Pemilihan 2024"),
    _item("DIP-2025-0002", "Subbagian Hukum", '=HYPERLINK("http://x") Laporan Keuangan'),
    _item(
        "DIP-2025-0003",
        "Subbagian Hukum",
        "Berita Acara Rekapitulasi",
        jenis="Dikecualikan",
        dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
    ),
    _item("DIP-2025-0004", "Subbagian Teknis", "Laporan Kegiatan", status="approved"),
    _item("DIP-2025-0005", "Subbagian Keuangan", "daftar pemilih  tetap pemilihan 2024"),
]


def _rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_the_sheet_lists_pending_items_grouped_by_unit(config: Config, tmp_path: Path) -> None:
    path = write_approval_sheet(
        ITEMS, config.letter, tmp_path, today=TODAY, notes={"DIP-2025-0003": "Baru"}
    )
    assert path == tmp_path / "Lembar-Persetujuan-2025-03-12.xlsx"
    rows = _rows(path)
    assert rows[0][0] == "KOMISI PEMILIHAN UMUM KABUPATEN MESUJI"
    assert rows[1][0] == "Lembar Persetujuan Atasan PPID"
    assert rows[2][0].startswith("Dibuat 12 Maret 2025: 4 informasi menunggu persetujuan")
    assert rows[3][:2] == ["Nomor Lembar", "(belum bernomor)"]  # a draft without identity
    assert rows[4][:2] == ["Tanggal Dibuat", dt.date(2025, 3, 12)]
    assert rows[5][:2] == ["Nama Atasan PPID", "NAMA ATASAN PPID (ganti)"]
    assert rows[6][:2] == ["Tanggal Persetujuan", ""]
    assert rows[7][:2] == ["Kode Keutuhan", "-"]
    assert rows[10] == [
        "ID Informasi",
        "Unit Kerja",
        "Ringkasan Isi Informasi",
        "Jenis Informasi",
        "Bentuk Informasi",
        "Dasar Hukum Pengecualian",
        "Catatan Sistem",
        "Persetujuan (YA/TIDAK)",
        "Arahan / Disposisi",
        "Tindakan",
        "Sidik Isi",
    ]
    assert all(len(r[10]) == 12 for r in rows[11:])  # each row's fingerprint, shown short
    body = [(r[0], r[1], r[3], r[5], r[6], r[7], r[8]) for r in rows[11:]]
    assert body == [
        ("DIP-2025-0002", "Subbagian Hukum", "Berkala", "", "", "", ""),
        (
            "DIP-2025-0003",
            "Subbagian Hukum",
            "Dikecualikan",
            "Pasal 17 huruf h UU 14/2008",
            "Baru",
            "",
            "",
        ),
        (
            "DIP-2025-0005",
            "Subbagian Keuangan",
            "Berkala",
            "",
            "Ringkasan sama dengan DIP-2025-0001 (Subbagian Teknis).",
            "",
            "",
        ),
        (
            "DIP-2025-0001",
            "Subbagian Teknis",
            "Berkala",
            "",
            "Ringkasan sama dengan DIP-2025-0005 (Subbagian Keuangan).",
            "",
            "",
        ),
    ]
    assert rows[11][2] == '=HYPERLINK("http://x") Laporan Keuangan'


def test_only_the_decision_and_item_cells_are_open_and_the_id_is_protected(
    config: Config, tmp_path: Path
) -> None:
    path = write_approval_sheet(ITEMS, config.letter, tmp_path, today=TODAY)
    ws = openpyxl.load_workbook(path).active
    assert ws.protection.sheet and not ws.protection.password
    # ID, unit, Catatan Sistem and Sidik Isi are the batch's; identity cells too
    for ref in ("A12", "B12", "G12", "J12", "B4", "B5", "B8"):
        assert ws[ref].protection.locked, ref
    # decisions, arahan and the item's own fields the Atasan PPID may correct
    for ref in ("H12", "I15", "C12", "D12", "E12", "F12", "B6", "B7"):
        assert not ws[ref].protection.locked, ref
    assert ws["C12"].data_type == "s"  # a leading '=' stays text, never a formula
    rules = {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert rules["H12:H15"] == ("list", '"YA,TIDAK"')
    assert rules["B7"][0] == "date"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.print_title_rows == "$11:$11" and ws.freeze_panes == "A12"
    assert ws.column_dimensions["C"].width > 40


def test_same_items_same_day_give_identical_bytes(config: Config, tmp_path: Path) -> None:
    a = write_approval_sheet(ITEMS, config.letter, tmp_path / "a", today=TODAY)
    b = write_approval_sheet(list(reversed(ITEMS)), config.letter, tmp_path / "b", today=TODAY)
    assert a is not None and b is not None
    assert a.read_bytes() == b.read_bytes()


def test_a_new_sheet_replaces_untouched_old_ones(config: Config, tmp_path: Path) -> None:
    out = tmp_path / "persetujuan"
    old = write_approval_sheet(ITEMS, config.letter, out, today=dt.date(2025, 3, 1))
    filled = write_approval_sheet(ITEMS, config.letter, out, today=dt.date(2025, 3, 5))
    assert old is not None and filled is not None and old.exists() is False
    wb = openpyxl.load_workbook(filled)
    wb.active["H12"] = "YA"
    wb.save(filled)
    new = write_approval_sheet(ITEMS, config.letter, out, today=TODAY)
    assert sorted(p.name for p in out.iterdir()) == [
        "Lembar-Persetujuan-2025-03-05.xlsx",  # filled in place: kept for its sender
        "Lembar-Persetujuan-2025-03-12.xlsx",
    ]
    assert new == out / "Lembar-Persetujuan-2025-03-12.xlsx"


@pytest.mark.parametrize("items", [[], [dataclasses.replace(ITEMS[0], status="refused")]])
def test_nothing_pending_writes_nothing_and_removes_the_old_sheet(
    config: Config, tmp_path: Path, items: list[RegisterItem]
) -> None:
    out = tmp_path / "persetujuan"
    write_approval_sheet(ITEMS, config.letter, out, today=dt.date(2025, 3, 1))
    assert write_approval_sheet(items, config.letter, out, today=TODAY) is None
    assert list(out.iterdir()) == []


def test_the_reader_reads_the_sheet_back_as_it_was_written(config: Config, tmp_path: Path) -> None:
    path = write_approval_sheet(ITEMS, config.letter, tmp_path / "out", today=TODAY)
    assert path is not None
    report = validate_file(path)
    # Nothing wrong in it; only the note that no decision is filled in yet.
    assert (report.kind, report.errors) == ("persetujuan", ())
    assert [w.type for w in report.warnings] == ["no_decisions"]
    assert report.meta["atasan"] == config.atasan_ppid.nama
    assert [(r["id"], r["persetujuan"], r["_cells"]["persetujuan"]) for r in report.items] == [
        ("DIP-2025-0002", None, "H12"),
        ("DIP-2025-0003", None, "H13"),
        ("DIP-2025-0005", None, "H14"),
        ("DIP-2025-0001", None, "H15"),
    ]


def test_rows_with_long_text_are_tall_enough_to_print_it(config: Config, tmp_path: Path) -> None:
    """Wrapped text does not grow a generated row when opened: the sheet sets the height."""
    long = "Laporan Pertanggungjawaban Penggunaan Dana Hibah Pemilihan Bupati dan Wakil Bupati "
    items = [
        _item("DIP-2025-0001", "Subbagian Hukum", "Profil"),
        _item("DIP-2025-0002", "Subbagian Hukum", long * 3),
    ]
    path = write_approval_sheet(items, config.letter, tmp_path, today=TODAY)
    ws = openpyxl.load_workbook(path).active
    short_row, long_row = ws.row_dimensions[12], ws.row_dimensions[13]
    assert ws["C13"].value == long * 3 and ws["C12"].value == "Profil"
    assert short_row.height is None  # one line: left to the default (and to Excel's autofit)
    # 249 characters in a 48-wide column: at least five lines of 10-point text
    assert long_row.height is not None and long_row.height >= 5 * 12.75


def test_the_sheet_names_the_folder_it_goes_back_to(config: Config, tmp_path: Path) -> None:
    # [lokasi] persetujuan: the Atasan PPID is told to put the sheet in their own folder.
    def said(**kw) -> str:
        path = write_approval_sheet(ITEMS, config.letter, tmp_path / "out", today=TODAY, **kw)
        assert path is not None
        return " ".join(str(c) for row in _rows(path) for c in row)

    assert "taruh berkas ini di folder input/." in said()
    own = said(approval_dir=tmp_path / "persetujuan-masuk")
    assert "taruh berkas ini di folder persetujuan-masuk/ (folder khusus Atasan PPID)." in own
