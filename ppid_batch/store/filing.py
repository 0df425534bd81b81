"""When each item was filed (SOP step 2 checks): the Tanggal Pengisian of the form it came on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from .core import IN_CHUNK, Store
from .schema import items, submissions


def filing_dates(store: Store, item_ids: Sequence[str]) -> dict[str, dt.date]:
    """Item ID → the Tanggal Pengisian of its form (items without one are left out)."""
    unique = sorted(set(item_ids))
    found: dict[str, dt.date] = {}
    with store.begin() as conn:
        for start in range(0, len(unique), IN_CHUNK):
            query = (
                sa.select(items.c.id, submissions.c.tanggal_pengisian)
                .join(submissions, submissions.c.id == items.c.submission_id)
                .where(
                    items.c.id.in_(unique[start : start + IN_CHUNK]),
                    submissions.c.tanggal_pengisian.is_not(None),
                )
            )
            for item_id, day in conn.execute(query):
                found[str(item_id)] = day
    return found


def filed_after(store: Store, day: dt.date) -> dict[str, dt.date]:
    """Item ID → the Tanggal Pengisian of its form, for the items filed after `day`: one
    query whatever the register's size, and few rows (an approval is rarely backdated)."""
    query = (
        sa.select(items.c.id, submissions.c.tanggal_pengisian)
        .join(submissions, submissions.c.id == items.c.submission_id)
        .where(submissions.c.tanggal_pengisian > day)
    )
    with store.begin() as conn:
        return {str(item_id): filed for item_id, filed in conn.execute(query)}
