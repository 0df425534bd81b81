"""Riwayat Perubahan: what each run added to the register or moved to the exemption list."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from reports_util import HUKUM, KEUANGAN, item, library_year

from ppid_batch.config import Config
from ppid_batch.register.changelog import (
    ADDED,
    CHANGED,
    COLUMNS,
    EXEMPTED,
    REMOVED,
    change_rows,
    changes_from_store,
    diff_register,
    summary_counts,
)
from ppid_batch.store.core import Store

D = dt.date


def test_diff_of_two_register_versions() -> None:
    before = [
        item(1, HUKUM, status="approved"),
        item(2, HUKUM, status="approved"),
        item(3, HUKUM, status="pending"),
        item(4, KEUANGAN, status="pending", jenis="Dikecualikan"),
        item(5, KEUANGAN, status="approved"),
    ]
    after = [
        item(1, HUKUM, status="approved"),  # unchanged: not listed
        item(2, HUKUM, status="approved", tautan="https://contoh.go.id/x"),
        item(3, HUKUM, status="approved"),
        item(4, KEUANGAN, status="approved", jenis="Dikecualikan"),
        item(5, KEUANGAN, status="refused"),
        item(6, KEUANGAN, status="pending"),  # pending is not published
    ]
    changes = diff_register(before, after, run_id=7, changed_on=D(2025, 5, 1))
    assert [(c.item_id, c.action) for c in changes] == [
        ("DIP-2025-0002", CHANGED),
        ("DIP-2025-0003", ADDED),
        ("DIP-2025-0004", EXEMPTED),
        ("DIP-2025-0005", REMOVED),
    ]
    assert {c.run_id for c in changes} == {7}
    assert diff_register(after, after, run_id=8, changed_on=D(2025, 5, 2)) == []


def test_a_reclassified_item_moves_between_the_lists() -> None:
    before = [item(1, HUKUM, status="approved")]
    after = [replace(before[0], jenis="Dikecualikan", dasar_pengecualian="Pasal 17")]
    [change] = diff_register(before, after, run_id=None, changed_on=D(2025, 5, 1))
    assert change.action == EXEMPTED


def test_changes_from_the_store_per_run_and_year(config: Config) -> None:
    with Store.open(config.database_url) as store:
        library_year(store, config)
        every = changes_from_store(store)
        night_4 = changes_from_store(store, run_id=4)
        assert changes_from_store(store, year=2024) == []
        assert changes_from_store(store, run_id=3) == []
        assert changes_from_store(store, register_year=2024) == []
        assert len(changes_from_store(store, register_year=2025)) == 4
    assert [(c.run_id, c.changed_on, c.item_id, c.action) for c in every] == [
        (2, D(2025, 3, 10), "DIP-2025-0001", ADDED),
        (2, D(2025, 3, 10), "DIP-2025-0004", ADDED),
        (2, D(2025, 3, 10), "DIP-2025-0005", EXEMPTED),
        (4, D(2025, 6, 20), "DIP-2025-0006", ADDED),
    ]
    assert night_4 == every[3:]
    # the store's history agrees with the diff of the register before and after night 4
    assert summary_counts(every) == {ADDED: 3, EXEMPTED: 1}


def test_rows_for_the_register_workbook_sheet(config: Config, tmp_path: Path) -> None:
    from docs_util import xlsx_text

    from ppid_batch.documents.register_list import write_register

    with Store.open(config.database_url) as store:
        library_year(store, config)
        changes = changes_from_store(store, year=2025)
        register = store.items(year=2025)
    rows = change_rows(changes)
    assert tuple(rows[2]) == COLUMNS
    assert rows[2] == {
        "Tanggal": D(2025, 3, 10),
        "Proses Malam": "2",
        "Perubahan": EXEMPTED,
        "ID Informasi": "DIP-2025-0005",
        "Unit Kerja": KEUANGAN,
        "Ringkasan Isi Informasi": "Data gaji pegawai",
        "Jenis Informasi": "Dikecualikan",
    }
    paths = write_register(register, 2025, config, tmp_path, today=D(2025, 6, 20), changes=rows)
    workbook = next(p for p in paths if p.name == "Daftar-Informasi-Publik-2025.xlsx")
    text = xlsx_text(workbook)
    assert "== sheet 'Riwayat Perubahan'" in text
    assert "A1\ts\t'Tanggal'" in text.split("== sheet 'Riwayat Perubahan'")[1]
    history = text.split("== sheet 'Riwayat Perubahan'")[1]
    assert "D4\ts\t'DIP-2025-0005'" in history
    # staff read the date as they write it, never ISO; the sheet prints like the register
    assert "A4\ts\t'10 Maret 2025'" in history and "2025-03-10" not in history
    assert "[print] orientation=landscape paper=9 fitToWidth=None fitToHeight=0" in history
