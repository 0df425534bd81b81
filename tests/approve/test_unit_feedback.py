"""Arahan back to the units: one workbook per unit with its refused items, regenerated each run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from factories import register_item
from python_calamine import CalamineWorkbook

from ppid_batch.approve.unit_feedback import unit_slug, write_unit_feedback
from ppid_batch.config import Config
from ppid_batch.files import name_hash
from ppid_batch.models import RegisterItem

TODAY = dt.date(2025, 3, 15)


def _item(item_id: str, unit: str, status: str, arahan: str | None = None) -> RegisterItem:
    return register_item(
        item_id,
        unit,
        penanggung_jawab=unit,
        waktu_pembuatan="2025-02",
        status=status,
        arahan=arahan,
        atasan="Drs. Ahmad Fauzi" if status != "pending" else None,
        decided_on=dt.date(2025, 3, 14) if status != "pending" else None,
    )


ITEMS = [
    _item("DIP-2025-0001", "Subbagian Hukum", "approved"),
    _item("DIP-2025-0002", "Subbagian Hukum", "refused", "Sebutkan periode laporan."),
    _item("DIP-2025-0003", "Subbagian Keuangan, Umum & Logistik", "refused", "Lengkapi tautan."),
    _item("DIP-2025-0004", "Subbagian Hukum", "pending"),
]


def test_each_unit_gets_its_refused_items_with_arahan(config: Config, tmp_path: Path) -> None:
    out = tmp_path / "umpan-balik"
    paths = write_unit_feedback(ITEMS, config.letter, out, today=TODAY)
    assert [p.name for p in paths] == [
        "Arahan-subbagian-hukum.xlsx",
        "Arahan-subbagian-keuangan-umum-logistik.xlsx",
    ]
    rows = CalamineWorkbook.from_path(str(paths[0])).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "Arahan Atasan PPID atas Usulan Informasi: Subbagian Hukum"
    # dated by the last decision it holds, not by the night that wrote it
    assert rows[2][0] == "1 informasi belum disetujui; keputusan terakhir 14 Maret 2025."
    assert rows[5][:5] == [
        "ID Informasi",
        "Ringkasan Isi Informasi",
        "Waktu Pembuatan Informasi",
        "Jenis Informasi",
        "Arahan / Disposisi",
    ]
    assert rows[6] == [
        "DIP-2025-0002",
        "Informasi DIP-2025-0002",
        "Februari 2025",
        "Berkala",
        "Sebutkan periode laporan.",
        "Drs. Ahmad Fauzi",
        "14 Maret 2025",
    ]
    assert len(rows) == 7


def test_a_unit_with_nothing_refused_any_more_loses_its_file(
    config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "umpan-balik"
    out.mkdir()
    (out / "Form-DIP-Hukum-koreksi.xlsx").write_bytes(b"the reader's corrected copy")
    write_unit_feedback(ITEMS, config.letter, out, today=TODAY)
    corrected = [
        dataclasses.replace(i, status="pending") if i.id == "DIP-2025-0002" else i for i in ITEMS
    ]
    write_unit_feedback(corrected, config.letter, out, today=TODAY)
    assert sorted(p.name for p in out.iterdir()) == [
        "Arahan-subbagian-keuangan-umum-logistik.xlsx",
        "Form-DIP-Hukum-koreksi.xlsx",
    ]


def test_feedback_is_deterministic(config: Config, tmp_path: Path) -> None:
    (a,) = write_unit_feedback(ITEMS[:2], config.letter, tmp_path / "a", today=TODAY)
    (b,) = write_unit_feedback(ITEMS[:2], config.letter, tmp_path / "b", today=TODAY)
    assert a.read_bytes() == b.read_bytes()


def test_unit_slug() -> None:
    assert unit_slug("Subbagian Teknis Penyelenggaraan") == "subbagian-teknis-penyelenggaraan"
    assert unit_slug("Sekretariat — Bagian Umum") == "sekretariat-bagian-umum"
    # two units with no ASCII letters no longer share one Arahan-unit.xlsx
    assert unit_slug("???") == "unit-" + name_hash("???")
    assert unit_slug("प्रशासन") != unit_slug("वित्त")


def test_long_arahan_rows_are_tall_enough_to_print(config: Config, tmp_path: Path) -> None:
    import openpyxl

    arahan = "Lengkapi ringkasan dengan periode, nomor dan lokasi dokumen aslinya. " * 3
    items = [
        _item("DIP-2025-0002", "Subbagian Hukum", "refused", arahan),
        _item("DIP-2025-0003", "Subbagian Hukum", "refused", "Lengkapi tautan."),
    ]
    [path] = write_unit_feedback(items, config.letter, tmp_path, today=TODAY)
    ws = openpyxl.load_workbook(path).active
    assert ws["E7"].value == arahan and ws["E8"].value == "Lengkapi tautan."
    assert ws.row_dimensions[6].height == 30  # the header's two-line labels
    assert ws.row_dimensions[7].height >= 4 * 12.75
    assert ws.row_dimensions[8].height is None


def test_a_later_night_with_the_same_arahan_leaves_the_file_untouched(
    config: Config, tmp_path: Path
) -> None:
    (path,) = write_unit_feedback(ITEMS[:2], config.letter, tmp_path, today=TODAY)
    before = path.stat()
    (again,) = write_unit_feedback(
        ITEMS[:2], config.letter, tmp_path, today=TODAY + dt.timedelta(9)
    )
    after = again.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # a new refusal the next day changes the file, and its date
    later = dataclasses.replace(
        _item("DIP-2025-0009", "Subbagian Hukum", "refused", "Ringkas."),
        decided_on=dt.date(2025, 3, 20),
    )
    next_day = dt.date(2025, 3, 21)
    (third,) = write_unit_feedback([*ITEMS[:2], later], config.letter, tmp_path, today=next_day)
    assert third.stat().st_ino != before.st_ino
    rows = CalamineWorkbook.from_path(str(third)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == "2 informasi belum disetujui; keputusan terakhir 20 Maret 2025."
