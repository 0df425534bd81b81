"""Reporting upward: `ekspor` packages that validate; `rekap` over packages and a shared DB."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from batch_util import LONG_AGO
from click.testing import CliRunner
from openpyxl import load_workbook
from pg_util import PgServer, point_workspace_at
from store_util import approval_report, form_report, item

from ppid_batch.approve.apply import apply_approval
from ppid_batch.batch.demo import run_demo
from ppid_batch.batch.workspace import init_workspace
from ppid_batch.cli import cli
from ppid_batch.config_file import load_config
from ppid_batch.register.items import register_form
from ppid_batch.reports.ekspor import office_snapshot, read_package
from ppid_batch.store.core import Store
from ppid_batch.store.offices import create_office
from ppid_batch.store.overview import last_keputusan, run_history

TODAY = "2026-12-01"
SANDI = "sandi-rahasia-kantor-123"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example cycle's workspace after both nights (SQLite)."""
    return run_demo(tmp_path_factory.mktemp("demo") / "demo").workspace


def _ekspor(ws: Path, out: Path, now: str = TODAY) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["ekspor", "-o", str(out), "--workspace", str(ws), "--now", now]
    )
    return result.exit_code, result.output


def _rekap(out: Path, *sources: str, tahun: str = "2026", now: str = TODAY) -> tuple[int, str]:
    args = [a for s in sources for a in ("--sumber", s)]
    result = CliRunner().invoke(
        cli, ["rekap", *args, "-o", str(out), "--tahun", tahun, "--now", now]
    )
    return result.exit_code, result.output


@pytest.mark.slow
def test_the_export_package_validates_and_reads_back_as_the_register(
    demo_ws: Path, tmp_path: Path
) -> None:
    from frictionless import validate

    code, output = _ekspor(demo_ws, tmp_path / "paket")
    assert code == 0, output
    report = validate(str(tmp_path / "paket" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "paket" / "datapackage.json").read_text())
    assert descriptor["ppid"]["satker"] == "1811"
    config = load_config(demo_ws)
    with Store.open(config.database_url) as store:
        expected = office_snapshot(store, "1811", config.office.nama_satker, dt.date(2026, 12, 1))
        approved = store.items(status="approved")
        runs = [str(r["id"]) for r in run_history(store)]
        keputusan = last_keputusan(store)
    # the Keputusan table only when the register records Keputusan: left out, not empty
    assert [r["name"] for r in descriptor["resources"]] == [
        "ringkasan", "dip", "dik", "kegiatan", "proses", *(["keputusan"] if keputusan else []),
    ]  # fmt: skip
    got = read_package(tmp_path / "paket")
    assert got == expected
    dip = got.tables["dip"]
    assert len(dip) + len(got.tables["dik"]) == len(approved) > 0
    assert {r["jenis"] for r in dip} <= {"Berkala", "Serta Merta", "Setiap Saat"}
    summary = got.ringkasan
    assert int(summary["dip"]) == len(dip) and summary["proses_terakhir_status"] == "ok"
    assert [r["id"] for r in got.tables["proses"]] == runs and len(runs) >= 2
    if keputusan:
        assert summary["keputusan_terakhir"] == keputusan["nomor"]
    # the same register exported again: byte-identical files
    code, _ = _ekspor(demo_ws, tmp_path / "lagi")
    for path in (tmp_path / "paket").iterdir():
        assert (tmp_path / "lagi" / path.name).read_bytes() == path.read_bytes(), path.name


def test_export_before_the_first_night_is_one_line(workspace: Path, tmp_path: Path) -> None:
    code, output = _ekspor(workspace, tmp_path / "paket")
    assert code == 2 and "Register belum ada" in output and not (tmp_path / "paket").exists()


# ---------------------------------------------------------------------------
# Offices seeded straight through the store (quicker than nights)
# ---------------------------------------------------------------------------


def seed(store: Store, n: int, *, approve: int, year: int = 2026) -> None:
    """`n` items from one form; the first `approve` approved (every fourth Serta Merta)."""
    rows = [
        item(f"Informasi {k}", jenis="Serta Merta" if k % 4 == 0 else "Berkala")
        for k in range(1, n + 1)
    ]
    outcome = register_form(
        store,
        form_report(f"Form-{n}.xlsx", rows, tanggal=dt.date(year, 3, 10)),
        received=dt.date(year, 3, 11),
        run_id=None,
    )
    decisions = [(i, "YA", None) for i in outcome.new_ids[:approve]]
    if decisions:
        sheet = approval_report(decisions, tanggal=dt.date(year, 3, 14))
        apply_approval(store, sheet, run_id=None, received=dt.date(year, 3, 15))


def _office_ws(root: Path, code: str, nama: str, url: str | None = None) -> Path:
    ws = root / code
    init_workspace(ws)
    toml = ws / "ppid.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'kode_wilayah = "1811"', f'kode_wilayah = "{code}"'
    )
    text = text.replace(
        'nama_satker = "Komisi Pemilihan Umum Kabupaten Mesuji"', f'nama_satker = "{nama}"'
    )
    toml.write_text(text, encoding="utf-8")
    if url:
        point_workspace_at(ws, url)
    return ws


def _sheet_rows(path: Path, sheet: str | None = None) -> list[list[object]]:
    wb = load_workbook(path, read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


@pytest.fixture
def three_packages(tmp_path: Path) -> Iterator[Path]:
    """A province's inbox: three offices' packages (one quiet since last year)."""
    inbox = tmp_path / "kiriman"
    for code, nama, n, ok, year in (
        ("1802", "KPU Kabupaten Lampung Selatan", 6, 4, 2026),
        ("1871", "KPU Kota Bandar Lampung", 3, 3, 2026),
        ("1804", "KPU Kabupaten Lampung Timur", 2, 1, 2025),
    ):
        ws = _office_ws(tmp_path / "kantor", code, nama)
        with Store.open(load_config(ws).database_url) as store:
            seed(store, n, approve=ok, year=year)
        code_, output = _ekspor(ws, inbox / code)
        assert code_ == 0, output
    yield inbox


def test_rekap_of_packages_lists_every_office_and_highlights_the_quiet_one(
    three_packages: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rekap"
    code, output = _rekap(out, str(three_packages))
    assert code == 0, output
    assert "Rekap 3 satker, 8 informasi DIP" in output
    assert sorted(p.name for p in out.iterdir()) == [
        "Rekap-Daftar-Informasi-Publik.html", "Rekap-Daftar-Informasi-Publik.json",
        "Rekap-Daftar-Informasi-Publik.xlsx", "Rekap-Pemantauan.html", "Rekap-Pemantauan.xlsx",
    ]  # fmt: skip
    dip = _sheet_rows(out / "Rekap-Daftar-Informasi-Publik.xlsx")
    assert dip[0][:3] == ["Kode Satker", "Nama Satker", "ID Informasi"]
    assert [(r[0], r[2]) for r in dip[1:]] == [
        ("1802", "DIP-2026-0001"),
        ("1802", "DIP-2026-0002"),
        ("1802", "DIP-2026-0003"),
        ("1802", "DIP-2026-0004"),
        ("1804", "DIP-2025-0001"),
        ("1871", "DIP-2026-0001"),
        ("1871", "DIP-2026-0002"),
        ("1871", "DIP-2026-0003"),
    ]  # fmt: skip  (Berkala before Serta Merta within an office, then by ID)
    wb = load_workbook(out / "Rekap-Daftar-Informasi-Publik.xlsx")
    assert wb.worksheets[0].auto_filter.ref == "A1:L9"  # the satker is a filter
    monitor = _sheet_rows(out / "Rekap-Pemantauan.xlsx")
    header = monitor[0]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in monitor[1:]}
    assert list(rows) == ["1802", "1804", "1871"]
    assert rows["1802"]["DIP Berkala"] == 3 and rows["1802"]["DIP Serta Merta"] == 1
    assert rows["1802"]["Menunggu Persetujuan"] == 2
    assert rows["1802"]["Menunggu Sejak"] == "2026-03-11"
    assert (
        rows["1802"]["Lama Menunggu (hari)"] == (dt.date(2026, 12, 1) - dt.date(2026, 3, 11)).days
    )
    assert rows["1802"]["Formulir Diterima 2026"] == 1 and rows["1802"]["Catatan"] == ""
    # its register last changed in 2025 (the package's 'keadaan per' is its last change)
    assert rows["1804"]["Catatan"] == "Belum ada kegiatan tahun 2026; data terakhir per 2025-03-15"
    # highlighted in the workbook and on the page
    ws = load_workbook(out / "Rekap-Pemantauan.xlsx").worksheets[0]
    fills = {ws.cell(r, 1).value: ws.cell(r, 1).fill.fgColor.rgb for r in range(2, 5)}
    assert fills["1804"].endswith("FCE4D6") and not fills["1802"].endswith("FCE4D6")
    page = (out / "Rekap-Pemantauan.html").read_text()
    assert page.count('<tr class="diam">') == 1
    doc = json.loads((out / "Rekap-Daftar-Informasi-Publik.json").read_text())
    assert doc["jumlah"] == 8 and [s["satker"] for s in doc["satker"]] == ["1802", "1804", "1871"]


def test_packages_and_the_rekap_are_dated_by_the_data_not_by_the_day_they_are_made(
    three_packages: Path, tmp_path: Path
) -> None:
    # 1802's register last changed when its signed sheet came in (15 March 2026), 1804's on
    # 15 March 2025: exported on another day, a package is the same files, byte for byte.
    for code, last in (("1802", "2026-03-15"), ("1804", "2025-03-15")):
        ws = tmp_path / "kantor" / code
        assert _ekspor(ws, tmp_path / "lagi" / code, now="2027-01-20")[0] == 0
        first, again = three_packages / code, tmp_path / "lagi" / code
        assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in first.iterdir())
        for path in first.iterdir():
            assert (again / path.name).read_bytes() == path.read_bytes(), (code, path.name)
        assert read_package(again).ringkasan["keadaan_per"] == last
    # The rekap of the same packages made a month later: its DIP files are the same bytes,
    # dated by the newest register's change; the monitoring still counts days up to today.
    assert _rekap(tmp_path / "a", str(three_packages))[0] == 0
    assert _rekap(tmp_path / "b", str(three_packages), now="2027-01-20")[0] == 0
    for name in ("json", "html", "xlsx"):
        stem = f"Rekap-Daftar-Informasi-Publik.{name}"
        assert (tmp_path / "a" / stem).read_bytes() == (tmp_path / "b" / stem).read_bytes(), name
    doc = json.loads((tmp_path / "a" / "Rekap-Daftar-Informasi-Publik.json").read_text())
    assert doc["keadaan_per"] == "2026-03-15"
    page = (tmp_path / "a" / "Rekap-Daftar-Informasi-Publik.html").read_text()
    assert "Keadaan per 15 Maret 2026" in page
    monitor = (tmp_path / "b" / "Rekap-Pemantauan.html").read_text()
    assert "20 Januari 2027" in monitor
    header, *rows = _sheet_rows(tmp_path / "b" / "Rekap-Pemantauan.xlsx")
    waited = {r[0]: r[header.index("Lama Menunggu (hari)")] for r in rows}
    assert waited["1802"] == (dt.date(2027, 1, 20) - dt.date(2026, 3, 11)).days


def test_a_bad_or_foreign_package_is_reported_and_the_others_roll_up(
    three_packages: Path, tmp_path: Path
) -> None:
    # a foreign data package (another tool's), a folder of something else, a tampered table,
    # a package claiming another office's satker, and a descriptor pointing outside
    foreign = three_packages / "lain"
    foreign.mkdir()
    (foreign / "datapackage.json").write_text('{"name": "anggaran", "resources": []}')
    (three_packages / "foto").mkdir()
    (three_packages / "foto" / "x.jpg").write_bytes(b"\xff\xd8")
    dip = three_packages / "1871" / "daftar-informasi-publik.csv"
    dip.write_text(dip.read_text().replace("Informasi 1", "Informasi palsu"))
    shutil.copytree(three_packages / "1802", three_packages / "1802-salinan")
    linked = three_packages / "tautan"
    shutil.copytree(three_packages / "1802", linked)
    desc = json.loads((linked / "datapackage.json").read_text())
    desc["ppid"]["satker"] = "1809"
    (linked / "datapackage.json").write_text(json.dumps(desc))
    (linked / "daftar-informasi-publik.csv").unlink()
    (linked / "daftar-informasi-publik.csv").symlink_to("/etc/hostname")
    escape = three_packages / "1804" / "datapackage.json"
    desc = json.loads(escape.read_text())
    desc["resources"][1]["path"] = "../../../../etc/passwd"
    escape.write_text(json.dumps(desc))
    out = tmp_path / "rekap"
    code, output = _rekap(out, str(three_packages), str(tmp_path / "tidak-ada"))
    assert code == 1, output
    lines = [line for line in output.splitlines() if line.startswith("Tidak direkap")]
    assert any("1871" in line and "tidak cocok dengan hash" in line for line in lines), lines
    assert any("lain" in line and "bukan paket ekspor ppid-batch" in line for line in lines)
    assert any("foto" in line and "datapackage.json tidak ada" in line for line in lines)
    assert any("1802-salinan" in line and "sudah dibaca dari" in line for line in lines)
    assert any("tidak-ada" in line and "bukan folder" in line for line in lines)
    assert any("tautan" in line and "adalah tautan (symlink)" in line for line in lines)
    assert "Rekap 2 satker" in output  # 1802 and 1804 (its own files, not /etc/passwd)
    monitor = _sheet_rows(out / "Rekap-Pemantauan.xlsx")
    assert [r[0] for r in monitor[1:]] == ["1802", "1804"]
    problems = _sheet_rows(out / "Rekap-Pemantauan.xlsx", "Sumber Bermasalah")
    assert len(problems) == 1 + len(lines)
    assert "tidak cocok dengan hash" in (out / "Rekap-Pemantauan.html").read_text()


@pytest.mark.slow
def test_the_rekap_of_a_shared_database_equals_the_rekap_of_its_offices_packages(
    pg_server: PgServer, tmp_path: Path
) -> None:
    admin = pg_server.new_database()
    inbox = tmp_path / "kiriman"
    for code, nama, n, ok in (("1801", "KPU Kabupaten Lampung Barat", 5, 3),
                              ("1803", "KPU Kabupaten Tanggamus", 2, 2)):  # fmt: skip
        made = create_office(admin, code, nama, SANDI)
        ws = _office_ws(tmp_path / "kantor", code, nama, made.url)
        with Store.open(made.url) as store:
            seed(store, n, approve=ok)
        assert _ekspor(ws, inbox / code)[0] == 0
    code, output = _rekap(tmp_path / "dari-server", admin)
    assert code == 0, output
    code, output = _rekap(tmp_path / "dari-paket", str(inbox))
    assert code == 0, output
    for name in ("Rekap-Daftar-Informasi-Publik.json", "Rekap-Daftar-Informasi-Publik.html"):
        assert (tmp_path / "dari-server" / name).read_bytes() == (
            tmp_path / "dari-paket" / name
        ).read_bytes(), name
    server, packages = (
        _sheet_rows(tmp_path / d / "Rekap-Pemantauan.xlsx") for d in ("dari-server", "dari-paket")
    )
    assert [r[:-1] for r in server] == [r[:-1] for r in packages]  # all but the Sumber column
    assert [r[0] for r in server[1:]] == ["1801", "1803"]
    assert server[1][-1].endswith("(kantor_1801)") and "1801" in packages[1][-1]
    # the rekap only reads: nothing in the offices' registers changed
    engine = sa.create_engine(admin)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM kantor_1801.runs")) == 0
    engine.dispose()


def test_a_database_that_is_not_shared_or_not_reachable_is_a_problem_not_a_crash(
    pg_server: PgServer, three_packages: Path, tmp_path: Path
) -> None:
    plain = pg_server.url("ppid")  # a database, but no office was ever prepared in it
    unreachable = "postgresql+psycopg://ppid:rahasia@/ppid?host=/nonexistent"
    code, output = _rekap(tmp_path / "r", plain, unreachable, str(three_packages))
    assert code == 1 and "Rekap 3 satker" in output and "Traceback" not in output
    lines = [line for line in output.splitlines() if line.startswith("Tidak direkap")]
    assert len(lines) == 2 and "bukan basis data bersama" in lines[0]
    assert "tidak dapat dibaca (OperationalError)" in lines[1] and "rahasia" not in output


# ---------------------------------------------------------------------------
# db pindah: the example cycle's SQLite register into a shared server
# ---------------------------------------------------------------------------


def _pindah(ws: Path, url: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["db", "pindah", "--ke", url, "--workspace", str(ws), "--now", TODAY]
    )
    return result.exit_code, result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_moving_the_example_register_to_the_server_keeps_everything(
    demo_ws: Path, pg_server: PgServer, tmp_path: Path
) -> None:
    from store_util import form_row, write_form_xlsx

    from ppid_batch.store.move import table_checks

    ws = tmp_path / "ws"
    shutil.copytree(demo_ws, ws)
    sqlite_url = load_config(ws).database_url
    with Store.open(sqlite_url) as store:
        n_items = sum(store.status_counts().values())
        runs_before = [r["id"] for r in run_history(store)]
    assert _ekspor(ws, tmp_path / "sebelum")[0] == 0
    admin = pg_server.new_database()
    # a role name of its own: roles are server-wide and test_offices creates ppid_1811
    url = create_office(admin, "1897", "KPU Kabupaten Mesuji", SANDI).url
    code, output = _pindah(ws, url)
    assert code == 0, output
    assert "jumlah dan sidik isi cocok" in output and SANDI not in output
    toml = (ws / "ppid.toml").read_text(encoding="utf-8")
    assert f'database = "{url}"' in toml
    assert '# sebelum pindah ke server 2026-12-01: database = ""' in toml
    assert load_config(ws).database_url == url
    # the same register on both sides, table by table; the SQLite file is kept
    engines = [sa.create_engine(u) for u in (sqlite_url, url)]
    checks = []
    for engine in engines:
        with engine.connect() as conn:
            checks.append(table_checks(conn))
        engine.dispose()
    assert checks[0] == checks[1]
    assert {c.name: c.rows for c in checks[1]}["items"] == n_items >= 49
    # … and the package the office sends upward is byte for byte the same
    assert _ekspor(ws, tmp_path / "sesudah")[0] == 0
    assert _files(tmp_path / "sesudah") == _files(tmp_path / "sebelum")
    # the next night on the server numbers on from where SQLite stopped
    form = write_form_xlsx(
        ws / "input" / "Form-DIP-Baru.xlsx",
        [form_row("Rencana Strategis")],
        tanggal=dt.date(2026, 11, 24),
    )
    os.utime(form, (LONG_AGO, LONG_AGO))  # dropped an hour ago: no settle wait
    night = CliRunner().invoke(cli, ["run", "--workspace", str(ws), "--now", "2026-11-25T01:00:00"])
    assert night.exit_code in (0, 1), night.output
    with Store.open(url) as store:
        ids = [i.id for i in store.items()]
        runs = [r["id"] for r in run_history(store)]
    assert ids[-1] == f"DIP-2026-{n_items + 1:04d}"  # numbering goes on, no reuse
    assert runs == [*runs_before, runs_before[-1] + 1]
    # moving twice is refused: the workspace is on the server now
    code, output = _pindah(ws, url)
    assert code == 2 and "sudah di server" in output


def test_a_move_into_a_register_with_data_or_a_copy_that_differs_changes_nothing(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.store.move as move

    ws = _office_ws(tmp_path, "1811", "KPU Kabupaten Mesuji")
    with Store.open(load_config(ws).database_url) as store:
        seed(store, 3, approve=2)
    before = (ws / "ppid.toml").read_text(encoding="utf-8")
    admin = pg_server.new_database()
    busy = create_office(admin, "1899", "KPU Kabupaten Lain", SANDI).url
    with Store.open(busy) as store:
        seed(store, 1, approve=0)
    code, output = _pindah(ws, busy)
    assert code == 2 and "Register tujuan" in output and "sudah berisi data" in output
    # a copy whose check does not match: rolled back, ppid.toml untouched
    empty = create_office(admin, "1898", "KPU Kabupaten Kosong", SANDI).url
    real = move.table_checks
    calls = iter(range(100))

    def tampered(conn: sa.Connection) -> list[move.TableCheck]:
        got = real(conn)
        if next(calls) == 2:  # the target after the copy
            got[-1] = dataclasses.replace(got[-1], sha256="0" * 64)
        return got

    monkeypatch.setattr(move, "table_checks", tampered)
    code, output = _pindah(ws, empty)
    assert code == 2 and "tidak sama dengan aslinya" in output, output
    assert (ws / "ppid.toml").read_text(encoding="utf-8") == before
    with Store.open(empty) as store:
        assert store.items() == [] and store.status_counts() == {}


def test_past_a_province_s_size_the_page_lists_counts_and_the_files_keep_everything(
    three_packages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ppid_batch.reports.rekap as rekap

    monkeypatch.setattr(rekap, "HTML_MAX_OFFICES", 2)
    code, output = _rekap(tmp_path / "r", str(three_packages))
    assert code == 0, output
    page = (tmp_path / "r" / "Rekap-Daftar-Informasi-Publik.html").read_text()
    assert "Daftar lengkap terlalu besar" in page and "DIP-2026-0001" not in page
    assert "1802 – KPU Kabupaten Lampung Selatan (4 informasi)" in page
    assert len(_sheet_rows(tmp_path / "r" / "Rekap-Daftar-Informasi-Publik.xlsx")) == 1 + 8
    doc = json.loads((tmp_path / "r" / "Rekap-Daftar-Informasi-Publik.json").read_text())
    assert doc["jumlah"] == 8
