"""Work done beside the night in a forked child (batch/beside.py): the same answer as
in-process, whatever becomes of the child, and a night's outputs the same bytes both ways."""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from batch_util import ATASAN, contents, drop, examples, make_workspace, register_dump

from ppid_batch.batch import beside, outputs, stages
from ppid_batch.batch.beside import Beside
from ppid_batch.batch.demo import DECIDED_ON, NIGHT_1, NIGHT_2, fill_approval_sheet
from ppid_batch.batch.memo import MEMO_FILE, OutputMemo
from ppid_batch.batch.pipeline import run
from ppid_batch.config_file import load_config

needs_fork = pytest.mark.skipif(
    not (hasattr(os, "fork") and beside._cores() > 1 and beside._resident_mb() is not None),
    reason="no fork(), a single core or no /proc: Beside always works in-process",
)


@pytest.fixture(autouse=True)
def _any_night_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test process that has grown (a long pytest worker) still forks its children."""
    monkeypatch.setattr(beside, "MAX_NIGHT_MB", 1e9)


def _gone(pid: int) -> bool:
    """The child was reaped (no zombie left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_the_answer_comes_from_the_child_with_its_log_records_in_order(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parent = os.getpid()

    def work() -> tuple[int, list[int]]:
        for n in range(3):
            logging.getLogger("ppid_batch.test.child").info("langkah %d", n)
        return os.getpid(), [1, 2, 3]

    caplog.set_level(logging.INFO)
    job = Beside(work, "uji")
    assert job.forked
    pid = job.pid
    assert pid is not None
    answered_by, value = job.result()
    assert value == [1, 2, 3]
    assert answered_by == pid != parent
    steps = [r.getMessage() for r in caplog.records if r.name == "ppid_batch.test.child"]
    assert steps == ["langkah 0", "langkah 1", "langkah 2"]
    assert _gone(pid)


@needs_fork
def test_files_the_child_writes_are_there_when_the_answer_is(tmp_path: Path) -> None:
    def work() -> Path:
        path = tmp_path / "laporan.txt"
        path.write_text("isi", encoding="utf-8")
        return path

    with Beside(work, "uji") as job:
        assert job.forked
        assert job.result().read_text(encoding="utf-8") == "isi"


@needs_fork
def test_a_child_that_raises_has_the_work_done_in_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            raise ValueError("rusak di anak")
        return 7

    job = Beside(work, "uji")
    assert job.forked
    assert job.result() == 7
    assert "rusak di anak" in caplog.text


def test_work_that_fails_everywhere_raises_in_the_night() -> None:
    def work() -> int:
        raise ValueError("rusak")

    with pytest.raises(ValueError, match="rusak"):
        Beside(work, "uji").result()


@needs_fork
@pytest.mark.parametrize("death", ["exit", "kill"])
def test_a_child_that_dies_without_an_answer_has_the_work_done_in_process(death: str) -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            if death == "exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        return os.getpid()

    job = Beside(work, "uji")
    pid = job.pid
    assert pid is not None
    assert job.result() == parent
    assert _gone(pid)


@needs_fork
def test_a_child_that_never_answers_is_killed_after_the_patience(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent = os.getpid()
    monkeypatch.setattr(beside, "PATIENCE_S", 0.5)

    def work() -> str:
        if os.getpid() != parent:
            time.sleep(60)
        return "di sini"

    job = Beside(work, "uji")
    pid = job.pid
    assert pid is not None
    began = time.monotonic()
    assert job.result() == "di sini"
    assert time.monotonic() - began < 30  # not the child's 60 s
    assert _gone(pid)


@needs_fork
def test_closing_stops_and_reaps_a_child_whose_answer_is_not_wanted() -> None:
    def work() -> None:
        time.sleep(60)

    with Beside(work, "uji") as job:
        pid = job.pid
        assert pid is not None
    assert not job.forked
    assert _gone(pid)


def test_disabled_or_not_worth_a_child_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    small = Beside(os.getpid, "uji", fork=False)
    assert not small.forked and small.result() == parent
    monkeypatch.setattr(beside, "ENABLED", False)
    off = Beside(os.getpid, "uji")
    assert not off.forked and off.result() == parent


def test_the_memo_hands_back_what_a_copy_of_it_recorded(tmp_path: Path) -> None:
    """What the child records in its copy of the memo (since a mark) is what the night's
    memo takes in (absorb): the same file as recording it in the night's memo itself."""

    def saved(name: str, *, in_copy: bool) -> str:
        path = tmp_path / name
        memo = OutputMemo(path, "garam")
        memo.note("sebelum", ["a"])
        if in_copy:
            child = copy.deepcopy(memo)  # what fork() gives the child
            mark = child.mark()
            child.note("laporan", ["b", "c"])
            child.note("sebelum", ["a2"])  # a slot set again counts too
            delta = child.since(mark)
            assert set(delta.slots) == {"laporan", "sebelum"}
            memo.absorb(delta)
        else:
            memo.note("laporan", ["b", "c"])
            memo.note("sebelum", ["a2"])
        memo.save()
        return path.read_text(encoding="utf-8")

    assert saved("a.json", in_copy=True) == saved("b.json", in_copy=False)
    assert "laporan" in saved("c.json", in_copy=True)


@needs_fork
@pytest.mark.slow
def test_a_night_with_the_annual_records_beside_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workspaces, the demo's two nights: one writes the annual records in a child,
    the other in-process. Outputs, register and memo are the same."""
    monkeypatch.setattr(outputs, "ANNUAL_BESIDE_MIN_ITEMS", 0)
    forked: list[bool] = []
    finish = stages.finish_annual_reports

    def spy(job, memo):  # type: ignore[no-untyped-def]
        forked.append(job.forked)
        return finish(job, memo)

    monkeypatch.setattr(stages, "finish_annual_reports", spy)

    def cycle(on: bool) -> tuple[object, ...]:
        """Both nights in the same folder (the memo's keys hold the workspace's path)."""
        monkeypatch.setattr(beside, "ENABLED", on)
        ws = tmp_path / "ws"
        shutil.rmtree(ws, ignore_errors=True)
        make_workspace(ws)
        drop(ws, examples())
        run(dataclasses.replace(load_config(ws), settle_seconds=0), now=NIGHT_1)
        first = contents(ws / "output", skip=("runs/",))
        (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
        filled = tmp_path / "Persetujuan-diisi.xlsx"
        fill_approval_sheet(sheet, filled, atasan=ATASAN, day=DECIDED_ON)
        drop(ws, [filled])
        run(dataclasses.replace(load_config(ws), settle_seconds=0), now=NIGHT_2)
        second = contents(ws / "output", skip=("runs/",))
        memo = (ws / "var" / MEMO_FILE).read_text(encoding="utf-8")
        return first, second, register_dump(ws), memo

    with_child, in_process = cycle(True), cycle(False)
    assert forked == [True, True, False, False]
    assert any(k.startswith("laporan/") for k in with_child[1])  # type: ignore[attr-defined]
    assert '"grafik/' in with_child[3]  # the child's slots are kept  # type: ignore[operator]
    for got, expected in zip(with_child, in_process, strict=True):
        assert got == expected


def test_a_night_already_holding_much_memory_forks_no_child(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The child copies what it touches of the night: a night past MAX_NIGHT_MB (and one
    whose memory cannot be read) works in-process, with the same answer."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(beside, "MAX_NIGHT_MB", 1.0)
    job = Beside(os.getpid, "uji")
    assert not job.forked and job.result() == os.getpid()
    assert "no child beside the night" in caplog.text
    monkeypatch.setattr(beside, "MAX_NIGHT_MB", 1e9)
    monkeypatch.setattr(beside, "_resident_mb", lambda: None)
    assert not Beside(os.getpid, "uji").forked
