"""Nights that never finished (SOP records): what they decided, which Nota Dinas they numbered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .core import RUNNING, Store
from .schema import change_requests, decisions, items, nota_dinas, runs


@dataclass(frozen=True)
class UnfinishedRun:
    """A run still `running` in the register: killed, or stopped by an error, mid-night."""

    id: int
    started: str
    approved: int  # the Atasan PPID's YA decisions it applied
    refused: int  # TIDAK decisions
    changes_decided: int  # Tindakan Ubah/Hapus decided
    refused_units: frozenset[str]


def unfinished_runs(store: Store, own_run: int) -> list[UnfinishedRun]:
    """Every run other than `own_run` still marked running, oldest first, with its decisions."""
    with store.begin() as conn:
        found = conn.execute(
            sa.select(runs.c.id, runs.c.started)
            .where(runs.c.status == RUNNING, runs.c.id != own_run)
            .order_by(runs.c.id)
        ).all()
        ids = [int(r.id) for r in found]
        if not ids:
            return []
        counts: dict[tuple[int, str], int] = {
            (int(run), str(decision)): int(n)
            for run, decision, n in conn.execute(
                sa.select(decisions.c.run_id, decisions.c.decision, sa.func.count())
                .where(decisions.c.run_id.in_(ids))
                .group_by(decisions.c.run_id, decisions.c.decision)
            )
        }
        units: dict[int, set[str]] = {}
        for run, unit in conn.execute(
            sa.select(decisions.c.run_id, items.c.unit)
            .join(items, items.c.id == decisions.c.item_id)
            .where(decisions.c.run_id.in_(ids), decisions.c.decision == "TIDAK")
            .distinct()
        ):
            units.setdefault(int(run), set()).add(str(unit))
        changes = {
            int(run): int(n)
            for run, n in conn.execute(
                sa.select(change_requests.c.decided_run, sa.func.count())
                .where(change_requests.c.decided_run.in_(ids))
                .group_by(change_requests.c.decided_run)
            )
        }
    return [
        UnfinishedRun(
            id=run_id,
            started=str(started),
            approved=counts.get((run_id, "YA"), 0),
            refused=counts.get((run_id, "TIDAK"), 0),
            changes_decided=changes.get(run_id, 0),
            refused_units=frozenset(units.get(run_id, ())),
        )
        for run_id, started in ((int(r.id), r.started) for r in found)
    ]


def nota_dinas_of_runs(store: Store, run_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The Nota Dinas these runs numbered (number, year, urut, unit, date), in number order."""
    if not run_ids:
        return []
    query = (
        sa.select(
            nota_dinas.c.number,
            nota_dinas.c.year,
            nota_dinas.c.urut,
            nota_dinas.c.unit,
            nota_dinas.c.date,
        )
        .where(nota_dinas.c.run_id.in_(list(run_ids)))
        .order_by(nota_dinas.c.year, nota_dinas.c.urut)
    )
    with store.begin() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
