"""Crash-safe writes: whole or absent, readable like any file, never overwriting on archive."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ppid_batch.files import atomic_write, atomic_write_bytes, atomic_write_text, free_name


def test_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write_text(target, "lama")
    atomic_write_text(target, "baru")
    assert target.read_text(encoding="utf-8") == "baru"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]


def test_a_failing_writer_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")

    def broken(fh: object) -> None:
        fh.write(b"half")  # type: ignore[attr-defined]
        raise RuntimeError("disk penuh")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_outputs_get_the_usual_permissions_not_the_temp_files_0600(tmp_path: Path) -> None:
    target = atomic_write_bytes(tmp_path / "out.xlsx", b"x")
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_free_name_never_overwrites(tmp_path: Path) -> None:
    assert free_name(tmp_path, "Form.xlsx") == tmp_path / "Form.xlsx"
    (tmp_path / "Form.xlsx").write_bytes(b"1")
    assert free_name(tmp_path, "Form.xlsx") == tmp_path / "Form-2.xlsx"
    (tmp_path / "Form-2.xlsx").write_bytes(b"2")
    assert free_name(tmp_path, "Form.xlsx") == tmp_path / "Form-3.xlsx"


def test_os_errors_read_in_indonesian() -> None:
    import errno

    from ppid_batch.files import os_reason

    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "disk penuh"
    full = PermissionError(errno.EACCES, "Permission denied", "/srv/ppid/output")
    assert os_reason(full) == "izin ditolak: /srv/ppid/output"
