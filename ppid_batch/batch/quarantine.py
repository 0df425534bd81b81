"""Inputs that stopped or failed a night (SOP step 1 intake): recognised and set aside.

The night writes which file it is reading into var/run-state.json (state.py) (no fsync: a killed
process loses nothing the kernel already holds). When a night dies while reading, the
next night reads that file once more in a child process with a memory limit; if the child
dies too, the file goes to input/ditolak/ with its reason and the other files go on. A
file the program failed on (a bug, not the clerk's doing) is tried once more the next
night, then set aside the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..files import log_text
from ..models import Finding, SheetReport
from .state import write_state

log = logging.getLogger(__name__)

READER_CRASH = "reader_crash"
PROGRAM_ERROR = "program_error"
# The probe reads one workbook the reader already died on; a form needs far less.
PROBE_MEMORY_BYTES = 3 * 1024**3
PROBE_SECONDS = 300

MESSAGES = {
    READER_CRASH: (
        "Berkas ini menghentikan proses malam saat dibaca ({cause}) dan tidak dapat dibaca "
        "dengan aman. Salin isi formulirnya ke formulir baru (ppid-batch form), simpan, lalu "
        "kirim kembali."
    ),
    PROGRAM_ERROR: (
        "Program gagal memproses berkas ini dua malam berturut-turut; berkas disisihkan agar "
        "tidak menghambat berkas lain. Sampaikan kepada pemelihara (rincian di "
        "var/logs/ppid-batch.log); setelah diperbaiki, taruh berkas ini lagi di input/."
    ),
}


def killed_while_reading(previous: Mapping[str, Any]) -> dict[str, str]:
    """sha256 → name of the file a night that did not finish was reading when it died."""
    reading = previous.get("reading")
    if previous.get("status") == "complete" or not isinstance(reading, dict):
        return {}
    sha, name = reading.get("sha256"), reading.get("name")
    return {sha: str(name)} if isinstance(sha, str) else {}


def failed_before(previous: Mapping[str, Any]) -> dict[str, str]:
    """sha256 → name of the files the program failed on last night."""
    failed = previous.get("failed")
    if not isinstance(failed, dict):
        return {}
    return {str(k): str(v) for k, v in failed.items()}


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource  # POSIX only: Windows has no such module (and the child gets no limit)

    resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY_BYTES, PROBE_MEMORY_BYTES))


def probe(path: Path, *, max_file_bytes: int, max_unpacked_bytes: int) -> str | None:
    """Read `path` in a child process with a memory limit; None when it survives, else why
    it did not (Indonesian, for the clerk's message)."""
    cmd = [
        sys.executable,
        "-m",
        "ppid_batch.forms.probe",
        str(path),
        str(max_file_bytes),
        str(max_unpacked_bytes),
    ]
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            timeout=PROBE_SECONDS,
            preexec_fn=_limit_memory if os.name == "posix" else None,  # noqa: PLW1509
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"pembacaan tidak selesai dalam {PROBE_SECONDS // 60} menit"
    if proc.returncode == 0:
        return None
    log.warning(
        "probe of %s exited %s: %s",
        log_text(path.name),
        proc.returncode,
        log_text(proc.stderr.decode("utf-8", "replace")[-2000:]),
    )
    if proc.returncode < 0:
        return "program pembaca berhenti mendadak"
    return "program pembaca kehabisan memori atau berhenti dengan galat"


def set_aside_report(path: Path, sha256: str, kind: str, **fmt: str) -> SheetReport:
    """A report that refuses the whole file with the quarantine reason."""
    finding = Finding(type=kind, message=MESSAGES[kind].format(**fmt))
    return SheetReport(path=Path(path), kind=None, sha256=sha256, errors=(finding,))


def screen(
    candidates: Sequence[Any],
    previous: Mapping[str, Any],
    *,
    max_file_bytes: int,
    max_unpacked_bytes: int,
) -> dict[str, SheetReport]:
    """Probe the file last night died reading: sha256 → its set-aside report when the probe
    dies too. Every other candidate is read in-process as usual."""
    suspects = killed_while_reading(previous)
    set_aside: dict[str, SheetReport] = {}
    for c in candidates:
        if c.sha256 not in suspects:
            continue
        log.warning("last night stopped while reading %s: probing it", log_text(c.name))
        cause = probe(c.path, max_file_bytes=max_file_bytes, max_unpacked_bytes=max_unpacked_bytes)
        if cause is not None:
            set_aside[c.sha256] = set_aside_report(c.path, c.sha256, READER_CRASH, cause=cause)
    return set_aside


def reading_note(
    var_dir: Path, started: dt.datetime, candidates: Sequence[Any]
) -> Callable[[Path], None]:
    """The `on_read` hook: record in the run state which file is being read."""
    by_path = {Path(c.path): c for c in candidates}

    def note(path: Path) -> None:
        c = by_path[Path(path)]
        state = {
            "status": "running",
            "run_id": None,
            "pid_started": started.isoformat(),
            "reading": {"name": c.name, "sha256": c.sha256},
        }
        write_state(var_dir, state, durable=False)

    return note


def failed_again(candidate: Any, previous: Mapping[str, Any]) -> SheetReport | None:
    """The set-aside report when the program failed on these very bytes last night too."""
    if candidate.sha256 not in failed_before(previous):
        return None
    return set_aside_report(candidate.path, candidate.sha256, PROGRAM_ERROR)
