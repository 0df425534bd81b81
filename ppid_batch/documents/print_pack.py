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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_bytes
from .pdf import convert_to_pdf, find_soffice

PACK_DIR = "cetak"
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


def pack_parts(outputs: Sequence[Path]) -> list[Path]:
    """Tonight's documents for the pack, in handling order, each once (a PDF before its
    docx: the docx is only converted when its PDF was not written tonight)."""
    chosen: list[Path] = []
    for folder, prefix in ORDER:
        mine = [
            Path(p)
            for p in outputs
            if Path(p).parent.name == folder
            and Path(p).name.startswith(prefix)
            and Path(p).suffix.lower() in (".pdf", ".docx", ".xlsx")
        ]
        stems = {p.stem for p in mine if p.suffix.lower() == ".pdf"}
        for p in sorted(mine, key=lambda p: p.name):
            if p.suffix.lower() != ".pdf" and p.stem in stems:
                continue
            chosen.append(p)
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
        return PrintPack(None, notes=("Berkas cetak tidak dibuat: LibreOffice tidak terpasang.",))
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
    path = atomic_write_bytes(Path(out_dir) / f"{day.isoformat()}.pdf", buf.getvalue())
    return PrintPack(path, tuple(used), tuple(notes))
