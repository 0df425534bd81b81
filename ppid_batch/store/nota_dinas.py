"""SOP step 3's Nota Dinas numbers: issuing one per unit's approved items, and listing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from .core import IN_CHUNK, Store, new_id
from .schema import decisions, items, nota_dinas, nota_dinas_items


def undocumented_approved(store: Store) -> list[tuple[str, str, str | None]]:
    """(id, unit, atasan) of the approved items no Nota Dinas documents yet, in ID order.

    The night asks this every time: only these rows are read, not the whole register
    (which at 100,000 items cost seconds and a copy of every item as an object).
    """
    query = (
        sa.select(items.c.id, items.c.unit, items.c.atasan)
        .select_from(items.outerjoin(nota_dinas_items, nota_dinas_items.c.item_id == items.c.id))
        .where(items.c.status == "approved", nota_dinas_items.c.item_id.is_(None))
        .order_by(items.c.year, items.c.seq)
    )
    with store.begin() as conn:
        return [(row.id, row.unit, row.atasan) for row in conn.execute(query)]


def first_decisions(store: Store, item_ids: Sequence[str]) -> dict[str, int]:
    """Item ID → the id of the first decision recorded on it (the order decisions were
    merged in), for these items only."""
    unique = sorted(set(item_ids))
    found: dict[str, int] = {}
    with store.begin() as conn:
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            query = (
                sa.select(decisions.c.item_id, sa.func.min(decisions.c.id))
                .where(decisions.c.item_id.in_(chunk))
                .group_by(decisions.c.item_id)
            )
            found.update({item_id: int(first) for item_id, first in conn.execute(query)})
    return found


def number_nota_dinas(
    store: Store,
    year: int,
    unit: str,
    item_ids: Sequence[str],
    date: dt.date,
    run_id: int | None,
    number_for: Callable[[int], str],
    first: int = 1,
) -> str:
    """Number a Nota Dinas documenting `item_ids` (approved items of `unit`).

    `number_for(urut)` spells the number from the year's next sequence value (the
    office's pattern lives in its configuration, not here); `first` is the lowest
    sequence value of the year (an office that starts mid-year continues its agenda).

    The per-year sequence `urut` is never reused. Calling again for items that one
    Nota Dinas already documents returns that number instead of issuing a new one.
    """
    wanted = sorted(set(item_ids))
    if not wanted:
        raise ValueError("a Nota Dinas needs at least one item")
    with store.begin() as conn:
        store.lock_writers(conn)
        documented = conn.execute(
            sa.select(nota_dinas_items.c.item_id, nota_dinas.c.number)
            .join(nota_dinas, nota_dinas.c.id == nota_dinas_items.c.nota_dinas_id)
            .where(nota_dinas_items.c.item_id.in_(wanted))
        ).all()
        numbers = {row.number for row in documented}
        if len(documented) == len(wanted) and len(numbers) == 1:
            return numbers.pop()
        if documented:
            raise ValueError(
                f"items already documented elsewhere: {sorted(r.item_id for r in documented)}"
            )
        found = conn.execute(
            sa.select(items.c.id, items.c.status, items.c.unit).where(items.c.id.in_(wanted))
        ).all()
        if len(found) != len(wanted) or any(
            r.status != "approved" or r.unit != unit for r in found
        ):
            raise ValueError(f"not all approved items of {unit!r}: {wanted}")
        last = conn.scalar(
            sa.select(sa.func.max(nota_dinas.c.urut)).where(nota_dinas.c.year == year)
        )
        # An office that adopts the tool mid-year continues its own agenda.
        urut = max((last or 0) + 1, first)
        number = number_for(urut)
        nd_id = new_id(
            conn.execute(
                sa.insert(nota_dinas).values(
                    number=number,
                    year=year,
                    urut=urut,
                    unit=unit,
                    date=date,
                    run_id=run_id,
                    recorded_at=store.now(),
                )
            )
        )
        conn.execute(
            sa.insert(nota_dinas_items),
            [{"nota_dinas_id": nd_id, "item_id": i} for i in wanted],
        )
        store.log(
            "nota_dinas_issued",
            run_id=run_id,
            detail={"number": number, "unit": unit, "items": wanted, "date": date},
        )
        # One event per item too, so an item's own trail runs from form to Nota Dinas.
        store.log_many(
            [
                {
                    "action": "item_documented",
                    "run_id": run_id,
                    "item_id": i,
                    "detail": {"number": number, "date": date},
                }
                for i in wanted
            ]
        )
    return number


def nota_dinas_list(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """Issued Nota Dinas in number order, each with the IDs it documents."""
    query = sa.select(nota_dinas).order_by(nota_dinas.c.year, nota_dinas.c.urut)
    if year is not None:
        query = query.where(nota_dinas.c.year == year)
    # The links in one query, not one per Nota Dinas: the night lists every one.
    links = sa.select(nota_dinas_items.c.nota_dinas_id, nota_dinas_items.c.item_id).order_by(
        nota_dinas_items.c.item_id
    )
    with store.begin() as conn:
        rows = conn.execute(query).mappings().all()
        item_ids: dict[int, list[str]] = {}
        for nd_id, item_id in conn.execute(links):
            item_ids.setdefault(nd_id, []).append(item_id)
    return [{**row, "item_ids": item_ids.get(row["id"], [])} for row in rows]


def nota_dinas_sizes(store: Store) -> list[dict[str, Any]]:
    """Issued Nota Dinas in number order, each with how many items it documents (`items`),
    counted in the database: the annual records need no list of their IDs."""
    sizes = (
        sa.select(nota_dinas_items.c.nota_dinas_id, sa.func.count().label("n"))
        .group_by(nota_dinas_items.c.nota_dinas_id)
        .subquery()
    )
    query = (
        sa.select(nota_dinas, sa.func.coalesce(sizes.c.n, 0).label("items"))
        .select_from(nota_dinas.outerjoin(sizes, sizes.c.nota_dinas_id == nota_dinas.c.id))
        .order_by(nota_dinas.c.year, nota_dinas.c.urut)
    )
    with store.begin() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
