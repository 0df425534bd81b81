"""Moving a register from its SQLite file to a shared server: copy everything, verify, then switch.

Every table is copied row for row (IDs, numbering, history, decisions, runs, the
audit log) inside one transaction on the target, and the counts and a content
hash of every table are compared before that transaction commits: a copy that
does not match leaves the target as it was. The SQLite file is never changed
beyond the migrations a night would apply anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError, UsageError
from .core import Store
from .engine import shown_url
from .schema import METADATA

BATCH = 1000


@dataclass(frozen=True)
class TableCheck:
    name: str
    rows: int
    sha256: str


def _value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _row_digest(row: sa.Row[Any]) -> bytes:
    raw = json.dumps([_value(v) for v in row], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).digest()


def table_checks(conn: Connection) -> list[TableCheck]:
    """Rows and a content hash per table, independent of row order and of the database.

    Each row is hashed on its own and the sorted row hashes hashed together, so the
    two databases' different orderings (SQLite's bytes, PostgreSQL's collation) agree.
    """
    out = []
    for table in METADATA.sorted_tables:
        if table.name == "schema_version":
            continue
        digests = sorted(_row_digest(row) for row in conn.execute(sa.select(table)))
        total = hashlib.sha256(b"".join(digests)).hexdigest()
        out.append(TableCheck(table.name, len(digests), total))
    return out


def _chunks(conn: Connection, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    result = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
    while rows := result.mappings().fetchmany(BATCH):
        yield [dict(r) for r in rows]


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL numbers new rows from a sequence: move each past the copied keys."""
    if conn.dialect.name != "postgresql":
        return
    for table in METADATA.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        name = conn.dialect.identifier_preparer.quote_identifier(table.name)
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                f"coalesce(max({column.name}), 1), max({column.name}) IS NOT NULL) FROM {name}"
            ),
            {"t": table.name, "c": column.name},
        )


def copy_register(source_url: str, target_url: str) -> list[TableCheck]:
    """Copy the whole register at `source_url` into the empty register at `target_url`."""
    with Store.open(source_url) as source, Store.open(target_url) as target:
        with source.begin() as src:
            expected = table_checks(src)
            with target.begin() as dst:
                for check in table_checks(dst):
                    if check.rows:
                        raise UsageError(
                            f"Register tujuan {shown_url(target_url)} sudah berisi data "
                            f"(tabel {check.name}: {check.rows} baris); pindah hanya ke "
                            "register kosong, misalnya kantor baru dari 'db kantor-baru'."
                        )
                for table in METADATA.sorted_tables:
                    if table.name == "schema_version":
                        continue
                    for chunk in _chunks(src, table):
                        dst.execute(sa.insert(table), chunk)
                _reset_sequences(dst)
                got = table_checks(dst)
                if got != expected:
                    bad = next(e.name for e, g in zip(expected, got, strict=True) if e != g)
                    # raising rolls the target back: nothing half-copied stays there
                    raise StoreError(
                        f"Salinan register tidak sama dengan aslinya (tabel {bad}); tidak ada "
                        "yang dipindahkan dan ppid.toml tidak diubah."
                    )
    return expected
