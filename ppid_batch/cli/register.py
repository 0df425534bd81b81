"""The register: an earlier DIP into it (impor), the Keputusan PPID it holds (keputusan)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .options import iso_date, output_folder_option, workspace_config, workspace_option
from .shell import command, handles_errors


@command()
@click.argument(
    "files", nargs=-1, required=True, metavar="BERKAS…",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)  # fmt: skip
@click.option(
    "--tanggal-penetapan",
    "penetapan_text",
    required=True,
    metavar="YYYY-MM-DD",
    help="Tanggal DIP itu ditetapkan (penetapan sebelumnya).",
)
@click.option("--dry-run", is_flag=True, help="Periksa saja; tidak ada yang dicatat.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@click.option(
    "--lewati-baris-salah",
    "skip_bad_rows",
    is_flag=True,
    help="Catat baris yang benar dan lewati baris yang salah (baris itu didaftar).",
)
@workspace_option
@handles_errors
def impor(
    files: tuple[Path, ...],
    penetapan_text: str,
    dry_run: bool,
    as_json: bool,
    skip_bad_rows: bool,
    workspace: Path | None,
) -> None:
    """Masukkan Daftar Informasi Publik yang sudah pernah ditetapkan kantor (xlsx/ods) ke
    register sebagai informasi yang disetujui pada tanggal penetapan itu. Kode keluar 0
    tercatat, 1 ada kesalahan (tidak ada yang dicatat kecuali dengan --lewati-baris-salah)."""
    from ..batch.lock import workspace_lock
    from ..register.impor import import_published, reports_json
    from ..store.core import Store

    penetapan = iso_date(penetapan_text, "--tanggal-penetapan", "2025-01-15")
    config = workspace_config(workspace)
    reports = []
    with workspace_lock(config.var_dir, wait=False), Store.open(config.database_url) as store:
        for path in files:
            reports.append(
                import_published(
                    store, path, penetapan=penetapan, skip_bad_rows=skip_bad_rows, dry_run=dry_run
                )
            )
    if as_json:
        click.echo(reports_json(reports))
    else:
        for r in reports:
            _echo_import(r, dry_run=dry_run)
    sys.exit(1 if any(r.errors for r in reports) else 0)


def _echo_import(report: Any, *, dry_run: bool) -> None:
    if report.already:
        click.echo(f"{report.file}: berkas yang sama sudah pernah diimpor; tidak ada yang berubah.")
        return
    if report.recorded:
        click.echo(
            f"{report.file}: {len(report.imported)} informasi dicatat sebagai DIP yang sudah "
            f"ditetapkan ({', '.join(report.imported[:1] + report.imported[-1:])})"
            + (f"; {len(report.duplicates)} sudah ada di register" if report.duplicates else "")
            + (
                f"; baris dilewati: {', '.join(map(str, report.skipped_rows))}"
                if report.skipped_rows
                else ""
            )  # fmt: skip
            + ". Keputusan PPID pertama ditulis pada proses malam berikutnya."
        )
    elif not report.errors:
        click.echo(
            f"{report.file}: {report.rows} informasi siap diimpor (uji coba, tidak dicatat)."
        )
    else:
        click.echo(
            f"{report.file}: {len(report.errors)} kesalahan; tidak ada yang dicatat"
            + (" (uji coba)" if dry_run else "")
            + ". Perbaiki lalu ulangi, atau pakai --lewati-baris-salah."
        )
    for f in report.errors:
        where = f"{f.cell} " if f.cell else ""
        click.echo(f"  - {where}{f.message}")


@command()
@click.option("--nomor", default=None, metavar="NOMOR", help="Cetak ulang Keputusan bernomor ini.")
@click.option(
    "--tanggal",
    "on_text",
    default=None,
    metavar="YYYY-MM-DD",
    help="Cetak ulang Keputusan yang berlaku pada tanggal ini.",
)
@output_folder_option("Folder tujuan cetak ulang (bawaan: output/keputusan/cetak-ulang/).")
@workspace_option
@handles_errors
def keputusan(
    nomor: str | None, on_text: str | None, output: Path | None, workspace: Path | None
) -> None:
    """Daftar Keputusan PPID tentang Penetapan DIP; dengan --nomor atau --tanggal mencetak
    ulang Keputusan itu beserta Daftar Informasi Publik persis seperti yang ditetapkannya."""
    from ..dates import format_date_id
    from ..documents.keputusan import listing, reprint

    config = workspace_config(workspace)
    if nomor is None and on_text is None:
        records = listing(config.database_url)
        if not records:
            click.echo("Belum ada Keputusan PPID tentang Penetapan Daftar Informasi Publik.")
        for r in records:
            click.echo(f"{r['number']}  {format_date_id(r['date'])}  {r['items_count']} informasi")
        return
    on = iso_date(on_text, "--tanggal", "2026-11-24") if on_text else None
    out = output or config.output_dir / "keputusan" / "cetak-ulang"
    for path in reprint(config, out, nomor=nomor, on=on):
        click.echo(f"ditulis: {path}")


COMMANDS = (impor, keputusan)
