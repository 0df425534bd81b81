"""Reporting upward without a server: an office's register package (DIP, DIK, Keputusan, runs).

`office_snapshot` reads what a KPU Provinsi needs from one register; `write_package`
writes it as CSV + JSON with a Frictionless `datapackage.json`; `read_package`
reads such a folder back, checking that it is one of ours and intact. The roll-up
(reports/rekap) works on snapshots, whether they come from a shared database or
from packages, so both roads give the same rekap.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Config
from ..documents.datapackage import Column, csv_bytes, json_rows, package_descriptor, table_resource
from ..errors import UsageError
from ..files import atomic_write_bytes
from ..models import DIKECUALIKAN, JENIS_HEADINGS, RegisterItem
from ..store.core import Store
from ..store.engine import database_exists
from ..store.overview import (
    activity_by_year,
    last_activity_on,
    last_keputusan,
    oldest_pending,
    run_history,
    snapshot_view,
)

PACKAGE_FORMAT = "ppid-batch-ekspor"
PACKAGE_VERSION = 1
DESCRIPTOR = "datapackage.json"
MAX_PACKAGE_FILE = 200 * 1024 * 1024  # a package file larger than this is not an office's
SATKER = re.compile(r"[0-9A-Za-z]{1,20}")

_ITEM = (
    Column("satker", "Kode Satker", required=True),
    Column("id", "ID Informasi", required=True),
    Column("jenis", "Jenis Informasi", required=True),
    Column("ringkasan", "Ringkasan Isi Informasi", required=True),
    Column("unit", "Unit Kerja"),
    Column("penguasa", "Pejabat atau Unit yang Menguasai Informasi"),
    Column("penanggung_jawab", "Penanggung Jawab Pembuatan atau Penerbitan Informasi"),
    Column("waktu_pembuatan", "Waktu Pembuatan (ISO)"),
    Column("tempat_pembuatan", "Tempat Pembuatan"),
    Column("bentuk", "Bentuk Informasi"),
    Column("retensi", "Jangka Waktu Penyimpanan"),
    Column("tautan", "Tautan"),
    Column("keterangan", "Keterangan"),
    Column("tanggal_persetujuan", "Tanggal Persetujuan Atasan PPID", "date"),
    Column("nota_dinas", "Nomor Nota Dinas"),
)
DIP_COLUMNS = _ITEM
DIK_COLUMNS = (
    *_ITEM,
    Column("dasar_pengecualian", "Dasar Hukum Pengecualian"),
    Column("konsekuensi", "Konsekuensi Bila Dibuka"),
)
RUN_COLUMNS = (
    Column("id", "Nomor Proses", "integer", required=True),
    Column("mulai", "Mulai (UTC)", required=True),
    Column("selesai", "Selesai (UTC)"),
    Column("status", "Status", required=True),
    Column("jumlah", "Jumlah-jumlah (JSON)"),
)
YEAR_KEYS = (
    "formulir_diterima",
    "formulir_sah",
    "informasi_baru",
    "keputusan_atasan",
    "nota_dinas",
)
YEAR_COLUMNS = (
    Column("tahun", "Tahun", "integer", required=True),
    Column("formulir_diterima", "Formulir Diterima", "integer"),
    Column("formulir_sah", "Formulir Sah", "integer"),
    Column("informasi_baru", "Informasi Baru", "integer"),
    Column("keputusan_atasan", "Keputusan Atasan PPID", "integer"),
    Column("nota_dinas", "Nota Dinas Diterbitkan", "integer"),
)
KEPUTUSAN_COLUMNS = (
    Column("nomor", "Nomor Keputusan PPID", required=True),
    Column("tanggal", "Tanggal Keputusan", "date", required=True),
)
SUMMARY_COLUMNS = (
    Column("satker", "Kode Satker", required=True),
    Column("nama", "Nama Satker", required=True),
    Column("keadaan_per", "Keadaan per", "date", required=True),
    Column("informasi", "Informasi dalam Register", "integer"),
    Column("menunggu", "Menunggu Persetujuan", "integer"),
    Column("menunggu_sejak", "Menunggu Sejak", "date"),
    Column("disetujui", "Disetujui", "integer"),
    Column("ditolak", "Ditolak", "integer"),
    Column("dip", "Informasi dalam DIP", "integer"),
    Column("dik", "Informasi Dikecualikan", "integer"),
    Column("proses_terakhir", "Proses Malam Terakhir (UTC)"),
    Column("proses_terakhir_status", "Status Proses Malam Terakhir"),
    Column("keputusan_terakhir", "Keputusan PPID Terakhir"),
    Column("keputusan_terakhir_tanggal", "Tanggal Keputusan PPID Terakhir", "date"),
)
# name → (file stem, title, columns, primary key)
TABLES: dict[str, tuple[str, str, tuple[Column, ...], tuple[str, ...]]] = {
    "ringkasan": ("ringkasan", "Ringkasan register", SUMMARY_COLUMNS, ("satker",)),
    "dip": ("daftar-informasi-publik", "Daftar Informasi Publik", DIP_COLUMNS, ("id",)),
    "dik": ("daftar-informasi-dikecualikan", "Daftar Informasi yang Dikecualikan", DIK_COLUMNS,
            ("id",)),
    "kegiatan": ("kegiatan-per-tahun", "Kegiatan per tahun", YEAR_COLUMNS, ("tahun",)),
    "proses": ("riwayat-proses", "Riwayat proses malam", RUN_COLUMNS, ("id",)),
    "keputusan": ("keputusan-terakhir", "Keputusan PPID terakhir", KEPUTUSAN_COLUMNS, ()),
}  # fmt: skip
OPTIONAL_TABLES = frozenset({"keputusan"})

Row = dict[str, str]


@dataclass(frozen=True)
class OfficeSnapshot:
    """What one office's register tells the province, every value as the text a CSV holds."""

    satker: str
    nama: str
    ringkasan: Row
    tables: dict[str, tuple[Row, ...]] = field(default_factory=dict)

    def year(self, year: int) -> Row:
        """The activity row of one year (zeros when the office did nothing that year)."""
        for row in self.tables.get("kegiatan", ()):
            if row["tahun"] == str(year):
                return row
        return {"tahun": str(year), **dict.fromkeys(YEAR_KEYS, "0")}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _item_row(satker: str, item: RegisterItem, *, exempt: bool) -> Row:
    row = {
        "satker": satker,
        "id": item.id,
        "jenis": item.jenis,
        "ringkasan": item.ringkasan,
        "unit": item.unit,
        "penguasa": item.penguasa,
        "penanggung_jawab": item.penanggung_jawab,
        "waktu_pembuatan": item.waktu_pembuatan,
        "tempat_pembuatan": item.tempat_pembuatan,
        "bentuk": item.bentuk,
        "retensi": item.retensi,
        "tautan": item.tautan,
        "keterangan": item.keterangan,
        "tanggal_persetujuan": item.decided_on,
        "nota_dinas": item.nota_dinas,
    }
    if exempt:
        row["dasar_pengecualian"] = item.dasar_pengecualian
        row["konsekuensi"] = item.konsekuensi
    return {k: _text(v) for k, v in row.items()}


def register_as_of(store: Store, today: dt.date) -> str:
    """The day a register's package is 'as of' (ISO): its last change, not the day of the
    export, so the same register exported on another day is the same files byte for byte;
    `today` for a register with nothing in it yet."""
    return min(last_activity_on(store) or today, today).isoformat()


def office_snapshot(store: Store, satker: str, nama: str, today: dt.date) -> OfficeSnapshot:
    """Read one register (in one transaction): the current DIP and DIK, runs, activity per
    year, last Keputusan."""
    store = snapshot_view(store)
    with store.begin():
        return _snapshot(store, satker, nama, today)


def _snapshot(store: Store, satker: str, nama: str, today: dt.date) -> OfficeSnapshot:
    jenis_order = {j: n for n, j in enumerate(JENIS_HEADINGS)}
    approved = store.items(status="approved")  # in ID order
    dip = [i for i in approved if i.jenis != DIKECUALIKAN]
    dip.sort(key=lambda i: jenis_order.get(i.jenis, len(jenis_order)))  # stable: ID order within
    dik = [i for i in approved if i.jenis == DIKECUALIKAN]
    counts = store.status_counts()
    waiting, since = oldest_pending(store)
    runs = run_history(store)
    finished = [r for r in runs if r["finished"]]
    keputusan = last_keputusan(store)
    tables: dict[str, tuple[Row, ...]] = {
        "dip": tuple(_item_row(satker, i, exempt=False) for i in dip),
        "dik": tuple(_item_row(satker, i, exempt=True) for i in dik),
        "kegiatan": tuple(
            {"tahun": str(y), **{k: str(c.get(k, 0)) for k in YEAR_KEYS}}
            for y, c in activity_by_year(store).items()
        ),
        "proses": tuple(
            {
                "id": str(r["id"]),
                "mulai": r["started"],
                "selesai": r["finished"] or "",
                "status": r["status"],
                "jumlah": json.dumps(r["counts"], ensure_ascii=False, sort_keys=True),
            }
            for r in runs
        ),
    }
    if keputusan is not None:
        tables["keputusan"] = ({k: _text(v) for k, v in keputusan.items()},)
    summary = {
        "satker": satker,
        "nama": nama,
        "keadaan_per": register_as_of(store, today),
        "informasi": str(sum(counts.values())),
        "menunggu": str(waiting),
        "menunggu_sejak": _text(since),
        "disetujui": str(counts.get("approved", 0)),
        "ditolak": str(counts.get("refused", 0)),
        "dip": str(len(dip)),
        "dik": str(len(dik)),
        "proses_terakhir": finished[-1]["finished"] if finished else "",
        "proses_terakhir_status": finished[-1]["status"] if finished else "",
        "keputusan_terakhir": _text(keputusan and keputusan["nomor"]),
        "keputusan_terakhir_tanggal": _text(keputusan and keputusan["tanggal"]),
    }
    tables["ringkasan"] = (summary,)
    return OfficeSnapshot(satker, nama, summary, tables)


# ---- writing ----


def package_files(snapshot: OfficeSnapshot) -> dict[str, bytes]:
    """File name → bytes of the whole package (CSV + JSON per table, datapackage.json)."""
    files: dict[str, bytes] = {}
    resources = []
    for name, (stem, title, columns, key) in TABLES.items():
        if name not in snapshot.tables:
            continue
        rows = snapshot.tables[name]
        data = csv_bytes(columns, rows)
        files[f"{stem}.csv"] = data
        files[f"{stem}.json"] = json_rows(rows)
        resources.append(table_resource(name, f"{stem}.csv", title, columns, data, primary_key=key))
    files[DESCRIPTOR] = package_descriptor(
        f"ppid-register-{snapshot.satker.lower()}",
        f"Register PPID {snapshot.nama}",
        resources,
        ppid={
            "format": PACKAGE_FORMAT,
            "versi": PACKAGE_VERSION,
            "satker": snapshot.satker,
            "nama": snapshot.nama,
            "keadaan_per": snapshot.ringkasan["keadaan_per"],
            "dibuat_oleh": f"ppid-batch {__version__}",
        },
    )
    return files


def write_package(snapshot: OfficeSnapshot, folder: Path) -> list[Path]:
    """Write the package into `folder`; datapackage.json last, so a half-written folder is not
    mistaken for a package."""
    files = package_files(snapshot)
    descriptor = files.pop(DESCRIPTOR)
    for stem, *_ in TABLES.values():  # a table left out now (no Keputusan) leaves no stale file
        for ext in ("csv", "json"):
            if f"{stem}.{ext}" not in files:
                (folder / f"{stem}.{ext}").unlink(missing_ok=True)
    written = [atomic_write_bytes(folder / name, data) for name, data in files.items()]
    written.append(atomic_write_bytes(folder / DESCRIPTOR, descriptor))
    return written


def export_workspace(config: Config, folder: Path, today: dt.date) -> list[Path]:
    """`ppid-batch ekspor`: the workspace's register as a package in `folder` (writes nothing
    to the register; a register that does not exist yet is an error, not an empty package)."""
    if not database_exists(config.database_url):
        raise UsageError(
            "Register belum ada: jalankan proses malam ('ppid-batch run') terlebih dahulu."
        )
    satker, nama = config.office.kode_wilayah, config.office.nama_satker
    with Store.open(config.database_url, migrate_schema=False) as store:
        snapshot = office_snapshot(store, satker, nama, today)
    return write_package(snapshot, folder)


# ---- reading ----


class PackageProblem(Exception):
    """A folder that is not an intact ppid-batch package; the message is Indonesian."""


def _read_limited(path: Path) -> bytes:
    # A link in a package could make the province's machine read (and republish) any file.
    if path.is_symlink():
        raise PackageProblem(f"berkas {path.name} adalah tautan (symlink), bukan berkas paket")
    if not path.is_file():
        raise PackageProblem(f"berkas {path.name} tidak ada")
    if path.stat().st_size > MAX_PACKAGE_FILE:
        raise PackageProblem(f"berkas {path.name} terlalu besar")
    return path.read_bytes()


def read_descriptor(folder: Path) -> Mapping[str, Any]:
    """The package's own metadata (format, satker, nama), checked; PackageProblem otherwise."""
    try:
        doc = json.loads(_read_limited(folder / DESCRIPTOR))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise PackageProblem(f"{DESCRIPTOR} bukan JSON yang sah") from exc
    meta = doc.get("ppid") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != PACKAGE_FORMAT:
        raise PackageProblem("bukan paket ekspor ppid-batch")
    if meta.get("versi") != PACKAGE_VERSION:
        raise PackageProblem(
            f"paket versi {meta.get('versi')!r}; ppid-batch ini membaca versi {PACKAGE_VERSION}"
        )
    satker = meta.get("satker")
    if not isinstance(satker, str) or not SATKER.fullmatch(satker):
        raise PackageProblem(f"kode satker {satker!r} tidak sah")
    if not isinstance(meta.get("nama"), str) or not meta["nama"].strip():
        raise PackageProblem("nama satker kosong")
    if not isinstance(doc.get("resources"), list):
        raise PackageProblem("daftar resources tidak ada")
    return doc


def read_package(folder: Path) -> OfficeSnapshot:
    """Read a package written by `write_package`, verifying each table's hash and header.

    The file names are ours, never the descriptor's paths (a forged `path` could point
    anywhere on the reading machine).
    """
    doc = read_descriptor(folder)
    meta = doc["ppid"]
    declared = {r.get("name"): r.get("hash") for r in doc["resources"] if isinstance(r, Mapping)}
    tables: dict[str, tuple[Row, ...]] = {}
    for name, (stem, _title, columns, _key) in TABLES.items():
        if name not in declared:
            if name in OPTIONAL_TABLES:
                continue
            raise PackageProblem(f"tabel {name} tidak ada dalam {DESCRIPTOR}")
        data = _read_limited(folder / f"{stem}.csv")
        if declared[name] != "sha256:" + hashlib.sha256(data).hexdigest():
            raise PackageProblem(f"isi {stem}.csv tidak cocok dengan hash di {DESCRIPTOR}")
        try:
            reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
            header = next(reader, [])
            rows = tuple(dict(zip(header, r, strict=True)) for r in reader)
        except (UnicodeDecodeError, ValueError, csv.Error) as exc:
            raise PackageProblem(f"{stem}.csv tidak dapat dibaca") from exc
        if header != [c.name for c in columns]:
            raise PackageProblem(f"kolom {stem}.csv tidak sesuai format ekspor")
        tables[name] = rows
    if len(tables["ringkasan"]) != 1:
        raise PackageProblem("ringkasan.csv harus berisi tepat satu baris")
    summary = tables["ringkasan"][0]
    if summary.get("satker") != meta["satker"]:
        raise PackageProblem("kode satker di ringkasan.csv berbeda dengan datapackage.json")
    if any(r["satker"] != meta["satker"] for t in ("dip", "dik") for r in tables[t]):
        raise PackageProblem("ada baris DIP/DIK milik satker lain")
    return OfficeSnapshot(meta["satker"], summary.get("nama", meta["nama"]), summary, tables)


def snapshot_rows(snapshot: OfficeSnapshot, name: str) -> Sequence[Row]:
    return snapshot.tables.get(name, ())
