"""Every generated name fits: long units and file names, any script, reserved and control names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from batch_util import make_workspace, run_cli
from store_util import fill_approval_sheet, form_row, write_form_xlsx

from ppid_batch.files import MAX_NAME_BYTES, fit_name, free_name, log_text, name_hash

LATIN_UNIT = "Subbagian " + "Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan " * 4
DEVANAGARI_UNIT = "दस्तावेज़ीकरण सूचना विभाग " * 3 + "प्रशासन"  # 80 characters, ~230 bytes


def _bytes(name: str) -> int:
    return len(name.encode("utf-8"))


@pytest.mark.parametrize(
    "stem",
    [
        "x" * 300,
        "Formulir " * 30,
        "दस्तावेज़" * 30,  # Devanagari: 3 bytes a character, with combining vowel signs
        "報告書" * 100,
        "ملف المعلومات العامة " * 12,
    ],
)
def test_long_names_are_cut_with_a_stable_hash(stem: str) -> None:
    name = fit_name(stem, "-koreksi.xlsx")
    assert _bytes(name) <= MAX_NAME_BYTES
    assert name.endswith(f"-{name_hash(stem)}-koreksi.xlsx")
    assert name == fit_name(stem, "-koreksi.xlsx")  # the same every night
    # two long names that begin alike stay apart
    assert name != fit_name(stem + "2", "-koreksi.xlsx")
    name.encode("utf-8").decode("utf-8")  # cut on a character boundary


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Form DIP Hukum", "Form DIP Hukum.xlsx"),
        ("CON", "_CON.xlsx"),
        ("nul", "_nul.xlsx"),
        ("COM1", "_COM1.xlsx"),
        ("Lpt9.laporan", "_Lpt9.laporan.xlsx"),
        ("Form\nSelesai: palsu", "Form_Selesai_ palsu.xlsx"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j.xlsx"),
        ("titik di akhir. . ", "titik di akhir.xlsx"),
        ("", "_.xlsx"),
    ],
)
def test_unsafe_and_reserved_names(stem: str, expected: str) -> None:
    assert fit_name(stem, ".xlsx") == expected


def test_free_name_fits_too(tmp_path: Path) -> None:
    long = "f" * 250 + ".xlsx"
    first = free_name(tmp_path, long)
    first.write_bytes(b"x")
    second = free_name(tmp_path, long)
    assert first != second and _bytes(second.name) <= MAX_NAME_BYTES
    second.write_bytes(b"y")


def test_log_text_keeps_one_line() -> None:
    assert log_text("Form\nSelesai: 9 berkas diterima\r\x1b[2J") == (
        "Form\\nSelesai: 9 berkas diterima\\r\\x1b[2J"
    )
    assert log_text("Formulir Hukum – 2025.xlsx") == "Formulir Hukum – 2025.xlsx"


@pytest.mark.slow
def test_long_units_and_file_names_in_any_script_do_not_stop_any_night(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    inbox = ws / "input"
    latin_name = ("Formulir Daftar Informasi Publik " * 7)[:222] + ".xlsx"  # 227 characters
    devanagari_name = "सूचना" * 16 + ".xlsx"  # 80 characters, 245 bytes
    write_form_xlsx(
        inbox / latin_name,
        [form_row("Laporan Keuangan 2024", penguasa=LATIN_UNIT), form_row("Renstra 2025")],
        unit=LATIN_UNIT,
    )
    write_form_xlsx(
        inbox / devanagari_name,
        [form_row("Keputusan KPU 1"), form_row("Keputusan KPU 2")],
        unit=DEVANAGARI_UNIT,
    )
    # a form with a mistake: its corrected copy is named after a 240-byte file name
    wrong_name = "सूचना" * 15 + "-salah.xlsx"
    write_form_xlsx(inbox / wrong_name, [form_row("", jenis="Berkala")], unit=LATIN_UNIT)
    first = run_cli(ws, now="2026-11-23T01:00:00")
    assert first.exit_code == 1, first.output

    (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    decisions = {
        "DIP-2025-0001": ("YA", None),
        "DIP-2025-0002": ("TIDAK", "Lengkapi nomor dokumen"),
        "DIP-2025-0003": ("YA", None),
        "DIP-2025-0004": ("TIDAK", "Sebutkan tanggal keputusan"),
    }
    returned = inbox / (("Lembar Persetujuan diisi Atasan PPID " * 7)[:221] + ".xlsx")
    fill_approval_sheet(sheet, returned, decisions, tanggal=dt.date(2026, 11, 23))
    second = run_cli(ws, now="2026-11-24T01:00:00")
    assert second.exit_code == 0, second.output

    names = [p.name for p in (ws / "output").rglob("*") if p.is_file()]
    assert all(_bytes(n) <= MAX_NAME_BYTES for n in names), max(names, key=_bytes)
    made = {p.parent.name: [] for p in (ws / "output").rglob("*")}
    for p in (ws / "output").rglob("*"):
        made[p.parent.name].append(p.name)
    assert len([n for n in made["nota-dinas"] if n.endswith(".docx")]) == 2
    assert len([n for n in made["disposisi"] if n.endswith(".docx")]) == 1
    arahan = sorted(n for n in made["umpan-balik"] if n.startswith("Arahan-"))
    assert len(arahan) == 2 and arahan[0] != arahan[1]
    assert len([n for n in made["umpan-balik"] if n.endswith("-koreksi.xlsx")]) == 1
    # and the nights after, with input/ empty, rebuild everything from the register: exit 0
    third = run_cli(ws, now="2026-11-25T01:00:00")
    assert third.exit_code == 0, third.output


@pytest.mark.slow
def test_a_newline_in_a_file_name_cannot_forge_a_line_of_the_log(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    forged = "Form\nSelesai: 9 berkas diterima, 0 ditolak\n.xlsx"
    write_form_xlsx(ws / "input" / forged, [form_row("")])  # a form with a mistake
    result = run_cli(ws)
    assert result.exit_code == 1, result.output
    log = (ws / "var" / "logs" / "ppid-batch.log").read_text("utf-8")
    for text in (result.output, log):
        assert not any(line.startswith("Selesai: 9") for line in text.splitlines())
        assert "Form\\nSelesai: 9 berkas diterima, 0 ditolak\\n.xlsx" in text
