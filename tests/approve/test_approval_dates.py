"""A Tanggal Persetujuan that cannot be true is refused with the cell and what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from batch_util import ATASAN, NIGHT_1, NIGHT_2, drop, examples, make_workspace, run_cli
from click.testing import CliRunner

from ppid_batch.batch.demo import fill_approval_sheet
from ppid_batch.cli import cli
from ppid_batch.forms.validate import validate_file

pytestmark = pytest.mark.slow


def _form_dated(src: Path, day: dt.date, target: Path) -> Path:
    """The example form with its Tanggal Pengisian set to `day` (a real workbook edit)."""
    from openpyxl import load_workbook

    report = validate_file(src)
    wb = load_workbook(src)
    wb[report.sheet][report.meta_cells["tanggal_pengisian"]] = dt.datetime.combine(day, dt.time())
    wb.save(target)
    wb.close()
    return target


@pytest.mark.parametrize(
    ("filed", "decided", "slug", "words"),
    [
        # decided three days before the sheet was issued (23 November)
        (dt.date(2026, 11, 20), dt.date(2026, 11, 20), "date_before_sheet",
         "Tanggal Persetujuan 20 November 2026 lebih awal dari tanggal lembar LP-2026-0001 "
         "dibuat (23 November 2026)"),
        # the unit dated its form 10 December; the Atasan 'decided' on 24 November
        (dt.date(2026, 12, 10), dt.date(2026, 11, 24), "date_before_item",
         "Tanggal Persetujuan 24 November 2026 lebih awal dari Tanggal Pengisian formulir "
         "DIP-2026-"),
    ],
)  # fmt: skip
def test_an_approval_dated_before_its_sheet_or_its_items_is_refused(
    tmp_path: Path, filed: dt.date, decided: dt.date, slug: str, words: str
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    src = next(p for p in examples() if "Keuangan" in p.name)
    drop(ws, [_form_dated(src, filed, tmp_path / src.name)])
    assert run_cli(ws, now=NIGHT_1).exit_code == 0
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    filled = ws / "input" / "Persetujuan-diisi.xlsx"
    fill_approval_sheet(sheet, filled, atasan=ATASAN, day=decided)

    checked = CliRunner().invoke(cli, ["validate", "-w", str(ws), str(filled), "--json"])
    assert checked.exit_code == 1, checked.output
    (error,) = [e for e in validate_file_json(checked.output)["errors"] if e["type"] == slug]
    cell = validate_file(filled).meta_cells["tanggal_persetujuan"]
    assert error["cell"] == cell
    assert words in error["message"]
    assert "perbaiki Tanggal Persetujuan" in error["message"]

    night = run_cli(ws, now=NIGHT_2)
    assert night.exit_code == 1, night.output
    assert words in night.output
    assert (ws / "input" / "ditolak" / "2026-11-24" / filled.name).is_file()
    # Nothing was decided: every item still waits for the Atasan PPID.
    assert "0 disetujui" in night.output


def validate_file_json(text: str) -> dict[str, object]:
    import json

    data = json.loads(text)
    return data[0] if isinstance(data, list) else data


def test_a_plausible_date_is_applied(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    src = next(p for p in examples() if "Keuangan" in p.name)
    drop(ws, [_form_dated(src, dt.date(2026, 11, 20), tmp_path / src.name)])
    assert run_cli(ws, now=NIGHT_1).exit_code == 0
    (sheet,) = sorted((ws / "output" / "persetujuan").glob("*.xlsx"))
    filled = ws / "input" / "Persetujuan-diisi.xlsx"
    approved, _ = fill_approval_sheet(sheet, filled, atasan=ATASAN, day=dt.date(2026, 11, 23))
    night = run_cli(ws, now=NIGHT_2)
    assert night.exit_code == 0, night.output
    assert f"{len(approved)} disetujui" in night.output
