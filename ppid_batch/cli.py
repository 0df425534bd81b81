"""The command line: parses arguments, calls one library function, maps PpidError to one line."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from click.exceptions import NoArgsIsHelpError

from . import __version__
from .config import CONFIG_NAME, MAX_FILE_BYTES, MAX_UNPACKED_BYTES, Config, load_config
from .errors import PpidError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# click prints its own texts in English; staff read Indonesian (kept to headings, the help
# option and the common usage errors).
HEADINGS = {"Options": "Opsi", "Commands": "Perintah", "Positional arguments": "Argumen"}
USAGE_ERRORS = (
    (r"Missing argument '(.+?)'\.", r"Argumen '\1' belum diisi."),
    (r"Missing option '(.+?)'\.", r"Opsi '\1' wajib diisi."),
    (r"Missing command\.", "Perintah belum diberikan."),
    (r"No such option '(.+?)'\.", r"Opsi '\1' tidak dikenal."),
    (r"No such command '(.+?)'\.", r"Perintah '\1' tidak dikenal."),
    (r"\(Did you mean one of: (.+)\?\)", r"(Mungkin maksudnya salah satu dari: \1?)"),
    (r"Did you mean (.+)\?", r"Mungkin maksudnya \1?"),
    (r"Got unexpected extra arguments? \((.+)\)", r"Argumen berlebih: \1."),
    (r"Option '(.+?)' requires an argument\.", r"Opsi '\1' memerlukan nilai."),
    (r"Invalid value for '(.+?)':", r"Nilai tidak sah untuk '\1':"),
    (r"Invalid value:", "Nilai tidak sah:"),
    # What click's parameter types say about the value itself (after "Invalid value …:").
    (r"'(.*?)' is not a valid integer\.", r"'\1' bukan bilangan bulat."),
    (r"'(.*?)' is not a valid float\.", r"'\1' bukan angka."),
    (r"(\S+) is not in the range (.+)\.", r"\1 di luar rentang \2."),
    (r"(?:File|Directory|Path) '(.*?)' does not exist\.", r"'\1' tidak ada."),
    (r"(?:File|Directory|Path) '(.*?)' is a file\.", r"'\1' adalah berkas, bukan folder."),
    (r"(?:File|Directory|Path) '(.*?)' is a directory\.", r"'\1' adalah folder, bukan berkas."),
    (r"(?:File|Directory|Path) '(.*?)' is not readable\.", r"'\1' tidak dapat dibaca."),
    (r"(?:File|Directory|Path) '(.*?)' is not writable\.", r"'\1' tidak dapat ditulis."),
    (r"Option '(.+?)' does not take a value\.", r"Opsi '\1' tidak memerlukan nilai."),
    (r"Argument '(.+?)' takes (\d+) values\.", r"Argumen '\1' memerlukan \2 nilai."),
)


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix or "Penggunaan: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


class _Context(click.Context):
    formatter_class = _Formatter


class _UsageError(click.UsageError):
    """A click usage error told in Indonesian, in the same `Galat: …` shape as PpidError."""

    def show(self, file: Any = None) -> None:
        lines = [f"Galat: {self.format_message()}"]
        if self.ctx is not None:
            hint = f"Lihat '{self.ctx.command_path} --help' untuk bantuan."
            lines[:0] = [self.ctx.get_usage(), hint]
        for line in lines:
            click.echo(line, file=file, err=file is None)


@contextlib.contextmanager
def _usage_in_indonesian() -> Iterator[None]:
    try:
        yield
    except (_UsageError, NoArgsIsHelpError):
        raise
    except click.UsageError as exc:
        text = exc.format_message()
        for pattern, replacement in USAGE_ERRORS:
            text = re.sub(pattern, replacement, text)
        raise _UsageError(text, ctx=exc.ctx) from exc


class _Command(click.Command):
    context_class = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option


class _Group(_Command, click.Group):
    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)

    # Parsing the group's own options happens in make_context, a subcommand's in invoke.
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _usage_in_indonesian():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _usage_in_indonesian():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            # click would print "Aborted!" and exit 1, which the batch uses for rejected files.
            click.echo(
                "\nDihentikan (Ctrl-C). Yang sudah tersimpan tetap aman; berkas yang "
                "belum selesai tetap di input/.",
                err=True,
            )
            sys.exit(130)


def _fail(exc: PpidError, debug: bool) -> None:
    if debug:
        raise exc
    click.echo(f"Galat: {exc}", err=True)
    sys.exit(exc.exit_code)


def handles_errors(func: F) -> F:
    """Turn PpidError into one Indonesian line and its exit code (traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except PpidError as exc:
            _fail(exc, debug)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except OSError as exc:
            # A folder that does not exist or cannot be written: the clerk can fix that.
            if debug:
                raise
            from .files import os_reason

            click.echo(f"Galat: {os_reason(exc)}. Periksa folder dan izinnya.", err=True)
            sys.exit(2)
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"Galat: program terhenti ({exc.__class__.__name__}: {exc}). Jalankan lagi "
                "dengan --debug dan sampaikan keluarannya kepada pemelihara.",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="FOLDER",
    help="Folder ruang kerja (bawaan: PPID_WORKSPACE atau folder saat ini).",
)


def _workspace_before_command() -> Path | None:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().params.get("workspace") if ctx is not None else None


def default_workspace(explicit: Path | None) -> Path:
    """--workspace after the command, else before it (`ppid-batch -w X form`), else
    PPID_WORKSPACE, else the current folder (the library never reads env)."""
    explicit = explicit or _workspace_before_command()
    if explicit is not None:
        return explicit
    env = os.environ.get("PPID_WORKSPACE")
    return Path(env) if env else Path.cwd()


def _config(workspace: Path | None) -> Config:
    return load_config(default_workspace(workspace))


@click.group("ppid-batch", cls=_Group, context_settings=CONTEXT)
@click.version_option(
    __version__,
    "--version",
    message="ppid-batch %(version)s",
    help="Tampilkan versi ppid-batch lalu keluar.",
)
@click.option("--debug", is_flag=True, help="Tampilkan traceback lengkap bila terjadi galat.")
@workspace_option
def cli(debug: bool, workspace: Path | None) -> None:
    """Pendokumentasian Informasi Publik kantor KPU sebagai proses malam.

    Petugas menaruh Form Daftar Informasi Publik di input/; proses malam memeriksa setiap
    formulir, mencatat register, menyiapkan lembar persetujuan Atasan PPID, dan menghasilkan
    Daftar Informasi Publik serta Draft Nota Dinas di output/.
    """


@cli.command()
@click.argument(
    "directory",
    metavar="[FOLDER]",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
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
    from .batch.workspace import init_workspace, new_office

    if (satker is None) != (kode_wilayah is None):
        raise UsageError("--satker dan --kode-wilayah dipakai bersama-sama.")
    if kota is not None and satker is None:
        raise UsageError("--kota hanya dipakai bersama --satker dan --kode-wilayah.")
    office = new_office(satker, kode_wilayah, kota) if satker and kode_wilayah else None
    target = directory or _workspace_before_command() or Path.cwd()
    existed = (target / CONFIG_NAME).exists()
    created = init_workspace(target, office)
    if created:
        for path in created:
            click.echo(f"dibuat: {path}")
    if office and existed:
        click.echo(f"{CONFIG_NAME} sudah ada dan tidak diubah; --satker tidak dipakai.")
    click.echo(f"Ruang kerja siap di {target.resolve()}. Sunting ppid.toml: nama dan NIP pejabat.")


# ---- form ----


@cli.command()
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
    from .forms.blank import form_name, write_blank_form

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
    path = write_blank_form(target, _config(workspace), unit=unit)
    click.echo(f"Formulir kosong ditulis: {path}")
    click.echo("Bagikan ke tim penghubung; setelah diisi, taruh berkasnya di folder input/.")


# ---- validate ----


def _workspace_config(workspace: Path | None) -> Config | None:
    """The workspace's ppid.toml when there is one: validate also works outside a workspace."""
    ws = default_workspace(workspace)
    return load_config(ws) if (ws / CONFIG_NAME).is_file() else None


@cli.command()
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
    from .forms.validate import validate_files

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
    config = _workspace_config(workspace)
    limits: dict[str, Any] = {
        "max_file_bytes": config.max_file_bytes if config else MAX_FILE_BYTES,
        "max_unpacked_bytes": config.max_unpacked_bytes if config else MAX_UNPACKED_BYTES,
        "vocabulary": config.vocabulary if config else None,
    }
    all_ok = True
    for report in validate_files(
        files,
        max_file_bytes=limits["max_file_bytes"],
        max_unpacked_bytes=limits["max_unpacked_bytes"],
    ):
        if config is not None:
            from .forms.units import check_unit

            report = check_unit(report, config.units)
        if report.kind == "persetujuan" and config is not None:
            # An approval sheet is checked against the workspace register, writing nothing.
            from .approve.apply import check_against_register

            report = check_against_register(report, config)
        all_ok = all_ok and report.ok
        written = None
        if koreksi is not None and not report.ok:
            from .forms.feedback import write_corrected_copy

            written = write_corrected_copy(report, koreksi)
        if as_json:
            data = report.to_json()
            if written is not None:
                data["koreksi"] = str(written)
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            _render_report(report, tty=sys.stdout.isatty())
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


def _render_report(report: Any, *, tty: bool) -> None:
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


# ---- run ----


def _parse_now(text: str | None) -> Any:
    if not text:
        return None
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--now harus berupa tanggal-waktu ISO, contoh 2025-11-26T01:00 (bukan '{text}')."
        ) from None


@cli.command("run")
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
    from .batch.console import pick_progress, show_inputs
    from .batch.pipeline import run
    from .files import log_text

    config = _config(workspace)
    if pdf:
        config = dataclasses.replace(config, pdf=True)
    progress = pick_progress()
    report = run(config, dry_run=dry_run, wait=wait, now=_parse_now(now_text), progress=progress)
    show_inputs(report.inputs)
    for action in report.actions:
        click.echo(log_text(f"Perlu tindakan: {action}"))  # one line, whatever a name holds
    click.echo(report.summary)
    sys.exit(report.exit_code)


# ---- schedule ----


@cli.command()
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
    from .batch.schedule import (
        batch_command,
        make_schedule,
        make_windows_task,
        render_schedule,
        render_windows,
        task_xml_bytes,
    )

    config = _config(workspace)
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
        from .files import atomic_write_bytes

        atomic_write_bytes(xml_path, task_xml_bytes(task))
    click.echo(render_windows(task, xml_written=xml_path is not None, here=on_windows))
    if xml_path is not None:
        click.echo(f"REM XML tugas ditulis: {xml_path}")


# ---- demo ----


@cli.command()
@click.argument(
    "directory",
    metavar="[FOLDER]",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
@handles_errors
def demo(directory: Path | None) -> None:
    """Satu siklus penuh pada contoh formulir di folder FOLDER (bawaan: ./demo): malam 1,
    Atasan PPID mengisi lembar persetujuan, malam 2."""
    from .batch.console import pick_progress
    from .batch.demo import describe, run_demo

    report = run_demo(directory or Path("demo"), progress=pick_progress())
    for line in describe(report):
        click.echo(line)


# ---- report ----


@cli.command()
@click.option(
    "--year",
    "--tahun",
    "year",
    type=int,
    default=None,
    metavar="TAHUN",
    help="Tahun laporan (bawaan: tahun berjalan).",
)
@click.option("--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian).")
@workspace_option
@handles_errors
def report(year: int | None, today_text: str | None, workspace: Path | None) -> None:
    """Tulis Matriks Kegiatan dan Laporan Tahunan (dengan grafik) ke output/laporan/."""
    import datetime as dt

    from .reports.laporan import write_reports

    try:
        today = dt.date.fromisoformat(today_text[:10]) if today_text else dt.date.today()
    except ValueError:
        raise UsageError(
            f"--now harus berupa tanggal ISO, contoh 2025-12-31 (bukan '{today_text}')."
        ) from None
    for path in write_reports(
        _config(workspace), today.year if year is None else year, today=today
    ):
        click.echo(f"ditulis: {path}")


# ---- ekspor, rekap, db ----
# (section owned by issue 16: many offices, reporting upward)


def _today(text: str | None) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text[:10]) if text else dt.date.today()
    except ValueError:
        raise UsageError(
            f"--now harus berupa tanggal ISO, contoh 2026-12-31 (bukan '{text}')."
        ) from None


@cli.command()
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FOLDER",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder tujuan paket (dibuat bila belum ada).",
)
@click.option("--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian).")
@workspace_option
@handles_errors
def ekspor(output: Path, today_text: str | None, workspace: Path | None) -> None:
    """Tulis paket register kantor ini untuk KPU Provinsi: DIP, DIK, Keputusan PPID terakhir,
    riwayat proses malam dan jumlah-jumlah, sebagai CSV + JSON dengan datapackage.json."""
    from .reports.ekspor import export_workspace

    written = export_workspace(_config(workspace), output, _today(today_text))
    click.echo(f"Paket ekspor ditulis ke {output} ({len(written)} berkas).")
    click.echo("Kirim seluruh folder itu (atau zip-nya) ke KPU Provinsi.")


@cli.command()
@click.option(
    "--sumber",
    "sources",
    multiple=True,
    required=True,
    metavar="URL_ATAU_FOLDER",
    help="URL basis data bersama (setiap kantor di dalamnya) atau folder paket ekspor "
    "(satu paket, atau folder berisi paket-paket); boleh diulang.",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FOLDER",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder tujuan rekap.",
)
@click.option("--tahun", "year", type=int, default=None, metavar="TAHUN", help="Tahun pemantauan.")
@click.option("--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian).")
@handles_errors
def rekap(sources: tuple[str, ...], output: Path, year: int | None, today_text: str | None) -> None:
    """Rekap banyak kantor untuk KPU Provinsi / KPU RI: Rekap-Daftar-Informasi-Publik
    (xlsx, html, json) dan Rekap-Pemantauan (xlsx, html). Kode keluar 1 bila ada sumber
    yang tidak dapat direkap (kantor lain tetap direkap)."""
    from .reports.rekap import write_rekap

    today = _today(today_text)
    result = write_rekap(sources, output, year=year or today.year, today=today)
    quiet = sum(1 for row in result.offices if row.diam)
    click.echo(
        f"Rekap {len(result.offices)} satker, {result.rows} informasi DIP, ditulis ke {output}."
    )
    if quiet:
        click.echo(f"{quiet} satker belum menunjukkan kegiatan tahun {year or today.year}.")
    for problem in result.problems:
        click.echo(f"Tidak direkap: {problem.sumber}: {problem.alasan}")
    sys.exit(result.exit_code)


@cli.group(cls=_Group)
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
    from .store.offices import create_office

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
@click.option("--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian).")
@workspace_option
@handles_errors
def pindah(target: str, today_text: str | None, workspace: Path | None) -> None:
    """Pindahkan register SQLite ruang kerja ini ke server PostgreSQL: semua informasi,
    riwayat, keputusan, proses dan penomoran disalin, jumlah baris dan sidik isi setiap tabel
    dicocokkan, baru kemudian ppid.toml diarahkan ke server. Berkas SQLite tetap disimpan."""
    from .batch.pindah import move_register

    report = move_register(_config(workspace), target, today=_today(today_text))
    rows = sum(t.rows for t in report.tables)
    click.echo(
        f"Register dipindahkan ke {report.target}: {len(report.tables)} tabel, {rows} baris, "
        "jumlah dan sidik isi cocok."
    )
    click.echo("ppid.toml kini memakai server itu (baris lama disimpan sebagai komentar).")
    if report.sqlite_file is not None:
        click.echo(f"Register lama tetap ada di {report.sqlite_file}; jangan dipakai lagi.")


# ---- impor ----


@cli.command()
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
    import datetime as dt

    from .batch.lock import workspace_lock
    from .register.impor import import_published, reports_json
    from .store.core import Store

    try:
        penetapan = dt.date.fromisoformat(penetapan_text)
    except ValueError:
        raise UsageError(
            f"--tanggal-penetapan harus berupa tanggal ISO, contoh 2025-01-15 "
            f"(bukan '{penetapan_text}')."
        ) from None
    config = _config(workspace)
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


# ---- keputusan ----


@cli.command()
@click.option("--nomor", default=None, metavar="NOMOR", help="Cetak ulang Keputusan bernomor ini.")
@click.option(
    "--tanggal",
    "on_text",
    default=None,
    metavar="YYYY-MM-DD",
    help="Cetak ulang Keputusan yang berlaku pada tanggal ini.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder tujuan cetak ulang (bawaan: output/keputusan/cetak-ulang/).",
)
@workspace_option
@handles_errors
def keputusan(
    nomor: str | None, on_text: str | None, output: Path | None, workspace: Path | None
) -> None:
    """Daftar Keputusan PPID tentang Penetapan DIP; dengan --nomor atau --tanggal mencetak
    ulang Keputusan itu beserta Daftar Informasi Publik persis seperti yang ditetapkannya."""
    import datetime as dt

    from .dates import format_date_id
    from .documents.keputusan import listing, reprint

    config = _config(workspace)
    if nomor is None and on_text is None:
        records = listing(config)
        if not records:
            click.echo("Belum ada Keputusan PPID tentang Penetapan Daftar Informasi Publik.")
        for r in records:
            click.echo(f"{r['number']}  {format_date_id(r['date'])}  {r['items_count']} informasi")
        return
    try:
        on = dt.date.fromisoformat(on_text) if on_text else None
    except ValueError:
        raise UsageError(
            f"--tanggal harus berupa tanggal ISO, contoh 2026-11-24 (bukan '{on_text}')."
        ) from None
    out = output or config.output_dir / "keputusan" / "cetak-ulang"
    for path in reprint(config, out, nomor=nomor, on=on):
        click.echo(f"ditulis: {path}")


@db.command("mulai-baru")
@click.option("--yakin", is_flag=True, help="Ya, register lama memang tidak dipakai lagi.")
@click.option("--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian).")
@workspace_option
@handles_errors
def mulai_baru(yakin: bool, today_text: str | None, workspace: Path | None) -> None:
    """Mulai register baru yang kosong di ruang kerja yang sudah pernah diproses (misalnya
    register lama hilang tanpa cadangan). Nomor DIP dan Nota Dinas mulai lagi dari 1."""
    from .batch.continuity import start_over
    from .store import Store

    config = _config(workspace)
    if not yakin:
        raise UsageError(
            "Register baru membuat nomor DIP dan Nota Dinas mulai lagi dari 1. Bila register "
            "lama dapat dipulihkan dari cadangan, pulihkan saja. Bila tidak, ulangi dengan "
            "--yakin."
        )
    with Store.open(config.database_url):
        pass  # opening creates the empty register with its tables
    marker = start_over(config, today=_today(today_text))
    click.echo(f"Register baru siap; dicatat di {marker}. Proses malam berikutnya memakainya.")


def main() -> None:
    cli(prog_name="ppid-batch")


if __name__ == "__main__":  # pragma: no cover
    main()
