"""The blank Form Daftar Informasi Publik for SOP step 1, generated from schemas/form_dip.yaml."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook

from ..config import Office, OfficeForm
from ..files import atomic_write_bytes
from ..workbook import a4_landscape, new_workbook
from .schema import Field, SheetSchema, for_office, form_schema

DEFAULT_FORM_NAME = "Form-Daftar-Informasi-Publik.xlsx"


def form_name(unit: str | None) -> str:
    """The file name of a unit's blank form (`Form-Daftar-Informasi-Publik-subbagian-hukum.xlsx`),
    so forms made into one folder for several units do not collide."""
    from ..files import fit_name, name_slug

    slug = name_slug(unit or "")
    stem = DEFAULT_FORM_NAME.removesuffix(".xlsx")
    return fit_name(slug, ".xlsx", prefix=f"{stem}-") if slug else DEFAULT_FORM_NAME


VERSION_LABEL = "Versi Formulir"
GUIDE_SHEET = "Panduan"
LISTS_SHEET = "Pilihan"
BLANK_ROWS = 200
# A fixed creation time keeps the bytes identical from one run to the next.
CREATED = dt.datetime(2025, 1, 1, 0, 0, 0)
# Excel refuses longer prompts; xlsxwriter drops the whole validation if they are exceeded.
MAX_PROMPT_TITLE = 32
MAX_PROMPT_TEXT = 255

# Layout of the form sheet (0-based rows): title, office, blank, metadata, version, blank, header.
TITLE_ROW, OFFICE_ROW, META_FIRST_ROW = 0, 1, 3
LABEL_COL, VALUE_COL, VALUE_LAST_COL = 1, 2, 3


def list_name(field: Field) -> str:
    """The workbook-level defined name holding the allowed values of a choice field."""
    return f"Pilihan_{field.key}"


def fit(text: str, limit: int) -> str:
    """Shorten `text` at a word boundary to `limit` characters, marking the cut with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:/")
    return cut + "…"


def _prompt(field: Field) -> dict[str, str]:
    help_text = field.help
    if field.required:
        help_text = "Wajib diisi. " + help_text
    return {
        "input_title": fit(field.label, MAX_PROMPT_TITLE),
        "input_message": fit(help_text, MAX_PROMPT_TEXT),
    }


def header_row(schema: SheetSchema) -> int:
    """0-based row of the table header on the form sheet."""
    return META_FIRST_ROW + len(schema.metadata) + 2


def build_blank_form(form: OfficeForm, *, unit: str | None = None) -> bytes:
    """The blank form as xlsx bytes (identical bytes for identical inputs)."""
    schema = for_office(form_schema(), form.office.kota, form.vocabulary)
    buffer = io.BytesIO()
    wb = new_workbook(
        buffer,
        title=schema.title,
        created=CREATED,
        company=form.office.nama_satker,
        subject=form.sop.sebutan,
        comments=f"{VERSION_LABEL} {schema.version}",
    )
    fmt = _formats(wb)
    _form_sheet(wb, fmt, schema, form.office, unit)
    _guide_sheet(wb, fmt, schema, form.office)
    _lists_sheet(wb, schema)
    wb.close()
    return buffer.getvalue()


def write_blank_form(path: Path, form: OfficeForm, *, unit: str | None = None) -> Path:
    """Write the blank Form Daftar Informasi Publik to `path` atomically; return `path`."""
    return atomic_write_bytes(Path(path), build_blank_form(form, unit=unit))


def _formats(wb: Workbook) -> dict[str, Format]:
    base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "office": wb.add_format({**base, "bold": True, "font_size": 12, "align": "center"}),
        "label": wb.add_format({**base, "bold": True}),
        "value": wb.add_format({**base, "num_format": "@", "border": 1, "bg_color": "#FFF9DB"}),
        "version": wb.add_format({**base, "num_format": "@", "font_color": "#595959"}),
        "header": wb.add_format(
            {
                **base,
                "bold": True,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#D9E1F2",
            }
        ),
        "cell": wb.add_format({**base, "num_format": "@", "text_wrap": True, "border": 1}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "note": wb.add_format({**base, "italic": True, "font_color": "#595959"}),
        "heading": wb.add_format({**base, "bold": True, "font_size": 12}),
    }


def _form_sheet(
    wb: Workbook, fmt: dict[str, Format], schema: SheetSchema, office: Office, unit: str | None
) -> None:
    ws = wb.add_worksheet(schema.sheet_name)
    fields = schema.blank_form_fields
    last_col = len(fields) - 1
    hdr = header_row(schema)
    first_data, last_data = hdr + 1, hdr + BLANK_ROWS

    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, schema.title.upper(), fmt["title"])
    ws.merge_range(OFFICE_ROW, 0, OFFICE_ROW, last_col, office.nama_satker.upper(), fmt["office"])

    for offset, meta in enumerate(schema.metadata):
        row = META_FIRST_ROW + offset
        ws.write_string(row, LABEL_COL, meta.label, fmt["label"])
        value = unit if meta.key == "unit" and unit else ""
        ws.merge_range(row, VALUE_COL, row, VALUE_LAST_COL, value, fmt["value"])
        ws.data_validation(row, VALUE_COL, row, VALUE_COL, {"validate": "any", **_prompt(meta)})
    version_row = META_FIRST_ROW + len(schema.metadata)
    ws.write_string(version_row, LABEL_COL, VERSION_LABEL, fmt["version"])
    ws.write_string(version_row, VALUE_COL, schema.version, fmt["version"])

    ws.set_row(hdr, 45)
    for col, field in enumerate(fields):
        ws.set_column(col, col, field.width)
        ws.write_string(hdr, col, field.label, fmt["header"])
        for row in range(first_data, last_data + 1):
            ws.write_blank(row, col, None, fmt["cell"])
        if field.choices:
            allowed = ", ".join(field.choice_values)
            rule = {
                "validate": "list",
                "source": f"={list_name(field)}",
                # Retention wording is offered, not imposed: 'N Tahun' texts stay allowed.
                "error_type": "stop" if field.type == "choice" else "information",
                "error_title": "Pilihan tidak tersedia",
                "error_message": fit(f"Pilih salah satu dari daftar: {allowed}.", 255),
            }
        elif field.suggestions:
            # A dropdown of the usual answers that still takes any other text (a warning
            # only): the legal basis may be another law than the ones listed.
            rule = {
                "validate": "list",
                "source": f"={list_name(field)}",
                "error_type": "information",
                "error_title": "Di luar daftar",
                "error_message": "Teks di luar daftar tetap diterima; pastikan dasar hukumnya "
                "ditulis lengkap (pasal dan undang-undang).",
            }
        else:
            rule = {"validate": "any"}
        ws.data_validation(first_data, col, last_data, col, {**rule, **_prompt(field)})

    ws.freeze_panes(first_data, 2)
    ws.print_area(0, 0, last_data, last_col)
    a4_landscape(ws, footer=f"{schema.title} (versi {schema.version})", header_row=hdr)
    ws.activate()


def _guide_sheet(wb: Workbook, fmt: dict[str, Format], schema: SheetSchema, office: Office) -> None:
    # Same column widths as the form, so the worked example row looks like the real one.
    ws = wb.add_worksheet(GUIDE_SHEET)
    fields = schema.blank_form_fields
    for col, field in enumerate(fields):
        ws.set_column(col, col, field.width)
    ws.write_string(0, 1, f"Panduan Pengisian {schema.title}", fmt["heading"])
    ws.write_string(1, 1, f"{office.nama_satker} — versi formulir {schema.version}", fmt["label"])
    ws.write_string(
        2,
        1,
        f"Isi lembar '{schema.sheet_name}' mulai baris di bawah judul kolom, satu baris untuk satu "
        "informasi. Jangan mengubah judul kolom. Kolom Bentuk dan Jenis diisi dari daftar pilihan.",
        fmt["note"],
    )

    ws.write_string(4, 1, "Contoh pengisian satu baris", fmt["heading"])
    ws.set_row(5, 45)
    for col, field in enumerate(fields):
        ws.write_string(5, col, field.label, fmt["header"])
        ws.write(6, col, "1" if field.key == "no" else field.example or None, fmt["cell"])
    ws.set_row(6, 15 * 3)

    row = 8
    ws.write_string(row, 1, "Cara mengisi setiap kolom", fmt["heading"])
    row += 1
    help_first, help_last, hint_first, hint_last = 3, 7, 8, 9
    ws.write_string(row, 1, "Kolom", fmt["header"])
    ws.write_string(row, 2, "Wajib diisi", fmt["header"])
    ws.merge_range(row, help_first, row, help_last, "Cara mengisi", fmt["header"])
    ws.merge_range(row, hint_first, row, hint_last, "Pilihan / contoh", fmt["header"])
    for field in (*schema.metadata, *fields):
        row += 1
        hint = ", ".join(field.choice_values) or field.example
        if field.suggestions:  # the whole list is in the dropdown; the guide names its span
            hint = f"{field.suggestions[0]} sampai {field.suggestions[-1]}; atau teks lain"
        ws.write_string(row, 1, field.label, fmt["cell"])
        ws.write_string(row, 2, "Ya" if field.required else _when(field, schema), fmt["cell"])
        ws.merge_range(row, help_first, row, help_last, field.help, fmt["cell"])
        ws.merge_range(row, hint_first, row, hint_last, hint, fmt["cell"])
        # Excel does not grow merged rows to fit wrapped text, so size them here.
        lines = max(-(-len(field.help) // 95), -(-len(field.label) // 40), -(-len(hint) // 40), 1)
        ws.set_row(row, 14 * lines + 2)
    a4_landscape(ws, footer=f"Panduan {schema.title}")


def _when(field: Field, schema: SheetSchema) -> str:
    # the column's label, as the clerk sees it in the header (not the schema key)
    if field.required_when:
        values: dict[str, list[str]] = {}
        for k, v in field.required_when:
            values.setdefault(k, []).append(v)
        return "Bila " + ", ".join(
            f"{schema.field(k).label} {' atau '.join(vs)}" for k, vs in values.items()
        )
    return "Tidak"


def _lists_sheet(wb: Workbook, schema: SheetSchema) -> None:
    ws = wb.add_worksheet(LISTS_SHEET)
    col = 0
    for field in schema.blank_form_fields:
        listed = field.choice_values or field.suggestions
        if not listed:
            continue
        for row, value in enumerate(listed):
            ws.write_string(row, col, value)
        letter = xl_col_to_name(col)
        last = xl_rowcol_to_cell(len(listed) - 1, col, row_abs=True, col_abs=True)
        wb.define_name(list_name(field), f"='{LISTS_SHEET}'!${letter}$1:{last}")
        col += 1
    ws.hide()
