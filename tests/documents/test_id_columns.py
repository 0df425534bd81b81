"""Every printed table's ID Informasi column holds `DIP-2026-0001` on one line.

An ID broken after `DIP-2026-` reads as two values on paper (the Nota Dinas lampiran and
the Disposisi's Tindakan table did so at 2.4 and 2.5 cm). Measured in Liberation Sans,
which has Arial's metrics, at the size each template prints the ID in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from ppid_batch.config import DEFAULT_TEMPLATES

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
WIDEST_ID = "DIP-2026-0000"
CELL_MARGINS_PT = 2 * 108 / 20  # Table Grid's left and right cell margins (108 twips each)
TEMPLATES = sorted(p.name for p in DEFAULT_TEMPLATES.glob("*.docx"))


def _id_columns(path: Path) -> list[tuple[float, float]]:
    """(column width, font size) in points of each table's ID column in the template."""
    found = []
    for table in Document(str(path)).tables:
        rows = table.rows
        labels = [c.text.strip() for c in rows[0].cells]
        if "ID Informasi" not in labels:
            continue
        col = labels.index("ID Informasi")
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        width = int(grid[col].get(qn("w:w"))) / 20
        body = next(r for r in rows if r.cells[col].text.strip().endswith("id }}"))
        sizes = [run.font.size.pt for p in body.cells[col].paragraphs for run in p.runs]
        found.append((width, max(sizes)))
    return found


@pytest.mark.skipif(not FONT.exists(), reason="Liberation Sans (fonts-liberation2) not installed")
@pytest.mark.parametrize("name", TEMPLATES)
def test_an_id_fits_its_column_on_one_line(name: str) -> None:
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT), 100)
    columns = _id_columns(DEFAULT_TEMPLATES / name)
    for width, size in columns:
        needed = font.getlength(WIDEST_ID) / 100 * size
        assert width - CELL_MARGINS_PT >= needed, (name, width, size, needed)
    if name in ("nota-dinas.docx", "disposisi.docx", "keputusan.docx"):
        assert columns  # the check found the tables it is about
