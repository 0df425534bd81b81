"""The annual report's charts (SOP record: laporan tahunan), drawn as deterministic PNGs.

Each chart function returns a `Chart`: the PNG path and the exact numbers
drawn, so tests check the data rather than pixels. matplotlib is imported
lazily (it costs about a second) and used through its object API with the
Agg canvas, never pyplot, so no global backend or figure state is touched.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dates import MONTH_NAMES
from ..files import atomic_write_bytes
from .facts import AnnualFacts

SIZE_INCHES = (8.0, 4.5)
DPI = 120
FONT = "DejaVu Sans"  # shipped with matplotlib: the same glyphs on every machine
# One colour per jenis, fixed so a chart reads the same every year.
JENIS_COLOURS = {
    "Berkala": "#1f5f8b",
    "Serta Merta": "#e07b39",
    "Setiap Saat": "#3a9d5d",
    "Dikecualikan": "#b23a48",
}
OUTCOME_COLOURS = ("#3a9d5d", "#b23a48", "#9a9a9a")
BAR_COLOUR = "#1f5f8b"
LABEL_WIDTH = 28  # characters per line of a bar's label
MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)
CHART_FILES = {
    "per_bulan": "Grafik-{year}-Informasi-per-Bulan.png",
    "per_unit": "Grafik-{year}-Informasi-per-Unit.png",
    "keputusan": "Grafik-{year}-Keputusan.png",
}


# (slot, the inputs the chart is drawn from, draw it) → the chart's files. The night passes
# its output memo's `render`, which skips drawing a chart whose inputs and PNG are those of
# the last night (a night that only applies approvals changes the Keputusan chart alone),
# so matplotlib is not even imported when no chart changed; `draw_always` draws.
ChartRenderer = Callable[[str, Sequence[Any], Callable[[], Iterable[Path]]], Iterable[Path]]


def draw_always(
    slot: str, inputs: Sequence[Any], write: Callable[[], Iterable[Path]]
) -> list[Path]:
    return list(write())


@dataclass(frozen=True)
class Chart:
    """A drawn chart: where it is, its title, and the numbers behind it."""

    path: Path
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (label, one value per category)


def per_month_data(
    facts: AnnualFacts,
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]:
    categories = tuple(MONTH_ABBR[m - 1] for m, _ in facts.per_month_jenis) or MONTH_ABBR
    jenis = [j for j, _ in facts.per_month_jenis[0][1]] if facts.per_month_jenis else []
    series = tuple(
        (j, tuple(dict(counts)[j] for _, counts in facts.per_month_jenis)) for j in jenis
    )
    return categories, series


def _render(draw, path: Path) -> Path:  # type: ignore[no-untyped-def]
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    style: Any = {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "ppid-batch",
    }
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # A unit named in a script the chart font lacks (Devanagari, Arabic…) draws as
        # boxes on the chart; the report's tables still carry the name. Not worth a stop.
        warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from font", UserWarning)
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw(ax)
        fig.tight_layout()
        buf = io.BytesIO()
        # Software=None drops the version stamp: the same data gives the same bytes.
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return atomic_write_bytes(path, buf.getvalue())


def _empty_note(ax, empty: bool) -> None:  # type: ignore[no-untyped-def]
    if empty:
        ax.text(
            0.5, 0.5, "Tidak ada data", transform=ax.transAxes, ha="center", va="center",
            color="#666666", fontsize=12,
        )  # fmt: skip


def _integer_axis(ax, axis: str) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.ticker import MaxNLocator

    getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))


def items_per_month_chart(
    facts: AnnualFacts, out_dir: Path, render: ChartRenderer = draw_always
) -> Chart:
    """Stacked bars: items received per month, one colour per jenis."""
    categories, series = per_month_data(facts)
    title = f"Informasi yang Didaftarkan per Bulan Menurut Jenis, Tahun {facts.year}"

    def draw(ax) -> None:  # type: ignore[no-untyped-def]
        bottom = [0] * len(categories)
        for label, values in series:
            ax.bar(
                categories, values, bottom=bottom, label=label,
                color=JENIS_COLOURS.get(label, BAR_COLOUR), width=0.7,
            )  # fmt: skip
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(title)
        ax.set_xlabel("Bulan")
        ax.set_ylabel("Jumlah informasi")
        _integer_axis(ax, "y")
        if any(bottom):
            ax.legend(title="Jenis informasi", frameon=False, fontsize=9)
        else:
            ax.set_ylim(0, 1)
        _empty_note(ax, not any(bottom))

    path = out_dir / CHART_FILES["per_bulan"].format(year=facts.year)
    # The inputs name everything draw() shows (the colours and layout are the code's).
    render(f"grafik/{path.name}", (path, title, categories, series), lambda: [_render(draw, path)])
    return Chart(path, title, categories, series)


def _hbar_chart(
    title: str,
    xlabel: str,
    pairs: Sequence[tuple[str, int]],
    path: Path,
    colours: Sequence[str],
    render: ChartRenderer,
) -> Chart:
    categories = tuple(k for k, _ in pairs)
    values = tuple(v for _, v in pairs)

    def draw(ax) -> None:  # type: ignore[no-untyped-def]
        # Reversed so the first category sits on top, as it is read; long unit names are
        # wrapped so the bars keep most of the width.
        labels = [textwrap.fill(c, LABEL_WIDTH) for c in reversed(categories)]
        ax.barh(range(len(labels)), list(reversed(values)), color=list(reversed(colours)))
        ax.set_yticks(range(len(labels)), labels)
        for y, v in enumerate(reversed(values)):
            ax.text(v, y, f" {v}", va="center", fontsize=9)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        _integer_axis(ax, "x")
        if not any(values):
            ax.set_xlim(0, 1)
        else:
            ax.set_xlim(0, max(values) * 1.15)
        _empty_note(ax, not categories)

    inputs = (path, title, xlabel, categories, values, tuple(colours))
    render(f"grafik/{path.name}", inputs, lambda: [_render(draw, path)])
    return Chart(path, title, categories, (("Jumlah", values),))


def items_per_unit_chart(
    facts: AnnualFacts, out_dir: Path, render: ChartRenderer = draw_always
) -> Chart:
    """Horizontal bars: items registered per unit kerja, largest first."""
    return _hbar_chart(
        f"Informasi yang Didaftarkan per Unit Kerja, Tahun {facts.year}",
        "Jumlah informasi",
        facts.per_unit,
        out_dir / CHART_FILES["per_unit"].format(year=facts.year),
        [BAR_COLOUR] * len(facts.per_unit),
        render,
    )


def outcomes_chart(facts: AnnualFacts, out_dir: Path, render: ChartRenderer = draw_always) -> Chart:
    """Bars: approved, refused and still pending at the end of the year."""
    return _hbar_chart(
        f"Keputusan Atasan PPID atas Informasi yang Didaftarkan, Tahun {facts.year}",
        "Jumlah informasi",
        facts.outcomes,
        out_dir / CHART_FILES["keputusan"].format(year=facts.year),
        OUTCOME_COLOURS,
        render,
    )


def write_charts(
    facts: AnnualFacts, out_dir: Path, render: ChartRenderer = draw_always
) -> dict[str, Chart]:
    """All three charts of the annual report, keyed like CHART_FILES; `render` may skip
    drawing a chart whose PNG is already there from the same inputs (ChartRenderer)."""
    return {
        "per_bulan": items_per_month_chart(facts, out_dir, render),
        "per_unit": items_per_unit_chart(facts, out_dir, render),
        "keputusan": outcomes_chart(facts, out_dir, render),
    }
