"""Reports: the annual report (report) and reporting upward to KPU Provinsi (ekspor, rekap)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import (
    output_folder_option,
    today,
    today_option,
    workspace_config,
    workspace_option,
)
from .shell import command, handles_errors


@command()
@click.option(
    "--year",
    "--tahun",
    "year",
    type=int,
    default=None,
    metavar="TAHUN",
    help="Tahun laporan (bawaan: tahun berjalan).",
)
@today_option
@workspace_option
@handles_errors
def report(year: int | None, today_text: str | None, workspace: Path | None) -> None:
    """Tulis Matriks Kegiatan dan Laporan Tahunan (dengan grafik) ke output/laporan/."""
    from ..reports.laporan import write_reports

    on = today(today_text, example="2025-12-31")
    for path in write_reports(
        workspace_config(workspace), on.year if year is None else year, today=on
    ):
        click.echo(f"ditulis: {path}")


@command()
@output_folder_option("Folder tujuan paket (dibuat bila belum ada).", required=True)
@today_option
@workspace_option
@handles_errors
def ekspor(output: Path, today_text: str | None, workspace: Path | None) -> None:
    """Tulis paket register kantor ini untuk KPU Provinsi: DIP, DIK, Keputusan PPID terakhir,
    riwayat proses malam dan jumlah-jumlah, sebagai CSV + JSON dengan datapackage.json."""
    from ..reports.ekspor import export_workspace

    written = export_workspace(workspace_config(workspace), output, today(today_text))
    click.echo(f"Paket ekspor ditulis ke {output} ({len(written)} berkas).")
    click.echo("Kirim seluruh folder itu (atau zip-nya) ke KPU Provinsi.")


@command()
@click.option(
    "--sumber",
    "sources",
    multiple=True,
    required=True,
    metavar="URL_ATAU_FOLDER",
    help="URL basis data bersama (setiap kantor di dalamnya) atau folder paket ekspor "
    "(satu paket, atau folder berisi paket-paket); boleh diulang.",
)
@output_folder_option("Folder tujuan rekap.", required=True)
@click.option("--tahun", "year", type=int, default=None, metavar="TAHUN", help="Tahun pemantauan.")
@today_option
@handles_errors
def rekap(sources: tuple[str, ...], output: Path, year: int | None, today_text: str | None) -> None:
    """Rekap banyak kantor untuk KPU Provinsi / KPU RI: Rekap-Daftar-Informasi-Publik
    (xlsx, html, json) dan Rekap-Pemantauan (xlsx, html). Kode keluar 1 bila ada sumber
    yang tidak dapat direkap (kantor lain tetap direkap)."""
    from ..reports.rekap import write_rekap

    on = today(today_text)
    result = write_rekap(sources, output, year=year or on.year, today=on)
    quiet = sum(1 for row in result.offices if row.diam)
    click.echo(
        f"Rekap {len(result.offices)} satker, {result.rows} informasi DIP, ditulis ke {output}."
    )
    if quiet:
        click.echo(f"{quiet} satker belum menunjukkan kegiatan tahun {year or on.year}.")
    for problem in result.problems:
        click.echo(f"Tidak direkap: {problem.sumber}: {problem.alasan}")
    sys.exit(result.exit_code)


COMMANDS = (report, ekspor, rekap)
