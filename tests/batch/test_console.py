"""What a run shows: plain timestamped lines under cron, rich bars on a terminal."""

from __future__ import annotations

import io
import re

from ppid_batch.batch.console import PlainProgress, RichProgress, pick_progress, show_inputs
from ppid_batch.batch.runrecord import InputResult


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_are_timestamped_and_count_units() -> None:
    out = io.StringIO()
    p = PlainProgress(out)
    p.stage("baca", "Membaca dan memeriksa berkas", total=3)
    p.advance("a.xlsx")
    p.advance()  # no note: nothing printed
    p.advance("b.xlsx")
    p.info("selesai")
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    lines = out.getvalue().splitlines()
    assert [re.sub(stamp, "T", line) for line in lines] == [
        "T Membaca dan memeriksa berkas (3)",
        "T   [1/3] a.xlsx",
        "T   [3/3] b.xlsx",
        "T selesai",
    ]


def test_pick_progress_by_terminal() -> None:
    assert isinstance(pick_progress(io.StringIO()), PlainProgress)
    assert isinstance(pick_progress(_Tty()), RichProgress)


def test_inputs_as_lines_or_table() -> None:
    inputs = [
        InputResult(name="a.xlsx", sha256="x", kind="form_dip", verdict="diterima", note="3 baru"),
        InputResult(name="b.xlsx", sha256="y", kind=None, verdict="ditolak"),
    ]
    plain = io.StringIO()
    show_inputs(inputs, plain)
    assert plain.getvalue() == "a.xlsx — diterima: 3 baru\nb.xlsx — ditolak\n"
    tty = _Tty()
    show_inputs(inputs, tty)
    table = tty.getvalue()
    assert "Berkas masuk" in table and "a.xlsx" in table and "ditolak" in table
