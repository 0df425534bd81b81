"""output/cetak/<tanggal>.pdf: tonight's documents in the order the PPID handles them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ppid_batch.documents.print_pack import pack_parts, write_print_pack

DAY = dt.date(2026, 11, 24)


def _pdf(path: Path, width: int) -> Path:
    """A one-page PDF whose page width tells the parts apart."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def test_parts_follow_the_mornings_order_and_skip_what_is_not_for_the_desk(
    tmp_path: Path,
) -> None:
    out = tmp_path / "output"
    written = [
        out / "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx",
        out / "nota-dinas/Nota-Dinas-002-hukum-2026.docx",
        out / "nota-dinas/Nota-Dinas-002-hukum-2026.pdf",
        out / "nota-dinas/Nota-Dinas-001-keuangan-2026.pdf",
        out / "register/Daftar-Informasi-Publik-2026.xlsx",
        out / "keputusan/Keputusan-PPID-DIP-2026-001.pdf",
        out / "disposisi/Disposisi-2026-11-23-lembar-72693fa5.pdf",
        out / "umpan-balik/Arahan-hukum.xlsx",
        out / "laporan/Laporan-Tahunan-2026.docx",
    ]
    assert [p.relative_to(out).as_posix() for p in pack_parts(written)] == [
        "disposisi/Disposisi-2026-11-23-lembar-72693fa5.pdf",
        "keputusan/Keputusan-PPID-DIP-2026-001.pdf",
        "nota-dinas/Nota-Dinas-001-keuangan-2026.pdf",
        "nota-dinas/Nota-Dinas-002-hukum-2026.pdf",  # its PDF, not the docx again
        "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx",
    ]


def test_the_pack_joins_every_page_in_order_and_is_the_same_bytes_twice(tmp_path: Path) -> None:
    parts = [_pdf(tmp_path / "disposisi/Disposisi-a.pdf", 300), _pdf(tmp_path / "n/Nota.pdf", 400)]
    pack = write_print_pack(parts, tmp_path / "cetak", DAY)
    assert pack.path == tmp_path / "cetak" / "2026-11-24.pdf"
    reader = PdfReader(pack.path)
    assert [round(float(p.mediabox.width)) for p in reader.pages] == [300, 400]
    assert reader.metadata.title == "Berkas cetak 2026-11-24"
    first = pack.path.read_bytes()
    again = write_print_pack(parts, tmp_path / "lagi", DAY)
    assert again.path is not None and again.path.read_bytes() == first


def test_nothing_new_tonight_makes_no_pack(tmp_path: Path) -> None:
    assert write_print_pack([], tmp_path / "cetak", DAY).path is None
    assert not (tmp_path / "cetak").exists()


def test_without_libreoffice_a_workbook_part_is_a_note(tmp_path: Path, monkeypatch) -> None:
    from ppid_batch.documents import print_pack

    monkeypatch.setattr(print_pack, "find_soffice", lambda: None)
    sheet = tmp_path / "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx"
    sheet.parent.mkdir(parents=True)
    sheet.write_bytes(b"PK")
    pack = write_print_pack([sheet], tmp_path / "cetak", DAY)
    assert pack.path is None
    assert pack.notes == ("Berkas cetak tidak dibuat: LibreOffice tidak terpasang.",)
