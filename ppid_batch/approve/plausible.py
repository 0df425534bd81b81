"""A plausible Tanggal Persetujuan (SOP step 2): not before the sheet, nor before its items.

The reader already refuses a date before 1999 or more than a month ahead (forms/validate.py,
`date_range`). Here the date is held against the register: the Atasan PPID cannot have
decided before the sheet was issued, nor before a unit filled in the form it lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..dates import format_date_id
from ..forms.schema import approval_schema
from ..models import Finding, SheetReport

DATE_BEFORE_SHEET = "date_before_sheet"
DATE_BEFORE_ITEM = "date_before_item"
REDO = (
    " Lembar ditolak seluruhnya: perbaiki Tanggal Persetujuan menjadi tanggal Atasan PPID "
    "memutuskan, lalu taruh lembar ini lagi di input/."
)


def _finding(report: SheetReport, slug: str, text: str) -> Finding:
    key = "tanggal_persetujuan"
    cell = report.meta_cells.get(key)
    row = int(re.sub(r"^[A-Z]+", "", cell)) if cell else None
    value = report.meta.get(key)
    return Finding(
        type=slug, message=text + REDO, field=key, column=approval_schema().field(key).label,
        sheet=report.sheet, cell=cell, row=row,
        value=value.isoformat() if isinstance(value, dt.date) else value,
    )  # fmt: skip


def approval_date_error(
    report: SheetReport,
    *,
    number: str,
    issued_on: dt.date,
    decision_of: Callable[[Any], str | None],
    filing_dates: Callable[[list[str]], Mapping[str, dt.date]],
) -> Finding | None:
    """The sheet-level error when the Tanggal Persetujuan cannot be true, else None."""
    tanggal = report.meta.get("tanggal_persetujuan")
    if not isinstance(tanggal, dt.date):
        return None  # missing or unreadable: the reader's rules report it
    if tanggal < issued_on:
        return _finding(
            report,
            DATE_BEFORE_SHEET,
            f"Tanggal Persetujuan {format_date_id(tanggal)} lebih awal dari tanggal lembar "
            f"{number} dibuat ({format_date_id(issued_on)}); keputusan tidak mungkin diambil "
            "sebelum lembarnya ada.",
        )
    decided = [
        "".join(str(row.get("id") or "").split()).upper()
        for row in report.items
        if decision_of(row.get("persetujuan")) in ("YA", "TIDAK")
    ]
    later = [(day, item) for item, day in filing_dates(decided).items() if day > tanggal]
    if not later:
        return None
    day, item = max(later)
    others = f" (dan {len(later) - 1} informasi lain)" if len(later) > 1 else ""
    return _finding(
        report,
        DATE_BEFORE_ITEM,
        f"Tanggal Persetujuan {format_date_id(tanggal)} lebih awal dari Tanggal Pengisian "
        f"formulir {item} ({format_date_id(day)}){others}; informasi tidak mungkin disetujui "
        "sebelum unitnya mengisi formulir.",
    )
