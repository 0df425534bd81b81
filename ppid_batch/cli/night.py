"""The workspace and the nightly batch: init, run, schedule, demo."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from ..config import CONFIG_NAME
from ..errors import UsageError
from .options import (
    folder_argument,
    night_time,
    workspace_before_command,
    workspace_config,
    workspace_option,
)
from .shell import command, handles_errors


@command()
@folder_argument
@click.option(
    "--satker",
    metavar="NAMA",
    default=None,
    help='Nama kantor, misalnya "KPU Kota Bandung"; ppid.toml memakai nama ini.',
)
@click.option(
    "--kode-wilayah",
    "kode_wilayah",
    metavar="KODE",
    default=None,
    help="Kode wilayah kantor (4 angka untuk kabupaten/kota, 2 untuk provinsi).",
)
@click.option(
    "--kota",
    metavar="NAMA",
    default=None,
    help="Tempat penandatanganan dokumen (bawaan: nama wilayah dari --satker).",
)
@handles_errors
def init(
    directory: Path | None, satker: str | None, kode_wilayah: str | None, kota: str | None
) -> None:
    """Siapkan ruang kerja: folder input/, output/, var/ dan ppid.toml berkomentar.

    FOLDER bawaan adalah folder saat ini. Berkas yang sudah ada tidak ditimpa. Dengan
    --satker dan --kode-wilayah, ppid.toml langsung memuat nama kantor Anda.
    """
    from ..batch.workspace import init_workspace, new_office

    if (satker is None) != (kode_wilayah is None):
        raise UsageError("--satker dan --kode-wilayah dipakai bersama-sama.")
    if kota is not None and satker is None:
        raise UsageError("--kota hanya dipakai bersama --satker dan --kode-wilayah.")
    office = new_office(satker, kode_wilayah, kota) if satker and kode_wilayah else None
    target = directory or workspace_before_command() or Path.cwd()
    existed = (target / CONFIG_NAME).exists()
    created = init_workspace(target, office)
    if created:
        for path in created:
            click.echo(f"dibuat: {path}")
    if office and existed:
        click.echo(f"{CONFIG_NAME} sudah ada dan tidak diubah; --satker tidak dipakai.")
    click.echo(f"Ruang kerja siap di {target.resolve()}. Sunting ppid.toml: nama dan NIP pejabat.")


@command("run")
@workspace_option
@click.option(
    "--dry-run", is_flag=True, help="Baca, periksa dan laporkan saja; tidak ada yang diubah."
)
@click.option(
    "--wait", is_flag=True, help="Bila proses lain sedang berjalan, tunggu sampai selesai."
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Buat juga salinan PDF dokumen melalui LibreOffice (sama dengan [batch] pdf = true).",
)
@click.option("--now", "now_text", hidden=True, help="Tanggal-waktu proses (untuk pengujian).")
@handles_errors
def run_command(
    workspace: Path | None, dry_run: bool, wait: bool, pdf: bool, now_text: str | None
) -> None:
    """Jalankan proses malam atas folder input/ (kode keluar: 0 semua diterima, 1 ada yang
    ditolak, 2 galat konfigurasi, 3 proses lain sedang berjalan)."""
    from ..batch.console import pick_progress, show_inputs
    from ..batch.pipeline import run
    from ..files import log_text

    config = workspace_config(workspace)
    if pdf:
        config = dataclasses.replace(config, pdf=True)
    progress = pick_progress()
    report = run(config, dry_run=dry_run, wait=wait, now=night_time(now_text), progress=progress)
    show_inputs(report.inputs)
    for action in report.actions:
        click.echo(log_text(f"Perlu tindakan: {action}"))  # one line, whatever a name holds
    click.echo(report.summary)
    sys.exit(report.exit_code)


@command()
@workspace_option
@click.option(
    "--windows",
    is_flag=True,
    help="Tugas Task Scheduler Windows (bawaan di Windows), bukan cron/systemd.",
)
@click.option(
    "--xml",
    "xml_path",
    metavar="BERKAS",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tulis XML tugas Windows ke BERKAS (siap diimpor dengan schtasks /XML).",
)
@handles_errors
def schedule(workspace: Path | None, windows: bool, xml_path: Path | None) -> None:
    """Cetak cara menjadwalkan proses malam pukul 01.00: crontab dan systemd, atau di Windows
    perintah schtasks dan XML tugas Task Scheduler."""
    from ..batch.schedule import (
        batch_command,
        make_schedule,
        make_windows_task,
        render_schedule,
        render_windows,
        task_xml_bytes,
    )

    config = workspace_config(workspace)
    on_windows = sys.platform == "win32"
    if not (windows or on_windows or xml_path):
        click.echo(
            render_schedule(make_schedule(config.workspace, Path(sys.executable), config.var_dir))
        )
        return
    ws = config.workspace.resolve()
    task = make_windows_task(
        ws, batch_command(Path(sys.executable), windows=True), xml_path and xml_path.resolve()
    )
    if xml_path is not None:
        from ..files import atomic_write_bytes

        atomic_write_bytes(xml_path, task_xml_bytes(task))
    click.echo(render_windows(task, xml_written=xml_path is not None, here=on_windows))
    if xml_path is not None:
        click.echo(f"REM XML tugas ditulis: {xml_path}")


@command()
@folder_argument
@handles_errors
def demo(directory: Path | None) -> None:
    """Satu siklus penuh pada contoh formulir di folder FOLDER (bawaan: ./demo): malam 1,
    Atasan PPID mengisi lembar persetujuan, malam 2."""
    from ..batch.console import pick_progress
    from ..batch.demo import describe, run_demo

    report = run_demo(directory or Path("demo"), progress=pick_progress())
    for line in describe(report):
        click.echo(line)


COMMANDS = (init, run_command, schedule, demo)
