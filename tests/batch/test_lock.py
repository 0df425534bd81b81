"""The workspace lock: one run at a time, a clear message, never stale after a kill."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from paths import ROOT

from ppid_batch.batch.lock import HOLDER_NAME, holder_info, workspace_lock
from ppid_batch.errors import LockedError

HOLDER_SCRIPT = """
import sys, time
from pathlib import Path
from ppid_batch.batch.lock import workspace_lock
with workspace_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def _spawn_holder(var_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(var_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def _stop(proc: subprocess.Popen[str], sig: int) -> None:
    proc.send_signal(sig)
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_second_holder_is_refused_with_the_running_one_named(tmp_path: Path) -> None:
    var = tmp_path / "var"
    with workspace_lock(var):
        info = holder_info(var)
        assert info is not None
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        with pytest.raises(LockedError) as caught:
            with workspace_lock(var):
                pass  # pragma: no cover
    assert caught.value.exit_code == 3
    assert str(caught.value) == (
        "Proses malam lain sedang berjalan pada ruang kerja ini: "
        f"proses {os.getpid()} di {socket.gethostname()} (mulai {info['started']}). "
        "Tunggu sampai selesai, atau jalankan ulang dengan --wait agar menunggu giliran."
    )
    # Released: the note is gone and the lock can be taken again.
    assert not (var / HOLDER_NAME).exists()
    with workspace_lock(var):
        pass


def test_holder_in_another_process_blocks_until_it_ends(tmp_path: Path) -> None:
    var = tmp_path / "var"
    proc = _spawn_holder(var)
    try:
        with pytest.raises(LockedError, match=f"proses {proc.pid} di "):
            with workspace_lock(var):
                pass  # pragma: no cover
    finally:
        _stop(proc, signal.SIGTERM)


def test_sigkilled_holder_never_blocks_the_next_run(tmp_path: Path) -> None:
    var = tmp_path / "var"
    proc = _spawn_holder(var)
    with pytest.raises(LockedError):
        with workspace_lock(var):
            pass  # pragma: no cover
    _stop(proc, signal.SIGKILL)
    # The killed run left its note and lock file behind; neither blocks.
    assert json.loads((var / HOLDER_NAME).read_text())["pid"] == proc.pid
    with workspace_lock(var):
        assert holder_info(var)["pid"] == os.getpid()  # type: ignore[index]


def test_wait_takes_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    var = tmp_path / "var"
    order: list[str] = []
    release = threading.Event()
    held = threading.Event()

    def first() -> None:
        with workspace_lock(var):
            held.set()
            release.wait(5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with workspace_lock(var, wait=True):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]
    assert time.monotonic() - started >= 0.25
