"""The published HTML page in a real headless Chromium: renders, filters, runs no item's script.

Drives Chromium through the DevTools protocol with websocket-client. Skipped only when
/usr/bin/chromium is absent (CI installs the Debian package).
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docs_util import TODAY, TRICKY, fixture_register, item

from ppid_batch.batch.workspace import init_workspace
from ppid_batch.config import load_config
from ppid_batch.documents.register_list import write_register

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0",
]  # fmt: skip
IMG = '<img src="x" onerror="window.__pwned=2">Foto kegiatan banjir'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


class Page:
    """Just enough of the DevTools protocol: evaluate JavaScript and type text."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=20, suppress_origin=True)
        self.next_id = 0
        self.home = self.big = ""

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(message["error"])
                return message["result"]

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def type(self, selector: str, text: str) -> None:
        self.eval(f"document.querySelector({json.dumps(selector)}).focus()")
        for ch in text:  # one keystroke at a time, as a person types
            self.call("Input.insertText", text=ch)

    def open(self, url: str) -> None:
        """Navigate and wait until that very page has loaded and run its script."""
        self.call("Page.navigate", url=url)
        _wait_for(lambda: self.eval("document.URL") == url and _loaded(self), url)

    def visible_ids(self) -> list[str]:
        return self.eval(
            "Array.from(document.querySelectorAll('tr.butir'))"
            ".filter(tr => tr.offsetParent !== null).map(tr => tr.cells[1].textContent)"
        )

    def close(self) -> None:
        self.ws.close()


def _wait_for(check, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _loaded(page: Page) -> bool:
    # The target may still show about:blank while the file loads: wait for our page.
    try:
        return page.eval(
            "document.readyState === 'complete' && document.getElementById('cari') !== null"
        )
    except AssertionError:  # the context was replaced mid-navigation; ask again
        return False


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    root = tmp_path_factory.mktemp("browser")
    ws = root / "ws"
    init_workspace(ws)
    items = [
        *fixture_register(),
        item(20, ringkasan=TRICKY, jenis="Setiap Saat"),
        item(21, ringkasan=IMG, jenis="Serta Merta"),
    ]
    html = write_register(items, 2025, load_config(ws), root / "out", today=TODAY)[1]
    big = [item(n, ringkasan=f"Dokumen kegiatan {n}") for n in range(1, 2101)]
    big_html = write_register(big, 2025, load_config(ws), root / "besar", today=TODAY)[1]
    profile = root / "profile"
    proc = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", html.as_uri()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        port = _wait_for(lambda: port_file.is_file() and port_file.read_text().split()[:1], "port")
        base = f"http://127.0.0.1:{port[0]}"

        def page_target():
            with urllib.request.urlopen(f"{base}/json/list", timeout=5) as resp:
                targets = json.load(resp)
            pages = [t for t in targets if t["type"] == "page" and t["url"].startswith("file:")]
            return pages[0] if pages else None

        target = _wait_for(page_target, "the page")
        p = Page(target["webSocketDebuggerUrl"])
        _wait_for(lambda: _loaded(p), "page load")
        p.home, p.big = html.as_uri(), big_html.as_uri()
        yield p
        p.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _reset(page: Page) -> None:
    page.eval(
        "(() => { const s = document.getElementById('cari'); s.value = '';"
        " s.dispatchEvent(new Event('input'));"
        " const j = document.getElementById('jenis'); j.value = '';"
        " j.dispatchEvent(new Event('change')); })()"
    )


ALL = [
    "DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003", "DIP-2025-0021",
    "DIP-2025-0004", "DIP-2025-0020",
]  # fmt: skip


def test_table_renders_with_headings_and_rows(page: Page) -> None:
    _reset(page)
    assert page.eval("document.title") == (
        "Daftar Informasi Publik Tahun 2025 – Komisi Pemilihan Umum Kabupaten Mesuji"
    )
    assert page.visible_ids() == ALL
    assert page.eval(
        "Array.from(document.querySelectorAll('tr.kelompok')).map(r => r.textContent)"
    ) == [
        "A. Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala",
        "B. Informasi yang Wajib Diumumkan Secara Serta Merta",
        "C. Informasi yang Wajib Tersedia Setiap Saat",
    ]
    assert page.eval("document.getElementById('jumlah').textContent") == "6 informasi"
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
    assert page.visible_ids() == ["DIP-2025-0003", "DIP-2025-0021"]
    assert page.eval("document.getElementById('jumlah').textContent") == (
        "Menampilkan 2 dari 6 informasi"
    )
    # Headings with nothing left under them are hidden too.
    assert page.eval(
        "Array.from(document.querySelectorAll('tbody[data-jenis]'))"
        ".filter(b => b.offsetParent !== null).map(b => b.dataset.jenis)"
    ) == ["Serta Merta"]
    page.type("#cari", " tidak-ada-yang-cocok")
    assert page.visible_ids() == []
    assert page.eval("document.getElementById('tidak-ada').offsetParent !== null") is True


def test_choosing_a_jenis_filters_rows(page: Page) -> None:
    _reset(page)
    page.eval(
        "(() => { const j = document.getElementById('jenis'); j.value = 'Setiap Saat';"
        " j.dispatchEvent(new Event('change')); })()"
    )
    assert page.visible_ids() == ["DIP-2025-0004", "DIP-2025-0020"]
    page.type("#cari", "prosedur")
    assert page.visible_ids() == ["DIP-2025-0004"]


def test_a_script_in_an_item_does_not_run_and_reads_as_text(page: Page) -> None:
    _reset(page)
    assert page.eval("typeof window.__pwned") == "undefined"
    assert page.eval("document.querySelectorAll('script').length") == 1
    assert page.eval("document.querySelectorAll('#daftar img, #daftar b').length") == 0
    cells = page.eval(
        "Array.from(document.querySelectorAll('tr.butir td:nth-child(3)')).map(c => c.textContent)"
    )
    assert TRICKY in cells and IMG in cells


def test_a_large_register_filters_once_typing_pauses(page: Page) -> None:
    page.open(page.big)
    try:
        assert page.eval("document.getElementById('jumlah').textContent") == "2100 informasi"
        page.type("#cari", "kegiatan 2099")
        # Past 2,000 rows the filter runs once typing pauses.
        _wait_for(
            lambda: (
                page.eval("document.getElementById('jumlah').textContent")
                == "Menampilkan 1 dari 2100 informasi"
            ),
            "the filter after the pause",
        )
        assert page.visible_ids() == ["DIP-2025-2099"]
    finally:
        page.open(page.home)
