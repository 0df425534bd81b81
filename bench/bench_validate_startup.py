"""Benchmark: `ppid-batch validate` of one small form, as a clerk runs it (a fresh process).

    python bench/bench_validate_startup.py [--runs 7] [--form examples/Form-DIP-….xlsx]

Times the CPU (user + system) of each child process from getrusage(RUSAGE_CHILDREN), so a
busy machine's waiting does not count, for
1. the bare interpreter (`python -c pass`): the floor;
2. `python -m ppid_batch --help`;
3. `python -m ppid_batch validate FORM` (the check: intake, reading, rules; no pandas);
4. the same with `--json`;
and prints the ten slowest imports of one validate run from `python -X importtime`.
Target: validate well under one second of CPU on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / "ppid_batch" / "examples" / "Form-DIP-Keuangan-Umum-Logistik.xlsx"


def cpu_of(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_times(cmd: list[str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module as indented by Python) of every import of a run."""
    err = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, check=False
    ).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        try:
            rows.append((int(parts[1]), parts[2].rstrip()))
        except ValueError:
            continue  # the header line
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--form", type=Path, default=FORM)
    args = parser.parse_args()
    py = sys.executable
    env_note = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    cases = {
        "bare interpreter": [py, "-c", "pass"],
        "ppid-batch --help": [py, "-m", "ppid_batch", "--help"],
        "validate FORM": [py, "-m", "ppid_batch", "validate", str(args.form)],
        "validate FORM --json": [py, "-m", "ppid_batch", "validate", "--json", str(args.form)],
    }
    print(f"CPU seconds per process (user + system), best and median of {args.runs}; {env_note}")
    for name, cmd in cases.items():
        cpu_of(cmd)  # warm the file cache
        times = [cpu_of(cmd) for _ in range(args.runs)]
        print(f"  {name:24s}: best {min(times):.2f} s   median {statistics.median(times):.2f} s")
    imports = import_times(cases["validate FORM"])
    print("slowest imports of one validate run (cumulative, python -X importtime):")
    for micros, module in sorted(imports, reverse=True)[:10]:
        print(f"  {micros / 1000:7.1f} ms  {module}")
    heavy = ("pandas", "pandera", "numpy", "sqlalchemy", "docxtpl", "matplotlib", "openpyxl")
    loaded = sorted({m for m in heavy for _, module in imports if module.strip() == m})
    print(f"heavy libraries imported by validate: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
