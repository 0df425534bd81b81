"""Daftar Usulan Informasi yang Dikecualikan: the fields the law asks for, KPU RI's list noted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from ppid_batch.config import Config
from ppid_batch.documents.kpu_ri import kpu_ri_match
from ppid_batch.documents.register_list import write_exemptions
from ppid_batch.models import RegisterItem

SET_BY_KPU_RI = (
    "Data pribadi pemilih (NIK, NKK, alamat lengkap) dalam Daftar Pemilih",
    "Berita acara dan dokumen pemeriksaan pelanggaran kode etik yang belum diputus",
)


@pytest.mark.parametrize(
    ("ringkasan", "expected"),
    [
        ("Salinan DPT Pemilihan 2024 dengan NIK dan NKK lengkap", 0),
        ("Berita acara pemeriksaan dugaan pelanggaran kode etik PPK", 1),
        ("Daftar Pemilih Tetap Pemilu 2024", None),  # shares only the common words
        ("Laporan Realisasi Anggaran Triwulan I", None),
    ],
)
def test_an_usulan_is_matched_to_what_kpu_ri_already_set(ringkasan: str, expected) -> None:
    want = None if expected is None else SET_BY_KPU_RI[expected]
    assert kpu_ri_match(ringkasan, SET_BY_KPU_RI) == want


def test_the_exemption_list_carries_the_legal_fields_and_the_kpu_ri_note(
    config: Config, tmp_path: Path
) -> None:
    config = dataclasses.replace(
        config,
        pengecualian=dataclasses.replace(config.pengecualian, ditetapkan_kpu_ri=SET_BY_KPU_RI),
    )
    item = RegisterItem(
        id="DIP-2026-0007",
        unit="Subbagian Teknis",
        ringkasan="Salinan DPT Pemilihan 2024 dengan NIK dan NKK lengkap",
        penguasa="Subbagian Teknis",
        penanggung_jawab="Kepala Subbagian Teknis",
        waktu_pembuatan="2024-09",
        tempat_pembuatan="Mesuji",
        bentuk="Softcopy",
        retensi="5 Tahun",
        jenis="Dikecualikan",
        status="approved",
        dasar_pengecualian="Pasal 17 huruf h UU 14/2008 (rahasia pribadi)",
        konsekuensi="Data pribadi pemilih dapat disalahgunakan",
        jangka_pengecualian="Selama data pemilih berlaku",
        kepentingan_publik="Perlindungan data pribadi lebih besar manfaatnya",
    )
    path = write_exemptions([item], 2026, config, tmp_path, today=dt.date(2026, 11, 25))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = next(r for r in rows if "ID Informasi" in r)
    body = dict(zip(header, rows[rows.index(header) + 2], strict=True))
    assert body["ID Informasi"] == "DIP-2026-0007"
    assert body["Jangka Waktu Pengecualian"] == "Selama data pemilih berlaku"
    assert body["Pertimbangan Kepentingan Publik"].startswith("Perlindungan data pribadi")
    assert body["Catatan Penetapan KPU RI"] == (
        f"Sesuai pengecualian yang ditetapkan KPU RI: {SET_BY_KPU_RI[0]}"
    )


def test_the_covering_letter_goes_to_the_configured_addressee_and_notes_kpu_ri(
    config: Config, tmp_path: Path
) -> None:
    from docx import Document

    from ppid_batch.documents.exemptions import write_covering_letter

    config = dataclasses.replace(
        config,
        pengecualian=dataclasses.replace(
            config.pengecualian,
            yth="Ketua KPU Provinsi Lampung",
            ditetapkan_kpu_ri=SET_BY_KPU_RI,
        ),
    )
    exempt = RegisterItem(
        id="DIP-2026-0007", unit="Subbagian Teknis",
        ringkasan="Salinan DPT Pemilihan 2024 dengan NIK dan NKK lengkap",
        penguasa="Subbagian Teknis", penanggung_jawab="Kepala Subbagian Teknis",
        waktu_pembuatan="2024-09", tempat_pembuatan="Mesuji", bentuk="Softcopy",
        retensi="5 Tahun", jenis="Dikecualikan", status="approved",
        dasar_pengecualian="Pasal 17 huruf h UU 14/2008 (rahasia pribadi)",
        konsekuensi="Data pribadi pemilih dapat disalahgunakan",
        jangka_pengecualian="Selama data pemilih berlaku",
    )  # fmt: skip
    today = dt.date(2026, 11, 25)
    path = write_covering_letter(
        [exempt], config.letter, config.pengecualian, tmp_path, year=2026, today=today
    )
    assert path == tmp_path / "Surat-Usulan-Informasi-Dikecualikan-2026.docx"
    doc = Document(str(path))
    text = "\n".join(
        [p.text for p in doc.paragraphs]
        + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )
    assert "Yth. Ketua KPU Provinsi Lampung" in text
    assert "sebanyak 1 informasi" in text
    assert "Sebanyak 1 informasi di antaranya sesuai dengan pengecualian" in text
    assert "Selama data pemilih berlaku" in text
    # withdrawn (or none approved): nothing to send, and the old draft goes
    gone = dataclasses.replace(exempt, status="withdrawn")
    assert (
        write_covering_letter(
            [gone], config.letter, config.pengecualian, tmp_path, year=2026, today=today
        )
        is None
    )
    assert not path.exists()
