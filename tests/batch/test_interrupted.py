"""The morning after an interrupted night: its decisions, Nota Dinas and arahan are reported."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from batch_util import ATASAN, NIGHT_1, NIGHT_2, drop, examples, last_line, make_workspace, run_cli
from paths import ROOT, TESTS

from ppid_batch.batch.demo import DECIDED_ON, fill_approval_sheet

pytestmark = pytest.mark.slow

NIGHT_3 = "2026-11-25T01:00:00"


def _killed(ws: Path, now: str, kill_at: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(TESTS / "killswitch.py"), kill_at, "run", "-w", str(ws), "--now", now],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr


def _runs(ws: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        return conn.execute("SELECT id, status FROM runs ORDER BY id").fetchall()


def _record(ws: Path, output: str) -> dict[str, object]:
    page = last_line(output).rsplit("Ringkasan: ", 1)[1].strip()
    return json.loads((ws / page).with_name("run.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "kill_at",
    [
        "register:1",  # the sheet's decisions committed, no Nota Dinas numbered yet
        "hasil:3",  # Nota Dinas numbered, documents half written
        "catatan:0",  # everything written and archived, the summary not
    ],
)
def test_the_next_night_reports_what_an_interrupted_night_decided(
    tmp_path: Path, kill_at: str
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    form = next(p for p in examples() if "Keuangan" in p.name)
    drop(ws, [form])
    assert run_cli(ws, now=NIGHT_1).exit_code == 0
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    approved, refused = fill_approval_sheet(
        sheet, ws / "input" / "Persetujuan-diisi.xlsx", atasan=ATASAN, day=DECIDED_ON
    )
    assert approved and len(refused) == 1

    _killed(ws, NIGHT_2, kill_at)
    assert _runs(ws) == [(1, "ok"), (2, "running")]

    night_3 = run_cli(ws, now=NIGHT_3)
    assert night_3.exit_code == 0, night_3.output
    line = last_line(night_3.output)
    assert (
        f"{len(approved)} disetujui, 1 tidak disetujui (termasuk keputusan proses malam yang "
        "terputus)"
    ) in line
    record = _record(ws, night_3.output)
    counts = record["counts"]
    assert isinstance(counts, dict)
    assert counts["disetujui_malam_ini"] == len(approved)
    assert counts["ditolak_atasan_malam_ini"] == 1
    assert counts["proses_terputus"] == 1
    actions = record["actions"]
    assert isinstance(actions, list)
    assert actions[0].startswith("Proses malam #2 (mulai ")
    assert f"({len(approved)} disetujui, 1 tidak disetujui)" in actions[0]
    # The Nota Dinas to sign, by name, whichever night numbered it.
    notas = sorted(p.name for p in (ws / "output" / "nota-dinas").glob("*.docx"))
    assert notas
    (sign,) = [a for a in actions if a.startswith("Periksa dan tandatangani Draft Nota Dinas")]
    assert all(f"output/nota-dinas/{n}" in sign for n in notas), sign
    # The arahan of the refused item goes back to its unit.
    (arahan,) = [a for a in actions if "sampaikan arahannya kepada unit" in a]
    assert arahan.startswith("1 informasi tidak disetujui Atasan PPID")
    assert "output/umpan-balik/Arahan-" in arahan
    # The console and the morning page say the same.
    assert "Proses malam #2" in night_3.output
    page = (ws / "output" / "runs" / record["run_id"] / "ringkasan.html").read_text("utf-8")
    assert "Proses malam #2 (mulai " in page
    assert _runs(ws) == [(1, "ok"), (2, "interrupted"), (3, "ok")]

    # Reported once: the night after that has nothing of night 2 left to say.
    drop(ws, [next(p for p in examples() if "Partisipasi" in p.name)])
    night_4 = run_cli(ws, now="2026-11-26T01:00:00")
    assert night_4.exit_code == 0, night_4.output
    assert "0 disetujui" in last_line(night_4.output)
    assert "Proses malam #" not in night_4.output
    assert _runs(ws)[-1] == (4, "ok")
