"""The bundled example forms: rebuilt byte for byte by their script, and read as intended."""

from __future__ import annotations

import importlib.util
import io

import openpyxl
import pytest
from paths import ROOT

from ppid_batch.forms.validate import validate_file

EXAMPLES = ROOT / "ppid_batch" / "examples"
GOOD = {
    "Form-DIP-Keuangan-Umum-Logistik.xlsx": 14,
    "Form-DIP-Teknis-Penyelenggaraan-Hukum.xlsx": 12,
    "Form-DIP-Perencanaan-Data-Informasi.xlsx": 11,
    "Form-DIP-Partisipasi-Humas-SDM.xlsx": 12,
}
BAD = "Form-DIP-Hukum-perlu-koreksi.xlsx"
# (cell, field) of each mistake planted in the demo form
PLANTED = {
    ("C6", "nip"),  # month 13 in the birth date
    ("I11", "jenis"),  # 'Rahasia'
    ("D12", "penanggung_jawab"),  # empty
    ("E13", "waktu_pembuatan"),  # 15 Desember 2026, after the 20 November 2026 filling date
    ("L14", "tautan"),  # javascript:
    ("J15", "dasar_pengecualian"),  # Dikecualikan without a legal basis…
    ("K15", "konsekuensi"),  # …and without the consequence of opening it
}


def load_script():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(data: bytes) -> list[tuple[str, list[tuple]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb]


def test_committed_examples_are_what_the_script_builds() -> None:
    # Compared cell by cell, not byte by byte: a newer openpyxl may zip differently.
    built = load_script().build()
    assert set(built) == {*GOOD, BAD}
    assert sorted(p.name for p in EXAMPLES.glob("*.xlsx")) == sorted(built)
    for name, data in built.items():
        assert cells((EXAMPLES / name).read_bytes()) == cells(data), (
            f"{name} is stale: run python ppid_batch/examples/make_examples.py"
        )


def test_the_script_is_deterministic() -> None:
    script = load_script()
    assert script.build() == script.build()


def test_each_unit_lists_8_to_20_items() -> None:
    script = load_script()
    forms = (script.KEUANGAN, script.TEKNIS_FORM, script.RENDATIN_FORM, script.PARMAS_FORM)
    assert [len(f["rows"]) for f in forms] == list(GOOD.values())
    assert all(8 <= len(f["rows"]) <= 20 for f in forms)


@pytest.mark.parametrize(("name", "count"), GOOD.items())
def test_good_examples_are_accepted(name: str, count: int) -> None:
    report = validate_file(EXAMPLES / name)
    assert report.kind == "form_dip"
    assert [(f.cell, f.field, f.type, f.message) for f in report.errors] == []
    assert report.rows == count


def test_clerk_spellings_are_normalised() -> None:
    items = validate_file(EXAMPLES / "Form-DIP-Keuangan-Umum-Logistik.xlsx").items
    by_title = {i["ringkasan"][:30]: i for i in items}
    lk = by_title["Laporan Keuangan KPU Kabupaten"]
    assert (lk["bentuk"], lk["jenis"], lk["waktu_pembuatan"]) == (
        "Softcopy dan Hardcopy",
        "Berkala",
        "2025-03",
    )
    lra = by_title["Laporan Realisasi Anggaran Sem"]
    assert (lra["retensi"], lra["waktu_pembuatan"]) == ("5 Tahun", "2025-07-15")
    hibah = by_title["Laporan Pertanggungjawaban Pen"]
    assert (hibah["retensi"], hibah["bentuk"]) == ("10 Tahun", "Softcopy dan Hardcopy")


def test_exempt_item_keeps_its_legal_basis() -> None:
    items = validate_file(EXAMPLES / "Form-DIP-Teknis-Penyelenggaraan-Hukum.xlsx").items
    (exempt,) = [i for i in items if i["jenis"] == "Dikecualikan"]
    assert exempt["dasar_pengecualian"].startswith("Pasal 17 huruf h UU Nomor 14 Tahun 2008")
    assert exempt["konsekuensi"]
    assert exempt["waktu_pembuatan"] == "2024-09-20"


def test_combined_waktu_dan_tempat_column_is_split() -> None:
    report = validate_file(EXAMPLES / "Form-DIP-Partisipasi-Humas-SDM.xlsx")
    got = [(i["tempat_pembuatan"], i["waktu_pembuatan"]) for i in report.items[:4]]
    assert got == [
        ("Mesuji", "2024-10"),
        ("Kantor KPU Kabupaten Mesuji", "2023-12-15"),
        ("Mesuji", "2024-12"),
        ("Mesuji", "2024-12-05"),
    ]


def test_demo_form_has_exactly_the_planted_mistakes() -> None:
    report = validate_file(EXAMPLES / BAD)
    assert report.kind == "form_dip"
    assert not report.ok
    assert {(f.cell, f.field) for f in report.errors} == PLANTED
    assert all(f.message for f in report.errors)


def test_validate_command_answers_json_for_the_demo_form() -> None:
    import json

    from click.testing import CliRunner

    from ppid_batch.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--json", str(EXAMPLES / BAD)])
    assert result.exit_code == 1, result.output
    answer = json.loads(result.stdout)
    assert (answer["file"], answer["kind"], answer["ok"], answer["rows"]) == (
        BAD,
        "form_dip",
        False,
        8,
    )
    assert {(e["cell"], e["field"]) for e in answer["errors"]} == PLANTED
