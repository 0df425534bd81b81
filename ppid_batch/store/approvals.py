"""Queries over the issued approval sheets (`approval_issues`, `approval_issue_rows`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, overload

import sqlalchemy as sa

from .core import IN_CHUNK, Store, insert_tuples
from .schema import approval_issue_rows, approval_issues
from .text import dumps


class _JsonObject(Mapping[str, Any]):
    """A JSON object kept as its text until a value is asked for: checking whether a sheet
    counts needs each row's ID and fingerprint, not the values it was issued with."""

    __slots__ = ("_text", "_value")

    def __init__(self, text: str) -> None:
        self._text = text
        self._value: dict[str, Any] | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._value is None:
            self._value = json.loads(self._text)
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def get(self, key: str, default: Any = None) -> Any:
        return self._loaded().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def __repr__(self) -> str:
        return repr(self._loaded())


class IssuedRow(NamedTuple):
    """One row of an issued sheet (a named tuple: a 40,000-row sheet makes as many)."""

    item_id: str
    position: int
    fingerprint: str
    snapshot: Mapping[str, Any]


class _IssuedRows(Sequence[IssuedRow]):
    """The rows record_issue stored, made into IssuedRow when first read: the night that
    issues a sheet writes it from its items and reads none of its tens of thousands of
    rows back. Equal to the tuple of the same rows."""

    __slots__ = ("_given", "_made")

    def __init__(self, given: Sequence[tuple[str, str, str]]) -> None:
        self._given = given  # (ID, fingerprint, content as JSON text), in order
        self._made: tuple[IssuedRow, ...] | None = None

    def _rows(self) -> tuple[IssuedRow, ...]:
        if self._made is None:
            self._made = tuple(
                IssuedRow(i, n, fp, _JsonObject(s)) for n, (i, fp, s) in enumerate(self._given)
            )
            self._given = ()
        return self._made

    @overload
    def __getitem__(self, index: int) -> IssuedRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[IssuedRow, ...]: ...
    def __getitem__(self, index: int | slice) -> IssuedRow | tuple[IssuedRow, ...]:
        return self._rows()[index]

    def __len__(self) -> int:
        return len(self._given) if self._made is None else len(self._made)

    def __iter__(self) -> Iterator[IssuedRow]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _IssuedRows):
            other = other._rows()
        return self._rows() == other

    def __hash__(self) -> int:
        return hash(self._rows())

    def __repr__(self) -> str:
        return repr(self._rows())


@dataclass(frozen=True)
class IssuedSheet:
    """One Lembar Persetujuan as the batch issued it."""

    number: str
    issued_on: dt.date
    code: str
    rows: Sequence[IssuedRow]  # a tuple, or _IssuedRows: the same rows, made when read

    def row(self, item_id: str) -> IssuedRow | None:
        for r in self.rows:
            if r.item_id == item_id:
                return r
        return None

    @property
    def by_id(self) -> dict[str, IssuedRow]:
        return {r.item_id: r for r in self.rows}


_NO_SNAPSHOT: Mapping[str, Any] = MappingProxyType({})  # rows read without their values


def _rows(conn: sa.Connection, issue_id: int, snapshots: bool = True) -> tuple[IssuedRow, ...]:
    t = approval_issue_rows.c
    where = approval_issue_rows.c.issue_id == issue_id
    if not snapshots:
        bare = sa.select(t.item_id, t.position, t.fingerprint).where(where).order_by(t.position)
        return tuple(
            IssuedRow(item_id, position, fp, _NO_SNAPSHOT)
            for item_id, position, fp in conn.execute(bare)
        )
    query = (
        sa.select(t.item_id, t.position, t.fingerprint, t.snapshot)
        .where(where)
        .order_by(t.position)
    )
    return tuple(
        IssuedRow(item_id, position, fp, _JsonObject(snapshot))
        for item_id, position, fp, snapshot in conn.execute(query)
    )


def _sheet(
    conn: sa.Connection, row: sa.RowMapping | Mapping[str, Any] | None, snapshots: bool = True
) -> IssuedSheet | None:
    if row is None:
        return None
    issued = row["issued_on"]
    if isinstance(issued, str):  # SQLite hands back text for a Date in a raw select
        issued = dt.date.fromisoformat(issued)
    return IssuedSheet(row["number"], issued, row["code"], _rows(conn, row["id"], snapshots))


def issued_sheet(store: Store, number: str, *, snapshots: bool = True) -> IssuedSheet | None:
    """The sheet the batch issued under `number`, or None. With `snapshots=False` its rows
    carry their ID and fingerprint only (an empty snapshot): what checking a returned sheet
    needs for every row; `issued_snapshots` gives the values of the few rows that need them."""
    with store.begin() as conn:
        row = (
            conn.execute(sa.select(approval_issues).where(approval_issues.c.number == number))
            .mappings()
            .first()
        )
        return _sheet(conn, row, snapshots)


def issued_snapshots(
    store: Store, number: str, item_ids: Sequence[str]
) -> dict[str, Mapping[str, Any]]:
    """Item ID → the values sheet `number` listed it with, for `item_ids` (those it listed)."""
    unique = sorted(set(item_ids))
    found: dict[str, Mapping[str, Any]] = {}
    t = approval_issue_rows.c
    with store.begin() as conn:
        issue_id = conn.scalar(
            sa.select(approval_issues.c.id).where(approval_issues.c.number == number)
        )
        if issue_id is None:
            return found
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            query = (
                sa.select(t.item_id, t.snapshot)
                .where(t.issue_id == issue_id, t.item_id.in_(chunk))
                .order_by(t.position)  # an ID listed twice: its last row, as by_id
            )
            for item_id, snapshot in conn.execute(query):
                found[item_id] = json.loads(snapshot)
    return found


def latest_issued_sheet(store: Store) -> IssuedSheet | None:
    with store.begin() as conn:
        row = (
            conn.execute(sa.select(approval_issues).order_by(sa.desc(approval_issues.c.id)))
            .mappings()
            .first()
        )
        return _sheet(conn, row)


def record_issue(
    store: Store,
    *,
    year: int,
    issued_on: dt.date,
    make_number: Any,
    make_code: Any,
    rows: Sequence[tuple[str, str, Mapping[str, Any] | str]],
    run_id: int | None,
) -> IssuedSheet:
    """Record a new sheet: the next number of `year`, its code and its (id, fingerprint, values).

    The values are a mapping, or already its JSON text (the text the fingerprint was
    taken of: stored as it is, not written a second time).

    `make_number(urut)` gives the number's text and `make_code(number)` the integrity
    code; both are the caller's, so that the secret never reaches the store.
    """
    with store.begin() as conn:
        store.lock_writers(conn)
        urut = (
            int(
                conn.scalar(
                    sa.select(sa.func.max(approval_issues.c.urut)).where(
                        approval_issues.c.year == year
                    )
                )
                or 0
            )
            + 1
        )
        number = make_number(urut)
        code = make_code(number)
        result = conn.execute(
            sa.insert(approval_issues).values(
                number=number,
                year=year,
                urut=urut,
                issued_on=issued_on,
                code=code,
                rows=len(rows),
                run_id=run_id,
                recorded_at=store.now(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        issue_id = int(key[0])
        # One executemany of the compiled insert (insert_tuples), not SQLAlchemy's work per
        # row, nor a dict per row.
        insert_tuples(
            conn,
            approval_issue_rows,
            ("issue_id", "item_id", "position", "fingerprint", "snapshot"),
            [
                (
                    issue_id,
                    item_id,
                    n,
                    fp,
                    snapshot if isinstance(snapshot, str) else dumps(dict(snapshot)),
                )
                for n, (item_id, fp, snapshot) in enumerate(rows)
            ],
        )
        store.log(
            "approval_sheet_issued",
            run_id=run_id,
            detail={"number": number, "rows": len(rows), "issued_on": issued_on},
        )
        if all(type(s) is str for _, _, s in rows):  # (issue()'s: JSON texts, immutable)
            return IssuedSheet(number, issued_on, code, _IssuedRows(list(rows)))  # type: ignore[arg-type]
        return IssuedSheet(
            number,
            issued_on,
            code,
            tuple(
                IssuedRow(i, n, fp, _JsonObject(s) if isinstance(s, str) else dict(s))
                for n, (i, fp, s) in enumerate(rows)
            ),
        )


def last_issued_rows(
    store: Store, item_ids: Sequence[str], *, before: str | None = None
) -> dict[str, tuple[str, IssuedRow]]:
    """Item ID → (sheet number, row) of the latest sheet that listed it (before sheet `before`)."""
    found: dict[str, tuple[str, IssuedRow]] = {}
    query = (
        sa.select(approval_issue_rows, approval_issues.c.number)
        .join(approval_issues, approval_issues.c.id == approval_issue_rows.c.issue_id)
        .order_by(approval_issues.c.id)
    )
    earlier = sa.select(approval_issues.c.id).limit(1)
    with store.begin() as conn:
        if before is not None:
            limit = conn.scalar(
                sa.select(approval_issues.c.id).where(approval_issues.c.number == before)
            )
            if limit is not None:
                query = query.where(approval_issues.c.id < limit)
                earlier = earlier.where(approval_issues.c.id < limit)
        if conn.scalar(earlier) is None:
            return found  # no sheet before it (a first night): no ID to look up
        unique = sorted(set(item_ids))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            for r in conn.execute(query.where(approval_issue_rows.c.item_id.in_(chunk))).mappings():
                found[r["item_id"]] = (
                    r["number"],
                    IssuedRow(
                        r["item_id"], r["position"], r["fingerprint"], json.loads(r["snapshot"])
                    ),
                )
    return found
