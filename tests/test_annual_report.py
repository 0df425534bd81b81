"""Laporan Tahunan: the document's text (golden), its charts, and a year without activity."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from docs_util import docx_text, xlsx_text
from reports_util import assert_golden, year_2025

from ppid_batch.annual import build_facts
from ppid_batch.annual_report import days_text, report_context, write_annual_report
from ppid_batch.config import Config

TODAY = dt.date(2026, 1, 15)


@pytest.mark.slow  # about 3 s: two renders, and the first matplotlib import of the session
def test_report_text_golden_charts_embedded_and_deterministic(
    config: Config, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    path, charts = write_annual_report(year_2025(), config, tmp_path / "a", today=TODAY)
    again, _ = write_annual_report(year_2025(), config, tmp_path / "b", today=TODAY)
    assert path.name == "Laporan-Tahunan-2025.docx"
    data = path.read_bytes()
    assert data == again.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        embedded = {z.read(n) for n in media}
    assert len(media) == 3
    assert embedded == {c.path.read_bytes() for c in charts.values()}
    assert_golden(request, "laporan-tahunan-2025.txt", docx_text(data))


def test_a_year_without_activity_says_so_plainly(config: Config, tmp_path: Path) -> None:
    facts = build_facts(2024, items=[], today=TODAY)
    path, _ = write_annual_report(facts, config, tmp_path, today=TODAY)
    text = docx_text(path.read_bytes())
    assert "Tidak ada kegiatan pendokumentasian pada tahun 2024." in text
    assert "B. Ringkasan" not in text
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_context_month_rows_and_days_in_indonesian(config: Config) -> None:
    ctx = report_context(year_2025(), config, today=TODAY)
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
    path, _ = write_annual_report(facts, config, tmp_path, today=TODAY)
    assert 'Laporan <b>"kutip"</b> & lampiran' in docx_text(path.read_bytes())


def _dump(path: Path) -> str:
    return docx_text(path.read_bytes())


def test_write_reports_from_the_register_golden(
    config: Config, request: pytest.FixtureRequest
) -> None:
    from reports_util import library_year

    from ppid_batch.annual_report import write_reports
    from ppid_batch.store import Store

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
    assert_golden(request, "register-laporan-tahunan-2025.txt", _dump(paths[1]))
    # the register gives the same matrix as the hand-made facts of the same year
    assert_golden(request, "matriks-kegiatan-2025.txt", xlsx_text(paths[0]))


def test_report_command(config: Config, request: pytest.FixtureRequest) -> None:
    from click.testing import CliRunner
    from reports_util import library_year

    from ppid_batch.cli import cli
    from ppid_batch.store import Store

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
    assert_golden(
        request, "register-laporan-tahunan-2025.txt", _dump(folder / "Laporan-Tahunan-2025.docx")
    )
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

    from ppid_batch.annual_report import write_reports
    from ppid_batch.store import Store

    with Store.open(config.database_url) as store:
        library_year(store, config)
        with store.begin():  # as the nightly run holds it (a dry run rolls it back)
            paths = write_reports(config, 2025, today=TODAY, store=store, out_dir=tmp_path / "uji")
    assert {p.parent for p in paths} == {tmp_path / "uji"}
    assert len(paths) == 5
    assert not (config.output_dir / "laporan").exists()
