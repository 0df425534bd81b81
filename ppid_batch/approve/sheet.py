"""SOP step 2: the Lembar Persetujuan Atasan PPID listing every pending item for a YA/TIDAK."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import format_date_id
from ..files import atomic_write_bytes
from ..forms.schema import approval_schema, label_key
from ..models import RegisterItem
from ..register.changes import ChangeRequest, change_rows
from ..store.ids import fold, id_order
from ..workbook import HEADER_COLOR, a4_landscape, row_heights, workbook_bytes
from .identity import fingerprint, shown_code, shown_fingerprint

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from ..config import Letter, Office
    from .identity import Issued

SHEET_PREFIX = "Lembar-Persetujuan-"
IDENTITY_ROW = 3  # Nomor Lembar, then Tanggal Dibuat
META_ROW = 5  # Nama Atasan PPID; Tanggal Persetujuan is the row after it, Kode Keutuhan next
HEADER_ROW = 10  # zero-based: Excel row 11
# Item fields the Atasan PPID may change on a YA row ("disetujui dengan perubahan").
EDITABLE = ("ringkasan", "jenis", "bentuk", "dasar_pengecualian")
PAPER_A4 = 9


def render_workbook(build: Callable[[Workbook], None], *, today: dt.date, title: str) -> bytes:
    """Run `build` on a new workbook with the one setup (workbook.py); return its bytes."""
    return workbook_bytes(build, title=title, created=today)


def office_heading(ws: Worksheet, formats: Mapping[str, Any], office: Office, title: str,
                   subtitle: str, last_col: int) -> None:  # fmt: skip
    """The office's name, the document title and a line of context across the first rows."""
    ws.merge_range(0, 0, 0, last_col, office.nama_satker.upper(), formats["office"])
    ws.merge_range(1, 0, 1, last_col, title, formats["title"])
    ws.merge_range(2, 0, 2, last_col, subtitle, formats["note"])


def base_formats(workbook: Workbook) -> dict[str, Any]:
    wrap = {"text_wrap": True, "valign": "top", "border": 1, "font_size": 10}
    return {
        "office": workbook.add_format({"bold": True, "font_size": 12}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"italic": True, "font_size": 10, "text_wrap": True}),
        "label": workbook.add_format({"bold": True, "font_size": 10}),
        "header": workbook.add_format(
            {**wrap, "bold": True, "bg_color": HEADER_COLOR, "align": "center", "valign": "vcenter"}
        ),
        "cell": workbook.add_format(wrap),
        "cell_first": workbook.add_format({**wrap, "top": 2}),
    }


def apply_print_setup(ws: Worksheet, header_row: int, last_col: int) -> None:
    """A4 landscape, one page wide, header repeated on every page; frozen below the header."""
    a4_landscape(ws, header_row=header_row)
    ws.freeze_panes(header_row + 1, 0)
    ws.print_area(0, 0, max(header_row, ws.dim_rowmax or 0), last_col)


def _notes(items: Sequence[RegisterItem], given: Mapping[str, str] | None) -> dict[str, str]:
    """Catatan Sistem: the caller's notes plus same-ringkasan items of other units.

    An item the caller's note already names (similar.approval_notes names identical
    ringkasan too) is not named a second time: one note per pair.
    """
    notes = dict(given or {})
    keys = [fold(item.ringkasan) for item in items]
    counts = Counter(keys)
    by_text: dict[str, list[RegisterItem]] = {}
    for key, item in zip(keys, items, strict=True):
        if counts[key] > 1:  # most ringkasan have no other item to name
            by_text.setdefault(key, []).append(item)
    for group in by_text.values():
        units = [fold(o.unit) for o in group]
        for item, unit in zip(group, units, strict=True):
            named = notes.get(item.id, "")
            others = [
                o
                for o, o_unit in zip(group, units, strict=True)
                if o_unit != unit and f"{o.id} (" not in named
            ]
            if others:
                same = ", ".join(f"{o.id} ({o.unit})" for o in others)
                text = f"Ringkasan sama dengan {same}."
                notes[item.id] = f"{named}; {text}" if named else text
    return notes


_TEXT_OR_NONE = frozenset({str, type(None)})


def _cell_texts(values: list[Any]) -> list[str | None]:
    """Each value as its cell's text, None for an empty one (a column of texts and None
    without an empty text is that already)."""
    if _TEXT_OR_NONE.issuperset(map(type, values)) and "" not in values:
        return values
    return [(v if type(v) is str else str(v)) if v else None for v in values]


def sheet_rows(
    items: Sequence[RegisterItem], shown_changes: Sequence[RegisterItem]
) -> list[RegisterItem]:
    """The sheet's rows in its order: the pending items and the change rows (change_rows)
    by unit, then by ID."""
    folded = functools.cache(fold)  # a night's tens of thousands of rows have a few units
    return sorted(
        [*(i for i in items if i.status == "pending"), *shown_changes],
        key=lambda i: (folded(i.unit), i.unit, id_order(i.id)),
    )


def approval_sheet_name(today: dt.date) -> str:
    return f"{SHEET_PREFIX}{today.isoformat()}.xlsx"


def _is_filled(path: Path) -> bool:
    """True when an older sheet already carries decisions (someone filled it in place)."""
    try:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception:  # noqa: BLE001 - unreadable: keep it rather than destroy someone's work
        return True
    target = label_key(approval_schema().field("persetujuan").label)
    for r, row in enumerate(rows):
        keys = [label_key(v) for v in row]
        if target in keys:
            col = keys.index(target)
            return any(str(below[col]).strip() for below in rows[r + 1 :] if len(below) > col)
    return False


def _remove_old(out_dir: Path, keep: Path | None) -> None:
    for old in sorted(out_dir.glob(f"{SHEET_PREFIX}*.xlsx")):
        if old != keep and not _is_filled(old):
            old.unlink()


def write_approval_sheet(
    items: Sequence[RegisterItem],
    letter: Letter,
    out_dir: Path,
    *,
    today: dt.date,
    notes: Mapping[str, str] | None = None,
    changes: Sequence[ChangeRequest] = (),
    identity: Issued | None = None,
    approval_dir: Path | None = None,
    rows: Sequence[RegisterItem] | None = None,
) -> Path | None:
    """Write `Lembar-Persetujuan-<date>.xlsx` for the pending items; None when none is pending.

    `changes` are the pending Tindakan Ubah/Hapus: each is a row under its item's ID,
    its changed cells showing `lama → baru` and Catatan Sistem `dihapus: <alasan>`.

    Earlier sheets in `out_dir` are removed (the new one replaces them), except a
    sheet someone has already filled in place, which is left for them to send.
    `notes` (item ID → text) fills the Catatan Sistem column. `identity` is the
    number, issue date and integrity code the batch recorded for exactly these rows
    (identity.issue); the sheet shows them and each row's Sidik Isi. Without it the
    sheet is a draft the batch will refuse when it comes back. `approval_dir` is the
    Atasan PPID's own folder ([lokasi] persetujuan) the sheet tells them to put it in;
    None: input/. `rows` are sheet_rows(items, change_rows(changes)[0]) when the caller
    has them already (the rows `identity` was issued for): they are not sorted again.
    """
    out_dir = Path(out_dir)
    shown_changes, tindakan_of, change_notes = change_rows(changes)
    pending = list(rows) if rows is not None else sheet_rows(items, shown_changes)
    if not pending:
        if out_dir.is_dir():
            _remove_old(out_dir, None)
        return None
    schema = approval_schema()
    notes_by_id = _notes(pending, {**(notes or {}), **change_notes})
    issued_on = identity.issued_on if identity is not None else today
    path = out_dir / approval_sheet_name(issued_on)

    folder = approval_dir
    where = f"{folder.name}/ (folder khusus Atasan PPID)" if folder is not None else "input/"
    wrap_top = {"text_wrap": True, "valign": "top", "border": 1, "font_size": 10}

    def build(workbook: Workbook) -> None:
        fmt = base_formats(workbook)
        unlocked = {"locked": False, "bg_color": "#FFF2CC"}
        fmt["input"] = workbook.add_format({**unlocked, "border": 1, "valign": "top"})
        fmt["input_wrap"] = workbook.add_format(
            {**unlocked, "border": 1, "valign": "top", "text_wrap": True}
        )
        fmt["input_first"] = workbook.add_format({**unlocked, "border": 1, "top": 2})
        fmt["input_wrap_first"] = workbook.add_format(
            {**unlocked, "border": 1, "top": 2, "valign": "top", "text_wrap": True}
        )
        fmt["date_input"] = workbook.add_format({**unlocked, "num_format": "dd/mm/yyyy"})
        fmt["meta_input"] = workbook.add_format(unlocked)
        fmt["identity"] = workbook.add_format({"bold": True, "font_size": 11})
        fmt["identity_date"] = workbook.add_format(
            {"bold": True, "font_size": 11, "num_format": "dd/mm/yyyy", "align": "left"}
        )
        fmt["code"] = workbook.add_format({"font_size": 9, "font_color": "#595959"})
        editable = {"locked": False, **wrap_top}
        fmt["edit"] = workbook.add_format(editable)
        fmt["edit_first"] = workbook.add_format({**editable, "top": 2})
        sidik = {**wrap_top, "font_size": 8, "font_color": "#595959"}
        fmt["sidik"] = workbook.add_format(sidik)
        fmt["sidik_first"] = workbook.add_format({**sidik, "top": 2})
        ws = workbook.add_worksheet(schema.sheet_name)
        last_col = len(schema.fields) - 1
        office_heading(
            ws,
            fmt,
            letter.office,
            schema.title,
            f"Dibuat {format_date_id(issued_on)}: {len(pending)} informasi menunggu persetujuan "
            f"{letter.signers.signer('atasan_ppid', issued_on).jabatan}.",
            last_col,
        )
        ws.write_string(IDENTITY_ROW, 0, schema.field("nomor_lembar").label, fmt["label"])
        ws.write_string(
            IDENTITY_ROW, 1, identity.number if identity else "(belum bernomor)", fmt["identity"]
        )
        ws.write_string(IDENTITY_ROW + 1, 0, schema.field("tanggal_dibuat").label, fmt["label"])
        ws.write_datetime(
            IDENTITY_ROW + 1,
            1,
            dt.datetime.combine(issued_on, dt.time()),
            fmt["identity_date"],
        )
        ws.write_string(META_ROW + 2, 0, schema.field("kode_keutuhan").label, fmt["label"])
        ws.write_string(
            META_ROW + 2, 1, shown_code(identity.code) if identity else "-", fmt["code"]
        )
        atasan = schema.field("atasan").label
        tanggal = schema.field("tanggal_persetujuan").label
        ws.write_string(META_ROW, 0, atasan, fmt["label"])
        ws.write_string(
            META_ROW, 1, letter.signers.signer("atasan_ppid", today).nama, fmt["meta_input"]
        )
        ws.write_string(META_ROW + 1, 0, tanggal, fmt["label"])
        ws.write_blank(META_ROW + 1, 1, None, fmt["date_input"])
        ws.data_validation(
            META_ROW + 1,
            1,
            META_ROW + 1,
            1,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(2000, 1, 1),
                "maximum": dt.date(2100, 12, 31),
                "input_title": tanggal,
                "input_message": "Isi tanggal persetujuan, contoh 14/03/2025.",
            },
        )
        ws.merge_range(
            META_ROW + 3,
            0,
            META_ROW + 3,
            last_col,
            "Isi kolom Persetujuan dengan YA atau TIDAK; Arahan / Disposisi wajib diisi bila "
            "TIDAK dan boleh diisi bila YA. Kosongkan baris yang belum diputuskan. Ringkasan, "
            "Jenis, Bentuk dan Dasar Hukum Pengecualian boleh diperbaiki pada baris YA "
            "(dicatat sebagai disetujui dengan perubahan). Jangan mengubah Nomor Lembar, "
            "Kode Keutuhan, ID Informasi dan Sidik Isi, dan jangan menambah baris: lembar atau "
            f"baris yang diubah ditolak. Simpan lalu taruh berkas ini di folder {where}.",
            fmt["note"],
        )
        ws.set_row(META_ROW + 3, 45)
        for col, f in enumerate(schema.fields):
            ws.set_column(col, col, f.width)
            ws.write_string(HEADER_ROW, col, f.label, fmt["header"])
        ws.set_row(HEADER_ROW, 30)
        keys = schema.keys
        decision_col = keys.index("persetujuan")
        # Each column once: its key and its format (the `_first` one on a unit's first row
        # but the sheet's first).
        columns: list[str | None] = []  # None: an input column, blank for the Atasan PPID
        formats: list[Any] = []
        first_formats: list[Any] = []
        for key in keys:
            if key in ("persetujuan", "arahan"):
                style = "input" if key == "persetujuan" else "input_wrap"
                columns.append(None)
            else:
                style = "edit" if key in EDITABLE else "sidik" if key == "sidik" else "cell"
                columns.append(key)
            formats.append(fmt[style])
            first_formats.append(fmt[style + "_first"])
        # The cells column by column (each text column's values, None for a blank), then
        # the rows' heights from those columns and one write per row.
        ids = [item.id for item in pending]
        texts_by_col: list[list[str | None] | None] = []  # None: an input column
        for field in columns:
            if field is None:
                texts_by_col.append(None)
                continue
            if field == "catatan":
                found: list[Any] = list(map(notes_by_id.get, ids))
            elif field == "tindakan":
                found = list(map(tindakan_of.get, ids))
            elif field == "sidik":
                hashed = (
                    identity.fingerprints_of(pending)
                    if identity
                    else [fingerprint(item) for item in pending]
                )
                found = list(map(shown_fingerprint, hashed))
            else:
                try:
                    found = list(map(operator.attrgetter(field), pending))
                except AttributeError:
                    found = [getattr(item, field, None) for item in pending]
            texts_by_col.append(_cell_texts(found))
        heights = row_heights(
            [texts for texts in texts_by_col if texts is not None],
            [f.width for f, texts in zip(schema.fields, texts_by_col, strict=True)
             if texts is not None],
        )  # fmt: skip
        blank: list[str | None] = [None] * len(pending)
        ws.set_row_heights(HEADER_ROW + 1, heights)
        # A unit's first row (but the sheet's first) in the `_first` formats.
        units = [item.unit for item in pending]
        plain, first = tuple(formats), tuple(first_formats)
        row_formats = [plain] + [
            first if unit != previous and previous is not None else plain
            for previous, unit in zip(units[:-1], units[1:], strict=True)
        ]
        cells = zip(*(blank if texts is None else texts for texts in texts_by_col), strict=True)
        ws.write_text_rows(HEADER_ROW + 1, 0, cells, row_formats)
        last_row = HEADER_ROW + len(pending)
        ws.data_validation(
            HEADER_ROW + 1,
            decision_col,
            last_row,
            decision_col,
            {
                "validate": "list",
                "source": ["YA", "TIDAK"],
                "input_title": "Persetujuan",
                "input_message": "YA = setuju; TIDAK = tolak (isi arahan).",
                "error_title": "Persetujuan",
                "error_message": "Pilih YA atau TIDAK, atau kosongkan bila belum diputuskan.",
            },
        )
        ws.autofilter(HEADER_ROW, 0, last_row, last_col)
        # No password: protection only guards the ID column against slips, not against people.
        ws.protect(
            "",
            {
                "autofilter": True,
                "format_columns": True,
                "format_rows": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
        apply_print_setup(ws, HEADER_ROW, last_col)
        workbook.set_custom_property("Jenis Lembar", schema.kind)
        workbook.set_custom_property("Versi Lembar", schema.version)

    data = render_workbook(build, today=issued_on, title=schema.title)
    atomic_write_bytes(path, data)
    _remove_old(out_dir, path)
    return path
