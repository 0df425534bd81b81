"""The Keputusan's lampiran printed through LibreOffice: its signature never starts a page
alone, however many items the DIP and its changes hold."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from docs_util import PDFTOTEXT, SOFFICE, item, printed_pages

from ppid_batch.config import Config
from ppid_batch.documents.docx import cached_template, office_images, render_to
from ppid_batch.documents.keputusan import TEMPLATE, keputusan_context, published_values
from ppid_batch.store.keputusan import TAMBAH

JENIS = ("Berkala", "Serta Merta", "Setiap Saat")


def keputusan(config: Config, items: int, path: Path) -> Path:
    """A Keputusan setting `items` items (three jenis, ringkasan of varying length), each
    one added since the last: Lampiran I and Lampiran II both run over several pages."""
    standing = {}
    for n in range(1, items + 1):
        it = item(
            n,
            jenis=JENIS[n % 3],
            ringkasan=f"Informasi nomor {n} tentang kegiatan kantor " + "yang panjang " * (n % 6),
        )
        standing[it.id] = published_values(it)
    entries = [{"item_id": i, "change": TAMBAH, "item_values": v} for i, v in standing.items()]
    record = {"date": dt.date(2026, 12, 2), "number": f"{items}/PPID/1811/2026", "id": 1}
    context = keputusan_context(
        record, entries, standing, {}, None, config.letter, config.keputusan
    )
    template = cached_template(config.templates_dir, TEMPLATE)
    when = dt.datetime(2026, 12, 2)
    return render_to(
        template, context, path, when=when, title="k", images=office_images(config.office)
    )


@pytest.mark.slow  # LibreOffice converts four documents (about 10 s)
@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice and pdftotext needed")
def test_the_lampiran_signature_never_starts_a_page_alone(config: Config, tmp_path: Path) -> None:
    # 60 items put 'Jumlah: 60 informasi.' and the signature alone on a page before the
    # lampiran kept its last item with them; 30 did the same to Lampiran II
    counts = (10, 30, 45, 60)
    docs = [keputusan(config, n, tmp_path / f"Keputusan-{n}.docx") for n in counts]
    signer = config.signer("ppid", dt.date(2026, 12, 2)).nama
    for n, pages in zip(counts, printed_pages(docs, tmp_path), strict=True):
        signed = [i for i, page in enumerate(pages, 1) if signer in page]
        assert len(signed) == 3, (n, signed)  # the Keputusan, Lampiran I, Lampiran II
        for number in signed[1:]:
            page = pages[number - 1]
            above = page[: page.index(signer)]
            # an item's row (its ID) on the page, above the total line and the signature
            assert re.search(r"DIP-2025-\d{4}", above), (n, number, page)
            assert re.search(r"Jumlah( perubahan)?: \d+", above), (n, number)


HEADING = re.compile(r"^\s*[ABC]\s+Informasi yang Wajib")


@pytest.mark.slow  # LibreOffice converts a dozen documents (about 20 s)
@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice and pdftotext needed")
def test_a_jenis_heading_never_ends_a_page(config: Config, tmp_path: Path) -> None:
    """Lampiran I's headings (A. Berkala, B. Serta Merta, C. Setiap Saat) stay on the page
    of their first item, at every item count (16 items left 'C … Setiap Saat' alone at the
    foot of a page and its items on the next)."""
    counts = range(14, 38, 2)
    docs = [keputusan(config, n, tmp_path / f"Keputusan-{n}.docx") for n in counts]
    ends = {}
    for n, pages in zip(counts, printed_pages(docs, tmp_path), strict=True):
        for number, page in enumerate(pages, 1):
            lines = [line for line in page.splitlines() if line.strip()]
            if lines and HEADING.match(lines[-1]):
                ends[n] = (number, lines[-1].strip())
    assert ends == {}
