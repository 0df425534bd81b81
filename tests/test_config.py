"""ppid.toml: valid values load into Config; each wrong one is one Indonesian line, exit 2."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ppid_batch.cli import cli
from ppid_batch.config_file import load_config
from ppid_batch.errors import ConfigError
from ppid_batch.forms.blank import OFFICE_ROW

ROOT = Path(__file__).resolve().parents[1]


def edit_config(workspace: Path, old: str, new: str) -> None:
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_form(workspace: Path, tmp_path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["form", "-w", str(workspace), "-o", str(tmp_path / "f.xlsx")])
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- valid values


def test_project_config_loads(config) -> None:
    assert config.office.nama_satker == "Komisi Pemilihan Umum Kabupaten Mesuji"
    assert config.office.kode_wilayah == "1811"
    assert config.ppid.nip == "198609262015051001"
    assert config.atasan_ppid.role == "atasan_ppid"
    assert config.nota_dinas.kka == "HM.02"
    assert config.nota_number(7, 2025) == "7/HM.02-ND/1811/2025"
    assert config.nota_dinas.tembusan == ("Ketua KPU Kabupaten Mesuji selaku Atasan PPID",)
    assert config.settle_seconds == 30 and config.pdf is False
    assert config.similarity_threshold == 90
    assert config.input_dir == config.workspace / "input"
    assert config.database_url == f"sqlite:///{config.workspace / 'var' / 'ppid.sqlite'}"


def test_optional_values_take_their_defaults(workspace: Path) -> None:
    path = workspace / "ppid.toml"
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("pola_nomor", "kka", "tunggu_detik", "database", "singkatan"))
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    config = load_config(workspace)
    assert config.nota_dinas.pola_nomor == "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"
    assert config.nota_number(1, 2026) == "1/HM.02-ND/1811/2026"
    assert config.settle_seconds == 30
    assert config.office.singkatan == config.office.nama_satker


def test_custom_pattern_with_roman_month(workspace: Path) -> None:
    edit_config(
        workspace,
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{urut}/PPID/{bulan_romawi}/{tahun}"',
    )
    assert load_config(workspace).nota_number(12, 2026, month=11) == "12/PPID/XI/2026"


def test_nip_with_spaces_is_stored_as_digits(workspace: Path) -> None:
    edit_config(workspace, 'nip = "19750312 200212 1 002"', 'nip = "197503122002121002"')
    assert load_config(workspace).atasan_ppid.nip == "197503122002121002"


def test_nip_is_optional(workspace: Path) -> None:
    edit_config(workspace, 'nip = "19750312 200212 1 002"\n', "")
    assert load_config(workspace).signer("atasan_ppid").nip == ""


# ---------------------------------------------------------------- officers


OFFICERS = """
[[pejabat]]
peran = "ppid"
nama = "Siti Rahma"
jabatan = "Sekretaris KPU Kota Contoh selaku PPID"
nip = "19860926 201505 1 001"

[[pejabat]]
peran = "atasan_ppid"
nama = "Andi Ketua"
jabatan = "Ketua KPU Kota Contoh selaku Atasan PPID"

[[pejabat]]
peran = "atasan_ppid"
nama = "Budi Plh"
jabatan = "Plh. Ketua KPU Kota Contoh selaku Atasan PPID"
berlaku_dari = 2026-12-01
berlaku_sampai = 2026-12-14

[[pejabat]]
peran = "ppid_pelaksana"
nama = "Dewi Keuangan"
jabatan = "Kepala Subbagian Keuangan selaku PPID Pelaksana"
unit = "Keuangan"

[[pejabat]]
peran = "ppid_pelaksana"
nama = "Eko Hukum"
jabatan = "Kepala Subbagian Hukum selaku PPID Pelaksana"
unit = "Hukum"
"""


def with_officers(workspace: Path, block: str) -> Path:
    """Replace the sample's officers with `block`."""
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n[[pejabat]]\n") + 1
    end = text.index("\n[nota_dinas]\n") + 1
    path.write_text(text[:start] + block.strip() + "\n\n" + text[end:], encoding="utf-8")
    return workspace


def test_officers_are_an_open_list_with_optional_nip_and_acting_dates(workspace: Path) -> None:
    config = load_config(with_officers(workspace, OFFICERS))
    before, during, after = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 15)
    assert [o.nama for o in config.officers_for("atasan_ppid")] == ["Andi Ketua", "Budi Plh"]
    assert [o.nama for o in config.officers_for("atasan_ppid", before)] == ["Andi Ketua"]
    assert [o.nama for o in config.officers_for("atasan_ppid", during)] == [
        "Andi Ketua",
        "Budi Plh",
    ]
    assert config.signer("atasan_ppid", before).nama == "Andi Ketua"
    assert config.signer("atasan_ppid", during).nama == "Budi Plh"
    assert config.signer("atasan_ppid", dt.date(2026, 12, 14)).nama == "Budi Plh"
    assert config.signer("atasan_ppid", after).nama == "Andi Ketua"
    assert config.signer("atasan_ppid").nama == "Andi Ketua"
    plh = config.signer("atasan_ppid", during)
    assert (plh.nip, plh.berlaku_dari, plh.berlaku_sampai) == (
        "",
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 14),
    )
    assert config.signer("ppid").nip == "198609262015051001"
    assert [(o.nama, o.unit) for o in config.officers_for("ppid_pelaksana")] == [
        ("Dewi Keuangan", "Keuangan"),
        ("Eko Hukum", "Hukum"),
    ]
    assert config.officers_for("bendahara") == ()
    with pytest.raises(ConfigError) as err:
        config.signer("bendahara", during)
    assert str(err.value) == (
        "ppid.toml: tidak ada pejabat dengan peran 'bendahara' pada 2026-12-01; tambahkan "
        '[[pejabat]] dengan peran = "bendahara", nama dan jabatan (serta '
        "berlaku_dari/berlaku_sampai bila menjabat untuk sementara)."
    )


def test_a_successor_for_part_of_the_year_signs_from_their_first_day(workspace: Path) -> None:
    config = load_config(
        with_officers(
            workspace,
            """
[[pejabat]]
peran = "ppid"
nama = "Lama"
jabatan = "PPID"
berlaku_sampai = 2026-08-31

[[pejabat]]
peran = "ppid"
nama = "Baru"
jabatan = "PPID"
berlaku_dari = 2026-09-01

[[pejabat]]
peran = "atasan_ppid"
nama = "Ketua"
jabatan = "Ketua"
""",
        )
    )
    assert config.signer("ppid", dt.date(2026, 8, 31)).nama == "Lama"
    assert config.signer("ppid", dt.date(2026, 9, 1)).nama == "Baru"
    assert config.signer("ppid").nama == "Baru"


def test_the_older_one_table_per_role_form_still_loads(workspace: Path) -> None:
    config = load_config(
        with_officers(
            workspace,
            """
[pejabat.ppid]
nama = "NAMA PPID"
nip = "19860926 201505 1 001"
jabatan = "Sekretaris selaku PPID"

[pejabat.atasan_ppid]
nama = "NAMA ATASAN"
nip = "19750312 200212 1 002"
jabatan = "Ketua selaku Atasan PPID"

[[pejabat.ppid_pelaksana]]
nama = "Pelaksana Satu"
jabatan = "Kasubbag"
""",
        )
    )
    assert [(o.role, o.nama, o.nip) for o in config.officers] == [
        ("ppid", "NAMA PPID", "198609262015051001"),
        ("atasan_ppid", "NAMA ATASAN", "197503122002121002"),
        ("ppid_pelaksana", "Pelaksana Satu", ""),
    ]
    assert config.ppid.nama == "NAMA PPID" and config.atasan_ppid.nama == "NAMA ATASAN"


def test_older_form_errors_name_the_role_and_the_line(workspace: Path) -> None:
    with_officers(
        workspace,
        """
[pejabat.ppid]
nama = "NAMA PPID"
nip = "1986"
jabatan = "PPID"

[pejabat.atasan_ppid]
nama = "NAMA ATASAN"
jabatan = "Ketua"
""",
    )
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    at = position_of(workspace, '"1986"')
    assert str(err.value).startswith(f"ppid.toml {at}: 'pejabat.ppid.nip' bukan NIP yang sah")


# ---------------------------------------------------------------- errors through the real CLI


def test_missing_config_file(tmp_path: Path) -> None:
    empty = tmp_path / "kosong"
    empty.mkdir()
    code, out, err = run_form(empty, tmp_path)
    assert code == 2
    assert out == ""
    assert err == (
        f"Galat: Berkas konfigurasi {empty.resolve() / 'ppid.toml'} tidak ditemukan; buat ruang "
        "kerja dengan 'ppid-batch init' atau pilih folder dengan --workspace.\n"
    )
    assert not (tmp_path / "f.xlsx").exists()


# (old text, new text, message with {at} for "baris L, kolom C", the text {at} points at)
BAD_VALUES = [
    pytest.param(
        'nip = "19860926 201505 1 001"',
        'nip = "1986 0926"',
        "ppid.toml {at}: 'pejabat.nip' (pejabat ke-1) bukan NIP yang sah ('1986 0926'); NIP "
        "terdiri dari 18 angka, contoh 19860926 201505 1 001 (hapus baris nip bila pejabat "
        "tidak ber-NIP).",
        '"1986 0926"',
        id="nip-too-short",
    ),
    pytest.param(
        'nip = "19750312 200212 1 002"',
        'nip = "19751332 200212 1 002"',
        "ppid.toml {at}: 'pejabat.nip' (pejabat ke-2) bukan NIP yang sah ('19751332 200212 1 "
        "002'); NIP terdiri dari 18 angka, contoh 19860926 201505 1 001 (hapus baris nip bila "
        "pejabat tidak ber-NIP).",
        '"19751332',
        id="nip-no-real-birth-date",
    ),
    pytest.param(
        'nama_satker = "Komisi',
        'namasatker = "Komisi',
        "ppid.toml {at}: kunci 'kantor.namasatker' tidak dikenal; periksa ejaannya.",
        '"Komisi',
        id="unknown-key",
    ),
    pytest.param(
        "[batch]",
        "[bacth]",
        "ppid.toml {at}: kunci 'bacth' tidak dikenal; periksa ejaannya.",
        "[bacth]",
        id="unknown-section",
    ),
    pytest.param(
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{nomor}/{kka}-ND/{kode_wilayah}/{tahun}"',
        "ppid.toml {at}: 'nota_dinas.pola_nomor' memakai {nomor} yang tidak dikenal; yang "
        "boleh: {bulan}, {bulan_romawi}, {kka}, {kode_pejabat}, {kode_unit}, {kode_wilayah}, "
        "{tahun}, {urut}.",
        '"{nomor}',
        id="pattern-unknown-field",
    ),
    pytest.param(
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{kka}-ND/{kode_wilayah}/{tahun}"',
        "ppid.toml {at}: 'nota_dinas.pola_nomor' harus memuat {urut} agar setiap nomor berbeda.",
        '"{kka}-ND',
        id="pattern-without-urut",
    ),
    pytest.param(
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{urut/{kka}"',
        "ppid.toml {at}: 'nota_dinas.pola_nomor' tidak dapat dibaca ('{urut/{kka}').",
        '"{urut/{kka}"',
        id="pattern-unreadable",
    ),
    pytest.param(
        "tunggu_detik = 30",
        'tunggu_detik = "30"',
        "ppid.toml {at}: 'batch.tunggu_detik' harus berupa bilangan bulat 0 sampai 86400.",
        '"30"',
        id="wrong-type-integer",
    ),
    pytest.param(
        "pdf = false",
        'pdf = "tidak"',
        "ppid.toml {at}: 'batch.pdf' harus true atau false.",
        '"tidak"',
        id="wrong-type-boolean",
    ),
    pytest.param(
        'tembusan = ["Ketua KPU Kabupaten Mesuji selaku Atasan PPID"]',
        'tembusan = "Ketua KPU Kabupaten Mesuji"',
        "ppid.toml {at}: 'nota_dinas.tembusan' harus berupa daftar teks, contoh [\"Ketua KPU\"].",
        '"Ketua KPU Kabupaten Mesuji"',
        id="wrong-type-list",
    ),
    pytest.param(
        'kode_wilayah = "1811"',
        'kode_wilayah = "Mesuji"',
        "ppid.toml {at}: 'kantor.kode_wilayah' harus berupa angka kode wilayah, contoh 3273 "
        "(bukan 'Mesuji').",
        'kode_wilayah|"Mesuji"',
        id="kode-wilayah-not-digits",
    ),
    pytest.param(
        'nama = "NAMA PPID (ganti)"',
        'nama = "  "',
        "ppid.toml {at}: 'pejabat.nama' (pejabat ke-1) harus berupa teks yang tidak kosong.",
        '"  "',
        id="empty-name",
    ),
    pytest.param(
        'nama = "NAMA PPID (ganti)"\n',
        "",
        "ppid.toml {at}: 'pejabat.nama' (pejabat ke-1) wajib diisi (teks).",
        "[[pejabat]]",
        id="missing-name",
    ),
    pytest.param(
        'peran = "atasan_ppid"',
        'peran = "atasan ppid"',
        "ppid.toml {at}: 'pejabat.peran' (pejabat ke-2) 'atasan ppid' bukan nama peran yang "
        "dapat dipakai; tulis huruf kecil dan garis bawah, contoh atasan_ppid atau "
        "ppid_pelaksana.",
        '"atasan ppid"',
        id="role-with-space",
    ),
    pytest.param(
        'peran = "atasan_ppid"',
        'peran = "atasan_ppid"\nberlaku_dari = 2026-12-10\nberlaku_sampai = "2026-12-01"',
        "ppid.toml {at}: 'pejabat.berlaku_sampai' (pejabat ke-2) lebih awal daripada berlaku_dari.",
        '"2026-12-01"',
        id="range-backwards",
    ),
    pytest.param(
        'peran = "atasan_ppid"',
        'peran = "atasan_ppid"\nberlaku_dari = "1 Desember 2026"',
        "ppid.toml {at}: 'pejabat.berlaku_dari' (pejabat ke-2) harus berupa tanggal TTTT-BB-HH, "
        "contoh 2026-12-01.",
        '"1 Desember',
        id="range-not-a-date",
    ),
    pytest.param(
        'peran = "atasan_ppid"',
        'peran = "atasan_ppid"\nniip = "x"',
        "ppid.toml {at}: kunci 'pejabat.niip' (pejabat ke-2) tidak dikenal; periksa ejaannya.",
        '"x"',
        id="officer-unknown-key",
    ),
    pytest.param(
        'peran = "atasan_ppid"',
        'peran = "atasan"',
        "ppid.toml {at}: tidak ada pejabat dengan peran 'atasan_ppid'; tambahkan [[pejabat]] "
        'dengan peran = "atasan_ppid", nama dan jabatan.',
        "[[pejabat]]",
        id="required-role-missing",
    ),
]


def position_of(workspace: Path, anchor: str) -> str:
    """'baris L, kolom C' of `anchor` on the first line (not a comment) holding it; an anchor
    'key|value' means `value` on the first line that also holds `key`."""
    key, _, value = anchor.rpartition("|")
    lines = (workspace / "ppid.toml").read_text(encoding="utf-8").splitlines()
    line = next(
        n
        for n, text in enumerate(lines, 1)
        if value in text and key in text and not text.lstrip().startswith("#")
    )
    return f"baris {line}, kolom {lines[line - 1].index(value) + 1}"


@pytest.mark.parametrize(("old", "new", "message", "anchor"), BAD_VALUES)
def test_wrong_value_is_one_indonesian_line_with_its_line_and_column(
    workspace: Path, tmp_path: Path, old: str, new: str, message: str, anchor: str
) -> None:
    edit_config(workspace, old, new)
    expected = message.replace("{at}", position_of(workspace, anchor))
    code, out, err = run_form(workspace, tmp_path)
    assert (code, out, err) == (2, "", f"Galat: {expected}\n")


def test_toml_syntax_error_names_the_file_and_the_line_in_indonesian(
    workspace: Path, tmp_path: Path
) -> None:
    edit_config(workspace, "pdf = false", "pdf = ")
    lines = (workspace / "ppid.toml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("pdf = "))
    code, _, err = run_form(workspace, tmp_path)
    assert (code, err) == (
        2,
        f"Galat: ppid.toml tidak dapat dibaca pada baris {line}, kolom 7: penulisannya salah. "
        "Periksa tanda kutip teks, tanda '=' dan nama [bagian] (contoh: nama = \"Budi\").\n",
    )


def test_config_that_is_not_utf8_is_one_indonesian_line(workspace: Path, tmp_path: Path) -> None:
    (workspace / "ppid.toml").write_bytes(b'[kantor]\nnama_satker = "KPU \xe9"\n')
    code, _, err = run_form(workspace, tmp_path)
    assert (code, err) == (
        2,
        "Galat: ppid.toml tidak dapat dibaca: bukan teks UTF-8. Simpan ulang sebagai UTF-8.\n",
    )


def test_library_raises_config_error(workspace: Path) -> None:
    edit_config(workspace, "[batch]", "[bacth]")
    with pytest.raises(ConfigError, match="kunci 'bacth' tidak dikenal"):
        load_config(workspace)


def _python_m(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PPID_WORKSPACE", None)
    return subprocess.run(
        [sys.executable, "-m", "ppid_batch", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_traceback_without_debug_and_traceback_with_it(tmp_path: Path) -> None:
    plain = _python_m(["form"], tmp_path)
    assert plain.returncode == 2
    assert plain.stdout == ""
    assert plain.stderr.count("\n") == 1
    assert plain.stderr.startswith("Galat: Berkas konfigurasi ")
    assert "Traceback" not in plain.stderr

    debug = _python_m(["--debug", "form"], tmp_path)
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "ppid_batch.errors.ConfigError: Berkas konfigurasi" in debug.stderr


def test_workspace_from_environment(workspace: Path, tmp_path: Path) -> None:
    # An office name only this workspace has: the form must have been made from its ppid.toml.
    edit_config(workspace, "Kabupaten Mesuji", "Kabupaten Dari Env")
    target = tmp_path / "dari-env.xlsx"
    result = CliRunner(env={"PPID_WORKSPACE": str(workspace)}).invoke(
        cli, ["form", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.is_file()
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[OFFICE_ROW][0] == "KOMISI PEMILIHAN UMUM KABUPATEN DARI ENV"
