"""Oversight of many offices (KPU Provinsi, KPU RI): every office's DIP in one table, and a
monitoring table of one row per office, from a shared database and/or export packages.

Offices are read one at a time and their DIP rows streamed into the xlsx (constant
memory), html and json writers, so memory stays that of one office however many
there are; only the one-row summaries are kept for the monitoring table. A source
that cannot be read (a foreign folder, a tampered package, an unreachable server)
is reported with its reason; the others still roll up.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..config import DEFAULT_TEMPLATES
from ..dates import format_date_id
from ..documents.fields import waktu_text
from ..errors import PpidError, UsageError
from ..models import DIKECUALIKAN, JENIS_HEADINGS
from ..workbook import AUTHOR, a4_landscape, cell_format, header_format
from .ekspor import DESCRIPTOR, OfficeSnapshot, PackageProblem, read_descriptor, read_package

DIP_STEM = "Rekap-Daftar-Informasi-Publik"
MONITOR_STEM = "Rekap-Pemantauan"
HTML_DIP = "rekap-dip.html.j2"
HTML_MONITOR = "rekap-pemantauan.html.j2"
# A province has at most ~40 offices; past this the page lists counts only (KPU RI's 552
# offices' DIP is some 200 MB of HTML, more than a browser opens): the xlsx and json have it all.
HTML_MAX_OFFICES = 60
# Excel stops at 1,048,576 rows a sheet; the rest goes on the next sheet
SHEET_ROWS = 1_000_000
QUIET_COLOR = "#FCE4D6"  # an office with nothing this year

DIP_COLUMNS = (
    ("satker", "Kode Satker", 10), ("nama", "Nama Satker", 28), ("id", "ID Informasi", 15),
    ("jenis", "Jenis Informasi", 14), ("ringkasan", "Ringkasan Isi Informasi", 45),
    ("penguasa", "Pejabat/Unit yang Menguasai", 24),
    ("penanggung_jawab", "Penanggung Jawab", 24), ("waktu_tempat", "Waktu dan Tempat", 22),
    ("bentuk", "Bentuk Informasi", 14), ("retensi", "Jangka Waktu Penyimpanan", 16),
    ("tautan", "Tautan", 28), ("tanggal_persetujuan", "Tanggal Persetujuan", 13),
)  # fmt: skip
JSON_KEYS = (
    "id", "jenis", "ringkasan", "unit", "penguasa", "penanggung_jawab", "waktu_pembuatan",
    "tempat_pembuatan", "bentuk", "retensi", "tautan", "tanggal_persetujuan",
)  # fmt: skip
JENIS = tuple(JENIS_HEADINGS)


@dataclass(frozen=True)
class SourceProblem:
    """A source (or one office in it) that did not roll up, and why, in Indonesian."""

    sumber: str
    alasan: str


@dataclass(frozen=True)
class OfficeSource:
    satker: str
    nama: str
    sumber: str
    load: Callable[[], OfficeSnapshot]
    as_of: Callable[[], str]  # the register's 'keadaan per', read without loading it


@dataclass(frozen=True)
class MonitorRow:
    """One office's line in Rekap-Pemantauan."""

    satker: str
    nama: str
    sumber: str
    dip_per_jenis: tuple[int, ...]
    dip: int
    dik: int
    menunggu: int
    menunggu_sejak: str
    lama_menunggu: int | None
    proses_terakhir: str
    keputusan: str
    keputusan_tanggal: str
    nota_dinas: int
    formulir: int
    keadaan_per: str
    catatan: str

    @property
    def diam(self) -> bool:
        """Sent nothing this year: the row the province must chase (highlighted)."""
        return bool(self.catatan)


@dataclass
class RekapResult:
    written: list[Path] = field(default_factory=list)
    offices: list[MonitorRow] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


# ---- the sources ----


def _satker_order(code: str) -> tuple[int, int, str]:
    return (0, int(code), code) if code.isdigit() else (1, 0, code)


def _is_url(source: str) -> bool:
    return "://" in source


def _database_sources(
    url: str, today: dt.date
) -> tuple[list[OfficeSource], list[Any], list[SourceProblem]]:
    """Every office in a shared database (opened once; closed by the caller through `engines`)."""
    from ..store.engine import shown_url
    from ..store.offices import list_offices, office_store, server_engine
    from .ekspor import office_snapshot, register_as_of

    shown = shown_url(url)
    try:
        engine = server_engine(url)
        offices = list_offices(engine)
    except PpidError as exc:
        return [], [], [SourceProblem(shown, str(exc))]
    except Exception as exc:  # a server that cannot be reached: reported, the rest rolls up
        return (
            [],
            [],
            [SourceProblem(shown, f"server tidak dapat dibaca ({exc.__class__.__name__})")],
        )
    if not offices:
        engine.dispose()
        reason = "bukan basis data bersama: belum ada kantor (ppid-batch db kantor-baru)"
        return [], [], [SourceProblem(shown, reason)]
    out = []
    for office in offices:

        def load(office: Any = office) -> OfficeSnapshot:
            store = office_store(engine, office)
            if store is None:
                raise PackageProblem("register kantor ini belum dibuat")
            return office_snapshot(store, office.satker, office.nama, today)

        def as_of(office: Any = office) -> str:
            store = office_store(engine, office)
            return "" if store is None else register_as_of(store, today)

        sumber = f"{shown} ({office.schema})"
        out.append(OfficeSource(office.satker, office.nama, sumber, load, as_of))
    return out, [engine], []


def _package_sources(folder: Path) -> tuple[list[OfficeSource], list[SourceProblem]]:
    if not folder.is_dir():
        return [], [SourceProblem(str(folder), "bukan folder dan bukan URL basis data")]
    candidates = (
        [folder]
        if (folder / DESCRIPTOR).exists()
        else sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    )
    out, problems = [], []
    if not candidates:
        problems.append(SourceProblem(str(folder), "tidak berisi paket ekspor (datapackage.json)"))
    for path in candidates:
        try:
            meta = read_descriptor(path)["ppid"]
        except PackageProblem as exc:
            problems.append(SourceProblem(str(path), str(exc)))
            continue
        load = functools.partial(read_package, path)
        as_of = functools.partial(str, meta.get("keadaan_per") or "")
        out.append(OfficeSource(meta["satker"], meta["nama"], str(path), load, as_of))
    return out, problems


@contextmanager
def open_sources(
    sources: Sequence[str], today: dt.date
) -> Iterator[tuple[list[OfficeSource], list[SourceProblem]]]:
    """Every office named by the sources, one per satker (the first source wins), by satker."""
    offices: list[OfficeSource] = []
    problems: list[SourceProblem] = []
    engines: list[Any] = []
    try:
        for source in sources:
            if _is_url(source):
                found, opened, trouble = _database_sources(source, today)
                engines += opened
            else:
                found, trouble = _package_sources(Path(source))
            offices += found
            problems += trouble
        seen: dict[str, OfficeSource] = {}
        for office in offices:
            if office.satker in seen:
                problems.append(
                    SourceProblem(
                        office.sumber,
                        f"satker {office.satker} sudah dibaca dari {seen[office.satker].sumber}; "
                        "yang ini dilewati",
                    )
                )
                continue
            seen[office.satker] = office
        yield sorted(seen.values(), key=lambda o: _satker_order(o.satker)), problems
    finally:
        for engine in engines:
            engine.dispose()


# ---- per office ----


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def monitor_row(snap: OfficeSnapshot, sumber: str, year: int, today: dt.date) -> MonitorRow:
    s = snap.ringkasan
    per_jenis = tuple(sum(1 for r in snap.tables.get("dip", ()) if r["jenis"] == j) for j in JENIS)
    activity = snap.year(year)
    formulir = _int(activity["formulir_diterima"])
    decided = _int(activity["keputusan_atasan"])
    since = s.get("menunggu_sejak", "")
    try:
        waiting_days = (today - dt.date.fromisoformat(since)).days if since else None
    except ValueError:
        waiting_days = None
    notes = []
    if formulir == 0 and decided == 0:
        notes.append(f"Belum ada kegiatan tahun {year}")
    as_of = s.get("keadaan_per", "")
    if as_of[:4].isdigit() and int(as_of[:4]) < year:
        notes.append(f"data terakhir per {as_of}")
    return MonitorRow(
        satker=snap.satker,
        nama=snap.nama,
        sumber=sumber,
        dip_per_jenis=per_jenis,
        dip=sum(per_jenis),
        dik=len(snap.tables.get("dik", ())),
        menunggu=_int(s.get("menunggu", "0")),
        menunggu_sejak=since,
        lama_menunggu=waiting_days,
        proses_terakhir=s.get("proses_terakhir", "")[:16].replace("T", " "),
        keputusan=s.get("keputusan_terakhir", ""),
        keputusan_tanggal=s.get("keputusan_terakhir_tanggal", ""),
        nota_dinas=_int(activity["nota_dinas"]),
        formulir=formulir,
        keadaan_per=as_of,
        catatan="; ".join(notes),
    )


def dip_rows(snap: OfficeSnapshot) -> Iterator[dict[str, str]]:
    for r in snap.tables.get("dip", ()):
        if r["jenis"] == DIKECUALIKAN:
            continue  # a package may be forged; the exempt never reach the public list
        try:
            waktu = waktu_text(r["waktu_pembuatan"])
        except ValueError:
            waktu = r["waktu_pembuatan"]
        yield {
            **r,
            "nama": snap.nama,
            "waktu_tempat": f"{r['tempat_pembuatan']}, {waktu}".strip(", "),
        }


# ---- writing ----


@contextmanager
def _staged(paths: Sequence[Path]) -> Iterator[list[IO[bytes]]]:
    """Temp files beside `paths`, renamed over them only when everything was written."""
    handles: list[IO[bytes]] = []
    temps: list[str] = []
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append(tmp)
            handles.append(os.fdopen(fd, "w+b"))
        yield handles
        for fh in handles:
            fh.flush()
            if hasattr(os, "fchmod"):  # Windows (before Python 3.13) has none, nor needs it
                os.fchmod(fh.fileno(), 0o644)
            os.fsync(fh.fileno())
            fh.close()
        for tmp, path in zip(temps, paths, strict=True):
            os.replace(tmp, path)
    except BaseException:
        for fh in handles:
            fh.close()
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise


def _html_env() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..documents.register_list import _csp_hash

    env = Environment(
        loader=FileSystemLoader(str(DEFAULT_TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = _csp_hash
    return env


def _streamed_workbook(fh: IO[bytes], title: str, today: dt.date) -> Any:
    """An xlsxwriter workbook written row by row to `fh` (workbook.new_workbook keeps
    the whole workbook in memory; the national DIP would not fit), with the same fixed
    metadata and no text turned into formulas or numbers."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        fh,
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    created = dt.datetime.combine(today, dt.time())
    wb.set_properties({"title": title, "author": AUTHOR, "created": created})
    return wb


class _DipXlsx:
    """Every office's DIP in one sheet (more past Excel's row limit), with an autofilter."""

    def __init__(self, fh: IO[bytes], title: str, today: dt.date) -> None:
        self.wb = _streamed_workbook(fh, title, today)
        self.head = header_format(self.wb)
        self.cell = cell_format(self.wb, border=0)
        self.sheets: list[tuple[Any, int]] = []
        self.row = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        if self.sheets:
            self._close_sheet()
        n = len(self.sheets) + 1
        ws = self.wb.add_worksheet("DIP" if n == 1 else f"DIP ({n})")
        a4_landscape(ws, footer="Rekap Daftar Informasi Publik", header_row=0)
        ws.set_row(0, 27)  # before row 0 is written: constant_memory writes rows in order
        for col, (_, label, width) in enumerate(DIP_COLUMNS):
            ws.set_column(col, col, width)
            ws.write_string(0, col, label, self.head)
        ws.freeze_panes(1, 0)
        self.sheets.append((ws, 0))
        self.row = 0

    def _close_sheet(self) -> None:
        ws, _ = self.sheets[-1]
        ws.autofilter(0, 0, max(self.row, 1), len(DIP_COLUMNS) - 1)

    def add(self, row: dict[str, str]) -> None:
        if self.row >= SHEET_ROWS:
            self._new_sheet()
        self.row += 1
        ws = self.sheets[-1][0]
        for col, (key, _, _) in enumerate(DIP_COLUMNS):
            # write_string: a clerk's "=HYPERLINK(…)" stays text, never a formula
            ws.write_string(self.row, col, row.get(key) or "", self.cell)

    def close(self) -> None:
        self._close_sheet()
        self.wb.close()


def _write_dip(
    offices: Sequence[OfficeSource],
    folder: Path,
    year: int,
    as_of: dt.date,
    on_office: Callable[[OfficeSource, OfficeSnapshot | None, str | None], None],
) -> tuple[list[Path], int]:
    """Stream every office's DIP into the xlsx, html and json files."""
    paths = [folder / f"{DIP_STEM}.{ext}" for ext in ("xlsx", "html", "json")]
    total = 0
    with _staged(paths) as (fx, fh, fj):
        xlsx = _DipXlsx(fx, "Rekap Daftar Informasi Publik", as_of)
        fj.write(
            (
                "{\n"
                f' "judul": "Rekap Daftar Informasi Publik",\n "tahun": {year},\n'
                f' "keadaan_per": "{as_of.isoformat()}",\n "satker": [\n'
            ).encode()
        )
        first = True

        def html_offices() -> Iterator[dict[str, Any]]:
            nonlocal total, first
            for office in offices:
                try:
                    snap = office.load()
                except (PackageProblem, PpidError) as exc:
                    on_office(office, None, str(exc))
                    continue
                except Exception as exc:  # one office's broken register must not stop the rest
                    on_office(office, None, f"tidak dapat dibaca ({exc.__class__.__name__})")
                    continue
                on_office(office, snap, None)
                rows = list(dip_rows(snap))
                for row in rows:
                    xlsx.add(row)
                total += len(rows)
                entry = {
                    "satker": snap.satker,
                    "nama": snap.nama,
                    "keadaan_per": snap.ringkasan.get("keadaan_per", ""),
                    "jumlah": len(rows),
                    "informasi": [{k: r.get(k, "") for k in JSON_KEYS} for r in rows],
                }
                fj.write(
                    ((" " if first else ",\n ") + json.dumps(entry, ensure_ascii=False)).encode()
                )
                first = False
                yield {"satker": snap.satker, "nama": snap.nama, "rows": rows}

        template = _html_env().get_template(HTML_DIP)
        stream = template.generate(
            tahun=year,
            tanggal=format_date_id(as_of),
            # the office's name heads its group on the page; the code stays a column
            kolom=[label for key, label, _ in DIP_COLUMNS if key != "nama"],
            kunci=[key for key, _, _ in DIP_COLUMNS if key != "nama"],
            kantor=html_offices(),
            daftar_satker=[(o.satker, o.nama) for o in offices],
            lengkap=len(offices) <= HTML_MAX_OFFICES,
        )
        for chunk in stream:
            fh.write(chunk.encode("utf-8"))
        fj.write(f'\n ],\n "jumlah": {total}\n}}\n'.encode())
        xlsx.close()
    return paths, total


MONITOR_COLUMNS = (
    ("Kode Satker", 10), ("Nama Satker", 30), *((f"DIP {j}", 10) for j in JENIS),
    ("Jumlah DIP", 10), ("Dikecualikan", 12), ("Menunggu Persetujuan", 12),
    ("Menunggu Sejak", 12), ("Lama Menunggu (hari)", 12), ("Proses Malam Terakhir", 17),
    ("Keputusan PPID Terakhir", 24), ("Tanggal Keputusan", 12), ("Nota Dinas {tahun}", 11),
    ("Formulir Diterima {tahun}", 12), ("Keadaan per", 12), ("Catatan", 24), ("Sumber", 28),
)  # fmt: skip


def monitor_values(row: MonitorRow) -> list[object]:
    return [
        row.satker, row.nama, *row.dip_per_jenis, row.dip, row.dik, row.menunggu,
        row.menunggu_sejak, row.lama_menunggu if row.lama_menunggu is not None else "",
        row.proses_terakhir, row.keputusan, row.keputusan_tanggal, row.nota_dinas, row.formulir,
        row.keadaan_per, row.catatan, row.sumber,
    ]  # fmt: skip


def _write_monitor(result: RekapResult, folder: Path, year: int, today: dt.date) -> list[Path]:
    paths = [folder / f"{MONITOR_STEM}.{ext}" for ext in ("xlsx", "html")]
    headers = [label.format(tahun=year) for label, _ in MONITOR_COLUMNS]
    with _staged(paths) as (fx, fh):
        wb = _streamed_workbook(fx, f"Rekap Pemantauan PPID {year}", today)
        head, cell = header_format(wb), cell_format(wb)
        quiet = cell_format(wb, bg_color=QUIET_COLOR)
        ws = wb.add_worksheet("Pemantauan")
        a4_landscape(ws, footer=f"Rekap Pemantauan PPID {year}", header_row=0)
        ws.set_row(0, 40)
        for col, (label, width) in enumerate(
            zip(headers, (w for _, w in MONITOR_COLUMNS), strict=True)
        ):
            ws.set_column(col, col, width)
            ws.write_string(0, col, label, head)
        for n, row in enumerate(result.offices, 1):
            fmt = quiet if row.diam else cell
            for col, value in enumerate(monitor_values(row)):
                if isinstance(value, int):
                    ws.write_number(n, col, value, fmt)
                else:
                    ws.write_string(n, col, str(value), fmt)
        ws.autofilter(0, 0, max(len(result.offices), 1), len(headers) - 1)
        ws.freeze_panes(1, 2)
        problems = wb.add_worksheet("Sumber Bermasalah")
        problems.set_column(0, 0, 50)
        problems.set_column(1, 1, 70)
        problems.write_string(0, 0, "Sumber", head)
        problems.write_string(0, 1, "Alasan", head)
        for n, p in enumerate(result.problems, 1):
            problems.write_string(n, 0, p.sumber, cell)
            problems.write_string(n, 1, p.alasan, cell)
        wb.close()
        text = (
            _html_env()
            .get_template(HTML_MONITOR)
            .render(
                tahun=year,
                tanggal=format_date_id(today),
                kolom=headers,
                baris=[(row.diam, monitor_values(row)) for row in result.offices],
                masalah=result.problems,
                jumlah_diam=sum(1 for r in result.offices if r.diam),
            )
        )
        fh.write(text.encode("utf-8"))
    return paths


def rekap_as_of(offices: Sequence[OfficeSource], today: dt.date) -> dt.date:
    """The day the rekap of the offices' DIPs is 'as of': the latest of their registers'
    last changes (no later than today), so the same registers give the same files whatever
    the day. Rekap-Pemantauan stays dated today: it counts the days items have waited."""
    days = []
    for office in offices:
        try:
            days.append(dt.date.fromisoformat(office.as_of()[:10]))
        except Exception:  # an office that cannot be read is reported when it is loaded
            continue
    return min(max(days, default=today), today)


def write_rekap(sources: Sequence[str], folder: Path, *, year: int, today: dt.date) -> RekapResult:
    """`ppid-batch rekap`: read every source, write both rekap tables into `folder`."""
    if not sources:
        raise UsageError(
            "Sebutkan paling sedikit satu --sumber (URL basis data atau folder paket)."
        )
    result = RekapResult()

    def on_office(office: OfficeSource, snap: OfficeSnapshot | None, problem: str | None) -> None:
        if snap is None:
            result.problems.append(SourceProblem(office.sumber, problem or ""))
            return
        result.offices.append(monitor_row(snap, office.sumber, year, today))

    with open_sources(sources, today) as (offices, problems):
        result.problems += problems
        as_of = rekap_as_of(offices, today)
        written, result.rows = _write_dip(offices, folder, year, as_of, on_office)
    result.written += written
    result.written += _write_monitor(result, folder, year, today)
    return result
