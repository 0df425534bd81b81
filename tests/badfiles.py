"""Writes real good, bad and hostile workbooks for the reader and validation tests.

Every case is a function writing one file into a folder, and the exact findings it must give:
`[(cell, field, type), ...]` for errors (and warnings where a case is about a warning).
Forms are written with xlsxwriter (shared strings; inline strings in constant_memory mode)
and openpyxl (shared strings; ISO `t="d"` date cells), as clerks' tools would.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

from ppid_batch.forms.schema import form_schema

# the blank form's columns, in its order, straight from ppid_batch/schemas/form_dip.yaml
_FIELDS = form_schema().blank_form_fields
HEADER = [f.label for f in _FIELDS]
COL = {f.key: chr(ord("A") + i) for i, f in enumerate(_FIELDS)}  # field key → column letter
FIRST_ROW = 9  # Excel row of the first item; the header is on row 8


def good_row(n: int = 1, **changes: Any) -> list[Any]:
    row: dict[str, Any] = {
        "no": n,
        "ringkasan": f"Laporan Realisasi Anggaran Triwulan {n} Tahun 2024",
        "penguasa": "Subbagian Keuangan, Umum dan Logistik",
        "penanggung_jawab": "Kepala Subbagian Keuangan, Umum dan Logistik",
        "waktu_pembuatan": "April 2024",
        "tempat_pembuatan": "Mesuji",
        "bentuk": "Softcopy dan Hardcopy",
        "retensi": "2 Tahun Aktif, 3 Tahun Inaktif",
        "jenis": "Berkala",
        "dasar_pengecualian": "",
        "konsekuensi": "",
        "tautan": "https://jdih.kpu.go.id/lampung/mesuji",
        "keterangan": "",
    }
    row.update(changes)
    return [row.get(k, "") for k in COL]


@dataclass
class Form:
    """A form laid out as clerks fill it: title, metadata block, header, rows."""

    meta: list[list[Any]] = field(
        default_factory=lambda: [
            ["Unit Kerja / Subbagian", ":", "Subbagian Keuangan, Umum dan Logistik"],
            ["Nama Petugas", ":", "Siti Rahmawati"],
            ["NIP", ":", "19860926 201505 1 001"],
            ["Tanggal Pengisian", ":", dt.date(2025, 5, 2)],
        ]
    )
    header: list[str] = field(default_factory=lambda: list(HEADER))
    rows: list[list[Any]] = field(default_factory=lambda: [good_row(1), good_row(2)])
    title: str = "FORM DAFTAR INFORMASI PUBLIK"
    sheet: str = "Form DIP"
    header_row: int = 8  # 1-based; metadata starts on row 3
    extra_sheets: tuple[str, ...] = ("Panduan",)

    def cells(self) -> Iterator[tuple[int, int, Any]]:
        """(0-based row, 0-based column, value) of every cell of the form sheet."""
        yield 0, 0, self.title
        for i, row in enumerate(self.meta):
            yield from ((2 + i, c, v) for c, v in enumerate(row))
        yield from ((self.header_row - 1, c, v) for c, v in enumerate(self.header))
        for i, row in enumerate(self.rows):
            yield from ((self.header_row + i, c, v) for c, v in enumerate(row))


def _xlsxwriter(form: Form, path: Path, *, inline: bool = False) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline, "strings_to_formulas": False})
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet(form.sheet)

    def put(r: int, c: int, v: Any) -> None:
        if isinstance(v, dt.date):
            ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), datefmt)
        elif isinstance(v, Formula):
            ws.write_formula(r, c, v.formula, None, v.cached)
        elif isinstance(v, str):
            if v != "":
                ws.write_string(r, c, v)
        elif v is not None:
            ws.write(r, c, v)

    for r, c, v in form.cells():
        put(r, c, v)
    for name in form.extra_sheets:
        wb.add_worksheet(name).write(0, 0, "Petunjuk pengisian")
    wb.close()
    return path


def _openpyxl(form: Form, path: Path, *, iso_dates: bool = False) -> Path:
    wb = openpyxl.Workbook()
    wb.iso_dates = iso_dates
    ws = wb.active
    ws.title = form.sheet

    def put(r: int, c: int, v: Any) -> None:
        if v == "" or v is None:
            return
        cell = ws.cell(row=r + 1, column=c + 1)
        if isinstance(v, Formula):
            # openpyxl cannot store a formula's cached value; Excel would have saved it.
            cell.value = v.cached
            cell.data_type = "s"
        else:
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, dt.date):
                cell.number_format = "DD/MM/YYYY"

    for r, c, v in form.cells():
        put(r, c, v)
    for name in form.extra_sheets:
        wb.create_sheet(name)["A1"] = "Petunjuk pengisian"
    wb.save(path)
    return path


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: Any


WRITERS: dict[str, Callable[[Form, Path], Path]] = {
    "xlsxwriter": _xlsxwriter,
    "xlsxwriter-inline": lambda f, p: _xlsxwriter(f, p, inline=True),
    "openpyxl": _openpyxl,
    "openpyxl-isodate": lambda f, p: _openpyxl(f, p, iso_dates=True),
}


def write_form(form: Form, path: Path, writer: str = "xlsxwriter") -> Path:
    return WRITERS[writer](form, path)


EXTRA = chr(ord("A") + len(HEADER))  # the column right of the blank form's last one


def cell(key: str, n: int = 1) -> str:
    """Cell of field `key` on item n (1-based) in the default layout."""
    return f"{COL[key]}{FIRST_ROW + n - 1}"


# ---- form cases: one rule each ----------------------------------------------------------

Expected = list[tuple[str | None, str | None, str]]


@dataclass(frozen=True)
class Case:
    name: str
    form: Form
    errors: Expected
    warnings: Expected = ()  # type: ignore[assignment]


def _with_row(**changes: Any) -> Form:
    return Form(rows=[good_row(1), good_row(2, **changes)])


def _one_bad(name: str, slug: str, **change: Any) -> Case:
    """Item 2 with one field changed, and the one finding it must give on that field's cell."""
    (key,) = change
    return Case(name, _with_row(**change), [(cell(key, 2), key, slug)])


def _meta(key: str, value: Any) -> Form:
    form = Form()
    form.meta = [row if row[0] != key else [row[0], row[1], value] for row in form.meta]
    return form


def _without_meta(key: str) -> Form:
    form = Form()
    form.meta = [row for row in form.meta if row[0] != key]
    return form


def _header(old: str, new: str | None) -> Form:
    form = Form()
    idx = form.header.index(old)
    if new is None:
        form.header = form.header[:idx] + form.header[idx + 1 :]
        form.rows = [r[:idx] + r[idx + 1 :] for r in form.rows]
    else:
        form.header[idx] = new
    return form


def _combined(*values: Any) -> Form:
    form = Form()
    w, t = form.header.index(HEADER[4]), form.header.index(HEADER[5])
    form.header = [*form.header[:w], "Waktu dan Tempat Pembuatan Informasi", *form.header[t + 1 :]]
    rows = []
    for n, v in enumerate(values, start=1):
        r = good_row(n)
        rows.append([*r[:w], v, *r[t + 1 :]])
    form.rows = rows
    return form


def _plus_column(label: str, *values: Any) -> Form:
    """The good form with one more column on the right, `values` down its rows."""
    form = Form()
    form.header = [*form.header, label]
    form.rows = [[*r, v] for r, v in zip(form.rows, values, strict=True)]
    return form


def _shuffled() -> Form:
    form = Form()
    order = list(reversed(range(len(HEADER))))
    form.header = [HEADER[i] for i in order]
    form.rows = [[r[i] for i in order] for r in form.rows]
    form.rows[1][order.index(8)] = "Rahasia"  # jenis of item 2
    return form


def _variants() -> Form:
    form = Form()
    form.header = [
        "NO.",
        "judul  informasi",
        "Unit Penguasa\nInformasi",
        "PENANGGUNG JAWAB",
        "Waktu",
        "Tempat",
        "Bentuk",
        "Retensi",
        "Klasifikasi Informasi",
        "Dasar Pengecualian",
        "Uji Konsekuensi",
        "Link",
        "Ket.",
    ]
    form.meta = [
        ["Tim Penghubung:", "Subbagian Hukum"],
        ["Petugas Pengisi", "Andi"],
        ["Tanggal", "2 Mei 2025"],
    ]
    form.rows = [
        good_row(1, bentuk="soft copy", retensi="5 thn", jenis="Informasi Berkala"),
        good_row(
            2,
            bentuk="Cetak/Online",
            retensi="Permanen",
            jenis="informasi yang dikecualikan",
            dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
            konsekuensi="Mengungkap data pribadi",
            waktu_pembuatan=dt.date(2025, 1, 2),
        ),
        good_row(3, bentuk="\u00a0hardcopy\u00a0", retensi=" selama berlaku ", jenis="serta-merta"),
    ]
    return form


def _too_long() -> Form:
    return _with_row(ringkasan="x" * 2001)


def _blank_rows_and_formula() -> Form:
    form = Form()
    form.rows = [
        good_row(1, ringkasan=Formula('="Laporan Kinerja "&"2024"', "Laporan Kinerja 2024")),
        [""] * len(HEADER),
        good_row(3, ringkasan="=SUM(1,2) ditulis sebagai teks"),
    ]
    return form


# FORM.md §3's example finding, as `validate --json` must print it for the "jenis" case
JENIS_FINDING_JSON = {
    "sheet": "Form DIP",
    "cell": "I10",
    "row": 10,
    "field": "jenis",
    "column": "Jenis Informasi",
    "value": "Rahasia",
    "type": "choice",
    "message": "Jenis Informasi harus salah satu dari: Berkala, Serta Merta, Setiap Saat, "
    "Dikecualikan",
}

FORM_CASES: list[Case] = [
    Case("valid", Form(), []),
    Case("valid-variants", _variants(), []),
    Case(
        "valid-combined",
        _combined("Mesuji, 2024", "Maret 2025, Mesuji"),
        [],
    ),
    Case("blank-rows-formula", _blank_rows_and_formula(), []),
    _one_bad("required", "required", ringkasan=""),
    Case(
        "required-many",
        _with_row(penguasa="", bentuk="", retensi="  "),
        [
            (cell("penguasa", 2), "penguasa", "required"),
            (cell("bentuk", 2), "bentuk", "required"),
            (cell("retensi", 2), "retensi", "required"),
        ],
    ),
    _one_bad("too-short", "length", ringkasan="Abc"),
    Case("too-long", _too_long(), [(cell("ringkasan", 2), "ringkasan", "length")]),
    _one_bad("bentuk", "choice", bentuk="kertas"),
    _one_bad("jenis", "choice", jenis="Rahasia"),
    _one_bad("waktu-text", "date", waktu_pembuatan="kemarin sore"),
    _one_bad("waktu-bad-day", "date", waktu_pembuatan="31/02/2024"),
    _one_bad("year-min", "year_min", waktu_pembuatan=1998),
    _one_bad("after-filling", "date_after_filling", waktu_pembuatan="3 Mei 2025"),
    _one_bad("after-filling-month", "date_after_filling", waktu_pembuatan="Juni 2025"),
    Case("same-month-ok", _with_row(waktu_pembuatan="Mei 2025"), []),
    _one_bad("tempat", "required", tempat_pembuatan="\u00a0 "),
    _one_bad("retensi", "retensi", retensi="lama sekali"),
    _one_bad("retensi-zero", "retensi", retensi="0 Tahun"),
    _one_bad("retensi-101", "retensi", retensi="101 tahun"),
    Case(
        "dikecualikan-no-basis",
        _with_row(jenis="Dikecualikan"),
        [
            (cell(key, 2), key, "required_if")
            for key in ("dasar_pengecualian", "konsekuensi", "jangka_pengecualian")
        ],
    ),
    Case(
        "basis-without-dikecualikan",
        _with_row(dasar_pengecualian="Pasal 17", konsekuensi="Bahaya"),
        [
            (cell("dasar_pengecualian", 2), "dasar_pengecualian", "not_applicable"),
            (cell("konsekuensi", 2), "konsekuensi", "not_applicable"),
        ],
    ),
    _one_bad("link-javascript", "link", tautan="javascript:alert(1)"),
    _one_bad("link-data", "link", tautan="data:text/html;base64,PHNjcmlwdD4="),
    _one_bad("link-file", "link", tautan="file:///etc/passwd"),
    _one_bad("link-ftp", "link", tautan="ftp://arsip.kpu.go.id/a"),
    _one_bad("link-no-host", "link", tautan="https://"),
    Case("link-location", _with_row(tautan="Lemari Arsip Subbag Hukum, Rak 2"), []),
    Case("nip-bad", _meta("NIP", "1986 0926"), [("C5", "nip", "nip")]),
    Case("nip-number", _meta("NIP", 198609262015051001), [("C5", "nip", "nip_number")]),
    Case("nip-empty-ok", _meta("NIP", ""), []),
    Case("unit-missing", _without_meta("Unit Kerja / Subbagian"), [(None, "unit", "missing_meta")]),
    Case("petugas-blank", _meta("Nama Petugas", ""), [("C4", "petugas", "required")]),
    Case(
        "tanggal-bad",
        _meta("Tanggal Pengisian", "Mei 2025"),
        [("C6", "tanggal_pengisian", "full_date")],
    ),
    Case(
        "missing-column",
        _header("Jenis Informasi", None),
        [(None, "jenis", "missing_column")],
    ),
    Case(
        "duplicate-column",
        _plus_column("Kategori Informasi", "Berkala", "Berkala"),
        [(None, "jenis", "duplicate_column")],
    ),
    Case(
        "combined-and-separate",
        _plus_column("Waktu dan Tempat Pembuatan Informasi", "Mesuji, 2024", "Mesuji, 2024"),
        [(None, None, "duplicate_column")],
    ),
    Case(
        "extra-column",
        _plus_column("Catatan Pribadi", "isi bebas", "isi bebas"),
        [],
        [(f"{EXTRA}8", None, "extra_column")],
    ),
    Case(
        "combined-bad",
        _combined("Mesuji", "2024"),
        [("E9", "waktu_pembuatan", "date"), ("E10", "tempat_pembuatan", "required")],
    ),
    Case(
        "shuffled", _shuffled(), [(f"{chr(ord('A') + len(HEADER) - 1 - 8)}10", "jenis", "choice")]
    ),
    Case(
        "duplicate-item",
        Form(rows=[good_row(1), good_row(1, no=2)]),
        [],
        [(cell("ringkasan", 2), "ringkasan", "duplicate_item")],
    ),
    Case(
        "duplicate-item-case-and-spacing",
        Form(
            rows=[
                good_row(1),
                good_row(2, ringkasan=" laporan REALISASI  anggaran\ntriwulan 1 tahun 2024 "),
            ]
        ),
        [],
        [(cell("ringkasan", 2), "ringkasan", "duplicate_item")],
    ),
    Case("no-header", Form(header=["Kolom A", "Kolom B"]), [(None, None, "no_header")]),
    Case("empty-form", Form(rows=[]), [(None, None, "empty_form")]),
    Case(
        "persetujuan-in-form",
        _plus_column("Persetujuan Atasan PPID", "ya", "mungkin"),
        [(f"{EXTRA}10", "persetujuan", "choice")],
    ),
]


# ---- approval sheets --------------------------------------------------------------------

APPROVAL_HEADER = [
    "ID Informasi",
    "Unit Kerja",
    "Ringkasan Isi Informasi",
    "Jenis Informasi",
    "Persetujuan (YA/TIDAK)",
    "Arahan / Disposisi",
]


def approval(
    rows: Sequence[Sequence[Any]],
    *,
    atasan: Any = "Drs. H. Ahmad",
    tanggal: Any = dt.date(2025, 6, 2),
    meta: bool = True,
) -> Form:
    form = Form(
        meta=[["Nama Atasan PPID", ":", atasan], ["Tanggal Persetujuan", ":", tanggal]]
        if meta
        else [],
        header=list(APPROVAL_HEADER),
        rows=[list(r) for r in rows],
        title="LEMBAR PERSETUJUAN ATASAN PPID",
        sheet="Persetujuan",
        header_row=6,
        extra_sheets=(),
    )
    return form


def _ok_row(n: int, decision: str = "", arahan: str = "") -> list[Any]:
    return [
        f"DIP-2025-{n:04d}",
        "Subbagian Hukum",
        f"Informasi nomor {n}",
        "Berkala",
        decision,
        arahan,
    ]


APPROVAL_CASES: list[Case] = [
    Case(
        "approval-valid",
        approval([_ok_row(1, "ya"), _ok_row(2, "TIDAK", "Perbaiki"), _ok_row(3)]),
        [],
    ),
    # Nothing decided: no meta needed, but a note that the sheet is not filled in yet.
    Case(
        "approval-pending-no-meta",
        approval([_ok_row(1), _ok_row(2)], meta=False),
        [],
        [(None, None, "no_decisions")],
    ),
    Case(
        "approval-variants", approval([_ok_row(1, "Setuju"), _ok_row(2, "ditolak", "Ulangi")]), []
    ),
    Case(
        "approval-tidak-no-arahan",
        approval([_ok_row(1, "TIDAK")]),
        [("F7", "arahan", "required_if")],
    ),
    Case(
        "approval-bad-choice", approval([_ok_row(1, "mungkin")]), [("E7", "persetujuan", "choice")]
    ),
    Case(
        "approval-bad-id",
        approval([["DIP-25-1", "", "", "", "YA", ""], ["", "", "", "", "", ""], _ok_row(3)]),
        [("A7", "id", "item_id")],
    ),
    Case(
        "approval-missing-id",
        approval([["", "Subbagian Hukum", "Isi", "Berkala", "YA", ""]]),
        [("A7", "id", "required")],
    ),
    Case(
        "approval-decided-no-atasan",
        approval([_ok_row(1, "YA")], atasan=""),
        [("C3", "atasan", "required_if")],
    ),
    Case(
        "approval-decided-no-meta",
        approval([_ok_row(1, "YA")], meta=False),
        [(None, "atasan", "missing_meta"), (None, "tanggal_persetujuan", "missing_meta")],
    ),
    Case(
        "approval-bad-date",
        approval([_ok_row(1, "YA")], tanggal="besok"),
        [("C4", "tanggal_persetujuan", "full_date")],
    ),
    Case(
        "approval-duplicate-id",
        approval([_ok_row(1, "YA"), _ok_row(1, "YA")]),
        [],
        [("A8", "id", "duplicate_id")],
    ),
]


# ---- refused and hostile files ----------------------------------------------------------


def _good_bytes() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("Form DIP").write(0, 0, "x")
    wb.close()
    return buf.getvalue()


def _rezip(members: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _ole(names: Sequence[str]) -> bytes:
    """A minimal OLE2 compound file: header sector plus one directory sector naming streams."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 0x18, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 0x1E, 9)
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", *names][:4]):
        encoded = name.encode("utf-16-le")
        entry = bytearray(128)
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded) + 2)
        entry[66] = 5 if i == 0 else 2
        directory[i * 128 : (i + 1) * 128] = entry
    return bytes(header + directory + bytes(512))


def _macro_bin() -> bytes:
    m = _members(_good_bytes())
    m["xl/vbaProject.bin"] = _ole(["VBA", "dir"])
    return _rezip(m)


def _macro_type() -> bytes:
    m = _members(_good_bytes())
    m["[Content_Types].xml"] = m["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    return _rezip(m)


BOMB_BYTES = 210 * 1024 * 1024


def _with_big_member(name: str, head: bytes, tail: bytes) -> bytes:
    """The good workbook plus `name` inflating to over 200 MB, written as a stream."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for member, data in _members(_good_bytes()).items():
            if member != name:
                zf.writestr(zipfile.ZipInfo(member, (1980, 1, 1, 0, 0, 0)), data)
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1  # type: ignore[attr-defined]  # fast to build, still 210 MB
        with zf.open(info, "w") as out:
            out.write(head)
            block = b"A" * (1 << 20)
            for _ in range(BOMB_BYTES >> 20):
                out.write(block)
            out.write(tail)
    return buf.getvalue()


def _zip_bomb_declared() -> bytes:
    return _with_big_member("xl/media/image1.png", b"", b"")


def _zip_bomb_lying() -> bytes:
    """sharedStrings.xml claims 1 KB in both headers but inflates to 210 MB."""
    data = bytearray(_with_big_member("xl/sharedStrings.xml", b"<sst><si><t>", b"</t></si></sst>"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/sharedStrings.xml")
    name = b"xl/sharedStrings.xml"
    struct.pack_into("<II", data, info.header_offset + 18, info.compress_size, 1024)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == name:
            struct.pack_into("<II", data, pos + 20, info.compress_size, 1024)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def _billion_laughs() -> bytes:
    m = _members(_good_bytes())
    lol = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + b"".join(
            f' <!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">\n'.encode()
            for i in range(1, 10)
        )
        + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    m["xl/sharedStrings.xml"] = lol
    return _rezip(m)


def _entity_in_content_types() -> bytes:
    m = _members(_good_bytes())
    m["[Content_Types].xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]>' + m["[Content_Types].xml"][38:]
    )
    return _rezip(m)


def _huge_sheet_area() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Form DIP")
    ws.write(0, 0, "Judul")
    ws.write(1048575, 16383, "jauh")
    wb.close()
    return buf.getvalue()


ODS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ods" / "merged-tempat.ods"


def _odt() -> bytes:
    """A LibreOffice Writer document renamed .ods: OpenDocument, but not a spreadsheet."""
    return _rezip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
        },
        zipfile.ZIP_STORED,
    )


def _ods_members() -> dict[str, bytes]:
    return _members(ODS_FIXTURE.read_bytes())


def _ods_with(extra: dict[str, bytes]) -> bytes:
    return _rezip({**_ods_members(), **extra})


def _ods_macro() -> bytes:
    return _ods_with(
        {
            "Basic/script-lc.xml": b"<library:libraries/>",
            "Basic/Standard/script-lb.xml": b"<library:library/>",
            "Basic/Standard/Module1.xml": b"<script:module/>",
        }
    )


def _ods_content(change: Callable[[bytes], bytes]) -> bytes:
    m = _ods_members()
    m["content.xml"] = change(m["content.xml"])
    return _rezip(m)


def _ods_dtd() -> bytes:
    return _ods_content(
        lambda c: c.replace(
            b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1
        )
    )


def _ods_huge_area() -> bytes:
    """One row of a value repeated 1000 columns wide, the row repeated a million times:
    a few bytes that a reader would turn into a billion cells."""
    row = (
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
        b"</table:table-cell></table:table-row>"
    )
    return _ods_content(lambda c: c.replace(b"</table:table>", row + b"</table:table>", 1))


def _ods_encrypted() -> bytes:
    m = _ods_members()
    m["META-INF/manifest.xml"] = m["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
        b"</manifest:file-entry></manifest:manifest>",
    )
    return _rezip(m)


def _docx() -> bytes:
    return _rezip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types">'
            b'<Override PartName="/word/document.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "word/document.xml": b"<w:document/>",
        }
    )


def _bad_sheet_xml() -> bytes:
    m = _members(_good_bytes())
    m["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99"
    return _rezip(m)


@dataclass(frozen=True)
class Refused:
    name: str
    filename: str
    make: Callable[[], bytes]
    type: str


def _truncated() -> bytes:
    data = _good_bytes()
    return data[: len(data) // 2]


REFUSED: list[Refused] = [
    Refused("empty", "Form-kosong.xlsx", lambda: b"", "empty_file"),
    Refused("csv", "Form.xlsx", lambda: b"No;Ringkasan;Jenis\n1;Laporan;Berkala\n", "not_xlsx"),
    Refused(
        "html-as-xls", "Form.xls", lambda: b"<html><table><tr><td>1</td></tr></table>", "not_xlsx"
    ),
    Refused(
        "xls-renamed", "Form-lama.xlsx", lambda: _ole(["Workbook", "SummaryInformation"]), "xls"
    ),
    Refused(
        "encrypted",
        "Form-sandi.xlsx",
        lambda: _ole(["EncryptionInfo", "EncryptedPackage", "DataSpaces"]),
        "encrypted",
    ),
    Refused("odt", "Form.ods", _odt, "not_xlsx"),
    Refused("ods-macro", "Form-makro.ods", _ods_macro, "macro"),
    Refused(
        "ods-python-macro",
        "Form-makro2.ods",
        lambda: _ods_with({"Scripts/python/x.py": b"import os"}),
        "macro",
    ),
    Refused("ods-entities", "Form-ent.ods", _ods_dtd, "xml_unsafe"),
    Refused("ods-huge-area", "Form-luas.ods", _ods_huge_area, "sheet_too_large"),
    Refused("ods-encrypted", "Form-sandi.ods", _ods_encrypted, "encrypted"),
    Refused("docx", "Form.xlsx", _docx, "not_xlsx"),
    Refused("zip-no-types", "Form.xlsx", lambda: _rezip({"a.txt": b"hi"}), "not_xlsx"),
    Refused("truncated", "Form-potong.xlsx", _truncated, "truncated"),
    Refused("truncated-head", "Form-potong2.xlsx", lambda: b"PK\x03\x04\x14\x00", "truncated"),
    Refused("macro-bin", "Form.xlsm", _macro_bin, "macro"),
    Refused("macro-type", "Form-makro.xlsx", _macro_type, "macro"),
    Refused("zip-bomb", "Form-bom.xlsx", _zip_bomb_declared, "unpacked_too_large"),
    Refused("zip-bomb-lying", "Form-bom2.xlsx", _zip_bomb_lying, "unpacked_too_large"),
    Refused("billion-laughs", "Form-lol.xlsx", _billion_laughs, "xml_unsafe"),
    Refused("entity-content-types", "Form-ent.xlsx", _entity_in_content_types, "xml_unsafe"),
    Refused("huge-sheet-area", "Form-luas.xlsx", _huge_sheet_area, "sheet_too_large"),
    Refused("bad-sheet-xml", "Form-rusak.xlsx", _bad_sheet_xml, "unreadable"),
]


BY_NAME_REFUSED = {case.name: case for case in REFUSED}


def write_refused(case: Refused, folder: Path) -> Path:
    path = folder / case.filename
    path.write_bytes(case.make())
    return path


def write_too_large(folder: Path, size: int = 21 * 1024 * 1024) -> Path:
    """A file just over 20 MB (sparse: its size, not its content, is the point)."""
    path = folder / "Form-besar.xlsx"
    with path.open("wb") as fh:
        fh.write(_good_bytes())
        fh.truncate(size)
    return path
