"""Daftar Informasi Publik and the exemption list: contents, safety, layout, determinism."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docs_util import TODAY, TRICKY, fixture_register, item, tricky_register, xlsx_text
from openpyxl import load_workbook

from ppid_batch.documents import register_list as publish
from ppid_batch.documents.register_list import CHANGES_SHEET, write_exemptions, write_register

NAMES = [
    "Daftar-Informasi-Publik-2025.xlsx",
    "Daftar-Informasi-Publik-2025.html",
    "Daftar-Informasi-Publik-2025.csv",
    "Daftar-Informasi-Publik-2025.json",
    "Daftar-Usulan-Informasi-Dikecualikan-2025.xlsx",
    "Daftar-Informasi-Publik-2025.datapackage.json",
]


@pytest.fixture
def written(config, tmp_path: Path) -> list[Path]:
    return write_register(fixture_register(), 2025, config, tmp_path / "register", today=TODAY)


def _cells(path: Path, sheet: int = 0) -> list[list[object]]:
    ws = load_workbook(path).worksheets[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_writes_the_six_files_in_order(written: list[Path]) -> None:
    assert [p.name for p in written] == NAMES
    assert all(p.parent.name == "register" for p in written)


def test_golden_dumps(written: list[Path], golden) -> None:
    golden("register/Daftar-Informasi-Publik-2025.xlsx.txt", xlsx_text(written[0]))
    golden("register/Daftar-Informasi-Publik-2025.html", written[1].read_text(encoding="utf-8"))
    golden("register/Daftar-Informasi-Publik-2025.csv", written[2].read_text(encoding="utf-8"))
    golden("register/Daftar-Informasi-Publik-2025.json", written[3].read_text(encoding="utf-8"))
    golden("register/Daftar-Usulan-Informasi-Dikecualikan-2025.xlsx.txt", xlsx_text(written[4]))
    golden(
        "register/Daftar-Informasi-Publik-2025.datapackage.json",
        written[5].read_text(encoding="utf-8"),
    )


def test_only_approved_public_items_are_published(written: list[Path]) -> None:
    data = json.loads(written[3].read_text(encoding="utf-8"))
    ids = [i["id"] for g in data["kelompok"] for i in g["informasi"]]
    # 5 is Dikecualikan, 6 pending, 7 refused.
    assert ids == ["DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003", "DIP-2025-0004"]
    csv_ids = [row[2] for row in _csv_rows(written[2])[1:]]
    assert csv_ids == ids
    xlsx_ids = [row[1] for row in _cells(written[0]) if str(row[1] or "").startswith("DIP-")]
    assert xlsx_ids == ids
    exempt = [row[1] for row in _cells(written[4]) if str(row[1] or "").startswith("DIP-")]
    assert exempt == ["DIP-2025-0005"]


def test_three_statutory_headings_even_when_a_group_is_empty(config, tmp_path: Path) -> None:
    paths = write_register([item(1)], 2025, config, tmp_path, today=TODAY)
    column_a = [row[0] for row in _cells(paths[0])]
    assert column_a[8:14] == [
        "A. Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala",
        1,
        "B. Informasi yang Wajib Diumumkan Secara Serta Merta",
        "Belum ada informasi.",
        "C. Informasi yang Wajib Tersedia Setiap Saat",
        "Belum ada informasi.",
    ]
    data = json.loads(paths[3].read_text(encoding="utf-8"))
    assert [(g["jenis"], g["jumlah"]) for g in data["kelompok"]] == [
        ("Berkala", 1),
        ("Serta Merta", 0),
        ("Setiap Saat", 0),
    ]


def test_waktu_keeps_its_precision_in_every_format(written: list[Path]) -> None:
    data = json.loads(written[3].read_text(encoding="utf-8"))
    got = [
        (i["waktu_pembuatan"], i["waktu_pembuatan_presisi"], i["waktu_pembuatan_teks"])
        for g in data["kelompok"]
        for i in g["informasi"]
    ]
    assert got == [
        ("2025-04-15", "hari", "15 April 2025"),
        ("2024", "tahun", "2024"),
        ("2025-02", "bulan", "Februari 2025"),
        ("2025-03-03", "hari", "3 Maret 2025"),
    ]
    column_f = [r[5] for r in _cells(written[0]) if str(r[1] or "").startswith("DIP-")]
    assert column_f == [
        "Mesuji, 15 April 2025",
        "Mesuji, 2024",
        "Mesuji, Februari 2025",
        "Mesuji, 3 Maret 2025",
    ]


def test_signature_block_names_the_ppid_with_a_spaced_nip(written: list[Path]) -> None:
    values = [v for row in _cells(written[0]) for v in row if isinstance(v, str)]
    tail = values[-4:]
    assert tail == [
        "Mesuji, 26 November 2025",
        "Sekretaris KPU Kabupaten Mesuji selaku PPID,",
        "NAMA PPID (ganti)",
        "NIP. 19860926 201505 1 001",
    ]


def test_print_setup_is_a4_landscape_with_repeated_header(written: list[Path]) -> None:
    ws = load_workbook(written[0]).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$7:$8"
    assert ws.freeze_panes == "A9"
    header = ws["C7"]
    assert header.font.b and header.alignment.wrap_text and header.border.left.style == "thin"


class _Text(HTMLParser):
    """The value in each <td> of the register table, without its card label."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in_td = self._in_label = False
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._in_td = True
            self.cells.append("")
        elif tag == "span" and ("class", "label") in attrs:
            self._in_label = True
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td = False
        elif tag == "span":
            self._in_label = False

    def handle_data(self, data):
        if self._in_td and not self._in_label:
            self.cells[-1] += data


def test_tricky_text_survives_intact_and_inert_in_every_format(config, tmp_path: Path) -> None:
    paths = write_register(tricky_register(), 2025, config, tmp_path, today=TODAY)
    xlsx, html, csv_path, json_path, exempt, _ = paths

    # xlsx: stored as a string, never as a formula, in both workbooks.
    for book, cell in ((xlsx, "C10"), (exempt, "D9")):
        ws = load_workbook(book).worksheets[0]
        assert (ws[cell].value, ws[cell].data_type) == (TRICKY, "s")
        with zipfile.ZipFile(book) as z:
            assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    ws = load_workbook(exempt).worksheets[0]
    assert (ws["G9"].value, ws["G9"].data_type) == ("=1+1", "s")

    # html: escaped markup, only our own script, the text reads back exactly.
    page = html.read_text(encoding="utf-8")
    assert "<script>window" not in page and "<b>" not in page
    parser = _Text()
    parser.feed(page)
    assert TRICKY in parser.cells and "+Unit & <Co>" in parser.cells
    assert parser.scripts == 1

    # csv: OWASP prefix on every cell a spreadsheet would evaluate; otherwise intact.
    rows = _csv_rows(csv_path)
    assert rows[1][3] == "'" + TRICKY
    assert rows[1][4] == "'+Unit & <Co>"
    assert rows[1][10] == "'@lokasi rak 1"
    assert rows[2][3] == '\'-5 Tahun "laporan" & <i>miring</i>'
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")

    # json: the exact text, typed.
    data = json.loads(json_path.read_text(encoding="utf-8"))
    first = data["kelompok"][0]["informasi"][0]
    assert (first["ringkasan"], first["penguasa"], first["tautan"]) == (
        TRICKY,
        "+Unit & <Co>",
        "@lokasi rak 1",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+62", "'+62"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("Laporan = 5", "Laporan = 5"),
        ("", ""),
    ],
)
def test_inert(text: str, expected: str) -> None:
    assert publish.inert(text) == expected


def test_only_web_links_become_hyperlinks(config, tmp_path: Path) -> None:
    items = [
        item(1, tautan="https://jdih.kpu.go.id/a"),
        item(2, tautan="javascript:alert(1)"),
        item(3, tautan="Lemari Arsip, Rak 2"),
    ]
    xlsx, html = write_register(items, 2025, config, tmp_path, today=TODAY)[:2]
    ws = load_workbook(xlsx).worksheets[0]
    links = {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink}
    assert links == {"I10": "https://jdih.kpu.go.id/a"}
    page = html.read_text(encoding="utf-8")
    assert page.count("<a href=") == 1
    assert '<a href="https://jdih.kpu.go.id/a"' in page


def test_hyperlinks_past_excels_limit_are_written_as_text(
    config, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(publish, "MAX_LINKS", 1)
    items = [item(n, tautan=f"https://contoh.go.id/{n}") for n in (1, 2)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xlsx = write_register(items, 2025, config, tmp_path, today=TODAY)[0]
    ws = load_workbook(xlsx).worksheets[0]
    assert ws["I10"].hyperlink is not None
    assert ws["I11"].hyperlink is None and ws["I11"].value == "https://contoh.go.id/2"


def test_same_register_gives_byte_identical_files(config, tmp_path: Path) -> None:
    first = write_register(fixture_register(), 2025, config, tmp_path / "a", today=TODAY)
    shuffled = list(reversed(fixture_register()))
    old_umask = os.umask(0o077)  # the workbooks are streamed through files: not their modes
    try:
        again = write_register(shuffled, 2025, config, tmp_path / "b", today=TODAY)
    finally:
        os.umask(old_umask)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    # The sheets' spool folders beside the files are gone.
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in first)
    for book in (first[0], first[4]):
        with zipfile.ZipFile(book) as z:
            # xlsxwriter's fixed date for a workbook streamed through files
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 31, 0, 0, 0)}
            core = z.read("docProps/core.xml").decode()
        assert '<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-26T00:00:00Z' in core


@pytest.mark.slow
def test_changes_hook_adds_the_riwayat_sheet(config, tmp_path: Path) -> None:
    changes = [
        {"tanggal": TODAY, "id": "DIP-2025-0001", "kolom": "ringkasan", "baru": "=X"},
        {"tanggal": TODAY, "id": "DIP-2025-0002", "catatan": "dicabut"},
    ]
    xlsx = write_register(fixture_register(), 2025, config, tmp_path, today=TODAY, changes=changes)
    wb = load_workbook(xlsx[0])
    assert wb.sheetnames == ["Daftar Informasi Publik", CHANGES_SHEET]
    assert _cells(xlsx[0], 1) == [
        ["tanggal", "id", "kolom", "baru", "catatan"],
        ["26 November 2025", "DIP-2025-0001", "ringkasan", "=X", None],
        ["26 November 2025", "DIP-2025-0002", None, None, "dicabut"],
    ]
    without = write_register(fixture_register(), 2025, config, tmp_path / "b", today=TODAY)
    assert load_workbook(without[0]).sheetnames == ["Daftar Informasi Publik"]


def test_exemption_list_has_an_empty_decision_column(config, tmp_path: Path) -> None:
    path = write_exemptions(fixture_register(), 2025, config, tmp_path, today=TODAY)
    rows = _cells(path)
    assert rows[6][-1] == "Keputusan Uji Konsekuensi"
    (row,) = [r for r in rows if r[1] == "DIP-2025-0005"]
    assert row[6:] == [
        "Pasal 17 huruf h UU 14/2008",
        "Membuka rahasia pribadi pemilih",
        None,  # jangka waktu pengecualian: not given on this item
        None,  # pertimbangan kepentingan publik
        None,  # no exemption KPU RI set is configured
        None,  # Keputusan Uji Konsekuensi, filled after the uji konsekuensi
    ]


def test_the_office_may_bring_its_own_page_template(config, tmp_path: Path) -> None:
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / "daftar-informasi-publik.html.j2").write_text(
        "{{ kantor.singkatan }} {{ tahun }}:{% for g in kelompok %} {{ g.jenis }}="
        "{{ g.rows|length }}{% endfor %}\n",
        encoding="utf-8",
    )
    own = dataclasses.replace(config, templates_dir=folder)
    html = write_register(fixture_register(), 2025, own, tmp_path / "out", today=TODAY)[1]
    assert html.read_text(encoding="utf-8") == (
        "KPU Kabupaten Mesuji 2025: Berkala=2 Serta Merta=1 Setiap Saat=1\n"
    )


def test_rows_grow_with_their_text(config, tmp_path: Path) -> None:
    long = "Laporan " * 40  # 320 characters in a 45-character column
    short = item(2, ringkasan="Pendek", penanggung_jawab="Kasubbag Hukum", bentuk="Softcopy")
    xlsx = write_register([item(1, ringkasan=long), short], 2025, config, tmp_path, today=TODAY)
    ws = load_workbook(xlsx[0]).worksheets[0]
    assert ws.row_dimensions[10].height >= 12.75 * 7
    assert ws.row_dimensions[11].height is None  # one line: Excel's own height


def test_json_is_exactly_what_jsons_own_indenting_writes(config, tmp_path: Path) -> None:
    """The quick encoder of the DIP's json writes json.dumps(indent=2)'s very text: on
    tricky texts (quotes, line breaks, markup, non-Latin script), empty headings and fields."""
    paths = write_register(tricky_register(), 2025, config, tmp_path, today=TODAY)
    text = next(p for p in paths if p.name.endswith("2025.json")).read_text(encoding="utf-8")
    doc = json.loads(text)
    assert text == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert any(not g["informasi"] for g in doc["kelompok"])  # an empty heading: "[]"
    shown = [r for g in doc["kelompok"] for r in g["informasi"]]
    assert any(v is None for r in shown for v in r.values())
    assert any(r["ringkasan"] == TRICKY for r in shown)


def test_indented_json_matches_json_on_any_shape() -> None:
    shapes = [{}, [], (1, 2), {"a": [], "b": {}, "c": (1,)}, {1: "x", "y": [1, {"z": None}]},
              [{"a": 1.5, "b": True, "c": "é \"q\"\n</script>\u2028"}], "s", 3, None]  # fmt: skip
    for shape in shapes:
        assert publish.indented_json(shape) == json.dumps(shape, ensure_ascii=False, indent=2)
