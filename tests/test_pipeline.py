"""The nightly batch through the real CLI: quiet nights, settle time, lock, dry run, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_util import (
    EXAMPLES,
    NIGHT_1,
    ROOT,
    contents,
    drop,
    examples,
    last_line,
    make_workspace,
    register_dump,
    run_cli,
    snapshot,
)

from ppid_batch.config import load_config
from ppid_batch.console import NullProgress
from ppid_batch.pipeline import run

GOOD = [p for p in examples() if "perlu-koreksi" not in p.name]
BAD = EXAMPLES / "Form-DIP-Hukum-perlu-koreksi.xlsx"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def test_empty_workspace_is_a_quiet_night(ws: Path) -> None:
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert last_line(result.output) == "Tidak ada berkas baru di input/; tidak ada yang berubah."
    assert snapshot(ws / "output") == {}
    assert not (ws / "var" / "ppid.sqlite").exists()


@pytest.mark.slow
def test_night_with_forms_then_a_quiet_night_changes_nothing(ws: Path) -> None:
    drop(ws, [GOOD[0], BAD])
    first = run_cli(ws)
    assert first.exit_code == 1, first.output
    summary = last_line(first.output)
    assert summary.startswith("Selesai: 1 berkas diterima, 1 ditolak; 14 informasi baru, ")
    assert summary.endswith("Ringkasan: output/runs/20261123-010000/ringkasan.html")
    assert sorted(p.relative_to(ws).as_posix() for p in (ws / "input").rglob("*.xlsx")) == [
        f"input/arsip/2026-11-23/{GOOD[0].name}",
        f"input/ditolak/2026-11-23/{BAD.name}",
    ]
    run_json = json.loads((ws / "output/runs/20261123-010000/run.json").read_text("utf-8"))
    assert [(i["name"], i["verdict"]) for i in run_json["inputs"]] == [
        (BAD.name, "ditolak"),
        (GOOD[0].name, "diterima"),
    ]
    assert run_json["counts"]["informasi_baru"] == 14
    assert run_json["exit_code"] == 1

    before_out, before_db = snapshot(ws / "output"), register_dump(ws)
    db_bytes = (ws / "var" / "ppid.sqlite").read_bytes()
    quiet = run_cli(ws, now="2026-11-24T01:00:00")
    assert quiet.exit_code == 0, quiet.output
    assert last_line(quiet.output) == "Tidak ada berkas baru di input/; tidak ada yang berubah."
    assert snapshot(ws / "output") == before_out
    assert register_dump(ws) == before_db
    assert (ws / "var" / "ppid.sqlite").read_bytes() == db_bytes


def test_a_file_still_being_copied_waits_for_the_next_night(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    (fresh,) = drop(ws, [GOOD[1]], mtime=time.time())  # written just now
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert f"{GOOD[1].name} — menunggu" in result.output
    assert "1 menunggu" in last_line(result.output)
    assert fresh.exists()
    assert (ws / "input/arsip/2026-11-23" / GOOD[0].name).exists()
    # Next night it has settled and is taken.
    os.utime(fresh, (time.time() - 60, time.time() - 60))
    again = run_cli(ws, now="2026-11-24T01:00:00")
    assert again.exit_code == 0, again.output
    assert not fresh.exists()
    assert (ws / "input/arsip/2026-11-24" / GOOD[1].name).exists()


class _RewriteDuringRun(NullProgress):
    """Overwrites an input while the night is writing outputs, as a clerk saving again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        if name == "hasil":
            self.path.write_bytes(self.path.read_bytes() + b"\0")


def test_a_file_rewritten_during_the_run_stays_for_the_next_night(ws: Path) -> None:
    (first, second) = drop(ws, GOOD[:2])
    report = run(load_config(ws), progress=_RewriteDuringRun(second))
    assert report.exit_code == 0
    assert not first.exists()
    assert second.exists()  # its new bytes were never read: not archived
    (result,) = [i for i in report.inputs if i.name == second.name]
    assert result.archived_to is None
    assert "berkas berubah selama proses" in result.note


HOLDER = """
import sys, time
from pathlib import Path
from ppid_batch.lock import workspace_lock
with workspace_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(ws: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ws / "var"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def _reap(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_second_concurrent_run_exits_3_naming_the_running_one(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    proc = _holder(ws, 60)
    try:
        result = run_cli(ws)
        info = json.loads((ws / "var" / "ppid.lock.json").read_text("utf-8"))
    finally:
        _reap(proc)
    assert result.exit_code == 3
    assert last_line(result.output) == (
        "Galat: Proses malam lain sedang berjalan pada ruang kerja ini: "
        f"proses {proc.pid} di {info['host']} (mulai {info['started']}). "
        "Tunggu sampai selesai, atau jalankan ulang dengan --wait agar menunggu giliran."
    )
    assert (ws / "input" / GOOD[0].name).exists()
    # The holder was killed: the next night runs.
    assert run_cli(ws).exit_code == 0


def test_wait_runs_after_the_holder_finishes(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    proc = _holder(ws, 1.0)
    try:
        result = run_cli(ws, "--wait")
    finally:
        _reap(proc)
    assert result.exit_code == 0, result.output
    assert last_line(result.output).startswith("Selesai: 1 berkas diterima, 0 ditolak;")


@pytest.mark.slow
def test_two_real_cli_processes_at_once_one_exits_3(ws: Path) -> None:
    drop(ws, examples())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "ppid_batch", "run", "-w", str(ws), "--now", NIGHT_1]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [1, 3], outs
    loser = outs[[p.returncode for p in procs].index(3)]
    assert loser[1].startswith("Galat: Proses malam lain sedang berjalan pada ruang kerja ini")


@pytest.mark.slow
def test_dry_run_changes_nothing_but_writes_its_record(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    assert run_cli(ws).exit_code == 0  # a register to read against
    drop(ws, [GOOD[1], BAD])
    before_input = snapshot(ws / "input")
    before_output = snapshot(ws / "output")
    before_db = (ws / "var" / "ppid.sqlite").read_bytes()

    result = run_cli(ws, "--dry-run", now="2026-11-24T01:00:00")

    assert result.exit_code == 1, result.output
    assert last_line(result.output).startswith(
        "Uji coba selesai (tidak ada yang diubah): 1 berkas diterima, 1 ditolak; "
    )
    assert snapshot(ws / "input") == before_input
    assert (ws / "var" / "ppid.sqlite").read_bytes() == before_db
    after_output = snapshot(ws / "output")
    new = sorted(set(after_output) - set(before_output))
    assert new == ["runs/20261124-010000/ringkasan.html", "runs/20261124-010000/run.json"]
    assert {k: v for k, v in after_output.items() if k not in new} == before_output
    record = json.loads((ws / "output/runs/20261124-010000/run.json").read_text("utf-8"))
    assert record["dry_run"] is True
    assert record["counts"]["informasi_baru"] == 12
    # What would have been written is named as if in output/.
    assert any(o.startswith("output/umpan-balik/") for o in record["outputs"])


def test_dry_run_on_a_new_workspace_creates_no_register(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    result = run_cli(ws, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "14 informasi baru" in last_line(result.output)
    assert not (ws / "var" / "ppid.sqlite").exists()
    assert (ws / "input" / GOOD[0].name).exists()
    assert sorted(snapshot(ws / "output")) == [
        "runs/20261123-010000/ringkasan.html",
        "runs/20261123-010000/run.json",
    ]


def test_broken_config_exits_2_before_anything_happens(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    toml = ws / "ppid.toml"
    toml.write_text(toml.read_text("utf-8").replace("tunggu_detik = 30", "tunggu_detik = -1"))
    before = snapshot(ws)
    result = run_cli(ws)
    assert result.exit_code == 2
    assert last_line(result.output) == (
        "Galat: ppid.toml: 'batch.tunggu_detik' harus berupa bilangan bulat 0 sampai 86400."
    )
    assert snapshot(ws) == before


def test_broken_template_stops_the_run_before_anything_is_written(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    templates = ws / "templat"
    templates.mkdir()
    for name in ("nota-dinas.docx", "disposisi.docx"):
        (templates / name).write_bytes(b"bukan docx")
    toml = ws / "ppid.toml"
    toml.write_text(toml.read_text("utf-8").replace('templat = ""', 'templat = "templat"'))
    before_input = snapshot(ws / "input")
    result = run_cli(ws)
    assert result.exit_code == 2, result.output
    assert last_line(result.output).startswith("Galat: Templat ")
    assert snapshot(ws / "input") == before_input
    assert snapshot(ws / "output") == {}
    assert not (ws / "var" / "ppid.sqlite").exists()


@pytest.mark.slow
def test_a_crashed_run_is_repaired_by_an_idle_night(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    assert run_cli(ws).exit_code == 0
    expected = contents(ws / "output", skip=("runs/",))
    # A run killed after it began writing leaves its mark and maybe a damaged output.
    (ws / "var" / "run-state.json").write_text('{"status": "running"}')
    for path in (ws / "output").rglob("*.json"):
        if "runs" not in path.parts:
            path.write_text("rusak")
    result = run_cli(ws, now=NIGHT_1)
    assert result.exit_code == 0, result.output
    assert contents(ws / "output", skip=("runs/",)) == expected


@pytest.mark.slow
def test_same_inputs_in_two_clean_workspaces_give_byte_identical_outputs(tmp_path: Path) -> None:
    from ppid_batch.demo import DECIDED_ON, fill_approval_sheet

    spaces = [make_workspace(tmp_path / name) for name in ("a", "b")]
    for ws in spaces:
        drop(ws, examples())
        assert run_cli(ws).exit_code == 1
    night_1 = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
    assert any(k.startswith("persetujuan/Lembar-Persetujuan-") for k in night_1[0])
    assert night_1[0] == night_1[1]

    (sheet,) = (spaces[0] / "output" / "persetujuan").glob("*.xlsx")
    filled = tmp_path / "Persetujuan-diisi.xlsx"
    fill_approval_sheet(sheet, filled, atasan="Atasan", day=DECIDED_ON)
    for ws in spaces:
        drop(ws, [filled])
        assert run_cli(ws, now="2026-11-24T01:00:00").exit_code == 0
    night_2 = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
    for folder in ("register/", "nota-dinas/", "disposisi/"):
        assert any(k.startswith(folder) for k in night_2[0]), folder
    assert night_2[0] == night_2[1]
    assert register_dump(spaces[0]) == register_dump(spaces[1])


def test_a_file_the_program_fails_on_stays_and_the_others_go_on(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.register as register

    real = register.register_form
    broken = GOOD[1].name

    def flaky(store, report, **kw):  # type: ignore[no-untyped-def]
        if report.path.name == broken:
            raise ValueError("kolom aneh")
        return real(store, report, **kw)

    monkeypatch.setattr(register, "register_form", flaky)
    drop(ws, GOOD[:3])
    report = run(load_config(ws))
    assert report.exit_code == 1
    assert sorted(p.name for p in (ws / "input").glob("*.xlsx")) == [broken]
    assert [(i.name, i.verdict) for i in report.inputs] == [
        (GOOD[0].name, "diterima"),
        (broken, "gagal"),
        (GOOD[2].name, "diterima"),
    ]
    record = json.loads((report.run_dir / "run.json").read_text("utf-8"))  # type: ignore[operator]
    assert record["errors"] == [
        f"{broken}: ValueError: kolom aneh (rincian di var/logs/ppid-batch.log)"
    ]
    assert "1 gagal diproses" in report.summary
    # Fixed program, next night: the file is taken.
    monkeypatch.setattr(register, "register_form", real)
    assert run(load_config(ws)).exit_code == 0
    assert list((ws / "input").glob("*.xlsx")) == []


def test_an_unexpected_error_is_one_line_and_moves_nothing(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.approval_sheet as approval_sheet

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(approval_sheet, "write_approval_sheet", full_disk)
    (dropped,) = drop(ws, GOOD[:1])
    result = run_cli(ws)
    assert result.exit_code == 2
    log = ws / "var" / "logs" / "ppid-batch.log"
    assert last_line(result.output) == (
        "Galat: Proses malam terhenti karena galat tak terduga (OSError: [Errno 28] No space "
        "left on device). Berkas yang belum selesai tetap di input/ dan diproses lagi pada "
        f"proses berikutnya; rincian di {log}."
    )
    assert dropped.exists()
    assert "Traceback" in log.read_text("utf-8")
    # The register was committed; the next night does not register the form twice.
    monkeypatch.undo()
    again = run_cli(ws)
    assert again.exit_code == 0, again.output
    assert "1 sudah diterima sebelumnya; 0 informasi baru" in last_line(again.output)
    assert (ws / "output" / "persetujuan" / "Lembar-Persetujuan-2026-11-23.xlsx").exists()
