"""Options and values more than one command shares: the workspace, -o/--output, dates.

A date given on the command line is checked here and refused with one Indonesian line naming
the option (a UsageError, so exit code 2), never with click's English.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import CONFIG_NAME, Config
from ..config_file import load_config
from ..errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])

workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="FOLDER",
    help="Folder ruang kerja (bawaan: PPID_WORKSPACE atau folder saat ini).",
)

# Tests fix "today" (or the night's date and time) through a hidden --now.
# init and demo: the folder to lay a workspace out in (the current folder when left out)
folder_argument = click.argument(
    "directory",
    metavar="[FOLDER]",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
today_option = click.option(
    "--now", "today_text", hidden=True, help="Tanggal hari ini (untuk pengujian)."
)


def output_folder_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """-o/--output FOLDER: where a command writes what it makes (created when missing)."""
    optional: dict[str, Any] = {} if required else {"default": None}
    return click.option(
        "-o",
        "--output",
        "output",
        required=required,
        metavar="FOLDER",
        type=click.Path(file_okay=False, path_type=Path),
        help=help,
        **optional,
    )


def workspace_before_command() -> Path | None:
    """The -w given before the command (`ppid-batch -w X form`), if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().params.get("workspace") if ctx is not None else None


def default_workspace(explicit: Path | None) -> Path:
    """--workspace after the command, else before it (`ppid-batch -w X form`), else
    PPID_WORKSPACE, else the current folder (the library never reads env)."""
    explicit = explicit or workspace_before_command()
    if explicit is not None:
        return explicit
    env = os.environ.get("PPID_WORKSPACE")
    return Path(env) if env else Path.cwd()


def workspace_config(workspace: Path | None) -> Config:
    """The workspace's ppid.toml, loaded and checked."""
    return load_config(default_workspace(workspace))


def optional_workspace_config(workspace: Path | None) -> Config | None:
    """The workspace's ppid.toml when there is one: validate also works outside a workspace."""
    ws = default_workspace(workspace)
    return load_config(ws) if (ws / CONFIG_NAME).is_file() else None


def iso_date(text: str, option: str, example: str, *, leading: bool = False) -> dt.date:
    """An ISO date given to `option`; `leading` reads only the date at the start
    (`2026-11-24T01:00` is the 24th)."""
    try:
        return dt.date.fromisoformat(text[:10] if leading else text)
    except ValueError:
        raise UsageError(
            f"{option} harus berupa tanggal ISO, contoh {example} (bukan '{text}')."
        ) from None


def today(text: str | None, *, example: str = "2026-12-31") -> dt.date:
    """The date of the hidden --now, or today."""
    return iso_date(text, "--now", example, leading=True) if text else dt.date.today()


def night_time(text: str | None) -> dt.datetime | None:
    """The date and time of the hidden `run --now`, or None (the night's own clock)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--now harus berupa tanggal-waktu ISO, contoh 2025-11-26T01:00 (bukan '{text}')."
        ) from None
