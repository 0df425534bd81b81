"""Drop-folder rules: what the night takes from input/, what waits, where files go after."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

import pytest

from ppid_batch.batch.dropfolder import (
    LOCK_STALE_SECONDS,
    archive,
    is_ignored,
    lock_matches,
    open_locks,
    scan_input,
    sha256_file,
    unchanged,
)

OLD = time.time() - 3600
STALE = time.time() - 2 * 24 * 3600


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
    _put(inp, "~$b-form.xlsx", mtime=STALE)  # left by a crash days ago: blocks nothing
    _put(inp, ".~lock.b-form.xlsx#", mtime=STALE)
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
    assert sorted(p.name for p in scan.stale_locks) == [".~lock.b-form.xlsx#", "~$b-form.xlsx"]


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


@pytest.mark.parametrize(
    ("form", "lock"),
    [
        ("Form-DIP-Hukum.xlsx", "~$Form-DIP-Hukum.xlsx"),  # Excel
        ("Form-DIP-Hukum.xlsx", "~$rm-DIP-Hukum.xlsx"),  # Word-style: two characters dropped
        ("Form-DIP-Hukum.xlsx", "~$FORM-DIP-HUKUM.XLSX"),  # Windows ignores case
        ("Form-DIP-Hukum.ods", ".~lock.Form-DIP-Hukum.ods#"),  # LibreOffice
    ],
)
def test_a_workbook_open_on_a_desk_waits(form: str, lock: str, tmp_path: Path) -> None:
    inp = tmp_path / "input"
    _put(inp, form, b"F")
    _put(inp, lock, b"\x05Dewi", mtime=time.time() - 600)  # opened ten minutes ago
    _put(inp, "Form-DIP-Keuangan.xlsx", b"K")  # its neighbour is not held back
    scan = scan_input(inp, settle_seconds=30, clock=time.time())
    assert [p.name for p in scan.waiting] == [form]
    assert [c.name for c in scan.ready] == ["Form-DIP-Keuangan.xlsx"]
    assert scan.stale_locks == ()
    assert open_locks(inp / form, clock=time.time()) == [inp / lock]


def test_a_lock_left_for_over_a_day_never_blocks_and_is_reported(tmp_path: Path) -> None:
    inp = tmp_path / "input"
    _put(inp, "Form.xlsx", b"F")
    _put(inp, "~$Form.xlsx", mtime=time.time() - LOCK_STALE_SECONDS - 60)
    _put(inp, "~$Orphan.xlsx", mtime=STALE)  # its workbook is gone (archived long ago)
    _put(inp, "~$Other.xlsx", mtime=time.time() - 60)  # fresh, but no such workbook here
    scan = scan_input(inp, settle_seconds=30, clock=time.time())
    assert [c.name for c in scan.ready] == ["Form.xlsx"]
    assert scan.waiting == ()
    assert [p.name for p in scan.stale_locks] == ["~$Form.xlsx", "~$Orphan.xlsx"]


@pytest.mark.parametrize(
    ("form", "lock", "matches"),
    [
        ("A.xlsx", "~$A.xlsx", True),
        ("Form.xlsx", "~$Form.xlsx.bak", False),
        ("Laporan.xlsx", "~$Form.xlsx", False),
        ("ab.xlsx", "~$b.xlsx", False),  # too short to be a shortened owner name
        ("Form.xlsx", ".~lock.Form.xlsx", False),  # no closing '#'
        ("Form.xlsx", "Form.xlsx", False),
    ],
)
def test_lock_names(form: str, lock: str, matches: bool) -> None:
    assert lock_matches(form, lock) is matches
