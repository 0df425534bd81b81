"""The drop folder input/ (SOP step 1 intake): which files the night takes, where they go."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..files import _fsync_dir, free_name

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


def is_ignored(name: str) -> bool:
    """Office lock/temp files and our own notes are never inputs."""
    return (
        name.startswith("~$")
        or name.startswith(".~lock")
        or name.startswith(".")
        or name.lower() in IGNORED_NAMES
        or name.endswith("~")
    )


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
    still be copying from a USB stick or a shared drive: it waits for the next run.
    """
    input_dir = Path(input_dir)
    if not input_dir.is_dir():
        return Scan()
    ready: list[Candidate] = []
    waiting: list[Path] = []
    ignored: list[Path] = []
    unread: list[Path] = []
    for entry in sorted(os.scandir(input_dir), key=lambda e: e.name):
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
        if clock - stat.st_mtime < settle_seconds:
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
        ready=tuple(ready), waiting=tuple(waiting), ignored=tuple(ignored), unread=tuple(unread)
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
    folder = Path(input_dir) / (ARCHIVE_DIR if accepted else REJECTED_DIR) / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, Path(path).name)
    os.replace(path, target)
    # Both directory entries must reach the disk, or a power cut could lose or double the file.
    _fsync_dir(folder)
    _fsync_dir(Path(path).parent)
    return target
