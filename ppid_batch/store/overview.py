"""Read-only queries for reporting upward: run history, activity per year, the last Keputusan."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa

from .core import Store
from .schema import approval_sheets, decisions, items, nota_dinas, runs, submissions

KEPUTUSAN_TABLE = "keputusan"
_NUMBER_COLUMNS = ("nomor", "number")
_DATE_COLUMNS = ("tanggal", "tanggal_penetapan", "date")


def snapshot_view(store: Store) -> Store:
    """The same register read through one consistent snapshot per transaction.

    A night may be committing forms while a report reads: on PostgreSQL REPEATABLE READ
    makes every query of one `with store.begin():` see the same moment (SQLite's WAL
    transactions already do), and READ ONLY makes the server refuse any write from it.
    """
    if store.engine.dialect.name != "postgresql":
        return store
    engine = store.engine.execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    )
    return Store(engine, store.clock)


def store_schema(store: Store) -> str | None:
    """The schema a shared-database view reads (None: the connection's own search_path)."""
    translate = store.engine.get_execution_options().get("schema_translate_map") or {}
    return translate.get(None)


def run_history(store: Store) -> list[dict[str, Any]]:
    """Every nightly run in number order: start, end, status and its counts."""
    query = sa.select(runs).order_by(runs.c.id)
    with store.begin() as conn:
        rows = conn.execute(query).mappings().all()
    return [{**row, "counts": json.loads(row["counts"]) if row["counts"] else {}} for row in rows]


def activity_by_year(store: Store) -> dict[int, dict[str, int]]:
    """Per calendar year: forms received and accepted, items registered, decisions, Nota Dinas."""
    out: dict[int, Counter[str]] = {}

    def add(year: int, key: str, n: int = 1) -> None:
        out.setdefault(year, Counter())[key] += n

    with store.begin() as conn:
        for received, verdict in conn.execute(
            sa.select(submissions.c.received, submissions.c.verdict)
        ):
            add(received.year, "formulir_diterima")
            if verdict != "rejected":
                add(received.year, "formulir_sah")
        for (received_on,) in conn.execute(sa.select(items.c.received_on)):
            add(received_on.year, "informasi_baru")
        for (decided_on,) in conn.execute(sa.select(decisions.c.decided_on)):
            add(decided_on.year, "keputusan_atasan")
        for (year,) in conn.execute(sa.select(nota_dinas.c.year)):
            add(year, "nota_dinas")
    return {year: dict(counts) for year, counts in sorted(out.items())}


def oldest_pending(store: Store) -> tuple[int, dt.date | None]:
    """How many items wait for the Atasan PPID, and since when the oldest waits."""
    query = sa.select(sa.func.count(), sa.func.min(items.c.received_on)).where(
        items.c.status == "pending"
    )
    with store.begin() as conn:
        count, since = conn.execute(query).one()
    return int(count), since


def last_activity_on(store: Store) -> dt.date | None:
    """The last office day the register records anything on: a form or approval sheet
    received, an item filed or decided, a Tindakan decided, a Nota Dinas numbered, a
    Keputusan PPID set.

    What an export says it is 'as of': the same register gives the same date whatever the
    day it is exported, so its files keep their bytes. Run timestamps are left out: they
    are UTC instants, not office days, and every run that changes anything dates it here.
    """
    days = [
        sa.select(sa.func.max(column)).scalar_subquery()
        for column in (
            submissions.c.received, items.c.received_on, items.c.decided_on,
            approval_sheets.c.received, decisions.c.decided_on, nota_dinas.c.date,
        )
    ]  # fmt: skip
    schema = store_schema(store)
    with store.begin() as conn:
        found = list(conn.execute(sa.select(*days)).one())
        if sa.inspect(conn).has_table("change_requests", schema=schema):
            table = sa.Table("change_requests", sa.MetaData(), autoload_with=conn, schema=schema)
            if "decided_on" in table.c:
                found.append(conn.scalar(sa.select(sa.func.max(table.c.decided_on))))
    keputusan = last_keputusan(store)
    if keputusan is not None and keputusan["tanggal"] is not None:
        found.append(keputusan["tanggal"])
    known = [_as_day(d) for d in found if d is not None]
    return max(known, default=None)


def _as_day(value: Any) -> dt.date:
    # A reflected table (an older register) may hand a date back as ISO text.
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def last_keputusan(store: Store) -> dict[str, Any] | None:
    """The latest Keputusan PPID (number and date), when this register records them at all.

    Registers made before Keputusan were recorded have no such table; that is not an error.
    """
    schema = store_schema(store)
    with store.begin() as conn:
        if not sa.inspect(conn).has_table(KEPUTUSAN_TABLE, schema=schema):
            return None
        table = sa.Table(KEPUTUSAN_TABLE, sa.MetaData(), autoload_with=conn, schema=schema)
        number = next((table.c[n] for n in _NUMBER_COLUMNS if n in table.c), None)
        date = next((table.c[n] for n in _DATE_COLUMNS if n in table.c), None)
        if number is None or date is None:
            return None
        order = [date.desc()] + ([table.c.id.desc()] if "id" in table.c else [])
        row = conn.execute(sa.select(number, date).order_by(*order).limit(1)).first()
    if row is None:
        return None
    return {"nomor": row[0], "tanggal": row[1]}
