"""Crash-safe file writing: temp file, fsync, rename — an output is whole or absent."""

from __future__ import annotations

import errno
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


# Windows: no directory handles to fsync, and a file another program holds open (Excel,
# an antivirus scan, the search indexer) cannot be replaced or moved for a moment.
_WINDOWS = sys.platform == "win32"
REPLACE_TRIES = 5
REPLACE_PAUSE = 0.2  # seconds, growing with each try
# Windows error codes: the file is open in another program (sharing or lock violation).
_IN_USE = {32, 33}


def _fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable; a no-op where the system has no such call.

    NTFS journals its directory entries itself, and Windows cannot open a folder as a
    file: there the rename is as durable as it gets.
    """
    if _WINDOWS:
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Write `path` through `write(fileobj)` into a temp file beside it, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            # mkstemp makes the file 0600; outputs are for every staff account the umask allows.
            # (Windows has no permission bits to set, nor os.fchmod before Python 3.13.)
            if hasattr(os, "fchmod") and not _WINDOWS:
                os.fchmod(fh.fileno(), 0o666 & ~_UMASK)
            os.fsync(fh.fileno())
        replace_file(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def replace_file(source: str | Path, target: str | Path) -> None:
    """os.replace, tried again for a moment on Windows while another program holds a file.

    On POSIX a PermissionError is final (the folder's rights) and is raised at once.
    """
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not _WINDOWS or attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(REPLACE_PAUSE * (attempt + 1))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda fh: fh.write(data))


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def name_slug(text: str) -> str:
    """`Subbagian Keuangan, Umum & Logistik` → `subbagian-keuangan-umum-logistik`: safe in a
    file name on every system (Windows forbids `\\/:*?"<>|`), the same from night to night."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def free_name(directory: Path, name: str) -> Path:
    """`directory/name`, or `name-2`, `name-3`, … when that is taken: never overwrite."""
    candidate = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


_OS_REASONS = {
    errno.ENOSPC: "disk penuh",
    errno.EDQUOT: "kuota disk habis",
    errno.EROFS: "disk hanya dapat dibaca",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "izin ditolak",
    errno.ENOENT: "berkas atau folder tidak ditemukan",
    errno.EIO: "disk rusak atau terputus",
    errno.ENOTDIR: "bagian jalurnya bukan folder",
    errno.EISDIR: "itu folder, bukan berkas",
    errno.ENAMETOOLONG: "nama terlalu panjang",
    errno.EPIPE: "keluarannya ditutup (misalnya '| head')",
}


def os_reason(exc: OSError) -> str:
    """An OSError in Indonesian, with the file it concerns when Python knows it."""
    if getattr(exc, "winerror", None) in _IN_USE:
        reason = "berkas sedang dibuka program lain (misalnya Excel); tutup berkas itu"
    else:
        reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or exc.__class__.__name__)
    return f"{reason}: {exc.filename}" if exc.filename else reason
