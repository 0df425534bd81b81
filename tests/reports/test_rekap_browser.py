"""The province's rekap pages in headless Chromium: axe-core at 375 and 1280 px, no word broken.

Built as test_ekspor_rekap builds them: three offices' export packages rolled up.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, DESKTOP, PHONE, Page, chromium, serious

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
SHOTS = os.environ.get("PPID_SCREENSHOTS")
PAGES = ("Rekap-Daftar-Informasi-Publik.html", "Rekap-Pemantauan.html")


@pytest.fixture(scope="module")
def rekap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, Path]]:
    from test_ekspor_rekap import _ekspor, _office_ws, _rekap, seed

    from ppid_batch.config_file import load_config
    from ppid_batch.store import Store

    root = tmp_path_factory.mktemp("rekap")
    inbox = root / "kiriman"
    for code, nama, n, ok, year in (
        ("1802", "KPU Kabupaten Lampung Selatan", 6, 4, 2026),
        ("1804", "KPU Kabupaten Lampung Timur", 2, 1, 2025),  # quiet this year: highlighted
    ):
        ws = _office_ws(root / "kantor", code, nama)
        with Store.open(load_config(ws).database_url) as store:
            seed(store, n, approve=ok, year=year)
        assert _ekspor(ws, inbox / code)[0] == 0
    out = root / "rekap"
    assert _rekap(out, str(inbox))[0] == 0
    with chromium(root / "profile") as page:
        yield page, out


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_rekap_pages_meet_the_public_pages_bar(
    rekap: tuple[Page, Path], name: str, width: int, tmp_path: Path
) -> None:
    page, out = rekap
    page.width(width)
    page.open((out / name).as_uri())
    assert serious(page.axe()) == []
    assert page.narrow_cells() == []
    assert page.overflow_x() == 0  # the wide table scrolls inside its own (focusable) frame
    assert page.eval("document.querySelector('.gulir').tabIndex") == 0
    # Scrolled sideways, the row's key (the item's ID, the satker's code) stays in sight.
    key = "thead th.id" if "Daftar" in name else "thead th:first-child"
    frame = page.eval("document.querySelector('.gulir').getBoundingClientRect().left")
    page.eval("document.querySelector('.gulir').scrollLeft = 400")
    page.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", wait=True)
    scrolled = page.eval("document.querySelector('.gulir').scrollLeft")
    assert scrolled > 100 or width == DESKTOP  # a phone always scrolls the wide table
    if scrolled:
        left = page.eval(f"document.querySelector({key!r}).getBoundingClientRect().left")
        assert abs(left - frame) <= 1, (left, frame)
    page.eval("document.querySelector('.gulir').scrollLeft = 0")
    # On paper the whole table fits the page (a scrolling frame would cut it): the last
    # column's heading and values are printed, and the page is landscape.
    from pypdf import PdfReader

    pdf = PdfReader(
        io.BytesIO(base64.b64decode(page.call("Page.printToPDF", preferCSSPageSize=True)["data"]))
    )
    text = " ".join(p.extract_text() for p in pdf.pages)
    last = ("Tanggal", "2026-03-14") if "Daftar" in name else ("Sumber", "kiriman")
    assert all(word in text for word in last), text[-300:]
    box = pdf.pages[0].mediabox
    assert box.width > box.height
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(folder / f"{Path(name).stem}-{width}.png")
