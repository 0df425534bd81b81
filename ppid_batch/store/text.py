"""How the register writes values as text: UTC timestamps, JSON, text without NUL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def timestamp(moment: dt.datetime) -> str:
    """Timestamps are ISO 8601 text in UTC: readable in the sqlite3 shell, sortable, portable."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def db_text(value: Any) -> Any:
    """Text as every database stores it: without NUL characters (other values unchanged).

    PostgreSQL refuses NUL in text where SQLite keeps it; in a clerk's cell it is
    invisible junk (Excel's `_x0000_`), so it is dropped before anything is stored.
    """
    return value.replace("\x00", "") if isinstance(value, str) else value
