"""Validation of a filled form or approval sheet (SOP steps 1–2): every bad cell, in Indonesian."""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from ..config import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from ..models import Finding, SheetReport
from ..vocabulary import Vocabulary
from . import normalize as nz
from .intake import check_file
from .reader import COMBINED, CellRefs, SheetRead, cell_ref, column_letter, read_sheet
from .rules import TEMPLATES, by_identity, column_failures, has_rules, message
from .schema import Field, for_office

__all__ = ["TEMPLATES", "message", "validate_file", "validate_files"]


@by_identity
def _normaliser(f: Field) -> Callable[[Any], Any]:
    if f.type == "partial_date":
        return nz.partial_date
    if f.type == "choice":
        lookup = f.choice_lookup()
        return lambda v: nz.choice(v, lookup)
    if f.type == "retensi":
        if f.choices:  # the office's own wording, as its Jadwal Retensi Arsip writes it
            wordings = f.choice_lookup()
            return lambda v: wordings.get(nz.folded(str(v)), None) or nz.retensi(v)
        return nz.retensi
    return nz.to_text


def _normalise_column(norm: Callable[[Any], Any], raw: Sequence[Any]) -> list[Any]:
    """Normalise a column, once per distinct value (categories repeat on every row)."""
    distinct = dict.fromkeys(raw)
    # TRUE == 1 == 1.0 as a dict key (whichever comes first wins): keep them apart the slow
    # way. A bool can hide behind an equal number among the distinct keys, never behind a
    # text: only a column with a number or a bool among them has its every cell looked at.
    if not _TEXT_ONLY.issuperset(map(type, distinct)) and bool in set(map(type, raw)):
        return [None if v == "" else norm(v) for v in raw]
    # every normaliser maps "" (calamine's empty cell) to None already
    mapping = dict(zip(distinct, map(norm, distinct), strict=True))
    return list(map(mapping.__getitem__, raw))


_TEXT_ONLY = frozenset({str, type(None)})


# ---- from SheetRead to SheetReport ------------------------------------------------------


class _Sheet:
    """Normalised columns plus what is needed to point a finding at its cell."""

    def __init__(self, sr: SheetRead) -> None:
        self.sr = sr
        self.schema = sr.schema
        # Context columns (an approval sheet's Unit Kerja, Ringkasan, …) are read as plain
        # text too: the Atasan PPID may change an item's own fields there (approve/edits.py).
        self.fields = list(sr.schema.fields)
        combined = sr.schema.combined[0] if sr.schema.combined else None
        self.combined_col = sr.columns.get(COMBINED)
        self.combined_label = combined.label if combined else ""
        self.split_keys = tuple(combined.splits_into) if combined and COMBINED in sr.columns else ()
        self.present = tuple(
            f.key for f in self.fields if f.key in sr.columns or f.key in self.split_keys
        )
        self.by_key = {f.key: f for f in (*sr.schema.metadata, *sr.schema.fields)}
        # plain optional text has no rule to check
        self.checked = tuple(k for k in self.present if has_rules(self.by_key[k]))
        self.rows = [r for r, _ in sr.rows]
        self.raw: dict[str, Sequence[Any]] = {}
        self.values: dict[str, list[Any]] = {}
        # calamine rows are rectangular: transpose once instead of indexing every cell
        columns = list(zip(*(vals for _, vals in sr.rows), strict=True)) if sr.rows else []
        width = len(columns)

        def column(col: int) -> Sequence[Any]:
            return columns[col] if col < width else ("",) * len(self.rows)

        for f in self.fields:
            col = sr.columns.get(f.key)
            if col is None:
                continue
            raw = column(col)
            self.raw[f.key] = raw
            self.values[f.key] = _normalise_column(_normaliser(f), raw)
        if self.combined_col is not None and self.split_keys:
            raw = column(self.combined_col)
            tempat_key, waktu_key = self.split_keys
            split = [nz.split_combined(v) for v in raw]
            self.raw[tempat_key] = self.raw[waktu_key] = raw
            self.values[tempat_key] = [t for t, _ in split]
            self.values[waktu_key] = [
                w if w is not None or nz.to_text(v) is None else nz.to_text(v)
                for (_, w), v in zip(split, raw, strict=True)
            ]

    def column_of(self, key: str) -> tuple[int, str]:
        if key in self.split_keys:
            return self.combined_col or 0, self.combined_label
        return self.sr.columns[key], self.by_key[key].label

    def finding(self, slug: str, key: str, i: int, severity: str = "error", **fmt: Any) -> Finding:
        col, label = self.column_of(key)
        raw = self.raw[key][i]
        shown = nz.to_text(raw) if not hasattr(raw, "isoformat") else raw
        return Finding(
            type=slug,
            severity=severity,  # type: ignore[arg-type]
            message=message(slug, column=label, value=shown, **fmt),
            field=key,
            column=label,
            sheet=self.sr.sheet,
            cell=cell_ref(self.rows[i], col),
            row=self.rows[i] + 1,
            value=shown,
        )


def _translate(sheet: _Sheet, key: str, check: str, i: int) -> Finding | None:
    """One failed check on row i of a column as the clerk's finding."""
    f = sheet.by_key[key]
    if check == "required":
        return sheet.finding("required", key, i)
    if check == "length":
        n_chars = len(sheet.values[key][i] or "")
        if not f.min_length:
            return sheet.finding("too_long", key, i, max=f.max_length, n=n_chars)
        return sheet.finding("length", key, i, min=f.min_length, max=f.max_length, n=n_chars)
    if check == "choice":
        return sheet.finding("choice", key, i, choices=", ".join(f.choice_values))
    if check == "date" and nz.ISO_PARTIAL.match(sheet.values[key][i] or ""):
        return sheet.finding("year_min", key, i, min=f.min_year)
    if check in TEMPLATES:
        return sheet.finding(check, key, i)
    return None


def _column_findings(sheet: _Sheet) -> list[Finding]:
    """Every failed column rule of the sheet (`rules.checks`, `required`), as findings."""
    found: list[Finding] = []
    for key in sheet.checked:
        for check, i in column_failures(sheet.by_key[key], sheet.values[key]):
            finding = _translate(sheet, key, check, i)
            if finding is not None:
                found.append(finding)
    return found


def _cross_findings(sheet: _Sheet, meta: Mapping[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    n = len(sheet.rows)
    for f in sheet.fields:
        if f.key not in sheet.values:
            continue
        vals = sheet.values[f.key]
        for cond_key, cond_value in f.required_when:
            cond = sheet.values.get(cond_key)
            if cond is None:
                continue
            label = sheet.schema.field(cond_key).label
            for i in range(n):
                if cond[i] == cond_value and vals[i] is None:
                    out.append(
                        sheet.finding(
                            "required_if", f.key, i, cond_column=label, cond_value=cond_value
                        )
                    )
        for cond_key, cond_value in f.only_when:
            cond = sheet.values.get(cond_key)
            if cond is None:
                continue
            cond_field = sheet.schema.field(cond_key)
            allowed = set(cond_field.choice_values)
            for i in range(n):
                if vals[i] is not None and cond[i] in allowed and cond[i] != cond_value:
                    out.append(
                        sheet.finding(
                            "not_applicable",
                            f.key,
                            i,
                            cond_column=cond_field.label,
                            cond_value=cond_value,
                        )
                    )
    filled = meta.get("tanggal_pengisian")
    waktu = sheet.values.get("waktu_pembuatan")
    if filled is not None and waktu is not None:
        from ..dates import format_date_id

        late = set()
        for iso in dict.fromkeys(waktu):  # a form repeats few dates: decide each once
            p = nz.partial(iso) if iso else None
            if p is not None and p.earliest() > filled:
                late.add(iso)
        for i, iso in enumerate(waktu):
            if iso in late:
                out.append(
                    sheet.finding(
                        "date_after_filling", "waktu_pembuatan", i, tanggal=format_date_id(filled)
                    )
                )
    return out


def _duplicates(sheet: _Sheet) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[Any, int] = {}
    if "ringkasan" in sheet.values and "waktu_pembuatan" in sheet.values:
        keys: Iterable[tuple[Any, Any]] = zip(
            # normalised text has single spaces already; only line breaks remain to fold
            (v.casefold().replace("\n", " ") if v else None for v in sheet.values["ringkasan"]),
            sheet.values["waktu_pembuatan"],
            strict=True,
        )
        slug, field_key = "duplicate_item", "ringkasan"
    elif sheet.schema.kind == "persetujuan" and "id" in sheet.values:
        keys = ((v.upper() if v else None, None) for v in sheet.values["id"])
        slug, field_key = "duplicate_id", "id"
    else:
        return out
    for i, key in enumerate(keys):
        if key[0] is None:
            continue
        if key in seen:
            other = sheet.rows[seen[key]] + 1
            out.append(sheet.finding(slug, field_key, i, severity="warning", other=other))
        else:
            seen[key] = i
    return out


def _meta(sr: SheetRead, decided: bool) -> tuple[dict[str, Any], list[Finding]]:
    meta: dict[str, Any] = {}
    out: list[Finding] = []
    for f in sr.schema.metadata:
        meta[f.key] = None
        needed = f.required or (f.required_when_decided and decided)
        if f.key not in sr.meta:
            if needed:
                out.append(
                    Finding(
                        type="missing_meta",
                        message=message("missing_meta", column=f.label),
                        field=f.key,
                        column=f.label,
                        sheet=sr.sheet,
                    )
                )
            continue
        raw, ref = sr.meta[f.key]
        row = int(re.sub(r"^[A-Z]+", "", ref)) if ref else None

        def bad(slug: str, f: Field = f, raw: Any = raw, ref: Any = ref, row: Any = row) -> Finding:
            shown = raw if hasattr(raw, "isoformat") else nz.to_text(raw)
            return Finding(
                type=slug,
                message=message(
                    "required_decided" if slug == "required_if" else slug,
                    column=f.label,
                    value=shown,
                ),
                field=f.key,
                column=f.label,
                sheet=sr.sheet,
                cell=ref,
                row=row,
                value=shown,
            )

        text = nz.to_text(raw)
        if text is None:
            if needed:
                out.append(bad("required" if f.required else "required_if"))
            continue
        if f.type == "date":
            meta[f.key] = nz.full_date(raw)
            if meta[f.key] is None:
                out.append(bad("full_date"))
            elif not plausible_date(meta[f.key]):
                # a filing or approval in 2099 (or 1900) would date the record wrongly
                meta[f.key] = None
                out.append(bad("date_range"))
        elif f.type == "nip":
            meta[f.key] = nz.nip(raw)
            if meta[f.key] is None:
                out.append(bad("nip_number" if isinstance(raw, float) else "nip"))
        else:
            meta[f.key] = text
    return meta, out


EARLIEST_DATE = dt.date(1999, 1, 1)  # the KPU's offices date from 1999
FUTURE_MARGIN = dt.timedelta(days=31)


def plausible_date(day: dt.date, today: dt.date | None = None) -> bool:
    """Not before 1999 and not more than a month after today (a typo in the year)."""
    return EARLIEST_DATE <= day <= (today or dt.date.today()) + FUTURE_MARGIN


def _sort_key(f: Finding) -> tuple[int, int, int, str]:
    if f.cell is None:
        return (0, 0, 0, f.type)
    letters = re.match(r"[A-Z]+", f.cell)
    col = 0
    for ch in letters.group(0) if letters else "":
        col = col * 26 + ord(ch) - 64
    return (1, f.row or 0, col, f.type)


class _Table:
    """The columns a sheet's `SheetRow`s read from (shared by every row of the sheet)."""

    __slots__ = ("columns", "constants", "excel_rows", "letters", "names")

    def __init__(
        self,
        names: tuple[str, ...],
        columns: dict[str, Sequence[Any]],
        constants: dict[str, Any],
        excel_rows: list[int],
        letters: dict[str, str],
    ) -> None:
        self.names, self.columns, self.constants = names, columns, constants
        self.excel_rows, self.letters = excel_rows, letters


_MISSING = object()


class SheetRow(Mapping[str, Any]):
    """One table row of a sheet as a read-only mapping: the same keys and values as the
    dict a form's row gets, read from the sheet's columns instead of copied into a dict
    of its own (an approval sheet of 100 000 rows kept ~130 MB of dicts all night)."""

    __slots__ = ("_i", "_table")

    def __init__(self, table: _Table, i: int) -> None:
        self._table = table
        self._i = i

    def __getitem__(self, key: str) -> Any:
        table = self._table
        column = table.columns.get(key)
        if column is not None:
            return column[self._i]
        if key == "_cells":
            return CellRefs(table.letters, str(table.excel_rows[self._i]))
        return table.constants[key]  # KeyError for a key the row does not have

    def get(self, key: str, default: Any = None) -> Any:
        column = self._table.columns.get(key)
        if column is not None:
            return column[self._i]
        value = self._table.constants.get(key, _MISSING) if key != "_cells" else self[key]
        return default if value is _MISSING else value

    def __contains__(self, key: object) -> bool:
        return key in self._table.columns or key in self._table.constants or key == "_cells"

    def __iter__(self) -> Iterator[str]:
        return iter(self._table.names)

    def __len__(self) -> int:
        return len(self._table.names)

    def __repr__(self) -> str:
        return repr(dict(self))


def _items(sheet: _Sheet) -> tuple[Mapping[str, Any], ...]:
    """The sheet's rows as `SheetRow`s over its columns: no dict per row (a night reads
    some 40,000 form rows, and the register takes a form's new rows a column at a time,
    through `RowColumns`); a cell reference is only worked out if somebody asks for it."""
    keys = [f.key for f in sheet.fields]
    present = [k for k in keys if k in sheet.values]
    absent = [k for k in keys if k not in sheet.values]
    letters = {k: column_letter(sheet.column_of(k)[0]) for k in present}
    excel_rows = [r + 1 for r in sheet.rows]
    names = (*present, *absent, "_sheet", "_row", "_cells")
    columns: dict[str, Sequence[Any]] = {k: sheet.values[k] for k in present}
    columns["_row"] = excel_rows
    constants = {**dict.fromkeys(absent), "_sheet": sheet.sr.sheet}
    table = _Table(names, columns, constants, excel_rows, letters)
    return tuple(map(SheetRow, repeat(table), range(len(excel_rows))))


class RowColumns:
    """Many keys of the same rows read a column at a time: `get(key)` is
    `[row.get(key) for row in rows]`. Rows that are `SheetRow`s of one sheet (what
    validation gives) are read from the sheet's columns; any other rows one by one."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows = rows
        self._table: _Table | None = None
        self._at: list[int] = []
        self._whole = False
        first = rows[0] if rows else None
        if type(first) is SheetRow:
            table = first._table
            at = [r._i if type(r) is SheetRow and r._table is table else -1 for r in rows]
            if -1 not in at:
                self._table, self._at = table, at
                self._whole = at == list(range(len(table.excel_rows)))

    def get(self, key: str) -> list[Any]:
        table = self._table
        if table is None or key == "_cells":
            return [row.get(key) for row in self.rows]
        column = table.columns.get(key)
        if column is None:
            return [table.constants.get(key)] * len(self.rows)
        return list(column) if self._whole else [column[i] for i in self._at]

    def cells_json(self) -> list[str] | None:
        """Each row's `_cells.as_json()` when the rows are a sheet's (None otherwise: the
        caller makes the text of its own mappings)."""
        table = self._table
        if table is None:
            return None
        return CellRefs.json_column(table.letters, list(map(str, self.get("_row"))))


@dataclass
class _Pending:
    """A sheet read and checked for everything but its column rules."""

    base: dict[str, Any]
    sheet: _Sheet
    meta: dict[str, Any]
    errors: list[Finding]
    warnings: list[Finding]

    def finish(self) -> SheetReport:
        errors = [*self.errors, *_column_findings(self.sheet)]
        warnings = self.warnings
        withdrawn = _withdrawal_rows(self.sheet)
        if withdrawn:
            # A Hapus row names the item and the reason; whatever else it says is not read.
            def kept(f: Finding) -> bool:
                return f.row not in withdrawn or f.field in WITHDRAWAL_FIELDS

            errors, warnings = list(filter(kept, errors)), list(filter(kept, warnings))
        return SheetReport(
            **self.base,
            meta=self.meta,
            items=_items(self.sheet),
            errors=tuple(sorted(errors, key=_sort_key)),
            warnings=tuple(sorted(warnings, key=_sort_key)),
        )


WITHDRAWAL_FIELDS = frozenset({"id", "tindakan", "keterangan", None})


def _withdrawal_rows(sheet: _Sheet) -> set[int]:
    """Excel rows of a form whose Tindakan is Hapus (withdraw an approved item)."""
    tindakan = sheet.values.get("tindakan") if sheet.schema.kind == "form_dip" else None
    if not tindakan:
        return set()
    return {sheet.rows[i] + 1 for i, v in enumerate(tindakan) if v == "Hapus"}


def _start(path: Path, sha256: str, sr: SheetRead) -> SheetReport | _Pending:
    errors = [f for f in sr.findings if f.severity == "error"]
    warnings = [f for f in sr.findings if f.severity == "warning"]
    base: dict[str, Any] = {
        "path": Path(path),
        "kind": sr.schema.kind,
        "sha256": sha256,
        "sheet": sr.sheet,
        "meta_cells": {k: ref for k, (_, ref) in sr.meta.items() if ref},
    }
    if any(
        f.type == "duplicate_column" or (f.type == "merged_cells" and f.cell is None)
        for f in errors
    ):
        # The batch cannot know which of two same-named columns is meant (or what overlapping
        # merged ranges show): no row is read.
        return SheetReport(**base, errors=tuple(errors), warnings=tuple(warnings))
    sheet = _Sheet(sr)
    kind = sr.schema.kind
    decided = any(v is not None for v in sheet.values.get("persetujuan", ()))
    meta, meta_findings = _meta(sr, decided and kind == "persetujuan")
    errors += meta_findings
    if not sheet.rows:
        errors.append(Finding(type="empty_form", message=message("empty_form"), sheet=sr.sheet))
    errors += _cross_findings(sheet, meta)
    warnings += _duplicates(sheet)
    if kind == "persetujuan" and sheet.rows and "persetujuan" in sheet.values and not decided:
        # A warning here (nothing is wrong in it yet); the nightly batch sends it back.
        warnings.append(
            Finding(
                type="no_decisions",
                severity="warning",
                message=message("no_decisions"),
                sheet=sr.sheet,
            )
        )
    return _Pending(base, sheet, meta, errors, warnings)


def _read(
    path: Path,
    max_file_bytes: int,
    max_unpacked_bytes: int,
    vocabulary: Vocabulary | None = None,
) -> SheetReport | _Pending:
    path = Path(path)
    try:
        intake = check_file(
            path, max_file_bytes=max_file_bytes, max_unpacked_bytes=max_unpacked_bytes
        )
    except Exception:  # noqa: BLE001 — unreadable from disk, or a container nobody foresaw
        unreadable = Finding(type="unreadable", message=message("unreadable"))
        return SheetReport(path=path, kind=None, sha256="", errors=(unreadable,))
    if intake.refusal is not None:
        return SheetReport(path=path, kind=None, sha256=intake.sha256, errors=(intake.refusal,))
    assert intake.data is not None  # an accepted intake always carries the bytes
    try:
        sr = read_sheet(intake.data)
    except Exception:  # noqa: BLE001 — any reader failure is a clerk's unreadable file
        unreadable = Finding(type="unreadable", message=message("unreadable"))
        return SheetReport(path=path, kind=None, sha256=intake.sha256, errors=(unreadable,))
    if sr is None:
        no_header = Finding(type="no_header", message=message("no_header"))
        return SheetReport(path=path, kind=None, sha256=intake.sha256, errors=(no_header,))
    if vocabulary is not None and sr.schema.kind == "form_dip":
        sr.schema = for_office(sr.schema, "", vocabulary)  # the office's bentuk and retensi
    started = _start(path, intake.sha256, sr)
    # the sheet now holds its columns; calamine's row lists are not needed any more
    sr.rows.clear()
    return started


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector back while one file is worked on.

    A form allocates thousands of lists, tuples and dicts that form no reference cycles
    (reference counting frees them); each 700 allocations would start a collection, and
    every hundredth of those walks every object the process keeps alive. Collection
    resumes between files, so any cycle made meanwhile (an exception's traceback) is still
    freed a few milliseconds later.
    """
    if not gc.isenabled():  # the caller has its own policy
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _finish(started: SheetReport | _Pending) -> SheetReport:
    return started if isinstance(started, SheetReport) else started.finish()


def validate_files(
    paths: Iterable[Path],
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    on_read: Callable[[Path], object] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Iterator[SheetReport]:
    """`validate_file` over many files, in order, one report as each file is done (the
    nightly batch and `validate FILE...` use this). `on_read(path)` is told of each file
    just before it is read."""
    for path in paths:
        if on_read is not None:
            on_read(path)
        with _collector_paused():
            report = _finish(_read(path, max_file_bytes, max_unpacked_bytes, vocabulary))
        yield report


def validate_file(
    path: Path,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    vocabulary: Vocabulary | None = None,
) -> SheetReport:
    """Safe intake, kind detection, reading, normalisation and validation of one workbook."""
    with _collector_paused():
        return _finish(_read(path, max_file_bytes, max_unpacked_bytes, vocabulary))
