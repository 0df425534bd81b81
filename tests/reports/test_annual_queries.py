"""The SOP records' view of the real register: four nights through the register functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from reports_util import library_year, year_2025

from ppid_batch.config import Config
from ppid_batch.reports.queries import load_facts
from ppid_batch.store.core import Store

TODAY = dt.date(2026, 1, 15)


@pytest.fixture
def year_store(config: Config) -> Iterator[Store]:
    with Store.open(config.database_url) as store:
        library_year(store, config)
        yield store


def test_facts_from_the_store_are_the_hand_made_year(year_store: Store) -> None:
    facts = load_facts(year_store, 2025, today=TODAY, similarity_threshold=90)
    expected = year_2025()
    # Only the ringkasan texts differ from the hand-made year; counts, runs and dates match.
    assert replace(facts, changes=()) == replace(expected, changes=())
    assert facts.runs == expected.runs
    assert [(c.run_id, c.changed_on, c.action, c.item_id) for c in facts.changes] == [
        (c.run_id, c.changed_on, c.action, c.item_id) for c in expected.changes
    ]


def test_reading_facts_writes_nothing(year_store: Store, config: Config) -> None:
    db = Path(config.database_url.removeprefix("sqlite:///"))
    events = len(year_store.events())
    load_facts(year_store, 2025, today=TODAY, similarity_threshold=90)
    assert len(year_store.events()) == events
    assert db.is_file()


def test_other_years_and_an_empty_register(year_store: Store, config: Config) -> None:
    assert not load_facts(year_store, 2024, today=TODAY, similarity_threshold=90).has_activity
    with Store.open(f"sqlite:///{config.var_dir / 'kosong.sqlite'}") as empty:
        facts = load_facts(empty, 2025, today=TODAY, similarity_threshold=90)
    assert (facts.items_total, facts.runs, facts.nota_dinas) == (0, (), ())


def test_the_running_year_stops_at_today(year_store: Store) -> None:
    facts = load_facts(year_store, 2025, today=dt.date(2025, 3, 5), similarity_threshold=90)
    assert (facts.items_total, facts.approved, facts.pending) == (5, 0, 5)
    assert [r.run_id for r in facts.runs] == [1]
    assert facts.nota_dinas == () and facts.changes == ()


def test_a_rejected_approval_sheet_is_listed_with_its_error_count(config: Config) -> None:
    from store_util import approval_report

    from ppid_batch.approve.apply import apply_approval
    from ppid_batch.models import Finding

    with Store.open(config.database_url) as store:
        library_year(store, config)
        run_id = store.start_run()
        bad = Finding("required", "Nama Atasan PPID wajib diisi", field="atasan")
        sheet = approval_report(
            [("DIP-2025-0003", "YA", None)],
            name="Lembar-tanpa-nama.xlsx",
            atasan=None,
            tanggal=dt.date(2025, 7, 1),
            errors=[bad],
        )
        apply_approval(store, sheet, run_id=run_id, received=dt.date(2025, 7, 1))
        store.finish_run(run_id, "ok", {})
        facts = load_facts(store, 2025, today=TODAY, similarity_threshold=90)
    [form_dip, persetujuan] = facts.rejected_forms
    assert (form_dip.file, form_dip.errors) == ("Form-DIP-Teknis.xlsx", 3)
    assert (persetujuan.file, persetujuan.kind, persetujuan.errors) == (
        "Lembar-tanpa-nama.xlsx",
        "persetujuan",
        1,
    )
    assert facts.pending == 1  # nothing was applied from the rejected sheet
