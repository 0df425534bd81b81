"""Disposisi / Arahan of the Atasan PPID for one merged approval sheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from docs_util import docx_text, fixture_register, item

from ppid_batch.documents.disposisi import Disposisi, file_name, write_disposisi

SHA = "3f" * 32
DAY = dt.date(2025, 11, 20)


def _disposisi(**kw) -> Disposisi:
    items = fixture_register()
    base = dict(
        sheet_name="Lembar-Persetujuan-2025-11-18.xlsx",
        sha256=SHA,
        atasan="NAMA ATASAN PPID (ganti)",
        date=DAY,
        approved=(
            items[0],
            dataclasses.replace(items[1], arahan="Unggah juga ke laman PPID"),
            *items[2:5],
        ),
        refused=(
            items[6],
            item(8, ringkasan="Agenda <rapat> & notulen", arahan="Pisahkan per rapat"),
        ),
        pending_count=1,
        number="LP-2025-0007",
        not_applied=1,
        edits={items[0].id: "Jenis Informasi: Berkala → Setiap Saat"},
    )
    base.update(kw)
    return Disposisi(**base)  # type: ignore[arg-type]


def test_golden_disposisi(config, tmp_path: Path, golden) -> None:
    path = write_disposisi(_disposisi(), config.letter, tmp_path)
    assert path.name == "Disposisi-2025-11-20-lembar-persetujuan-2025-11-18-3f3f3f3f.docx"
    golden("disposisi/" + path.name + ".txt", docx_text(path.read_bytes()))


def test_counts_refusals_with_arahan_and_signature(config, tmp_path: Path) -> None:
    text = docx_text(write_disposisi(_disposisi(), config.letter, tmp_path).read_bytes())
    lines = text.splitlines()
    for line in (
        "DISPOSISI / ARAHAN ATASAN PPID",
        "| Lembar persetujuan | : | LP-2025-0007 (Lembar-Persetujuan-2025-11-18.xlsx) |",
        "| Diputus oleh | : | NAMA ATASAN PPID (ganti) |",
        "| Tanggal | : | 20 November 2025 |",
        "| Disetujui (YA) | : | 5 informasi |",
        "| Tidak disetujui (TIDAK) | : | 2 informasi |",
        "| Menunggu persetujuan | : | 1 informasi |",
        "| Tidak diterapkan | : | 1 baris (lihat ringkasan proses) |",
        "| 1 | DIP-2025-0007 | Subbagian Hukum dan SDM | Rencana kerja yang ditolak "
        "| Lengkapi tautan dokumen & perbaiki ringkasan <segera> |",
        "| 2 | DIP-2025-0008 | Subbagian Hukum dan SDM | Agenda <rapat> & notulen "
        "| Pisahkan per rapat |",
    ):
        assert line in lines, line
    # the file's fingerprint stays in run.json; staff sign a page without it
    assert "SHA-256" not in text and SHA not in text
    # the title once: not 'Atasan PPID,' and then '… selaku Atasan PPID' again
    assert lines[-2] == (
        "|  | Mesuji, 20 November 2025 / Ketua KPU Kabupaten Mesuji selaku Atasan PPID, "
        "/  /  /  / NAMA ATASAN PPID (ganti) / NIP. 19750312 200212 1 002 |"
    )


def test_nothing_refused_says_so_without_an_empty_table(config, tmp_path: Path) -> None:
    text = docx_text(write_disposisi(_disposisi(refused=()), config.letter, tmp_path).read_bytes())
    assert "Tidak ada informasi yang tidak disetujui." in text
    assert (
        "| No | ID Informasi | Unit Kerja | Ringkasan Isi Informasi | Arahan / Disposisi |"
        not in text
    )
    assert "| Tidak disetujui (TIDAK) | : | 0 informasi |" in text


def test_a_deputy_gets_no_one_elses_nip(config, tmp_path: Path) -> None:
    path = write_disposisi(_disposisi(atasan="Plh. Budi Santoso"), config.letter, tmp_path)
    last = docx_text(path.read_bytes()).splitlines()[-2]
    assert last.endswith("/ Plh. Budi Santoso /  |")
    # nor the Ketua's title: a deputy signs as Atasan PPID
    assert last.startswith("|  | Mesuji, 20 November 2025 / Atasan PPID, /  /  /  / Plh.")


def test_file_name_is_stable_per_sheet() -> None:
    assert file_name(_disposisi(sheet_name="Persetujuan Atasan (1).xlsx")) == (
        "Disposisi-2025-11-20-persetujuan-atasan-1-3f3f3f3f.docx"
    )


def test_arahan_and_the_atasans_changes_on_approved_items_are_printed(
    config, tmp_path: Path
) -> None:
    items = fixture_register()
    lines = docx_text(
        write_disposisi(_disposisi(), config.letter, tmp_path).read_bytes()
    ).splitlines()
    header = (
        "| No | ID Informasi | Unit Kerja | Ringkasan Isi Informasi | Jenis Informasi "
        "| Arahan / Catatan |"
    )
    assert header in lines
    after = lines[lines.index(header) + 1 :]
    rows = {
        line.split(" | ")[1]: line for line in after if line.startswith("| ") and "DIP-" in line
    }
    assert rows[items[0].id].endswith(
        "| Disetujui dengan perubahan: Jenis Informasi: Berkala → Setiap Saat |"
    )
    assert rows[items[1].id].endswith("| Unggah juga ke laman PPID |")
    # a sheet without a number (merged before numbering) names only its file
    old = docx_text(write_disposisi(_disposisi(number=""), config.letter, tmp_path).read_bytes())
    assert "| Lembar persetujuan | : | Lembar-Persetujuan-2025-11-18.xlsx |" in old


def test_a_sheet_of_change_requests_counts_them_beside_the_new_items(
    config, tmp_path: Path
) -> None:
    """A sheet that decided only Ubah/Hapus: 'Disetujui (YA): 0 informasi' counts new items,
    so the summary says how many change requests it decided and how many were approved."""
    items = fixture_register()
    changes = (
        (items[0], "Ubah", "YA", None),
        (items[1], "Hapus", "YA", None),
        (items[2], "Ubah", "TIDAK", "Lengkapi tautannya"),
    )
    d = _disposisi(approved=(), refused=(), pending_count=0, not_applied=0, changes=changes)
    lines = docx_text(write_disposisi(d, config.letter, tmp_path).read_bytes()).splitlines()
    assert "| Disetujui (YA) | : | 0 informasi |" in lines
    assert "| Permintaan Ubah / Hapus | : | 3 permintaan, 2 disetujui |" in lines
