"""Read-only queries the records and documents need beyond the Store's own (no writes here).

Each returns plain rows (dicts or tuples), so the stages above never build SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from .core import IN_CHUNK, Store
from .schema import approval_sheets, decisions, events, items, runs, submissions


def event_details(store: Store, actions: Sequence[str]) -> list[tuple[int | None, dict[str, Any]]]:
    """(run, decoded detail) of every audit event with one of these actions, in order."""
    query = (
        sa.select(events.c.run_id, events.c.detail)
        .where(events.c.action.in_(tuple(actions)))
        .order_by(events.c.id)
    )
    with store.begin() as conn:
        rows = conn.execute(query).all()
    return [(row.run_id, json.loads(row.detail or "{}")) for row in rows]


def items_created_per_run(store: Store) -> dict[int, int]:
    """Run → how many register items it created."""
    query = (
        sa.select(items.c.created_run, sa.func.count())
        .where(items.c.created_run.is_not(None))
        .group_by(items.c.created_run)
    )
    with store.begin() as conn:
        return {int(run): int(n) for run, n in conn.execute(query)}


def submission_rows(store: Store) -> list[dict[str, Any]]:
    """Every form received, in the order received."""
    with store.begin() as conn:
        query = sa.select(submissions).order_by(submissions.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def approval_sheet_rows(store: Store) -> list[dict[str, Any]]:
    """Every approval sheet received, in the order received."""
    with store.begin() as conn:
        query = sa.select(approval_sheets).order_by(approval_sheets.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def decision_rows(store: Store) -> Iterator[Any]:
    """Every decision in the order recorded, streamed as tuples of `sheet_sha256`,
    `item_id`, `decision` and `changes` (the Atasan's edits as JSON, or None).

    Only the columns the Disposisi reads, row by row, from the decisions table alone:
    listing every decision as a dict of all its columns took some 100 MB at 100,000
    decisions, and joining each to its item (for a day the Disposisi never read) took
    most of the time.
    """
    query = sa.select(
        decisions.c.sheet_sha256, decisions.c.item_id, decisions.c.decision, decisions.c.changes
    ).order_by(decisions.c.id)
    with store.begin() as conn:
        yield from conn.execute(query)


def decision_tally(store: Store) -> list[Any]:
    """The decisions counted by sheet, decision, decision day and the day their items were
    received: rows of `sheet_sha256`, `decision`, `decided_on`, `received_on` (None for an
    ID the register does not hold) and `count`, in the order each group was first recorded.

    What the annual records need of 100,000 decisions, in a few rows per sheet.
    """
    first = sa.func.min(decisions.c.id)
    query = (
        sa.select(
            decisions.c.sheet_sha256,
            decisions.c.decision,
            decisions.c.decided_on,
            items.c.received_on,
            sa.func.count().label("count"),
        )
        .select_from(decisions.outerjoin(items, items.c.id == decisions.c.item_id))
        .group_by(
            decisions.c.sheet_sha256,
            decisions.c.decision,
            decisions.c.decided_on,
            items.c.received_on,
        )
        .order_by(first)
    )
    with store.begin() as conn:
        return list(conn.execute(query))


def run_started(store: Store) -> dict[int, Any]:
    """Run → when it started (as stored)."""
    with store.begin() as conn:
        return {row.id: row.started for row in conn.execute(sa.select(runs.c.id, runs.c.started))}


def approvals(
    store: Store, *, run_id: int | None = None, register_year: int | None = None
) -> list[tuple[str, int | None, dt.date, Any, str | None, str | None, str | None]]:
    """(item ID, run, decided on, sheet received, and the item's unit, ringkasan and jenis
    now) of every YA decision, in the order applied; the item's columns are None for an ID
    the register does not hold.

    `run_id` keeps one run; `register_year` keeps the items of one year's register.
    """
    query = (
        sa.select(
            decisions.c.item_id,
            decisions.c.run_id,
            decisions.c.decided_on,
            approval_sheets.c.received,
            items.c.unit,
            items.c.ringkasan,
            items.c.jenis,
        )
        .select_from(
            decisions.outerjoin(
                approval_sheets, approval_sheets.c.sha256 == decisions.c.sheet_sha256
            ).outerjoin(items, items.c.id == decisions.c.item_id)
        )
        .where(decisions.c.decision == "YA")
        .order_by(decisions.c.id)
    )
    if run_id is not None:
        query = query.where(decisions.c.run_id == run_id)
    if register_year is not None:
        query = query.where(decisions.c.item_id.like(f"DIP-{register_year}-%"))
    with store.begin() as conn:
        return [tuple(row) for row in conn.execute(query).all()]  # type: ignore[misc]


def item_labels(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """Item ID → (unit, ringkasan, jenis), what a line of the register's history shows."""
    unique = sorted(set(ids))
    found: dict[str, tuple[str, str, str]] = {}
    query = sa.select(items.c.id, items.c.unit, items.c.ringkasan, items.c.jenis)
    with store.begin() as conn:
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            for item_id, unit, ringkasan, jenis in conn.execute(query.where(items.c.id.in_(chunk))):
                found[item_id] = (unit, ringkasan, jenis)
    return found
