"""Forms: the blank form (form) and checking a form or approval sheet now (validate)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..config import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from ..errors import UsageError
from .options import optional_workspace_config, workspace_config, workspace_option
from .shell import command, handles_errors


@command()
@click.option(
    "-o",
    "--output",
    "output",
    metavar="BERKAS",
    type=click.Path(path_type=str),  # str: a trailing '/' (a folder to make) must survive
    default=None,
    help="Berkas tujuan, atau folder tujuan: di folder, nama berkas memuat nama unit "
    "(bawaan: Form-Daftar-Informasi-Publik.xlsx di folder saat ini).",
)
@click.option(
    "--unit", metavar="NAMA", default=None, help="Isi Unit Kerja / Subbagian terlebih dahulu."
)
@click.option("--timpa", is_flag=True, help="Timpa berkas tujuan bila sudah ada.")
@workspace_option
@handles_errors
def form(output: str | None, unit: str | None, timpa: bool, workspace: Path | None) -> None:
    """Buat Form Daftar Informasi Publik kosong untuk diisi tim penghubung.

    Formulir berisi daftar pilihan untuk Bentuk dan Jenis Informasi, petunjuk pada setiap
    kolom, sel Versi Formulir, dan lembar Panduan dengan satu baris contoh. Nama kantor
    diambil dari ppid.toml.
    """
    from ..forms.blank import form_name, write_blank_form

    unit = unit.strip() if unit else None
    name = form_name(unit)
    target = Path(output or name)
    if target.is_dir() or (output or "").endswith(("/", os.sep)):
        # A folder (even one still to be made, written `forms/`): the file is named after
        # the unit, so a second unit's form lands beside the first, not over it.
        target = target / name
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"Nama berkas formulir harus berakhiran .xlsx (bukan '{target.name}').")
    if target.exists() and not timpa:
        raise UsageError(
            f"{target} sudah ada; pilih nama lain dengan -o "
            "atau tambahkan --timpa untuk menimpanya."
        )
    path = write_blank_form(target, workspace_config(workspace).form, unit=unit)
    click.echo(f"Formulir kosong ditulis: {path}")
    click.echo("Bagikan ke tim penghubung; setelah diisi, taruh berkasnya di folder input/.")


@command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="BERKAS...")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (satu objek per berkas).")
@click.option(
    "--koreksi",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    default=None,
    help="Tulis salinan koreksi <berkas>-koreksi.xlsx bagi berkas yang belum benar ke folder ini.",
)
@workspace_option
@handles_errors
def validate(
    files: tuple[Path, ...], as_json: bool, koreksi: Path | None, workspace: Path | None
) -> None:
    """Periksa formulir atau lembar persetujuan sekarang juga, tanpa mengubah apa pun.

    Keluar dengan kode 0 bila semua berkas benar, 1 bila ada yang perlu diperbaiki (termasuk
    berkas yang tidak dapat dibaca), 2 bila perintah salah dipakai. Dengan --json dan beberapa
    berkas, setiap baris keluaran adalah satu objek JSON (JSON Lines).
    """
    from ..forms.validate import validate_files

    if not files:
        raise UsageError(
            "Sebutkan berkas yang akan diperiksa, contoh: ppid-batch validate Form-DIP.xlsx"
        )
    for path in files:
        if not path.exists():
            raise UsageError(f"Berkas {path} tidak ditemukan.")
        if not path.is_file():
            raise UsageError(f"{path} bukan berkas; sebutkan berkas .xlsx yang akan diperiksa.")
    if koreksi is not None and koreksi.exists() and not koreksi.is_dir():
        raise UsageError(f"--koreksi {koreksi} bukan folder.")
    config = optional_workspace_config(workspace)
    all_ok = True
    for report in validate_files(
        files,
        max_file_bytes=config.max_file_bytes if config else MAX_FILE_BYTES,
        max_unpacked_bytes=config.max_unpacked_bytes if config else MAX_UNPACKED_BYTES,
        vocabulary=config.vocabulary if config else None,  # the office's words, as at night
    ):
        if config is not None:
            from ..forms.units import check_unit

            report = check_unit(report, config.units)
        if report.kind == "persetujuan" and config is not None:
            # An approval sheet is checked against the workspace register, writing nothing.
            from ..approve.apply import check_against_register

            report = check_against_register(report, config)
        all_ok = all_ok and report.ok
        written = None
        if koreksi is not None and not report.ok:
            from ..forms.feedback import write_corrected_copy

            written = write_corrected_copy(report, koreksi)
        if as_json:
            data = report.to_json()
            if written is not None:
                data["koreksi"] = str(written)
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            render_report(report, tty=sys.stdout.isatty())
            if written is not None:
                click.echo(f"Salinan koreksi: {written}")
    sys.exit(0 if all_ok else 1)


IDENTITY = "sheet_identity"  # approve/apply.py: genuine, stale or forged, said in the verdict


def _validate_verdict(report: Any) -> str:
    """One encouraging line (and, for an approval sheet, whether it is genuine)."""
    line = _verdict_line(report)
    said = [f.message for f in report.warnings if f.type == IDENTITY]
    return " ".join([line, *said])


def _verdict_line(report: Any) -> str:
    """What is fine, and how much is left to fix."""
    name = report.path.name
    if report.kind is None:
        return f"{name}: belum dapat dibaca. Ikuti petunjuk di bawah, lalu periksa lagi."
    if report.ok:
        notes = [f for f in report.warnings if f.type != IDENTITY]
        note = f" ({len(notes)} catatan di bawah)" if notes else ""
        if report.kind == "persetujuan":
            # Blank rows are allowed (they stay pending), so "all ready" would mislead.
            decided = sum(1 for item in report.items if item.get("persetujuan"))
            blank = report.rows - decided
            if not decided:
                # Nothing is wrong, but nothing would happen either: the batch sends it back.
                return f"{name}: belum berisi keputusan ({blank} baris kosong).{note}"
            left = f"; {blank} baris belum diputuskan (tetap menunggu)" if blank else ""
            return f"{name}: lengkap dan benar; {decided} keputusan siap diterapkan{left}.{note}"
        return f"{name}: lengkap dan benar; {report.rows} informasi siap diproses.{note}"
    if not report.rows:
        return f"{name}: {len(report.errors)} hal perlu diperbaiki, lihat di bawah."
    bad_rows = {f.row for f in report.errors if f.row is not None}
    good = max(report.rows - len(bad_rows), 0)
    return (
        f"{name}: {good} dari {report.rows} baris sudah benar; {len(report.errors)} hal perlu "
        "diperbaiki, lihat di bawah."
    )


def _validate_groups(report: Any) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for f in report.errors:
        key = "Seluruh berkas" if f.row is None else f"Baris {f.row}"
        groups.setdefault(key, []).append(f)
    notes = [f for f in report.warnings if f.type != IDENTITY]
    if notes:
        groups["Catatan"] = notes
    return list(groups.items())


def render_report(report: Any, *, tty: bool) -> None:
    click.echo(_validate_verdict(report))
    groups = _validate_groups(report)
    if not groups:
        return
    if not tty:
        for title, findings in groups:
            click.echo(f"  {title}:")
            for f in findings:
                where = f"{f.cell} " if f.cell else ""
                click.echo(f"    - {where}{f.message}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for label in ("Baris", "Sel", "Kolom", "Isi", "Yang perlu diperbaiki"):
        table.add_column(label, overflow="fold")
    for title, findings in groups:
        for i, f in enumerate(findings):
            shown = "" if f.value is None else str(f.value)
            table.add_row(title if i == 0 else "", f.cell or "-", f.column or "", shown, f.message)
        table.add_section()
    Console().print(table)


COMMANDS = (form, validate)
