"""`ppid-batch db pindah`: move the workspace's SQLite register into a shared server, then point
ppid.toml at it. No night may run meanwhile (the workspace lock); the SQLite file is kept."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_NAME, Config
from ..config_file import load_config
from ..errors import UsageError
from ..files import atomic_write_text
from ..store.engine import database_exists, shown_url, sqlite_file, url_backend
from ..store.move import TableCheck, copy_register
from .lock import workspace_lock

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_DATABASE = re.compile(r"^\s*database\s*=")


@dataclass(frozen=True)
class MoveReport:
    source: str
    target: str
    tables: tuple[TableCheck, ...]
    sqlite_file: Path | None


def with_database(text: str, url: str, note: str) -> str:
    """ppid.toml's text with `[lokasi] database` set to `url`, every other line as it was.

    The old line stays as a comment under the new one, so the move can be undone by hand.
    """
    lines = text.splitlines(keepends=True)
    value = f"database = {json.dumps(url)}\n"  # a JSON string is a valid TOML basic string
    section, start = None, None
    for n, line in enumerate(lines):
        header = _SECTION.match(line)
        if header:
            section = header[1].strip()
            if section == "lokasi":
                start = n
            continue
        if section == "lokasi" and _DATABASE.match(line):
            lines[n : n + 1] = [value, f"# {note}: {line.strip()}\n"]
            return "".join(lines)
    if start is None:
        tail = "" if text.endswith("\n") or not text else "\n"
        return text + tail + "\n[lokasi]\n" + value
    lines.insert(start + 1, value)
    return "".join(lines)


def move_register(config: Config, target_url: str, *, today: dt.date) -> MoveReport:
    """Copy the register to `target_url`, verify it, and switch ppid.toml to it."""
    source = config.database_url
    if url_backend(source) != "sqlite":
        raise UsageError(
            f"Register ruang kerja ini sudah di server ({shown_url(source)}); pindah hanya dari "
            "register SQLite."
        )
    try:
        backend = url_backend(target_url)
    except ValueError as exc:
        raise UsageError("URL tujuan tidak dapat dibaca; periksa penulisannya.") from exc
    if backend != "postgresql":
        raise UsageError(f"Tujuan {shown_url(target_url)} bukan server PostgreSQL.")
    if not database_exists(source):
        raise UsageError("Register SQLite belum ada: belum ada yang perlu dipindahkan.")
    if config.source is None:
        raise UsageError(f"{CONFIG_NAME} ruang kerja ini tidak ditemukan.")
    with workspace_lock(config.var_dir):
        tables = copy_register(source, target_url)
        toml = config.source
        note = f"sebelum pindah ke server {today.isoformat()}"
        atomic_write_text(toml, with_database(toml.read_text(encoding="utf-8"), target_url, note))
    if load_config(config.workspace).database_url != target_url:  # pragma: no cover
        raise UsageError(f"{CONFIG_NAME} tidak dapat diperbarui; periksa bagian [lokasi].")
    return MoveReport(shown_url(source), shown_url(target_url), tuple(tables), sqlite_file(source))
