"""SOP steps 2-3 on paper: tonight's documents for a signature or a desk, as one PDF to print.

`output/cetak/<tanggal>.pdf` joins, in the order the PPID handles them in the morning,
what the night made that needs a hand: the Disposisi of the approval sheets merged tonight,
the Keputusan PPID, the new Draft Nota Dinas, and the new Lembar Persetujuan for the Atasan
PPID. One print serves the morning.

LibreOffice converts what is not PDF yet (the approval sheet is a workbook); pypdf joins
the pages, which LibreOffice's command line cannot do.

A document with more than PACK_MAX_ROWS table rows (the Keputusan of a national register,
its Disposisi, an approval sheet of thousands of items) is left out of the pack, with one
line saying where it is (its PDF copy too, when `pdf = true` made one): a morning's print
is tens of pages, not hundreds, and LibreOffice lays out one long table in time that grows
faster than its rows (measured in docs/batch.md).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..dates import format_count_id
from ..files import atomic_write_bytes
from .pdf import convert_to_pdf, find_soffice

PACK_DIR = "cetak"
SHEET_DIR = "persetujuan"
# Folder → place in the morning's order (lower first); names starting with the prefix.
ORDER = (
    ("disposisi", "Disposisi"),
    ("keputusan", "Keputusan"),
    ("nota-dinas", "Nota"),
    ("persetujuan", "Lembar-Persetujuan"),
)
# More table rows than this and a document is printed from its folder, not in the pack:
# about 40 pages of the office's item tables.
PACK_MAX_ROWS = 1_000
_DOCX_ROW = re.compile(rb"<w:tr[ >]")
_XLSX_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+(\d+)(?::[A-Z]+(\d+))?"')
_XLSX_ROW = re.compile(rb"<row[ >]")
_WIDTHS = {_DOCX_ROW: len(b"<w:tr "), _XLSX_ROW: len(b"<row ")}  # bytes of one match


@dataclass(frozen=True)
class PrintPack:
    path: Path | None
    parts: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


def pack_parts(
    outputs: Sequence[Path],
    *,
    created: Callable[[Path], bool] = lambda p: True,
    changed: Callable[[Path], bool] = lambda p: True,
) -> list[Path]:
    """Tonight's documents for the pack, in handling order, each once.

    A Disposisi, Keputusan or Nota Dinas is tonight's when the night `created` it: once
    made it never changes, and an old one rewritten (after a template edit, say) is not
    for the desk again. The approval sheet is tonight's when `changed` (new, or new
    content under today's name). Each is taken as its PDF when tonight made one beside
    it, else as the document itself (converted by LibreOffice for the pack).
    """
    chosen: list[Path] = []
    for folder, prefix in ORDER:
        sheet = folder == SHEET_DIR
        mine = sorted(
            {
                Path(p)
                for p in outputs
                if Path(p).parent.name == folder
                and Path(p).name.startswith(prefix)
                and Path(p).suffix.lower() == (".xlsx" if sheet else ".docx")
            },
            key=lambda p: p.name,
        )
        for doc in mine:
            if not (changed(doc) if sheet else created(doc)):
                continue
            pdf = doc.with_suffix(".pdf")
            chosen.append(pdf if pdf.is_file() and changed(pdf) else doc)
    return chosen


def write_print_pack(
    parts: Sequence[Path], out_dir: Path, day: dt.date, *, soffice: str | None = None
) -> PrintPack:
    """Join `parts` (PDFs, or documents LibreOffice converts) into out_dir/<day>.pdf."""
    if not parts:
        return PrintPack(None)
    exe = soffice or find_soffice()
    notes: list[str] = []
    sizes = {p: table_rows(_source(p)) for p in parts}
    large = [p for p, rows in sizes.items() if rows > PACK_MAX_ROWS]
    if large:
        notes += [too_large_note(p, sizes[p]) for p in large]
        parts = [p for p in parts if p not in large]
        if not parts:
            return PrintPack(None, notes=tuple(notes))
    to_convert = [p for p in parts if p.suffix.lower() != ".pdf"]
    if to_convert and exe is None:
        return PrintPack(None, notes=(no_libreoffice_note(parts), *notes))
    from pypdf import PdfReader, PdfWriter

    with tempfile.TemporaryDirectory(prefix="ppid-cetak-") as tmp:
        converted: dict[Path, Path] = {}
        if to_convert:
            result = convert_to_pdf(to_convert, Path(tmp), soffice=exe)
            by_stem = {p.stem: p for p in result.pdfs}
            converted = {d: by_stem[d.stem] for d in to_convert if d.stem in by_stem}
            notes += [n.message for n in result.notes]
        writer = PdfWriter()
        used: list[Path] = []
        for part in parts:
            pdf = part if part.suffix.lower() == ".pdf" else converted.get(part)
            if pdf is None:
                continue
            writer.append(PdfReader(io.BytesIO(pdf.read_bytes())))
            used.append(part)
        if not used:
            return PrintPack(None, notes=tuple(notes))
        writer.add_metadata(
            {"/Title": f"Berkas cetak {day.isoformat()}", "/Producer": "ppid-batch"}
        )
        buf = io.BytesIO()
        writer.write(buf)
    path = atomic_write_bytes(_pack_name(Path(out_dir), day, buf.getvalue()), buf.getvalue())
    return PrintPack(path, tuple(used), tuple(notes))


def no_libreoffice_note(parts: Sequence[Path]) -> str:
    """The summary's one line when the pack cannot be made: what to print instead."""
    folders = sorted({Path(p).parent.name for p in parts}, key=_place)
    shown = [f"output/{f}/" for f in folders]
    where = " dan ".join(filter(None, [", ".join(shown[:-1]), shown[-1]])) if shown else "output/"
    return (
        "Berkas cetak pagi tidak dibuat: LibreOffice tidak terpasang di komputer ini. "
        f"Cetak {len(parts)} dokumen baru malam ini satu per satu dari {where}."
    )


def table_rows(path: Path) -> int:
    """Table rows of a docx (every table) or xlsx (every sheet), read from the zip's XML
    without laying anything out; 0 for anything else or when it cannot be read."""
    kind = path.suffix.lower()
    if kind not in (".docx", ".xlsx"):
        return 0
    try:
        with zipfile.ZipFile(path) as z:
            if kind == ".docx":
                with z.open("word/document.xml") as member:
                    return count_matches(member, _DOCX_ROW)
            rows = 0
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                    with z.open(name) as member:
                        m = _XLSX_DIMENSION.search(member.read(4096))
                    if m:
                        rows += int(m.group(2) or m.group(1))
                        continue
                    with z.open(name) as member:
                        rows += count_matches(member, _XLSX_ROW)
            return rows
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return 0


def count_matches(stream: IO[bytes], pattern: re.Pattern[bytes], chunk: int = 1 << 20) -> int:
    """How often `pattern` (each match of the same length, as the row patterns here)
    occurs in `stream`, read `chunk` bytes at a time: the Keputusan's document.xml of a
    national register is some 500 MB once unzipped, and was read whole to count its rows."""
    width = _WIDTHS[pattern]
    count, carry = 0, b""
    while block := stream.read(chunk):
        text = carry + block
        count += len(pattern.findall(text))
        # A match within the kept tail would be whole there, so it was counted now: the
        # tail is one byte shorter than a match, and only a match across the cut is found
        # in it next time.
        carry = text[-(width - 1) :]
    return count


def _source(part: Path) -> Path:
    """The document a part is: itself, or for a PDF copy the docx/xlsx beside it."""
    if part.suffix.lower() != ".pdf":
        return part
    for suffix in (".docx", ".xlsx"):
        if part.with_suffix(suffix).is_file():
            return part.with_suffix(suffix)
    return part


def too_large_note(path: Path, rows: int) -> str:
    """The morning's line for a document too large for the pack."""
    return (
        f"{path.name} ({format_count_id(rows)} baris tabel) tidak dimasukkan ke berkas cetak pagi "
        f"karena lebih dari {format_count_id(PACK_MAX_ROWS)} baris; cetak dari "
        f"output/{path.parent.name}/ bila perlu."
    )


def _place(folder: str) -> int:
    return next((n for n, (name, _) in enumerate(ORDER) if name == folder), len(ORDER))


def _pack_name(out_dir: Path, day: dt.date, data: bytes) -> Path:
    """<day>.pdf, or <day>-2.pdf, … when a second run the same day made a different pack:
    the morning's first pack may not have been printed yet."""
    n = 1
    while True:
        path = out_dir / (f"{day.isoformat()}.pdf" if n == 1 else f"{day.isoformat()}-{n}.pdf")
        if not path.exists() or path.read_bytes() == data:
            return path
        n += 1
