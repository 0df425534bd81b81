"""The register's memory of every Keputusan PPID tentang Penetapan Daftar Informasi Publik.

Each Keputusan stores only what it changed (`keputusan_items`: tambah / ubah with the
item's published values, hapus); the DIP a Keputusan set is the replay of every
Keputusan up to it. So a night costs what changed, not the size of the DIP, and any
earlier DIP can be printed again exactly as it was set.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from .core import Store, new_id
from .schema import keputusan, keputusan_items
from .text import dumps

TAMBAH, UBAH, HAPUS = "tambah", "ubah", "hapus"


def keputusan_list(store: Store) -> list[dict[str, Any]]:
    """Every Keputusan recorded, oldest first (number, date, year, urut, items_count)."""
    with store.begin() as conn:
        rows = conn.execute(sa.select(keputusan).order_by(keputusan.c.id)).mappings().all()
    return [dict(row) for row in rows]


def last_keputusan_id(store: Store) -> int:
    """The id of the last Keputusan recorded (0 before the first); ids only grow, and a
    Keputusan's entries are never changed once recorded."""
    with store.begin() as conn:
        return int(conn.scalar(sa.select(sa.func.max(keputusan.c.id))) or 0)


def iter_keputusan_entries(store: Store, keputusan_id: int) -> Iterator[dict[str, Any]]:
    """What one Keputusan added, changed and withdrew, in ID order of the items, one row at
    a time: the first Keputusan of a national register adds 100,000 items, whose decoded
    values held at once took some 200 MB."""
    query = (
        sa.select(keputusan_items)
        .where(keputusan_items.c.keputusan_id == keputusan_id)
        .order_by(keputusan_items.c.item_id)
    )
    with store.begin() as conn:
        for row in conn.execute(query).mappings():
            values = row["item_values"]
            yield {**row, "item_values": json.loads(values) if values else None}


def standing_list(store: Store, upto: int | None = None) -> dict[str, dict[str, Any]]:
    """Item ID → published values of the DIP as set by Keputusan `upto` (default: the last)."""
    query = sa.select(
        keputusan_items.c.item_id, keputusan_items.c.change, keputusan_items.c.item_values
    ).order_by(keputusan_items.c.keputusan_id)
    if upto is not None:
        query = query.where(keputusan_items.c.keputusan_id <= upto)
    state: dict[str, dict[str, Any]] = {}
    with store.begin() as conn:
        for item_id, change, values in conn.execute(query):
            if change == HAPUS:
                state.pop(item_id, None)
            else:
                state[item_id] = json.loads(values)
    return state


def record_keputusan(
    store: Store,
    *,
    date: dt.date,
    run_id: int | None,
    number: Callable[[int], str],
    entries: Sequence[tuple[str, str, Mapping[str, Any] | None]],
    items_count: int,
) -> dict[str, Any]:
    """Number and record one Keputusan: `entries` are (item ID, change, published values).

    The per-year sequence is never reused; `number(urut)` formats the number.
    """
    with store.begin() as conn:
        store.lock_writers(conn)
        urut = (
            conn.scalar(
                sa.select(sa.func.max(keputusan.c.urut)).where(keputusan.c.year == date.year)
            )
            or 0
        ) + 1
        row = {
            "number": number(urut),
            "year": date.year,
            "urut": urut,
            "date": date,
            "items_count": items_count,
            "run_id": run_id,
            "recorded_at": store.now(),
        }
        kid = new_id(conn.execute(sa.insert(keputusan).values(**row)))
        conn.execute(
            sa.insert(keputusan_items),
            [
                {
                    "keputusan_id": kid,
                    "item_id": item_id,
                    "change": change,
                    "item_values": dumps(dict(values)) if values is not None else None,
                }
                for item_id, change, values in entries
            ],
        )
        store.log(
            "keputusan_issued",
            run_id=run_id,
            detail={"number": row["number"], "date": date, "changes": len(entries)},
        )
    return {**row, "id": kid}
