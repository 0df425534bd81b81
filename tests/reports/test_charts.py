"""The annual report's charts: checked by the numbers drawn, and one PNG kept to look at."""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
from pathlib import Path

import pytest
from reports_util import HUKUM, KEUANGAN, TEKNIS, year_2025

from ppid_batch.reports.charts import DPI, SIZE_INCHES, items_per_month_chart, write_charts
from ppid_batch.reports.facts import build_facts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_items_per_month_by_jenis_data(tmp_path: Path) -> None:
    chart = items_per_month_chart(year_2025(), tmp_path)
    assert chart.categories == (
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    )  # fmt: skip
    assert chart.series == (
        ("Berkala", (0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
        ("Serta Merta", (0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
        ("Setiap Saat", (0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
        ("Dikecualikan", (0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
    )
    assert chart.title == "Informasi yang Didaftarkan per Bulan Menurut Jenis, Tahun 2025"
    assert chart.path == tmp_path / "Grafik-2025-Informasi-per-Bulan.png"
    data = chart.path.read_bytes()
    assert _png_size(data) == (int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI))
    assert b"Software" not in data and b"matplotlib" not in data
    # Printed so a person can open it: `pytest -s tests/reports/test_charts.py.py`.
    print(f"\ngrafik per bulan: {chart.path}")


def test_per_unit_and_outcome_data_and_bytes_are_deterministic(tmp_path: Path) -> None:
    first = write_charts(year_2025(), tmp_path / "a")
    second = write_charts(year_2025(), tmp_path / "b")
    assert first["per_unit"].categories == (HUKUM, KEUANGAN, TEKNIS)
    assert first["per_unit"].series == (("Jumlah", (3, 2, 2)),)
    assert first["keputusan"].categories == ("Disetujui", "Tidak disetujui", "Belum diputuskan")
    assert first["keputusan"].series == (("Jumlah", (4, 2, 1)),)
    for key in ("per_bulan", "per_unit", "keputusan"):
        assert first[key].path.read_bytes() == second[key].path.read_bytes(), key


def test_a_year_without_data_still_draws_readable_empty_charts(tmp_path: Path) -> None:
    charts = write_charts(build_facts(2024, items=[], today=dt.date(2026, 1, 1)), tmp_path)
    assert charts["per_unit"].categories == ()
    assert charts["keputusan"].series == (("Jumlah", (0, 0, 0)),)
    assert all(sum(v) == 0 for _, v in charts["per_bulan"].series)
    for chart in charts.values():
        assert chart.path.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.slow
def test_a_chart_drawn_from_the_same_inputs_is_kept_and_any_other_drawn(tmp_path: Path) -> None:
    """With the night's output memo as the renderer, a chart whose inputs and PNG are those
    of the last night is not drawn again; a changed count or a PNG someone replaced is, and
    every PNG is the very bytes a fresh drawing gives."""
    from ppid_batch.batch.memo import OutputMemo

    out, fresh = tmp_path / "laporan", tmp_path / "fresh"
    out.mkdir()

    def night(facts) -> OutputMemo:  # type: ignore[no-untyped-def]
        memo = OutputMemo(tmp_path / "memo.json", "code")
        write_charts(facts, out, memo.render)
        memo.save()
        fresh.mkdir(exist_ok=True)
        write_charts(facts, fresh)
        for png in fresh.glob("*.png"):
            assert (out / png.name).read_bytes() == png.read_bytes(), png.name
        return memo

    facts = year_2025()
    assert night(facts).rendered == 3
    kept = night(facts)
    assert (kept.rendered, kept.reused) == (0, 3)

    # A night that decides one more item: the other two charts are kept.
    decided = dataclasses.replace(facts, approved=facts.approved + 1, pending=facts.pending - 1)
    unit_png = out / "Grafik-2025-Informasi-per-Unit.png"
    stamp = unit_png.stat().st_mtime_ns
    memo = night(decided)
    assert (memo.rendered, memo.reused) == (1, 2)
    assert unit_png.stat().st_mtime_ns == stamp

    # A PNG replaced by hand is drawn again.
    unit_png.write_bytes((out / "Grafik-2025-Keputusan.png").read_bytes())
    assert night(decided).rendered == 1
