"""Plain data passed between the stages of the SOP pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
ITEM_STATUSES = ("pending", "approved", "refused", "withdrawn")

# The three statutory groups of UU 14/2008 (Pasal 9, 10, 11) in the order the
# Daftar Informasi Publik lists them; Dikecualikan never appears there.
JENIS_HEADINGS = {
    "Berkala": "Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala",
    "Serta Merta": "Informasi yang Wajib Diumumkan Secara Serta Merta",
    "Setiap Saat": "Informasi yang Wajib Tersedia Setiap Saat",
}
DIKECUALIKAN = "Dikecualikan"


@dataclass(frozen=True)
class Finding:
    """One problem found in an input: a cell, a row or the whole file.

    `type` is a stable slug (e.g. `required`, `choice`, `date`, `not_xlsx`) that
    tests and code rely on; `message` is the Indonesian text a clerk reads.
    """

    type: str
    message: str
    severity: Severity = "error"
    field: str | None = None
    column: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    value: Any = None

    def to_json(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "field": self.field,
            "column": self.column,
            "value": value,
            "type": self.type,
            "message": self.message,
        }


@dataclass(frozen=True)
class SheetReport:
    """What reading and validating one input workbook found.

    `kind` is `form_dip` or `persetujuan` (None when the file could not be
    recognised). `meta` holds the normalised metadata block (dates as
    `datetime.date`). `items` holds one read-only mapping per table row (validation
    gives `SheetRow`s over the sheet's columns; a plain dict works as well), normalised,
    with the schema keys plus provenance: `_sheet`, `_row` (Excel row number) and
    `_cells` (field key → Excel cell reference).
    """

    path: Path
    kind: str | None
    sha256: str
    sheet: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    items: tuple[Mapping[str, Any], ...] = ()
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    meta_cells: Mapping[str, str] = field(default_factory=dict)  # meta key → Excel cell

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path.name,
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "errors": [f.to_json() for f in self.errors],
            "warnings": [f.to_json() for f in self.warnings],
        }


@dataclass(frozen=True)
class RegisterItem:
    """An item of public information as the register holds it (one row of `items`)."""

    id: str
    unit: str
    ringkasan: str
    penguasa: str
    penanggung_jawab: str
    waktu_pembuatan: str  # ISO with its precision: "2025", "2025-04" or "2025-04-15"
    tempat_pembuatan: str
    bentuk: str
    retensi: str
    jenis: str
    status: str = "pending"  # one of ITEM_STATUSES
    dasar_pengecualian: str | None = None
    konsekuensi: str | None = None
    jangka_pengecualian: str | None = None
    kepentingan_publik: str | None = None
    tautan: str | None = None
    keterangan: str | None = None
    source_file: str = ""
    source_sheet: str = ""
    source_row: int = 0
    received_on: dt.date | None = None
    decided_on: dt.date | None = None
    atasan: str | None = None
    arahan: str | None = None
    nota_dinas: str | None = None  # number of the Nota Dinas that documented it


@dataclass(frozen=True)
class ChangeFact:
    """One change to the published register, made by one run (see changelog.py)."""

    run_id: int | None
    changed_on: dt.date
    action: str  # an Indonesian label from changelog.ACTIONS
    item_id: str
    unit: str
    ringkasan: str
    jenis: str
