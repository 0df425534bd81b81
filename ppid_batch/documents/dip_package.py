"""SOP step 3, open data: the Daftar Informasi Publik's csv and json as a Frictionless package.

`<stem>.datapackage.json` beside the year's csv and json: a Table Schema for the csv (types,
Indonesian descriptions, the jenis enum, the ID pattern) and a sha256 and size for both
files, so whoever downloads them can check they are what the PPID published.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..files import name_slug
from ..models import JENIS_HEADINGS
from .datapackage import Column, file_resource, package_descriptor, table_resource

DATAPACKAGE_SUFFIX = ".datapackage.json"  # frictionless recognises `*datapackage.json`
# register_list.inert puts a ' before a value a spreadsheet would run as a formula.
INERT = " Nilai yang diawali = + - @ ditulis dengan tanda ' di depannya agar tidak dijalankan."


def dip_columns(labels: Mapping[str, str], bentuk: tuple[str, ...]) -> tuple[Column, ...]:
    """The DIP csv's columns, in register_list.CSV_COLUMNS order, described for the public."""

    def text(key: str, description: str, *, required: bool = True) -> Column:
        return Column(labels[key], labels[key], required=required, description=description)

    return (
        Column(
            "Jenis Informasi",
            "Jenis Informasi",
            required=True,
            enum=tuple(JENIS_HEADINGS),
            description="Kelompok menurut UU 14/2008: Berkala (Pasal 9), Serta Merta "
            "(Pasal 10), Setiap Saat (Pasal 11).",
        ),
        Column(
            "No",
            "No",
            "integer",
            required=True,
            minimum=1,
            description="Nomor urut di dalam kelompok jenis informasi, mulai dari 1.",
        ),
        Column(
            labels["id"],
            labels["id"],
            required=True,
            unique=True,
            pattern=r"DIP-[0-9]{4}-[0-9]{4,}",
            description="Nomor register yang tetap: DIP-<tahun>-<nomor urut>; tidak pernah "
            "dipakai ulang.",
        ),
        text("ringkasan", "Judul atau ringkasan isi informasi." + INERT),
        text("penguasa", "Pejabat atau unit kerja yang menyimpan dan menguasai informasi." + INERT),
        text(
            "penanggung_jawab",
            "Pejabat yang bertanggung jawab membuat atau menerbitkan informasi." + INERT,
        ),
        text(
            "waktu_tempat",
            "Tempat dan waktu pembuatan dalam bahasa Indonesia, misalnya 'Jakarta, April 2025'."
            + INERT,
        ),
        Column(
            "Waktu Pembuatan (ISO)",
            "Waktu Pembuatan (ISO)",
            required=True,
            pattern=r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?",
            description="Waktu pembuatan dengan ketelitian yang diberikan unit: tahun (2025), "
            "bulan (2025-04) atau tanggal (2025-04-15).",
        ),
        Column(
            labels["bentuk"],
            labels["bentuk"],
            required=True,
            enum=bentuk,
            description="Bentuk informasi yang tersedia.",
        ),
        text(
            "retensi",
            "Jangka waktu penyimpanan atau retensi arsip, misalnya '5 Tahun' atau 'Permanen'."
            + INERT,
        ),
        text(
            "tautan",
            "Alamat web (https://…) tempat informasi dapat diunduh, atau lokasi penyimpanan "
            "fisiknya; kosong bila tidak diisi." + INERT,
            required=False,
        ),
    )


def dip_datapackage(
    *,
    year: int,
    office: str,
    office_short: str,
    as_of: str,
    labels: Mapping[str, str],
    bentuk: tuple[str, ...],
    csv_name: str,
    csv_data: bytes,
    json_name: str,
    json_data: bytes,
) -> bytes:
    """The descriptor of one year's Daftar Informasi Publik (csv + json), as bytes."""
    columns = dip_columns(labels, bentuk)
    resources = [
        table_resource(
            name_slug(f"daftar-informasi-publik-{year}-csv"),
            csv_name,
            f"Daftar Informasi Publik Tahun {year} (tabel)",
            columns,
            csv_data,
            primary_key=[labels["id"]],
            description="Satu baris per informasi publik yang disetujui Atasan PPID, "
            "dikelompokkan menurut jenis informasi; informasi yang dikecualikan tidak dimuat.",
            encoding="utf-8-sig",
        ),
        file_resource(
            name_slug(f"daftar-informasi-publik-{year}-json"),
            json_name,
            f"Daftar Informasi Publik Tahun {year} (JSON)",
            json_data,
            fmt="json",
            mediatype="application/json",
            description="Isi yang sama dengan tabel, bersarang per jenis informasi "
            "('kelompok' → 'informasi'), dengan waktu pembuatan ISO dan ketelitiannya.",
        ),
    ]
    return package_descriptor(
        name_slug(f"daftar-informasi-publik-{year}-{office_short or office}"),
        f"Daftar Informasi Publik Tahun {year} — {office}",
        resources,
        profile="data-package",
        description=f"Daftar Informasi Publik menurut UU 14/2008, diterbitkan oleh PPID "
        f"{office}. Keadaan per {as_of}.",
        keywords=["informasi publik", "PPID", "daftar informasi publik"],
        keadaan_per=as_of,
    )
