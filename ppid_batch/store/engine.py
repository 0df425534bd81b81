"""Where the register lives: database URLs, creating the engine, and database errors in Indonesian.

SQLite by default (`var/ppid.sqlite`); the queries use nothing SQLite-specific, so
a PostgreSQL URL works too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def url_backend(url: str) -> str:
    """The kind of database `url` names (`sqlite`, `postgresql`, …); ValueError if no URL."""
    try:
        return sa.make_url(url).get_backend_name()
    except sa.exc.ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from exc


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite `url` names (None for a server or an in-memory database)."""
    return _sqlite_path(sa.make_url(url))


def database_exists(url: str) -> bool:
    """Whether a register is at `url`: the SQLite file, or a server database with its tables.

    When that cannot be told (not a URL, no driver, server unreachable) the answer
    is yes, so that opening the store reports the problem.
    """
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = _sqlite_path(parsed)
            return path is None or path.is_file()
        engine = sa.create_engine(parsed)
        try:
            with engine.connect() as conn:
                return sa.inspect(conn).has_table("schema_version")
        finally:
            engine.dispose()
    except (sa.exc.SQLAlchemyError, ImportError, ValueError):
        return True


def shown_url(url: str) -> str:
    """`url` for a message: never its password; an unparseable one is not shown at all."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "(alamat tidak sah)"


# The page cache of a SQLite connection, in KiB.
SQLITE_CACHE_KIB = 16 * 1024


def make_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed)
    path = _sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so DDL
        # and SELECTs are inside them too (migrations are then all-or-nothing).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Savepoint journals (one per form of the night's forms transaction: the pages an
        # earlier form dirtied that this one changes again) and sorts stay in memory instead
        # of temporary files: a form's is a few hundred pages, and a sort holds no more than
        # the rows the program reads into memory anyway. Durability is the WAL's, unchanged.
        cursor.execute("PRAGMA temp_store=MEMORY")
        # A 16 MiB page cache (SQLite's default is 2 MiB): the night's forms transaction
        # dirties more pages than any cache holds, and with 2 MiB the b-tree pages every form
        # revisits (the match-key index's leaves) were spilled to the WAL and read back from
        # it form after form; they now stay. Memory, not durability: the WAL is unchanged.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def open_error(url: str, exc: Exception) -> StoreError:
    return StoreError(f"Register {shown_url(url)} tidak dapat dibuka ({exc.__class__.__name__}).")


# What the database says when the disk or another program stands in the way, in the
# office's words (the SQL and the driver's English stay in the log).
_DATABASE_REASONS = (
    ("database is locked", "register sedang dikunci program lain (misalnya dibuka di DB Browser)"),
    ("database table is locked", "register sedang dikunci program lain"),
    ("database or disk is full", "disk penuh"),
    ("disk i/o error", "disk rusak, penuh atau terputus"),
    ("readonly database", "register hanya dapat dibaca (periksa izin folder var/)"),
    ("unable to open database file", "berkas register tidak dapat dibuka"),
    ("could not connect to server", "server basis data tidak dapat dihubungi"),
    ("connection refused", "server basis data tidak dapat dihubungi"),
    ("no space left on device", "disk penuh"),
    ("deadlock detected", "register sedang dipakai proses lain"),
    ("lock timeout", "register sedang dikunci program lain"),
)


def database_reason(exc: BaseException) -> str | None:
    """A database error as one Indonesian phrase, or None when it is not one we know."""
    if not isinstance(exc, sa.exc.SQLAlchemyError):
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, reason in _DATABASE_REASONS:
        if needle in text:
            return reason
    return "galat basis data register"
