"""A small fixture register and text dumps of generated documents, for the document tests."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from factories import register_item

from ppid_batch.models import RegisterItem

TODAY = dt.date(2025, 11, 26)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
TRICKY = '=HYPERLINK("http://x") & <b>"kutip" \'satu\'</b> @ <script>window.__pwned=1</script>'


def item(n: int, **kw: object) -> RegisterItem:
    """An approved item of the Subbagian Hukum dan SDM, numbered `n`."""
    base: dict[str, object] = dict(
        ringkasan=f"Informasi nomor {n}",
        waktu_pembuatan="2025-04",
        bentuk="Softcopy dan Hardcopy",
        status="approved",
        decided_on=dt.date(2025, 11, 20),
        atasan="Drs. Ahmad Fauzi",
    )
    return register_item(f"DIP-2025-{n:04d}", **{**base, **kw})


def fixture_register() -> list[RegisterItem]:
    """Seven items: every jenis, every date precision, a pending and a refused one."""
    return [
        item(1, ringkasan="Laporan Realisasi Anggaran Triwulan I Tahun 2025",
             unit="Subbagian Keuangan, Umum dan Logistik",
             penguasa="Subbagian Keuangan, Umum dan Logistik",
             penanggung_jawab="Kepala Subbagian Keuangan, Umum dan Logistik",
             waktu_pembuatan="2025-04-15", retensi="2 Tahun Aktif, 8 Tahun Inaktif",
             tautan="https://jdih.kpu.go.id/lampung/mesuji/lra-2025-tw1"),
        item(2, ringkasan="Keputusan KPU Kabupaten Mesuji tentang Penetapan Daftar Pemilih Tetap",
             waktu_pembuatan="2024", bentuk="Hardcopy", retensi="Permanen",
             tautan="Lemari Arsip Subbag Hukum, Rak 2"),
        item(3, ringkasan="Pengumuman Penundaan Tahapan Akibat Bencana Banjir", jenis="Serta Merta",
             waktu_pembuatan="2025-02", bentuk="Softcopy", retensi="Selama Berlaku",
             unit="Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Masyarakat",
             penguasa="Subbagian Teknis dan Hupmas", penanggung_jawab="Kepala Subbagian Teknis"),
        item(4, ringkasan="Standar Operasional Prosedur Pelayanan Informasi Publik",
             jenis="Setiap Saat", waktu_pembuatan="2025-03-03", keterangan="SOP 3/2025"),
        item(5, ringkasan="Data pribadi pemilih dalam formulir model A", jenis="Dikecualikan",
             dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
             konsekuensi="Membuka rahasia pribadi pemilih"),
        item(6, ringkasan="Notula rapat pleno internal yang belum final", status="pending",
             decided_on=None, atasan=None),
        item(7, ringkasan="Rencana kerja yang ditolak", status="refused",
             arahan="Lengkapi tautan dokumen & perbaiki ringkasan <segera>"),
    ]  # fmt: skip


def tricky_register() -> list[RegisterItem]:
    return [
        item(1, ringkasan=TRICKY, penguasa="+Unit & <Co>", tautan="@lokasi rak 1"),
        item(2, ringkasan='-5 Tahun "laporan" & <i>miring</i>', jenis="Setiap Saat"),
        replace(item(3), jenis="Dikecualikan", ringkasan=TRICKY, dasar_pengecualian="=1+1"),
    ]


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a docx, in body order, one line each; then core props.

    A table row is one line `| cell | cell |` (a cell's paragraphs joined by ' / '); a cell
    holding tables of its own (a layout cell: the closing block of a lampiran) gives its
    paragraphs and tables line by line instead, in order.
    """
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines: list[str] = []
    _block_lines(doc.element.body, lines)
    props = doc.core_properties
    lines.append(
        f"[props] title={props.title!r} author={props.author!r} "
        f"created={props.created} modified={props.modified} revision={props.revision}"
    )
    return "\n".join(_trim_blank_runs(lines)) + "\n"


def _para_text(p: object) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))  # type: ignore[attr-defined]


def _block_lines(parent: object, lines: list[str]) -> None:
    for child in parent.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_para_text(child))
        elif tag == "tbl":
            for tr in child.iterchildren(_w("tr")):
                tcs = list(tr.iterchildren(_w("tc")))
                if any(tc.find(_w("tbl")) is not None for tc in tcs):
                    for tc in tcs:
                        _block_lines(tc, lines)
                    continue
                cells = [" / ".join(_para_text(p) for p in tc.iter(_w("p"))) for tc in tcs]
                lines.append("| " + " | ".join(cells) + " |")


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _trim_blank_runs(lines: Iterable[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


def xlsx_text(path: Path) -> str:
    """Every sheet's cell values, merged ranges and key print settings, from the raw xml."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    lines: list[str] = []
    for ws in wb.worksheets:
        lines.append(f"== sheet {ws.title!r}")
        ps = ws.page_setup
        lines.append(
            f"[print] orientation={ps.orientation} paper={ps.paperSize} "
            f"fitToWidth={ps.fitToWidth} fitToHeight={ps.fitToHeight} "
            f"print_title_rows={ws.print_title_rows} freeze={ws.freeze_panes}"
        )
        fit = ws.sheet_properties.pageSetUpPr
        lines.append(
            f"[page] fitToPage={fit.fitToPage if fit else None} "
            f"footer={ws.oddFooter.left.text!r}|{ws.oddFooter.right.text!r} "
            f"gridlines={ws.print_options.gridLines}"
        )
        lines.append(f"[merged] {sorted(str(r) for r in ws.merged_cells.ranges)}")
        heights = {n: d.height for n, d in sorted(ws.row_dimensions.items()) if d.height}
        widths = {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width}
        lines.append(f"[heights] {heights}")
        lines.append(f"[widths] {widths}")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    lines.append(f"{cell.coordinate}\t{cell.data_type}\t{cell.value!r}")
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode()
    lines.append("[core] " + core[core.find("<dc:") if "<dc:" in core else 0 :])
    return "\n".join(lines) + "\n"


def printed_pages(docs: Sequence[Path], folder: Path) -> list[list[str]]:
    """The documents printed to PDF in `folder` by one LibreOffice process and read back
    (pdftotext -layout): for each document, the text of each of its pages."""
    assert SOFFICE and PDFTOTEXT, "LibreOffice and pdftotext needed"
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{folder / 'lo'}",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, docs)],
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    printed = []
    for doc in docs:
        text = subprocess.run(
            [PDFTOTEXT, "-layout", str(folder / f"{doc.stem}.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        printed.append([page for page in text.split("\f") if page.strip()])
    return printed
