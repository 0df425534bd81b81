"""Drop-folder rules: what the night takes from input/, what waits, where files go after."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

from ppid_batch.batch.dropfolder import archive, is_ignored, scan_input, sha256_file, unchanged

OLD = time.time() - 3600


def _put(folder: Path, name: str, data: bytes = b"isi", mtime: float = OLD) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def test_only_settled_files_directly_in_input_are_taken_sorted_by_name(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    _put(inp, "b-form.xlsx", b"B")
    _put(inp, "A-form.xlsx", b"A")
    _put(inp, "c.csv", b"C")  # not an xlsx: still read, so the clerk hears why it is refused
    _put(inp, "~$b-form.xlsx")
    _put(inp, ".~lock.b-form.xlsx#")
    _put(inp, ".hidden.xlsx")
    _put(inp, "README.md")
    _put(inp, "arsip/2025-01-01/old.xlsx")
    _put(inp, "ditolak/2025-01-01/bad.xlsx")
    _put(inp, "copying.xlsx", b"half", mtime=time.time())

    scan = scan_input(inp, settle_seconds=30, clock=time.time())

    assert [c.name for c in scan.ready] == ["A-form.xlsx", "b-form.xlsx", "c.csv"]
    assert [c.sha256 for c in scan.ready] == [
        hashlib.sha256(x).hexdigest() for x in (b"A", b"B", b"C")
    ]
    assert [p.name for p in scan.waiting] == ["copying.xlsx"]
    assert sorted(p.name for p in scan.ignored) == sorted(
        ["~$b-form.xlsx", ".~lock.b-form.xlsx#", ".hidden.xlsx", "README.md"]
    )
    assert scan.unread == ()  # arsip/ and ditolak/ are ours


def test_a_dropped_folder_and_a_link_are_unread_not_silently_skipped(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    _put(inp, "Formulir November/a.xlsx", b"A")
    _put(inp, "x.xlsx/inside", b"")
    (inp / "pintasan.xlsx").symlink_to(inp / "Formulir November" / "a.xlsx")
    scan = scan_input(inp, settle_seconds=30, clock=time.time())
    assert scan.ready == ()
    assert [p.name for p in scan.unread] == ["Formulir November", "pintasan.xlsx", "x.xlsx"]


def test_settle_time_zero_takes_a_file_written_just_now(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    _put(inp, "fresh.xlsx", mtime=time.time())
    assert [c.name for c in scan_input(inp, settle_seconds=0, clock=time.time()).ready] == [
        "fresh.xlsx"
    ]
    # The boundary: exactly settle_seconds old is settled.
    now = time.time()
    _put(inp, "fresh.xlsx", mtime=now - 30)
    assert [c.name for c in scan_input(inp, settle_seconds=30, clock=now).ready] == ["fresh.xlsx"]
    assert scan_input(inp, settle_seconds=31, clock=now).waiting == (inp / "fresh.xlsx",)


def test_missing_input_folder_is_an_empty_night(tmp_path: Path) -> None:
    scan = scan_input(tmp_path / "nope", settle_seconds=30, clock=time.time())
    assert (scan.ready, scan.waiting, scan.ignored) == ((), (), ())


def test_ignored_names() -> None:
    assert is_ignored("~$Form.xlsx") and is_ignored(".~lock.Form.xlsx#")
    assert is_ignored("readme.MD") and is_ignored(".DS_Store") and is_ignored("Form.xlsx~")
    assert not is_ignored("Form DIP Hukum.xlsx") and not is_ignored("README.xlsx")


def test_archive_never_overwrites_and_keeps_bytes(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    day = dt.date(2025, 11, 26)
    first = archive(_put(inp, "Form.xlsx", b"one"), inp, accepted=True, day=day)
    second = archive(_put(inp, "Form.xlsx", b"two"), inp, accepted=True, day=day)
    third = archive(_put(inp, "Form.xlsx", b"three"), inp, accepted=False, day=day)
    assert first == inp / "arsip" / "2025-11-26" / "Form.xlsx"
    assert second == inp / "arsip" / "2025-11-26" / "Form-2.xlsx"
    assert third == inp / "ditolak" / "2025-11-26" / "Form.xlsx"
    assert [p.read_bytes() for p in (first, second, third)] == [b"one", b"two", b"three"]
    assert not (inp / "Form.xlsx").exists()


def test_unchanged_detects_a_file_rewritten_after_it_was_read(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    path = _put(inp, "Form.xlsx", b"versi satu")
    (candidate,) = scan_input(inp, settle_seconds=0, clock=time.time()).ready
    assert unchanged(candidate)
    os.utime(path, (OLD + 5, OLD + 5))  # touched, same bytes: still the same file
    assert unchanged(candidate)
    path.write_bytes(b"versi dua!")
    assert not unchanged(candidate)
    path.unlink()
    assert not unchanged(candidate)
    assert sha256_file(_put(inp, "x", b"")) == hashlib.sha256(b"").hexdigest()
