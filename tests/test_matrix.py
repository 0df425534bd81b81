"""Matriks Kegiatan dan Penugasan: one row per run and SOP step, golden and deterministic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from docs_util import xlsx_text
from reports_util import year_2025

from ppid_batch.annual import build_facts
from ppid_batch.config import Config
from ppid_batch.matrix import HEADERS, matrix_rows, write_matrix


def test_rows_follow_runs_and_steps(config: Config) -> None:
    rows = matrix_rows(year_2025(), config)
    assert [(r.no, r.step) for r in rows] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 3),
        (5, 1),
        (6, 2),
        (7, 3),
    ]
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
        matrix_rows(facts, config)[0].waktu == "Diputuskan 10 Maret 2025 (5–9 hari sejak diterima)"
    )


def test_matrix_workbook_golden_and_byte_identical(
    config: Config, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    first = write_matrix(year_2025(), config, tmp_path / "a")
    second = write_matrix(year_2025(), config, tmp_path / "b")
    assert first.name == "Matriks-Kegiatan-2025.xlsx"
    assert first.read_bytes() == second.read_bytes()
    text = xlsx_text(first)
    assert "\t".join(HEADERS) not in text  # one cell per header, checked in the golden dump
    golden("laporan/matriks-kegiatan-2025.txt", text)


def test_a_year_without_runs_says_so(config: Config, tmp_path: Path) -> None:
    facts = build_facts(2024, items=[], today=dt.date(2026, 1, 1))
    text = xlsx_text(write_matrix(facts, config, tmp_path))
    assert "A6\ts\t'Tidak ada kegiatan pendokumentasian pada tahun 2024.'" in text
    assert "A7" not in text
