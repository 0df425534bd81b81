"""The Lembar Persetujuan in output/ (SOP step 2): never overwrite one the Atasan may have begun.

The Atasan PPID may fill the sheet in place, in output/persetujuan/, before sending it back.
The night remembers the sha256 of every sheet it wrote (var/lembar-persetujuan.json): a
sheet whose bytes are still those is the night's own and may be replaced or removed; any
other sheet (changed since, or from before this record existed) is someone's work and is
left as it is, whatever its date. Tonight's sheet then takes the next free name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes, atomic_write_text, fit_name

RECORD_NAME = "lembar-persetujuan.json"
SHEET_GLOB = "Lembar-Persetujuan-*.xlsx"


def _sha(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _load(record: Path | None) -> dict[str, str]:
    if record is None:
        return {}
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def ours(path: Path, known: dict[str, str]) -> bool:
    """True when `path` holds exactly the bytes the night wrote there."""
    return path.name in known and path.is_file() and _sha(path) == known[path.name]


def place(new: Path | None, folder: Path, record: Path | None) -> Path | None:
    """Move tonight's sheet `new` (written elsewhere) into `folder` without touching a sheet
    someone may have begun; remove the night's own older sheets. Returns where it went.

    `record` is None for a dry run's scratch folder: nothing is remembered then.
    """
    known = _load(record)
    kept: dict[str, str] = {}
    target: Path | None = None
    if new is not None:
        stem, suffix = new.stem, new.suffix
        n = 1
        while True:
            name = new.name if n == 1 else fit_name(f"{stem}-{n}", suffix)
            candidate = folder / name
            if not candidate.exists() or ours(candidate, known):
                target = candidate
                break
            n += 1
        data = new.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if not (target.exists() and _sha(target) == digest):
            atomic_write_bytes(target, data)
        kept[target.name] = digest
    for old in sorted(folder.glob(SHEET_GLOB)) if folder.is_dir() else ():
        if old != target and ours(old, known):
            old.unlink()
    if record is not None:
        atomic_write_text(record, json.dumps(kept, sort_keys=True, indent=1) + "\n")
    return target


def record_for(config: Any, folder: Path) -> Path | None:
    """var/lembar-persetujuan.json for output/'s own folder; None for a dry run's scratch."""
    try:
        Path(folder).resolve().relative_to(Path(config.output_dir).resolve())
    except ValueError:
        return None
    return Path(config.var_dir) / RECORD_NAME
