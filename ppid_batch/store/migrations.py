"""Migrations: bring a register of any earlier schema version forward in one transaction.

MIGRATIONS[n - 1] brings a database from version n - 1 to n (schema.py holds what each
version looks like).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError
from . import sqlite_schema
from .ids import match_key
from .schema import STATUS_CHECK_V1, STATUS_CHECK_V3, schema_metadata, schema_version
from .text import now_utc, timestamp


def create_v1(conn: Connection) -> None:
    """Create exactly the version-1 schema in an empty database."""
    schema_metadata(1).create_all(conn)


def migrate_v2(conn: Connection) -> None:
    """Add and backfill `items.match_key`; create the version-2 indexes."""
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN match_key VARCHAR(64)"))
    v2_items = schema_metadata(2).tables["items"]
    rows = conn.execute(
        sa.select(v2_items.c.id, v2_items.c.unit, v2_items.c.ringkasan, v2_items.c.waktu_pembuatan)
    ).all()
    for row in rows:
        key = match_key(row.unit, row.ringkasan, row.waktu_pembuatan)
        conn.execute(sa.update(v2_items).where(v2_items.c.id == row.id).values(match_key=key))
    v2 = schema_metadata(2)
    for name in ("items", "events"):
        for index in v2.tables[name].indexes:
            index.create(conn)


def migrate_v3(conn: Connection) -> None:
    """Allow status `withdrawn`, add the DIK columns and the change and Keputusan tables."""
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN jangka_pengecualian TEXT"))
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN kepentingan_publik TEXT"))
    if conn.dialect.name == "sqlite":
        # SQLite cannot alter a CHECK constraint, and rebuilding `items` would break the
        # foreign keys pointing at it mid-transaction. Its documented alternative for a
        # constraint that only widens (no stored row changes) is editing the schema text.
        old = STATUS_CHECK_V1.removeprefix("status IN ")
        new = STATUS_CHECK_V3.removeprefix("status IN ")
        version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
        conn.exec_driver_sql("PRAGMA writable_schema=ON")
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' "
            "AND name = 'items'",
            (old, new),
        )
        conn.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema=OFF")
    else:
        conn.execute(sa.text("ALTER TABLE items DROP CONSTRAINT ck_items_status"))
        conn.execute(
            sa.text(f"ALTER TABLE items ADD CONSTRAINT ck_items_status CHECK ({STATUS_CHECK_V3})")
        )
    v3 = schema_metadata(3)
    for name in ("change_requests", "keputusan", "keputusan_items"):
        v3.tables[name].create(conn)


def migrate_v4(conn: Connection) -> None:
    """Create the issued-sheet tables; add the sheet number, counts and Atasan changes."""
    v4 = schema_metadata(4)
    for name in ("approval_issues", "approval_issue_rows"):
        v4.tables[name].create(conn)
    conn.execute(sa.text("ALTER TABLE approval_sheets ADD COLUMN sheet_number VARCHAR(24)"))
    conn.execute(sa.text("ALTER TABLE approval_sheets ADD COLUMN counts TEXT"))
    conn.execute(sa.text("ALTER TABLE decisions ADD COLUMN changes TEXT"))


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    create_v1,
    migrate_v2,
    migrate_v3,
    migrate_v4,
)
SCHEMA_VERSION = len(MIGRATIONS)


def database_version(conn: Connection) -> int:
    """The schema version of the database behind `conn` (0 when it is empty)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.scalar(sa.select(sa.func.max(schema_version.c.version))) or 0)


def sqlite_statements(conn: Connection) -> list[str]:
    """The SQL SQLite keeps for the tables and indexes of the database behind `conn`, in
    the order they were created (an index behind a UNIQUE or PRIMARY KEY has none: its
    table's statement makes it)."""
    rows = conn.exec_driver_sql("SELECT sql FROM sqlite_master ORDER BY rowid")
    return [sql for (sql,) in rows if sql is not None]


def _create_current_sqlite(conn: Connection) -> bool:
    """Create the current schema in an empty SQLite database with the statements that
    create_v1 and every migration after it leave there (sqlite_schema.STATEMENTS, the
    same text in the same order), instead of building each version's tables and DDL:
    most of what a new office's first night spent opening its register. False, with
    nothing done, for another database, one that is not empty, or statements of another
    version than this code's."""
    if conn.dialect.name != "sqlite" or sqlite_schema.VERSION != SCHEMA_VERSION:
        return False
    if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
        return False
    for statement in sqlite_schema.STATEMENTS:
        conn.exec_driver_sql(statement)
    return True


def migrate(conn: Connection, clock: Callable[[], dt.datetime] = now_utc) -> int:
    """Apply every migration the database lacks, in order; return the version reached.

    An empty SQLite database gets the current schema at once (_create_current_sqlite), and
    the same schema_version rows as when each migration ran."""
    current = database_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"Basis data register berversi {current}, lebih baru dari ppid-batch ini "
            f"(versi {SCHEMA_VERSION}); perbarui ppid-batch."
        )
    created = current == 0 and _create_current_sqlite(conn)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        if not created:
            MIGRATIONS[version - 1](conn)
        conn.execute(
            sa.insert(schema_version).values(version=version, applied_at=timestamp(clock()))
        )
    return SCHEMA_VERSION
