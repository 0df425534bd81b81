"""The register store behind SOP steps 1–3: the `Store`, its audit log, runs and items.

A `Store` opens (and creates or migrates) the register at a database URL and hands
out transactions; the other modules of this package hold the tables (schema.py),
migrations, and the queries of each SOP step as functions taking a Store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from ..models import ITEM_STATUSES, RegisterItem
from .engine import make_engine, open_error, shown_url
from .ids import id_order
from .migrations import SCHEMA_VERSION, database_version, migrate
from .schema import (
    ITEM_FIELDS,
    approval_sheets,
    change_requests,
    decisions,
    events,
    item_history,
    items,
    nota_dinas,
    nota_dinas_items,
    runs,
    schema_version,
    submissions,
)
from .text import dumps, now_utc, timestamp

SYSTEM_ACTOR = "ppid-batch"
IN_CHUNK = 500  # values per IN (...) query: well under every database's parameter limit
RUNNING = "running"  # a run's status until it finishes; a killed one stays so
INTERRUPTED = "interrupted"  # a killed run, once a later night has reported it


@functools.lru_cache(maxsize=64)
def _insert_plan(
    dialect: sa.Dialect, table: sa.Table, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...] | None, tuple[tuple[int, Callable[[Any], Any]], ...]]:
    """`INSERT INTO table (keys)` compiled once for a dialect: its SQL, the order of its
    positional parameters (None for a named paramstyle), and the bind processors the
    dialect applies to some columns (a date on SQLite), by position in `keys`."""
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    if order is not None and sorted(order) != sorted(keys):
        raise ValueError(f"unexpected parameters {order} for {keys}")  # an expression default
    names = order if order is not None else keys
    processors = []
    for n, key in enumerate(names):
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((n, process))
    return str(compiled), order, tuple(processors)


def _processed(process: Callable[[Any], Any], column: Sequence[Any]) -> Sequence[Any]:
    """`process` applied to every value of a column, once per distinct value (a form's
    rows share their dates)."""
    try:
        distinct = dict.fromkeys(column)
    except TypeError:  # an unhashable value: one call each
        return list(map(process, column))
    mapped = {v: process(v) for v in distinct}
    return list(map(mapped.__getitem__, column))


def insert_many(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all have the same keys with one DBAPI executemany.

    The same as `conn.execute(sa.insert(table), rows)`, without SQLAlchemy's work per row
    (it builds and processes a parameter dict for every row: most of the cost of writing
    a 200-row form). The statement is compiled once per table, keys and dialect; the
    dialect's bind processors still convert the values that need it.
    """
    if not rows:
        return
    keys = tuple(rows[0])
    sql, order, processors = _insert_plan(conn.dialect, table, keys)
    get = itemgetter(*(order or keys))
    if len(keys) == 1:
        values: list[Any] = [(get(row),) for row in rows]
    else:
        values = list(map(get, rows))
    _execute_plan(conn, sql, order, processors, keys, values)


def insert_tuples(
    conn: Connection, table: sa.Table, keys: tuple[str, ...], rows: Sequence[Sequence[Any]]
) -> None:
    """`insert_many` for rows given as tuples of the values of `keys`, in that order: a
    writer that makes many rows of the same columns builds no dict for each."""
    if not rows:
        return
    sql, order, processors = _insert_plan(conn.dialect, table, keys)
    values: list[Any] = list(rows)
    if order is not None and order != keys:
        get = itemgetter(*(keys.index(k) for k in order))
        values = [(get(row),) for row in values] if len(keys) == 1 else list(map(get, values))
    _execute_plan(conn, sql, order, processors, keys, values)


def insert_columns(
    conn: Connection,
    table: sa.Table,
    length: int,
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """`insert_many` for `length` rows given a column at a time: `columns` holds each
    varying column's values in row order, `constants` the value every row has. A writer
    that works out its rows column by column builds no row itself; a constant (or a
    column's distinct value) goes through the dialect's bind processor once."""
    if not length:
        return
    for key, column in columns.items():
        if len(column) != length:
            raise ValueError(f"column {key} has {len(column)} values, not {length}")
    # A NULL every row has is what a column without a default gets when the INSERT leaves
    # it out: no value to bind for each row (an undecided item's four decision columns, a
    # form's empty Keterangan), and binding a NULL costs the sqlite3 module more than a
    # text does.
    constants = {
        k: v for k, v in (constants or {}).items() if v is not None or _has_default(table.c[k])
    }
    columns = {
        k: v
        for k, v in columns.items()
        if not (v[0] is None and v.count(None) == length) or _has_default(table.c[k])
    }
    keys = (*columns, *constants)
    sql, order, processors = _insert_plan(conn.dialect, table, keys)
    names = order if order is not None else keys
    process_at = dict(processors)
    ordered: list[Iterable[Any]] = []
    for n, key in enumerate(names):
        process = process_at.get(n)
        if key in columns:
            column = columns[key]
            ordered.append(column if process is None else _processed(process, column))
        else:
            value = constants[key]
            ordered.append(itertools.repeat(value if process is None else process(value), length))
    values: list[Any] = list(zip(*ordered, strict=True))
    if order is None:
        values = [dict(zip(names, row, strict=True)) for row in values]
    conn.exec_driver_sql(sql, values)


def _has_default(column: sa.Column[Any]) -> bool:
    """Whether an INSERT that leaves `column` out stores something other than NULL."""
    return column.default is not None or column.server_default is not None


def _execute_plan(
    conn: Connection,
    sql: str,
    order: tuple[str, ...] | None,
    processors: tuple[tuple[int, Callable[[Any], Any]], ...],
    keys: tuple[str, ...],
    values: list[Any],
) -> None:
    """One executemany of `values` (tuples in the plan's parameter order, or in `keys`
    order for a named paramstyle), the dialect's bind processors applied first."""
    if processors:
        columns: list[Sequence[Any]] = list(zip(*values, strict=True))
        for i, process in processors:
            columns[i] = _processed(process, columns[i])
        values = list(zip(*columns, strict=True))
    if order is None:
        names = keys
        values = [dict(zip(names, row, strict=True)) for row in values]
    conn.exec_driver_sql(sql, values)


# Statements every form runs, built once (SQLAlchemy then finds them compiled by identity).
_LOCK_WRITERS = sa.select(schema_version.c.version).with_for_update()
_BY_SHA256 = tuple(
    sa.select(table.c.id).where(table.c.sha256 == sa.bindparam("sha256"))
    for table in (submissions, approval_sheets)
)


def _detail_text(detail: Mapping[str, Any] | str | None) -> str | None:
    if not detail:
        return None
    return detail if isinstance(detail, str) else dumps(dict(detail))


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class Store:
    """The register database. Open with `Store.open(url)`; write inside `with store.begin():`."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = now_utc) -> None:
        self.engine = engine
        self.clock = clock
        self._conn: Connection | None = None

    @classmethod
    def open(
        cls,
        url: str,
        *,
        migrate_schema: bool = True,
        clock: Callable[[], dt.datetime] = now_utc,
    ) -> Store:
        """Open (and create or migrate) the register at `url`.

        With `migrate_schema=False` nothing is written: a database that is not at the
        current version raises StoreError (used by `validate`, which must not write).
        """
        try:
            store = cls(make_engine(url), clock)
        except (sa.exc.SQLAlchemyError, ImportError, ValueError) as exc:
            # A server URL: unknown dialect, driver not installed, port not a number, …
            reason = (
                f"driver {exc.name} belum terpasang"
                if isinstance(exc, ImportError)
                else exc.__class__.__name__
            )
            raise StoreError(f"Register {shown_url(url)} tidak dapat dibuka: {reason}") from exc
        try:
            with store.begin() as conn:
                if migrate_schema:
                    migrate(conn, clock)
                elif database_version(conn) != SCHEMA_VERSION:
                    raise StoreError(
                        "Register perlu diperbarui; jalankan 'ppid-batch run' terlebih dahulu."
                    )
        except BaseException as exc:
            store.close()
            if isinstance(exc, sa.exc.SQLAlchemyError):
                raise open_error(url, exc) from exc
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; a `begin()` inside another joins the outer one (all-or-nothing)."""
        if self._conn is not None:
            yield self._conn
            return
        with self.engine.begin() as conn:
            self._conn = conn
            try:
                yield conn
            finally:
                self._conn = None

    @contextmanager
    def savepoint(self) -> Iterator[Connection]:
        """A part of the open transaction that is undone alone when it raises (a SQL
        SAVEPOINT); the transaction goes on. Outside one, a transaction of its own."""
        with self.begin() as conn, conn.begin_nested():
            yield conn

    def now(self) -> str:
        return timestamp(self.clock())

    def lock_writers(self, conn: Connection) -> None:
        """Wait until no other writer's transaction is open; hold the turn until this one ends.

        Item IDs and Nota Dinas numbers are the highest in use plus one. On a server
        database several workspaces may run at once, and two writers reading the same
        highest number would collide; `FOR UPDATE` on the schema_version rows makes
        them take turns. SQLite has one writer at a time anyway (and no FOR UPDATE).
        """
        conn.execute(_LOCK_WRITERS)

    @property
    def version(self) -> int:
        with self.begin() as conn:
            return database_version(conn)

    # ---- audit log ----

    def log(
        self,
        action: str,
        *,
        actor: str = SYSTEM_ACTOR,
        run_id: int | None = None,
        item_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append one event; the log is never updated or deleted."""
        with self.begin() as conn:
            conn.execute(
                sa.insert(events).values(
                    ts=self.now(),
                    run_id=run_id,
                    actor=actor,
                    action=action,
                    item_id=item_id,
                    detail=dumps(dict(detail)) if detail else None,
                )
            )

    def log_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Append many events at once (keys as for `log`); order is kept. A `detail` that
        is a str is taken as its JSON text already (`text.dumps` of the mapping)."""
        if not rows:
            return
        self._insert_events(
            len(rows),
            {
                "run_id": [r.get("run_id") for r in rows],
                "actor": [r.get("actor", SYSTEM_ACTOR) for r in rows],
                "action": [r["action"] for r in rows],
                "item_id": [r.get("item_id") for r in rows],
                "detail": [r.get("detail") for r in rows],
            },
        )

    def log_actions(
        self,
        actions: Sequence[tuple[str, str | None, Mapping[str, Any] | str | None]],
        *,
        actor: str,
        run_id: int | None,
    ) -> None:
        """`log_many` for events of one actor and run, each given as (action, item_id,
        detail): no dict per event (a form logs one for each of its rows)."""
        if actions:
            kinds, item_ids, details = zip(*actions, strict=True)
            self._insert_events(
                len(actions),
                {"action": kinds, "item_id": item_ids, "detail": details},
                {"run_id": run_id, "actor": actor},
            )

    def _insert_events(
        self,
        length: int,
        columns: Mapping[str, Sequence[Any]],
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        """`length` events given a column at a time (keys as for `log`; `constants`: the
        columns all of them share), stamped now: one executemany."""
        # a str detail is its JSON text already (the register's one per new row)
        details = [d if d and type(d) is str else _detail_text(d) for d in columns["detail"]]
        with self.begin() as conn:
            insert_columns(
                conn,
                events,
                length,
                {**columns, "detail": details},
                {**(constants or {}), "ts": self.now()},
            )

    def events(
        self, *, item_id: str | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        query = sa.select(events).order_by(events.c.id)
        if item_id is not None:
            query = query.where(events.c.item_id == item_id)
        if action is not None:
            query = query.where(events.c.action == action)
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {**row, "detail": json.loads(row["detail"]) if row["detail"] else {}} for row in rows
        ]

    # ---- runs ----

    def start_run(self) -> int:
        with self.begin() as conn:
            # Staff see the run number ("Proses malam #n"), so it is the highest plus one,
            # not the database's sequence: PostgreSQL's moves on when a transaction (a dry
            # run) is rolled back, SQLite's rowid does not.
            self.lock_writers(conn)
            run_id = int(conn.scalar(sa.select(sa.func.max(runs.c.id))) or 0) + 1
            conn.execute(sa.insert(runs).values(id=run_id, started=self.now(), status=RUNNING))
            self.log("run_started", run_id=run_id)
        return run_id

    def finish_run(
        self,
        run_id: int,
        status: str,
        counts: Mapping[str, Any],
        interrupted: Sequence[int] = (),
    ) -> None:
        """End this run and mark the runs it reported for as interrupted, in one commit.

        Together: a night killed between the two would otherwise either report those runs'
        decisions a second time or, worse, never.
        """
        with self.begin() as conn:
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(finished=self.now(), status=status, counts=dumps(dict(counts)))
            )
            self.log("run_finished", run_id=run_id, detail={"status": status, **counts})
            if interrupted:
                conn.execute(
                    sa.update(runs)
                    .where(runs.c.id.in_(list(interrupted)), runs.c.status == RUNNING)
                    .values(status=INTERRUPTED)  # `finished` stays empty: it never did
                )
                self.log("runs_interrupted", run_id=run_id, detail={"runs": list(interrupted)})

    def runs(self) -> list[dict[str, Any]]:
        """Every night in the register, oldest first, with its counts decoded."""
        with self.begin() as conn:
            rows = conn.execute(sa.select(runs).order_by(runs.c.id)).mappings().all()
        return [{**row, "counts": json.loads(row["counts"] or "{}")} for row in rows]

    # ---- items ----

    def _item_query(self) -> sa.Select[Any]:
        # Only the columns a RegisterItem holds, in its fields' order (not the source
        # cells, match key or timestamps): items() builds each item from the row's tuple.
        return (
            sa.select(*_ITEM_COLUMNS, nota_dinas.c.number.label("nota_number"))
            .select_from(
                items.outerjoin(
                    nota_dinas_items, nota_dinas_items.c.item_id == items.c.id
                ).outerjoin(nota_dinas, nota_dinas.c.id == nota_dinas_items.c.nota_dinas_id)
            )
            .order_by(items.c.year, items.c.seq)
        )

    def items(self, status: str | None = None, year: int | None = None) -> list[RegisterItem]:
        """Register items in ID order, optionally only one status and/or one ID year."""
        if status is not None and status not in ITEM_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        query = self._item_query()
        if status is not None:
            query = query.where(items.c.status == status)
        if year is not None:
            query = query.where(items.c.year == year)
        with self.begin() as conn:
            return _register_items(conn.execute(query))

    def status_counts(self) -> dict[str, int]:
        """How many register items hold each status (statuses with none are left out)."""
        query = sa.select(items.c.status, sa.func.count()).group_by(items.c.status)
        with self.begin() as conn:
            return {status: int(n) for status, n in conn.execute(query)}

    def pending_change_count(self) -> int:
        """How many Tindakan Ubah/Hapus wait for the Atasan PPID."""
        query = sa.select(sa.func.count()).where(change_requests.c.status == "pending")
        with self.begin() as conn:
            return int(conn.scalar(query) or 0)

    def item(self, item_id: str) -> RegisterItem | None:
        with self.begin() as conn:
            row = conn.execute(self._item_query().where(items.c.id == item_id)).mappings().first()
        return register_item(row) if row else None

    def items_by_id(self, ids: Sequence[str]) -> list[RegisterItem]:
        """The register items with these IDs, in ID order (unknown IDs are left out)."""
        unique = sorted(set(ids))
        found: list[RegisterItem] = []
        with self.begin() as conn:
            for start in range(0, len(unique), IN_CHUNK):
                query = self._item_query().where(items.c.id.in_(unique[start : start + IN_CHUNK]))
                found += [register_item(row) for row in conn.execute(query).mappings()]
        return sorted(found, key=lambda i: id_order(i.id))

    def decisions(self, item_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(decisions).order_by(decisions.c.id)
        if item_id is not None:
            query = query.where(decisions.c.item_id == item_id)
        with self.begin() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def history(self, item_id: str) -> list[dict[str, Any]]:
        query = (
            sa.select(item_history)
            .where(item_history.c.item_id == item_id)
            .order_by(item_history.c.id)
        )
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**row, "old_values": json.loads(row["old_values"])} for row in rows]

    def submission_known(self, sha256: str) -> bool:
        """True when a form or an approval sheet with these bytes was already received."""
        with self.begin() as conn:
            for query in _BY_SHA256:
                if conn.scalar(query, {"sha256": sha256}):
                    return True
        return False


# RegisterItem's fields, in order; the last, nota_dinas, is the joined Nota Dinas number.
_ITEM_NAMES = tuple(f.name for f in dataclasses.fields(RegisterItem))
_ITEM_COLUMNS = tuple(items.c[name] for name in _ITEM_NAMES[:-1])
assert _ITEM_NAMES[-1] == "nota_dinas" and not hasattr(RegisterItem, "__post_init__")


def _register_items(rows: Iterable[Sequence[Any]]) -> list[RegisterItem]:
    """RegisterItems from rows of _item_query, each a tuple in the fields' order.

    The whole register is loaded this way each night (tens of thousands of items): each
    instance's fields are set at once rather than through the frozen dataclass's
    __init__, one object.__setattr__ per field. Both give equal items (a test holds it);
    the assert above keeps this from skipping a __post_init__ added later.
    """
    new = object.__new__
    names = _ITEM_NAMES
    built: list[RegisterItem] = []
    append = built.append
    for row in rows:
        item = new(RegisterItem)
        item.__dict__.update(zip(names, row, strict=True))
        append(item)
    return built


def register_item(row: Mapping[Any, Any]) -> RegisterItem:
    """A RegisterItem from an `items` row (joined with its Nota Dinas number)."""
    return RegisterItem(
        id=row["id"],
        unit=row["unit"],
        **{f: row[f] for f in ITEM_FIELDS},
        status=row["status"],
        source_file=row["source_file"],
        source_sheet=row["source_sheet"],
        source_row=row["source_row"],
        received_on=row["received_on"],
        decided_on=row["decided_on"],
        atasan=row["atasan"],
        arahan=row["arahan"],
        nota_dinas=row.get("nota_number"),
    )
