"""The SOP records' read-only view of the register store: one year's AnnualFacts.

Reads the register through store.queries (runs, submissions, approval sheets,
decisions, Nota Dinas, audit events) and never writes. Kept apart from annual.py so the facts
and everything drawn from them can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..dates import db_date, db_day
from ..models import ChangeFact, RegisterItem
from ..register.changelog import changes_from_store
from ..register.similar import count_pairs
from ..store.core import Store
from ..store.nota_dinas import nota_dinas_sizes
from ..store.queries import (
    approval_sheet_rows,
    decision_tally,
    event_details,
    items_created_per_run,
    run_started,
    submission_rows,
)
from .facts import AnnualFacts, DecisionFact, FormFact, NotaDinasFact, RunFact, build_facts

# (the year's items, the similarity threshold) → how many near-duplicate pairs
PairCounter = Callable[[Sequence[RegisterItem], int], int]


def _rejections(store: Store) -> dict[tuple[int | None, str], tuple[int, tuple[str, ...]]]:
    """(run, file) → (number of errors, error types) of each rejected form or sheet.

    From the audit log (approval sheets rejected before types were logged: count only).
    """
    rejected = event_details(store, ("submission_rejected", "approval_sheet_rejected"))
    return {
        (run_id, detail.get("file", "")): (
            int(detail.get("errors", 0)),
            tuple(detail.get("types", ())),
        )
        for run_id, detail in rejected
    }


def _duplicates(store: Store) -> Counter[tuple[int | None, str]]:
    found = event_details(store, ("item_duplicate",))
    return Counter((run_id, detail.get("file", "")) for run_id, detail in found)


@dataclass
class _SheetDecisions:
    """What the annual records need of one sheet's decisions: counts and waiting days."""

    count: int = 0
    approved: int = 0
    refused: int = 0
    days: list[int] = field(default_factory=list)  # received → decided, per decided item


def _sheet_decisions(store: Store) -> dict[str, _SheetDecisions]:
    """Sheet sha256 ('' for none) → its decisions' counts and days (as many as decided
    items, grouped by day), counted in the database: a few rows per sheet, not one per
    decision."""
    by_sheet: dict[str, _SheetDecisions] = {}
    for row in decision_tally(store):
        sheet = by_sheet.get(row.sheet_sha256 or "")
        if sheet is None:
            sheet = by_sheet[row.sheet_sha256 or ""] = _SheetDecisions()
        sheet.count += row.count
        if row.decision == "YA":
            sheet.approved += row.count
        elif row.decision == "TIDAK":
            sheet.refused += row.count
        if row.received_on is not None:  # None: an ID the register does not hold
            days = (db_day(row.decided_on) - db_day(row.received_on)).days
            sheet.days.extend([days] * row.count)
    return by_sheet


def load_runs(store: Store, year: int) -> tuple[list[RunFact], list[NotaDinasFact]]:
    """Every run that took in a form or sheet, or issued a Nota Dinas, in `year`."""
    rejections = _rejections(store)
    dupes = _duplicates(store)
    new_items = items_created_per_run(store)
    forms: dict[int | None, list[FormFact]] = defaultdict(list)
    for s in submission_rows(store):
        errors, types = rejections.get((s["run_id"], s["file_name"]), (0, ()))
        forms[s["run_id"]].append(
            FormFact(
                file=s["file_name"],
                kind="form_dip",
                received_on=db_day(s["received"]),
                accepted=s["verdict"] != "rejected",
                unit=s["unit"],
                items=s["rows"],
                errors=errors,
                error_types=types,
                duplicates=dupes[(s["run_id"], s["file_name"])],
            )
        )
    by_sheet = _sheet_decisions(store)
    decided: dict[int | None, list[DecisionFact]] = defaultdict(list)
    for a in approval_sheet_rows(store):
        ds = by_sheet.get(a["sha256"])
        errors, types = rejections.get((a["run_id"], a["file_name"]), (0, ()))
        forms[a["run_id"]].append(
            FormFact(
                file=a["file_name"],
                kind="persetujuan",
                received_on=db_day(a["received"]),
                accepted=a["verdict"] != "rejected",
                items=ds.count if ds else 0,
                errors=errors if a["verdict"] == "rejected" else 0,
                error_types=types,
            )
        )
        if ds:
            decided[a["run_id"]].append(
                DecisionFact(
                    file=a["file_name"],
                    atasan=a["atasan"],
                    decided_on=db_date(a["tanggal_persetujuan"]) or db_day(a["received"]),
                    approved=ds.approved,
                    refused=ds.refused,
                    days_since_received=tuple(ds.days),
                )
            )
    started: dict[int | None, dt.date | None] = {
        run: db_date(on) for run, on in run_started(store).items()
    }
    notas = [
        NotaDinasFact(
            number=n["number"],
            issued_on=db_day(n["date"]),
            unit=n["unit"],
            items=int(n["items"]),
            run_id=n["run_id"],
        )
        for n in nota_dinas_sizes(store)
    ]
    notas_of: dict[int | None, list[NotaDinasFact]] = defaultdict(list)
    for n in notas:
        notas_of[n.run_id].append(n)
    out = []
    for run_id in sorted(set(forms) | set(decided) | set(notas_of), key=lambda r: (r is None, r)):
        # The run's day is the day it took its inputs in (the office's date), which the
        # UTC start time would put on the previous evening.
        days = [f.received_on for f in forms[run_id]] + [n.issued_on for n in notas_of[run_id]]
        run_on = min(days) if days else started.get(run_id)
        if run_on is None or run_on.year != year:
            continue
        out.append(
            RunFact(
                run_id=run_id or 0,
                run_on=run_on,
                forms=tuple(forms[run_id]),
                decisions=tuple(decided[run_id]),
                nota_dinas=tuple(notas_of[run_id]),
                registered=new_items.get(run_id, 0) if run_id is not None else 0,
            )
        )
    return out, notas


@dataclass(frozen=True)
class YearRecords:
    """What a year's facts take from the database (load_records), read at one moment:
    the facts are made from it without the database (facts_of), so that the night can
    draw them beside its other work (batch/beside.py)."""

    year: int
    items: Sequence[RegisterItem]
    runs: Sequence[RunFact]
    nota_dinas: Sequence[NotaDinasFact]
    changes: Sequence[ChangeFact]


def load_records(
    store: Store,
    year: int,
    *,
    items: Sequence[RegisterItem] | None = None,
    changes: Sequence[ChangeFact] | None = None,
) -> YearRecords:
    """`year`'s part of the register (read only). `items` is the register when the caller
    already holds it (the night does: not read a second time), `changes` the year's
    register changes when it already read them (the night's DIP lists did)."""
    register = store.items() if items is None else items
    year_items = [i for i in register if i.received_on and i.received_on.year == year]
    run_facts, notas = load_runs(store, year)
    return YearRecords(
        year,
        year_items,
        run_facts,
        notas,
        changes_from_store(store, year=year) if changes is None else changes,
    )


def facts_of(
    records: YearRecords,
    *,
    today: dt.date,
    similarity_threshold: int,
    near_duplicates: PairCounter = count_pairs,
) -> AnnualFacts:
    """The year's facts from its records; `near_duplicates` counts the year's
    near-duplicate pairs (the night passes one that reuses last night's count when the
    year's texts are unchanged)."""
    return build_facts(
        records.year,
        items=records.items,
        runs=records.runs,
        nota_dinas=records.nota_dinas,
        changes=records.changes,
        near_duplicates=near_duplicates(records.items, similarity_threshold),
        today=today,
    )


def load_facts(
    store: Store,
    year: int,
    *,
    today: dt.date,
    similarity_threshold: int,
    items: Sequence[RegisterItem] | None = None,
    near_duplicates: PairCounter = count_pairs,
    changes: Sequence[ChangeFact] | None = None,
) -> AnnualFacts:
    """One year's facts from the register (read only): load_records, then facts_of."""
    records = load_records(store, year, items=items, changes=changes)
    return facts_of(
        records, today=today, similarity_threshold=similarity_threshold,
        near_duplicates=near_duplicates,
    )  # fmt: skip
