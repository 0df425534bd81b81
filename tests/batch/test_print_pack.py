"""output/cetak/<tanggal>.pdf: tonight's documents in the order the PPID handles them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ppid_batch.documents.print_pack import no_libreoffice_note, pack_parts, write_print_pack

DAY = dt.date(2026, 11, 24)

pytestmark = pytest.mark.usefixtures("libreoffice_as_installed")


def _pdf(path: Path, width: int) -> Path:
    """A one-page PDF whose page width tells the parts apart."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_parts_follow_the_mornings_order_and_take_only_what_tonight_made(
    tmp_path: Path,
) -> None:
    out = tmp_path / "output"
    sheet = _touch(out / "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx")
    nota_new = _touch(out / "nota-dinas/Nota-Dinas-002-hukum-2026.docx")
    nota_new_pdf = _touch(out / "nota-dinas/Nota-Dinas-002-hukum-2026.pdf")
    nota_keu = _touch(out / "nota-dinas/Nota-Dinas-001-keuangan-2026.docx")
    old_nota = _touch(out / "nota-dinas/Nota-Dinas-001-hukum-2026.docx")  # an earlier night's
    old_pdf = _touch(out / "nota-dinas/Nota-Dinas-001-hukum-2026.pdf")
    keputusan = _touch(out / "keputusan/Keputusan-PPID-DIP-2026-001.docx")
    disposisi = _touch(out / "disposisi/Disposisi-2026-11-23-lembar-72693fa5.docx")
    stale_pdf = _touch(out / "disposisi/Disposisi-2026-11-23-lembar-72693fa5.pdf")
    written = [
        sheet,
        nota_new,
        nota_new_pdf,
        nota_keu,
        old_nota,
        old_pdf,
        out / "register/Daftar-Informasi-Publik-2026.xlsx",
        keputusan,
        disposisi,
        stale_pdf,
        out / "umpan-balik/Arahan-hukum.xlsx",
        out / "laporan/Laporan-Tahunan-2026.docx",
    ]
    made_tonight = {sheet, nota_new, nota_new_pdf, nota_keu, keputusan, disposisi}
    # the Disposisi's PDF beside it is not tonight's (left from before): the docx is taken
    parts = pack_parts(
        written, created=made_tonight.__contains__, changed=made_tonight.__contains__
    )
    assert [p.relative_to(out).as_posix() for p in parts] == [
        "disposisi/Disposisi-2026-11-23-lembar-72693fa5.docx",
        "keputusan/Keputusan-PPID-DIP-2026-001.docx",
        "nota-dinas/Nota-Dinas-001-keuangan-2026.docx",
        "nota-dinas/Nota-Dinas-002-hukum-2026.pdf",  # its PDF made tonight, not the docx again
        "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx",
    ]


def test_an_old_document_rewritten_tonight_is_not_printed_again(tmp_path: Path) -> None:
    """A template edit rewrites every Keputusan: changed, but none is new for the desk."""
    keputusan = _touch(tmp_path / "keputusan/Keputusan-PPID-DIP-2026-001.docx")
    sheet = _touch(tmp_path / "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx")
    parts = pack_parts([keputusan, sheet], created=lambda p: False, changed=lambda p: True)
    assert parts == [sheet]  # the sheet with new content under today's name is


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
    # the same pack again the same day keeps its name; a different one does not replace it
    assert write_print_pack(parts, tmp_path / "cetak", DAY).path == pack.path
    other = write_print_pack(parts[:1], tmp_path / "cetak", DAY)
    assert other.path == tmp_path / "cetak" / "2026-11-24-2.pdf"
    assert pack.path.read_bytes() == first


def test_nothing_new_tonight_makes_no_pack(tmp_path: Path) -> None:
    assert write_print_pack([], tmp_path / "cetak", DAY).path is None
    assert not (tmp_path / "cetak").exists()


def test_without_libreoffice_a_workbook_part_is_one_line_saying_what_to_print(
    tmp_path: Path, monkeypatch
) -> None:
    from ppid_batch.documents import print_pack

    monkeypatch.setattr(print_pack, "find_soffice", lambda: None)
    sheet = _touch(tmp_path / "persetujuan/Lembar-Persetujuan-2026-11-24.xlsx")
    nota = _touch(tmp_path / "nota-dinas/Nota-Dinas-001-hukum-2026.docx")
    pack = write_print_pack([nota, sheet], tmp_path / "cetak", DAY)
    assert pack.path is None and not (tmp_path / "cetak").exists()
    assert pack.notes == (no_libreoffice_note([nota, sheet]),)
    assert pack.notes[0] == (
        "Berkas cetak pagi tidak dibuat: LibreOffice tidak terpasang di komputer ini. "
        "Cetak 2 dokumen baru malam ini satu per satu dari output/nota-dinas/ dan "
        "output/persetujuan/."
    )


def test_libreoffice_can_be_named_or_turned_off(tmp_path: Path, monkeypatch) -> None:
    from ppid_batch.documents.pdf import LIBREOFFICE_ENV, find_soffice

    exe = _touch(tmp_path / "lo" / "soffice")
    monkeypatch.setenv(LIBREOFFICE_ENV, str(exe))
    assert find_soffice(search_path=str(tmp_path / "kosong")) == str(exe)
    monkeypatch.setenv(LIBREOFFICE_ENV, str(tmp_path / "tidak-ada"))
    assert find_soffice() is None
    monkeypatch.setenv(LIBREOFFICE_ENV, "tidak")
    assert find_soffice() is None


def test_a_document_with_too_many_table_rows_is_printed_from_its_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """A national Keputusan's lampiran is hundreds of pages: not in the morning's pack."""
    import docx
    import xlsxwriter

    from ppid_batch.documents import print_pack

    monkeypatch.setattr(print_pack, "PACK_MAX_ROWS", 3)
    keputusan = tmp_path / "keputusan" / "Keputusan-PPID-DIP-2026-001.docx"
    keputusan.parent.mkdir()
    document = docx.Document()
    document.add_table(rows=4, cols=2)
    document.save(str(keputusan))
    sheet = tmp_path / "persetujuan" / "Lembar-Persetujuan-2026-11-24.xlsx"
    sheet.parent.mkdir()
    book = xlsxwriter.Workbook(str(sheet))
    book.add_worksheet().write_column(0, 0, ["ID", "a", "b"])
    book.close()
    assert print_pack.table_rows(keputusan) == 4 and print_pack.table_rows(sheet) == 3
    nota = _pdf(tmp_path / "nota-dinas" / "Nota-Dinas-001-hukum-2026.pdf", 400)
    monkeypatch.setattr(print_pack, "find_soffice", lambda: None)  # the sheet needs it
    pack = write_print_pack([keputusan, nota], tmp_path / "cetak", DAY)
    assert pack.path is not None and pack.parts == (nota,)
    assert [round(float(p.mediabox.width)) for p in PdfReader(pack.path).pages] == [400]
    assert pack.notes == (
        "Keputusan-PPID-DIP-2026-001.docx (4 baris tabel) tidak dimasukkan ke berkas cetak "
        "pagi karena lebih dari 3 baris; cetak dari output/keputusan/ bila perlu.",
    )
    # its PDF copy made tonight is taken for it, and is as large
    copy = _pdf(keputusan.with_suffix(".pdf"), 300)
    assert write_print_pack([copy, nota], tmp_path / "cetak1", DAY).parts == (nota,)
    copy.unlink()
    # only the large one: no pack, the line alone
    alone = write_print_pack([keputusan], tmp_path / "cetak2", DAY)
    assert alone.path is None and len(alone.notes) == 1
    assert not (tmp_path / "cetak2").exists()
    # the sheet of 3 rows is within the limit: it still needs LibreOffice
    monkeypatch.setattr(print_pack, "PACK_MAX_ROWS", 1_000)
    assert print_pack.too_large_note(keputusan, 10_000).startswith(
        "Keputusan-PPID-DIP-2026-001.docx (10.000 baris tabel) tidak dimasukkan"
    )
    without = write_print_pack([sheet], tmp_path / "cetak3", DAY)
    assert without.notes == (no_libreoffice_note([sheet]),)


def test_rows_are_counted_the_same_whatever_the_cut_of_the_stream() -> None:
    from ppid_batch.documents import print_pack

    # Rows cut anywhere between two reads, and texts that only look like the start of one.
    xml = b"<w:body>" + b"".join(
        b'<w:tr w:rsidR="1"><w:tc><w:t>&lt;w:tr</w:t></w:tc></w:tr><w:trPr/><w:tr>' * n
        for n in range(1, 8)
    )
    whole = len(print_pack._DOCX_ROW.findall(xml))
    assert whole == 2 * sum(range(1, 8))
    for chunk in (1, 2, 5, 6, 7, 64, len(xml)):
        assert print_pack.count_matches(io.BytesIO(xml), print_pack._DOCX_ROW, chunk) == whole
    sheet = b"<sheetData>" + b'<row r="1"><c/></row><rows/>' * 9 + b"</sheetData>"
    for chunk in (1, 4, 5, 13):
        assert print_pack.count_matches(io.BytesIO(sheet), print_pack._XLSX_ROW, chunk) == 9
