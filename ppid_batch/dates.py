"""Indonesian dates with their precision (day, month or year); never invent a day. And
Indonesian counts (`12.345`), which staff read beside them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agt": 8, "agu": 8, "agus": 8, "ags": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12,
}  # fmt: skip
MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def text_id(self) -> str:
        """Indonesian words: `15 April 2025`, `April 2025`, `2025`."""
        if self.month and self.day:
            return format_date_id(dt.date(self.year, self.month, self.day))
        if self.month:
            return f"{MONTH_NAMES[self.month - 1]} {self.year}"
        return str(self.year)

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)  # type: ignore[arg-type]


_NUMERIC = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/-](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})$"), ("y",)),
)
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]+)\.?\s+(\d{4})$")


def parse_partial_date(value: object) -> PartialDate | None:
    """Parse an Excel date, `dd/mm/yyyy`, `dd-mm-yyyy`, `yyyy-mm-dd` or Indonesian words.

    Returns None when the value is not a date of any accepted shape.
    """
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if float(value).is_integer() and 1900 <= value <= 2200:
            return PartialDate(int(value))
        return None
    text = " ".join(str(value).replace("\u00a0", " ").split()).casefold()
    text = text.strip(" ,.")
    if not text:
        return None
    for pattern, order in _NUMERIC:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            return _checked(parts.get("y", 0), parts.get("m"), parts.get("d"))
    m = _WORDS.match(text)
    if m:
        day, month_word, year = m.groups()
        month = MONTHS.get(month_word)
        if month is None:
            return None
        return _checked(int(year), month, int(day) if day else None)
    return None


def _checked(year: int, month: int | None, day: int | None) -> PartialDate | None:
    if not 1000 <= year <= 9999:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            return None
    return PartialDate(year, month, day)


def parse_full_date(value: object) -> dt.date | None:
    """A date known to the day, or None."""
    p = parse_partial_date(value)
    if p is None or p.day is None or p.month is None:
        return None
    return dt.date(p.year, p.month, p.day)


def db_date(value: object) -> dt.date | None:
    """A DATE column as read back (date, datetime or ISO text on some drivers), or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def db_day(value: object) -> dt.date:
    """A NOT NULL DATE column as read back."""
    day = db_date(value)
    if day is None:
        raise ValueError("a NOT NULL date column held NULL")
    return day


def format_date_id(day: dt.date) -> str:
    """`26 November 2025`: babel's Indonesian `d MMMM y`, spelled out here.

    Loading babel's locale data costs a quiet night a third of its time for one date;
    tests/test_dates.py checks every day of several years against babel itself.
    """
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_count_id(n: int) -> str:
    """`12.345`: a count as Indonesian writes it (a dot between thousands)."""
    return f"{n:,}".replace(",", ".")
