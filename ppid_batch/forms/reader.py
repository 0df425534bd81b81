"""Reading a filled form or approval sheet (SOP steps 1 and 2): header, metadata, rows, cells."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from ..models import Finding
from .normalize import folded
from .schema import Field, SheetSchema, approval_schema, form_schema, label_key

HEADER_SCAN_ROWS = 60
COMBINED = "_combined"
# A header row must name at least this many of the form's required columns to count as one.
MIN_FORM_HITS = 4


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row0: int, col0: int) -> str:
    return f"{column_letter(col0)}{row0 + 1}"


def by_identity(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Cache on the first argument's identity. Schemas are loaded once, and hashing a frozen
    dataclass re-hashes every nested field on each call (a third of a millisecond a form)."""
    cache: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    @wraps(fn)
    def cached(obj: Any, *args: Any) -> Any:
        key = (id(obj), *args)
        hit = cache.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = fn(obj, *args)
        cache[key] = (obj, value)  # holding obj keeps its id from being reused
        return value

    return cached


class CellRefs(Mapping[str, str]):
    """Field key → Excel cell reference of one table row (an item's `_cells`).

    Computed on access from the column letters shared by the whole sheet: a batch makes one
    per row, and only the few rows a later step points at ever ask for a reference.
    """

    __slots__ = ("_letters", "_row")

    def __init__(self, letters: Mapping[str, str], row: str) -> None:
        self._letters = letters
        self._row = row

    def __getitem__(self, key: str) -> str:
        return self._letters[key] + self._row

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass
class SheetRead:
    """What the reader found on the chosen sheet, before normalisation."""

    schema: SheetSchema
    sheet: str
    header_row: int  # 0-based
    columns: dict[str, int]  # field key (or COMBINED) → 0-based column
    meta: dict[str, tuple[Any, str | None]] = field(default_factory=dict)  # key → (raw, ref)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (0-based row, values)
    findings: list[Finding] = field(default_factory=list)


_BLANK = " \t\r\n\u00a0"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_BLANK))


@by_identity
def _label_index(schema: SheetSchema) -> dict[str, str]:
    index: dict[str, str] = {}
    for f in schema.fields:
        for lab in f.labels:
            index[label_key(lab)] = f.key
    for comb in schema.combined:
        for lab in comb.labels:
            index[label_key(lab)] = COMBINED
    return index


@by_identity
def _meta_index(schema: SheetSchema) -> dict[str, str]:
    return {label_key(lab): f.key for f in schema.metadata for lab in f.labels}


def _header_hits(row: list[Any], index: dict[str, str]) -> dict[str, list[int]]:
    hits: dict[str, list[int]] = {}
    for col, value in enumerate(row):
        if isinstance(value, str) and value.strip():
            key = index.get(folded(value))
            if key is not None:
                hits.setdefault(key, []).append(col)
    return hits


def _form_score(hits: dict[str, list[int]], schema: SheetSchema) -> int:
    required = {f.key for f in schema.fields if f.required}
    found = set(hits) & required
    if COMBINED in hits:
        for comb in schema.combined:
            found |= set(comb.splits_into) & required
    return len(found)


def _is_approval_row(hits: dict[str, list[int]]) -> bool:
    return "id" in hits and ("persetujuan" in hits or "arahan" in hits)


def _title_seen(rows: list[list[Any]], upto: int, title: str) -> bool:
    key = label_key(title)
    return any(isinstance(v, str) and key in label_key(v) for row in rows[:upto] for v in row if v)


def find_header(rows: list[list[Any]]) -> tuple[SheetSchema, int] | None:
    """The schema this sheet follows and its 0-based header row, by title and header labels."""
    form, approval = form_schema(), approval_schema()
    form_idx, approval_idx = _label_index(form), _label_index(approval)
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        approval_hits = _header_hits(row, approval_idx)
        if _is_approval_row(approval_hits):
            form_hits = _header_hits(row, form_idx)
            if (
                "arahan" in approval_hits
                or _title_seen(rows, r, approval.title)
                or _form_score(form_hits, form) < MIN_FORM_HITS
            ):
                return approval, r
        if _form_score(_header_hits(row, form_idx), form) >= MIN_FORM_HITS:
            return form, r
    return None


def _read_meta(
    rows: list[list[Any]], header: int, schema: SheetSchema
) -> dict[str, tuple[Any, str | None]]:
    index = _meta_index(schema)
    meta: dict[str, tuple[Any, str | None]] = {}
    for r in range(header):
        row = rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            key = index.get(folded(value))
            if key is not None and key not in meta:
                vc = c + 1
                if vc < len(row) and isinstance(row[vc], str) and row[vc].strip() == ":":
                    vc += 1
                raw = row[vc] if vc < len(row) else ""
                meta[key] = (raw, cell_ref(r, vc))
                continue
            label, sep, rest = value.partition(":")
            key = index.get(folded(label)) if sep else None
            if key is not None and key not in meta:
                # "Unit Kerja: Subbagian Hukum" written in one cell
                meta[key] = (rest, cell_ref(r, c))
    return meta


def _columns(sr: SheetRead, header_row: list[Any]) -> None:
    """Map header cells to fields; extra, duplicate and missing columns become findings."""
    schema = sr.schema
    index = _label_index(schema)
    seen: dict[str, list[int]] = {}
    for col, value in enumerate(header_row):
        if _is_blank(value):
            continue
        key = index.get(folded(value))
        if key is None:
            sr.findings.append(
                Finding(
                    type="extra_column",
                    severity="warning",
                    message=f"Kolom '{str(value).strip()}' tidak dikenal dan diabaikan.",
                    sheet=sr.sheet,
                    cell=cell_ref(sr.header_row, col),
                    row=sr.header_row + 1,
                    column=str(value).strip(),
                    value=str(value).strip(),
                )
            )
            continue
        seen.setdefault(key, []).append(col)
    combined = schema.combined[0] if schema.combined else None
    if combined and COMBINED in seen:
        for key in combined.splits_into:
            if key in seen:
                seen.setdefault(COMBINED, []).extend(seen.pop(key))
    for key, cols in seen.items():
        if len(cols) > 1:
            label = combined.label if key == COMBINED and combined else schema.field(key).label
            refs = ", ".join(cell_ref(sr.header_row, c) for c in cols)
            sr.findings.append(
                Finding(
                    type="duplicate_column",
                    message=(
                        f"Kolom '{label}' muncul lebih dari sekali (sel {refs}); hapus salah "
                        "satunya agar jelas kolom mana yang dipakai."
                    ),
                    field=None if key == COMBINED else key,
                    column=label,
                    sheet=sr.sheet,
                )
            )
        sr.columns[key] = cols[0]
    present = set(sr.columns)
    if COMBINED in present and combined:
        present |= set(combined.splits_into)
    for f in schema.fields:
        if f.required and f.key not in present:
            sr.findings.append(missing_column(sr.sheet, f))


def missing_column(sheet: str, f: Field) -> Finding:
    return Finding(
        type="missing_column",
        message=(
            f"Kolom '{f.label}' tidak ditemukan pada baris judul tabel. Tambahkan kolom itu atau "
            "gunakan formulir resmi (ppid-batch form)."
        ),
        field=f.key,
        column=f.label,
        sheet=sheet,
    )


def _has_content(values: list[Any]) -> bool:
    # a plain loop: most rows answer at their first cell (the row number)
    for v in values:
        if isinstance(v, str):
            if v and v.strip(_BLANK):
                return True
        elif v is not None:
            return True
    return False


def _body(rows: list[list[Any]], header: int) -> list[tuple[int, list[Any]]]:
    return [(r, rows[r]) for r in range(header + 1, len(rows)) if _has_content(rows[r])]


def read_sheet(data: bytes) -> SheetRead | None:
    """Find the first visible sheet whose header row matches a schema and read it."""
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        for meta in wb.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            found = find_header(rows)
            if found is None:
                continue
            schema, header = found
            sr = SheetRead(schema=schema, sheet=meta.name, header_row=header, columns={})
            _columns(sr, rows[header])
            sr.meta = _read_meta(rows, header, schema)
            sr.rows = _body(rows, header)
            return sr
    finally:
        wb.close()
    return None
