"""Benchmark: near-duplicates across units, the old pairwise loop vs the vectorised search.

    python bench/bench_similar.py [--sizes 1000,5000,20000] [--old-up-to 5000] [--corpus both]
                                  [--threshold 85]

Two registers of each size:
- "varied": five units, Indonesian ringkasan of which about a third are another clerk's
  variant of an earlier one (case, spacing, word order, a typo), a quarter pending
  (tests/similar_util.corpus, the corpus the equality tests use);
- "national" (only when asked, --corpus national): fifty KPU units writing their own
  documents, a third another unit's variant, all pending (night 1 of a national
  register; tests/similar_util.national_corpus). Above 2 million pairs the candidate
  index is used: "same" compares with the old loop only up to --old-up-to;
- "qa": QA's reproducer (/tmp/qa/sim_bench.py), two units and "Informasi nomor i tentang
  kegiatan i%37" for every item, all pending: every cross-unit pair scores ≥ 85, the
  worst case for building the notes.
For each: wall time of near_duplicates (all × all), approval_notes (pending × all) and
count_pairs (the annual report), at --threshold (85), new code, each call as a night's
first (what similar keeps of the last register let go: cold()); the old loop
(tests/similar_util.reference_*) only up to --old-up-to items (it takes minutes beyond),
with a check that both give the same result (when they differ, the share of the pairs the
new code found or of its notes word for word the old's: the index's recall). Times are
wall-clock (cdist uses every core); "traced MB" is tracemalloc's peak over a second run
of the new code (Python objects and numpy arrays); the process's maximum RSS is printed at
the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from similar_util import (  # noqa: E402
    corpus,
    national_corpus,
    reference_approval_notes,
    reference_count_pairs,
    reference_near_duplicates,
)

from ppid_batch.models import RegisterItem  # noqa: E402
from ppid_batch.register import similar  # noqa: E402
from ppid_batch.register.similar import approval_notes, count_pairs, near_duplicates  # noqa: E402

THRESHOLD = 85


def qa_corpus(n: int) -> list[RegisterItem]:
    base = corpus(1, 0)[0]
    return [
        replace(
            base,
            id=f"DIP-2026-{i:05d}",
            unit="Subbagian Teknis" if i % 2 else "Subbagian Hukum",
            ringkasan=f"Informasi nomor {i} tentang kegiatan {i % 37}",
            status="pending",
        )
        for i in range(n)
    ]


def cold() -> None:
    """Let go of what similar keeps of the last register (its index's pairs, its corpus,
    its sorted words): each function is timed and traced as a night's first call."""
    similar._LAST = None
    similar._LAST_CORPUS = None
    similar._TEXTS = {}


def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    cold()
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--old-up-to", type=int, default=5000)
    parser.add_argument("--corpus", choices=["varied", "qa", "national", "both"], default="both")
    parser.add_argument("--threshold", type=int, default=THRESHOLD)
    args = parser.parse_args()
    kinds = ["varied", "qa"] if args.corpus == "both" else [args.corpus]
    pairs = [
        ("near_duplicates", near_duplicates, reference_near_duplicates),
        ("approval_notes", approval_notes, reference_approval_notes),
        ("count_pairs", count_pairs, reference_count_pairs),
    ]
    print(
        f"{'corpus':7} {'items':>6} {'function':16} {'old s':>8} {'new s':>8} {'traced MB':>9} same"
    )
    for kind in kinds:
        for n in (int(s) for s in args.sizes.split(",")):
            if kind == "national":
                items = national_corpus(n, 1, pending=1.0)
            else:
                items = corpus(n, 1, pending=0.25) if kind == "varied" else qa_corpus(n)
            for name, new, old in pairs:
                new_s, got = timed(new, items, args.threshold)
                # A second, traced run for the peak: tracing would slow the timed one.
                cold()
                tracemalloc.start()
                new(items, args.threshold)
                peak = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
                old_s, same = float("nan"), "-"
                if n <= args.old_up_to:
                    old_s, expected = timed(old, items, args.threshold)
                    same = "yes" if expected == got else "NO"
                    if expected != got and isinstance(got, int):  # the index's recall
                        same += f" ({100 * got / expected:.2f}% of the pairs)"
                    elif expected != got:
                        alike = len(set(got.items()) & set(expected.items()))
                        same += f" ({100 * alike / len(expected):.2f}% of the notes identical)"
                print(
                    f"{kind:7} {n:6} {name:16} {old_s:8.2f} {new_s:8.2f} {peak:9.0f} {same}",
                    flush=True,
                )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
