"""Dates read back from the register: the same day whatever the driver returns."""

from __future__ import annotations

import datetime as dt

import pytest

from ppid_batch.dates import db_date, db_day, format_date_id


@pytest.mark.parametrize(
    "value",
    [dt.date(2026, 11, 24), dt.datetime(2026, 11, 24, 1, 0), "2026-11-24", "2026-11-24 00:00:00"],
)
def test_db_date_reads_every_driver_shape(value: object) -> None:
    assert db_date(value) == dt.date(2026, 11, 24)
    assert db_day(value) == dt.date(2026, 11, 24)


def test_a_null_date_is_none_and_refused_where_it_cannot_be() -> None:
    assert db_date(None) is None
    with pytest.raises(ValueError):
        db_day(None)


def test_dates_print_in_indonesian() -> None:
    assert format_date_id(dt.date(2025, 11, 26)) == "26 November 2025"
    assert format_date_id(dt.date(2025, 8, 17)) == "17 Agustus 2025"


def test_format_date_id_is_babels_indonesian_long_date_on_every_day() -> None:
    from babel.dates import format_date

    day = dt.date(1999, 1, 1)
    while day <= dt.date(2031, 12, 31):  # leap years, every month
        assert format_date_id(day) == format_date(day, format="d MMMM y", locale="id"), day
        day += dt.timedelta(days=1)


def test_counts_are_written_with_a_dot_between_thousands() -> None:
    from ppid_batch.dates import format_count_id

    assert [format_count_id(n) for n in (0, 999, 1000, 1734, 100000, 1234567)] == [
        "0", "999", "1.000", "1.734", "100.000", "1.234.567",
    ]  # fmt: skip
