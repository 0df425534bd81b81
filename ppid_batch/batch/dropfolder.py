"""The drop folder input/ (SOP step 1 intake): which files the night takes, where they go."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..files import _fsync_dir, free_name, replace_file

ARCHIVE_DIR = "arsip"
REJECTED_DIR = "ditolak"
IGNORED_NAMES = frozenset({"readme.md", "thumbs.db", "desktop.ini"})
CHUNK = 1 << 20


@dataclass(frozen=True)
class Candidate:
    """A file in input/ that has settled and will be read tonight."""

    path: Path
    sha256: str
    size: int
    mtime: float

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Scan:
    """What input/ holds: files to read, files still changing ('menunggu'), files ignored."""

    ready: tuple[Candidate, ...] = ()
    waiting: tuple[Path, ...] = ()
    ignored: tuple[Path, ...] = ()
    # Folders (other than arsip/ and ditolak/) and links a clerk dropped: never read.
    unread: tuple[Path, ...] = ()
    # Office lock files older than LOCK_STALE_SECONDS: left by a crash, block nothing.
    stale_locks: tuple[Path, ...] = ()


def is_ignored(name: str) -> bool:
    """Office lock/temp files and our own notes are never inputs."""
    return (
        name.startswith("~$")
        or name.startswith(".~lock")
        or name.startswith(".")
        or name.lower() in IGNORED_NAMES
        or name.endswith("~")
    )


# An owner file younger than this means the workbook is open on someone's desk right now;
# older, Excel or LibreOffice was closed without removing it (a crash, a pulled USB stick).
LOCK_STALE_SECONDS = 24 * 3600
OPEN_NOTE = "masih dibuka di Excel"


def locked_name(lock: str) -> str | None:
    """The workbook an Office lock file stands for: `~$Form.xlsx` (Excel; Word-style owner
    files drop up to two leading characters of a long name) or `.~lock.Form.xlsx#`
    (LibreOffice). None for any other name."""
    if lock.startswith("~$") and len(lock) > 2:
        return lock[2:]
    if lock.startswith(".~lock.") and lock.endswith("#") and len(lock) > 8:
        return lock[len(".~lock.") : -1]
    return None


def lock_matches(workbook: str, lock: str) -> bool:
    target = locked_name(lock)
    if target is None:
        return False
    name, target = workbook.casefold(), target.casefold()  # Windows names ignore case
    if name == target:
        return True
    # a shortened owner name still carries most of the name (never just the extension)
    shortened = lock.startswith("~$") and len(target) >= 8
    return shortened and 0 < len(name) - len(target) <= 2 and name.endswith(target)


def open_locks(path: Path, *, clock: float) -> list[Path]:
    """Fresh lock files beside `path` saying someone has it open right now."""
    found: list[Path] = []
    try:
        entries = list(os.scandir(Path(path).parent))
    except OSError:
        return found
    for entry in entries:
        if locked_name(entry.name) is None or not lock_matches(Path(path).name, entry.name):
            continue
        try:
            age = clock - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if age < LOCK_STALE_SECONDS:
            found.append(Path(entry.path))
    return found


def readable(name: str) -> bool:
    """False for a name that is not valid UTF-8 (a USB stick written in an old code page)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def repair_names(input_dir: Path) -> list[tuple[str, Path]]:
    """Rename files whose names are not valid UTF-8, each undecodable byte becoming '_'.

    The register, the run record and the log all store names as UTF-8 text: left as it
    is, such a file would stop every night. Returns (old name shown readably, new path).
    """
    renamed: list[tuple[str, Path]] = []
    if not Path(input_dir).is_dir():
        return renamed
    for entry in sorted(os.scandir(input_dir), key=lambda e: e.name):
        if readable(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        shown = os.fsencode(entry.name).decode("utf-8", "replace")
        target = free_name(Path(input_dir), shown.replace("\ufffd", "_"))
        os.rename(entry.path, target)
        _fsync_dir(Path(input_dir))
        renamed.append((shown, target))
    return renamed


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_input(input_dir: Path, *, settle_seconds: float, clock: float) -> Scan:
    """List the files directly in `input_dir`, sorted by name.

    A file modified less than `settle_seconds` before `clock` (a POSIX timestamp) may
    still be copying from a USB stick or a shared drive, and one with a fresh Office lock
    file beside it (`~$Form.xlsx`, `.~lock.Form.xlsx#`) is still open on someone's desk:
    both wait for the next run. A lock file older than a day blocks nothing and is listed
    in `stale_locks` for the morning summary.
    """
    input_dir = Path(input_dir)
    if not input_dir.is_dir():
        return Scan()
    ready: list[Candidate] = []
    waiting: list[Path] = []
    ignored: list[Path] = []
    unread: list[Path] = []
    entries = sorted(os.scandir(input_dir), key=lambda e: e.name)
    fresh: list[str] = []
    stale: list[Path] = []
    for entry in entries:
        if locked_name(entry.name) is not None and entry.is_file(follow_symlinks=False):
            age = clock - entry.stat(follow_symlinks=False).st_mtime
            if age < LOCK_STALE_SECONDS:
                fresh.append(entry.name)
            else:
                stale.append(Path(entry.path))
    for entry in entries:
        if not entry.is_file(follow_symlinks=False):
            # arsip/, ditolak/ and any other folder are not tonight's inputs; a folder of
            # forms copied from a USB stick, or a link, is said so rather than left silently.
            if entry.name not in (ARCHIVE_DIR, REJECTED_DIR) and not is_ignored(entry.name):
                unread.append(Path(entry.path))
            continue
        path = Path(entry.path)
        if is_ignored(entry.name) or not readable(entry.name):
            ignored.append(path)
            continue
        stat = entry.stat(follow_symlinks=False)
        if clock - stat.st_mtime < settle_seconds or any(
            lock_matches(entry.name, lock) for lock in fresh
        ):
            waiting.append(path)
            continue
        sha = sha256_file(path)
        # A writer that touched the file while it was hashed: the hash is of no version.
        after = path.stat()
        if after.st_mtime != stat.st_mtime or after.st_size != stat.st_size:
            waiting.append(path)
            continue
        ready.append(Candidate(path=path, sha256=sha, size=stat.st_size, mtime=stat.st_mtime))
    return Scan(
        ready=tuple(ready),
        waiting=tuple(waiting),
        ignored=tuple(ignored),
        unread=tuple(unread),
        stale_locks=tuple(stale),
    )


def unchanged(candidate: Candidate) -> bool:
    """True when the file is still the very bytes that were read tonight."""
    try:
        stat = candidate.path.stat()
    except FileNotFoundError:
        return False
    if stat.st_size != candidate.size:
        return False
    if stat.st_mtime == candidate.mtime:
        return True
    return sha256_file(candidate.path) == candidate.sha256


def archive(path: Path, input_dir: Path, *, accepted: bool, day: dt.date) -> Path:
    """Move an input to input/arsip/<day>/ or input/ditolak/<day>/, never overwriting."""
    top = Path(input_dir) / (ARCHIVE_DIR if accepted else REJECTED_DIR)
    if top.is_symlink() or (top.exists() and not top.is_dir()):
        # A clerk's file or link named arsip/ditolak: moved out of the way, never followed
        # (a link would carry the archive out of the workspace; a file stops every night).
        os.rename(top, free_name(Path(input_dir), f"{top.name}-bukan-folder"))
    folder = top / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, Path(path).name)
    replace_file(path, target)
    # Both directory entries must reach the disk, or a power cut could lose or double the file.
    _fsync_dir(folder)
    _fsync_dir(Path(path).parent)
    return target
