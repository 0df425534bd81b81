"""Laporan Tahunan: the document's text (golden), its charts, and a year without activity."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docs_util import docx_text, xlsx_text
from reports_util import year_2025

from ppid_batch.config import Config
from ppid_batch.reports.facts import build_facts
from ppid_batch.reports.laporan import days_text, report_context, write_annual_report

pytestmark = pytest.mark.slow  # docx renders and their charts

TODAY = dt.date(2026, 1, 15)


@pytest.mark.slow  # about 2 s: two renders
def test_report_text_golden_charts_embedded_and_deterministic(
    config: Config, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    path, charts = write_annual_report(
        year_2025(), config.letter, config.sop, tmp_path / "a", today=TODAY
    )
    again, _ = write_annual_report(
        year_2025(), config.letter, config.sop, tmp_path / "b", today=TODAY
    )
    assert path.name == "Laporan-Tahunan-2025.docx"
    data = path.read_bytes()
    assert data == again.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        embedded = {z.read(n) for n in media}
    assert len(media) == 3
    assert embedded == {c.path.read_bytes() for c in charts.values()}
    golden("laporan/laporan-tahunan-2025.txt", docx_text(data))


def test_a_year_without_activity_says_so_plainly(config: Config, tmp_path: Path) -> None:
    facts = build_facts(2024, items=[], today=TODAY)
    path, _ = write_annual_report(facts, config.letter, config.sop, tmp_path, today=TODAY)
    text = docx_text(path.read_bytes())
    assert "Tidak ada kegiatan pendokumentasian pada tahun 2024." in text
    assert "B. Ringkasan" not in text
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_context_month_rows_and_days_in_indonesian(config: Config) -> None:
    ctx = report_context(year_2025(), config.letter, config.sop, today=TODAY)
    assert ctx["per_bulan"][2] == {
        "bulan": "Maret", "berkala": 2, "serta_merta": 0, "setiap_saat": 2, "dikecualikan": 1,
        "jumlah": 5,
    }  # fmt: skip
    assert ctx["per_tanggal"] == "31 Desember 2025"
    assert (days_text(7.0), days_text(7.5), days_text(None)) == ("7 hari", "7,5 hari", "-")


def test_text_from_the_register_is_escaped_in_the_document(config: Config, tmp_path: Path) -> None:
    from dataclasses import replace

    facts = year_2025()
    change = replace(facts.changes[0], ringkasan='Laporan <b>"kutip"</b> & lampiran')
    facts = replace(facts, changes=(change,))
    path, _ = write_annual_report(facts, config.letter, config.sop, tmp_path, today=TODAY)
    assert 'Laporan <b>"kutip"</b> & lampiran' in docx_text(path.read_bytes())


def _dump(path: Path) -> str:
    return docx_text(path.read_bytes())


def test_write_reports_from_the_register_golden(
    config: Config, golden: Callable[[str, str], None]
) -> None:
    from reports_util import library_year

    from ppid_batch.reports.laporan import write_reports
    from ppid_batch.store.core import Store

    with Store.open(config.database_url) as store:
        library_year(store, config)
    paths = write_reports(config, 2025, today=TODAY)
    folder = config.output_dir / "laporan"
    assert [p.relative_to(folder).as_posix() for p in paths] == [
        "Matriks-Kegiatan-2025.xlsx",
        "Laporan-Tahunan-2025.docx",
        "Grafik-2025-Informasi-per-Bulan.png",
        "Grafik-2025-Informasi-per-Unit.png",
        "Grafik-2025-Keputusan.png",
    ]
    golden("laporan/register-laporan-tahunan-2025.txt", _dump(paths[1]))
    # the register gives the same matrix as the hand-made facts of the same year
    golden("laporan/matriks-kegiatan-2025.txt", xlsx_text(paths[0]))


def test_report_command(config: Config, golden: Callable[[str, str], None]) -> None:
    from click.testing import CliRunner
    from reports_util import library_year

    from ppid_batch.cli import cli
    from ppid_batch.store.core import Store

    with Store.open(config.database_url) as store:
        library_year(store, config)
    runner = CliRunner()
    ws = str(config.workspace)
    result = runner.invoke(cli, ["report", "--year", "2025", "--now", "2026-01-15", "-w", ws])
    assert result.exit_code == 0, result.output
    folder = config.output_dir / "laporan"
    assert result.output.splitlines() == [
        f"ditulis: {folder / name}"
        for name in (
            "Matriks-Kegiatan-2025.xlsx",
            "Laporan-Tahunan-2025.docx",
            "Grafik-2025-Informasi-per-Bulan.png",
            "Grafik-2025-Informasi-per-Unit.png",
            "Grafik-2025-Keputusan.png",
        )
    ]
    # the same register and day give the same document as the library call
    golden("laporan/register-laporan-tahunan-2025.txt", _dump(folder / "Laporan-Tahunan-2025.docx"))
    bad = runner.invoke(cli, ["report", "--now", "15/01/2026", "-w", ws])
    assert bad.exit_code == 2
    assert bad.output == (
        "Galat: --now harus berupa tanggal ISO, contoh 2025-12-31 (bukan '15/01/2026').\n"
    )


def test_report_command_without_a_register_and_with_a_wrong_year(config: Config) -> None:
    from click.testing import CliRunner

    from ppid_batch.cli import cli

    runner = CliRunner()
    ws = str(config.workspace)
    result = runner.invoke(cli, ["report", "--year", "2024", "--workspace", ws])
    assert result.exit_code == 0, result.output
    folder = config.output_dir / "laporan"
    assert result.output == (
        f"ditulis: {folder / 'Matriks-Kegiatan-2024.xlsx'}\n"
        f"ditulis: {folder / 'Laporan-Tahunan-2024.docx'}\n"
    )
    text = _dump(config.output_dir / "laporan" / "Laporan-Tahunan-2024.docx")
    assert "Tidak ada kegiatan pendokumentasian pada tahun 2024." in text
    assert not (config.var_dir / "ppid.sqlite").exists()  # reading never creates a register

    bad = runner.invoke(cli, ["report", "--year", "1998", "--workspace", ws])
    assert bad.exit_code == 2
    assert bad.output == (
        f"Galat: Tahun 1998 tidak dapat dilaporkan; pilih tahun 1999 sampai "
        f"{dt.date.today().year}.\n"
    )


def test_write_reports_within_the_runs_open_store_into_another_folder(
    config: Config, tmp_path: Path
) -> None:
    from reports_util import library_year

    from ppid_batch.reports.laporan import write_reports
    from ppid_batch.store.core import Store

    with Store.open(config.database_url) as store:
        library_year(store, config)
        with store.begin():  # as the nightly run holds it (a dry run rolls it back)
            paths = write_reports(config, 2025, today=TODAY, store=store, out_dir=tmp_path / "uji")
    assert {p.parent for p in paths} == {tmp_path / "uji"}
    assert len(paths) == 5
    assert not (config.output_dir / "laporan").exists()


@pytest.mark.slow
def test_fixture_year_through_the_cli_golden(
    tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    """Four nights of `ppid-batch run --now …`, then `ppid-batch report --year 2025`."""
    from batch_util import make_workspace
    from click.testing import CliRunner
    from reports_util import cli_year

    from ppid_batch.cli import cli

    ws = make_workspace(tmp_path / "ws", atasan="Ahmad Atasan")
    nights = cli_year(ws, tmp_path / "diisi")
    assert [r.exit_code for r in nights] == [1, 0, 0, 0]  # night 1 rejects the Teknis form
    folder = ws / "output" / "laporan"
    # each night refreshes the running year's records as of that night
    assert "Keadaan per 20 Juni 2025" in _dump(folder / "Laporan-Tahunan-2025.docx")
    register = ws / "output" / "register" / "Daftar-Informasi-Publik-2025.xlsx"
    history = xlsx_text(register).split("== sheet 'Riwayat Perubahan'")[1]
    assert "'Dipindahkan ke Daftar Usulan Informasi yang Dikecualikan'" in history
    result = CliRunner().invoke(
        cli, ["report", "--year", "2025", "--now", "2026-01-15", "-w", str(ws)]
    )
    assert result.exit_code == 0, result.output
    golden("laporan/cli-laporan-tahunan-2025.txt", _dump(folder / "Laporan-Tahunan-2025.docx"))
    golden(
        "laporan/cli-matriks-kegiatan-2025.txt", xlsx_text(folder / "Matriks-Kegiatan-2025.xlsx")
    )


def test_report_reads_an_old_register_without_migrating_it(config: Config) -> None:
    import sqlite3
    from contextlib import closing

    import sqlalchemy as sa
    from click.testing import CliRunner

    from ppid_batch.cli import cli
    from ppid_batch.store.migrations import create_v1
    from ppid_batch.store.schema import schema_version

    db = config.var_dir / "ppid.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        create_v1(conn)
        conn.execute(sa.insert(schema_version).values(version=1, applied_at="2025-01-01T00:00"))
    engine.dispose()

    def dump() -> list[str]:
        # the content, not the bytes: opening switches the file to WAL (header bytes 18-19)
        with closing(sqlite3.connect(db)) as conn:
            return list(conn.iterdump())

    before = dump()
    ws = str(config.workspace)
    result = CliRunner().invoke(cli, ["report", "--year", "2025", "--now", "2026-01-15", "-w", ws])
    assert result.exit_code == 2
    assert result.output == (
        "Galat: Register perlu diperbarui; jalankan 'ppid-batch run' terlebih dahulu.\n"
    )
    assert dump() == before


def test_a_national_years_changes_are_cut_in_the_report_with_a_pointer_to_the_full_list(
    config: Config, tmp_path: Path
) -> None:
    """100,000 approvals made a 100,000-row table (thousands of pages to sign): the report
    lists the first CHANGES_SHOWN and says how many there are and where they all are."""
    from dataclasses import replace

    from ppid_batch.models import ChangeFact
    from ppid_batch.reports.laporan import CHANGES_SHOWN

    facts = year_2025()
    first = facts.changes[0]
    total = CHANGES_SHOWN + 1234
    many = tuple(
        replace(first, item_id=f"DIP-2025-{n:05d}", ringkasan=f"Informasi nomor {n}")
        for n in range(1, total + 1)
    )
    assert isinstance(first, ChangeFact)
    path, _ = write_annual_report(
        replace(facts, changes=many), config.letter, config.sop, tmp_path, today=TODAY
    )
    text = docx_text(path.read_bytes())
    assert f"DIP-2025-{CHANGES_SHOWN:05d}" in text
    assert f"DIP-2025-{CHANGES_SHOWN + 1:05d}" not in text
    assert (
        "Tabel di atas memuat 500 perubahan pertama dari 1.734 perubahan Daftar Informasi "
        "Publik tahun 2025. Daftar lengkapnya ada pada lembar Riwayat Perubahan berkas "
        "Daftar-Informasi-Publik-2025.xlsx."
    ) in text
    with zipfile.ZipFile(path) as z:
        rows = z.read("word/document.xml").count(b"<w:tr>") + z.read("word/document.xml").count(
            b"<w:tr "
        )
    assert CHANGES_SHOWN < rows < CHANGES_SHOWN + 100  # the other tables are a few rows
    # The small year's report (golden above) has no such sentence.
    small, _ = write_annual_report(facts, config.letter, config.sop, tmp_path / "s", today=TODAY)
    assert "Tabel di atas memuat" not in docx_text(small.read_bytes())
