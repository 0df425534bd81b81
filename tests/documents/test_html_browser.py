"""The published HTML page in a real headless Chromium: renders, filters, runs no item's script.

Drives Chromium through the DevTools protocol with websocket-client. Skipped only when
/usr/bin/chromium is absent (CI installs the Debian package).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, DESKTOP, PHONE, Page, chromium, serious, wait_for
from docs_util import TODAY, TRICKY, fixture_register, item

from ppid_batch.batch.workspace import init_workspace
from ppid_batch.config_file import load_config
from ppid_batch.documents.register_list import write_register

IMG = '<img src="x" onerror="window.__pwned=2">Foto kegiatan banjir'
# Set PPID_SCREENSHOTS to a folder to keep the pictures the layout tests take.
SHOTS = os.environ.get("PPID_SCREENSHOTS")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def visible_ids(page: Page) -> list[str]:
    # The ID cell holds its card label first, then the ID itself.
    return page.eval(
        "Array.from(document.querySelectorAll('tr.butir'))"
        ".filter(tr => tr.offsetParent !== null).map(tr => tr.cells[1].lastChild.textContent)"
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    root = tmp_path_factory.mktemp("browser")
    ws = root / "ws"
    init_workspace(ws)
    items = [
        *fixture_register(),
        item(20, ringkasan=TRICKY, jenis="Setiap Saat"),
        item(21, ringkasan=IMG, jenis="Serta Merta"),
        item(
            22,
            ringkasan="Rekapitulasi Pertanggungjawaban Penggunaan Dana Hibah Pemilihan Bupati",
            penguasa="Sekretariat KPU Kabupaten Mesuji",
            tautan="https://ppid.kpu.go.id/mesuji/dokumen/rekapitulasi-pertanggungjawaban"
            "-penggunaan-dana-hibah-pemilihan-2024.pdf",
        ),
    ]
    html = write_register(items, 2025, load_config(ws), root / "out", today=TODAY)[1]
    big = [item(n, ringkasan=f"Dokumen kegiatan {n}") for n in range(1, 2101)]
    big_html = write_register(big, 2025, load_config(ws), root / "besar", today=TODAY)[1]
    with chromium(root / "profile") as p:
        p.open(html.as_uri(), "document.getElementById('cari') !== null")
        p.home, p.big = html.as_uri(), big_html.as_uri()
        yield p


def _reset(page: Page) -> None:
    page.eval(
        "(() => { const s = document.getElementById('cari'); s.value = '';"
        " s.dispatchEvent(new Event('input'));"
        " const j = document.getElementById('jenis'); j.value = '';"
        " j.dispatchEvent(new Event('change')); })()"
    )


ALL = [
    "DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0022", "DIP-2025-0003", "DIP-2025-0021",
    "DIP-2025-0004", "DIP-2025-0020",
]  # fmt: skip


def test_table_renders_with_headings_and_rows(page: Page) -> None:
    _reset(page)
    assert page.eval("document.title") == (
        "Daftar Informasi Publik Tahun 2025 – Komisi Pemilihan Umum Kabupaten Mesuji"
    )
    assert visible_ids(page) == ALL
    assert page.eval(
        "Array.from(document.querySelectorAll('tr.kelompok')).map(r => r.textContent)"
    ) == [
        "A. Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala",
        "B. Informasi yang Wajib Diumumkan Secara Serta Merta",
        "C. Informasi yang Wajib Tersedia Setiap Saat",
    ]
    assert page.eval("document.getElementById('jumlah').textContent") == "7 informasi"
    # Rendered, not just present: the table has a real size on the page.
    assert page.eval("document.getElementById('daftar').getBoundingClientRect().height") > 200


def test_long_links_wrap_inside_their_cell(page: Page) -> None:
    """A long URL (or word, in a narrow window) must not spill over the next cell."""
    _reset(page)
    link = "https://jdih.kpu.go.id/lampung/mesuji/lra-2025-tw1"
    assert page.eval("document.querySelector('#daftar td a').textContent") == link
    spilled = page.eval(
        "Array.from(document.querySelectorAll('#daftar td, #daftar th'))"
        ".filter(td => td.scrollWidth > td.clientWidth).map(td => td.textContent)"
    )
    assert spilled == []


def test_typing_in_the_search_box_filters_rows(page: Page) -> None:
    _reset(page)
    page.type("#cari", "banjir")
    assert visible_ids(page) == ["DIP-2025-0003", "DIP-2025-0021"]
    assert page.eval("document.getElementById('jumlah').textContent") == (
        "Menampilkan 2 dari 7 informasi"
    )
    # Headings with nothing left under them are hidden too.
    assert page.eval(
        "Array.from(document.querySelectorAll('tbody[data-jenis]'))"
        ".filter(b => b.offsetParent !== null).map(b => b.dataset.jenis)"
    ) == ["Serta Merta"]
    page.type("#cari", " tidak-ada-yang-cocok")
    assert visible_ids(page) == []
    assert page.eval("document.getElementById('tidak-ada').offsetParent !== null") is True


def test_choosing_a_jenis_filters_rows(page: Page) -> None:
    _reset(page)
    page.eval(
        "(() => { const j = document.getElementById('jenis'); j.value = 'Setiap Saat';"
        " j.dispatchEvent(new Event('change')); })()"
    )
    assert visible_ids(page) == ["DIP-2025-0004", "DIP-2025-0020"]
    page.type("#cari", "prosedur")
    assert visible_ids(page) == ["DIP-2025-0004"]


def test_a_script_in_an_item_does_not_run_and_reads_as_text(page: Page) -> None:
    _reset(page)
    assert page.eval("typeof window.__pwned") == "undefined"
    assert page.eval("document.querySelectorAll('script').length") == 1
    assert page.eval("document.querySelectorAll('#daftar img, #daftar b').length") == 0
    cells = page.eval(
        "Array.from(document.querySelectorAll('tr.butir td:nth-child(3)'))"
        ".map(c => c.lastChild.textContent)"
    )
    assert TRICKY in cells and IMG in cells


def test_a_large_register_filters_once_typing_pauses(page: Page) -> None:
    page.open(page.big)
    try:
        assert page.eval("document.getElementById('jumlah').textContent") == "2100 informasi"
        page.type("#cari", "kegiatan 2099")
        # Past 2,000 rows the filter runs once typing pauses.
        wait_for(
            lambda: (
                page.eval("document.getElementById('jumlah').textContent")
                == "Menampilkan 1 dari 2100 informasi"
            ),
            "the filter after the pause",
        )
        assert visible_ids(page) == ["DIP-2025-2099"]
    finally:
        page.open(page.home)


def test_the_card_labels_are_not_searched(page: Page) -> None:
    """Every card repeats 'Ringkasan Isi Informasi': searching a label word finds no more."""
    _reset(page)
    page.type("#cari", "ringkasan")
    assert visible_ids(page) == []
    assert page.eval("document.getElementById('jumlah').textContent") == (
        "Tidak ada yang cocok dari 7 informasi"
    )


@pytest.mark.parametrize("width", [PHONE, 360, 800, DESKTOP])
def test_readable_at_every_width(page: Page, width: int, tmp_path: Path) -> None:
    """No sideways scrolling, no cell narrower than a word, the search box inside the screen."""
    _reset(page)
    page.width(width)
    try:
        assert page.overflow_x() == 0
        assert page.narrow_cells() == []
        box = page.eval(
            "(() => { const r = document.getElementById('cari').getBoundingClientRect();"
            " return [r.left, r.right, window.innerWidth]; })()"
        )
        assert 0 <= box[0] < box[1] <= box[2]
        cards = page.eval("getComputedStyle(document.querySelector('tr.butir')).display")
        # Phones get one card per item; a wide screen the office's table.
        assert cards == ("block" if width < 1024 else "table-row")
        folder = Path(SHOTS) if SHOTS else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        shot = page.screenshot(folder / f"dip-{width}.png")
        assert shot.stat().st_size > 10_000
    finally:
        page.width(DESKTOP)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_axe_finds_no_serious_violation(page: Page, width: int) -> None:
    _reset(page)
    page.width(width)
    try:
        violations = page.axe()
        assert serious(violations) == []
        # And once filtered down to nothing, with the message shown.
        page.type("#cari", "tidak-ada-yang-cocok")
        assert serious(page.axe()) == []
    finally:
        page.width(DESKTOP)


def test_search_by_keyboard_alone(page: Page) -> None:
    """Tab reaches the skip link, then the search box; Esc empties it; the count is announced."""
    page.open(page.home)
    page.key("Tab", "Tab", 9)
    assert page.eval("document.activeElement.textContent") == "Langsung ke daftar"
    page.key("Tab", "Tab", 9)
    assert page.eval("document.activeElement.id") == "cari"
    for ch in "prosedur":
        page.call("Input.insertText", text=ch)
    assert visible_ids(page) == ["DIP-2025-0004"]
    status = page.eval(
        "(() => { const s = document.getElementById('jumlah');"
        " return [s.getAttribute('role'), s.getAttribute('aria-live'), s.textContent]; })()"
    )
    assert status == ["status", "polite", "Menampilkan 1 dari 7 informasi"]
    page.key("Escape", "Escape", 27)
    assert page.eval("document.getElementById('cari').value") == ""
    assert len(visible_ids(page)) == 7
    page.key("Tab", "Tab", 9)
    assert page.eval("document.activeElement.id") == "jenis"
    # What a screen reader announces for the two controls: their visible labels.
    page.call("Accessibility.enable")
    names = {
        node["name"]["value"]
        for node in page.call("Accessibility.getFullAXTree")["nodes"]
        if node.get("role", {}).get("value") in ("searchbox", "combobox") and "name" in node
    }
    assert names == {"Cari informasi", "Jenis informasi"}


def test_the_page_asks_for_nothing_outside_itself(page: Page) -> None:
    """Served from an offline intranet too: no font, script or picture from elsewhere."""
    page.events.clear()
    page.call("Network.enable")
    try:
        page.open(page.home)
        asked = page.requests()
    finally:
        page.call("Network.disable")
    assert asked == [page.home]
    csp = page.eval(
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-")


def test_the_print_layout_is_the_table_without_the_tools(page: Page, tmp_path: Path) -> None:
    _reset(page)
    page.width(PHONE)  # printed from a phone, the paper still gets the table
    page.call("Emulation.setEmulatedMedia", media="print")
    try:
        shown = page.eval(
            "[getComputedStyle(document.getElementById('alat')).display,"
            " getComputedStyle(document.querySelector('tr.butir')).display,"
            " getComputedStyle(document.querySelector('thead')).display]"
        )
        assert shown == ["none", "table-row", "table-header-group"]
    finally:
        page.call("Emulation.setEmulatedMedia", media="")
        page.width(DESKTOP)
    pdf = page.call("Page.printToPDF", preferCSSPageSize=True)["data"]
    assert len(pdf) > 1000
