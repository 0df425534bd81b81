"""The Nota Dinas lampiran printed through LibreOffice: a list's heading and column headings
never stay at a page foot without the list's first item, whatever the number of items."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docs_util import PDFTOTEXT, SOFFICE, TODAY, item, printed_pages

from ppid_batch.config import Config
from ppid_batch.documents.nota_dinas import NotaDinas, write_nota_dinas

HEADING = re.compile(r"^\s*(?:[AB]\. Daftar|Arahan Atasan PPID atas)")
ITEM_ID = re.compile(r"DIP-\d{4}-\d{4}")


def nota(config: Config, dip: int, exempt: int, folder: Path) -> Path:
    """A unit's Nota Dinas: `dip` DIP items of varying length, then `exempt` Dikecualikan."""
    items = [
        item(n, ringkasan=f"Informasi nomor {n} tentang kegiatan {'yang panjang ' * (n % 5)}")
        for n in range(1, dip + 1)
    ] + [
        item(dip + n, jenis="Dikecualikan", dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
             konsekuensi="Membuka data pribadi pemilih")
        for n in range(1, exempt + 1)
    ]  # fmt: skip
    letter = NotaDinas(
        number=f"{dip}/HM.02-ND/1811/2025", date=TODAY, unit="Subbagian Hukum dan SDM",
        items=tuple(items),
    )  # fmt: skip
    out = folder / f"n{dip}-{exempt}"
    out.mkdir()
    return write_nota_dinas(letter, config.letter, config.nota_dinas, out)


@pytest.mark.slow  # LibreOffice converts a dozen letters (about 20 s)
@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice and pdftotext needed")
def test_a_list_heading_never_ends_a_page_without_its_first_item(
    config: Config, tmp_path: Path
) -> None:
    # 'B. Daftar Usulan …' with one item (the last, printed with the signature) once left the
    # heading and the empty column headings at the foot of a page
    cases = [(dip, 1) for dip in range(3, 15)] + [(dip, 2) for dip in (4, 8)]
    docs = [nota(config, dip, exempt, tmp_path) for dip, exempt in cases]
    alone = []
    for case, pages in zip(cases, printed_pages(docs, tmp_path), strict=True):
        for number, page in enumerate(pages, 1):
            lines = [line for line in page.splitlines() if line.strip()]
            starts = [i for i, line in enumerate(lines) if HEADING.match(line)]
            if starts and not any(ITEM_ID.search(line) for line in lines[starts[-1] :]):
                alone.append((case, number, lines[starts[-1]].strip()))
    assert alone == []
