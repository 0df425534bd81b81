"""The Windows laptop, tested here on Linux with the platform patched (no Windows runner).

What is exercised: the Task Scheduler texts (schtasks command, task XML as Windows reads
it), the CLI's automatic choice on 'win32', and the Windows branches of the file layer:
no directory fsync, no os.fchmod, a file held open by another program (Excel) retried
and then named in Indonesian, an input still open in Excel left for the next night; and
every module, a busy night, ekspor and rekap in a Python without the modules Windows lacks
(resource, fcntl, pwd, grp, termios) and without os.fchmod.
What is reasoned, not run: that schtasks accepts the XML, and msvcrt locking (filelock).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PureWindowsPath

import pytest
from click.testing import CliRunner

from ppid_batch import files
from ppid_batch.batch.schedule import (
    TASK_NS,
    batch_command,
    make_windows_task,
    render_windows,
    task_xml_bytes,
)
from ppid_batch.cli import cli
from ppid_batch.documents import pdf

WS = PureWindowsPath(r"D:\PPID Kantor\ruang kerja")
EXE = PureWindowsPath(r"C:\ppid\.venv\Scripts\ppid-batch.exe")
NS = {"t": TASK_NS}


def test_schtasks_line_runs_daily_at_one_whether_logged_on_or_not() -> None:
    task = make_windows_task(WS, [str(EXE)])
    assert task.command == (
        'schtasks /Create /TN "ppid-batch" /TR "C:\\ppid\\.venv\\Scripts\\ppid-batch.exe run '
        '--workspace \\"D:\\PPID Kantor\\ruang kerja\\"" /SC DAILY /ST 01:00 '
        '/RU "%USERNAME%" /RP /F'
    )


def test_task_xml_catches_up_after_the_laptop_was_off() -> None:
    task = make_windows_task(WS, [str(EXE)], PureWindowsPath(r"D:\PPID Kantor\tugas.xml"))
    data = task_xml_bytes(task)
    assert data[:2] == b"\xff\xfe"  # UTF-16 LE with its mark, as Task Scheduler exports
    text = data.decode("utf-16")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    root = ET.fromstring(text.encode("utf-16"))  # the parser honours the declaration
    assert root.find("t:Settings/t:StartWhenAvailable", NS).text == "true"
    assert root.find("t:Settings/t:DisallowStartIfOnBatteries", NS).text == "false"
    assert root.find("t:Settings/t:MultipleInstancesPolicy", NS).text == "IgnoreNew"
    assert root.find("t:Principals/t:Principal/t:LogonType", NS).text == "Password"
    trigger = root.find("t:Triggers/t:CalendarTrigger", NS)
    assert trigger.find("t:StartBoundary", NS).text.endswith("T01:00:00")
    assert trigger.find("t:ScheduleByDay/t:DaysInterval", NS).text == "1"
    action = root.find("t:Actions/t:Exec", NS)
    assert action.find("t:Command", NS).text == str(EXE)
    assert action.find("t:Arguments", NS).text == 'run --workspace "D:\\PPID Kantor\\ruang kerja"'
    assert action.find("t:WorkingDirectory", NS).text == str(WS)
    assert task.import_command == (
        'schtasks /Create /TN "ppid-batch" /XML "D:\\PPID Kantor\\tugas.xml" /RU "%USERNAME%" '
        "/RP /F"
    )


def test_a_workspace_with_xml_specials_stays_well_formed() -> None:
    task = make_windows_task(PureWindowsPath(r"D:\Arsip <2026> & Co"), [str(EXE)])
    root = ET.fromstring(task_xml_bytes(task))
    assert root.find("t:Actions/t:Exec/t:WorkingDirectory", NS).text == r"D:\Arsip <2026> & Co"


def test_too_long_a_path_for_tr_points_to_the_xml() -> None:
    task = make_windows_task(PureWindowsPath("D:\\" + "arsip-ppid\\" * 30), [str(EXE)])
    text = render_windows(task, xml_written=False)
    assert "(jalur terlalu panjang untuk /TR; pakai Cara 1)" in text
    assert "/SC DAILY" not in text


def test_the_venv_exe_is_used_on_windows(tmp_path: Path) -> None:
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    (scripts / "python.exe").write_text("")
    assert batch_command(scripts / "python.exe", windows=True) == [
        str(scripts / "python.exe"),
        "-m",
        "ppid_batch",
    ]
    (scripts / "ppid-batch.exe").write_text("")
    assert batch_command(scripts / "python.exe", windows=True) == [str(scripts / "ppid-batch.exe")]


def test_schedule_chooses_task_scheduler_on_windows(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "venv" / "Scripts"
    scripts.mkdir(parents=True)
    (scripts / "python.exe").write_text("")
    (scripts / "ppid-batch.exe").write_text("")
    monkeypatch.setattr(sys, "executable", str(scripts / "python.exe"))
    runner = CliRunner()
    linux = runner.invoke(cli, ["schedule", "-w", str(workspace)])
    assert linux.exit_code == 0 and "crontab -e" in linux.output and "schtasks" not in linux.output
    monkeypatch.setattr(sys, "platform", "win32")
    result = runner.invoke(cli, ["schedule", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "crontab" not in result.output
    assert f'/TR "{scripts / "ppid-batch.exe"} run --workspace {workspace.resolve()}"' in (
        result.output
    )
    assert "Jalur di bawah berasal dari komputer ini" not in result.output
    xml = tmp_path / "tugas.xml"
    written = runner.invoke(cli, ["schedule", "-w", str(workspace), "--xml", str(xml)])
    assert written.exit_code == 0, written.output
    assert f'/XML "{xml.resolve()}"' in written.output
    root = ET.fromstring(xml.read_bytes())
    assert root.find("t:Settings/t:StartWhenAvailable", NS).text == "true"


def test_windows_flag_elsewhere_says_the_paths_are_this_machines(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--windows", "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "Jalur di bawah berasal dari komputer ini" in result.output
    assert "<StartWhenAvailable>true</StartWhenAvailable>" in result.output


# ---- the file layer's Windows branches ----


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Windows as the file layer sees it: no os.fchmod, no folder handles, short pauses."""
    monkeypatch.setattr(files, "_WINDOWS", True)
    monkeypatch.setattr(files, "REPLACE_PAUSE", 0.0)
    monkeypatch.delattr(os, "fchmod")
    real_open = os.open

    def no_folder_handles(path, flags, *args, **kwargs):
        # ppid-batch's own calls only: shutil.rmtree on Linux opens folders itself.
        caller = sys._getframe(1).f_code.co_filename
        if os.path.isdir(path) and f"{os.sep}ppid_batch{os.sep}" in caller:
            raise AssertionError(f"a folder was opened as a file in {caller}")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_folder_handles)
    return monkeypatch


def _in_use(*_: object) -> None:
    exc = PermissionError(errno.EACCES, "The process cannot access the file", "DIP.xlsx")
    exc.winerror = 32  # type: ignore[attr-defined]
    raise exc


def test_atomic_write_works_without_fchmod_or_folder_fsync(windows, tmp_path: Path) -> None:
    path = files.atomic_write_bytes(tmp_path / "out" / "a.txt", b"isi")
    assert path.read_bytes() == b"isi"


def test_a_file_held_for_a_moment_is_written_on_a_later_try(windows, tmp_path: Path) -> None:
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) < 3:
            _in_use()
        real_replace(src, dst)

    windows.setattr(os, "replace", flaky)
    files.atomic_write_bytes(tmp_path / "a.txt", b"isi")
    assert (tmp_path / "a.txt").read_bytes() == b"isi" and len(calls) == 3


def test_a_file_open_in_excel_all_night_is_named_in_indonesian(windows, tmp_path: Path) -> None:
    windows.setattr(os, "replace", _in_use)
    with pytest.raises(PermissionError) as caught:
        files.atomic_write_bytes(tmp_path / "a.txt", b"isi")
    assert files.os_reason(caught.value) == (
        "berkas sedang dibuka program lain (misalnya Excel); tutup berkas itu: DIP.xlsx"
    )
    assert list(tmp_path.iterdir()) == []  # no temp file left behind


def test_on_posix_a_permission_error_is_not_retried(tmp_path: Path, monkeypatch) -> None:
    calls = []

    def denied(src, dst):
        calls.append(dst)
        raise PermissionError(errno.EACCES, "denied", str(dst))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        files.atomic_write_bytes(tmp_path / "a.txt", b"isi")
    assert len(calls) == 1


def test_libreoffice_is_found_in_program_files_on_windows(
    monkeypatch, tmp_path: Path, libreoffice_as_installed: None
) -> None:
    exe = tmp_path / "soffice.exe"
    exe.write_text("")
    monkeypatch.setattr(pdf, "WINDOWS_SOFFICE", (str(tmp_path / "none.exe"), str(exe)))
    assert pdf.find_soffice(search_path=str(tmp_path / "empty"), windows=True) == str(exe)
    assert pdf.find_soffice(search_path=str(tmp_path / "empty"), windows=False) is None


@pytest.mark.slow
def test_a_form_still_open_in_excel_stays_in_input_and_moves_the_next_night(
    windows, tmp_path: Path
) -> None:
    import json

    from batch_util import NIGHT_2, drop, examples, make_workspace, run_cli

    ws = make_workspace(tmp_path / "ws")
    (form,) = drop(ws, [p for p in examples() if "perlu-koreksi" not in p.name][:1])
    real_replace = os.replace

    def excel_holds_the_form(src, dst):
        if Path(src) == form:
            _in_use()
        real_replace(src, dst)

    windows.setattr(os, "replace", excel_holds_the_form)
    first = run_cli(ws)
    assert first.exit_code == 0, first.output
    assert form.is_file()
    (record,) = [json.loads(p.read_text("utf-8")) for p in (ws / "output/runs").glob("*/run.json")]
    (result,) = record["inputs"]
    assert result["verdict"] == "diterima" and result["archived_to"] is None
    assert (
        "sedang dibuka program lain, misalnya Excel; dipindahkan malam berikutnya"
        in (result["note"])
    )
    windows.setattr(os, "replace", real_replace)  # Excel closed during the day
    second = run_cli(ws, now=NIGHT_2)
    assert second.exit_code == 0, second.output
    assert not form.exists()
    assert (ws / "input/arsip/2026-11-24" / form.name).is_file()


# ---- modules Windows does not have ----

POSIX_ONLY = ("resource", "fcntl", "pwd", "grp", "termios")
_WITHOUT_POSIX = (
    "import sys, warnings\n"
    f"for name in {POSIX_ONLY!r}:\n"
    "    sys.modules[name] = None  # `import name` now fails, as on Windows\n"
    "warnings.simplefilter('ignore')  # filelock says it falls back to a soft lock\n"
    "import os\n"
    "del os.fchmod  # Windows has none before Python 3.13\n"
)


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_POSIX + code],
        capture_output=True, text=True, cwd=cwd, timeout=600,
    )  # fmt: skip


def test_every_module_imports_without_posix_only_modules(tmp_path: Path) -> None:
    """`import resource` at the top of the night's quarantine stopped every busy night on
    Windows before it began."""
    done = _python(
        "import importlib, pkgutil, ppid_batch\n"
        "for m in pkgutil.walk_packages(ppid_batch.__path__, 'ppid_batch.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print('ok')\n",
        tmp_path,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr[-2000:]


@pytest.mark.slow
def test_a_busy_night_and_a_rekap_run_without_posix_only_modules(tmp_path: Path) -> None:
    from batch_util import drop, examples, make_workspace

    ws = make_workspace(tmp_path / "ws")
    drop(ws, examples()[:2])
    cli_run = (
        "import runpy\n"
        "sys.argv = ['ppid-batch', *sys.argv[1:]]\n"
        "runpy.run_module('ppid_batch', run_name='__main__')\n"
    )
    night = subprocess.run(
        [sys.executable, "-c", _WITHOUT_POSIX + cli_run, "run", "-w", str(ws),
         "--now", "2026-11-23T01:00"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={**os.environ, "PPID_BATCH_LIBREOFFICE": "tidak"},
    )  # fmt: skip
    assert night.returncode in (0, 1), night.stdout + night.stderr[-2000:]
    assert "Selesai:" in night.stdout and list((ws / "output/persetujuan").glob("*.xlsx"))
    paket, rekap = str(tmp_path / "paket"), str(tmp_path / "rekap")
    for args in (["ekspor", "-w", str(ws), "-o", paket], ["rekap", "--sumber", paket, "-o", rekap]):
        done = subprocess.run(
            [sys.executable, "-c", _WITHOUT_POSIX + cli_run, *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert (tmp_path / "rekap" / "Rekap-Daftar-Informasi-Publik.html").is_file()
