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


def _pixels_of(path: Path, colour: str) -> int:
    from PIL import Image

    rgb = tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))
    with Image.open(path) as image:
        return sum(n for n, c in image.convert("RGB").getcolors(1 << 20) or () if c == rgb)


def test_each_bar_is_as_long_as_its_number(tmp_path: Path) -> None:
    """The PNG itself: the outcome bars' areas in their colours stand as 4 : 2 : 1."""
    from ppid_batch.reports.charts import OUTCOME_COLOURS

    chart = write_charts(year_2025(), tmp_path)["keputusan"]
    assert chart.series == (("Jumlah", (4, 2, 1)),)
    approved, refused, pending = (_pixels_of(chart.path, c) for c in OUTCOME_COLOURS)
    assert pending > 0
    assert abs(approved / pending - 4) < 0.1 and abs(refused / pending - 2) < 0.1


def test_a_chart_of_many_units_grows_to_a_page_and_no_further(tmp_path: Path) -> None:
    """Every unit keeps a bar and a readable label: the per-unit chart grows taller with
    the units, up to about a page of the report; a long name is wrapped or cut, not lost."""
    from ppid_batch.reports.charts import HEIGHT, MAX_HEIGHT, WIDTH, items_per_unit_chart

    long_name = "Sekretariat Komisi Pemilihan Umum Kabupaten Penukal Abab Lematang Ilir"
    sizes = {}
    for units in (3, 30, 400):
        per_unit = tuple((f"{long_name} {n:03d}", 1000 - n) for n in range(units))
        facts = dataclasses.replace(year_2025(), per_unit=per_unit)
        chart = items_per_unit_chart(facts, tmp_path / str(units))
        assert chart.categories == tuple(name for name, _ in per_unit)
        sizes[units] = _png_size(chart.path.read_bytes())
        # one bar per unit: the bar colour covers about the sum of the values' lengths
        assert _pixels_of(chart.path, "#1f5f8b") > 0
    assert sizes[3] == (WIDTH, HEIGHT)
    assert sizes[30][0] == WIDTH and HEIGHT < sizes[30][1] < MAX_HEIGHT
    assert sizes[400] == (WIDTH, MAX_HEIGHT)


def test_a_count_of_one_beside_thousands_is_still_a_bar(tmp_path: Path) -> None:
    from ppid_batch.reports.charts import OUTCOME_COLOURS

    facts = dataclasses.replace(year_2025(), approved=13334, refused=1, pending=0)
    facts = dataclasses.replace(facts, per_unit=((HUKUM, 13334), (TEKNIS, 1)))
    months = tuple((m, (("Berkala", 13334 if m == 11 else 1 if m == 1 else 0),))
                   for m in range(1, 13))  # fmt: skip
    charts = write_charts(dataclasses.replace(facts, per_month_jenis=months), tmp_path)
    # the one refused: a bar a pixel or two wide and as tall as the others
    assert _pixels_of(charts["keputusan"].path, OUTCOME_COLOURS[1]) >= 50
    assert charts["per_bulan"].series == (("Berkala", (1, *[0] * 9, 13334, 0)),)
    assert charts["per_unit"].series == (("Jumlah", (13334, 1)),)


def test_the_charts_are_drawn_in_the_font_the_package_ships() -> None:
    """DejaVu Sans ships in the package with its licence, so a chart's pixels do not depend
    on which version of another library (matplotlib's copy, before) is installed, and
    drawing the charts needs no library that is not a dependency."""
    import subprocess
    import sys

    from PIL import ImageFont

    from ppid_batch.reports.charts import FONT_FILE

    assert FONT_FILE.is_file() and (FONT_FILE.parent / "LICENSE_DEJAVU").is_file()
    assert FONT_FILE.is_relative_to(Path(__import__("ppid_batch").__file__).parent)
    assert ImageFont.truetype(str(FONT_FILE), 12).getname() == ("DejaVu Sans", "Book")
    code = (
        "import sys, tempfile, pathlib\n"
        "from reports_util import year_2025\n"
        "from ppid_batch.reports.charts import items_per_month_chart\n"
        "items_per_month_chart(year_2025(), pathlib.Path(tempfile.mkdtemp()))\n"
        "print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))\n"
    )
    tests = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=tests, env={"PYTHONPATH": str(tests), "PATH": ""},
    )  # fmt: skip
    assert done.stdout.split() == ["['PIL']"]
