"""The annual report's charts (SOP record: laporan tahunan), drawn as deterministic PNGs.

Each chart function returns a `Chart`: the PNG path and the exact numbers
drawn, so tests check the data rather than pixels. The bars, axes and text are
drawn with Pillow in DejaVu Sans, whose font file ships in the package (fonts/, with
its licence): importing matplotlib and laying its figures out cost a night about
1.5 s of CPU for three bar charts, Pillow about 0.1 s. The PNG holds nothing but
the pixels and its resolution, and the font is the package's own, not whichever
version another library installed: the same data gives the same bytes everywhere.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dates import MONTH_NAMES
from ..files import atomic_write_bytes
from .facts import AnnualFacts

SIZE_INCHES = (8.0, 4.5)
DPI = 120
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
# so nothing is drawn when no chart changed; `draw_always` draws.
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


WIDTH, HEIGHT = int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI)
MAX_HEIGHT = 1380  # a chart of many units grows to about a page of the report, not more
INK = (38, 38, 38)
GREY = (102, 102, 102)
PAD = 12  # pixels between the picture's edge and its text
TICK = 6  # length of a tick mark
TITLE_PX, TEXT_PX, SMALL_PX = 19, 16, 15  # 11.4, 9.6 and 9 points at 120 dpi
UNIT_ROW_PX = 24  # the pitch of a unit's bar that still reads at the report's size


# DejaVu Sans 2.35 (Bitstream Vera licence, fonts/LICENSE_DEJAVU), the file matplotlib
# ships, which drew these charts before.
FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans.ttf"


@functools.lru_cache(maxsize=16)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_FILE), size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _width(text: str, size: int) -> int:
    return math.ceil(_font(size).getlength(text))


def _nice_ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 covering `top`: a step of 1, 2 or 5 times a power of ten,
    at most 8 steps (matplotlib's MaxNLocator(integer=True), near enough)."""
    if top <= 0:
        return [0, 1]
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if math.ceil(top / step) <= 8:
                return list(range(0, step * math.ceil(top / step) + 1, step))
        power *= 10


class _Canvas:
    """A white picture with the axes' frame in it: where values go, and the text drawn."""

    def __init__(self, height: int = HEIGHT) -> None:
        from PIL import Image, ImageDraw

        self.image = Image.new("RGB", (WIDTH, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.height = height

    def text(self, xy: tuple[float, float], text: str, size: int = TEXT_PX,
             anchor: str = "la", fill: tuple[int, int, int] = INK) -> None:  # fmt: skip
        self.draw.text((round(xy[0]), round(xy[1])), text, font=_font(size), fill=fill,
                       anchor=anchor)  # fmt: skip

    def lines(self, x: float, y: float, lines: Sequence[str], size: int, anchor: str) -> None:
        """Lines of text centred on y as a block, aligned on x by `anchor` ('r' or 'l')."""
        pitch = round(size * 1.2)
        first = y - pitch * (len(lines) - 1) / 2
        for n, line in enumerate(lines):
            self.text((x, first + n * pitch), line, size, anchor + "m")

    def bar(self, x0: float, y0: float, x1: float, y1: float, colour: tuple[int, int, int]) -> None:
        """A bar over [x0, x1) × [y0, y1), at least one pixel each way: a count of one
        beside thousands is still seen."""
        left, top = round(x0), round(y0)
        right, bottom = max(left, round(x1) - 1), max(top, round(y1) - 1)
        self.draw.rectangle([left, top, right, bottom], fill=colour)

    def vertical_text(self, x: float, y: float, text: str, size: int = TEXT_PX) -> None:
        """Text turned a quarter left, its middle at (x, y)."""
        from PIL import Image, ImageDraw

        font = _font(size)
        box = font.getbbox(text, anchor="ls")
        strip = Image.new("L", (box[2] - box[0] + 2, box[3] - box[1] + 2), 0)
        ImageDraw.Draw(strip).text((1 - box[0], 1 - box[1]), text, font=font, fill=255,
                                   anchor="ls")  # fmt: skip
        turned = strip.rotate(90, expand=True)
        at = (round(x - turned.width / 2), round(y - turned.height / 2))
        self.image.paste(Image.new("RGB", turned.size, INK), at, turned)

    def title(self, title: str) -> int:
        """The title centred at the top; returns where the axes may begin."""
        self.text((WIDTH / 2, PAD), title, TITLE_PX, "ma")
        return PAD + TITLE_PX + 16

    def frame(self, left: int, top: int, right: int, bottom: int) -> None:
        """The left and bottom spines (the top and right ones are left out)."""
        self.draw.line([(left, top), (left, bottom)], fill=INK, width=1)
        self.draw.line([(left, bottom), (right, bottom)], fill=INK, width=1)

    def empty_note(self, left: int, top: int, right: int, bottom: int) -> None:
        self.text(((left + right) / 2, (top + bottom) / 2), "Tidak ada data", 20, "mm", GREY)

    def png(self, path: Path) -> Path:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", dpi=(DPI, DPI))
        return atomic_write_bytes(path, buf.getvalue())


def items_per_month_chart(
    facts: AnnualFacts, out_dir: Path, render: ChartRenderer = draw_always
) -> Chart:
    """Stacked bars: items received per month, one colour per jenis."""
    categories, series = per_month_data(facts)
    title = f"Informasi yang Didaftarkan per Bulan Menurut Jenis, Tahun {facts.year}"

    def draw(path: Path) -> Path:
        totals = [sum(v[m] for _, v in series) for m in range(len(categories))]
        canvas = _Canvas()
        top = canvas.title(title)
        ticks = _nice_ticks(max(totals, default=0) * 1.05)
        tick_w = max(_width(str(t), TEXT_PX) for t in ticks)
        left = PAD + TEXT_PX + 10 + tick_w + TICK + 6
        # The legend stands right of the bars, so it never hides the tallest month.
        shown = [label for label, _ in series] if any(totals) else []
        legend_w = (
            max(
                [_width("Jenis informasi", SMALL_PX)]
                + [24 + _width(label, SMALL_PX) for label in shown]
            )
            if shown
            else 0
        )
        right = WIDTH - PAD - (legend_w + 20 if shown else 0)
        bottom = HEIGHT - PAD - 2 * TEXT_PX - 16
        scale = (bottom - top) / ticks[-1]
        slot = (right - left) / len(categories)
        for n, category in enumerate(categories):
            x0 = left + slot * (n + 0.15)
            x1 = left + slot * (n + 0.85)
            base = 0
            for label, values in series:
                if values[n]:
                    y1 = bottom - base * scale
                    y0 = bottom - (base + values[n]) * scale
                    colour = _rgb(JENIS_COLOURS.get(label, BAR_COLOUR))
                    canvas.bar(x0, y0, x1, y1, colour)
                    base += values[n]
            centre = left + slot * (n + 0.5)
            canvas.draw.line([(round(centre), bottom), (round(centre), bottom + TICK)], fill=INK)
            canvas.text((centre, bottom + TICK + 4), category, TEXT_PX, "ma")
        for t in ticks:
            y = round(bottom - t * scale)
            canvas.draw.line([(left - TICK, y), (left, y)], fill=INK)
            canvas.text((left - TICK - 4, y), str(t), TEXT_PX, "rm")
        canvas.frame(left, top, right, bottom)
        canvas.text(((left + right) / 2, HEIGHT - PAD), "Bulan", TEXT_PX, "md")
        canvas.vertical_text(PAD + TEXT_PX / 2, (top + bottom) / 2, "Jumlah informasi")
        if shown:
            x = right + 20
            canvas.text((x, top), "Jenis informasi", SMALL_PX, "la")
            for n, label in enumerate(shown, 1):
                y = top + n * (SMALL_PX + 9)
                colour = _rgb(JENIS_COLOURS.get(label, BAR_COLOUR))
                canvas.draw.rectangle([x, y + 2, x + 15, y + SMALL_PX - 2], fill=colour)
                canvas.text((x + 24, y + SMALL_PX / 2), label, SMALL_PX, "lm")
        else:
            canvas.empty_note(left, top, right, bottom)
        return canvas.png(path)

    path = out_dir / CHART_FILES["per_bulan"].format(year=facts.year)
    # The inputs name everything draw() shows (the colours and layout are the code's).
    render(f"grafik/{path.name}", (path, title, categories, series), lambda: [draw(path)])
    return Chart(path, title, categories, series)


def _label(name: str, two_lines: bool) -> list[str]:
    """A bar's label: wrapped into two lines of LABEL_WIDTH, or one; cut with … if longer."""
    if not two_lines:
        return [textwrap.shorten(name, 48, placeholder="…")]
    lines = textwrap.wrap(name, LABEL_WIDTH) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_WIDTH, placeholder="…")]
    return lines


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

    def draw(path: Path) -> Path:
        # A chart of many units grows taller (up to MAX_HEIGHT) so each bar keeps a label
        # that reads; past that the labels get smaller rather than the chart overflowing.
        height = min(MAX_HEIGHT, max(HEIGHT, 130 + UNIT_ROW_PX * len(categories)))
        canvas = _Canvas(height)
        top = canvas.title(title)
        bottom = height - PAD - 2 * TEXT_PX - 16
        pitch = (bottom - top) / max(len(categories), 1)
        size = max(7, min(TEXT_PX, int(pitch * 0.75)))
        # Long unit names are wrapped when two lines fit the bar's pitch, else cut.
        two_lines = pitch >= 2.4 * size
        labels = [_label(c, two_lines) for c in categories]
        label_w = max((_width(line, size) for lines in labels for line in lines), default=0)
        left = PAD + label_w + TICK + 6
        right = WIDTH - PAD
        ticks = _nice_ticks(max(values, default=0) * 1.15 or 1)
        top_value = max(values, default=0) * 1.15 or 1
        ticks = [t for t in ticks if t <= top_value] or [0]
        scale = (right - left) / top_value
        for n, (lines, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
            centre = top + pitch * (n + 0.5)
            half = pitch * 0.4
            if value:
                canvas.bar(
                    left + 1, centre - half, left + value * scale, centre + half, _rgb(colour)
                )
            canvas.draw.line([(left - TICK, round(centre)), (left, round(centre))], fill=INK)
            canvas.lines(left - TICK - 4, centre, lines, size, "r")
            canvas.text((left + value * scale + 4, centre), str(value), min(size, SMALL_PX),
                        "lm")  # fmt: skip
        for t in ticks:
            x = round(left + t * scale)
            canvas.draw.line([(x, bottom), (x, bottom + TICK)], fill=INK)
            canvas.text((x, bottom + TICK + 4), str(t), TEXT_PX, "ma")
        canvas.frame(left, top, right, bottom)
        canvas.text(((left + right) / 2, height - PAD), xlabel, TEXT_PX, "md")
        if not categories:
            canvas.empty_note(left, top, right, bottom)
        return canvas.png(path)

    inputs = (path, title, xlabel, categories, values, tuple(colours))
    render(f"grafik/{path.name}", inputs, lambda: [draw(path)])
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
