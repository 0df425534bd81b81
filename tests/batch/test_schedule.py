"""`ppid-batch schedule`: a cron line and a systemd pair with the real paths filled in."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from click.testing import CliRunner

from ppid_batch.batch.schedule import batch_command, make_schedule
from ppid_batch.cli import cli


def _venv(tmp_path: Path, with_script: bool) -> Path:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text("")
    if with_script:
        (bin_dir / "ppid-batch").write_text("")
    return python


def test_crontab_runs_at_one_with_absolute_paths(tmp_path: Path) -> None:
    python = _venv(tmp_path, with_script=True)
    ws = tmp_path / "kantor ppid"
    s = make_schedule(ws, python)
    script = str(python.parent / "ppid-batch")
    log = str(ws / "var" / "cron.log")
    assert s.crontab == (
        f"0 1 * * * {script} run --workspace {shlex.quote(str(ws))} >> {shlex.quote(log)} 2>&1"
    )
    # The shell cron uses splits it back into exactly our arguments.
    fields = s.crontab.split(" ", 5)
    assert fields[:5] == ["0", "1", "*", "*", "*"]
    assert shlex.split(fields[5])[:4] == [script, "run", "--workspace", str(ws)]


def test_systemd_pair(tmp_path: Path) -> None:
    python = _venv(tmp_path, with_script=True)
    ws = tmp_path / "ws"
    s = make_schedule(ws, python)
    lines = s.service.splitlines()
    assert "Type=oneshot" in lines
    assert f"WorkingDirectory={ws}" in lines
    assert f"ExecStart={python.parent / 'ppid-batch'} run --workspace {ws}" in lines
    assert "SuccessExitStatus=1 3" in lines
    timer = s.timer.splitlines()
    assert "OnCalendar=*-*-* 01:00:00" in timer
    assert "Persistent=true" in timer
    assert "Unit=ppid-batch.service" in timer
    assert "WantedBy=timers.target" in timer


def test_without_a_venv_script_python_m_is_used_and_specials_are_escaped(tmp_path: Path) -> None:
    python = _venv(tmp_path, with_script=False)
    assert batch_command(python) == [str(python), "-m", "ppid_batch"]
    ws = tmp_path / "100% arsip"
    s = make_schedule(ws, python)
    assert "100\\% arsip" in s.crontab and "100% arsip" not in s.crontab
    exec_line = next(x for x in s.service.splitlines() if x.startswith("ExecStart="))
    assert exec_line == (
        f'ExecStart={python} -m ppid_batch run --workspace "{tmp_path}/100%% arsip"'
    )


def test_schedule_command_prints_paths_of_this_venv(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    expected = make_schedule(workspace, Path(sys.executable))
    lines = result.output.splitlines()
    assert expected.crontab in lines
    assert f"ExecStart={' '.join(batch_command(Path(sys.executable)))} run --workspace " in (
        result.output
    )
    assert expected.timer in result.output
    assert lines[0].startswith("# Pilihan 1 — cron")


def test_schedule_logs_cron_into_the_configured_var_folder(workspace: Path, tmp_path: Path) -> None:
    toml = workspace / "ppid.toml"
    var = tmp_path / "data-ppid"
    text = toml.read_text(encoding="utf-8")
    assert 'var = "var"' in text
    # outside the workspace: allowed only when said so
    text = text.replace('var = "var"', f'var = "{var}"\nluar_ruang_kerja = true')
    toml.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    (cron,) = [line for line in result.output.splitlines() if line.startswith("0 1 * * * ")]
    assert cron.endswith(f" >> {var / 'cron.log'} 2>&1")
