"""`ppid-batch validate`: FORM.md §3 exactly — verdict, table, JSON, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from badfiles import BY_NAME_REFUSED, JENIS_FINDING_JSON, Form, good_row, write_form, write_refused
from click.testing import CliRunner
from paths import ROOT

from ppid_batch.cli import cli


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, ["validate", *args])
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, ["validate", *args])
    finally:
        os.chdir(old)


def good(tmp_path: Path, name: str = "Form-DIP-Hukum.xlsx") -> Path:
    return write_form(Form(), tmp_path / name)


def bad(tmp_path: Path, name: str = "Form-DIP-Keuangan.xlsx") -> Path:
    form = Form(rows=[good_row(1), good_row(2, jenis="Rahasia"), good_row(3, retensi="lama")])
    form.header = [*form.header, "Catatan Pribadi"]
    return write_form(form, tmp_path / name)


def test_valid_form_exit_0_with_a_positive_verdict(tmp_path: Path) -> None:
    result = run(str(good(tmp_path)), cwd=tmp_path)
    assert result.exit_code == 0
    assert result.output == "Form-DIP-Hukum.xlsx: lengkap dan benar; 2 informasi siap diproses.\n"


def test_invalid_form_exit_1_grouped_by_row(tmp_path: Path) -> None:
    result = run(str(bad(tmp_path)), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        "Form-DIP-Keuangan.xlsx: 1 dari 3 baris sudah benar; 2 hal perlu diperbaiki, "
        "lihat di bawah.\n"
        "  Baris 10:\n"
        "    - I10 Jenis Informasi harus salah satu dari: Berkala, Serta Merta, Setiap Saat, "
        "Dikecualikan\n"
        "  Baris 11:\n"
        "    - H11 Jangka Waktu Penyimpanan atau Retensi Arsip 'lama' tidak dikenali; tulis "
        "seperti Jadwal Retensi Arsip, misalnya 5 Tahun; 2 Tahun Aktif, 8 Tahun Inaktif, "
        "Musnah; Permanen; atau Selama Berlaku.\n"
        "  Catatan:\n"
        "    - R8 Kolom 'Catatan Pribadi' tidak dikenal dan diabaikan.\n"
    )


def test_json_is_one_object_per_form_md(tmp_path: Path) -> None:
    result = run("--json", str(bad(tmp_path)), cwd=tmp_path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert list(data) == ["file", "kind", "ok", "rows", "errors", "warnings"]
    assert (data["file"], data["kind"], data["ok"], data["rows"]) == (
        "Form-DIP-Keuangan.xlsx",
        "form_dip",
        False,
        3,
    )
    assert data["errors"][0] == JENIS_FINDING_JSON
    assert [w["type"] for w in data["warnings"]] == ["extra_column"]


def test_several_files_json_lines_and_exit_1_if_any_invalid(tmp_path: Path) -> None:
    unreadable = write_refused(BY_NAME_REFUSED["encrypted"], tmp_path)
    result = run("--json", str(good(tmp_path)), str(unreadable), cwd=tmp_path)
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(o["file"], o["kind"], o["ok"]) for o in lines] == [
        ("Form-DIP-Hukum.xlsx", "form_dip", True),
        ("Form-sandi.xlsx", None, False),
    ]
    assert lines[1]["errors"][0]["cell"] is None and lines[1]["errors"][0]["row"] is None


def test_all_valid_files_exit_0(tmp_path: Path) -> None:
    result = run(str(good(tmp_path, "a.xlsx")), str(good(tmp_path, "b.xlsx")), cwd=tmp_path)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "a.xlsx: lengkap dan benar; 2 informasi siap diproses.",
        "b.xlsx: lengkap dan benar; 2 informasi siap diproses.",
    ]


def test_unreadable_file_text_output(tmp_path: Path) -> None:
    path = write_refused(BY_NAME_REFUSED["xls-renamed"], tmp_path)
    result = run(str(path), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        "Form-lama.xlsx: belum dapat dibaca. Ikuti petunjuk di bawah, lalu periksa lagi.\n"
        "  Seluruh berkas:\n"
        "    - Berkas ini tampaknya buku kerja Excel lama (.xls). Buka di Excel lalu simpan "
        "sebagai 'Buku Kerja Excel (*.xlsx)', lalu kirim kembali.\n"
    )


def test_missing_argument_is_misuse(tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.exit_code == 2
    assert result.output == (
        "Galat: Sebutkan berkas yang akan diperiksa, contoh: ppid-batch validate Form-DIP.xlsx\n"
    )


def test_missing_path_is_misuse_and_nothing_is_checked(tmp_path: Path) -> None:
    result = run(str(good(tmp_path)), str(tmp_path / "tidak-ada.xlsx"), cwd=tmp_path)
    assert result.exit_code == 2
    assert result.output == f"Galat: Berkas {tmp_path / 'tidak-ada.xlsx'} tidak ditemukan.\n"


def test_folder_is_misuse(tmp_path: Path) -> None:
    result = run(str(tmp_path), cwd=tmp_path)
    assert result.exit_code == 2
    assert (
        result.output
        == f"Galat: {tmp_path} bukan berkas; sebutkan berkas .xlsx yang akan diperiksa.\n"
    )


def test_koreksi_writes_copies_for_invalid_files_only(tmp_path: Path) -> None:
    out = tmp_path / "umpan-balik"
    result = run("--koreksi", str(out), str(good(tmp_path)), str(bad(tmp_path)), cwd=tmp_path)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["Form-DIP-Keuangan-koreksi.xlsx"]
    assert (
        result.output.splitlines()[-1]
        == f"Salinan koreksi: {out / 'Form-DIP-Keuangan-koreksi.xlsx'}"
    )
    data = json.loads(run("--json", "--koreksi", str(out), str(bad(tmp_path)), cwd=tmp_path).output)
    assert data["koreksi"] == str(out / "Form-DIP-Keuangan-koreksi.xlsx")


def test_validate_writes_nothing_without_koreksi(tmp_path: Path) -> None:
    src = bad(tmp_path)
    before = sorted(tmp_path.iterdir())
    run(str(src), cwd=tmp_path)
    assert sorted(tmp_path.iterdir()) == before


def test_workspace_limits_apply(tmp_path: Path) -> None:
    from ppid_batch.batch.workspace import init_workspace

    init_workspace(tmp_path / "ws")
    result = run("--json", "-w", str(tmp_path / "ws"), str(good(tmp_path)), cwd=tmp_path)
    assert result.exit_code == 0


def test_workspace_vocabulary_applies_as_at_night(tmp_path: Path) -> None:
    # An office that lists its own bentuk words: the desk check agrees with the night.
    from ppid_batch.batch.workspace import init_workspace

    init_workspace(tmp_path / "ws")
    toml = tmp_path / "ws" / "ppid.toml"
    text = toml.read_text(encoding="utf-8")
    own = 'bentuk = ["Kertas", "Berkas Digital"]'
    toml.write_text(text.replace('bentuk = "softcopy_hardcopy"', own), encoding="utf-8")
    form = write_form(Form(rows=[good_row(1, bentuk="Kertas")]), tmp_path / "Form-DIP-Hukum.xlsx")
    inside = run("--json", "-w", str(tmp_path / "ws"), str(form), cwd=tmp_path)
    assert (inside.exit_code, json.loads(inside.output)["errors"]) == (0, [])
    outside = run("--json", str(form), cwd=tmp_path)
    assert outside.exit_code == 1
    assert [f["field"] for f in json.loads(outside.output)["errors"]] == ["bentuk"]


@pytest.mark.slow
def test_python_m_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ppid_batch", "validate", "--json", str(bad(tmp_path))],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1 and proc.stderr == ""
    assert json.loads(proc.stdout)["errors"][1]["cell"] == "H11"


def test_blank_official_form_says_what_is_missing(tmp_path: Path, config) -> None:
    from ppid_batch.forms.blank import write_blank_form

    blank = write_blank_form(tmp_path / "Form-DIP-kosong.xlsx", config.form)
    result = run(str(blank), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Form-DIP-kosong.xlsx: 4 hal perlu diperbaiki, lihat di bawah.",
        "  Seluruh berkas:",
        "    - Formulir belum berisi satu pun informasi. Isi minimal satu baris di bawah judul "
        "tabel, lalu kirim kembali.",
        "  Baris 4:",
        "    - C4 Unit Kerja / Subbagian wajib diisi.",
        "  Baris 5:",
        "    - C5 Nama Petugas wajib diisi.",
        "  Baris 7:",
        "    - C7 Tanggal Pengisian wajib diisi.",
    ]


def test_tty_output_is_a_table_grouped_by_row(tmp_path: Path, capsys) -> None:
    from ppid_batch.cli.forms import render_report
    from ppid_batch.forms.validate import validate_file

    render_report(validate_file(bad(tmp_path)), tty=True)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (
        "Form-DIP-Keuangan.xlsx: 1 dari 3 baris sudah benar; 2 hal perlu diperbaiki, "
        "lihat di bawah."
    )
    table = "\n".join(lines[1:])
    for text in ("Baris 10", "I10", "Rahasia", "Baris 11", "H11", "Catatan", "R8"):
        assert text in table
    assert table.index("Baris 10") < table.index("Baris 11") < table.index("Catatan")
