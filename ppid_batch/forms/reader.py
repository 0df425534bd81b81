"""Reading a filled form or approval sheet (SOP steps 1 and 2): header, metadata, rows, cells."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from ..dates import parse_partial_date
from ..models import Finding
from . import ods
from .normalize import folded
from .ods import Range
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

    def as_json(self) -> str:
        """`json.dumps(dict(self), ensure_ascii=False, sort_keys=True)`, the text the register
        keeps as an item's provenance, built from parts shared by the whole sheet."""
        prefixes = _json_parts(self._letters)
        if not prefixes:
            return "{}"
        row = self._row
        # every entry is `"key": "LETTERS` + row + `"`, the entries joined by ", "
        return "{" + (row + '", ').join(prefixes) + row + '"}'

    @staticmethod
    def json_column(letters: Mapping[str, str], rows: Iterable[str]) -> list[str]:
        """`CellRefs(letters, row).as_json()` for each of `rows` (Excel row numbers as
        text), the parts shared by the sheet looked up once."""
        prefixes = _json_parts(letters)
        if not prefixes:
            return ["{}" for _ in rows]
        return ["{" + (row + '", ').join(prefixes) + row + '"}' for row in rows]


@by_identity
def _json_parts(letters: Mapping[str, str]) -> tuple[str, ...]:
    """`"key": "LETTERS` (JSON-encoded key, column letters) in key order; letters need no
    escaping."""
    assert all(v.isascii() and v.isalpha() for v in letters.values())
    return tuple(json.dumps(k, ensure_ascii=False) + ': "' + letters[k] for k in sorted(letters))


@dataclass
class SheetRead:
    """What the reader found on the chosen sheet, before normalisation."""

    schema: SheetSchema
    sheet: str
    header_row: int  # 0-based; the first of two when the header has merged group cells
    columns: dict[str, int]  # field key (or COMBINED) → 0-based column
    meta: dict[str, tuple[Any, str | None]] = field(default_factory=dict)  # key → (raw, ref)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (0-based row, values)
    findings: list[Finding] = field(default_factory=list)
    header_end: int = -1  # 0-based last header row (header_row unless two rows)
    # a choice field read from tick sub-columns: key → [(column, sub-column label)]
    ticks: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.header_end < 0:
            self.header_end = self.header_row


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


# ---- merged cells ----------------------------------------------------------------------


class Grid:
    """A sheet's rows as calamine gives them (the value in a merged range's first cell only)
    and its merged ranges, clipped to the data; answers 'what does the clerk see here'."""

    def __init__(self, rows: list[list[Any]], merges: Iterable[Range]) -> None:
        self.rows = rows
        self.height = len(rows)
        self.width = len(rows[0]) if rows else 0
        self.merges: list[tuple[int, int, int, int]] = []
        self.overlap = False
        covered = 0
        for (r0, c0), (r1, c1) in merges:
            if r0 >= self.height or c0 >= self.width or r1 < r0 or c1 < c0:
                continue
            r1, c1 = min(r1, self.height - 1), min(c1, self.width - 1)
            if (r0, c0) == (r1, c1):
                continue
            covered += (r1 - r0 + 1) * (c1 - c0 + 1)
            if covered > self.height * self.width:
                # ranges of a real workbook never overlap: a forged one could make filling
                # them cost far more than the sheet itself
                self.overlap = True
                break
            self.merges.append((r0, c0, r1, c1))
        self._starts: dict[tuple[int, int], tuple[int, int, int, int]] = {
            (m[0], m[1]): m for m in self.merges
        }

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        for m in self.merges:
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    def merge_starting(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return self._starts.get((r, c))

    def seen(self, r: int, c: int) -> Any:
        """The value shown at (r, c): the first cell's value when the cell is merged."""
        m = self.merge_at(r, c) if self.merges else None
        if m is not None:
            r, c = m[0], m[1]
        if r < self.height and c < self.width:
            return self.rows[r][c]
        return ""


def range_ref(m: tuple[int, int, int, int]) -> str:
    return f"{cell_ref(m[0], m[1])}:{cell_ref(m[2], m[3])}"


# ---- metadata --------------------------------------------------------------------------


def _skip_colon(value: Any) -> Any:
    """': Subbagian Hukum' (a colon typed in the value cell) → 'Subbagian Hukum'."""
    if isinstance(value, str) and value.lstrip(_BLANK).startswith(":"):
        return value.lstrip(_BLANK)[1:].lstrip(_BLANK)
    return value


def _meta_value(grid: Grid, r: int, c: int, index: dict[str, str]) -> tuple[Any, str]:
    """The first non-blank cell right of a label at (r, c): blank cells, the rest of the
    label's own merged range and a lone ':' are skipped; another label ends the search."""
    row = grid.rows[r]
    m = grid.merge_starting(r, c)
    first = (m[3] if m is not None and m[0] == r else c) + 1
    col = first
    while col < grid.width:
        value = grid.seen(r, col) if grid.merges else row[col]
        if _is_blank(value) or (isinstance(value, str) and value.strip(_BLANK) in (":", "：")):
            col += 1
            continue
        if isinstance(value, str) and index.get(folded(value)) is not None:
            break  # the next label on the same row: this one is empty
        anchor = grid.merge_at(r, col) if grid.merges else None
        ref = cell_ref(anchor[0], anchor[1]) if anchor is not None else cell_ref(r, col)
        return _skip_colon(value), ref
    # nothing written: point at the cell to fill, after a lone ':' when there is one
    colon = first < grid.width and str(row[first]).strip(_BLANK) in (":", "：")
    return "", cell_ref(r, first + 1 if colon else first)


def _read_meta(grid: Grid, header: int, schema: SheetSchema) -> dict[str, tuple[Any, str | None]]:
    index = _meta_index(schema)
    meta: dict[str, tuple[Any, str | None]] = {}
    for r in range(header):
        row = grid.rows[r]
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            key = index.get(folded(value))
            if key is not None:
                if key not in meta:
                    meta[key] = _meta_value(grid, r, c, index)
                continue
            label, sep, rest = value.partition(":")
            key = index.get(folded(label)) if sep else None
            if key is not None and key not in meta:
                # "Unit Kerja: Subbagian Hukum" written in one cell
                meta[key] = (rest, cell_ref(r, c))
    return meta


# ---- the header: one row, or two with merged group cells ----------------------------------


@dataclass(frozen=True)
class HeaderCell:
    col: int
    label: Any
    group: str | None = None  # the merged group cell above a sub-column
    row: int = 0  # 0-based row the label is on


def _group_spans(grid: Grid, g: int, s: int) -> list[tuple[int, int]]:
    """Column spans (first, last) of the group cells on row `g` with labels under them on
    row `s`: merged across columns, or written once above blank cells (other tools)."""
    spans: list[tuple[int, int]] = []
    rows = grid.rows
    c = 0
    while c < grid.width:
        m = grid.merge_starting(g, c)
        if m is not None and m[0] == g and m[3] > c and m[2] < s:
            if not _is_blank(rows[g][c]):
                spans.append((c, m[3]))
            c = m[3] + 1
            continue
        if not _is_blank(rows[g][c]) and grid.merge_at(g, c) is None:
            end = c
            while (
                end + 1 < grid.width
                and _is_blank(rows[g][end + 1])
                and grid.merge_at(g, end + 1) is None
                and not _is_blank(rows[s][end + 1])
            ):
                end += 1
            if end > c and not _is_blank(rows[s][c]):
                spans.append((c, end))
            c = end + 1
            continue
        c += 1
    return spans


def _sub_label_ok(value: Any, group: Any, schema: SheetSchema) -> bool:
    if not isinstance(value, str) or not value.strip(_BLANK):
        return False
    key = _label_index(schema).get(folded(value))
    if key is not None:
        return True
    gkey = _label_index(schema).get(folded(group)) if isinstance(group, str) else None
    if gkey == COMBINED:
        return _combined_part(value) is not None
    if gkey is not None:
        return folded(value) in _choice_index(schema, gkey)
    return False


def _two_rows(grid: Grid, g: int, schema: SheetSchema) -> list[tuple[int, int]] | None:
    """The group spans when row g+1 is a sub-header under row g's group cells, else None."""
    s = g + 1
    if s >= grid.height:
        return None
    spans = _group_spans(grid, g, s)
    if not spans:
        return None
    under = {c: (a, b) for a, b in spans for c in range(a, b + 1)}
    subs = 0
    for c, value in enumerate(grid.rows[s]):
        if _is_blank(value):
            continue
        if c not in under:
            # a label written only on the lower row, under nothing: still the header
            alone = _is_blank(grid.rows[g][c]) and grid.merge_at(g, c) is None
            if alone and isinstance(value, str) and folded(value) in _label_index(schema):
                continue
            return None  # a value under a plain column: row s is an item, not a sub-header
        if not _sub_label_ok(value, grid.rows[g][under[c][0]], schema):
            return None
        subs += 1
    return spans if subs else None


def header_cells(grid: Grid, h: int, schema: SheetSchema) -> tuple[int, int, list[HeaderCell]]:
    """(first header row, last header row, one HeaderCell per labelled column)."""
    top = h
    spans = _two_rows(grid, h, schema)
    if spans is None and h > 0:
        above = _two_rows(grid, h - 1, schema)
        if above is not None:
            top, spans = h - 1, above
    rows = grid.rows
    cells: list[HeaderCell] = []
    if spans is None:
        c = 0
        while c < grid.width:
            m = grid.merge_starting(h, c)
            if not _is_blank(rows[h][c]):
                cells.append(HeaderCell(c, rows[h][c], row=h))
            # the rest of a label merged across columns belongs to this column
            c = (m[3] if m is not None and m[0] == h else c) + 1
        return h, h, cells
    s = top + 1
    under = {c: (a, b) for a, b in spans for c in range(a, b + 1)}
    for c in range(grid.width):
        if c in under:
            a, _ = under[c]
            if not _is_blank(rows[s][c]):
                cells.append(HeaderCell(c, rows[s][c], group=str(rows[top][a]), row=s))
            continue
        if grid.merge_at(top, c) not in (None,) and grid.merge_at(top, c)[1] != c:  # type: ignore[index]
            continue
        label = rows[top][c] if not _is_blank(rows[top][c]) else rows[s][c]
        if not _is_blank(label):
            cells.append(HeaderCell(c, label, row=top if not _is_blank(rows[top][c]) else s))
    return top, s, cells


# ---- tick sub-columns ------------------------------------------------------------------


_NO_MARK = frozenset({"", "-", "–", "—", "0", "tidak", "tdk", "no", "false", "x tidak"})


def is_mark(value: Any) -> bool:
    """Any mark in a tick column means present (✓, √, v, x, 1, ada…); '-', 0, 'tidak' do not."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    text = str(value).strip(_BLANK).casefold()
    return text not in _NO_MARK


@by_identity
def _choice_index(schema: SheetSchema, key: str) -> dict[str, str]:
    try:
        f = schema.field(key)
    except KeyError:
        return {}
    return f.choice_lookup() if f.type == "choice" else {}


def _compact(text: str) -> str:
    return label_key(text).replace(" ", "")


def ticked_value(schema: SheetSchema, key: str, labels: list[str]) -> str:
    """The choice meant by the ticked sub-columns: 'Softcopy' and 'Hardcopy' ticked →
    'Softcopy dan Hardcopy'; 'Cetak' and 'Online' → the same; one tick → its value."""
    if not labels:
        return ""
    lookup = _choice_index(schema, key)
    values = list(dict.fromkeys(lookup.get(folded(lab), lab) for lab in labels))
    if len(values) == 1:
        return values[0]
    choices = schema.field(key).choice_values
    for candidate in choices:
        if candidate not in values and all(_compact(v) in _compact(candidate) for v in values):
            return candidate
    return ", ".join(labels)


# ---- columns ---------------------------------------------------------------------------

_WAKTU_WORDS = ("waktu", "tanggal", "tahun", "bulan", "tgl")
_TEMPAT_WORDS = ("tempat", "lokasi", "kota")


def _combined_part(label: Any) -> str | None:
    words = folded(str(label)).split()
    if any(w in _WAKTU_WORDS for w in words):
        return "waktu_pembuatan"
    if any(w in _TEMPAT_WORDS for w in words):
        return "tempat_pembuatan"
    return None


def _columns(sr: SheetRead, cells: list[HeaderCell]) -> None:
    """Map header cells to fields; extra, duplicate and missing columns become findings."""
    schema = sr.schema
    index = _label_index(schema)
    seen: dict[str, list[int]] = {}
    for hc in cells:
        value = hc.label
        key = index.get(folded(value))
        shown = str(value).strip()
        if hc.group is not None:
            gkey = index.get(folded(hc.group))
            shown = f"{hc.group.strip()} / {shown}"
            choices = _choice_index(schema, gkey) if gkey and gkey != COMBINED else {}
            if choices and folded(value) in choices:
                sr.ticks.setdefault(gkey, []).append((hc.col, str(value).strip()))  # type: ignore[arg-type]
                continue
            if gkey == COMBINED and key not in schema.combined[0].splits_into:
                key = _combined_part(value)
            if key is None and gkey is not None and gkey != COMBINED and gkey not in seen:
                key = gkey  # a group over one sub-column that names nothing itself
        if key is None:
            sr.findings.append(
                Finding(
                    type="extra_column",
                    severity="warning",
                    message=f"Kolom '{shown}' tidak dikenal dan diabaikan.",
                    sheet=sr.sheet,
                    cell=cell_ref(hc.row, hc.col),
                    row=hc.row + 1,
                    column=shown,
                    value=shown,
                )
            )
            continue
        seen.setdefault(key, []).append(hc.col)
    for key, ticks in sr.ticks.items():
        seen.setdefault(key, []).append(ticks[0][0])
    combined = schema.combined[0] if schema.combined else None
    if combined and COMBINED in seen:
        for key in combined.splits_into:
            if key in seen:
                seen.setdefault(COMBINED, []).extend(seen.pop(key))
    for key, cols in seen.items():
        if len(cols) > 1:
            label = combined.label if key == COMBINED and combined else schema.field(key).label
            refs = ", ".join(cell_ref(sr.header_end, c) for c in cols)
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


def _filled(values: list[Any]) -> list[tuple[int, Any]]:
    return [(c, v) for c, v in enumerate(values) if not _is_blank(v)]


# ---- under the table: column numbers, a repeated header, the closing block ------------------


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?\.?$")


def _numbering_row(values: list[Any]) -> bool:
    """'1 | 2 | 3 | …' (or '(1) | (2) | …') under the header: the columns' numbers, not an item."""
    numbers: list[int] = []
    for _, v in _filled(values):
        if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
            numbers.append(int(v))
            continue
        m = _COLUMN_NUMBER.match(str(v).strip(_BLANK))
        if m is None:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


_PLACE_DATE = re.compile(r"^[^\W\d][\w .'()/-]{1,60},\s*(.+)$")
_DOTS = re.compile(r"^[\s._…]*$")
_CLOSING_START = re.compile(
    r"^(?:mengetahui|menyetujui|disetujui|diperiksa|dibuat\s+oleh|dibuat|yang\s+membuat|"
    r"yang\s+menyerahkan|yang\s+menerima|tertanda|ttd|a\.?\s?n\.?\s|plh\.?\s|plt\.?\s|"
    r"catatan|keterangan\s*:|ket\s*:|jumlah|total|\*\))",
    re.IGNORECASE,
)
_NAME_IN_PARENS = re.compile(r"^\(\s*[^()]{2,}\s*\)$|^\(\s*[._…\s]*\)$")
_NIP_LINE = re.compile(r"^(?:nip|nrp|nik)\b\.?\s*:?", re.IGNORECASE)
_JABATAN = re.compile(
    r"\b(?:kepala|kasubbag|kasubag|kabag|sekretaris|ketua|anggota|koordinator|ppid|atasan|"
    r"pejabat|bendahara|staf|pelaksana|petugas|tim\s+penghubung|pengelola|operator|"
    r"penata|pembina|pengatur)\b|\b(?:i{1,3}|iv)/[a-e]\b",
    re.IGNORECASE,
)


def _place_and_date(text: str) -> bool:
    m = _PLACE_DATE.match(text)
    if m is None:
        return False
    rest = m.group(1).strip()
    # "Bandung, 2 Desember 2026", "Bandung, Desember 2026", "Bandung, ........ 2026"
    return parse_partial_date(rest) is not None or bool(
        re.match(r"^[\s._…]*(?:\w+\s+)?(?:19|20)\d{2}$", rest) or _DOTS.match(rest)
    )


def closing_kind(values: list[Any]) -> str | None:
    """Why a sparse row under the table reads as part of a closing block, or None."""
    for _, v in _filled(values):
        text = " ".join(str(v).split())
        if _place_and_date(text):
            return "tempat_tanggal"
        if _CLOSING_START.match(text):
            return "pembuka"
        if _NAME_IN_PARENS.match(text):
            return "nama"
        if _NIP_LINE.match(text):
            return "nip"
        if _JABATAN.search(text):
            return "jabatan"
    return None


_STRONG = frozenset({"tempat_tanggal", "pembuka", "nama", "nip"})
# signature rows carry a few cells each (three signers side by side at most)
_SPARSE = 3


def _closing_block(
    grid: Grid, content: list[int], no_col: int | None
) -> tuple[list[int], list[int]]:
    """Split the rows under the header into (item rows, closing block rows)."""
    run: list[int] = []
    for r in reversed(content):
        values = grid.rows[r]
        filled = _filled(values)
        numbered = no_col is not None and no_col < len(values) and _is_number(values[no_col])
        if len(filled) > _SPARSE or numbered:
            break
        run.append(r)
    run.reverse()
    kinds = [closing_kind(grid.rows[r]) for r in run]
    start = next((i for i, k in enumerate(kinds) if k is not None), None)
    if start is None or not any(k in _STRONG for k in kinds[start:]):
        return content, []
    block = run[start:]
    return content[: len(content) - len(block)], block


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and value.strip(_BLANK).rstrip(".").isdigit()


def _closing_finding(sr: SheetRead, grid: Grid, block: list[int]) -> Finding:
    first, last = block[0], block[-1]
    col = _filled(grid.rows[first])[0][0]
    rows = f"Baris {first + 1}" if first == last else f"Baris {first + 1}–{last + 1}"
    head = " ".join(str(_filled(grid.rows[first])[0][1]).split())
    shown = head if len(head) <= 40 else head[:39] + "…"
    return Finding(
        type="closing_block",
        severity="warning",
        message=(
            f"{rows} di bawah tabel ('{shown}' …) dibaca sebagai penutup formulir (tempat dan "
            "tanggal, tanda tangan, NIP) dan tidak dicatat sebagai informasi. Bila di situ ada "
            "informasi, lengkapi semua kolomnya."
        ),
        sheet=sr.sheet,
        cell=cell_ref(first, col),
        row=first + 1,
        value=shown,
    )


# ---- the body: items, with merged ranges filled in ------------------------------------------


def _mapped_columns(sr: SheetRead) -> dict[int, str]:
    out = {c: k for k, c in sr.columns.items()}
    for key, ticks in sr.ticks.items():
        for c, _ in ticks:
            out[c] = key
    return out


def _fill_merges(sr: SheetRead, grid: Grid, body_from: int, skip: set[int]) -> None:
    """A value in a merged range counts for every row of the range, in its column. A range
    across two of the form's columns cannot be read: the clerk is told to split it."""
    mapped = _mapped_columns(sr)
    label_of = {
        c: (sr.schema.combined[0].label if k == COMBINED else sr.schema.field(k).label)
        for c, k in mapped.items()
    }
    rows = grid.rows
    for m in grid.merges:
        r0, c0, r1, c1 = m
        if r0 < body_from or r0 in skip:
            continue
        cols = [c for c in range(c0, c1 + 1) if c in mapped]
        distinct = list(dict.fromkeys(label_of[c] for c in cols))
        value = rows[r0][c0]
        if len(cols) > 1 and not _is_blank(value):
            named = (
                " dan ".join(f"'{lab}'" for lab in distinct)
                if len(distinct) > 1
                else (f"'{distinct[0]}'")
            )
            sr.findings.append(
                Finding(
                    type="merged_cells",
                    message=(
                        f"Sel {range_ref(m)} digabung melintasi kolom {named}, sehingga isinya "
                        f"tidak dapat dibaca per kolom. Pisahkan sel gabungan {range_ref(m)} "
                        "(Beranda > Gabungkan & Tengahkan > Pisahkan Sel), lalu isi setiap "
                        "kolom di selnya sendiri."
                    ),
                    sheet=sr.sheet,
                    cell=cell_ref(r0, c0),
                    row=r0 + 1,
                    column=distinct[0],
                    value=value if isinstance(value, str | int | float) else str(value),
                )
            )
            continue
        for r in range(r0, r1 + 1):
            row = rows[r]
            for c in range(c0, c1 + 1):
                row[c] = ""
            for c in cols or [c0]:
                row[c] = value


def _ticks_into_rows(sr: SheetRead, grid: Grid, item_rows: list[int]) -> None:
    """Each row's tick marks become one value, in the first tick column (where errors point)."""
    for key, ticks in sr.ticks.items():
        first = ticks[0][0]
        for r in item_rows:
            row = grid.rows[r]
            labels = [lab for c, lab in ticks if c < len(row) and is_mark(row[c])]
            row[first] = ticked_value(sr.schema, key, labels)


def _body(sr: SheetRead, grid: Grid) -> None:
    rows = grid.rows
    start = sr.header_end + 1
    # rows holding something of their own; a row reached only by a range merged down from
    # above (the town merged past the last item) is not an item
    content = [r for r in range(start, len(rows)) if _has_content(rows[r])]
    if content and _numbering_row(rows[content[0]]):
        content = content[1:]
    items: list[int] = []
    index = _label_index(sr.schema)
    # a header copied again down the table (for printing) repeats the header's own text in
    # its first labelled column: one comparison per row before any closer look
    probe = min(sr.columns.values(), default=0)
    probe_text = grid.seen(sr.header_end, probe) or grid.seen(sr.header_row, probe)
    probe_text = probe_text.strip(_BLANK) if isinstance(probe_text, str) else None
    for r in content:
        cell = rows[r][probe] if probe < grid.width else None
        if (
            probe_text
            and isinstance(cell, str)
            and cell.strip(_BLANK) == probe_text
            and _form_score(_header_hits(rows[r], index), sr.schema) >= MIN_FORM_HITS
        ):
            sr.findings.append(
                Finding(
                    type="repeated_header",
                    severity="warning",
                    message=f"Baris {r + 1} mengulang judul tabel dan dilewati.",
                    sheet=sr.sheet,
                    cell=cell_ref(r, 0),
                    row=r + 1,
                )
            )
            continue
        items.append(r)
    items, block = _closing_block(grid, items, sr.columns.get("no"))
    if block:
        sr.findings.append(_closing_finding(sr, grid, block))
    items, headings = _section_headings(sr, grid, items)
    if grid.merges:
        _fill_merges(sr, grid, start, skip=set(headings))
    if sr.ticks:
        _ticks_into_rows(sr, grid, items)
    if headings:
        _jenis_from_headings(sr, grid, items, headings)
    sr.rows = [(r, rows[r]) for r in items]


# ---- group heading rows: "A. Informasi yang Wajib Disediakan secara Berkala" ------------------

_ENUMERATOR = re.compile(r"^\s*(?:[A-Za-z]|[IVXivx]{1,4}|\d{1,2})\s*[.)]\s+")


@by_identity
def _jenis_words(schema: SheetSchema) -> list[tuple[str, str]]:
    """(folded spelling, canonical jenis), longest first, for finding a jenis in a heading."""
    lookup = _choice_index(schema, "jenis")
    return sorted(lookup.items(), key=lambda kv: -len(kv[0]))


def heading_jenis(text: str, schema: SheetSchema) -> str | None:
    """The jenis a group heading row names ('B. Informasi Serta Merta' → Serta Merta)."""
    body = folded(_ENUMERATOR.sub("", text))
    if not body or len(body) > 160:
        return None
    padded = f" {body} "
    for spelling, value in _jenis_words(schema):
        if f" {spelling} " in padded:
            return value
    return None


def _section_headings(
    sr: SheetRead, grid: Grid, items: list[int]
) -> tuple[list[int], dict[int, str]]:
    """Rows that only name a jenis (one cell, often merged across the table) group the items
    under them: they are not items. Returns (item rows, {heading row: jenis})."""
    if "jenis" not in sr.columns:
        return items, {}
    # an item fills its required columns: only rows where the last two are blank are looked at
    required = [c for k, c in sr.columns.items() if k != COMBINED and sr.schema.field(k).required][
        -2:
    ]
    headings: dict[int, str] = {}
    kept: list[int] = []
    for r in items:
        values = grid.rows[r]
        # no required cell filled (one call per row: most rows are items that fill them)
        if required and not _has_content([values[c] for c in required]):
            filled = _filled(values)
            if len(filled) == 1 and isinstance(filled[0][1], str):
                c, text = filled[0]
                m = grid.merge_starting(r, c)
                # set apart from a half-filled item ('Laporan Berkala' alone in Ringkasan):
                # a heading is merged across the table or numbered like 'A.' / 'II.'
                marked = (m is not None and m[3] > c) or _ENUMERATOR.match(text) is not None
                jenis = heading_jenis(text, sr.schema) if marked else None
                if jenis is not None:
                    headings[r] = jenis
                    continue
        kept.append(r)
    return kept, headings


def _jenis_from_headings(
    sr: SheetRead, grid: Grid, items: list[int], headings: dict[int, str]
) -> None:
    col = sr.columns["jenis"]
    order = sorted(headings)
    filled = 0
    for r in items:
        above = [h for h in order if h < r]
        if above and _is_blank(grid.rows[r][col]):
            grid.rows[r][col] = headings[above[-1]]
            filled += 1
    for h in order:
        text = " ".join(str(_filled(grid.rows[h])[0][1]).split())
        shown = text if len(text) <= 60 else text[:59] + "…"
        sr.findings.append(
            Finding(
                type="section_heading",
                severity="warning",
                message=(
                    f"Baris {h + 1} ('{shown}') dibaca sebagai judul kelompok, bukan informasi: "
                    f"Jenis Informasi yang kosong di bawahnya dianggap {headings[h]}."
                ),
                sheet=sr.sheet,
                cell=cell_ref(h, _filled(grid.rows[h])[0][0]),
                row=h + 1,
                value=shown,
            )
        )


def _unmerge_finding(sheet: str) -> Finding:
    return Finding(
        type="merged_cells",
        message=(
            "Sel gabungan di lembar ini saling bertumpuk sehingga tidak dapat dibaca. Pisahkan "
            "sel gabungan (pilih seluruh lembar, Beranda > Gabungkan & Tengahkan > Pisahkan "
            "Sel), lalu kirim kembali."
        ),
        sheet=sheet,
    )


def read_sheet(data: bytes) -> SheetRead | None:
    """Find the first visible sheet whose header row matches a schema and read it."""
    ods_sheets = {s.name: s for s in ods.sheets_of(data)} if ods.is_ods(data) else None
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        for meta in wb.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            found = find_header(rows)
            if found is None:
                continue
            if ods_sheets is not None:
                merges: Iterable[Range] = (
                    ods_sheets[meta.name].merges if meta.name in ods_sheets else ()
                )
            else:
                merges = sheet.merged_cell_ranges or ()
            grid = Grid(rows, merges)
            schema, header = found
            top, end, cells = header_cells(grid, header, schema)
            sr = SheetRead(
                schema=schema, sheet=meta.name, header_row=top, columns={}, header_end=end
            )
            if grid.overlap:
                sr.findings.append(_unmerge_finding(meta.name))
                return sr
            _columns(sr, cells)
            sr.meta = _read_meta(grid, top, schema)
            _body(sr, grid)
            return sr
    finally:
        wb.close()
    return None
