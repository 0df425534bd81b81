"""The register's database: a new office on the shared PostgreSQL server, moving a workspace's
register there, starting an empty register (db kantor-baru, db pindah, db mulai-baru)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from .options import today, today_option, workspace_config, workspace_option
from .shell import Group, handles_errors


@click.group(cls=Group)
def db() -> None:
    """Register di server PostgreSQL bersama: menyiapkan kantor, memindahkan register."""


@db.command("kantor-baru")
@click.option(
    "--admin-url",
    required=True,
    metavar="URL",
    envvar="PPID_ADMIN_URL",
    help="URL peran admin server, contoh postgresql+psycopg://admin@server/ppid "
    "(atau variabel PPID_ADMIN_URL).",
)
@click.option("--satker", required=True, metavar="KODE", help="Kode satker, contoh 1811.")
@click.option(
    "--nama", required=True, metavar="NAMA", help='Nama kantor, contoh "KPU Kota Bandung".'
)
@click.option(
    "--sandi",
    metavar="SANDI",
    envvar="PPID_SANDI_KANTOR",
    default=None,
    help="Kata sandi peran kantor (atau variabel PPID_SANDI_KANTOR); bila tidak diberikan, "
    "ditanyakan tanpa ditampilkan.",
)
@handles_errors
def kantor_baru(admin_url: str, satker: str, nama: str, sandi: str | None) -> None:
    """Siapkan satu kantor di basis data PostgreSQL bersama: skema sendiri dan peran login
    yang hanya dapat memakai skema itu. Mencetak URL untuk [lokasi] database di ppid.toml
    kantor tersebut."""
    from ..store.offices import create_office

    if sandi is None:
        sandi = click.prompt(
            "Kata sandi peran kantor", hide_input=True, confirmation_prompt="Ulangi kata sandi"
        )
    made = create_office(admin_url, satker, nama, sandi)
    office = made.office
    click.echo(
        f"Kantor {office.satker} ({office.nama}) siap: skema {office.schema}, peran {office.role}."
    )
    click.echo(
        "Salin baris berikut ke bagian [lokasi] ppid.toml kantor itu "
        "(memuat kata sandi; jangan dibagikan):"
    )
    click.echo(f'database = "{made.url}"')


@db.command("pindah")
@click.option(
    "--ke",
    "target",
    required=True,
    metavar="URL",
    envvar="PPID_URL_TUJUAN",
    help="URL register tujuan di server (baris database dari 'db kantor-baru'; atau variabel "
    "PPID_URL_TUJUAN).",
)
@today_option
@workspace_option
@handles_errors
def pindah(target: str, today_text: str | None, workspace: Path | None) -> None:
    """Pindahkan register SQLite ruang kerja ini ke server PostgreSQL: semua informasi,
    riwayat, keputusan, proses dan penomoran disalin, jumlah baris dan sidik isi setiap tabel
    dicocokkan, baru kemudian ppid.toml diarahkan ke server. Berkas SQLite tetap disimpan."""
    from ..batch.pindah import move_register

    report = move_register(workspace_config(workspace), target, today=today(today_text))
    rows = sum(t.rows for t in report.tables)
    click.echo(
        f"Register dipindahkan ke {report.target}: {len(report.tables)} tabel, {rows} baris, "
        "jumlah dan sidik isi cocok."
    )
    click.echo("ppid.toml kini memakai server itu (baris lama disimpan sebagai komentar).")
    if report.sqlite_file is not None:
        click.echo(f"Register lama tetap ada di {report.sqlite_file}; jangan dipakai lagi.")


@db.command("mulai-baru")
@click.option("--yakin", is_flag=True, help="Ya, register lama memang tidak dipakai lagi.")
@today_option
@workspace_option
@handles_errors
def mulai_baru(yakin: bool, today_text: str | None, workspace: Path | None) -> None:
    """Mulai register baru yang kosong di ruang kerja yang sudah pernah diproses (misalnya
    register lama hilang tanpa cadangan). Nomor DIP dan Nota Dinas mulai lagi dari 1."""
    from ..batch.continuity import start_over
    from ..store import Store

    config = workspace_config(workspace)
    if not yakin:
        raise UsageError(
            "Register baru membuat nomor DIP dan Nota Dinas mulai lagi dari 1. Bila register "
            "lama dapat dipulihkan dari cadangan, pulihkan saja. Bila tidak, ulangi dengan "
            "--yakin."
        )
    with Store.open(config.database_url):
        pass  # opening creates the empty register with its tables
    marker = start_over(config, today=today(today_text))
    click.echo(f"Register baru siap; dicatat di {marker}. Proses malam berikutnya memakainya.")


COMMANDS = (db,)
