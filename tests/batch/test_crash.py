"""Crash safety: the real CLI SIGKILLed at several points and rerun ends as if never killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_util import (
    ATASAN,
    NIGHT_1,
    NIGHT_2,
    ROOT,
    contents,
    examples,
    make_workspace,
    register_dump,
)
from paths import TESTS

from ppid_batch.batch.demo import DECIDED_ON, fill_approval_sheet
from ppid_batch.forms.validate import validate_file

pytestmark = pytest.mark.slow

COPIES = 10  # 4 good example forms × 10 + the form with mistakes = 41 inputs, ~500 items
KILLSWITCH = TESTS / "killswitch.py"


def _variant(src: Path, n: int, target: Path) -> None:
    """A copy of an example form whose every ringkasan is its own (so all items are new)."""
    from openpyxl import load_workbook

    report = validate_file(src)
    wb = load_workbook(src)
    ws = wb[report.sheet]
    for item in report.items:
        cell = item["_cells"]["ringkasan"]
        ws[cell] = f"{item['ringkasan']} (berkas {n:02d})"
    wb.save(target)
    wb.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for src in examples():
        if "perlu-koreksi" in src.name:
            shutil.copyfile(src, folder / src.name)
            continue
        for n in range(COPIES):
            _variant(src, n, folder / f"{src.stem}-{n:02d}.xlsx")
    return folder


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder on tmpfs when there is one: the test kills processes, it does not cut power,
    so the disk's fsync latency only slows it down."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="ppid-crash-") as tmp:
        yield Path(tmp)


def _batch(ws: Path, now: str, kill_at: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["run", "--workspace", str(ws), "--now", now]
    command = [str(KILLSWITCH), kill_at] if kill_at else ["-m", "ppid_batch"]
    proc = subprocess.run(
        [sys.executable, *command, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if kill_at:
        assert proc.returncode == -signal.SIGKILL, (kill_at, proc.stdout, proc.stderr)
    else:
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return proc.returncode


def _state(ws: Path) -> dict[str, object]:
    """What must be the same after a crash and a rerun as after one clean run.

    output/laporan/ is left out on purpose: the matriks kegiatan lists every nightly
    run, and a killed run was one.
    """
    return {
        "register": register_dump(ws),
        "approval sheet": contents(ws / "output" / "persetujuan"),
        "input": contents(ws / "input"),
        "outputs": contents(ws / "output", skip=("runs/", "laporan/")),
    }


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The uninterrupted reference: night 1, the Atasan PPID fills the sheet, night 2."""
    base = tmp_path_factory.mktemp("clean")
    ws = make_workspace(base / "ws", settle=0)
    for src in sorted(corpus.iterdir()):
        shutil.copyfile(src, ws / "input" / src.name)
    before_night_1 = base / "before-1"
    shutil.copytree(ws, before_night_1)
    assert _batch(ws, NIGHT_1) == 1  # the form with mistakes goes back
    after_1 = _state(ws)
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    fill_approval_sheet(
        sheet, ws / "input" / "Persetujuan-diisi.xlsx", atasan=ATASAN, day=DECIDED_ON
    )
    before_night_2 = base / "before-2"
    shutil.copytree(ws, before_night_2)
    assert _batch(ws, NIGHT_2) == 0
    return {
        "before-1": before_night_1,
        "after-1": after_1,
        "before-2": before_night_2,
        "after-2": _state(ws),
    }


@pytest.mark.parametrize(
    ("night", "kill_at"),
    [
        (1, "register:17"),  # 17 forms registered in the forms' open transaction
        (1, "hasil:2"),  # register committed, some outputs written
        (1, "arsip:9"),  # outputs written, 9 inputs moved
        (2, "register:1"),  # decisions committed, no Nota Dinas number issued yet
        (2, "hasil:3"),  # numbers issued, documents half written
    ],
)
def test_killed_night_then_rerun_equals_an_uninterrupted_night(
    clean: dict[str, Any], scratch: Path, night: int, kill_at: str
) -> None:
    now = {1: NIGHT_1, 2: NIGHT_2}[night]
    ws = scratch / "ws"
    shutil.copytree(clean[f"before-{night}"], ws)
    _batch(ws, now, kill_at=kill_at)
    _batch(ws, now)
    after = _state(ws)
    for part, expected in clean[f"after-{night}"].items():
        assert after[part] == expected, part
