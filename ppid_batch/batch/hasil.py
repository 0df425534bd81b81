"""Which of the night's outputs are new or changed: the morning's 'Hasil' lists only those.

Every night writes its outputs from the register, but a file whose bytes would not change
is left as it is (files.atomic_write). Before the writing stage the night notes each file
under output/ (its identity, size and modification time); after it, a file the night
named is *created* when it was not there before, and *changed* when its identity differs:
a rewrite is a rename of a new file over the old one. No file is read for this, so the
cost is one stat a file, whatever their size.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .runrecord import RUNS_DIR

Signature = tuple[int, int, int, int]


def _signature(st: os.stat_result) -> Signature:
    return st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns


def _walk(root: Path) -> Iterable[tuple[Path, os.stat_result]]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not (folder == root and entry.name == RUNS_DIR):
                        stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)
            except OSError:
                continue


@dataclass(frozen=True)
class OutputWatch:
    """The files under an output folder as they were before tonight's writing stage."""

    root: Path
    before: dict[Path, Signature] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path, *, since: dt.datetime | None = None) -> OutputWatch:
        """The files under `root` now; with `since` (when a night was killed before it
        finished), files written from then on count as not there yet: the night that
        repairs it treats what the killed night made as its own."""
        root = Path(root)
        cut = None if since is None else int(since.timestamp() * 1e9)
        return cls(
            root,
            {
                path: _signature(st)
                for path, st in _walk(root)
                if cut is None or st.st_mtime_ns < cut
            },
        )

    def created(self, path: Path) -> bool:
        """Not there before tonight (and there now)."""
        return Path(path) not in self.before and Path(path).is_file()

    def changed(self, path: Path) -> bool:
        """Created tonight, or replaced by different bytes."""
        path = Path(path)
        try:
            now = _signature(path.stat())
        except OSError:
            return False
        return self.before.get(path) != now

    def new_or_changed(self, paths: Iterable[Path]) -> tuple[Path, ...]:
        """`paths` (in order, each once) that tonight created or changed."""
        seen: set[Path] = set()
        out: list[Path] = []
        for path in map(Path, paths):
            if path not in seen and self.changed(path):
                out.append(path)
            seen.add(path)
        return tuple(out)


def unfinished_since(previous: Mapping[str, Any]) -> dt.datetime | None:
    """When the last night started, if it was killed before it finished (run-state.json)."""
    if not previous or previous.get("status") == "complete":
        return None
    try:
        started = dt.datetime.fromisoformat(str(previous.get("pid_started")))
    except ValueError:
        return None
    return started if started.tzinfo is not None else None
