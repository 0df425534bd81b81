"""Crash-safe file writing: temp file, fsync, rename — an output is whole or absent."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _fsync_dir(directory: Path) -> None:
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
            os.fchmod(fh.fileno(), 0o666 & ~_UMASK)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


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
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or exc.__class__.__name__)
    return f"{reason}: {exc.filename}" if exc.filename else reason
