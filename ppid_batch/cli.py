"""The command line: parses arguments, calls one library function, maps PpidError to one line."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, load_config
from .errors import PpidError

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
        try:
            return func(*args, **kwargs)
        except PpidError as exc:
            _fail(exc, bool(ctx.find_root().params.get("debug")))

    return wrapper  # type: ignore[return-value]


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder ruang kerja (bawaan: PPID_WORKSPACE atau folder saat ini).",
)


def default_workspace(explicit: Path | None) -> Path:
    """--workspace, else PPID_WORKSPACE, else the current folder (the library never reads env)."""
    if explicit is not None:
        return explicit
    env = os.environ.get("PPID_WORKSPACE")
    return Path(env) if env else Path.cwd()


def _config(workspace: Path | None) -> Config:
    return load_config(default_workspace(workspace))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="ppid-batch %(version)s")
@click.option("--debug", is_flag=True, help="Tampilkan traceback lengkap bila terjadi galat.")
def cli(debug: bool) -> None:
    """Pendokumentasian Informasi Publik (SOP 3/2025) KPU Kabupaten Mesuji sebagai proses malam.

    Petugas menaruh Form Daftar Informasi Publik di input/; proses malam memeriksa setiap
    formulir, mencatat register, menyiapkan lembar persetujuan Atasan PPID, dan menghasilkan
    Daftar Informasi Publik serta Draft Nota Dinas di output/.
    """


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@handles_errors
def init(directory: Path | None) -> None:
    """Siapkan ruang kerja: folder input/, output/, var/ dan ppid.toml berkomentar."""
    from .workspace import init_workspace

    target = directory or Path.cwd()
    created = init_workspace(target)
    if created:
        for path in created:
            click.echo(f"dibuat: {path}")
    click.echo(f"Ruang kerja siap di {target.resolve()}. Sunting ppid.toml: nama dan NIP pejabat.")


# ---- form ----
# (section owned by issue 2: blank form)


# ---- validate ----
# (section owned by issue 3: reading and validation)


# ---- run ----
# (section owned by issue 6: the nightly batch)


# ---- schedule ----
# (section owned by issue 6: scheduling)


# ---- demo ----
# (section owned by issue 6: demo)


# ---- report ----
# (section owned by issue 7: annual report)


@cli.command()
@click.option(
    "--year",
    "--tahun",
    "year",
    type=int,
    default=None,
    help="Tahun laporan (bawaan: tahun berjalan).",
)
@workspace_option
@handles_errors
def report(year: int | None, workspace: Path | None) -> None:
    """Tulis Matriks Kegiatan dan Laporan Tahunan (dengan grafik) ke output/laporan/."""
    import datetime as dt

    from .annual_report import write_reports

    today = dt.date.today()
    for path in write_reports(_config(workspace), year or today.year, today=today):
        click.echo(f"ditulis: {path}")


def main() -> None:
    cli(prog_name="ppid-batch")


if __name__ == "__main__":  # pragma: no cover
    main()
