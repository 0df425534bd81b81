"""The register's item rows as forms, imports and decisions add, correct and withdraw them.

Every function joins the caller's transaction (`with store.begin():` around the
calls makes them all-or-nothing) and takes plain values, so the stages above
never build SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

from .core import IN_CHUNK, Store, insert_columns, insert_many, new_id
from .schema import ITEM_FIELDS, item_history, items, submissions
from .text import dumps

# The item's values an `item_history` row keeps besides the form fields.
_HISTORY_FIELDS = (*ITEM_FIELDS, "status", "decision", "arahan", "atasan")


# Statements every form runs, built once.
_INSERT_SUBMISSION = sa.insert(submissions)
_HIGHEST_SEQ = sa.select(sa.func.max(items.c.seq)).where(items.c.year == sa.bindparam("year"))


def record_submission(store: Store, **values: Any) -> int:
    """A received form or import into `submissions` (columns as keywords); its new id."""
    with store.begin() as conn:
        return new_id(conn.execute(_INSERT_SUBMISSION, values))


def submission_petugas(store: Store, submission_id: int | None) -> str | None:
    """The petugas named on submission `submission_id` (None when unknown)."""
    if submission_id is None:
        return None
    query = sa.select(submissions.c.petugas).where(submissions.c.id == submission_id)
    with store.begin() as conn:
        return conn.scalar(query)


def insert_items(store: Store, rows: Sequence[Mapping[str, Any]]) -> None:
    """New register items (full rows, every column, the same keys), one executemany."""
    if rows:
        with store.begin() as conn:
            insert_many(conn, items, rows)


def insert_item_columns(
    store: Store, length: int, columns: Mapping[str, Sequence[Any]], shared: Mapping[str, Any]
) -> None:
    """`length` new register items given a column at a time (`columns`: each column's
    values in item order, `shared`: the value every item has; every column between them),
    one executemany."""
    if length:
        with store.begin() as conn:
            insert_columns(conn, items, length, columns, shared)


_RINGKASAN = sa.select(items.c.ringkasan).distinct()


def ringkasan_values(store: Store) -> list[str]:
    """Every distinct ringkasan of the register's items (whatever their status), in no
    particular order."""
    with store.begin() as conn:
        return [r for r in conn.scalars(_RINGKASAN) if r is not None]


def highest_seq(store: Store, year: int) -> int:
    """The highest item number in use for `year` (0 when none): the next ID is this plus one."""
    with store.begin() as conn:
        return int(conn.scalar(_HIGHEST_SEQ, {"year": year}) or 0)


# One statement for every form: the keys are bound as an expanding parameter.
_BY_MATCH_KEY = (
    sa.select(items.c.id, items.c.match_key)
    .where(items.c.match_key.in_(sa.bindparam("keys", expanding=True)))
    .order_by(sa.desc(items.c.year), sa.desc(items.c.seq))
)


@functools.lru_cache(maxsize=8)
def _by_match_key_compiled(dialect: sa.Dialect) -> SQLCompiler:
    return cast("SQLCompiler", _BY_MATCH_KEY.compile(dialect=dialect))


# Forms have any number of new rows up to a chunk: one entry per count stays small.
@functools.lru_cache(maxsize=2 * IN_CHUNK)
def _by_match_key_sql(dialect: sa.Dialect, n: int) -> tuple[str, tuple[str, ...] | None]:
    """`_BY_MATCH_KEY` for `n` keys as the driver's SQL, compiled once per dialect and
    count, and the names of its parameters in the keys' order (None: positional).

    Every form runs it: executed through the driver it skips SQLAlchemy's work per
    call (expanding the IN list, building result rows), about half the preload's cost."""
    marks = [f"\x00{i}" for i in range(n)]
    expanded = _by_match_key_compiled(dialect).construct_expanded_state({"keys": marks})
    if expanded.positiontup is not None:
        order = [expanded.parameters[name] for name in expanded.positiontup]
        if order != marks:
            raise ValueError(f"unexpected parameters {expanded.positiontup} for {n} keys")
        return expanded.statement, None
    name_of = {mark: name for name, mark in expanded.parameters.items()}
    return expanded.statement, tuple(name_of[mark] for mark in marks)


def ids_by_match_key(store: Store, keys: Sequence[str]) -> dict[str, str]:
    """Match key → the oldest item ID holding it, for the keys the register knows."""
    unique = sorted(set(keys))
    found: dict[str, str] = {}
    with store.begin() as conn:
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            sql, names = _by_match_key_sql(conn.dialect, len(chunk))
            params = tuple(chunk) if names is None else dict(zip(names, chunk, strict=True))
            for item_id, key in conn.exec_driver_sql(sql, params):
                found[key] = item_id  # descending: the oldest ID wins
    return found


def item_row(store: Store, item_id: str) -> dict[str, Any] | None:
    """Item `item_id`'s stored row (every column), or None."""
    with store.begin() as conn:
        row = conn.execute(sa.select(items).where(items.c.id == item_id)).mappings().first()
    return dict(row) if row is not None else None


def item_rows(
    store: Store, ids: Sequence[str], columns: Sequence[str] | None = None
) -> dict[str, Mapping[str, Any]]:
    """Item ID → its stored row (read-only, keyed by column), for the IDs the register knows;
    with `columns`, only those (and `id`).

    The rows stay as the database driver's tuples behind a mapping view, not one dict
    each: an approval sheet of 100,000 rows keeps 100,000 of them while it is checked."""
    unique = sorted(set(ids))
    found: dict[str, Mapping[str, Any]] = {}
    wanted = items.c if columns is None else [items.c[k] for k in dict.fromkeys(("id", *columns))]
    with store.begin() as conn:
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            for row in conn.execute(sa.select(*wanted).where(items.c.id.in_(chunk))):
                found[row.id] = cast("Mapping[str, Any]", row._mapping)
    return found


def update_item(store: Store, item_id: str, values: Mapping[str, Any]) -> None:
    """Set these columns of item `item_id` (its history is the caller's: `keep_history`)."""
    with store.begin() as conn:
        conn.execute(sa.update(items).where(items.c.id == item_id).values(**values))


def keep_history(
    store: Store,
    current: Mapping[str, Any],
    *,
    now: str,
    run_id: int | None,
    submission_id: int | None,
    **extra: Any,
) -> None:
    """The item's values before a change, into `item_history` (nothing is ever overwritten)."""
    old = {k: current[k] for k in _HISTORY_FIELDS}
    old.update(source_file=current["source_file"], source_row=current["source_row"], **extra)
    with store.begin() as conn:
        conn.execute(
            sa.insert(item_history).values(
                item_id=current["id"],
                changed_at=now,
                run_id=run_id,
                submission_id=submission_id,
                old_values=dumps(old),
            )
        )


def withdraw(
    store: Store,
    current: Mapping[str, Any],
    *,
    now: str,
    run_id: int | None,
    submission_id: int | None,
    alasan: str | None,
) -> None:
    """Status `withdrawn`, the values before kept in the item's history."""
    keep_history(store, current, now=now, run_id=run_id, submission_id=submission_id, alasan=alasan)
    update_item(
        store, current["id"], {"status": "withdrawn", "updated_run": run_id, "updated_at": now}
    )
