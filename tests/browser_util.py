"""Headless Chromium over the DevTools protocol: open a page at a width, run axe-core, measure.

Shared by the tests of every HTML page ppid-batch writes (the public Daftar Informasi Publik,
the morning summary). Needs /usr/bin/chromium (CI installs the Debian package) and
websocket-client; axe-core is vendored in tests/vendor/axe-core (MPL-2.0).
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-port=0",
]  # fmt: skip
PHONE, DESKTOP = 375, 1280


def wait_for(check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Page:
    """Just enough of the DevTools protocol: evaluate JavaScript, type, resize, take pictures."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
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
            if "method" in message:
                self.events.append(message)

    def eval(self, expression: str, *, wait: bool = False) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=wait
        )
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def type(self, selector: str, text: str) -> None:
        self.eval(f"document.querySelector({json.dumps(selector)}).focus()")
        for ch in text:  # one keystroke at a time, as a person types
            self.call("Input.insertText", text=ch)

    def key(self, key: str, code: str, keycode: int) -> None:
        """One press of a named key (Tab, Escape, …) as the keyboard sends it."""
        for kind in ("rawKeyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=keycode,
            )

    def open(self, url: str, ready: str = "document.readyState === 'complete'") -> None:
        """Navigate and wait until that very page has loaded and `ready` holds."""
        self.call("Page.navigate", url=url)

        def loaded() -> bool:
            try:  # the context may be replaced mid-navigation; ask again
                return bool(self.eval(f"document.URL === {json.dumps(url)} && ({ready})"))
            except AssertionError:
                return False

        wait_for(loaded, url)

    def width(self, px: int, height: int = 800) -> None:
        """Lay the page out as a screen `px` CSS pixels wide (a phone at 375)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=px,
            height=height,
            deviceScaleFactor=1,
            mobile=px < 800,
        )
        self.eval(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))", wait=True
        )

    def screenshot(self, path: Path) -> Path:
        """The whole page, top to bottom, as a PNG."""
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the page as it is laid out now (WCAG 2.x A and AA)."""
        if not self.eval("typeof window.axe === 'object'"):
            # Through the protocol, not a <script>: the page's own CSP stays as served.
            self.eval(AXE.read_text(encoding="utf-8"))
        results = self.eval(
            "axe.run(document, {runOnly: {type: 'tag', values:"
            " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
            wait=True,
        )
        return list(results)

    def narrow_cells(self) -> list[str]:
        """Table cells narrower than a word they hold (a word broken across lines).

        Each word of a visible cell is measured in the cell's own font; a web address
        may break anywhere and is left out, as are words longer than 30 letters.
        """
        return self.eval(
            """(() => {
              const ctx = document.createElement('canvas').getContext('2d');
              const bad = [];
              for (const cell of document.querySelectorAll('td, th')) {
                if (cell.offsetParent === null) continue;
                const style = getComputedStyle(cell);
                ctx.font = style.font;
                const inner = cell.clientWidth - parseFloat(style.paddingLeft)
                  - parseFloat(style.paddingRight);
                const words = cell.innerText.split(/\\s+/)
                  .filter(w => w && w.length <= 30 && !/^https?:/.test(w));
                for (const w of words) {
                  if (ctx.measureText(w).width > inner + 1) {
                    bad.push(w + ' in ' + cell.tagName + ' ' + Math.round(inner) + 'px');
                    break;
                  }
                }
                if (cell.scrollWidth > cell.clientWidth + 1) bad.push('spill: ' + cell.innerText);
              }
              return bad;
            })()"""
        )

    def overflow_x(self) -> int:
        """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
        return self.eval("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")

    def requests(self) -> list[str]:
        """URLs the page asked for since Network.enable, other than itself and data: URLs."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        self.ws.close()


@contextmanager
def chromium(profile: Path) -> Iterator[Page]:
    """A headless Chromium with one blank tab, closed afterwards."""
    proc = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        port = wait_for(
            lambda: port_file.is_file() and port_file.read_text().split()[:1], "port", timeout=90.0
        )
        base = f"http://127.0.0.1:{port[0]}"

        def page_target() -> dict[str, Any] | None:
            # a browser still starting on a loaded machine may accept the connection and
            # answer late: that is "not yet", asked again until the deadline
            try:
                with urllib.request.urlopen(f"{base}/json/list", timeout=5) as resp:
                    targets = json.load(resp)
            except OSError:
                return None
            pages = [t for t in targets if t["type"] == "page"]
            return pages[0] if pages else None

        target = wait_for(page_target, "the page", timeout=90.0)
        page = Page(target["webSocketDebuggerUrl"])
        try:
            yield page
        finally:
            page.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]
