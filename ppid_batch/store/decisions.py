"""SOP step 2 in the register: the Atasan PPID's approval sheets and YA/TIDAK decisions.

approve/apply.py plans what a sheet changes; these functions write it, inside the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .core import Store
from .ids import match_key as item_match_key
from .registration import keep_history, update_item
from .schema import ITEM_FIELDS, STATUS_OF_DECISION, approval_sheets, decisions, items
from .text import dumps


@dataclass(frozen=True)
class ItemDecision:
    """One pending item decided on an approval sheet, as it is written.

    `current` is the item's stored row before the decision; `edits` holds the
    Atasan PPID's changes to its fields (YA only) as field → [old, new].
    """

    item_id: str
    decision: str  # YA or TIDAK
    arahan: str | None
    atasan: str
    current: Mapping[str, Any]
    edits: Mapping[str, list[Any]] = field(default_factory=dict)


def refused_sheet_id(store: Store, sha256: str) -> int | None:
    """The row of an approval sheet with these bytes that was refused as a whole, if any."""
    query = sa.select(approval_sheets.c.id).where(
        approval_sheets.c.sha256 == sha256, approval_sheets.c.verdict == "rejected"
    )
    with store.begin() as conn:
        return conn.scalar(query)


def record_approval_sheet(
    store: Store, sha256: str, values: Mapping[str, Any], *, replacing: int | None
) -> None:
    """A received approval sheet into `approval_sheets` (columns as `values`); a sheet refused
    before (row `replacing`) is recorded again in its place."""
    with store.begin() as conn:
        if replacing:
            conn.execute(
                sa.update(approval_sheets).where(approval_sheets.c.id == replacing).values(**values)
            )
        else:
            conn.execute(sa.insert(approval_sheets).values(sha256=sha256, **values))


def set_sheet_counts(store: Store, sha256: str, counts: Mapping[str, int]) -> None:
    """What the approval sheet with these bytes decided, by kind (for the records)."""
    with store.begin() as conn:
        conn.execute(
            sa.update(approval_sheets)
            .where(approval_sheets.c.sha256 == sha256)
            .values(counts=dumps(dict(counts)))
        )


def write_decisions(
    store: Store,
    decided: Sequence[ItemDecision],
    *,
    decided_on: dt.date,
    sheet_sha256: str,
    run_id: int | None,
    now: str,
) -> None:
    """The Atasan PPID's edits (the old values into the item's history), then each item's
    status, and one `decisions` row per item."""
    for d in decided:
        if d.edits:
            keep_history(store, d.current, now=now, run_id=run_id, submission_id=None)
            new = {k: v for k, (_, v) in d.edits.items()}
            merged = {**{k: d.current[k] for k in ITEM_FIELDS}, **new}
            key = item_match_key(d.current["unit"], merged["ringkasan"], merged["waktu_pembuatan"])
            update_item(store, d.item_id, {**new, "match_key": key})
    if not decided:
        return
    with store.begin() as conn:
        conn.execute(
            sa.update(items)
            .where(items.c.id == sa.bindparam("b_id"))
            .values(decided_on=decided_on, updated_run=run_id, updated_at=now),
            [
                {
                    "b_id": d.item_id,
                    "status": STATUS_OF_DECISION[d.decision],
                    "decision": d.decision,
                    "arahan": d.arahan,
                    "atasan": d.atasan,
                }
                for d in decided
            ],
        )
        conn.execute(
            sa.insert(decisions),
            [
                {
                    "item_id": d.item_id,
                    "decision": d.decision,
                    "arahan": d.arahan,
                    "atasan": d.atasan,
                    "decided_on": decided_on,
                    "sheet_sha256": sheet_sha256,
                    "run_id": run_id,
                    "recorded_at": now,
                    "changes": dumps(dict(d.edits)) if d.edits else None,
                }
                for d in decided
            ],
        )
