"""Scheduling the nightly run: a crontab line and a systemd service + timer for 01:00."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

UNIT_NAME = "ppid-batch"
HOUR, MINUTE = 1, 0


@dataclass(frozen=True)
class Schedule:
    crontab: str
    service: str
    timer: str


def batch_command(python: Path) -> list[str]:
    """The venv's `ppid-batch` script beside `python`, or `python -m ppid_batch` without one."""
    python = Path(python).absolute()
    script = python.parent / "ppid-batch"
    if script.is_file():
        return [str(script)]
    return [str(python), "-m", "ppid_batch"]


def _systemd_quote(arg: str) -> str:
    # systemd expands %-specifiers and splits on spaces; quote only what needs it.
    arg = arg.replace("%", "%%")
    if any(c in arg for c in " \t\"'\\;$"):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def make_schedule(workspace: Path, python: Path, var_dir: Path | None = None) -> Schedule:
    """The texts to install, with absolute paths for `workspace` and the venv of `python`.

    `var_dir` is ppid.toml's 'lokasi.var' (default <workspace>/var): cron's redirect fails,
    and the run never starts, when the folder of cron.log does not exist.
    """
    ws = Path(workspace).resolve()
    command = batch_command(python) + ["run", "--workspace", str(ws)]
    # var/ exists from init; a log folder inside might not yet when cron first redirects.
    log = Path(var_dir or ws / "var").resolve() / "cron.log"
    # In a crontab an unescaped % ends the command.
    cron_cmd = " ".join(shlex.quote(a) for a in command).replace("%", "\\%")
    cron_log = shlex.quote(str(log)).replace("%", "\\%")
    crontab = f"{MINUTE} {HOUR} * * * {cron_cmd} >> {cron_log} 2>&1"
    service = "\n".join(
        [
            "[Unit]",
            "Description=ppid-batch: proses malam Pendokumentasian Informasi Publik",
            "",
            "[Service]",
            "Type=oneshot",
            f"WorkingDirectory={_systemd_quote(str(ws))}",
            "ExecStart=" + " ".join(_systemd_quote(a) for a in command),
            "# 1 = ada berkas ditolak (perlu tindak lanjut petugas),",
            "# 3 = proses lain sedang berjalan: keduanya bukan kegagalan layanan.",
            "SuccessExitStatus=1 3",
            "Nice=10",
            "",
        ]
    )
    timer = "\n".join(
        [
            "[Unit]",
            "Description=Jalankan ppid-batch setiap malam pukul 01.00",
            "",
            "[Timer]",
            f"OnCalendar=*-*-* {HOUR:02d}:{MINUTE:02d}:00",
            "# Bila komputer mati pukul 01.00, jalankan segera setelah menyala.",
            "Persistent=true",
            f"Unit={UNIT_NAME}.service",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )
    return Schedule(crontab=crontab, service=service, timer=timer)


def render_schedule(schedule: Schedule) -> str:
    """The text `ppid-batch schedule` prints (Indonesian guidance, then the three pieces)."""
    return "\n".join(
        [
            "# Pilihan 1 — cron: jalankan 'crontab -e' dan tambahkan baris ini:",
            schedule.crontab,
            "",
            f"# Pilihan 2 — systemd: simpan sebagai ~/.config/systemd/user/{UNIT_NAME}.service",
            schedule.service,
            f"# … dan sebagai ~/.config/systemd/user/{UNIT_NAME}.timer",
            schedule.timer,
            "# lalu: systemctl --user daemon-reload",
            f"#       systemctl --user enable --now {UNIT_NAME}.timer",
            "#       (dan 'loginctl enable-linger' agar tetap berjalan tanpa login)",
        ]
    )
