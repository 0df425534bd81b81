"""Matriks Kegiatan dan Penugasan: one row per run and SOP step, golden and deterministic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from docs_util import xlsx_text
from reports_util import year_2025

from ppid_batch.config import Config
from ppid_batch.reports.facts import build_facts
from ppid_batch.reports.matrix import HEADERS, matrix_rows, write_matrix


def test_rows_follow_runs_and_steps(config: Config) -> None:
    rows = matrix_rows(year_2025(), config.signers, config.sop)
    assert [(r.run_id, r.step) for r in rows] == [
        (1, 1),
        (2, 2),
        (2, 3),
        (2, 3),
        (3, 1),
        (4, 2),
        (4, 3),
    ]
    # 'No' is the SOP's step number; the uraian is the SOP's wording without a second number
    steps = config.sop.langkah
    assert [r.cells()[:2] for r in rows[:3]] == [(1, steps[0]), (2, steps[1]), (3, steps[2])]
    assert steps[0] == "Mengumpulkan informasi publik yang dikuasai setiap unit kerja"
    assert rows[0].pelaksana == f"PPID ({config.ppid.nama})"
    assert rows[1].pelaksana == f"Atasan PPID ({config.atasan_ppid.nama})"
    assert rows[1].waktu == "Diputuskan 10 Maret 2025 (7 hari sejak diterima)"
    assert rows[3].output == "Draft Nota Dinas Nomor 2/HM.02-ND/1811/2025"
    assert "Form-DIP-Teknis.xlsx (Subbagian Teknis Penyelenggaraan Pemilu, 2 baris, ditolak)" in (
        rows[0].kelengkapan
    )


def test_days_between_are_a_range_when_items_waited_differently(config: Config) -> None:
    facts = year_2025()
    run = facts.runs[1]
    decision = replace(run.decisions[0], days_since_received=(5, 9, 7))
    facts = replace(facts, runs=(replace(run, decisions=(decision,)),))
    assert (
        matrix_rows(facts, config.signers, config.sop)[0].waktu
        == "Diputuskan 10 Maret 2025 (5–9 hari sejak diterima)"
    )


def test_matrix_workbook_golden_and_byte_identical(
    config: Config, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    first = write_matrix(year_2025(), config.letter, config.sop, tmp_path / "a")
    second = write_matrix(year_2025(), config.letter, config.sop, tmp_path / "b")
    assert first.name == "Matriks-Kegiatan-2025.xlsx"
    assert first.read_bytes() == second.read_bytes()
    text = xlsx_text(first)
    assert "\t".join(HEADERS) not in text  # one cell per header, checked in the golden dump
    golden("laporan/matriks-kegiatan-2025.txt", text)


def test_a_year_without_runs_says_so(config: Config, tmp_path: Path) -> None:
    facts = build_facts(2024, items=[], today=dt.date(2026, 1, 1))
    text = xlsx_text(write_matrix(facts, config.letter, config.sop, tmp_path))
    assert "A6\ts\t'Tidak ada kegiatan pendokumentasian pada tahun 2024.'" in text
    assert "A7" not in text


def test_matrix_prints_with_page_numbers_and_one_numbering(config: Config, tmp_path: Path) -> None:
    import openpyxl

    ws = openpyxl.load_workbook(
        write_matrix(year_2025(), config.letter, config.sop, tmp_path)
    ).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$5:$5"
    assert ws.oddFooter.left.text == "Matriks Kegiatan dan Penugasan 2025"
    assert ws.oddFooter.right.text == "Halaman &P dari &N"
    # the two Nota Dinas rows of the first run share one 'No 3' / uraian cell
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A8:A9", "B8:B9"]
    assert [ws.cell(row=r, column=1).value for r in range(6, 13)] == [1, 2, 3, None, 1, 2, 3]
    assert not any(str(ws.cell(row=r, column=2).value or "")[:2] in {"1.", "2.", "3."}
                   for r in range(6, 13))  # fmt: skip
    assert all(ws.row_dimensions[r].height > 15 for r in range(6, 13))  # wrapped rows grow
