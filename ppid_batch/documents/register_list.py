"""SOP step 3 output: the Daftar Informasi Publik (xlsx, html, csv, json) and the exemption list."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import DEFAULT_TEMPLATES, Config
from ..dates import PartialDate, format_date_id
from ..errors import TemplateError
from ..files import atomic_write_bytes
from ..forms.schema import form_schema
from ..models import DIKECUALIKAN, JENIS_HEADINGS, RegisterItem
from ..nip import format_nip
from ..workbook import HEADER_COLOR, a4_landscape, fit_row, new_workbook
from .dip_package import DATAPACKAGE_SUFFIX, dip_datapackage
from .fields import (
    PRECISION_ID,
    is_web_link,
    item_fields,
    office_fields,
    officer_fields,
    sort_key,
)
from .kpu_ri import kpu_ri_note

REGISTER_STEM = "Daftar-Informasi-Publik-{tahun}"
EXEMPTIONS_NAME = "Daftar-Usulan-Informasi-Dikecualikan-{tahun}.xlsx"
HTML_TEMPLATE = "daftar-informasi-publik.html.j2"
CHANGES_SHEET = "Riwayat Perubahan"
EMPTY_GROUP = "Belum ada informasi."
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel stops honouring hyperlinks past 65,530 per sheet; later links are written as text.
MAX_LINKS = 65_000
MAX_URL = 2_000


def _labels() -> dict[str, str]:
    schema = form_schema()
    keys = ("ringkasan", "penguasa", "penanggung_jawab", "bentuk", "retensi", "jenis", "tautan")
    labels = {k: schema.field(k).label for k in keys}
    labels.update(
        {
            "no": "No",
            "id": "ID Informasi",
            "unit": "Unit Kerja",
            "waktu_tempat": "Waktu dan Tempat Pembuatan Informasi",
            "dasar_pengecualian": schema.field("dasar_pengecualian").label,
            "konsekuensi": schema.field("konsekuensi").label,
            "jangka_pengecualian": schema.field("jangka_pengecualian").label,
            "kepentingan_publik": schema.field("kepentingan_publik").label,
            "kpu_ri": "Catatan Penetapan KPU RI",
            "keputusan": "Keputusan Uji Konsekuensi",
        }
    )
    return labels


LABELS = _labels()
# Perki 1/2021's seven elements, plus the ID and the link, in the order the office prints them.
REGISTER_COLUMNS = (
    ("no", 5), ("id", 15), ("ringkasan", 45), ("penguasa", 26), ("penanggung_jawab", 26),
    ("waktu_tempat", 22), ("bentuk", 15), ("retensi", 18), ("tautan", 30),
)  # fmt: skip
EXEMPTION_COLUMNS = (
    ("no", 5), ("id", 15), ("unit", 20), ("ringkasan", 36), ("penguasa", 22),
    ("waktu_tempat", 18), ("dasar_pengecualian", 26), ("konsekuensi", 28),
    ("jangka_pengecualian", 16), ("kepentingan_publik", 26), ("kpu_ri", 26), ("keputusan", 20),
)  # fmt: skip


@dataclass(frozen=True)
class Group:
    """One statutory heading of the register with its items, numbered from 1."""

    letter: str
    jenis: str
    heading: str
    rows: tuple[dict[str, Any], ...]


def published(items: Sequence[RegisterItem]) -> list[RegisterItem]:
    """Approved, not exempt: what the Daftar Informasi Publik may show."""
    return [i for i in items if i.status == "approved" and i.jenis != DIKECUALIKAN]


def exempted(items: Sequence[RegisterItem]) -> list[RegisterItem]:
    return sorted(
        (i for i in items if i.status == "approved" and i.jenis == DIKECUALIKAN), key=sort_key
    )


def register_groups(items: Sequence[RegisterItem]) -> list[Group]:
    """The three headings, always all three and in statutory order, each numbered from 1."""
    groups = []
    chosen = published(items)
    for letter, (jenis, heading) in zip("ABC", JENIS_HEADINGS.items(), strict=True):
        members = sorted((i for i in chosen if i.jenis == jenis), key=sort_key)
        rows = []
        for no, item in enumerate(members, 1):
            row = item_fields(item, no)
            row["waktu_pembuatan"] = item.waktu_pembuatan
            row["presisi"] = PRECISION_ID[PartialDate.from_iso(item.waktu_pembuatan).precision]
            row["tautan_web"] = is_web_link(item.tautan)
            rows.append(row)
        groups.append(Group(letter, jenis, heading, tuple(rows)))
    return groups


def inert(text: str) -> str:
    """OWASP CSV-injection defence: a cell a spreadsheet would evaluate gets a leading `'`."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


# ---- xlsx ----


class _Sheet:
    """The office's table layout in one worksheet: letterhead, header, body, signature."""

    def __init__(self, wb: Any, ws: Any, columns: Sequence[tuple[str, int]]) -> None:
        self.wb, self.ws, self.columns = wb, ws, columns
        self.last_col = len(columns) - 1
        self.links = 0
        font = {"font_name": "Arial", "font_size": 10}
        cell = {**font, "border": 1, "valign": "top", "text_wrap": True}
        self.f = {
            "title": wb.add_format({**font, "bold": True, "font_size": 14, "align": "center"}),
            "subtitle": wb.add_format({**font, "bold": True, "font_size": 12, "align": "center"}),
            "small": wb.add_format({**font, "font_size": 9, "align": "center"}),
            "header": wb.add_format(
                {
                    **cell,
                    "bold": True,
                    "align": "center",
                    "valign": "vcenter",
                    "bg_color": HEADER_COLOR,
                }
            ),
            "colno": wb.add_format({**cell, "italic": True, "align": "center", "font_size": 8}),
            "group": wb.add_format({**cell, "bold": True, "bg_color": "#F2F2F2"}),
            "empty": wb.add_format({**cell, "italic": True, "align": "center"}),
            "text": wb.add_format(cell),
            "center": wb.add_format({**cell, "align": "center"}),
            "link": wb.add_format({**cell, "font_color": "#0563C1", "underline": 1}),
            "sign": wb.add_format({**font, "align": "center"}),
            "sign_name": wb.add_format({**font, "align": "center", "bold": True, "underline": 1}),
        }

    def merged(self, row: int, text: str, fmt: str, first: int = 0, last: int | None = None):
        last = self.last_col if last is None else last
        if first == last:
            self.ws.write_string(row, first, text, self.f[fmt])
        else:
            self.ws.merge_range(row, first, row, last, "", self.f[fmt])
            self.ws.write_string(row, first, text, self.f[fmt])

    def letterhead(self, config: Config, title: str, today: dt.date) -> int:
        """Rows 0-5; returns the header row."""
        self.merged(0, config.office.nama_satker.upper(), "title")
        self.merged(1, config.office.alamat, "small")
        self.merged(3, title, "subtitle")
        self.merged(4, f"Keadaan per {format_date_id(today)}", "small")
        return 6

    def header(self, row: int) -> int:
        """Header and column-number rows, repeated on every printed page; returns the next row."""
        ws = self.ws
        ws.set_row(row, 45)
        for col, (key, width) in enumerate(self.columns):
            ws.set_column(col, col, width)
            ws.write_string(row, col, LABELS[key], self.f["header"])
        for col in range(len(self.columns)):  # row by row: the sheet is streamed
            ws.write_string(row + 1, col, f"({col + 1})", self.f["colno"])
        ws.repeat_rows(row, row + 1)
        ws.freeze_panes(row + 2, 0)
        return row + 2

    def rows(self, row: int, records: Sequence[Mapping[str, Any]]) -> int:
        ws, f = self.ws, self.f
        if not records:
            self.merged(row, EMPTY_GROUP, "empty")
            return row + 1
        widths = [width for _, width in self.columns]
        for rec in records:
            for col, (key, _) in enumerate(self.columns):
                value = rec.get(key, "")
                if key == "no":
                    ws.write_number(row, col, value, f["center"])
                elif key == "tautan" and rec.get("tautan_web") and self._link_ok(value):
                    ws.write_url(row, col, value, f["link"], string=value)
                elif value:
                    # write_string: a ringkasan starting with '=' stays text, never a formula.
                    ws.write_string(row, col, str(value), f["text"])
                else:
                    ws.write_blank(row, col, None, f["text"])
            texts = [rec.get(key, "") for key, _ in self.columns]
            fit_row(ws, row, [t if isinstance(t, str) else "" for t in texts], widths)
            row += 1
        return row

    def _link_ok(self, url: str) -> bool:
        if self.links >= MAX_LINKS or len(url) > MAX_URL:
            return False
        self.links += 1
        return True

    def signature(self, row: int, config: Config, today: dt.date) -> None:
        first = max(self.last_col - 2, 0)
        officer = config.signer("ppid", today)
        lines = [
            (f"{config.office.kota}, {format_date_id(today)}", "sign"),
            (f"{officer.jabatan},", "sign"),
            ("", "sign"),
            ("", "sign"),
            ("", "sign"),
            (officer.nama, "sign_name"),
            (f"NIP. {format_nip(officer.nip)}", "sign"),
        ]
        for i, (text, fmt) in enumerate(lines):
            if text:
                self.merged(row + 1 + i, text, fmt, first, self.last_col)

    def print_setup(self, footer: str) -> None:
        a4_landscape(self.ws, footer=footer)
        self.ws.hide_gridlines(2)


# Column widths of the 'Riwayat Perubahan' sheet by changelog.COLUMNS key; others get 22.
CHANGES_WIDTHS = {
    "Tanggal": 17, "Proses Malam": 8, "Perubahan": 30, "ID Informasi": 15,
    "Unit Kerja": 24, "Ringkasan Isi Informasi": 45, "Jenis Informasi": 13,
}  # fmt: skip


def _changes_sheet(wb: Any, changes: Sequence[Mapping[str, Any]], footer: str) -> None:
    """The 'Riwayat Perubahan' sheet: one row per change, columns in first-seen key order."""
    ws = wb.add_worksheet(CHANGES_SHEET)
    keys: list[str] = []
    for change in changes:
        keys.extend(k for k in change if k not in keys)
    font = {"font_name": "Arial", "font_size": 10, "border": 1, "text_wrap": True}
    head = wb.add_format({**font, "bold": True, "bg_color": HEADER_COLOR, "valign": "vcenter"})
    cell = wb.add_format({**font, "valign": "top"})
    widths = [CHANGES_WIDTHS.get(key, 22) for key in keys]
    ws.set_row(0, 30)
    for col, key in enumerate(keys):
        ws.set_column(col, col, widths[col])
        ws.write_string(0, col, key, head)
    for row, change in enumerate(changes, 1):
        texts = []
        for col, key in enumerate(keys):
            value = change.get(key)
            text = format_date_id(value) if isinstance(value, dt.date) else str(value or "")
            texts.append(text)
            if text:
                ws.write_string(row, col, text, cell)
            else:
                ws.write_blank(row, col, None, cell)
        fit_row(ws, row, texts, widths)
    ws.freeze_panes(1, 0)
    a4_landscape(ws, footer=footer, header_row=0)


def _office_workbook(
    config: Config,
    today: dt.date,
    *,
    title: str,
    doc_title: str,
    sheet_name: str,
    columns: Sequence[tuple[str, int]],
    fill: Callable[[_Sheet, int], int],
    changes: Sequence[Mapping[str, Any]] | None,
    spool: Path | None,
) -> bytes:
    """A workbook in the office's layout; `fill(sheet, first_row)` writes the body rows,
    in order: the sheets are streamed (their rows spooled in `spool`, the system's
    temporary folder when None), so memory does not grow with the register."""
    buf = io.BytesIO()
    if spool is not None:
        spool.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".xlsx-", dir=spool) as folder:
        wb = new_workbook(
            buf,
            title=doc_title,
            created=today,
            company=config.office.nama_satker,
            streamed_in=Path(folder),
        )
        sheet = _Sheet(wb, wb.add_worksheet(sheet_name), columns)
        row = fill(sheet, sheet.header(sheet.letterhead(config, title, today)))
        sheet.signature(row + 1, config, today)
        sheet.print_setup(f"{doc_title} — {config.office.singkatan}")
        if changes is not None:
            footer = f"{CHANGES_SHEET} {doc_title} — {config.office.singkatan}"
            _changes_sheet(wb, changes, footer)
        wb.close()
    return buf.getvalue()


def register_xlsx(
    groups: Sequence[Group],
    year: int,
    config: Config,
    today: dt.date,
    changes: Sequence[Mapping[str, Any]] | None = None,
    spool: Path | None = None,
) -> bytes:
    def fill(sheet: _Sheet, row: int) -> int:
        for group in groups:
            sheet.merged(row, f"{group.letter}. {group.heading}", "group")
            row = sheet.rows(row + 1, group.rows)
        return row

    return _office_workbook(
        config,
        today,
        title=f"DAFTAR INFORMASI PUBLIK TAHUN {year}",
        doc_title=f"Daftar Informasi Publik {year}",
        sheet_name="Daftar Informasi Publik",
        columns=REGISTER_COLUMNS,
        fill=fill,
        changes=changes,
        spool=spool,
    )


def exemptions_xlsx(
    items: Sequence[RegisterItem],
    year: int,
    config: Config,
    today: dt.date,
    changes: Sequence[Mapping[str, Any]] | None = None,
    spool: Path | None = None,
) -> bytes:
    listed = config.pengecualian.ditetapkan_kpu_ri
    records = [
        {**item_fields(i, no), "kpu_ri": kpu_ri_note(i, listed), "keputusan": ""}
        for no, i in enumerate(exempted(items), 1)
    ]
    return _office_workbook(
        config,
        today,
        title=f"DAFTAR USULAN INFORMASI YANG DIKECUALIKAN TAHUN {year}",
        doc_title=f"Daftar Usulan Informasi yang Dikecualikan {year}",
        sheet_name="Usulan Dikecualikan",
        columns=EXEMPTION_COLUMNS,
        fill=lambda sheet, row: sheet.rows(row, records),
        changes=changes,
        spool=spool,
    )


# ---- csv and json ----

CSV_COLUMNS = (
    ("jenis", "Jenis Informasi"), ("no", "No"), ("id", LABELS["id"]),
    ("ringkasan", LABELS["ringkasan"]), ("penguasa", LABELS["penguasa"]),
    ("penanggung_jawab", LABELS["penanggung_jawab"]), ("waktu_tempat", LABELS["waktu_tempat"]),
    ("waktu_pembuatan", "Waktu Pembuatan (ISO)"), ("bentuk", LABELS["bentuk"]),
    ("retensi", LABELS["retensi"]), ("tautan", LABELS["tautan"]),
)  # fmt: skip


def register_csv(groups: Sequence[Group]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in CSV_COLUMNS])
    for group in groups:
        for rec in group.rows:
            writer.writerow(
                [rec[k] if k == "no" else inert(str(rec[k] or "")) for k, _ in CSV_COLUMNS]
            )
    # The BOM makes Excel read the file as UTF-8 instead of the local code page.
    return out.getvalue().encode("utf-8-sig")


JSON_KEYS = (
    "no", "id", "ringkasan", "penguasa", "penanggung_jawab", "tempat", "bentuk", "retensi",
    "tautan", "keterangan",
)  # fmt: skip


def register_json(groups: Sequence[Group], year: int, config: Config, today: dt.date) -> bytes:
    def record(rec: Mapping[str, Any]) -> dict[str, Any]:
        data = {k: (rec[k] if rec[k] != "" else None) for k in JSON_KEYS}
        data["tempat_pembuatan"] = data.pop("tempat")
        data["waktu_pembuatan"] = rec["waktu_pembuatan"]  # ISO, with the unit's precision
        data["waktu_pembuatan_presisi"] = rec["presisi"]
        data["waktu_pembuatan_teks"] = rec["waktu"]
        return data

    doc = {
        "judul": "Daftar Informasi Publik",
        "badan_publik": config.office.nama_satker,
        "tahun": year,
        "keadaan_per": today.isoformat(),
        "jumlah": sum(len(g.rows) for g in groups),
        "kelompok": [
            {
                "jenis": g.jenis,
                "judul": g.heading,
                "jumlah": len(g.rows),
                "informasi": _Records(g.rows, record),
            }
            for g in groups
        ],
    }
    return _encoded(itertools.chain(_indented(doc, 0), ["\n"]))


_FLAT = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class _Records:
    """A json list made record by record as it is encoded (never the whole list at once)."""

    rows: Sequence[Mapping[str, Any]]
    make: Callable[[Mapping[str, Any]], dict[str, Any]]


def indented_json(value: Any, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, in a fraction of
    the time: json's indenting encoder is pure Python, so a flat object (the DIP's
    thousands of records) is encoded by the C encoder with the indentation as its
    separator instead; dicts and lists holding containers are walked here."""
    return "".join(_indented(value, level))


def _indented(value: Any, level: int) -> Iterator[str]:
    """indented_json's text in pieces (one flat object at most per piece)."""
    pad = "  " * (level + 1)
    if type(value) is dict and value and all(type(k) is str for k in value):
        if all(isinstance(v, _FLAT) for v in value.values()):
            body = json.dumps(value, ensure_ascii=False, separators=(",\n" + pad, ": "))
            yield "{\n" + pad + body[1:-1] + "\n" + "  " * level + "}"
            return
        yield "{\n" + pad
        for n, (k, v) in enumerate(value.items()):
            yield ("," + "\n" + pad if n else "") + json.dumps(k, ensure_ascii=False) + ": "
            yield from _indented(v, level + 1)
        yield "\n" + "  " * level + "}"
        return
    if isinstance(value, _Records):
        value = map(value.make, value.rows) if value.rows else []
    if (type(value) is list or type(value) is map) and value:
        yield "[\n" + pad
        for n, v in enumerate(value):
            if n:
                yield ",\n" + pad
            yield from _indented(v, level + 1)
        yield "\n" + "  " * level + "]"
        return
    # Anything else (a tuple, keys that are not text): json's own indenting, shifted to
    # this depth (an encoded string never holds a raw line break).
    yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def _encoded(pieces: Iterable[str]) -> bytes:
    """UTF-8 of the pieces joined, encoded a few thousand at a time: the text of a large
    register's page or json is never held whole beside its bytes."""
    out = io.BytesIO()
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= 4096:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
    out.write("".join(batch).encode("utf-8"))
    return out.getvalue()


# ---- html ----


def _csp_hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode()


def html_environment(templates_dir: Path) -> Any:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    loader = ChoiceLoader(
        [FileSystemLoader(str(templates_dir)), FileSystemLoader(str(DEFAULT_TEMPLATES))]
    )
    env = Environment(
        loader=loader, autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    env.filters["csp_hash"] = _csp_hash
    return env


HTML_VARIABLES = frozenset({"tahun", "tanggal", "kantor", "ppid", "kelompok", "jumlah", "kolom"})


def check_html_template(templates_dir: Path) -> None:
    """Raise TemplateError when the page template is broken or uses an unknown variable."""
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import meta

    env = html_environment(templates_dir)
    try:
        source = env.loader.get_source(env, HTML_TEMPLATE)[0]  # type: ignore[union-attr]
        names = meta.find_undeclared_variables(env.parse(source))
    except JinjaTemplateError as exc:
        raise TemplateError(
            f"Templat {HTML_TEMPLATE} tidak dapat dibaca: {exc.message}; perbaiki tandanya."
        ) from exc
    unknown = sorted(names - HTML_VARIABLES)
    if unknown:
        raise TemplateError(
            f"Templat {HTML_TEMPLATE} memakai variabel '{unknown[0]}' yang tidak dikenal; "
            f"variabel yang tersedia: {', '.join(sorted(HTML_VARIABLES))}."
        )


def register_html(groups: Sequence[Group], year: int, config: Config, today: dt.date) -> bytes:
    template = html_environment(config.templates_dir).get_template(HTML_TEMPLATE)
    pieces = template.generate(
        tahun=year,
        tanggal=format_date_id(today),
        kantor=office_fields(config.office),
        ppid=officer_fields(config.signer("ppid", today)),
        kelompok=groups,
        jumlah=sum(len(g.rows) for g in groups),
        kolom=[LABELS[k] for k, _ in REGISTER_COLUMNS],
    )
    # render() would hold every piece of the page, then the page as text, then its bytes.
    return _encoded(pieces)


# ---- the public entry points ----


def write_exemptions(
    items: Sequence[RegisterItem],
    year: int,
    config: Config,
    out_dir: Path,
    *,
    today: dt.date,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Daftar Usulan Informasi yang Dikecualikan: approved exempt items, for the uji konsekuensi."""
    path = Path(out_dir) / EXEMPTIONS_NAME.format(tahun=year)
    data = exemptions_xlsx(items, year, config, today, changes, spool=path.parent)
    return atomic_write_bytes(path, data)


def write_register(
    items: Sequence[RegisterItem],
    year: int,
    config: Config,
    out_dir: Path,
    *,
    today: dt.date,
    changes: Sequence[Mapping[str, Any]] | None = None,
    exemptions: bool = True,
) -> list[Path]:
    """Write the Daftar Informasi Publik of `year` (.xlsx, .html, .csv, .json), the exemptions,
    and the csv and json's .datapackage.json.

    `items` is the register as the store gives it; only approved items that are not
    Dikecualikan are published (withdrawn ones are not), whatever year they were filed.
    `changes`, when given, adds a 'Riwayat Perubahan' sheet; `exemptions=False` leaves
    the exemption list out (a reprint of an earlier DIP).
    """
    out = Path(out_dir)
    stem = REGISTER_STEM.format(tahun=year)
    groups = register_groups(items)
    outputs = [
        (".xlsx", lambda: register_xlsx(groups, year, config, today, changes, spool=out)),
        (".html", lambda: register_html(groups, year, config, today)),
        (".csv", lambda: register_csv(groups)),
        (".json", lambda: register_json(groups, year, config, today)),
    ]
    # Each file is written as soon as it is built (only the csv and json are kept, for the
    # descriptor's checksums): the four held at once were a large register's peak.
    written: dict[str, Path] = {}
    kept: dict[str, bytes] = {}
    for ext, build in sorted(outputs, key=lambda o: o[0] != ".html"):  # the template first
        data = build()
        written[ext] = atomic_write_bytes(out / f"{stem}{ext}", data)
        if ext in (".csv", ".json"):
            kept[ext] = data
        del data
    paths = [written[ext] for ext, _ in outputs]
    if exemptions:
        paths.append(write_exemptions(items, year, config, out, today=today))
    # The open-data descriptor of the csv and json, with their checksums.
    paths.append(
        atomic_write_bytes(
            out / f"{stem}{DATAPACKAGE_SUFFIX}",
            dip_datapackage(
                year=year,
                office=config.office.nama_satker,
                office_short=config.office.singkatan,
                as_of=today.isoformat(),
                labels=LABELS,
                bentuk=form_schema().field("bentuk").choice_values,
                csv_name=f"{stem}.csv",
                csv_data=kept[".csv"],
                json_name=f"{stem}.json",
                json_data=kept[".json"],
            ),
        )
    )
    return paths
