"""`ppid-batch impor`: an office's published DIP into the register, through the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from batch_util import make_workspace, run_cli
from click.testing import CliRunner
from impor_util import published_rows, write_published

from ppid_batch.cli import cli


def impor(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["impor", "--workspace", str(ws), *args])


def _items(ws: Path) -> list[tuple]:
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        return conn.execute(
            "SELECT id, unit, jenis, bentuk, status, atasan, decided_on FROM items ORDER BY seq"
        ).fetchall()


def test_a_published_dip_becomes_approved_items_of_its_penetapan(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    source = write_published(tmp_path / "DIP-2025.xlsx")
    dry = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output == "DIP-2025.xlsx: 4 informasi siap diimpor (uji coba, tidak dicatat).\n"
    assert not (ws / "var" / "ppid.sqlite").exists() or _items(ws) == []

    done = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03")
    assert done.exit_code == 0, done.output
    assert done.output.startswith(
        "DIP-2025.xlsx: 4 informasi dicatat sebagai DIP yang sudah ditetapkan "
        "(DIP-2025-0001, DIP-2025-0004)"
    )
    assert _items(ws) == [
        ("DIP-2025-0001", "Subbagian Keuangan, Umum dan Logistik", "Berkala",
         "Softcopy dan Hardcopy", "approved", "penetapan sebelumnya", "2025-02-03"),
        ("DIP-2025-0002", "Subbagian Keuangan, Umum dan Logistik", "Berkala", "Softcopy",
         "approved", "penetapan sebelumnya", "2025-02-03"),
        ("DIP-2025-0003", "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum", "Serta Merta",
         "Softcopy", "approved", "penetapan sebelumnya", "2025-02-03"),
        ("DIP-2025-0004", "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum", "Setiap Saat",
         "Hardcopy", "approved", "penetapan sebelumnya", "2025-02-03"),
    ]  # fmt: skip
    again = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03")
    assert again.output == (
        "DIP-2025.xlsx: berkas yang sama sudah pernah diimpor; tidak ada yang berubah.\n"
    )


@pytest.mark.slow
def test_the_first_night_after_impor_sets_the_whole_dip_and_documents_nothing_twice(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    impor(ws, str(write_published(tmp_path / "DIP.xlsx")), "--tanggal-penetapan", "2025-02-03")
    import datetime as dt

    from store_util import form_row, write_form_xlsx

    write_form_xlsx(ws / "input" / "Form.xlsx", [form_row("Laporan Baru")],
                    tanggal=dt.date(2025, 3, 10))  # fmt: skip
    assert run_cli(ws, now="2025-03-11T01:00:00").exit_code == 0
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        (count,) = conn.execute("SELECT count(*) FROM keputusan_items").fetchone()
        (notas,) = conn.execute("SELECT count(*) FROM nota_dinas").fetchone()
    assert count == 4 and notas == 0
    assert (ws / "output" / "keputusan" / "Keputusan-PPID-DIP-2025-001.docx").is_file()


def test_errors_per_cell_and_nothing_recorded_unless_bad_rows_are_skipped(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    rows = published_rows()
    rows[8] = [*rows[8][:5], "", "", "", "lama sekali"]  # no bentuk ticked, retensi unknown
    source = write_published(tmp_path / "DIP-salah.xlsx", rows)
    bad = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03", "--json")
    assert bad.exit_code == 1
    (answer,) = json.loads(bad.output)
    assert [(e["cell"], e["field"], e["type"]) for e in answer["errors"]] == [
        ("F9", "bentuk", "required"),
        ("I9", "retensi", "retensi"),
    ]
    assert answer["recorded"] is False and answer["imported"] == []
    assert "Bentuk informasi tidak dicentang" in answer["errors"][0]["message"]
    assert not (ws / "var" / "ppid.sqlite").exists() or _items(ws) == []

    skip = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03", "--lewati-baris-salah")
    assert skip.exit_code == 1  # the file still had errors: said so, and the rest recorded
    assert "3 informasi dicatat" in skip.output and "baris dilewati: 9" in skip.output
    assert [i[0] for i in _items(ws)] == ["DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003"]


def test_a_file_without_the_table_is_refused_in_one_line(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    source = write_published(tmp_path / "Lain.xlsx", [["Daftar hadir rapat"], ["Nama", "Tanda"]])
    result = impor(ws, str(source), "--tanggal-penetapan", "2025-02-03")
    assert result.exit_code == 1
    assert "Tabel Daftar Informasi Publik tidak ditemukan" in result.output
    wrong = impor(ws, str(source), "--tanggal-penetapan", "3 Februari")
    assert wrong.exit_code == 2
    assert "--tanggal-penetapan harus berupa tanggal ISO" in wrong.output


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_ods_saved_by_libreoffice_is_read_the_same(tmp_path: Path) -> None:
    xlsx = write_published(tmp_path / "DIP-2025.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = make_workspace(tmp_path / "ws", settle=0)
    result = impor(ws, str(tmp_path / "DIP-2025.ods"), "--tanggal-penetapan", "2025-02-03")
    assert result.exit_code == 0, result.output
    assert [i[2] for i in _items(ws)] == ["Berkala", "Berkala", "Serta Merta", "Setiap Saat"]
