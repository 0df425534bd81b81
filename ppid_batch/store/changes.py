"""The `change_requests` table: Tindakan Ubah / Hapus filed by units, decided by the Atasan PPID.

Rows come back as plain dicts; register/changes.py turns them into ChangeRequest records.
Writers join the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from .core import IN_CHUNK, Store, new_id
from .schema import ITEM_FIELDS, approval_sheets, change_requests, items
from .text import dumps


def pending_change_rows(
    store: Store, item_ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Pending requests in filing order, all or for `item_ids`, each with the item's current
    values as `cur_<field>`."""
    query = (
        sa.select(change_requests, *(items.c[k].label(f"cur_{k}") for k in ITEM_FIELDS))
        .join(items, items.c.id == change_requests.c.item_id)
        .where(change_requests.c.status == "pending")
        .order_by(change_requests.c.id)
    )
    rows: list[dict[str, Any]] = []
    with store.begin() as conn:
        if item_ids is None:
            return [dict(r) for r in conn.execute(query).mappings()]
        unique = sorted(set(item_ids))
        if len(unique) > IN_CHUNK:
            # An approval sheet's thousands of IDs: every pending request (few, and never
            # more than one per item) sifted here, not one IN query per 500 IDs.
            wanted = set(unique)
            return [dict(r) for r in conn.execute(query).mappings() if r["item_id"] in wanted]
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            rows += [
                dict(r)
                for r in conn.execute(query.where(change_requests.c.item_id.in_(chunk))).mappings()
            ]
    return rows


def file_change_request(
    store: Store,
    *,
    item_id: str,
    tindakan: str,
    unit: str,
    new_values: Mapping[str, Any] | None,
    alasan: str | None,
    submission_id: int | None,
    source_file: str,
    source_row: int,
    run_id: int | None,
    now: str,
) -> int:
    """A new pending request (`tindakan` as stored: `ubah` / `hapus`); its id."""
    with store.begin() as conn:
        return new_id(
            conn.execute(
                sa.insert(change_requests).values(
                    item_id=item_id,
                    tindakan=tindakan,
                    new_values=dumps(dict(new_values)) if new_values else None,
                    alasan=alasan,
                    unit=unit,
                    status="pending",
                    submission_id=submission_id,
                    source_file=source_file,
                    source_row=source_row,
                    created_run=run_id,
                    created_at=now,
                )
            )
        )


def record_change_decision(
    store: Store,
    change_id: int,
    *,
    decision: str,
    decided_on: dt.date,
    atasan: str,
    arahan: str | None,
    sheet_sha256: str,
    run_id: int | None,
) -> None:
    """The Atasan PPID's YA / TIDAK on request `change_id`: approved or refused."""
    with store.begin() as conn:
        conn.execute(
            sa.update(change_requests)
            .where(change_requests.c.id == change_id)
            .values(
                status="approved" if decision == "YA" else "refused",
                decision=decision,
                decided_on=decided_on,
                atasan=atasan,
                arahan=arahan,
                sheet_sha256=sheet_sha256,
                decided_run=run_id,
            )
        )


def approved_change_rows(store: Store, *, run_id: int | None = None) -> list[dict[str, Any]]:
    """Approved requests in the order decided, all or those decided in night `run_id`; each
    with `sheet_received`, the day the night took its approval sheet in."""
    sheet = approval_sheets.c.sha256 == change_requests.c.sheet_sha256
    query = (
        sa.select(change_requests, approval_sheets.c.received.label("sheet_received"))
        .select_from(change_requests.outerjoin(approval_sheets, sheet))
        .where(change_requests.c.status == "approved")
        .order_by(change_requests.c.id)
    )
    if run_id is not None:
        query = query.where(change_requests.c.decided_run == run_id)
    with store.begin() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def decided_change_rows(store: Store) -> list[dict[str, Any]]:
    """Every decided request (YA or TIDAK), in filing order."""
    query = (
        sa.select(change_requests)
        .where(change_requests.c.decision.is_not(None))
        .order_by(change_requests.c.id)
    )
    with store.begin() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def latest_refused_change_rows(store: Store) -> list[dict[str, Any]]:
    """Each item's latest request where the Atasan PPID refused it, by item ID, with the
    item's `cur_ringkasan`, `cur_waktu` and `cur_jenis`."""
    latest = (
        sa.select(sa.func.max(change_requests.c.id))
        .group_by(change_requests.c.item_id)
        .scalar_subquery()
    )
    query = (
        sa.select(change_requests, items.c.ringkasan.label("cur_ringkasan"),
                  items.c.waktu_pembuatan.label("cur_waktu"), items.c.jenis.label("cur_jenis"))
        .join(items, items.c.id == change_requests.c.item_id)
        .where(change_requests.c.id.in_(latest), change_requests.c.status == "refused")
        .order_by(change_requests.c.item_id)
    )  # fmt: skip
    with store.begin() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
