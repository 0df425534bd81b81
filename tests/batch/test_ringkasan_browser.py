"""The morning summary page (ringkasan.html) in headless Chromium: phone and desktop, axe-core.

A busy night (every table filled, long file names, a seven-column change table) and a
quiet one. Set PPID_SCREENSHOTS to a folder to keep the pictures.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import CHROMIUM, DESKTOP, PHONE, Page, chromium, serious

from ppid_batch.batch.runrecord import (
    ACCEPTED,
    PARTIAL,
    QUIET,
    REJECTED,
    WAITING,
    InputResult,
    RunRecord,
    write_quiet_record,
    write_run_record,
)

SHOTS = os.environ.get("PPID_SCREENSHOTS")
STARTED = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _busy(ws: Path) -> Path:
    change = {
        "Tanggal": dt.date(2026, 11, 24),
        "Proses Malam": 2,
        "Perubahan": "Dipindahkan ke Daftar Usulan Informasi yang Dikecualikan",
        "ID Informasi": "DIP-2026-0012",
        "Unit Kerja": "Subbagian Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan"
        " Masyarakat",
        "Ringkasan Isi Informasi": "Rekapitulasi Pertanggungjawaban Penggunaan Dana Hibah",
        "Jenis Informasi": "Dikecualikan",
    }
    record = RunRecord(
        run_id="20261124-010000",
        version="0.1.0",
        started=STARTED,
        finished=STARTED + dt.timedelta(seconds=14),
        business_date=dt.date(2026, 11, 24),
        dry_run=False,
        exit_code=1,
        summary="Selesai: 2 berkas diterima, 1 diterima sebagian, 1 ditolak; 31 informasi baru.",
        inputs=(
            InputResult(
                name="Form-DIP-Subbagian-Keuangan-Umum-dan-Logistik-revisi-kedua.xlsx",
                sha256="ab" * 32,
                kind="form_dip",
                verdict=ACCEPTED,
                note="14 informasi baru",
                archived_to="input/arsip/2026-11-24/Form-DIP-Subbagian-Keuangan-Umum-dan-Logistik"
                "-revisi-kedua.xlsx",
            ),
            InputResult(
                name="Lembar-Persetujuan-2026-11-23.xlsx",
                sha256="ef" * 32,
                kind="persetujuan",
                verdict=PARTIAL,
                note="47 disetujui, 1 tidak disetujui, 0 belum diputus; 1 baris tidak dapat "
                "diterapkan",
            ),
            InputResult(
                name="Form-DIP-Hukum.xlsx",
                sha256="cd" * 32,
                kind="form_dip",
                verdict=REJECTED,
                note="Jenis Informasi harus salah satu dari: Berkala, Serta Merta, Setiap Saat",
                feedback="output/umpan-balik/Form-DIP-Hukum-koreksi.xlsx",
                errors=tuple(
                    {"sheet": "Form DIP", "cell": f"I{n}", "message": "Pilih dari daftar."}
                    for n in range(14, 18)
                ),
            ),
            InputResult(name="baru.xlsx", sha256=None, kind=None, verdict=WAITING),
        ),
        counts={"berkas_diterima": 2, "berkas_ditolak": 1, "menunggu_persetujuan": 14},
        changes=(change, {**change, "ID Informasi": "DIP-2026-0013"}),
        actions=(
            "Berkas Form-DIP-Hukum.xlsx ditolak: Jenis Informasi harus salah satu dari: Berkala, "
            "Serta Merta, Setiap Saat. Salinan koreksi: output/umpan-balik/Form-DIP-Hukum-"
            "koreksi.xlsx. Kembalikan ke pengirimnya.",
            "14 informasi menunggu persetujuan Atasan PPID: serahkan output/persetujuan/"
            "Lembar-Persetujuan-2026-11-24.xlsx, lalu taruh lembar yang sudah diisi di input/.",
        ),
        outputs=(
            "output/register/Daftar-Informasi-Publik-2026.xlsx",
            "output/persetujuan/Lembar-Persetujuan-2026-11-24.xlsx",
        ),
        durations={"baca": 1.2, "register": 0.5},
    )
    return write_run_record(record, ws / "output" / "runs", ws) / "ringkasan.html"


def _quiet(ws: Path) -> Path:
    runs = ws / "output" / "runs"
    _, run_dir = write_quiet_record(
        runs_dir=runs,
        workspace=ws,
        templates_dir=None,
        started=STARTED,
        when=dt.datetime(2026, 11, 25, 1, 0),
        version="0.1.0",
        summary=QUIET,
        inputs=(),
        counts={"berkas_menunggu": 0},
        actions=(),
    )
    return run_dir / "ringkasan.html"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, dict[str, str]]]:
    root = tmp_path_factory.mktemp("ringkasan")
    urls = {"sibuk": _busy(root / "ws").as_uri(), "tenang": _quiet(root / "ws").as_uri()}
    with chromium(root / "profile") as page:
        yield page, urls


@pytest.mark.parametrize("night", ["sibuk", "tenang"])
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_summary_page_reads_on_a_phone_and_a_desktop(
    pages: tuple[Page, dict[str, str]], night: str, width: int, tmp_path: Path
) -> None:
    page, urls = pages
    page.width(width)
    page.open(urls[night])
    assert serious(page.axe()) == []
    assert page.overflow_x() == 0
    assert page.narrow_cells() == []
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(folder / f"ringkasan-{night}-{width}.png")
    if night == "tenang":
        assert page.eval("document.querySelector('.verdict').textContent") == QUIET


def test_the_summary_prints_as_tables_even_from_a_phone(pages: tuple[Page, dict[str, str]]) -> None:
    """On paper the cards are tables again, with their headings, and every section is there,
    on A4."""
    import base64
    import io

    from pypdf import PdfReader

    page, urls = pages
    page.width(PHONE)
    page.open(urls["sibuk"])
    page.call("Emulation.setEmulatedMedia", media="print")
    try:
        assert page.eval("getComputedStyle(document.querySelector('thead')).display") == (
            "table-header-group"
        )
    finally:
        page.call("Emulation.setEmulatedMedia", media="")
    data = base64.b64decode(page.call("Page.printToPDF", preferCSSPageSize=True)["data"])
    pdf = PdfReader(io.BytesIO(data))
    texts = [p.extract_text() for p in pdf.pages]
    for words in ("Perlu tindakan", "Hasil", "Berkas masuk", "Keterangan", "Rincian", "ditolak"):
        assert words in " ".join(texts), words
    # A4, the office's paper; a section heading is on the page where its table starts
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [595, 842]
    (where,) = [t for t in texts if "Berkas masuk" in t]
    assert "Keterangan" in where
