"""NIP (Nomor Induk Pegawai) checks for officers and liaison staff."""

from __future__ import annotations

import datetime as dt
import re


def parse_nip(text: object) -> str | None:
    """Return the 18 NIP digits if `text` is a valid NIP, else None.

    Digits 1–8 are a real birth date, 9–14 the year and month of appointment
    (after the birth date), digit 15 the sex code (1 or 2).
    """
    s = re.sub(r"[\s\u00a0]", "", str(text))
    if not re.fullmatch(r"\d{18}", s):
        return None
    try:
        born = dt.date(int(s[0:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        return None
    year, month = int(s[8:12]), int(s[12:14])
    if not 1 <= month <= 12 or (year, month) <= (born.year, born.month):
        return None
    if s[14] not in "12":
        return None
    return s


def format_nip(nip: str) -> str:
    """Write 18 NIP digits the way letters print them: `19860926 201505 1 001`."""
    s = re.sub(r"\s", "", nip)
    return f"{s[0:8]} {s[8:14]} {s[14]} {s[15:18]}" if len(s) == 18 else nip
