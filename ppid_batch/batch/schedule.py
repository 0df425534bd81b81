"""Scheduling the nightly run at 01:00: a crontab line, a systemd service + timer, or a
Windows Task Scheduler task (a schtasks command and an importable task XML)."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

UNIT_NAME = "ppid-batch"
HOUR, MINUTE = 1, 0


@dataclass(frozen=True)
class Schedule:
    crontab: str
    service: str
    timer: str


def batch_command(python: Path, *, windows: bool = False) -> list[str]:
    """The venv's `ppid-batch` script beside `python`, or `python -m ppid_batch` without one.

    On Windows the script is `ppid-batch.exe` in the venv's Scripts folder.
    """
    python = Path(python).absolute()
    script = python.parent / ("ppid-batch.exe" if windows else "ppid-batch")
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


# ---- Windows: Task Scheduler ----

TASK_NAME = "ppid-batch"
TASK_XML_NAME = "ppid-batch-tugas.xml"
# schtasks /TR takes at most 261 characters; past that only the XML import works.
MAX_TR = 261
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


@dataclass(frozen=True)
class WindowsTask:
    """Task Scheduler texts: a one-line schtasks command and an importable task XML."""

    command: str
    xml: str
    import_command: str


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_windows_task(
    workspace: PurePath, command: Sequence[str], xml_path: PurePath | None = None
) -> WindowsTask:
    """The task that runs `command run --workspace <workspace>` daily at 01.00.

    Both run whether the PPID is logged on or not (/RU with /RP asks for the Windows
    password once); only the XML can say 'run as soon as possible after a missed start'
    (StartWhenAvailable), for a laptop that was off or asleep at 01.00.
    """
    ws = str(workspace)
    program, *pre = command
    args = [*pre, "run", "--workspace", ws]
    # The C runtime's quoting, which ppid-batch.exe's argument parser follows.
    line = subprocess.list2cmdline([program, *args])
    # Inside /TR "...", schtasks wants the command's own quotes as \".
    tr = line.replace('"', '\\"')
    command_line = (
        f'schtasks /Create /TN "{TASK_NAME}" /TR "{tr}" /SC DAILY /ST {HOUR:02d}:{MINUTE:02d} '
        '/RU "%USERNAME%" /RP /F'
    )
    xml = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-16"?>',
            f'<Task version="1.2" xmlns="{TASK_NS}">',
            "  <RegistrationInfo>",
            "    <Description>ppid-batch: proses malam Pendokumentasian Informasi Publik"
            "</Description>",
            f"    <URI>\\{TASK_NAME}</URI>",
            "  </RegistrationInfo>",
            "  <Triggers>",
            "    <CalendarTrigger>",
            f"      <StartBoundary>2026-01-01T{HOUR:02d}:{MINUTE:02d}:00</StartBoundary>",
            "      <Enabled>true</Enabled>",
            "      <ScheduleByDay>",
            "        <DaysInterval>1</DaysInterval>",
            "      </ScheduleByDay>",
            "    </CalendarTrigger>",
            "  </Triggers>",
            "  <Principals>",
            '    <Principal id="Author">',
            "      <LogonType>Password</LogonType>",
            "      <RunLevel>LeastPrivilege</RunLevel>",
            "    </Principal>",
            "  </Principals>",
            "  <Settings>",
            "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
            "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
            "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
            "    <StartWhenAvailable>true</StartWhenAvailable>",
            "    <WakeToRun>false</WakeToRun>",
            "    <ExecutionTimeLimit>PT4H</ExecutionTimeLimit>",
            "    <Enabled>true</Enabled>",
            "  </Settings>",
            '  <Actions Context="Author">',
            "    <Exec>",
            f"      <Command>{_xml_text(program)}</Command>",
            f"      <Arguments>{_xml_text(subprocess.list2cmdline(args))}</Arguments>",
            f"      <WorkingDirectory>{_xml_text(ws)}</WorkingDirectory>",
            "    </Exec>",
            "  </Actions>",
            "</Task>",
            "",
        ]
    )
    where = str(xml_path) if xml_path is not None else TASK_XML_NAME
    import_command = f'schtasks /Create /TN "{TASK_NAME}" /XML "{where}" /RU "%USERNAME%" /RP /F'
    return WindowsTask(command=command_line, xml=xml, import_command=import_command)


def task_xml_bytes(task: WindowsTask) -> bytes:
    """The XML as Task Scheduler exports it: UTF-16 with a byte-order mark, CRLF lines."""
    return task.xml.replace("\n", "\r\n").encode("utf-16")


def render_windows(task: WindowsTask, *, xml_written: bool, here: bool = True) -> str:
    """What `ppid-batch schedule --windows` prints: the steps, then the command and the XML."""
    too_long = len(task.command.split('/TR "', 1)[1].split('" /SC', 1)[0]) > MAX_TR
    lines = [
        "REM Laptop Windows — Task Scheduler (Penjadwal Tugas), proses malam pukul 01.00.",
    ]
    if not here:
        lines += [
            "REM Jalur di bawah berasal dari komputer ini; di laptop Windows jalankan",
            "REM 'ppid-batch schedule' di sana agar jalurnya benar.",
        ]
    lines += [
        "REM Jalankan di Command Prompt (cmd) dengan akun Windows PPID; /RP menanyakan kata",
        "REM sandinya sekali, agar tugas tetap berjalan walau tidak ada yang masuk (login).",
        "REM",
        "REM Cara 1 (dianjurkan) — impor berkas XML; tugas juga dijalankan segera setelah",
        "REM laptop menyala bila pukul 01.00 laptop mati atau tidur:",
    ]
    if xml_written:
        lines.append(task.import_command)
    else:
        lines += [
            f"REM   simpan isi XML di bawah sebagai {TASK_XML_NAME} (atau jalankan",
            f"REM   'ppid-batch schedule --windows --xml {TASK_XML_NAME}'), lalu:",
            task.import_command,
        ]
    lines += [
        "REM",
        "REM Cara 2 — satu baris, tanpa susulan bila laptop mati pukul 01.00:",
    ]
    if too_long:
        lines.append("REM   (jalur terlalu panjang untuk /TR; pakai Cara 1)")
    else:
        lines.append(task.command)
    lines += [
        "REM",
        f'REM Periksa: schtasks /Query /TN "{TASK_NAME}" /V /FO LIST',
        f'REM Coba sekarang: schtasks /Run /TN "{TASK_NAME}"',
        "",
    ]
    if not xml_written:
        lines += [f"REM ---- {TASK_XML_NAME} ----", task.xml]
    return "\n".join(lines)
