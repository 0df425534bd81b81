"""The command line speaks Indonesian: help texts, usage errors, and `init`."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ppid_batch import __version__
from ppid_batch.cli import cli
from ppid_batch.cli.shell import Group

ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message",
    "Show the version",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "Error:",
    "Try '",
)


def invoke(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args))


def assert_indonesian(text: str) -> None:
    for phrase in ENGLISH:
        assert phrase not in text, f"English click text {phrase!r} in:\n{text}"


def test_main_help_is_indonesian() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Penggunaan: ppid-batch [OPSI] PERINTAH [ARGUMEN]...\n")
    assert "\nOpsi:\n" in out and "\nPerintah:\n" in out
    assert re.search(r"-h, --help +Tampilkan bantuan ini lalu keluar\.", out)
    assert re.search(r"--version +Tampilkan versi ppid-batch lalu keluar\.", out)
    assert re.search(r"-w, --workspace FOLDER +Folder ruang kerja", out)
    assert "Pendokumentasian Informasi Publik" in out
    assert_indonesian(out)


def test_short_help_option() -> None:
    assert invoke("-h").stdout == invoke("--help").stdout


def test_no_arguments_shows_the_help() -> None:
    result = invoke()
    assert "Penggunaan: ppid-batch" in result.output
    assert "Perintah:" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_help_is_indonesian(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f"Penggunaan: ppid-batch {name} [OPSI]")
    assert "Tampilkan bantuan ini lalu keluar." in out
    assert_indonesian(out)
    summary = cli.commands[name].get_short_help_str(limit=200)
    assert len(summary) > 20, f"{name} needs a sentence saying what it does"
    assert summary in " ".join(out.split())


def test_form_help_says_what_it_does() -> None:
    out = invoke("form", "--help").stdout
    assert "Buat Form Daftar Informasi Publik kosong untuk diisi tim penghubung." in out
    for option in ("-o, --output BERKAS", "--unit NAMA", "--timpa", "-w, --workspace FOLDER"):
        assert option in out


def test_version() -> None:
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"ppid-batch {__version__}\n")


# ---------------------------------------------------------------- usage errors


def test_unknown_command_is_indonesian() -> None:
    result = invoke("inti")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Penggunaan: ppid-batch [OPSI] PERINTAH [ARGUMEN]...\n"
        "Lihat 'ppid-batch --help' untuk bantuan.\n"
        "Galat: Perintah 'inti' tidak dikenal. Mungkin maksudnya 'init'?\n"
    )


def test_unknown_option_is_indonesian() -> None:
    result = invoke("form", "--unti", "Hukum")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Galat: Opsi '--unti' tidak dikenal. "
        "(Mungkin maksudnya salah satu dari: '--timpa', '--unit'?)\n"
    )
    assert "Lihat 'ppid-batch form --help' untuk bantuan." in result.stderr


def test_option_without_value_is_indonesian() -> None:
    result = invoke("form", "-o")
    assert result.exit_code == 2
    assert result.stderr.endswith("Galat: Opsi '-o' memerlukan nilai.\n")


def test_extra_argument_is_indonesian(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "a"), "b")
    assert result.exit_code == 2
    assert result.stderr.endswith("Galat: Argumen berlebih: b.\n")


def test_missing_argument_is_indonesian() -> None:
    # No command of this part takes a required argument yet; the shape is the group's.
    group = Group("ppid-batch")

    @group.command()
    @click.argument("berkas")
    def periksa(berkas: str) -> None:
        """Periksa berkas."""

    result = CliRunner().invoke(group, ["periksa"], prog_name="ppid-batch")
    assert result.exit_code == 2
    assert result.stderr == (
        "Penggunaan: ppid-batch periksa [OPSI] BERKAS\n"
        "Lihat 'ppid-batch periksa --help' untuk bantuan.\n"
        "Galat: Argumen 'BERKAS' belum diisi.\n"
    )


def test_invalid_value_is_indonesian(tmp_path: Path) -> None:
    a_file = tmp_path / "berkas.txt"
    a_file.write_text("x", encoding="utf-8")
    result = invoke("init", str(a_file))
    assert result.exit_code == 2
    assert "Galat: Nilai tidak sah untuk '[FOLDER]': " in result.stderr


# ---------------------------------------------------------------- init


def test_init_lays_out_a_workspace(tmp_path: Path) -> None:
    target = tmp_path / "kantor"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"dibuat: {target / 'input'}",
        f"dibuat: {target / 'output'}",
        f"dibuat: {target / 'var'}",
        f"dibuat: {target / 'ppid.toml'}",
        f"Ruang kerja siap di {target.resolve()}. Sunting ppid.toml: nama dan NIP pejabat.",
    ]
    assert all((target / d).is_dir() for d in ("input", "output", "var"))
    toml = (target / "ppid.toml").read_text(encoding="utf-8")
    assert toml.startswith("# ppid.toml — konfigurasi kantor")
    assert 'kode_wilayah = "1811"' in toml


def test_init_keeps_an_edited_config(tmp_path: Path) -> None:
    target = tmp_path / "kantor"
    invoke("init", str(target))
    config = target / "ppid.toml"
    edited = config.read_text(encoding="utf-8").replace("NAMA PPID (ganti)", "Budi Santoso")
    config.write_text(edited, encoding="utf-8")
    result = invoke("init", str(target))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Ruang kerja siap di {target.resolve()}. Sunting ppid.toml: nama dan NIP pejabat."
    ]
    assert config.read_text(encoding="utf-8") == edited


def test_init_then_form_works(tmp_path: Path) -> None:
    target = tmp_path / "kantor"
    invoke("init", str(target))
    result = invoke("form", "-w", str(target), "-o", str(target / "output"))
    assert result.exit_code == 0, result.output
    assert (target / "output" / "Form-Daftar-Informasi-Publik.xlsx").is_file()


def test_init_on_a_file_is_refused(tmp_path: Path) -> None:
    # click checks the path type first; the library guards the same case for callers.
    from ppid_batch.batch.workspace import init_workspace
    from ppid_batch.errors import UsageError

    a_file = tmp_path / "bukan-folder"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="sudah ada dan bukan folder"):
        init_workspace(a_file)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "--year", "abc"],
            "Nilai tidak sah untuk '--year' / '--tahun': 'abc' bukan bilangan bulat.",
        ),
        (["run", "--dry-run=ya"], "Opsi '--dry-run' tidak memerlukan nilai."),
    ],
)
def test_click_value_errors_are_indonesian(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Galat: {message}\n")
    assert_indonesian(result.stderr)


def test_a_file_given_as_workspace_is_indonesian(tmp_path: Path) -> None:
    a_file = tmp_path / "ppid.toml"
    a_file.write_text("x", encoding="utf-8")
    result = invoke("run", "--workspace", str(a_file))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Galat: Nilai tidak sah untuk '--workspace' / '-w': '{a_file}' adalah berkas, "
        "bukan folder.\n"
    )


@pytest.mark.parametrize(
    ("name", "usage"),
    [("validate", "[OPSI] BERKAS..."), ("demo", "[OPSI] [FOLDER]"), ("keputusan", "[OPSI]")],
)
def test_argument_names_in_help_are_indonesian(name: str, usage: str) -> None:
    out = invoke(name, "--help").stdout
    assert out.startswith(f"Penggunaan: ppid-batch {name} {usage}\n")
    assert "PATH" not in out and "FILES" not in out and "DIRECTORY" not in out


def test_a_folder_error_is_one_indonesian_line_not_a_traceback(tmp_path: Path) -> None:
    a_file = tmp_path / "catatan.txt"
    a_file.write_text("x", encoding="utf-8")
    result = invoke("init", str(a_file / "kantor"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Galat: bagian jalurnya bukan folder: {a_file / 'kantor' / 'input'}. Periksa folder "
        "dan izinnya.\n"
    )


@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (
            KeyError("x"),
            2,
            "Galat: program terhenti (KeyError: 'x'). Jalankan lagi dengan --debug dan "
            "sampaikan keluarannya kepada pemelihara.\n",
        ),
        (
            KeyboardInterrupt(),  # Ctrl-C: not click's "Aborted!", not exit 1 (= rejected files)
            130,
            "\nDihentikan (Ctrl-C). Yang sudah tersimpan tetap aman; berkas yang belum selesai "
            "tetap di input/.\n",
        ),
    ],
)
def test_a_bug_or_ctrl_c_is_one_indonesian_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: BaseException, code: int, message: str
) -> None:
    import ppid_batch.batch.workspace as workspace

    def fails(directory: Path, office: object = None) -> list[Path]:
        raise raised

    monkeypatch.setattr(workspace, "init_workspace", fails)
    result = invoke("init", str(tmp_path))
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)


def test_debug_shows_the_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ppid_batch.batch.workspace as workspace

    monkeypatch.setattr(workspace, "init_workspace", lambda directory, office=None: {}["x"])
    assert isinstance(invoke("--debug", "init", str(tmp_path)).exception, KeyError)


def test_report_year_0_is_refused_not_taken_as_this_year(tmp_path: Path) -> None:
    import datetime as dt

    assert invoke("init", str(tmp_path)).exit_code == 0
    result = invoke("report", "--year", "0", "--workspace", str(tmp_path))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Galat: Tahun 0 tidak dapat dilaporkan; pilih tahun 1999 sampai {dt.date.today().year}.\n"
    )
    assert not (tmp_path / "output" / "laporan").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_workspace_goes_before_or_after_the_command(tmp_path: Path, where: str) -> None:
    """README: every command takes --workspace; staff type it where they think of it."""
    target = tmp_path / "kantor"
    first = ["-w", str(target), "init"] if where == "before" else ["init", str(target)]
    assert invoke(*first).exit_code == 0
    assert (target / "ppid.toml").is_file()
    out = tmp_path / "formulir"
    args = ["form", "-o", f"{out}/", "--unit", "Subbagian Hukum"]
    result = invoke(
        *(
            ["--workspace", str(target), *args]
            if where == "before"
            else [*args, "--workspace", str(target)]
        )
    )
    assert result.exit_code == 0, result.output
    assert (out / "Form-Daftar-Informasi-Publik-subbagian-hukum.xlsx").is_file()
    # And schedule names that workspace, not the current folder.
    result = invoke("-w", str(target), "schedule")
    assert result.exit_code == 0, result.output
    assert f"run --workspace {target.resolve()}" in result.output


def test_forms_for_two_units_into_one_folder_do_not_collide(tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "kantor"
    invoke("init", str(target))
    folder = tmp_path / "formulir"
    folder.mkdir()
    names = []
    for unit in ("Subbagian Keuangan, Umum & Logistik", "Subbagian Hukum dan SDM"):
        result = invoke("-w", str(target), "form", "-o", str(folder), "--unit", unit)
        assert result.exit_code == 0, result.output
        names.append(result.output.splitlines()[0].rsplit("/", 1)[1])
    assert names == [
        "Form-Daftar-Informasi-Publik-subbagian-keuangan-umum-logistik.xlsx",
        "Form-Daftar-Informasi-Publik-subbagian-hukum-dan-sdm.xlsx",
    ]
    units = []
    for name in names:
        sheet = openpyxl.load_workbook(folder / name).worksheets[0]
        units += [
            c.value
            for row in sheet.iter_rows(max_row=8)
            for c in row
            if c.value and str(c.value).startswith("Subbagian")
        ]
    assert units == ["Subbagian Keuangan, Umum & Logistik", "Subbagian Hukum dan SDM"]
