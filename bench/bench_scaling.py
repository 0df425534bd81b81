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
own growth (median night at the larger size over the smaller) beside the floor's: a night
that grows as its rows do while its floor grows faster (xlsxwriter's cost per cell rises
with a larger sheet and the longer near-duplicate notes of a denser register) has a
smaller ratio at the larger size without being any less linear.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import tempfile
from pathlib import Path

import bench_night as bn

ROWS = 200
UNITS = 50


def night_and_floor(
    ws: Path, now: dt.datetime, inputs: list[Path], before: set[Path], scratch: Path,
    register: Path | None,
) -> tuple[float, float, float]:  # fmt: skip
    """(night without its print pack, floor, ratio) of one night, as bench_night measures."""
    took, _cpu, _stages, _summary, pack = bn.run_night(ws, now)
    outputs = bn.outputs_since(ws, before)
    parts, _floor_cpu, _aside = bn.irreducible(inputs, outputs, scratch, register)
    parts.pop("soffice", None)
    floor = sum(parts.values())
    return took - pack, floor, (took - pack) / floor


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
    seen: dict[tuple[int, int], list[tuple[float, float, float]]] = {}
    for k in range(args.rounds):
        for n in sizes:
            for night, figures in enumerate(one_round(base / f"ws-{n}", forms[n], args.nights), 1):
                seen.setdefault((night, n), []).append(figures)
                took, floor, ratio = figures
                print(f"round {k + 1}, {n * ROWS:,} rows, night {night}: {took:.2f} s, "
                      f"irreducible {floor:.2f} s → ratio {ratio:.2f}")  # fmt: skip
    small, large = sizes
    for night in range(1, args.nights + 1):
        med = {
            n: tuple(statistics.median(f[i] for f in seen[(night, n)]) for i in range(3))
            for n in sizes
        }
        for n in sizes:
            took, floor, ratio = med[n]
            ratios = ", ".join(f"{f[2]:.2f}" for f in seen[(night, n)])
            print(f"night {night}, {n * ROWS:,} rows: median night {took:.2f} s, irreducible "
                  f"{floor:.2f} s, ratio {ratio:.2f} (rounds: {ratios})")  # fmt: skip
        apart = med[small][2] / med[large][2]
        print(f"night {night}: ratio at {small * ROWS:,} / ratio at {large * ROWS:,} = "
              f"{apart:.2f} ({'within' if abs(apart - 1) <= 0.2 else 'NOT within'} 20%); "
              f"growth ×{large / small:.0f} rows: night ×{med[large][0] / med[small][0]:.2f}, "
              f"irreducible ×{med[large][1] / med[small][1]:.2f}")  # fmt: skip
    print(f"load: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(base)


if __name__ == "__main__":
    main()
