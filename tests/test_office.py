"""Any KPU office by configuration: init with its names, its words, its numbering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from badfiles import Form, cell, good_row, write_form
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ppid_batch.batch.verdicts import action_list
from ppid_batch.cli import cli
from ppid_batch.config_file import load_config
from ppid_batch.errors import ConfigError
from ppid_batch.forms.blank import build_blank_form
from ppid_batch.forms.validate import validate_file
from ppid_batch.store.nota_dinas import number_nota_dinas

ROOT = Path(__file__).resolve().parents[1]


def init(tmp_path: Path, *args: str) -> tuple[int, str, str, Path]:
    target = tmp_path / "kantor"
    result = CliRunner().invoke(cli, ["init", str(target), *args])
    return result.exit_code, result.stdout, result.stderr, target


def edit(workspace: Path, old: str, new: str) -> None:
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- init --satker


def test_init_with_satker_writes_the_offices_own_names(tmp_path: Path) -> None:
    code, out, err, ws = init(tmp_path, "--satker", "KPU Kota Bandung", "--kode-wilayah", "3273")
    assert (code, err) == (0, "")
    assert f"dibuat: {ws / 'ppid.toml'}" in out
    text = (ws / "ppid.toml").read_text(encoding="utf-8")
    assert "Mesuji" not in text and "1811" not in text and "Lampung" not in text
    config = load_config(ws)
    assert config.office.nama_satker == "Komisi Pemilihan Umum Kota Bandung"
    assert config.office.singkatan == "KPU Kota Bandung"
    assert config.office.kota == "Bandung"
    assert config.office.kode_wilayah == "3273"
    assert config.signer("ppid").jabatan == "Sekretaris KPU Kota Bandung selaku PPID"
    assert config.nota_dinas.tembusan == ("Ketua KPU Kota Bandung selaku Atasan PPID",)
    assert "Daftar Informasi Publik KPU Kota Bandung." in config.nota_dinas.isi
    assert config.nota_number(4, 2026) == "4/HM.02-ND/3273/2026"
    # Until the office fills in its names and address, every night says so.
    assert config.placeholders() == (
        'kantor.alamat = "ALAMAT KANTOR (ganti)"',
        'pejabat ppid: nama = "NAMA PPID (ganti)"',
        'pejabat atasan_ppid: nama = "NAMA ATASAN PPID (ganti)"',
    )


def test_init_for_a_province_and_a_signing_town(tmp_path: Path) -> None:
    code, _, err, ws = init(
        tmp_path,
        "--satker",
        "Komisi Pemilihan Umum Provinsi Jawa Barat",
        "--kode-wilayah",
        "32",
        "--kota",
        "Bandung",
    )
    assert (code, err) == (0, "")
    config = load_config(ws)
    assert config.office.singkatan == "KPU Provinsi Jawa Barat"
    assert config.office.kota == "Bandung"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--satker", "Kantor Bandung", "--kode-wilayah", "3273"],
            "Galat: --satker 'Kantor Bandung' tidak dikenali; tulis jenis dan nama wilayahnya, "
            'seperti "KPU Kota Bandung" atau "KPU Provinsi Jawa Barat".\n',
        ),
        (
            ["--satker", "KPU Kota Bandung", "--kode-wilayah", "32"],
            "Galat: --kode-wilayah '32' tidak sesuai: KPU Kota memakai kode wilayah 4 angka "
            "(contoh 3273).\n",
        ),
        (
            ["--satker", "KPU Kota Bandung"],
            "Galat: --satker dan --kode-wilayah dipakai bersama-sama.\n",
        ),
    ],
)
def test_init_refuses_what_it_cannot_name(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err, ws = init(tmp_path, *args)
    assert (code, out, err) == (2, "", message)
    assert not ws.exists()


def test_init_never_rewrites_an_existing_config(tmp_path: Path) -> None:
    init(tmp_path)
    before = (tmp_path / "kantor" / "ppid.toml").read_bytes()
    code, out, _, ws = init(tmp_path, "--satker", "KPU Kota Bandung", "--kode-wilayah", "3273")
    assert code == 0
    assert "ppid.toml sudah ada dan tidak diubah; --satker tidak dipakai." in out
    assert (ws / "ppid.toml").read_bytes() == before


def test_placeholders_are_an_action_every_night(config) -> None:
    actions = action_list(
        (), (), {}, renamed=(), unread=(), waiting=(), placeholders=config.placeholders()
    )
    assert actions == (
        'ppid.toml masih memuat isian contoh (kantor.telepon = "(0726) 000000"; pejabat ppid: '
        'nama = "NAMA PPID (ganti)"; pejabat atasan_ppid: nama = "NAMA ATASAN PPID (ganti)"); '
        "ganti dengan data kantor sebelum dokumen dicetak dan ditandatangani.",
    )


def test_no_office_text_in_the_code() -> None:
    """Office names and the office's SOP number live in ppid.toml and the examples, never in
    the program."""
    import re

    sop_number = re.compile(r"\bSOP\s+\d|(?<![\d/])3/2025\b")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "ppid_batch").rglob("*"))  # schemas, templates inside
        if path.suffix in {".py", ".yaml", ".j2"} and "examples" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "mesuji" in line.casefold() or "lampung" in line.casefold() or sop_number.search(line)
    ]
    assert found == []


# ---------------------------------------------------------------- numbering


def test_numbering_tokens_and_a_first_number_for_the_year(workspace: Path) -> None:
    edit(
        workspace,
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{kode_unit}/{kode_pejabat}/'
        '{bulan_romawi}/{tahun}"\nnomor_awal = { 2026 = 151 }',
    )
    edit(workspace, 'peran = "ppid"', 'peran = "ppid"\nkode = "Sek-Kab"')
    edit(
        workspace,
        "[kosakata]",
        '[nota_dinas.kode_unit]\n"Hukum dan SDM" = "HSDM"\n\n[kosakata]',
    )
    config = load_config(workspace)
    assert config.nota_dinas.first_number(2026) == 151
    assert config.nota_dinas.first_number(2027) == 1
    number = config.nota_number(151, 2026, 11, unit="Hukum dan  SDM")
    assert number == "151/HM.02-ND/1811/HSDM/Sek-Kab/XI/2026"
    other = config.nota_number(152, 2026, 3, unit="Keuangan, Umum dan Logistik")
    assert other == "152/HM.02-ND/1811/KUL/Sek-Kab/III/2026"


def test_first_number_continues_the_offices_agenda(workspace: Path, tmp_path: Path) -> None:
    from store_util import approval_report, form_report, item

    from ppid_batch.approve.apply import apply_approval
    from ppid_batch.register.items import register_form
    from ppid_batch.store.core import Store

    edit(workspace, 'kka = "HM.02"', 'kka = "HM.02"\nnomor_awal = { 2026 = 151 }')
    config = load_config(workspace)
    with Store.open(f"sqlite:///{tmp_path / 'r.sqlite'}") as store:
        report = form_report("a.xlsx", [item("Laporan Keuangan"), item("Rencana Kerja")])
        ids = list(register_form(store, report, received=dt.date(2026, 9, 1), run_id=None).new_ids)
        apply_approval(store, approval_report([(i, "YA", None) for i in ids]), run_id=None)
        day = dt.date(2026, 9, 2)
        start = config.nota_dinas.first_number(2026)

        def number(urut: int) -> str:
            return config.nota_number(urut, 2026, 9, unit="Subbagian Hukum", on=day)

        first = number_nota_dinas(store, 2026, "Subbagian Hukum", ids[:1], day, None, number, start)
        second = number_nota_dinas(
            store, 2026, "Subbagian Hukum", ids[1:], day, None, number, start
        )
    assert (first, second) == ("151/HM.02-ND/1811/2026", "152/HM.02-ND/1811/2026")


def test_kode_pejabat_needs_the_ppids_code(workspace: Path) -> None:
    edit(
        workspace,
        'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
        'pola_nomor = "{urut}/{kka}-ND/{kode_pejabat}/{tahun}"',
    )
    with pytest.raises(ConfigError, match=r"'pejabat.kode' \(pejabat ke-1\) wajib diisi karena"):
        load_config(workspace)


@pytest.mark.parametrize(
    ("old", "new", "key", "code"),
    [
        ('kka = "HM.02"', 'kka = "XY.02"', "nota_dinas.kka", "XY.02"),
        (
            'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
            'pola_nomor = "{urut}/QQ.01-ND/{kode_wilayah}/{tahun}"',
            "nota_dinas.pola_nomor",
            "QQ.01",
        ),
    ],
)
def test_unknown_kka_code_is_a_config_error(
    workspace: Path, old: str, new: str, key: str, code: str
) -> None:
    edit(workspace, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    assert f"'{key}' memakai kode klasifikasi arsip '{code}' yang tidak ada dalam daftar" in str(
        err.value
    )
    assert "baris " in str(err.value)
    edit(workspace, 'kka = "', f'kka_tambahan = ["{code}"]\nkka = "')
    assert load_config(workspace).nota_dinas.kka_tambahan == (code,)


def test_kka_codes_of_the_shipped_list_load(workspace: Path) -> None:
    for code in ("PL.02.1", "SDM.03", "HK.03.1", "KU.03.2", "RT.02.01", "HM.06"):
        edit(workspace, 'kka = "', f'kka = "{code}"\n# kka = "')
        assert load_config(workspace).nota_dinas.kka == code


@pytest.mark.parametrize("code", ["LG.01", "PR.02", "OT.01.1", "PW.03"])
def test_a_code_the_kpu_decision_did_not_confirm_needs_the_offices_word(
    workspace: Path, code: str
) -> None:
    """ppid_batch/schemas/kka.yaml lists PR, OT, PW, LG as not confirmed: refused until the office
    writes the code (or the code it falls under) into kka_tambahan itself."""
    edit(workspace, 'kka = "HM.02"', f'kka = "{code}"')
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    message = str(err.value)
    assert (
        f"'nota_dinas.kka' memakai kode klasifikasi arsip '{code}' yang belum dapat dipastikan"
        in message
    )
    assert "kka_tambahan" in message
    edit(workspace, 'kka = "', f'kka_tambahan = ["{code.split(".")[0]}"]\nkka = "')
    assert load_config(workspace).nota_dinas.kka == code


def test_the_keputusan_code_is_checked_like_the_nota_dinas_code(workspace: Path) -> None:
    text = (workspace / "ppid.toml").read_text(encoding="utf-8")
    at = text.index("[keputusan]")
    tail = text[at:].replace('kka = "HM.02"', 'kka = "ZZ.01"', 1)
    (workspace / "ppid.toml").write_text(text[:at] + tail, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    assert "'keputusan.kka' memakai kode klasifikasi arsip 'ZZ.01' yang tidak ada" in str(err.value)


# ---------------------------------------------------------------- vocabularies


def cetak_rekam_online(workspace: Path) -> None:
    edit(workspace, 'bentuk = "softcopy_hardcopy"', 'bentuk = "cetak_rekam_online"')


def test_blank_form_offers_the_offices_bentuk_and_retention(workspace: Path) -> None:
    cetak_rekam_online(workspace)
    config = load_config(workspace)
    path = workspace / "f.xlsx"
    path.write_bytes(build_blank_form(config.form))
    book = CalamineWorkbook.from_path(str(path))
    lists = book.get_sheet_by_name("Pilihan").to_python()
    values = {v for row in lists for v in row if isinstance(v, str) and v}
    assert {"Cetak", "Rekam", "Online", "Cetak dan Online"} <= values
    assert "Softcopy" not in values
    assert "2 Tahun Aktif, 8 Tahun Inaktif, Musnah" in values
    guide = [v for row in book.get_sheet_by_name("Panduan").to_python() for v in row]
    assert "Mesuji" in guide  # the example place is the office's own town ({kota})
    assert (
        "Pilih dari daftar: Cetak, Rekam, Online, Cetak dan Rekam, Cetak dan Online, "
        "Rekam dan Online." in guide
    )


def test_validation_reads_the_offices_bentuk_and_maps_the_other_sets_words(
    workspace: Path,
) -> None:
    cetak_rekam_online(workspace)
    config = load_config(workspace)
    form = Form(
        rows=[
            good_row(1, bentuk="rekaman"),
            good_row(2, bentuk="softcopy dan hardcopy"),
            good_row(3, bentuk="Softcopy"),
            good_row(4, bentuk="Cetak"),
        ]
    )
    path = write_form(form, workspace / "form.xlsx")
    report = validate_file(path, vocabulary=config.vocabulary)
    assert report.errors == ()
    assert [i["bentuk"] for i in report.items] == ["Rekam", "Cetak dan Online", "Online", "Cetak"]


def test_a_bentuk_outside_the_offices_set_is_refused(workspace: Path) -> None:
    edit(workspace, 'bentuk = "softcopy_hardcopy"', 'bentuk = ["Cetak", "Online"]')
    config = load_config(workspace)
    path = write_form(Form(rows=[good_row(1, bentuk="Rekam")]), workspace / "form.xlsx")
    report = validate_file(path, vocabulary=config.vocabulary)
    assert [(f.cell, f.field, f.type) for f in report.errors] == [
        (cell("bentuk"), "bentuk", "choice")
    ]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2 Tahun Aktif, 8 Tahun Inaktif, Musnah", "2 Tahun Aktif, 8 Tahun Inaktif, Musnah"),
        ("2 thn aktif 8 thn inaktif permanen", "2 Tahun Aktif, 8 Tahun Inaktif, Permanen"),
        (
            "2 Tahun Aktif, 8 Tahun Inaktif, dinilai kembali",
            "2 Tahun Aktif, 8 Tahun Inaktif, Dinilai Kembali",
        ),
        ("selama berlaku", "Selama Berlaku"),
        ("Setelah tidak berlaku", "Setelah Tidak Berlaku"),
        ("selama masa jabatan", "Selama Masa Jabatan"),
        ("5 Tahun", "5 Tahun"),
    ],
)
def test_retention_as_the_jadwal_retensi_arsip_writes_it(
    config, workspace: Path, written: str, stored: str
) -> None:
    path = write_form(Form(rows=[good_row(1, retensi=written)]), workspace / "form.xlsx")
    report = validate_file(path, vocabulary=config.vocabulary)
    assert report.errors == ()
    assert report.items[0]["retensi"] == stored


def test_an_offices_own_retention_wording_is_accepted_as_written(workspace: Path) -> None:
    edit(workspace, '    "Permanen",\n]', '    "Permanen",\n    "Sampai Pemilu Berikutnya",\n]')
    config = load_config(workspace)
    path = write_form(
        Form(rows=[good_row(1, retensi="sampai pemilu berikutnya")]), workspace / "form.xlsx"
    )
    report = validate_file(path, vocabulary=config.vocabulary)
    assert report.errors == ()
    assert report.items[0]["retensi"] == "Sampai Pemilu Berikutnya"
    # Without the office's list the same words are not a retention period.
    assert validate_file(path).errors[0].type == "retensi"


def test_unknown_bentuk_preset_names_the_choices(workspace: Path) -> None:
    edit(workspace, 'bentuk = "softcopy_hardcopy"', 'bentuk = "perki"')
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    assert str(err.value).endswith(
        "'kosakata.bentuk' 'perki' tidak dikenal; pilih \"softcopy_hardcopy\", "
        '"cetak_rekam_online", atau tulis daftar sendiri.'
    )


def test_dates_in_officer_ranges_accept_toml_dates(workspace: Path) -> None:
    edit(
        workspace,
        'peran = "atasan_ppid"',
        'peran = "atasan_ppid"\nberlaku_dari = 2026-01-01',
    )
    assert load_config(workspace).signer("atasan_ppid", dt.date(2026, 5, 1)).berlaku_dari == (
        dt.date(2026, 1, 1)
    )


# ---------------------------------------------------------------- the office's own SOP

OWN_SOP = """[sop]
nomor = "07/PP.06-SOP/3273/2026"
nama = "Pengelolaan Daftar Informasi Publik"
langkah = [
  "Menghimpun daftar informasi dari setiap subbagian",
  "Meminta persetujuan Ketua selaku Atasan PPID",
  "Mencatat dan menyampaikan informasi yang disetujui",
]
"""


def replace_sop(workspace: Path, new: str) -> None:
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[sop]")
    end = text.index("\n[", start + 1) + 1
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")


def blank_form_subject(config: object) -> str:
    import re
    import zipfile
    from io import BytesIO

    with zipfile.ZipFile(BytesIO(build_blank_form(config.form))) as z:  # type: ignore[arg-type]
        core = z.read("docProps/core.xml").decode()
    m = re.search(r"<dc:subject>(.*?)</dc:subject>", core)
    assert m
    return m[1]


def test_the_offices_own_sop_names_the_form_matrix_and_report(
    workspace: Path, tmp_path: Path
) -> None:
    from docs_util import docx_text
    from reports_util import year_2025

    from ppid_batch.reports.facts import build_facts
    from ppid_batch.reports.laporan import report_context, write_annual_report
    from ppid_batch.reports.matrix import matrix_rows

    replace_sop(workspace, OWN_SOP)
    config = load_config(workspace)
    assert blank_form_subject(config) == (
        "SOP 07/PP.06-SOP/3273/2026 Pengelolaan Daftar Informasi Publik"
    )
    rows = matrix_rows(year_2025(), config.signers, config.sop)
    assert [(r.step, r.uraian) for r in rows[:3]] == [
        (1, "Menghimpun daftar informasi dari setiap subbagian"),
        (2, "Meminta persetujuan Ketua selaku Atasan PPID"),
        (3, "Mencatat dan menyampaikan informasi yang disetujui"),
    ]
    today = dt.date(2026, 12, 31)
    assert report_context(year_2025(), config.letter, config.sop, today=today)["sop"]["judul"] == (
        "Standar Operasional Prosedur Nomor 07/PP.06-SOP/3273/2026 tentang Pengelolaan Daftar "
        "Informasi Publik"
    )
    path, _ = write_annual_report(
        build_facts(2026, items=[], today=today), config.letter, config.sop, tmp_path, today=today
    )
    text = docx_text(path.read_bytes())
    assert "PENGELOLAAN DAFTAR INFORMASI PUBLIK" in text
    assert "PENDOKUMENTASIAN" not in text


def test_without_sop_the_shipped_wording_and_no_number(workspace: Path) -> None:
    replace_sop(workspace, "")
    config = load_config(workspace)
    assert config.sop.nomor == ""
    assert config.sop.nama == "Pendokumentasian Informasi Publik"
    assert config.sop.langkah[2] == "Mendokumentasikan informasi publik yang telah disetujui"
    assert blank_form_subject(config) == "SOP Pendokumentasian Informasi Publik"
    assert (
        config.sop.judul == "Standar Operasional Prosedur tentang Pendokumentasian Informasi Publik"
    )


def test_a_new_office_does_not_inherit_the_sample_offices_sop_number(tmp_path: Path) -> None:
    code, _, err, ws = init(tmp_path, "--satker", "KPU Kota Bandung", "--kode-wilayah", "3273")
    assert (code, err) == (0, "")
    config = load_config(ws)
    assert config.sop.nomor == ""
    assert config.sop.nama == "Pendokumentasian Informasi Publik"
    assert "3/2025" not in (ws / "ppid.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("sop", "message"),
    [
        (
            '[sop]\nlangkah = ["Mengumpulkan", "Menyetujui"]\n',
            "'sop.langkah' harus berisi 3 uraian prosedur, satu untuk setiap langkah SOP "
            "(mengumpulkan, menyetujui, mendokumentasikan), tidak ada yang kosong.",
        ),
        (
            '[sop]\nlangkah = ["Mengumpulkan", " ", "Mendokumentasikan"]\n',
            "'sop.langkah' harus berisi 3 uraian prosedur",
        ),
        ("[sop]\nnomor = 3\n", "'sop.nomor' harus berupa teks yang tidak kosong."),
        ('[sop]\nnama = ""\n', "'sop.nama' harus berupa teks yang tidak kosong."),
        ('[sop]\njudul = "SOP"\n', "kunci 'sop.judul' tidak dikenal; periksa ejaannya."),
    ],
)
def test_a_wrong_sop_value_names_its_line(workspace: Path, sop: str, message: str) -> None:
    replace_sop(workspace, sop)
    lines = (workspace / "ppid.toml").read_text(encoding="utf-8").splitlines()
    line = lines.index(sop.splitlines()[1]) + 1  # the key's own line, under [sop]
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    assert f"ppid.toml baris {line}, kolom " in str(err.value)
    assert message in str(err.value)


# ---------------------------------------------------------------- PPID Pelaksana per unit


def add_officer(workspace: Path, body: str) -> int:
    """Append a [[pejabat]] before [nota_dinas]; the line number of its 'peran' line."""
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("[nota_dinas]")
    path.write_text(text[:at] + "[[pejabat]]\n" + body + "\n" + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 2


def test_a_ppid_pelaksana_without_a_unit_still_loads_and_receives_nothing(
    workspace: Path,
) -> None:
    """An older ppid.toml listed PPID Pelaksana without a unit: it loads as before."""
    add_officer(workspace, 'peran = "ppid_pelaksana"\nnama = "Rina"\njabatan = "Kasubbag"\n')
    config = load_config(workspace)
    assert [o.nama for o in config.officers_for("ppid_pelaksana")] == ["Rina"]
    assert config.unit_officer("Subbagian Hukum dan SDM") is None


def test_a_ppid_pelaksanas_unit_must_be_one_of_the_offices_units(workspace: Path) -> None:
    edit(
        workspace, "# unit = [", 'unit = ["Subbagian Hukum dan SDM", "Subbagian Keuangan"]\n# x = ['
    )
    line = add_officer(
        workspace,
        'peran = "ppid_pelaksana"\nunit = "Subbagian Hukum"\nnama = "Rina"\njabatan = "Kasubbag"\n',
    )
    with pytest.raises(ConfigError) as err:
        load_config(workspace)
    assert f"ppid.toml baris {line + 1}, kolom " in str(err.value)
    assert "'Subbagian Hukum') bukan salah satu unit kerja di kantor.unit" in str(err.value)
    edit(workspace, 'unit = "Subbagian Hukum"', 'unit = "hukum dan sdm"')
    config = load_config(workspace)
    officer = config.unit_officer("Subbagian Hukum dan SDM")
    assert officer is not None and officer.nama == "Rina"
    assert config.unit_officer("Subbagian Keuangan") is None
