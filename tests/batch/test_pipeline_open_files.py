"""A form still open in Excel waits ('masih dibuka di Excel'); a lock file left for days is
reported in the morning summary and blocks nothing."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from batch_util import drop, examples, last_line, make_workspace, run_cli

GOOD = [p for p in examples() if "perlu-koreksi" not in p.name]


def _lock(ws: Path, name: str, *, age: float) -> Path:
    lock = ws / "input" / name
    lock.write_bytes(b"\x0bDewi Lestari" + b" " * 40)  # Excel's owner file: the user's name
    os.utime(lock, (time.time() - age, time.time() - age))
    return lock


@pytest.mark.slow
def test_open_form_waits_and_a_stale_lock_is_reported_not_blocking(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    held, free = drop(ws, GOOD[:2])
    fresh = _lock(ws, f"~${held.name}", age=600)  # the clerk opened it ten minutes ago
    stale = _lock(ws, f"~${free.name}", age=3 * 24 * 3600)  # Excel crashed three days ago

    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert "1 menunggu" in last_line(result.output)
    assert held.exists() and fresh.exists()  # not taken while open
    assert not free.exists()  # the stale lock did not hold it back
    assert (ws / "input/arsip/2026-11-23" / free.name).exists()
    assert stale.exists()  # never deleted by the batch: only reported
    record = json.loads(next((ws / "output/runs").glob("*/run.json")).read_text("utf-8"))
    waiting = {i["name"]: i["note"] for i in record["inputs"] if i["verdict"] == "menunggu"}
    assert waiting == {
        held.name: f"masih dibuka di Excel (ada berkas kunci {fresh.name}); diproses malam "
        "berikutnya setelah ditutup"
    }
    actions = "\n".join(record["actions"])
    assert f"Berkas {held.name} masih dibuka di Excel (berkas kunci {fresh.name})" in actions
    assert f"Berkas kunci Office {stale.name} sudah lebih dari sehari di input/" in actions
    page = next((ws / "output/runs").glob("*/ringkasan.html")).read_text("utf-8")
    assert "sudah lebih dari sehari" in page and "masih dibuka di Excel" in page

    # The clerk closes Excel (the lock goes): the next night takes the form.
    fresh.unlink()
    again = run_cli(ws, now="2026-11-24T01:00:00")
    assert again.exit_code == 0, again.output
    assert not held.exists()
    assert (ws / "input/arsip/2026-11-24" / held.name).exists()


def test_quiet_night_names_the_stale_lock(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    stale = _lock(ws, "~$Form-DIP-Hukum.xlsx", age=2 * 24 * 3600)
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    note = (
        f"Berkas kunci Office {stale.name} sudah lebih dari sehari di input/ (sisa Excel atau "
        "LibreOffice yang tidak ditutup dengan benar); tidak menghalangi apa pun dan boleh "
        "dihapus."
    )
    assert f"Perlu tindakan: {note}" in result.output
    assert last_line(result.output).startswith("Malam tenang: tidak ada berkas baru di input/")
    record = json.loads(next((ws / "output/runs").glob("*/run.json")).read_text("utf-8"))
    # (the sample ppid.toml's placeholder warning comes first, every night)
    assert [a for a in record["actions"] if not a.startswith("ppid.toml masih")] == [note]
    assert stale.exists()


def test_quiet_night_with_only_an_open_form_says_it_is_open(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (held,) = drop(ws, GOOD[:1])
    _lock(ws, f"~${held.name}", age=60)
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert "1 berkas menunggu malam berikutnya (masih berubah atau masih dibuka di Excel)" in (
        result.output
    )
    assert "masih dibuka di Excel" in result.output
    assert held.exists()
