"""Benchmark: is a night linear? Its ratio to its irreducible parts at two sizes, in turns.

    python bench/bench_scaling.py                      # 10,000 and 40,000 rows, 3 rounds
    python bench/bench_scaling.py --rounds 5 --nights 1
    python bench/bench_scaling.py --sizes 20 80        # forms per size (200 rows each)

Issue 15's target: the ratio of a night to the sum of its irreducible parts (bench_night.py:
python-calamine reading the inputs, xlsxwriter writing the same cells, docxtpl rendering
the same documents from a minimal template) at 10,000 rows within 20% of the ratio at
40,000 rows. One run of bench_night.py per size is not enough to tell: on a shared 2-core
machine the same night's wall time varies by ±15% from run to run, and its floor as much,
so two single ratios can differ by 30% with nothing changed. Here each round runs both
sizes one after the other (night 1 on a fresh workspace and, with --nights 2, night 2 on
its signed approval sheet), each night and its floor measured as bench_night.py does (each
in a process of its own), and the verdict takes each size's median ratio over the rounds.

Printed per size: every round's night, floor and ratio, then the medians; then the night's
own growth (median night at the larger size over the smaller) and the floor's, part by
part. A night that grows as its rows do while its floor grows faster has a smaller ratio
at the larger size without being any less linear, and that is what is measured here
(docs/batch.md, "Cost at national scale"): docxtpl's own cost per table row rises with
the table (about 70 µs a row in a 10,000-row table, 128 in a 40,000-row one, 165 in an
80,000-row one: `bench_night.docxtpl_render`), and the approval sheet's near-duplicate
notes hold more matches per item in a denser register (2.37 million characters for
10,000 rows, 11.0 million for 40,000), which xlsxwriter writes.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

import bench_night as bn

ROWS = 200
UNITS = 50


def night_and_floor(
    ws: Path, now: dt.datetime, inputs: list[Path], before: set[Path], scratch: Path,
    register: Path | None,
) -> Figures:  # fmt: skip
    """One night as bench_night measures it: without its print pack, against its floor."""
    took, _cpu, _stages, _summary, pack = bn.run_night(ws, now)
    outputs = bn.outputs_since(ws, before)
    parts, _floor_cpu, _aside = bn.irreducible(inputs, outputs, scratch, register)
    parts.pop("soffice", None)
    return Figures(took - pack, parts)


@dataclasses.dataclass(frozen=True)
class Figures:
    night: float
    parts: dict[str, float]  # the floor's parts (calamine, xlsxwriter, docxtpl)

    @property
    def floor(self) -> float:
        return sum(self.parts.values())

    @property
    def ratio(self) -> float:
        return self.night / self.floor


def one_round(base: Path, forms: list[Path], nights: int) -> list[tuple[float, float, float]]:
    """Night 1 (and night 2) on a fresh workspace under `base`."""
    from ppid_batch.batch.demo import fill_approval_sheet

    ws = base / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    bn.make_workspace(ws, settle=0)
    bn.drop(ws, forms)
    got = [night_and_floor(ws, bn.NIGHT_1, forms, set(), base / "floor",
                           ws / "var" / "ppid.sqlite")]  # fmt: skip
    if nights > 1:
        before = set(bn.outputs_since(ws, set()))
        (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
        signed = base / "Persetujuan-ditandatangani.xlsx"
        fill_approval_sheet(sheet, signed, atasan=bn.ATASAN, day=dt.date(2026, 11, 23))
        bn.drop(ws, [signed])
        got.append(night_and_floor(ws, bn.NIGHT_2, [signed], before, base / "floor", None))
    shutil.rmtree(ws)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(50, 200),
                        help="forms of 200 rows at the smaller and the larger size")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nights", type=int, choices=(1, 2), default=2)
    args = parser.parse_args()
    bn.compile_package()
    base = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    sizes = list(args.sizes)
    forms = {n: bn.write_forms(base / f"forms-{n}", n, ROWS, UNITS) for n in sizes}
    print(f"sizes: {', '.join(f'{n * ROWS:,} rows' for n in sizes)}; {args.rounds} rounds; "
          f"load: {os.getloadavg()[0]:.1f}")  # fmt: skip
    seen: dict[tuple[int, int], list[Figures]] = {}
    for k in range(args.rounds):
        for n in sizes:
            for night, got in enumerate(one_round(base / f"ws-{n}", forms[n], args.nights), 1):
                seen.setdefault((night, n), []).append(got)
                print(f"round {k + 1}, {n * ROWS:,} rows, night {night}: {got.night:.2f} s, "
                      f"irreducible {got.floor:.2f} s → ratio {got.ratio:.2f}")  # fmt: skip
    small, large = sizes
    grew = large / small

    def median(night: int, n: int, of: Callable[[Figures], float]) -> float:
        return statistics.median(of(f) for f in seen[(night, n)])

    for night in range(1, args.nights + 1):
        for n in sizes:
            ratios = ", ".join(f"{f.ratio:.2f}" for f in seen[(night, n)])
            print(f"night {night}, {n * ROWS:,} rows: median night "
                  f"{median(night, n, lambda f: f.night):.2f} s, irreducible "
                  f"{median(night, n, lambda f: f.floor):.2f} s, ratio "
                  f"{median(night, n, lambda f: f.ratio):.2f} (rounds: {ratios})")  # fmt: skip
        apart = median(night, small, lambda f: f.ratio) / median(night, large, lambda f: f.ratio)
        own = median(night, large, lambda f: f.night) / median(night, small, lambda f: f.night)
        print(f"night {night}: ratio at {small * ROWS:,} / ratio at {large * ROWS:,} = "
              f"{apart:.2f} ({'within' if abs(apart - 1) <= 0.2 else 'NOT within'} 20%); "
              f"the night itself ×{own:.2f} for ×{grew:.0f} rows "
              f"({'within' if own <= grew * 1.2 else 'NOT within'} 20% of linear)")  # fmt: skip
        parts = ", ".join(
            f"{part} ×{median(night, large, lambda f, p=part: f.parts[p]) / base_:.2f}"
            for part in seen[(night, small)][0].parts
            if (base_ := median(night, small, lambda f, p=part: f.parts[p])) > 0.05
        )
        floor = median(night, large, lambda f: f.floor) / median(night, small, lambda f: f.floor)
        print(f"  irreducible ×{floor:.2f} ({parts})")
    print(f"load: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(base)


if __name__ == "__main__":
    main()
