"""The province's rekap pages in headless Chromium: axe-core at 375 and 1280 px, no word broken.

Built as test_ekspor_rekap builds them: three offices' export packages rolled up.
"""

from __future__ import annotations

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

    from ppid_batch.config import load_config
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
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(folder / f"{Path(name).stem}-{width}.png")
