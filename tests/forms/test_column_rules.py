"""The column rules run over each column's distinct values (`rules.column_failures`). They
must find exactly what testing every row against every rule finds, on every case of the
corpus, and the nightly read must not need pandas or pandera for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from badfiles import APPROVAL_CASES, FORM_CASES, write_form
from layouts import LAYOUTS, WRITERS
from paths import ROOT

from ppid_batch.forms import validate as v
from ppid_batch.forms.rules import checks, column_failures
from ppid_batch.forms.schema import Field


def _sheets(paths: list[Path]) -> list[v._Sheet]:
    out = []
    for path in paths:
        started = v._read(path, v.MAX_FILE_BYTES, v.MAX_UNPACKED_BYTES)
        if isinstance(started, v._Pending):
            out.append(started.sheet)
    return out


def _every_row(f: Field, values: list) -> list[tuple[str, int]]:
    """The rules the obvious way: each row, each rule, no shortcut."""
    out = []
    for i, value in enumerate(values):
        if value is None:
            out += [("required", i)] if f.required else []
        else:
            out += [(name, i) for name, ok in checks(f) if not ok(value)]
    return out


def _compare(sheets: list[v._Sheet]) -> int:
    failed = 0
    for sheet in sheets:
        for key in sheet.checked:
            f, values = sheet.by_key[key], sheet.values[key]
            found = column_failures(f, values)
            assert found == _every_row(f, values), (sheet.sr.sheet, key)
            failed += len(found)
    return failed


@pytest.mark.slow
def test_distinct_values_find_what_every_row_finds(tmp_path: Path) -> None:
    paths = [write_form(c.form, tmp_path / f"{c.name}.xlsx") for c in FORM_CASES]
    paths += [
        w(make(), tmp_path / f"{n}.xlsx")
        for n, make in LAYOUTS.items()
        for w in [WRITERS["openpyxl"]]
    ]
    assert _compare(_sheets(paths)) > 30  # the corpus really fails checks of every kind


@pytest.mark.parametrize("case", APPROVAL_CASES, ids=lambda c: c.name)
def test_same_findings_on_approval_sheets(case, tmp_path: Path) -> None:
    _compare(_sheets([write_form(case.form, tmp_path / "a.xlsx")]))


def test_a_value_failing_on_several_rows_is_reported_on_each_in_row_order() -> None:
    f = Field(key="ringkasan", label="Ringkasan", required=True, min_length=5, max_length=9)
    values = ["abc", None, "cukup", "abc", "terlalu panjang", None]
    assert column_failures(f, values) == [
        ("length", 0),
        ("required", 1),
        ("length", 3),
        ("length", 4),
        ("required", 5),
    ]
    assert column_failures(f, ["cukup", "lima!"]) == []


def test_the_night_reads_forms_without_pandas(tmp_path: Path) -> None:
    paths = [write_form(c.form, tmp_path / f"{c.name}.xlsx") for c in FORM_CASES[:3]]
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ppid_batch.forms.validate import validate_files\n"
        f"reports = list(validate_files([Path(p) for p in {[str(p) for p in paths]!r}]))\n"
        "heavy = [m for m in ('pandas', 'pandera') if m in sys.modules]\n"
        "print('REPORTS', len(reports), 'HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "REPORTS 3 HEAVY []", done.stderr


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
