"""Acceptance: another KPU office runs the demo cycle from configuration alone, and every Word
document it produces prints as a signable letter (LibreOffice: page numbers, signature)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import struct
import subprocess
import unicodedata
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docs_util import PDFTOTEXT, SOFFICE, docx_text, printed_pages
from python_calamine import CalamineWorkbook

from ppid_batch.batch.demo import (
    DECIDED_ON,
    EXAMPLES,
    FILLED_NAME,
    NIGHT_1,
    NIGHT_2,
    fill_approval_sheet,
)
from ppid_batch.batch.outputs import APPROVAL_DIR
from ppid_batch.batch.pipeline import run
from ppid_batch.cli import cli
from ppid_batch.config_file import load_config

pytestmark = pytest.mark.slow

# The sample office's words, which must not reach another office's outputs.
FOREIGN = re.compile(r"mesuji|lampung|simpang pematang|\b1811\b", re.IGNORECASE)
# Another office's words for the example forms' contents.
RENAMES = [
    ("Kabupaten Mesuji", "Kota Bandung"),
    ("Kab. Mesuji", "Kota Bandung"),
    ("KPU Mesuji", "KPU Kota Bandung"),
    ("Bupati dan Wakil Bupati", "Wali Kota dan Wakil Wali Kota"),
    ("Mesuji", "Bandung"),
    ("Lampung", "Jawa Barat"),
    ("Simpang Pematang", "Sumur Bandung"),
    ("1811", "3273"),
]
PPID = "Rina Kartika"
ADDRESS = "Jalan Sukarno-Hatta Nomor 1, Kota Bandung"
ATASAN = "Dedi Permana"


def _bandung(text: str) -> str:
    for old, new in RENAMES:
        text = re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
    return text


def _forms_of_another_office(target: Path) -> None:
    """The bundled example forms, as KPU Kota Bandung's units would have filled them."""
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(EXAMPLES.glob("*.xlsx")):
        wb = openpyxl.load_workbook(source)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and FOREIGN.search(cell.value):
                        cell.value = _bandung(cell.value)
        wb.save(target / source.name)


def _png(path: Path) -> Path:
    """A small red square: the office logo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * 32 for _ in range(32))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def _configure(ws: Path) -> None:
    """What a new office edits after `init`: its names, officers without NIP, its words."""
    path = ws / "ppid.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^nip = ".*"\n', "", text, flags=re.MULTILINE)  # commissioners: no NIP
    for old, new in [
        ('"ALAMAT KANTOR (ganti)"', f'"{ADDRESS}"'),
        ('telepon = ""', 'telepon = "(022) 7271234"'),
        ('"NAMA PPID (ganti)"', f'"{PPID}"'),
        ('"NAMA ATASAN PPID (ganti)"', f'"{ATASAN}"'),
        ('bentuk = "softcopy_hardcopy"', 'bentuk = "cetak_rekam_online"'),
        (
            'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"',
            'pola_nomor = "{urut}/{kka}-ND/{kode_wilayah}/{kode_unit}/{bulan_romawi}/{tahun}"',
        ),
        ('laman = ""', 'laman = ""\nlogo = "logo.png"'),
        (
            "[kosakata]",
            '[nota_dinas.kode_unit]\n"Keuangan, Umum dan Logistik" = "KUL"\n\n[kosakata]',
        ),
        (  # the PPID Pelaksana of one unit, without NIP: its Nota Dinas goes to them
            "[nota_dinas]",
            '[[pejabat]]\nperan = "ppid_pelaksana"\nunit = "Keuangan, Umum dan Logistik"\n'
            'nama = "Sri Wahyuni"\n'
            'jabatan = "Kepala Subbagian Keuangan, Umum dan Logistik selaku PPID Pelaksana"\n\n'
            "[nota_dinas]",
        ),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    _png(ws / "logo.png")


def _all_text(ws: Path) -> dict[str, str]:
    """Every output staff could read, as text: docx, xlsx cells, html, csv, json."""
    found = {}
    for path in sorted((ws / "output").rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(ws))
        if path.suffix == ".docx":
            found[name] = docx_text(path.read_bytes())
            with zipfile.ZipFile(path) as z:
                found[name] += "".join(
                    z.read(n).decode("utf-8") for n in z.namelist() if "header" in n
                )
        elif path.suffix == ".xlsx":
            book = CalamineWorkbook.from_path(str(path))
            found[name] = "\n".join(
                str(v)
                for sheet in book.sheet_names
                for row in book.get_sheet_by_name(sheet).to_python()
                for v in row
            )
        elif path.suffix in {".html", ".csv", ".json", ".txt"}:
            found[name] = path.read_text(encoding="utf-8")
    return found


@pytest.fixture(scope="module")
def bandung(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bandung")
    result = CliRunner().invoke(
        cli, ["init", str(root / "ws"), "--satker", "KPU Kota Bandung", "--kode-wilayah", "3273"]
    )
    assert result.exit_code == 0, result.output
    ws = root / "ws"
    _configure(ws)
    _forms_of_another_office(ws / "input")
    config = dataclasses.replace(load_config(ws), settle_seconds=0)
    run(config, now=NIGHT_1)
    sheets = sorted((config.output_dir / APPROVAL_DIR).glob("*.xlsx"))
    approved, refused = fill_approval_sheet(
        sheets[-1],
        config.input_dir / FILLED_NAME,
        atasan=config.signer("atasan_ppid", DECIDED_ON).nama,
        day=DECIDED_ON,
    )
    assert approved and refused
    report = run(config, now=NIGHT_2)
    assert report.counts["disetujui_malam_ini"] == len(approved)
    return ws


def test_no_output_mentions_the_sample_office(bandung: Path) -> None:
    texts = _all_text(bandung)
    assert any(name.endswith(".docx") for name in texts)
    assert any(name.startswith("output/nota-dinas/") for name in texts)
    leaks = {
        name: sorted(set(FOREIGN.findall(text)))
        for name, text in texts.items()
        if FOREIGN.search(text)
    }
    assert leaks == {}
    # nor the help texts, nor the blank form the office hands out
    for args in (["--help"], *[[name, "--help"] for name in cli.commands]):
        assert not FOREIGN.search(CliRunner().invoke(cli, args).output), args
    form = bandung / "Form.xlsx"
    assert CliRunner().invoke(cli, ["form", "-w", str(bandung), "-o", str(form)]).exit_code == 0
    book = CalamineWorkbook.from_path(str(form))
    cells = [v for s in book.sheet_names for r in book.get_sheet_by_name(s).to_python() for v in r]
    assert not any(isinstance(v, str) and FOREIGN.search(v) for v in cells)
    assert "Bandung" in cells  # the example place is the office's own


def test_the_offices_names_words_and_numbers_are_used(bandung: Path) -> None:
    texts = _all_text(bandung)
    nota = [t for n, t in texts.items() if n.startswith("output/nota-dinas/")]
    assert all("KOMISI PEMILIHAN UMUM KOTA BANDUNG" in t for t in nota)
    keuangan = next(t for n, t in texts.items() if "keuangan" in n and n.endswith(".docx"))
    assert re.search(r"NOMOR \d+/HM\.02-ND/3273/KUL/XI/2026", keuangan)
    assert "| Yth. | : | Kepala Subbagian Keuangan, Umum dan Logistik selaku PPID Pelaksana |" in (
        keuangan.splitlines()
    )
    assert all("NIP." not in t for t in nota)  # officers without NIP: no empty NIP line
    assert all(PPID in t for t in nota)
    disposisi = [t for n, t in texts.items() if n.startswith("output/disposisi/")]
    assert disposisi and all(ATASAN in t and "SHA-256" not in t for t in disposisi)
    assert all("Ketua KPU Kota Bandung selaku Atasan PPID," in t for t in disposisi)
    runs = sorted((bandung / "output" / "runs").glob("*/run.json"))
    assert all(i["sha256"] for r in runs for i in json.loads(r.read_text())["inputs"])
    # Cetak / Rekam / Online: the units' Softcopy/Hardcopy read as the office's words
    dip = texts["output/register/Daftar-Informasi-Publik-2026.csv"]
    assert "Softcopy" not in dip and "Hardcopy" not in dip
    assert "Online" in dip and "Cetak" in dip
    # the logo in every Word document's kop
    for path in (bandung / "output").rglob("*.docx"):
        with zipfile.ZipFile(path) as z:
            assert any(n.startswith("word/media/") for n in z.namelist()), path.name
    # the placeholders were replaced: the summary asks for nothing about ppid.toml
    summary = next((bandung / "output" / "runs").glob("*/ringkasan.html")).read_text()
    assert "isian contoh" not in summary


def _lines(pages: list[str]) -> list[list[str]]:
    """Each printed page as its non-blank lines, runs of spaces folded."""
    return [
        [" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in pages
    ]


@pytest.fixture(scope="module")
def printed(bandung: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[str]]:
    """Every Word document of the office's cycle, printed by LibreOffice: its pages' text."""
    if not (SOFFICE and PDFTOTEXT):
        pytest.skip("LibreOffice and pdftotext needed")
    documents = sorted((bandung / "output").rglob("*.docx"))
    kinds = {p.parent.name for p in documents}
    assert {"nota-dinas", "disposisi", "laporan", "keputusan"} <= kinds
    pages = printed_pages(documents, tmp_path_factory.mktemp("printed"))
    return dict(zip(documents, pages, strict=True))


ITEM_ID = re.compile(r"DIP-\d{4}-\d{4}")


def _words(text: str) -> Counter[str]:
    """The words of a text; a word may break at its hyphen (Sukarno-/Hatta), an ID may not."""
    words: Counter[str] = Counter()
    for token in unicodedata.normalize("NFKC", text).split():
        token = token.strip(".,;:()[]\"'")
        parts = [token] if ITEM_ID.fullmatch(token) else token.split("-")
        words.update(p for p in parts if len(p) >= 3)
    return words


def _arial_metrics() -> bool:
    """Word sets the templates in Arial; LibreOffice measures them as Arial only with Arial
    or its metric twin Liberation Sans (.ci/run installs fonts-liberation2)."""
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return False
    font = subprocess.run([fc_match, "Arial"], capture_output=True, text=True).stdout
    return "Liberation Sans" in font or "Arial" in font


@pytest.mark.skipif(not _arial_metrics(), reason="Arial or Liberation Sans needed")
def test_every_word_prints_whole(printed: dict[Path, list[str]]) -> None:
    """No column so narrow that a word (or an item's ID) breaks inside itself on paper
    ("Penyimpana/n", "Informas/i"): each word of the document shows whole in its PDF."""
    broken = {}
    for doc, pages in printed.items():
        shown = _words("\n".join(pages))
        body = docx_text(doc.read_bytes()).split("\n[props]")[0]  # the text, not metadata
        lost = sorted(w for w, n in _words(body).items() if shown[w] < n)
        if lost:
            broken[doc.name] = lost
    assert broken == {}, json.dumps(broken, indent=1)


# The heading of a section that lists items: the Nota Dinas lampiran's lists, a jenis row of
# the Keputusan's Lampiran I, its Lampiran II, the Disposisi's lists, the report's history.
SECTION = re.compile(
    r"^(?:[AB]\. Daftar (?:Informasi Publik|Usulan)|Arahan Atasan PPID atas"
    r"|[ABC] +Informasi yang Wajib|PERUBAHAN DAFTAR|I\. Riwayat Perubahan"
    r"|Informasi yang (?:tidak )?disetujui(?: beserta arahan)?$|Permintaan perubahan)"
)


@pytest.mark.skipif(not _arial_metrics(), reason="Arial or Liberation Sans needed")
def test_no_heading_ends_a_page_without_its_first_row(printed: dict[Path, list[str]]) -> None:
    """A section heading (and its table's column headings) share a page with the section's
    first item: never a heading, or a table header with no row under it, at a page foot."""
    alone = []
    for doc, pages in printed.items():
        for number, lines in enumerate(_lines(pages), 1):
            starts = [i for i, line in enumerate(lines) if SECTION.match(line)]
            if starts and not any(ITEM_ID.search(line) for line in lines[starts[-1] :]):
                after = lines[starts[-1] :]
                if not any(re.search(r"\bTidak ada\b|\bBelum ada\b", x) for x in after):
                    alone.append((doc.name, number, lines[starts[-1]]))
    assert alone == []


def test_every_document_prints_with_page_numbers_and_whole_signatures(
    printed: dict[Path, list[str]],
) -> None:
    for doc, printed_doc in printed.items():
        pages = _lines(printed_doc)
        assert len(pages) >= 2, doc.name  # long enough to test numbering
        assert not re.fullmatch(r"- ?\d+ ?-", pages[0][0]), doc.name  # page 1: the kop
        assert "KOMISI PEMILIHAN UMUM KOTA BANDUNG" in pages[0][:3], doc.name
        assert ADDRESS in pages[0][:4], doc.name
        for number, lines in enumerate(pages[1:], 2):
            assert lines[0] in (f"- {number} -", f"-{number}-"), (doc.name, number, lines[0])
            assert ADDRESS not in lines, (doc.name, number)  # the kop: page 1 only
        signer = ATASAN if doc.parent.name == "disposisi" else PPID
        for number, lines in enumerate(pages, 1):
            if signer not in lines:
                continue
            # the jabatan and the name on one page, with the document's text above them
            at = lines.index(signer)
            above = [
                line
                for line in lines[1 if number > 1 else 0 : at]
                if "selaku" not in line and "PPID," not in line and "Bandung, " not in line
            ]
            assert above, (doc.name, number, lines)
            assert any("selaku" in line for line in lines[:at]), (doc.name, number)
