"""One nightly run at a time: the workspace lock in var/ (SOP intake, before anything is read)."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..errors import LockedError

LOCK_NAME = "ppid.lock"
HOLDER_NAME = "ppid.lock.json"


def holder_info(var_dir: Path) -> dict[str, Any] | None:
    """What the running holder wrote beside the lock (pid, host, start), or None if unreadable."""
    try:
        data = json.loads((Path(var_dir) / HOLDER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _locked_message(var_dir: Path) -> str:
    info = holder_info(var_dir)
    if info is None:
        who = "proses lain"
    else:
        who = (
            f"proses {info.get('pid', '?')} di {info.get('host', '?')} "
            f"(mulai {info.get('started', '?')})"
        )
    return (
        f"Proses malam lain sedang berjalan pada ruang kerja ini: {who}. "
        "Tunggu sampai selesai, atau jalankan ulang dengan --wait agar menunggu giliran."
    )


@contextmanager
def workspace_lock(
    var_dir: Path, *, wait: bool = False, started: dt.datetime | None = None
) -> Iterator[Path]:
    """Hold var/ppid.lock for the block; raise LockedError at once unless `wait`.

    The lock is an OS lock on an open file (fcntl on POSIX, msvcrt on Windows, chosen by
    filelock): the system drops it when the holding process dies, so a run killed at any
    point never blocks the next night.
    """
    var_dir = Path(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(var_dir / LOCK_NAME, thread_local=False)
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise LockedError(_locked_message(var_dir)) from None
    holder = var_dir / HOLDER_NAME
    try:
        started = started or dt.datetime.now().astimezone()
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": started.isoformat(timespec="seconds"),
        }
        # Renamed into place so a reader never sees half a note; no fsync: after a power
        # cut the lock is free anyway and the note is only ever read while the lock is held.
        tmp = holder.with_name(f".{HOLDER_NAME}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, holder)
        yield var_dir / LOCK_NAME
    finally:
        # Remove the note before releasing, so a waiter never reads a finished holder.
        try:
            holder.unlink()
        except FileNotFoundError:
            pass
        lock.release()
