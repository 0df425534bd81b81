"""Draft Nota Dinas: the letter, its numbering in the file name, its lampiran table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from docs_util import TODAY, TRICKY, docx_text, fixture_register, item

from ppid_batch.documents.nota_dinas import (
    NotaDinas,
    addressee,
    file_name,
    slug,
    write_nota_dinas,
    write_nota_dinas_all,
)
from ppid_batch.files import name_hash

NUMBER = "7/HM.02-ND/1811/2025"


def _nota(items=None, **kw) -> NotaDinas:
    chosen = (
        items if items is not None else [i for i in fixture_register() if i.id < "DIP-2025-0005"]
    )
    base = dict(number=NUMBER, date=TODAY, unit="Subbagian Hukum dan SDM", items=tuple(chosen))
    base.update(kw)
    return NotaDinas(**base)  # type: ignore[arg-type]


def test_golden_nota_dinas(config, tmp_path: Path, golden) -> None:
    path = write_nota_dinas(_nota(), config.letter, config.nota_dinas, tmp_path)
    assert path.name == "Nota-Dinas-007-subbagian-hukum-dan-sdm-2025.docx"
    golden("nota-dinas/" + path.name + ".txt", docx_text(path.read_bytes()))


def test_letter_fields_come_from_ppid_toml_and_babel(config, tmp_path: Path) -> None:
    text = docx_text(
        write_nota_dinas(_nota(), config.letter, config.nota_dinas, tmp_path).read_bytes()
    )
    for line in (
        "KOMISI PEMILIHAN UMUM KABUPATEN MESUJI",
        "NOTA DINAS",
        f"NOMOR {NUMBER}",
        "| Yth. | : | Kepala Subbagian Hukum dan SDM |",
        "| Dari | : | Sekretaris KPU Kabupaten Mesuji selaku PPID |",
        "| Tembusan | : | Ketua KPU Kabupaten Mesuji selaku Atasan PPID |",
        "| Tanggal | : | 26 November 2025 |",
        "| Sifat | : | Biasa |",
        "| Lampiran | : | 1 (satu) berkas |",
        "| Hal | : | Pendokumentasian Informasi Publik |",
        config.nota_dinas.isi,
        config.nota_dinas.penutup,
    ):
        assert line in text.splitlines(), line
    assert "NAMA PPID (ganti) / NIP. 19860926 201505 1 001 |" in text


def test_lampiran_lists_the_items_sorted_and_numbered(config, tmp_path: Path) -> None:
    items = [item(12, ringkasan="Kedua belas"), item(3, ringkasan="Ketiga", waktu_pembuatan="2024")]
    text = docx_text(
        write_nota_dinas(_nota(items), config.letter, config.nota_dinas, tmp_path).read_bytes()
    )
    rows = [line for line in text.splitlines() if line.startswith("| ") and "DIP-" in line]
    assert rows == [
        "| 1 | DIP-2025-0003 | Ketiga | Subbagian Hukum dan SDM | Kepala Subbagian Hukum dan SDM "
        "| Mesuji, 2024 | Berkala | Softcopy dan Hardcopy | 5 Tahun |",
        "| 2 | DIP-2025-0012 | Kedua belas | Subbagian Hukum dan SDM | Kepala Subbagian Hukum "
        "dan SDM | Mesuji, April 2025 | Berkala | Softcopy dan Hardcopy | 5 Tahun |",
    ]
    assert "A. Daftar Informasi Publik" in text.splitlines()
    assert "Daftar Usulan Informasi yang Dikecualikan" not in text
    assert (
        "Jumlah informasi yang didokumentasikan: 2 informasi dari Subbagian Hukum dan SDM." in text
    )


def test_dikecualikan_items_are_said_not_to_be_published(config, tmp_path: Path) -> None:
    """ppid.toml's isi says 'didokumentasikan dalam Daftar Informasi Publik': the count line
    must say where the Dikecualikan ones went instead."""
    items = [item(1), item(2, jenis="Dikecualikan", dasar_pengecualian="Pasal 17 huruf h")]
    text = docx_text(
        write_nota_dinas(_nota(items), config.letter, config.nota_dinas, tmp_path).read_bytes()
    )
    lines = text.splitlines()
    assert (
        "Jumlah informasi yang didokumentasikan: 2 informasi dari Subbagian Hukum dan SDM, "
        "termasuk 1 informasi yang dikecualikan, yang dicatat dalam Daftar Usulan Informasi "
        "yang Dikecualikan dan tidak diumumkan." in lines
    )
    # The lampiran lists them under their own headings, numbered from 1 in each.
    a = lines.index("A. Daftar Informasi Publik")
    b = lines.index("B. Daftar Usulan Informasi yang Dikecualikan (tidak diumumkan)")
    assert a < b
    assert [line.split(" | ")[1] for line in lines[a:b] if line.startswith("| 1 | DIP-")] == [
        "DIP-2025-0001"
    ]
    # B's only (and last) item is printed with the closing block, under B's header
    (exempt,) = [line for line in lines[b:] if line.startswith("| 1 | DIP-2025-0002 | ")]
    assert "Pasal 17 huruf h" in exempt
    assert lines[b + 1].startswith("| No | ID Informasi |")
    assert "Jumlah: 2 informasi (1 dalam Daftar Informasi Publik, 1 dikecualikan)." in lines[b:]


def test_tricky_ringkasan_is_text_in_the_docx(config, tmp_path: Path) -> None:
    path = write_nota_dinas(
        _nota([item(1, ringkasan=TRICKY)]), config.letter, config.nota_dinas, tmp_path
    )
    assert f"| 1 | DIP-2025-0001 | {TRICKY} |" in docx_text(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in xml
    assert "<script>" not in xml


def test_no_tembusan_prints_a_dash(config, tmp_path: Path) -> None:
    nd = dataclasses.replace(config.nota_dinas, tembusan=())
    cfg = dataclasses.replace(config, nota_dinas=nd)
    text = docx_text(write_nota_dinas(_nota(), cfg.letter, cfg.nota_dinas, tmp_path).read_bytes())
    assert "| Tembusan | : | - |" in text


def test_same_nota_twice_gives_identical_bytes(config, tmp_path: Path) -> None:
    a = write_nota_dinas(_nota(), config.letter, config.nota_dinas, tmp_path / "a").read_bytes()
    b = write_nota_dinas(
        _nota(list(reversed(_nota().items))), config.letter, config.nota_dinas, tmp_path / "b"
    ).read_bytes()
    assert a == b


def test_many_drafts_one_template(config, tmp_path: Path) -> None:
    notas = [
        _nota(number=f"{n}/HM.02-ND/1811/2025", unit=u, items=(item(n, unit=u),))
        for n, u in ((1, "Subbagian Hukum"), (2, "Subbagian Teknis & Hupmas"))
    ]
    paths = write_nota_dinas_all(notas, config.letter, config.nota_dinas, tmp_path)
    assert [p.name for p in paths] == [
        "Nota-Dinas-001-subbagian-hukum-2025.docx",
        "Nota-Dinas-002-subbagian-teknis-hupmas-2025.docx",
    ]
    assert "| Yth. | : | Kepala Subbagian Teknis & Hupmas |" in docx_text(paths[1].read_bytes())


@pytest.mark.parametrize(
    ("number", "urut", "expected"),
    [
        ("12/HM.02-ND/1811/2025", 0, "Nota-Dinas-012-hukum-2025.docx"),
        ("ND-12/2025", 5, "Nota-Dinas-005-hukum-2025.docx"),
    ],
)
def test_file_name_uses_the_sequence(number: str, urut: int, expected: str) -> None:
    nota = NotaDinas(number, dt.date(2025, 3, 1), "Hukum", (), urut=urut)
    assert file_name(nota) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Subbagian Keuangan, Umum & Logistik", "subbagian-keuangan-umum-logistik"),
        ("Sekretariat  KPU / Tata Usaha", "sekretariat-kpu-tata-usaha"),
        ("Perencanaan, Data dan Informasi – Ü", "perencanaan-data-dan-informasi-u"),
        # nothing left in ASCII: a hash keeps two such units apart
        ("???", "unit-" + name_hash("???")),
        ("दस्तावेज़ विभाग", "unit-" + name_hash("दस्तावेज़ विभाग")),
        ("Bagian دفتر", "bagian-" + name_hash("Bagian دفتر")),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize(
    ("pattern", "unit", "expected"),
    [
        ("Kepala Subbagian {unit}", "Subbagian Hukum dan SDM", "Kepala Subbagian Hukum dan SDM"),
        ("Kepala Subbagian {unit}", "Hukum dan SDM", "Kepala Subbagian Hukum dan SDM"),
        ("Kepala {unit}", "Subbagian Teknis", "Kepala Subbagian Teknis"),
        ("Sekretaris", "Hukum", "Sekretaris"),
    ],
)
def test_addressee(pattern: str, unit: str, expected: str) -> None:
    assert addressee(pattern, unit) == expected


@pytest.mark.slow
def test_two_workers_write_the_same_files(config, tmp_path: Path) -> None:
    notas = [
        _nota(number=f"{n}/HM.02-ND/1811/2025", unit=f"Unit {n % 3}", items=(item(n),))
        for n in range(1, 7)
    ]
    one = write_nota_dinas_all(notas, config.letter, config.nota_dinas, tmp_path / "a")
    two = write_nota_dinas_all(notas, config.letter, config.nota_dinas, tmp_path / "b", workers=2)
    assert [p.name for p in one] == [p.name for p in two]
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


def test_the_lampiran_is_signed_too(config, tmp_path: Path) -> None:
    lines = docx_text(
        write_nota_dinas(_nota(), config.letter, config.nota_dinas, tmp_path).read_bytes()
    ).splitlines()
    signature = (
        "|  | Sekretaris KPU Kabupaten Mesuji selaku PPID, /  /  /  / NAMA PPID (ganti) "
        "/ NIP. 19860926 201505 1 001 |"
    )
    # once under the letter, once under the lampiran table, after its last item row and
    # the total line, all three in the one closing block that cannot split
    assert [n for n, line in enumerate(lines) if line == signature] == [
        lines.index("| Lampiran | : | Nota Dinas Sekretaris KPU Kabupaten Mesuji selaku PPID |")
        - 2,
        len(lines) - 3,
    ]
    assert lines[-6].startswith("| 4 | DIP-2025-0004 |")
    assert lines[-4] == "Jumlah: 4 informasi."


def test_arahan_given_with_a_yes_reaches_the_unit_in_the_lampiran(config, tmp_path: Path) -> None:
    items = [i for i in fixture_register() if i.id < "DIP-2025-0005"]
    with_arahan = [dataclasses.replace(items[1], arahan="Unggah juga ke laman PPID"), items[0]]
    text = docx_text(
        write_nota_dinas(
            _nota(with_arahan), config.letter, config.nota_dinas, tmp_path
        ).read_bytes()
    )
    lines = text.splitlines()
    assert "Arahan Atasan PPID atas informasi yang disetujui" in lines
    assert "| No | ID Informasi | Ringkasan Isi Informasi | Arahan Atasan PPID |" in lines
    assert f"| 1 | {items[1].id} | {items[1].ringkasan} | Unggah juga ke laman PPID |" in lines
    # without arahan, no such table
    plain = docx_text(
        write_nota_dinas(
            _nota(items), config.letter, config.nota_dinas, tmp_path / "b"
        ).read_bytes()
    )
    assert "Arahan Atasan PPID atas informasi yang disetujui" not in plain


# ---------------------------------------------------------------- the unit's PPID Pelaksana

PELAKSANA = """
[[pejabat]]
peran = "ppid_pelaksana"
unit = "Hukum dan SDM"
nama = "Rina Marlina, S.H."
nip = "19880412 201101 2 003"
jabatan = "Kepala Subbagian Hukum dan SDM selaku PPID Pelaksana"

[[pejabat]]
peran = "ppid_pelaksana"
unit = "Subbagian Hukum dan SDM"
nama = "Dedi Plh"
jabatan = "Plh. Kepala Subbagian Hukum dan SDM selaku PPID Pelaksana"
berlaku_dari = 2025-11-24
berlaku_sampai = 2025-11-28
"""


def with_pelaksana(workspace: Path) -> None:
    path = workspace / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("[nota_dinas]")
    path.write_text(text[:at] + PELAKSANA.lstrip() + "\n" + text[at:], encoding="utf-8")


def test_the_nota_dinas_goes_to_the_units_ppid_pelaksana(workspace: Path, tmp_path: Path) -> None:
    from ppid_batch.config_file import load_config

    with_pelaksana(workspace)
    config = load_config(workspace)
    # the standing one, and the Plh on the days of their range (TODAY is 26 November 2025)
    text = docx_text(
        write_nota_dinas(
            _nota(date=dt.date(2025, 12, 1)), config.letter, config.nota_dinas, tmp_path
        ).read_bytes()
    )
    assert (
        "| Yth. | : | Kepala Subbagian Hukum dan SDM selaku PPID Pelaksana |" in text.splitlines()
    )
    text = docx_text(
        write_nota_dinas(_nota(), config.letter, config.nota_dinas, tmp_path).read_bytes()
    )
    assert "| Yth. | : | Plh. Kepala Subbagian Hukum dan SDM selaku PPID Pelaksana |" in (
        text.splitlines()
    )
    # a unit without a PPID Pelaksana: ppid.toml's yth, as before
    other = _nota(unit="Subbagian Keuangan, Umum dan Logistik")
    text = docx_text(
        write_nota_dinas(other, config.letter, config.nota_dinas, tmp_path).read_bytes()
    )
    assert "| Yth. | : | Kepala Subbagian Keuangan, Umum dan Logistik |" in text.splitlines()


def test_the_arahan_workbook_names_the_units_ppid_pelaksana(
    workspace: Path, tmp_path: Path
) -> None:
    from python_calamine import CalamineWorkbook

    from ppid_batch.approve.unit_feedback import write_unit_feedback
    from ppid_batch.config_file import load_config

    with_pelaksana(workspace)
    config = load_config(workspace)
    refused = [i for i in fixture_register() if i.status == "refused"]
    refused = [dataclasses.replace(i, unit="Subbagian Hukum dan SDM") for i in refused]
    (path,) = write_unit_feedback(refused, config.letter, tmp_path, today=dt.date(2025, 12, 1))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Arahan").to_python()
    assert rows[2][0].startswith(
        "Kepada Yth. Kepala Subbagian Hukum dan SDM selaku PPID Pelaksana (Rina Marlina, S.H.). "
        "1 informasi belum disetujui; keputusan terakhir 20 November 2025."
    )
