"""Helpers for the nightly-batch tests: workspaces with the examples, snapshots of folders."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from ppid_batch.batch.workspace import init_workspace
from ppid_batch.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ppid_batch" / "examples"
NIGHT_1 = "2026-11-23T01:00:00"
NIGHT_2 = "2026-11-24T01:00:00"
LONG_AGO = time.time() - 3600


ATASAN = "Drs. Ahmad Fauzi"
# One key for every test workspace, as if one office's var/ were restored elsewhere: two
# workspaces given the same inputs then write the same bytes, approval sheets included.
TEST_SECRET = "5e" * 32


def make_workspace(path: Path, *, settle: int = 30, atasan: str = ATASAN) -> Path:
    """A workspace whose ppid.toml names `atasan` as Atasan PPID, with the tests' key."""
    from ppid_batch.approve.identity import SECRET_NAME

    init_workspace(path)
    toml = path / "ppid.toml"
    text = toml.read_text(encoding="utf-8").replace("tunggu_detik = 30", f"tunggu_detik = {settle}")
    text = text.replace('nama = "NAMA ATASAN PPID (ganti)"', f'nama = "{atasan}"')
    toml.write_text(text, encoding="utf-8")
    (path / "var").mkdir(exist_ok=True)
    (path / "var" / SECRET_NAME).write_text(TEST_SECRET + "\n", encoding="ascii")
    return path


def drop(ws: Path, files: Iterable[Path], *, mtime: float = LONG_AGO) -> list[Path]:
    """Copy files into input/ as if they had been dropped an hour ago."""
    out = []
    for src in files:
        dst = ws / "input" / Path(src).name
        shutil.copyfile(src, dst)
        os.utime(dst, (mtime, mtime))
        out.append(dst)
    return out


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.xlsx"))


def run_cli(ws: Path, *args: str, now: str = NIGHT_1) -> Result:
    return CliRunner().invoke(cli, ["run", "--workspace", str(ws), "--now", now, *args])


def last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def snapshot(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, int]]:
    """Relative path → (sha256, mtime_ns) of every file under `folder`."""
    out: dict[str, tuple[str, int]] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith(skip):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[rel] = (digest, path.stat().st_mtime_ns)
    return out


def contents(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Relative path → sha256 of every file under `folder` (no timestamps)."""
    return {rel: digest for rel, (digest, _) in snapshot(folder, skip=skip).items()}


# Columns that record when or in which run something happened, not what the register holds.
VOLATILE_COLUMNS = {
    "recorded_at", "created_at", "updated_at", "changed_at", "applied_at", "ts", "started",
    "finished", "run_id", "created_run", "updated_run", "counts",
}  # fmt: skip
VOLATILE_TABLES = {"runs", "events", "schema_version"}


def register_dump(ws: Path) -> dict[str, list[tuple[object, ...]]]:
    """The register database's content, minus timestamps and run numbers."""
    db = ws / "var" / "ppid.sqlite"
    with closing(sqlite3.connect(db)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        dump: dict[str, list[tuple[object, ...]]] = {}
        for table in sorted(set(tables) - VOLATILE_TABLES):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in cols if c not in VOLATILE_COLUMNS]
            rows = conn.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall()
            dump[table] = sorted(rows, key=repr)
    return dump


def fail_registering(monkeypatch: Any, name: str) -> None:
    """Registering the form called `name` raises (a bug in the program, not the clerk's
    doing); every other form registers as usual."""
    import ppid_batch.register.items as register

    real = register.register_form

    def flaky(store, report, **kw):  # type: ignore[no-untyped-def]
        if report.path.name == name:
            raise ValueError("kolom aneh")
        return real(store, report, **kw)

    monkeypatch.setattr(register, "register_form", flaky)
