"""The nightly batch through the real CLI: quiet nights, settle time, lock, dry run, exit codes."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_util import (
    ATASAN,
    EXAMPLES,
    NIGHT_1,
    ROOT,
    contents,
    drop,
    examples,
    fail_registering,
    last_line,
    make_workspace,
    register_dump,
    run_cli,
    snapshot,
)

from ppid_batch.batch.console import NullProgress
from ppid_batch.batch.pipeline import NIGHT_GC_THRESHOLD, RunFailed, run
from ppid_batch.config_file import load_config

pytestmark = pytest.mark.slow  # whole nights through the CLI and real processes

GOOD = [p for p in examples() if "perlu-koreksi" not in p.name]
BAD = EXAMPLES / "Form-DIP-Hukum-perlu-koreksi.xlsx"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def office_filled_in(ws: Path) -> Path:
    """The workspace with the office's own data instead of ppid.toml's sample values (which
    every night names first under 'Perlu tindakan')."""
    toml = ws / "ppid.toml"
    text = toml.read_text("utf-8").replace("(0726) 000000", "(0726) 7512345")
    toml.write_text(text.replace("NAMA PPID (ganti)", "Rina Kartika, S.Sos."), "utf-8")
    assert load_config(ws).placeholders() == ()
    return ws


def test_empty_workspace_is_a_quiet_night(ws: Path) -> None:
    office_filled_in(ws)
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert last_line(result.output) == (
        "Malam tenang: tidak ada berkas baru di input/; tidak ada yang berubah. "
        "Ringkasan: output/runs/20261123-010000/ringkasan.html"
    )
    # The morning sees the night ran: a summary, and nothing else.
    assert sorted(snapshot(ws / "output")) == [
        "runs/20261123-010000/ringkasan.html",
        "runs/20261123-010000/run.json",
    ]
    page = (ws / "output/runs/20261123-010000/ringkasan.html").read_text("utf-8")
    assert "Malam tenang: tidak ada berkas baru" in page
    assert "Tidak ada hal baru yang perlu ditindaklanjuti malam ini." in page
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
    assert last_line(quiet.output) == (
        "Malam tenang: tidak ada berkas baru di input/; tidak ada yang berubah. "
        "Ringkasan: output/runs/20261124-010000/ringkasan.html"
    )
    after_out = snapshot(ws / "output")
    new = sorted(set(after_out) - set(before_out))
    assert new == ["runs/20261124-010000/ringkasan.html", "runs/20261124-010000/run.json"]
    assert {k: v for k, v in after_out.items() if k not in new} == before_out
    assert register_dump(ws) == before_db
    assert (ws / "var" / "ppid.sqlite").read_bytes() == db_bytes


@pytest.mark.slow
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


class _GcThresholds(NullProgress):
    """Notes the garbage collector's thresholds at each stage of the night."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, ...]] = []

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        self.seen.append(gc.get_threshold())


def test_the_night_collects_garbage_less_often_and_puts_the_thresholds_back(ws: Path) -> None:
    drop(ws, GOOD[:1])
    before = gc.get_threshold()
    progress = _GcThresholds()
    try:
        report = run(load_config(ws), progress=progress)
    finally:
        after = gc.get_threshold()
        gc.set_threshold(*before)
    assert report.exit_code == 0
    assert progress.seen and set(progress.seen) == {NIGHT_GC_THRESHOLD}
    assert NIGHT_GC_THRESHOLD[0] > before[0]
    assert after == before  # the process's own setting again once the night is over


class _Breaks(NullProgress):
    def stage(self, name: str, label: str, total: int | None = None) -> None:
        if name == "hasil":
            raise RuntimeError("disk penuh")


def test_a_failed_night_puts_the_thresholds_back_too(ws: Path) -> None:
    drop(ws, GOOD[:1])
    before = gc.get_threshold()
    with pytest.raises(RunFailed):
        run(load_config(ws), progress=_Breaks())
    assert gc.get_threshold() == before


HOLDER = """
import sys, time
from pathlib import Path
from ppid_batch.batch.lock import workspace_lock
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


@pytest.mark.slow
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
    assert re.fullmatch(
        r"Galat: ppid\.toml baris \d+, kolom \d+: 'batch\.tunggu_detik' harus berupa bilangan "
        r"bulat 0 sampai 86400\.",
        last_line(result.output),
    ), result.output
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
    from ppid_batch.batch.demo import DECIDED_ON, fill_approval_sheet

    spaces = [make_workspace(tmp_path / name) for name in ("a", "b")]
    for ws in spaces:
        drop(ws, examples())
        assert run_cli(ws).exit_code == 1
    night_1 = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
    assert any(k.startswith("persetujuan/Lembar-Persetujuan-") for k in night_1[0])
    assert night_1[0] == night_1[1]

    (sheet,) = (spaces[0] / "output" / "persetujuan").glob("*.xlsx")
    filled = tmp_path / "Persetujuan-diisi.xlsx"
    fill_approval_sheet(sheet, filled, atasan=ATASAN, day=DECIDED_ON)
    for ws in spaces:
        drop(ws, [filled])
        assert run_cli(ws, now="2026-11-24T01:00:00").exit_code == 0
    night_2 = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
    for folder in ("register/", "nota-dinas/", "disposisi/"):
        assert any(k.startswith(folder) for k in night_2[0]), folder
    assert night_2[0] == night_2[1]
    assert register_dump(spaces[0]) == register_dump(spaces[1])


@pytest.mark.slow
def test_a_file_the_program_fails_on_stays_and_the_others_go_on(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = GOOD[1].name
    fail_registering(monkeypatch, broken)
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
        f"{broken}: galat program (untuk pemelihara: ValueError, rincian di "
        "var/logs/ppid-batch.log)"
    ]
    assert "1 gagal diproses" in report.summary
    # Fixed program, next night: the file is taken.
    monkeypatch.undo()
    assert run(load_config(ws)).exit_code == 0
    assert list((ws / "input").glob("*.xlsx")) == []


@pytest.mark.slow
def test_a_form_failing_half_way_leaves_nothing_in_the_register_and_the_others_commit(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tonight's forms share one transaction, each form in a savepoint: a form whose
    registering fails after its items and events were written is undone alone."""
    import sqlite3
    from contextlib import closing

    import ppid_batch.register.items as register

    broken = GOOD[1].name
    real_flush = register._Registrar.flush

    def flush_then_fail(self):  # type: ignore[no-untyped-def]
        real_flush(self)  # its items and events are written…
        if self.report.path.name == broken:
            raise ValueError("galat sesudah menulis")  # …and then the program fails

    monkeypatch.setattr(register._Registrar, "flush", flush_then_fail)
    drop(ws, GOOD[:3])
    report = run(load_config(ws))
    assert [(i.name, i.verdict) for i in report.inputs] == [
        (GOOD[0].name, "diterima"),
        (broken, "gagal"),
        (GOOD[2].name, "diterima"),
    ]
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        files = {r[0] for r in conn.execute("SELECT file_name FROM submissions")}
        sources = {r[0] for r in conn.execute("SELECT DISTINCT source_file FROM items")}
        logged = conn.execute(
            "SELECT count(*) FROM events WHERE detail LIKE ?", (f"%{broken}%",)
        ).fetchone()[0]
    assert files == sources == {GOOD[0].name, GOOD[2].name}
    assert logged == 0
    assert sorted(p.name for p in (ws / "input").glob("*.xlsx")) == [broken]
    # The next night takes it whole, after the others.
    monkeypatch.undo()
    assert run(load_config(ws)).exit_code == 0
    with closing(sqlite3.connect(ws / "var" / "ppid.sqlite")) as conn:
        rows = conn.execute("SELECT source_file, count(*) FROM items GROUP BY 1").fetchall()
    assert {name for name, _ in rows} == {p.name for p in GOOD[:3]}
    assert all(n > 0 for _, n in rows)


def test_an_unexpected_error_is_one_line_and_moves_nothing(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.approve.sheet as approval_sheet

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(approval_sheet, "write_approval_sheet", full_disk)
    (dropped,) = drop(ws, GOOD[:1])
    result = run_cli(ws)
    assert result.exit_code == 2
    log = ws / "var" / "logs" / "ppid-batch.log"
    assert last_line(result.output) == (
        "Galat: Proses malam terhenti: disk penuh. Berkas yang belum "
        "selesai tetap di input/ dan diproses lagi pada proses berikutnya; rincian di "
        f"{log}."
    )
    assert dropped.exists()
    assert "Traceback" in log.read_text("utf-8")
    # The register was committed; the next night does not register the form twice.
    monkeypatch.undo()
    again = run_cli(ws)
    assert again.exit_code == 0, again.output
    assert "1 sudah diterima sebelumnya; 0 informasi baru" in last_line(again.output)
    assert (ws / "output" / "persetujuan" / "Lembar-Persetujuan-2026-11-23.xlsx").exists()


# ---- operator robustness (acceptance review) ----


def test_a_missing_input_folder_exits_2_not_a_quiet_night(ws: Path) -> None:
    (ws / "input").rmdir()
    result = run_cli(ws)
    assert result.exit_code == 2, result.output
    assert last_line(result.output) == (
        f"Galat: Folder masukan {ws.resolve() / 'input'} tidak ada; buat foldernya "
        "('ppid-batch init') atau periksa 'lokasi.input' di ppid.toml."
    )


def test_a_missing_templates_folder_exits_2_before_anything_is_written(ws: Path) -> None:
    drop(ws, [GOOD[0]])
    toml = ws / "ppid.toml"
    toml.write_text(toml.read_text("utf-8").replace('templat = ""', 'templat = "templat-kantor"'))
    before_input = snapshot(ws / "input")
    result = run_cli(ws)
    assert result.exit_code == 2, result.output
    assert last_line(result.output) == (
        f"Galat: Folder templat {ws.resolve() / 'templat-kantor'} tidak ada; periksa "
        "'lokasi.templat' di ppid.toml, atau kosongkan untuk memakai templat bawaan."
    )
    assert snapshot(ws / "input") == before_input
    assert snapshot(ws / "output") == {}
    assert not (ws / "var" / "ppid.sqlite").exists()


def test_an_unwritable_var_folder_is_one_line(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import ppid_batch.batch.pipeline as pipeline

    logs = ws / "var" / "logs"

    def read_only(var_dir: Path):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, "Read-only file system", str(logs))

    monkeypatch.setattr(pipeline, "run_log", read_only)
    drop(ws, [GOOD[0]])
    before = snapshot(ws)
    result = run_cli(ws)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Galat: Folder {ws.resolve() / 'var'} tidak dapat ditulis (disk hanya dapat dibaca: "
        f"{logs}); proses malam memerlukannya untuk kunci, log dan register. Periksa disk "
        "dan izinnya.\n"
    )
    assert snapshot(ws) == before


def test_a_file_name_that_is_not_utf8_is_renamed_not_fatal(ws: Path) -> None:
    if sys.platform == "darwin":  # pragma: no cover - APFS refuses such names
        pytest.skip("the file system only stores UTF-8 names")
    raw = os.path.join(os.fsencode(ws / "input"), b"Form \xe9t\xe9.xlsx")
    with open(raw, "wb") as fh:
        fh.write(GOOD[0].read_bytes())
    os.utime(raw, (time.time() - 3600, time.time() - 3600))
    dry = run_cli(ws, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert os.path.exists(raw)  # a dry run renames nothing
    result = run_cli(ws)
    assert result.exit_code == 0, result.output
    assert "Form _t_.xlsx — diterima: 14 informasi baru" in result.output
    assert (
        "Perlu tindakan: Berkas Form _t_.xlsx diganti namanya: nama aslinya memuat huruf "
        "yang tidak terbaca." in result.output
    )
    assert last_line(result.output).startswith("Selesai: 1 berkas diterima, 0 ditolak;")
    assert [p.name for p in (ws / "input" / "arsip").rglob("*.xlsx")] == ["Form _t_.xlsx"]
    record = json.loads(next((ws / "output" / "runs").glob("*/run.json")).read_text("utf-8"))
    assert record["inputs"][0]["name"] == "Form _t_.xlsx"


def test_a_rejection_message_is_not_followed_by_a_second_full_stop(ws: Path) -> None:
    (ws / "input" / "kosong.xlsx").write_bytes(b"")
    os.utime(ws / "input" / "kosong.xlsx", (time.time() - 3600, time.time() - 3600))
    result = run_cli(ws)
    assert result.exit_code == 1, result.output
    assert (
        "Perlu tindakan: Berkas kosong.xlsx ditolak: Berkas kosong (0 byte). Simpan ulang "
        "formulir dari Excel, lalu kirim kembali. Salinan koreksi: "
        "output/umpan-balik/kosong-koreksi.xlsx. Kembalikan ke pengirimnya.\n" in result.output
    )


@pytest.mark.slow
def test_partly_applied_sheet_is_counted_in_the_summary_line(ws: Path) -> None:
    from click.testing import CliRunner
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    from ppid_batch.cli import cli

    form = write_form_xlsx(
        ws / "form.xlsx", [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2, 3)]
    )
    drop(ws, [form])
    assert run_cli(ws).exit_code == 0
    (generated,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    sheet = ws / "lembar-kosong.xlsx"  # the copy the Atasan PPID keeps; output/ is remade
    sheet.write_bytes(generated.read_bytes())
    decided = {"DIP-2025-0001": ("YA", None), "DIP-2025-0002": ("TIDAK", "Lengkapi")}
    first = fill_approval_sheet(sheet, ws / "lembar-1.xlsx", decided)
    checked = CliRunner().invoke(cli, ["validate", "-w", str(ws), str(first)])
    assert (checked.exit_code, checked.output) == (
        0,
        "lembar-1.xlsx: lengkap dan benar; 2 keputusan siap diterapkan; 1 baris belum "
        "diputuskan (tetap menunggu). Lembar LP-2026-0001: asli (dibuat ppid-batch ruang "
        "kerja ini).\n",
    )
    drop(ws, [first])
    assert run_cli(ws, now="2026-11-24T01:00:00").exit_code == 0
    flip = {"DIP-2025-0001": ("TIDAK", "Tarik"), "DIP-2025-0003": ("YA", None)}
    drop(ws, [fill_approval_sheet(sheet, ws / "lembar-2.xlsx", flip)])
    assert _night_summary(ws, "2026-11-25T01:00:00", exit_code=1).startswith(
        "Selesai: 0 berkas diterima, 1 diterima sebagian, 0 ditolak; 0 informasi baru, "
        "1 disetujui, 0 menunggu persetujuan."
    )


def test_a_folder_dropped_into_input_is_named_not_silently_ignored(ws: Path) -> None:
    (ws / "input" / "Formulir November").mkdir()
    drop(ws, [GOOD[0]])
    (ws / "input" / GOOD[0].name).rename(ws / "input" / "Formulir November" / GOOD[0].name)
    unread = (
        "Tidak dibaca: Formulir November/ (folder atau pintasan di input/); taruh berkas "
        ".xlsx-nya langsung di input/."
    )
    quiet = run_cli(ws)
    assert quiet.exit_code == 0, quiet.output
    assert last_line(quiet.output) == (
        f"Malam tenang: tidak ada berkas baru di input/; tidak ada yang berubah. {unread} "
        "Ringkasan: output/runs/20261123-010000/ringkasan.html"
    )
    drop(ws, [GOOD[1]])
    busy = run_cli(ws)
    assert busy.exit_code == 0, busy.output
    assert f"Perlu tindakan: {unread}\n" in busy.output
    assert (ws / "input" / "Formulir November" / GOOD[0].name).is_file()


def test_missing_bundled_templates_say_the_installation_is_incomplete(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.batch.pipeline
    import ppid_batch.config
    import ppid_batch.config_file

    gone = ws / "tidak-terpasang" / "templates"
    for module in (ppid_batch.config, ppid_batch.config_file, ppid_batch.batch.pipeline):
        monkeypatch.setattr(module, "DEFAULT_TEMPLATES", gone)
    drop(ws, [GOOD[0]])
    result = run_cli(ws)
    assert result.exit_code == 2, result.output
    assert last_line(result.output) == (
        f"Galat: Templat bawaan ppid-batch tidak ditemukan di {gone}; pemasangan ppid-batch "
        "tidak lengkap: pasang ulang dari folder proyeknya (make run)."
    )
    assert (ws / "input" / GOOD[0].name).is_file()
    assert snapshot(ws / "output") == {}


def _pending_sheet(ws: Path, keep_as: str) -> Path:
    """The approval sheet the night just wrote, kept as the Atasan PPID's copy."""
    (generated,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    kept = ws / keep_as
    kept.write_bytes(generated.read_bytes())
    return kept


def _night_summary(ws: Path, now: str, *, exit_code: int = 0) -> str:
    """Run the night at `now` through the CLI and give its one-line summary."""
    result = run_cli(ws, now=now)
    assert result.exit_code == exit_code, result.output
    return last_line(result.output)


def _decided_tonight(ws: Path, day: str) -> tuple[int, int]:
    """(approved, refused) tonight as the run record of that day counts them."""
    record = json.loads(next((ws / "output/runs").glob(f"{day}-*/run.json")).read_text("utf-8"))
    return record["counts"]["disetujui_malam_ini"], record["counts"]["ditolak_atasan_malam_ini"]


@pytest.mark.slow
def test_decisions_of_a_night_are_counted_from_the_sheets_not_from_status_changes(
    ws: Path,
) -> None:
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    rows = [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2, 3, 4)]
    drop(ws, [write_form_xlsx(ws / "form.xlsx", rows)])
    assert run_cli(ws).exit_code == 0
    decided = {
        "DIP-2025-0001": ("YA", None),
        "DIP-2025-0002": ("TIDAK", "Lengkapi nomor keputusan"),
        "DIP-2025-0003": ("TIDAK", "Lengkapi nomor keputusan"),
    }
    sheet = _pending_sheet(ws, "lembar-1-kosong.xlsx")
    drop(ws, [fill_approval_sheet(sheet, ws / "lembar-1.xlsx", decided)])
    assert _night_summary(ws, "2026-11-24T01:00:00").startswith(
        "Selesai: 1 berkas diterima, 0 ditolak; 0 informasi baru, 1 disetujui, "
        "2 tidak disetujui, 1 menunggu persetujuan."
    )

    def correction(n: int, name: str) -> Path:
        fixed = form_row(f"Keputusan KPU Mesuji Nomor {n} Tahun 2025", id=f"DIP-2025-000{n}")
        return write_form_xlsx(ws / name, [fixed])

    # Night 3: the unit corrects a refused item (pending again) and nothing is decided.
    drop(ws, [correction(2, "koreksi-2.xlsx")])
    assert _night_summary(ws, "2026-11-25T01:00:00").startswith(
        "Selesai: 1 berkas diterima, 0 ditolak; 0 informasi baru, 0 disetujui, "
        "2 menunggu persetujuan."
    )
    assert _decided_tonight(ws, "20261125") == (0, 0)  # not (0, -1)

    # Night 4: one approved, one refused, and another refused item corrected the same night.
    sheet = _pending_sheet(ws, "lembar-2-kosong.xlsx")
    decided = {"DIP-2025-0004": ("YA", None), "DIP-2025-0002": ("TIDAK", "Masih kurang")}
    drop(ws, [fill_approval_sheet(sheet, ws / "lembar-2.xlsx", decided)])
    drop(ws, [correction(3, "koreksi-3.xlsx")])
    assert _night_summary(ws, "2026-11-26T01:00:00").startswith(
        "Selesai: 2 berkas diterima, 0 ditolak; 0 informasi baru, 1 disetujui, "
        "1 tidak disetujui, 1 menunggu persetujuan."
    )
    assert _decided_tonight(ws, "20261126") == (1, 1)  # not (1, 0)


@pytest.mark.slow
def test_more_errors_are_counted_inside_the_first_message_sentence(ws: Path) -> None:
    drop(ws, [BAD])
    result = run_cli(ws)
    assert result.exit_code == 1, result.output
    (action,) = [
        line for line in result.output.splitlines() if f"Berkas {BAD.name} ditolak" in line
    ]
    assert ". (dan" not in action
    assert re.search(r"[^.] \(dan \d+ kesalahan lain\)\. Salinan koreksi: ", action), action


@pytest.mark.slow
def test_an_approval_sheet_returned_unfilled_is_sent_back_not_archived(ws: Path) -> None:
    from click.testing import CliRunner
    from store_util import form_row, write_form_xlsx

    from ppid_batch.cli import cli

    form = write_form_xlsx(ws / "form.xlsx", [form_row("Keputusan KPU Mesuji Nomor 1")])
    drop(ws, [form])
    assert run_cli(ws).exit_code == 0
    (blank,) = drop(ws, [_pending_sheet(ws, "Lembar-Persetujuan.xlsx")])
    message = (
        "Lembar persetujuan belum berisi keputusan: isi kolom Persetujuan (YA/TIDAK) lalu "
        "taruh lagi di input/."
    )
    checked = CliRunner().invoke(cli, ["validate", "-w", str(ws), str(blank)])
    assert (checked.exit_code, checked.output) == (
        0,
        "Lembar-Persetujuan.xlsx: belum berisi keputusan (1 baris kosong). (1 catatan di bawah) "
        "Lembar LP-2026-0001: asli (dibuat ppid-batch ruang kerja ini).\n"
        f"  Catatan:\n    - {message}\n",
    )

    result = run_cli(ws, now="2026-11-24T01:00:00")
    assert result.exit_code == 1, result.output
    assert (
        f"Perlu tindakan: Berkas {blank.name} ditolak: {message} Salinan koreksi: "
        "output/umpan-balik/Lembar-Persetujuan-koreksi.xlsx. Kembalikan ke pengirimnya.\n"
        in result.output
    )
    assert last_line(result.output).startswith(
        "Selesai: 0 berkas diterima, 1 ditolak; 0 informasi baru, 0 disetujui, "
        "1 menunggu persetujuan."
    )
    assert not blank.exists()
    assert (ws / "input/ditolak/2026-11-24" / blank.name).is_file()
    assert not (ws / "input/arsip/2026-11-24").exists()
    record = json.loads(next((ws / "output/runs").glob("20261124-*/run.json")).read_text("utf-8"))
    (sheet,) = [i for i in record["inputs"] if i["name"] == blank.name]
    assert (sheet["verdict"], [e["type"] for e in sheet["errors"]]) == ("ditolak", ["no_decisions"])


def test_the_register_keeps_each_nights_counts_as_run_json_has_them(ws: Path) -> None:
    from ppid_batch.store import Store

    drop(ws, GOOD[:2])
    report = run(load_config(ws))
    assert report.exit_code == 0
    record = json.loads((report.run_dir / "run.json").read_text("utf-8"))  # type: ignore[operator]
    with Store.open(load_config(ws).database_url) as store:
        (night,) = store.runs()
    assert night["status"] == "ok"
    assert night["counts"] == record["counts"]
    assert night["counts"]["berkas_diterima"] == 2
    assert night["counts"]["informasi_baru"] == report.counts["informasi_baru"] > 0


@pytest.mark.slow
def test_perlu_tindakan_names_an_arahan_once_and_a_quiet_night_says_what_still_waits(
    ws: Path,
) -> None:
    """Night 2 refuses a Hukum item, night 3 a Keuangan one: night 3 names only Keuangan's
    Arahan, though Hukum's file is rewritten too. A quiet night 4 still has a summary page,
    saying what the Atasan PPID has not decided yet, apart from tonight's (empty) actions."""
    office_filled_in(ws)
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    hukum = write_form_xlsx(
        ws / "hukum.xlsx", [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2)]
    )
    keuangan = write_form_xlsx(
        ws / "keuangan.xlsx",
        [form_row(f"Laporan Keuangan Triwulan {n}") for n in (1, 2, 3)],
        unit="Subbagian Keuangan",
    )
    drop(ws, [hukum, keuangan])
    assert run_cli(ws).exit_code == 0
    (generated,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    blank = ws / "lembar-kosong.xlsx"
    blank.write_bytes(generated.read_bytes())

    def night(decisions: dict, name: str, now: str) -> dict:
        drop(ws, [fill_approval_sheet(blank, ws / name, decisions)])
        assert run_cli(ws, now=now).exit_code == 0
        day = now[:10].replace("-", "")
        return json.loads(next((ws / "output/runs").glob(f"{day}-*/run.json")).read_text("utf-8"))

    second = night({"DIP-2025-0001": ("TIDAK", "Lengkapi tautan")}, "l1.xlsx", "2026-11-24T01:00")
    third = night({"DIP-2025-0003": ("TIDAK", "Ringkas judulnya")}, "l2.xlsx", "2026-11-25T01:00")
    arahan = "output/umpan-balik/Arahan-subbagian-hukum.xlsx"
    arahan_keu = "output/umpan-balik/Arahan-subbagian-keuangan.xlsx"
    assert [a for a in second["actions"] if "arahan" in a] == [
        f"1 informasi tidak disetujui Atasan PPID: sampaikan arahannya kepada unit ({arahan})."
    ]
    assert [a for a in third["actions"] if "arahan" in a] == [
        f"1 informasi tidak disetujui Atasan PPID: sampaikan arahannya kepada unit ({arahan_keu})."
    ]
    # Hukum's arahan did not change tonight: its file is left as it was, not listed again
    assert arahan not in third["outputs"] and arahan_keu in third["outputs"]
    assert (ws / arahan).is_file()
    sheet = [o for o in third["outputs"] if o.startswith("output/persetujuan/")][-1]
    assert third["open"] == [f"3 informasi menunggu persetujuan Atasan PPID ({sheet})."]

    quiet = run_cli(ws, now="2026-11-26T01:00:00")
    assert quiet.exit_code == 0, quiet.output
    (run_dir,) = (ws / "output/runs").glob("20261126-*")
    record = json.loads((run_dir / "run.json").read_text("utf-8"))
    assert (record["actions"], record["still_open"]) == ([], third["open"])
    page = (run_dir / "ringkasan.html").read_text("utf-8")
    assert "Tidak ada hal baru yang perlu ditindaklanjuti malam ini." in page
    assert "<h2>Masih menunggu dari malam sebelumnya</h2>" in page
    assert third["open"][0] in page
    # Two quiet nights in a row: the second carries the same open item on.
    run_cli(ws, now="2026-11-27T01:00:00")
    (run_dir,) = (ws / "output/runs").glob("20261127-*")
    assert json.loads((run_dir / "run.json").read_text("utf-8"))["still_open"] == third["open"]


@pytest.mark.slow
def test_the_disposisi_shows_the_atasans_edits_from_the_register(ws: Path) -> None:
    """The Disposisi of a merged sheet lists what the Atasan PPID changed on a YA row, read
    back from the decisions the register recorded (not from the sheet's file)."""
    import openpyxl
    from docs_util import docx_text
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    form = write_form_xlsx(
        ws / "form.xlsx", [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2)]
    )
    drop(ws, [form])
    assert run_cli(ws).exit_code == 0
    (generated,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    filled = fill_approval_sheet(
        generated,
        ws / "lembar.xlsx",
        {"DIP-2025-0001": ("YA", None), "DIP-2025-0002": ("YA", None)},
    )
    wb = openpyxl.load_workbook(filled)
    assert wb.active["A12"].value == "DIP-2025-0001"
    wb.active["D12"] = "Setiap Saat"  # the Atasan changes Jenis Informasi on a YA row
    wb.save(filled)
    drop(ws, [filled])
    assert run_cli(ws, now="2026-11-24T01:00:00").exit_code == 0
    (disposisi,) = (ws / "output" / "disposisi").glob("*.docx")
    text = docx_text(disposisi.read_bytes())
    assert "Jenis Informasi: Berkala → Setiap Saat" in text
    assert text.count("→") == 1  # the other row kept its values
