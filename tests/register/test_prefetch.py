"""The near-duplicate index computed ahead in a child process (register/prefetch.py): a
cache fill only. Nights on real forms write the same approval sheet and annual report
whether the child's answer is taken, refused (other texts) or never comes (a child that
fails), and a small night starts no child."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from batch_util import drop, make_workspace
from similar_util import _vary, national_ringkasan, national_unit

from ppid_batch.batch.pipeline import run
from ppid_batch.config_file import load_config
from ppid_batch.register import prefetch, similar

NIGHT = dt.datetime(2026, 11, 23, 1, 0)
HEADER = ["ID Informasi", "Ringkasan Isi Informasi",
          "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
          "Penanggung Jawab Pembuatan atau Penerbitan Informasi", "Waktu Pembuatan Informasi",
          "Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia",
          "Jangka Waktu Penyimpanan atau Retensi Arsip", "Jenis Informasi",
          "Dasar Hukum Pengecualian"]  # fmt: skip
UNITS = 4
ROWS = 60


def write_forms(folder: Path, *, unknown_id: bool = False) -> list[Path]:
    """One form per unit; about a third of the rows are another unit's item retyped.
    With `unknown_id`, the last form's first row names an ID the register never gave
    (registration refuses that row: its ringkasan never reaches the register)."""
    rnd = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    own: list[str] = []
    paths = []
    for k in range(UNITS):
        unit = national_unit(k)
        path = folder / f"Form-DIP-{k + 1}.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Form DIP")
        sheet.write(0, 0, "FORM DAFTAR INFORMASI PUBLIK")
        meta = [("Unit Kerja / Subbagian", unit), ("Nama Petugas", f"Petugas {unit}"),
                ("Tanggal Pengisian", "10 November 2026")]  # fmt: skip
        for r, (label, value) in enumerate(meta, start=2):
            sheet.write(r, 0, label)
            sheet.write(r, 1, value)
        for c, label in enumerate(HEADER):
            sheet.write(7, c, label)
        seen: set[str] = set()
        r = 8
        while r < 8 + ROWS:
            if own and rnd.random() < 1 / 3:
                ringkasan = _vary(rnd.choice(own), rnd)
            else:
                ringkasan = national_ringkasan(k, rnd)
                own.append(ringkasan)
            if ringkasan.casefold() in seen:
                continue
            seen.add(ringkasan.casefold())
            first = unknown_id and k == UNITS - 1 and r == 8
            values = ["DIP-2026-9999" if first else None, ringkasan, unit, f"Sekretaris {unit}",
                      "Maret 2025", unit.removeprefix("KPU "), "Softcopy", "5 Tahun", "Berkala",
                      None]  # fmt: skip
            for c, value in enumerate(values):
                if value is not None:
                    sheet.write(r, c, value)
            r += 1
        book.close()
        paths.append(path)
    return paths


def night(
    tmp_path: Path, name: str, forms: list[Path], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, bytes], int, str]:
    """(output name → bytes of the approval sheet and annual report, in-process index
    builds, the log) of night 1 over these forms in a new workspace."""
    built = 0
    real = similar._text_hits

    def counted(*args: Any, **kw: Any) -> Any:
        nonlocal built
        built += 1
        return real(*args, **kw)

    monkeypatch.setattr(similar, "_text_hits", counted)
    monkeypatch.setattr(similar, "_LAST", None)  # no answer from an earlier night's test
    ws = make_workspace(tmp_path / name, settle=0)
    drop(ws, forms)
    run(load_config(ws), now=NIGHT)
    out = ws / "output"
    written = [*(out / "persetujuan").glob("*.xlsx"), *out.rglob("Laporan-Tahunan-*.docx")]
    assert len(written) == 2
    log = (ws / "var" / "logs" / "ppid-batch.log").read_text("utf-8")
    assert similar.ahead is None  # the night let go of its child
    return {p.name: p.read_bytes() for p in written}, built, log


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    """These few forms are noted through the index, as a national register is."""
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)


def no_child(*args: Any) -> None:
    return None


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """The outputs of the same night without any child: the index built in-process."""

    def outputs(forms: list[Path]) -> dict[str, bytes]:
        with monkeypatch.context() as m:
            m.setattr(prefetch, "start", no_child)
            written, built, _ = night(tmp_path, "alone", forms, m)
        assert built >= 1
        return written

    return outputs


def test_the_childs_index_writes_the_same_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: None, in_process: Any
) -> None:
    forms = write_forms(tmp_path / "forms")
    written, built, log = night(tmp_path, "ahead", forms, monkeypatch)
    assert "computed ahead (pid" in log and "not used" not in log and "failed" not in log
    assert built == 0  # the notes and the annual count both took the child's index
    assert written == in_process(forms)
    assert notes(written) > 20  # there were near-duplicates to note


@pytest.fixture
def spawns(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The children the night starts (each a Popen), in order."""
    started: list[Any] = []
    real = prefetch._spawn

    def spawn() -> Any:
        got = real()
        started.append(got[0] if got else None)
        return got

    monkeypatch.setattr(prefetch, "_spawn", spawn)
    return started


@pytest.mark.parametrize("while_reading", [True, False], ids=["warm", "cold"])
def test_the_child_started_while_reading_is_the_one_given_the_texts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    indexed: None,
    in_process: Any,
    spawns: list[Any],
    while_reading: bool,
) -> None:
    """Started while the forms are read (enough rows), the child is the one that computes
    the index; started after them (Warm counting nothing), a child does the same. One
    child either way, and the same outputs as without any."""
    taken: list[Any] = []
    real_take = prefetch.Warm.take
    monkeypatch.setattr(
        prefetch.Warm, "take", lambda self: taken.append(real_take(self)) or taken[-1]
    )
    if not while_reading:
        monkeypatch.setattr(prefetch.Warm, "read", lambda self, report: None)
    forms = write_forms(tmp_path / "forms")
    written, built, log = night(tmp_path, "ahead", forms, monkeypatch)
    assert len(spawns) == 1 and spawns[0] is not None
    assert (taken[0] is not None) == while_reading  # the reading's child was the one
    assert spawns[0].returncode == 0  # it gave its answer and ended
    assert "computed ahead (pid" in log and "not used" not in log and "failed" not in log
    assert built == 0
    assert written == in_process(forms)


def test_a_child_started_while_reading_but_not_needed_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: None, spawns: list[Any]
) -> None:
    """Enough rows read to start the child, but the notes will score every pair (here:
    no threshold the index is trusted for): the child is stopped, not left waiting."""
    monkeypatch.setattr(similar, "INDEX_DELETIONS", {})
    forms = write_forms(tmp_path / "forms")
    written, built, log = night(tmp_path, "exact", forms, monkeypatch)
    assert len(spawns) == 1 and spawns[0] is not None
    assert spawns[0].poll() is not None  # stopped (killed) by the night
    assert "computed ahead" not in log
    assert built == 0  # (every pair scored: no index at all)
    assert notes(written) > 20


def test_a_night_that_decides_the_pending_items_starts_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: None, spawns: list[Any]
) -> None:
    """The signed approval sheet decides every pending item: the notes will have nothing
    to note through the index (the register then has no pending item), so no child."""
    from python_calamine import CalamineWorkbook
    from store_util import fill_approval_sheet

    forms = write_forms(tmp_path / "forms")
    ws = make_workspace(tmp_path / "ws", settle=0)
    drop(ws, forms)
    monkeypatch.setattr(similar, "_LAST", None)
    run(load_config(ws), now=NIGHT)
    assert len(spawns) == 1  # night 1: the forms' 240 pending items
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    ids = [r[0] for r in rows if r and str(r[0]).startswith("DIP-")]
    assert len(ids) > 200
    fill_approval_sheet(sheet, ws / "input" / "Persetujuan.xlsx", {i: ("YA", None) for i in ids})
    report = run(load_config(ws), now=NIGHT + dt.timedelta(days=1))
    assert f"{len(ids)} disetujui, 0 menunggu persetujuan" in report.summary
    assert len(spawns) == 1  # night 2 started none


def notes(written: dict[str, bytes]) -> int:
    """How many cells of the approval sheet note a near-duplicate."""
    import io

    from python_calamine import CalamineWorkbook

    sheet = next(v for k, v in written.items() if k.endswith(".xlsx"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(sheet))
    rows = book.get_sheet_by_index(0).to_python()
    return sum(str(v).startswith(("Mirip ", similar.SAME)) for row in rows for v in row)


def test_a_register_with_other_texts_computes_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: None, in_process: Any
) -> None:
    forms = write_forms(tmp_path / "forms", unknown_id=True)
    written, built, log = night(tmp_path, "ahead", forms, monkeypatch)
    assert "computed ahead not used: the register's texts differ" in log
    assert built >= 1
    assert written == in_process(forms)


@pytest.mark.parametrize(
    "child",
    [
        "import sys; sys.exit(7)",  # fails before it reads anything
        "import sys; sys.stdin.buffer.read(); print('(b\"\", 0)'); sys.exit(0)",  # another key
        "import os, sys; sys.stdin.buffer.read(); os.kill(os.getpid(), 9)",  # killed
    ],
    ids=["exits", "other-key", "killed"],
)
def test_a_failing_child_leaves_the_index_to_the_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: None, in_process: Any, child: str
) -> None:
    if "os.kill" in child and os.name != "posix":
        pytest.skip("SIGKILL is POSIX")
    monkeypatch.setattr(prefetch, "_command", lambda *a: [sys.executable, "-c", child])
    forms = write_forms(tmp_path / "forms")
    written, built, log = night(tmp_path, "ahead", forms, monkeypatch)
    assert ("failed (exit" in log) != ("not used" in log)
    assert "Traceback" not in log
    assert built >= 1
    assert written == in_process(forms)


def test_an_answer_not_whole_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the child wrote is checked before it is taken: a cut or out-of-range answer
    is no answer."""

    class Answer(prefetch.Ahead):
        def __init__(self, answer: bytes) -> None:
            self.answer = answer

    import numpy as np

    a, b = np.array([0, 1], "<i8"), np.array([1, 2], "<i8")
    s = np.array([90.0, 95.5], "<f4")
    body = a.tobytes() + b.tobytes() + s.tobytes()
    good = b'{"least": 3, "most": 4, "hits": 2, "texts": 3}\n' + body
    least, most, hits = Answer(good)._answer() or (0, 0, None)
    assert (least, most) == (3, 4) and hits is not None
    assert [h.tolist() for h in hits] == [[0, 1], [1, 2], [90.0, 95.5]]
    assert Answer(good[:-1])._answer() is None
    assert Answer(good.replace(b'"texts": 3', b'"texts": 2'))._answer() is None
    assert Answer(b"not json\n")._answer() is None
    assert Answer(b'{"least": 9, "most": 9, "hits": null, "texts": 3}\n')._answer() == (9, 9, None)


def test_the_childs_sorted_words_are_given_to_the_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The words the child sends are taken only whole, one text's per ringkasan sent."""

    class Words(prefetch.Ahead):
        def __init__(self, ringkasan: list[str]) -> None:
            self.ringkasan = ringkasan

    monkeypatch.setattr(similar, "_TEXTS", {})
    sent = ["Laporan Keuangan 2025", "DPT  kecamatan Mesuji"]
    words = similar._sorted_texts(sent)
    monkeypatch.setattr(similar, "_TEXTS", {})
    Words(sent)._remember("\0".join(words).encode() + b"\n")
    assert similar._TEXTS == {r: similar._sorted_tokens(r) for r in sent}
    for cut in ("\0".join(words).encode(), words[0].encode() + b"\n"):  # cut short, one missing
        monkeypatch.setattr(similar, "_TEXTS", {})
        Words(sent)._remember(cut)
        assert similar._TEXTS == {}


def test_a_small_night_starts_no_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    real = prefetch.start
    monkeypatch.setattr(prefetch, "start", lambda *a: started.append(real(*a)))
    forms = write_forms(tmp_path / "forms")  # 240 rows: every pair is scored
    written, built, log = night(tmp_path, "small", forms, monkeypatch)
    assert started == [None]
    assert "computed ahead" not in log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_the_child_dies_with_the_night(tmp_path: Path) -> None:
    """A night killed while its child computes leaves no orphan behind."""
    child = (
        "import os, time; from ppid_batch.register.prefetch import die_with_parent; "
        "die_with_parent(os.getppid()); print(os.getpid(), flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, "
         f"'-c', {child!r}])"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert parent.stdout is not None
    with parent.stdout:
        pid = int(parent.stdout.readline())
    assert _alive(pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(600):  # (the kernel signals it at once; it is reaped by init)
        if not _alive(pid):
            break
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")
