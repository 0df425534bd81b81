"""The command line: parses arguments, calls one library function, maps PpidError to one line.

One module per group of commands, by the SOP stage they serve:

- `night`: init, run, schedule, demo (the workspace and the nightly batch)
- `forms`: form, validate (the blank form; checking a form or approval sheet now)
- `register`: impor, keputusan (an earlier DIP into the register; the Keputusan PPID)
- `reports`: report, ekspor, rekap (annual report; reporting upward to KPU Provinsi)
- `db`: db kantor-baru, db pindah, db mulai-baru (the register's database)

`shell` makes click speak Indonesian and turns errors into one line; `options` holds the
options and date parsing that several commands share. Commands import their stage lazily,
so `ppid-batch --help` loads no heavy library.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from . import db, forms, night, register, reports
from .options import workspace_option
from .shell import CONTEXT, Group


@click.group("ppid-batch", cls=Group, context_settings=CONTEXT)
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


for _module in (night, forms, register, reports, db):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="ppid-batch")


__all__ = ["cli", "main"]
