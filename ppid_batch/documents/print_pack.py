"""SOP steps 2-3 on paper: tonight's documents for a signature or a desk, as one PDF to print.

`output/cetak/<tanggal>.pdf` joins, in the order the PPID handles them in the morning,
what the night made that needs a hand: the Disposisi of the approval sheets merged tonight,
the Keputusan PPID, the new Draft Nota Dinas, and the new Lembar Persetujuan for the Atasan
PPID. One print serves the morning.

LibreOffice converts what is not PDF yet (the approval sheet is a workbook); pypdf joins
the pages, which LibreOffice's command line cannot do.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

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
    to_convert = [p for p in parts if p.suffix.lower() != ".pdf"]
    if to_convert and exe is None:
        return PrintPack(None, notes=(no_libreoffice_note(parts),))
    from pypdf import PdfReader, PdfWriter

    notes: list[str] = []
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
