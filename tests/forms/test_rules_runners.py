"""The column checks run two ways: pandera over the batch's stacked forms, a plain loop for a
few rows (so `ppid-batch validate` of one form never imports pandas). Both must find the
same things, on every case of the corpus."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from badfiles import APPROVAL_CASES, FORM_CASES, write_form
from layouts import LAYOUTS, WRITERS
from paths import ROOT

from ppid_batch.forms import validate as v


def _sheets(paths: list[Path]) -> list[v._Sheet]:
    out = []
    for path in paths:
        started = v._read(path, v.MAX_FILE_BYTES, v.MAX_UNPACKED_BYTES)
        if isinstance(started, v._Pending):
            out.append(started.sheet)
    return out


def _flat(found: list[list]) -> list[list[tuple]]:
    return [sorted((f.cell, f.field, f.type, f.message) for f in sheet) for sheet in found]


@pytest.mark.slow
def test_plain_loop_and_pandera_give_the_same_findings(tmp_path: Path) -> None:
    paths = [write_form(c.form, tmp_path / f"{c.name}.xlsx") for c in FORM_CASES]
    paths += [
        w(make(), tmp_path / f"{n}.xlsx")
        for n, make in LAYOUTS.items()
        for w in [WRITERS["openpyxl"]]
    ]
    sheets = _sheets(paths)
    by_shape: dict[tuple, list[v._Sheet]] = {}
    for sheet in sheets:
        by_shape.setdefault((id(sheet.schema), sheet.checked), []).append(sheet)
    compared = 0
    for group in by_shape.values():
        plain, pandera = v._plain_findings(group), v._pandera_findings(group)
        assert _flat(plain) == _flat(pandera)
        compared += sum(map(len, plain))
    assert compared > 30  # the corpus really fails checks of every kind


@pytest.mark.parametrize("case", APPROVAL_CASES, ids=lambda c: c.name)
def test_same_findings_on_approval_sheets(case, tmp_path: Path) -> None:
    sheets = _sheets([write_form(case.form, tmp_path / "a.xlsx")])
    for sheet in sheets:
        assert _flat(v._plain_findings([sheet])) == _flat(v._pandera_findings([sheet]))


def test_big_batches_still_go_through_pandera(tmp_path: Path, monkeypatch) -> None:
    used = []
    monkeypatch.setattr(v, "_pandera_findings", lambda s: used.append(len(s)) or [[] for _ in s])
    monkeypatch.setattr(v, "PANDERA_MIN_ROWS", 3)
    paths = [write_form(FORM_CASES[0].form, tmp_path / f"{n}.xlsx") for n in range(2)]
    list(v.validate_files(paths))
    assert used == [2]


def test_validate_of_one_form_does_not_import_pandas() -> None:
    form = ROOT / "ppid_batch" / "examples" / "Form-DIP-Hukum-perlu-koreksi.xlsx"
    code = (
        "import sys\n"
        "from ppid_batch.cli import cli\n"
        "try:\n"
        f"    cli(['validate', '--json', {str(form)!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = [m for m in ('pandas', 'pandera', 'numpy', 'sqlalchemy') if m in sys.modules]\n"
        "print('EXIT', code, 'HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last == "EXIT 1 HEAVY []", done.stdout + done.stderr
    assert '"ok": false' in done.stdout  # it did check the form, and found its errors
