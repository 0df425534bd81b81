"""Benchmark: a no-op nightly run (nothing new in input/) end to end, as cron starts it.

Runs `python -m ppid_batch run` on an empty workspace several times and prints the
median wall time, and which heavy libraries the no-op run imported (it should be none).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 15
HEAVY = (
    "openpyxl",
    "docxtpl",
    "PIL",
    "matplotlib",
    "numpy",
    "rapidfuzz",
    "xlsxwriter",
    "sqlalchemy",
)
PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['ppid-batch', 'run', '--workspace', sys.argv[1]]\n"
    "try:\n"
    "    runpy.run_module('ppid_batch', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
)


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="ppid-bench-") as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run(
            [sys.executable, "-m", "ppid_batch", "init", str(ws)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        cmd = [sys.executable, "-m", "ppid_batch", "run", "--workspace", str(ws)]
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            assert proc.returncode == 0, proc.stderr
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, str(ws)], env=env, capture_output=True, text=True
        )
        marks = [x for x in probe.stdout.splitlines() if x.startswith("HEAVY=")]
        heavy = marks[-1].removeprefix("HEAVY=") if marks else "?"
        bare = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
    print(
        f"no-op nightly run: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f} ms, {REPEAT} runs); "
        f"bare interpreter start {statistics.median(bare) * 1000:.0f} ms; "
        f"heavy libraries imported: {heavy or 'none'}"
    )


if __name__ == "__main__":
    main()
