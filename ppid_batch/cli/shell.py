"""The Indonesian shell around click: help headings, usage errors, Ctrl-C, and one line per error.

click prints its own texts in English; staff read Indonesian. Every command of ppid-batch is a
`Command` (a `Group` for command groups), so its help and its usage errors come out in
Indonesian, and `handles_errors` turns a PpidError into one `Galat: …` line and its exit code.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from click.exceptions import NoArgsIsHelpError

from ..errors import PpidError

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


class Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix or "Penggunaan: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


class Context(click.Context):
    formatter_class = Formatter


class ClickUsageError(click.UsageError):
    """A click usage error told in Indonesian, in the same `Galat: …` shape as PpidError."""

    def show(self, file: Any = None) -> None:
        lines = [f"Galat: {self.format_message()}"]
        if self.ctx is not None:
            hint = f"Lihat '{self.ctx.command_path} --help' untuk bantuan."
            lines[:0] = [self.ctx.get_usage(), hint]
        for line in lines:
            click.echo(line, file=file, err=file is None)


@contextlib.contextmanager
def usage_in_indonesian() -> Iterator[None]:
    try:
        yield
    except (ClickUsageError, NoArgsIsHelpError):
        raise
    except click.UsageError as exc:
        text = exc.format_message()
        for pattern, replacement in USAGE_ERRORS:
            text = re.sub(pattern, replacement, text)
        raise ClickUsageError(text, ctx=exc.ctx) from exc


class Command(click.Command):
    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Tampilkan bantuan ini lalu keluar."
        return option


class Group(Command, click.Group):
    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)

    # Parsing the group's own options happens in make_context, a subcommand's in invoke.
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with usage_in_indonesian():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with usage_in_indonesian():
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
            from ..files import os_reason

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


def command(name: str | None = None) -> Callable[[Callable[..., Any]], Command]:
    """A ppid-batch command (help and usage errors in Indonesian)."""
    return click.command(name, cls=Command)
