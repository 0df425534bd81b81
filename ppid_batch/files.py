"""Crash-safe file writing: temp file, fsync, rename — an output is whole or absent."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
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
    """Write `path` through `write(fileobj)` into a temp file beside it, fsync, rename.

    A file that already holds exactly these bytes is left as it is (same inode, same
    modification time): a night that changes nothing rewrites nothing, and what it did
    rewrite is what changed (batch/hasil.py tells the morning summary so).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if _same_bytes(fh.fileno(), path):
                fh.close()
                os.unlink(tmp)
                return path
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


def _same_bytes(fd: int, path: Path, chunk: int = 1 << 20) -> bool:
    """True when the open temp file `fd` holds exactly the bytes of the file at `path`."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != os.fstat(fd).st_size:
        return False
    try:
        with open(path, "rb") as old, open(fd, "rb", closefd=False) as new:
            new.seek(0)
            while True:
                a, b = old.read(chunk), new.read(chunk)
                if a != b:
                    return False
                if not a:
                    return True
    except OSError:
        return False


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


def free_name(directory: Path, name: str) -> Path:
    """`directory/name`, or `name-2`, `name-3`, … when that is taken: never overwrite.

    The name is made to fit (`fit_name`) first: a clerk's 250-byte file name plus '-2'
    would not fit the file system, and the move into the archive would fail every night.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix) > 16:
        stem, suffix = name, ""
    candidate = directory / fit_name(stem, suffix)
    n = 2
    while candidate.exists():
        candidate = directory / fit_name(f"{stem}-{n}", suffix)
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


# ---- generated file names -----------------------------------------------------------------

# A name's budget in UTF-8 bytes. Linux allows 255 bytes a name; Windows 260 characters for
# the whole path (C:\...\output\nota-dinas\ takes its share), and outputs are opened there.
MAX_NAME_BYTES = 120
_HASH_CHARS = 8
# Characters no Windows name may hold, and every control character (a newline in a name
# would forge lines in the scheduler's log).
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2028\u2029]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"}
)


def name_hash(text: str) -> str:
    """A short stable hash of `text`: the same name every night, on every machine."""
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:_HASH_CHARS]


def _cut(text: str, budget: int) -> str:
    """The longest prefix of `text` within `budget` UTF-8 bytes, on a character boundary."""
    data = text.encode("utf-8", "surrogateescape")[:budget]
    cut = data.decode("utf-8", "ignore")
    # a base letter without its combining marks reads wrong (Devanagari vowel signs)
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut


def fit_name(stem: str, suffix: str = "", *, prefix: str = "", limit: int = MAX_NAME_BYTES) -> str:
    """`prefix + stem + suffix` made safe as a file name on Linux and Windows, in `limit` bytes.

    Every writer names its files through here. In `stem` (the part that comes from a clerk:
    a unit, a file name) unsafe characters become '_' and trailing dots and spaces go; a
    reserved Windows name (CON, PRN, NUL, COM1…) gets a '_' in front; a stem too long is cut
    and ends in '-' and a hash of the whole stem, so two long names that begin alike stay
    apart and a name never changes from one night to the next.
    """
    clean = unicodedata.normalize("NFC", stem)
    clean = _UNSAFE_CHARS.sub("_", clean).strip().rstrip(". ") or "_"
    if not prefix and clean.split(".")[0].strip().lower() in _RESERVED:
        clean = "_" + clean
    budget = limit - len(prefix.encode("utf-8")) - len(suffix.encode("utf-8"))
    if len(clean.encode("utf-8")) > budget:
        clean = _cut(clean, budget - _HASH_CHARS - 1).rstrip(". -_") + "-" + name_hash(stem)
    return prefix + clean + suffix


def name_slug(text: str) -> str:
    """`Subbagian Keuangan, Umum & Logistik` → `subbagian-keuangan-umum-logistik`.

    Safe in a file name on every system, the same from night to night. Letters with no
    ASCII form (Devanagari, Arabic, Chinese…) would vanish and two units would share one
    file: the slug then ends in a hash of the whole text. Blank text gives ''.
    """
    if not text.strip():
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    lost = sum(ch.isalnum() for ch in text) > sum(ch.isalnum() for ch in ascii_text)
    if lost or not slug:
        slug = f"{slug or 'unit'}-{name_hash(text)}"
    return slug


def log_text(text: object) -> str:
    """`text` with control characters shown as escapes: one log line stays one line."""
    return _UNSAFE_LOG.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


_UNSAFE_LOG = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
