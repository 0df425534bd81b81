"""The DIP as the standing list across years, and the Keputusan PPID that sets each change."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from batch_util import make_workspace, run_cli
from click.testing import CliRunner
from store_util import fill_approval_sheet, form_row, write_form_xlsx

from ppid_batch.cli import cli

pytestmark = pytest.mark.slow


def _approve_all(ws: Path, day: dt.date, name: str) -> None:
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    ids = [r[0] for r in _rows(sheet)[9:] if r and r[0]]
    fill_approval_sheet(sheet, ws / "input" / name, {i: ("YA", None) for i in ids}, tanggal=day)


def _rows(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _dip_ids(ws: Path, year: int) -> list[str]:
    path = ws / "output" / "register" / f"Daftar-Informasi-Publik-{year}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data)
    return sorted({part[:13] for part in text.split('"id": "')[1:]})


def _keputusan(ws: Path) -> list[tuple]:
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        return conn.execute(
            "SELECT k.number, k.date, group_concat(i.item_id || ':' || i.change, ' ') "
            "FROM keputusan k JOIN keputusan_items i ON i.keputusan_id = k.id "
            "GROUP BY k.id ORDER BY k.id"
        ).fetchall()


def test_an_item_filed_last_year_stays_in_this_years_dip_and_each_change_is_set(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    write_form_xlsx(
        ws / "input" / "Form-2025.xlsx",
        [form_row("Profil KPU Kabupaten Mesuji"), form_row("Renstra KPU 2025-2029",
                                                           retensi="Selama Berlaku")],
        tanggal=dt.date(2025, 3, 10),
    )  # fmt: skip
    assert run_cli(ws, now="2025-03-11T01:00:00").exit_code == 0
    _approve_all(ws, dt.date(2025, 3, 11), "Persetujuan-2025.xlsx")
    assert run_cli(ws, now="2025-03-12T01:00:00").exit_code == 0
    dip_2025 = ws / "output" / "register" / "Daftar-Informasi-Publik-2025.xlsx"
    frozen = dip_2025.read_bytes()
    assert _dip_ids(ws, 2025) == ["DIP-2025-0001", "DIP-2025-0002"]
    assert _keputusan(ws) == [
        ("1/PPID/1811/2025", "2025-03-12", "DIP-2025-0001:tambah DIP-2025-0002:tambah")
    ]

    # 2026: a new item; re-listing last year's is a duplicate, not a second entry
    write_form_xlsx(
        ws / "input" / "Form-2026.xlsx",
        [form_row("Laporan Tahunan PPID 2025", waktu_pembuatan="Januari 2026"),
         form_row("Profil KPU Kabupaten Mesuji")],
        tanggal=dt.date(2026, 1, 14),
    )  # fmt: skip
    assert run_cli(ws, now="2026-01-15T01:00:00").exit_code == 0
    _approve_all(ws, dt.date(2026, 1, 15), "Persetujuan-2026.xlsx")
    assert run_cli(ws, now="2026-01-16T01:00:00").exit_code == 0
    # the 2026 DIP is the standing list: last year's items with this year's, IDs unchanged
    assert _dip_ids(ws, 2026) == ["DIP-2025-0001", "DIP-2025-0002", "DIP-2026-0001"]
    assert dip_2025.read_bytes() == frozen  # last year's file stays as its last run left it
    assert _keputusan(ws)[1] == ("1/PPID/1811/2026", "2026-01-16", "DIP-2026-0001:tambah")
    docs = sorted(p.name for p in (ws / "output" / "keputusan").glob("*.docx"))
    assert docs == ["Keputusan-PPID-DIP-2025-001.docx", "Keputusan-PPID-DIP-2026-001.docx"]

    # a night whose input changes nothing in the DIP records no Keputusan
    write_form_xlsx(
        ws / "input" / "Form-2026-lagi.xlsx",
        [form_row("Usulan yang belum diputus", waktu_pembuatan="Januari 2026")],
        tanggal=dt.date(2026, 1, 16),
    )
    assert run_cli(ws, now="2026-01-17T01:00:00").exit_code == 0
    assert len(_keputusan(ws)) == 2

    # the earlier DIP can be printed again exactly as it was set
    out = tmp_path / "cetak"
    result = CliRunner().invoke(
        cli, ["keputusan", "--workspace", str(ws), "--tanggal", "2025-12-31", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "Daftar-Informasi-Publik-2025.json").read_text(encoding="utf-8"))
    assert "DIP-2026-0001" not in json.dumps(data) and "DIP-2025-0002" in json.dumps(data)
    assert (out / "Keputusan-PPID-DIP-2025-001.docx").is_file()
    listing = CliRunner().invoke(cli, ["keputusan", "--workspace", str(ws)])
    assert listing.output.splitlines() == [
        "1/PPID/1811/2025  12 Maret 2025  2 informasi",
        "1/PPID/1811/2026  16 Januari 2026  3 informasi",
    ]
    wrong = CliRunner().invoke(cli, ["keputusan", "--workspace", str(ws), "--nomor", "7/X"])
    assert wrong.exit_code == 2
    assert "Keputusan nomor 7/X tidak ada di register" in wrong.output
