"""Poison workbooks: whatever the XML says, reading stays bounded and the night goes on."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from badfiles import Form, good_row, write_form
from batch_util import NIGHT_1, NIGHT_2, ROOT, drop, examples, fail_registering, make_workspace

from ppid_batch.batch.pipeline import run
from ppid_batch.config_file import load_config
from ppid_batch.forms.intake import check_file
from ppid_batch.forms.sheet_bounds import MAX_SHEET_CELLS, PartScan, calamine_position
from ppid_batch.forms.validate import validate_file

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(path: Path, member: str, change) -> Path:  # type: ignore[no-untyped-def]
    """Rewrite one part of a real workbook in place, keeping every other part as it was."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[member] = change(parts[member])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def poison(
    tmp_path: Path, cells: bytes, *, name: str = "Form-racun.xlsx", merge: bytes = b""
) -> Path:
    """A good form whose first sheet gets `cells` appended to its sheetData (and `merge`)."""
    path = write_form(Form(), tmp_path / name)

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", cells + b"</sheetData>" + merge)
        return re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)  # the reader ignores it anyway

    return _rewrite(path, SHEET, change)


def refusal(path: Path) -> tuple[str, str] | None:
    result = check_file(path)
    return None if result.refusal is None else (result.refusal.type, result.refusal.message)


FAR = b"XFD1048576"


@pytest.mark.parametrize(
    ("label", "cells", "merge", "cell"),
    [
        # the adversarial review's exact case: one far cell quoted with single quotes
        ("single quotes", b"<row r='1048576'><c r='XFD1048576' t='n'><v>1</v></c></row>", b"", FAR),
        ("spaces around =", b'<row r="200"><c r = "XFD200"><v>1</v></c></row>', b"", b"XFD200"),
        (
            "namespace prefix",
            b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
            b"",
            FAR,
        ),
        # a cell without r is placed after the previous one: after column XFD of row 200
        (
            "cell without r after a full row",
            b'<row r="200"><c r="XFD200"><v>1</v></c><c><v>2</v></c></row>'
            b"<row><c><v>3</v></c></row>",
            b"",
            b"XFD200",  # the first cell past the limit: reading stops there
        ),
        # rows without r count on from the last numbered one
        (
            "rows without r",
            b'<row r="1048575"></row><row><c r="A1"><v>1</v></c></row><row><c><v>1</v></c>'
            b'<c r="Z5"><v>1</v></c><c><v>2</v></c></row>',
            b"",
            b"[A-Z]+1048577",  # past the form's own columns, 1048577 rows down
        ),
        # calamine adds a long column name in 32 bits and wraps: still placed very far
        ("column name that wraps", b'<row r="3"><c r="ZZZZZZZ3"><v>1</v></c></row>', b"", None),
        (
            "milder, 13 million cells",
            b'<row r="500000"><c r="Z500000"><v>1</v></c></row>',
            b"",
            b"Z500000",
        ),
        (
            "merged range",
            b"",
            b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
            FAR,
        ),
    ],
)
def test_far_cells_are_refused_whatever_the_xml_says(
    label: str, cells: bytes, merge: bytes, cell: bytes | None, tmp_path: Path
) -> None:
    path = poison(tmp_path, cells, merge=merge)
    found = refusal(path)
    assert found is not None, label
    assert found[0] == "sheet_too_large", found
    if cell is not None:
        assert re.search(rf"\(({cell.decode()})\)", found[1]), found[1]
    assert "lebih dari 2.000.000 sel dihitung dari A1" in found[1]
    # and the validator answers with that refusal, never reading the sheet
    assert [f.type for f in validate_file(path).errors] == ["sheet_too_large"]


def test_a_form_inside_the_limit_is_not_refused_for_its_shape(tmp_path: Path) -> None:
    # wide (past Z) and long (past row 9999), cells without r, single quotes: all exact now
    cells = (
        b"<row r='12000'><c r='AB12000'><v>1</v></c><c><v>2</v></c></row>"
        b'<row><c r="A12001"><v>1</v></c></row>'
    )
    path = poison(tmp_path, cells, merge=b'<mergeCells><mergeCell ref="A1:AC2"/></mergeCells>')
    assert refusal(path) is None
    # read for real: the rows are reported as incomplete items, not the file as unreadable
    report = validate_file(path)
    assert report.kind == "form_dip"
    assert {f.row for f in report.errors} == {12000, 12001}


COLS = [bytes([c]) for c in b"ABCDEFGHIJK"]


@pytest.mark.slow
def test_the_tools_own_100000_row_approval_sheet_shape_is_within_the_limit() -> None:
    # 100 000 item rows under a header, 11 columns: 1.1 million cells from A1
    header = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    rows = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in COLS)
        + b"</row>"
        for r in range(2, 100_002)
    )
    xml = b"<worksheet><sheetData>" + header + rows + b"</sheetData></worksheet>"
    scan = PartScan()
    for i in range(0, len(xml), 1 << 20):
        scan.feed(xml[i : i + 1 << 20])
    bounds = scan.finish(lambda: [xml])
    assert (bounds.rows, bounds.cols) == (100_001, 11)
    assert not bounds.too_large()


def test_too_many_cell_elements_are_refused_even_inside_a_small_area() -> None:
    # calamine keeps every <c> it meets before building the grid: count them too
    xml = b"<worksheet><sheetData><row r='1'>" + b"<c r='A1'><v>1</v></c>" * 50 + b"</row>"
    scan = PartScan(limit=40)
    scan.feed(xml + b"</sheetData></worksheet>")
    assert scan.finish(lambda: [xml + b"</sheetData></worksheet>"]).cells > 40


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("A1", (0, 0)),
        ("XFD1048576", (1048575, 16383)),
        ("a1", (0, 0)),  # calamine reads lower case letters too
        ("A4294967297", (0, 0)),  # 4294967297 wraps to 1 in 32 bits
        ("A0", None),
        ("1A", None),
        ("A-1", None),
    ],
)
def test_positions_are_computed_as_calamine_does(ref: str, expected: object) -> None:
    assert calamine_position(ref) == expected


def test_limit_is_the_documented_one() -> None:
    assert MAX_SHEET_CELLS == 2_000_000
    assert "2 000 000" in (ROOT / "docs/validation.md").read_text()


def test_good_forms_pass_the_byte_pass_without_the_exact_parse(tmp_path: Path) -> None:
    path = write_form(Form(rows=[good_row(n) for n in range(1, 40)]), tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(SHEET)
    scan = PartScan()
    scan.feed(xml)

    def no_second_pass() -> list[bytes]:
        raise AssertionError("the exact pass ran on an ordinary form")

    bounds = scan.finish(no_second_pass)
    assert bounds.rows >= 47 and bounds.cols >= 13


def test_cells_after_a_cols_block_are_counted_once_each_in_the_byte_pass() -> None:
    # Excel writes <cols><col …/></cols> before the data: '<c' there is no cell. Every cell
    # start spelling (<c r=…, <c/…, <c>… and whitespace after <c) is counted once.
    cols = b'<cols><col min="1" max="3" width="12" customWidth="1"/></cols>'
    cells = b'<c r="A1"><v>1</v></c><c r="B1"/><c\tr="C1"><v>2</v></c><c\nr="D1"/>'
    xml = b"<worksheet>" + cols + b"<sheetData><row r='1'>" + cells + b"</row></sheetData>"
    scan = PartScan()
    scan.feed(xml + b"</worksheet>")

    def no_second_pass() -> list[bytes]:
        raise AssertionError("the exact pass ran")

    with pytest.raises(AssertionError, match="the exact pass ran"):
        scan.finish(no_second_pass)  # '<c\tr=' is not written '<c r="': exact pass
    plain = xml.replace(b"<c\tr=", b"<c r=").replace(b"<c\nr=", b"<c r=")
    scan = PartScan()
    scan.feed(plain + b"</worksheet>")
    assert scan.finish(no_second_pass).cells == 4
    for without_r in (b"<c/>", b"<c><v>3</v></c>", b"<c\r/>"):
        scan = PartScan()
        scan.feed(plain.replace(b"</row>", without_r + b"</row>") + b"</worksheet>")
        with pytest.raises(AssertionError, match="the exact pass ran"):
            scan.finish(no_second_pass)


def test_a_prefixed_cell_goes_to_the_exact_pass() -> None:
    xml = (
        b'<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1">'
        b'<x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    scan = PartScan()
    scan.feed(xml)
    assert scan.finish(lambda: [xml]).too_large()


# ---- the night: a file that killed or failed a night is set aside, the others go on ----

GOOD = [p for p in examples() if "perlu-koreksi" not in p.name]
# A stand-in for a reader library that aborts the process on one file (as calamine did on
# the poison workbook before intake bounded it): every Python started with this on its
# path, the night and the probe alike, dies on a file whose name says 'racun'.
ABORTING_READER = """
import os
import ppid_batch.forms.validate as validate
_real = validate._read
def _read(path, *args):
    if "racun" in str(path):
        os.abort()
    return _real(path, *args)
validate._read = _read
"""


def _night(ws: Path, now: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ppid_batch", "run", "--workspace", str(ws), "--now", now],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_a_file_that_kills_the_night_is_set_aside_the_next_night(tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(ABORTING_READER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{ROOT}"}
    ws = make_workspace(tmp_path / "ws", settle=0)
    drop(ws, [GOOD[0], write_form(Form(), tmp_path / "Form-racun.xlsx")])

    first = _night(ws, NIGHT_1, env)
    assert first.returncode == -signal.SIGABRT, first.stderr
    state = json.loads((ws / "var" / "run-state.json").read_text("utf-8"))
    assert state["status"] == "running"
    assert state["reading"]["name"] == "Form-racun.xlsx"

    # The library still aborts on it: the probe dies, the file goes, the good form is taken.
    second = _night(ws, NIGHT_2, env)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert sorted(p.name for p in (ws / "input").glob("*.xlsx")) == []
    assert (ws / "input" / "ditolak" / "2026-11-24" / "Form-racun.xlsx").is_file()
    assert (ws / "input" / "arsip" / "2026-11-24" / GOOD[0].name).is_file()
    (run_dir,) = (ws / "output" / "runs").glob("20261124-*")
    record = json.loads((run_dir / "run.json").read_text("utf-8"))
    by_name = {i["name"]: i for i in record["inputs"]}
    assert by_name[GOOD[0].name]["verdict"] == "diterima"
    racun = by_name["Form-racun.xlsx"]
    assert racun["verdict"] == "ditolak"
    assert racun["errors"][0]["type"] == "reader_crash"
    assert racun["errors"][0]["message"].startswith(
        "Berkas ini menghentikan proses malam saat dibaca (program pembaca berhenti mendadak)"
    )
    # the third night is quiet again
    third = _night(ws, "2026-11-25T01:00:00", env)
    assert third.returncode == 0, third.stdout


@pytest.mark.slow
def test_a_file_read_when_a_night_was_cut_for_another_reason_is_read_normally(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    (form,) = drop(ws, [GOOD[0]])
    # a power cut while this good form was being read: the probe reads it fine
    state = {"status": "running", "reading": {"name": form.name, "sha256": _sha(form)}}
    (ws / "var" / "run-state.json").write_text(json.dumps(state), encoding="utf-8")
    report = run(load_config(ws))
    assert [(i.name, i.verdict) for i in report.inputs] == [(form.name, "diterima")]


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_file_the_program_fails_on_twice_is_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = GOOD[1].name
    fail_registering(monkeypatch, broken)
    ws = make_workspace(tmp_path / "ws", settle=0)
    drop(ws, GOOD[:2])
    first = run(load_config(ws), now=dt.datetime(2026, 11, 23, 1))
    assert [(i.name, i.verdict) for i in first.inputs] == [
        (GOOD[0].name, "diterima"),
        (broken, "gagal"),
    ]
    second = run(load_config(ws), now=dt.datetime(2026, 11, 24, 1))
    assert [(i.name, i.verdict) for i in second.inputs] == [(broken, "ditolak")]
    assert [e["type"] for e in second.inputs[0].errors] == ["program_error"]
    assert (ws / "input" / "ditolak" / "2026-11-24" / broken).is_file()
    assert list((ws / "input").glob("*.xlsx")) == []
    # put back once the program is fixed, it is read as any new file
    monkeypatch.undo()
    (ws / "input" / "ditolak" / "2026-11-24" / broken).rename(ws / "input" / broken)
    third = run(load_config(ws), now=dt.datetime(2026, 11, 25, 1))
    assert [(i.name, i.verdict) for i in third.inputs] == [(broken, "diterima")]


# ---- the approval sheet the Atasan PPID fills in place is never overwritten ----


@pytest.mark.slow
def test_a_sheet_filled_in_place_survives_a_second_run_the_same_day(tmp_path: Path) -> None:
    from batch_util import run_cli
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    ws = make_workspace(tmp_path / "ws", settle=0)
    write_form_xlsx(ws / "input" / "f1.xlsx", [form_row("Keputusan 1"), form_row("Keputusan 2")])
    assert run_cli(ws, now=NIGHT_1).exit_code == 0
    folder = ws / "output" / "persetujuan"
    (sheet,) = folder.glob("*.xlsx")
    # the Atasan PPID fills it where it lies; meanwhile a clerk drops another form
    filled = fill_approval_sheet(sheet, tmp_path / "diisi.xlsx", {"DIP-2025-0001": ("YA", None)})
    sheet.write_bytes(filled.read_bytes())
    write_form_xlsx(ws / "input" / "f2.xlsx", [form_row("Keputusan 3")])
    again = run_cli(ws, now="2026-11-23T03:00:00")  # the same office date
    assert again.exit_code == 0, again.output
    assert sheet.read_bytes() == filled.read_bytes()
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert names == ["Lembar-Persetujuan-2026-11-23-2.xlsx", "Lembar-Persetujuan-2026-11-23.xlsx"]
    # the night's own unfilled sheet is still replaced the night after; the filled one stays
    write_form_xlsx(ws / "input" / "f3.xlsx", [form_row("Keputusan 4")])
    third = run_cli(ws, now=NIGHT_2)
    assert third.exit_code == 0, third.output
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert names == ["Lembar-Persetujuan-2026-11-23.xlsx", "Lembar-Persetujuan-2026-11-24.xlsx"]
    assert sheet.read_bytes() == filled.read_bytes()


# ---- a register that disappeared is an error, not a fresh start ----


@pytest.mark.slow
def test_a_lost_register_stops_the_night_until_restored_or_started_over(tmp_path: Path) -> None:
    from batch_util import run_cli
    from click.testing import CliRunner
    from store_util import form_row, write_form_xlsx

    from ppid_batch.cli import cli

    ws = make_workspace(tmp_path / "ws", settle=0)
    write_form_xlsx(ws / "input" / "f1.xlsx", [form_row("Keputusan 1")])
    assert run_cli(ws, now=NIGHT_1).exit_code == 0
    db = ws / "var" / "ppid.sqlite"
    backup = db.read_bytes()
    db.unlink()
    write_form_xlsx(ws / "input" / "f2.xlsx", [form_row("Keputusan lain")])
    refused = run_cli(ws, now=NIGHT_2)
    assert refused.exit_code == 2
    line = refused.output.strip().splitlines()[-1]
    assert line.startswith("Galat: Register tidak ditemukan (")
    assert "berkas yang diterima di input/arsip/" in line
    assert line.endswith("jalankan: ppid-batch db mulai-baru --yakin")
    assert not db.exists()  # no empty register was made in its place
    assert (ws / "input" / "f2.xlsx").is_file()
    # an empty database in its place is refused the same way
    db.write_bytes(b"")
    assert "Galat: Register kosong" in run_cli(ws, now=NIGHT_2).output
    # restored from the backup: the night goes on with the old numbers
    db.write_bytes(backup)
    assert run_cli(ws, now=NIGHT_2).exit_code == 0
    # deliberately starting over needs --yakin
    db.unlink()
    runner = CliRunner()
    args = ["db", "mulai-baru", "--workspace", str(ws)]
    assert runner.invoke(cli, args).exit_code == 2
    assert runner.invoke(cli, [*args, "--yakin"]).exit_code == 0
    write_form_xlsx(ws / "input" / "f3.xlsx", [form_row("Keputusan baru")])
    assert run_cli(ws, now="2026-11-25T01:00:00").exit_code == 0


# ---- database errors in one Indonesian line ----


@pytest.mark.parametrize(
    ("driver_text", "reason"),
    [
        ("database is locked", "register sedang dikunci program lain"),
        ("database or disk is full", "disk penuh"),
    ],
)
def test_a_locked_or_full_register_is_one_indonesian_line(
    driver_text: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import sqlalchemy as sa
    from batch_util import run_cli
    from store_util import form_row, write_form_xlsx

    from ppid_batch.store import Store

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError(
            "INSERT INTO runs (id, started, status) VALUES (?, ?, ?)",
            (1, "x", "running"),
            sqlite3.OperationalError(driver_text),
        )

    monkeypatch.setattr(Store, "start_run", refuse)
    ws = make_workspace(tmp_path / "ws", settle=0)
    write_form_xlsx(ws / "input" / "f1.xlsx", [form_row("Keputusan 1")])
    result = run_cli(ws, now=NIGHT_1)
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Galat: Proses malam terhenti: {reason}")
    assert "INSERT" not in line and "sqlite3" not in line and "OperationalError" not in line


# ---- dangerous settings ----


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('input = ""', "'lokasi.input' tidak boleh folder ruang kerja itu sendiri."),
        ('var = "input"', "'lokasi.input' dan 'lokasi.var' harus folder yang terpisah"),
        ('output = "input/hasil"', "'lokasi.input' dan 'lokasi.output' harus folder yang terpisah"),
        ('output = "/tmp/ppid-luar"', "'lokasi.output' berada di luar ruang kerja"),
        # The Atasan PPID's folder: never where clerks write, nor output/, var/ or the root.
        ('persetujuan = "input/atasan"', "'lokasi.input' dan 'lokasi.persetujuan' harus folder"),
        ('persetujuan = "output"', "'lokasi.output' dan 'lokasi.persetujuan' harus folder"),
        ('persetujuan = "var/lembar"', "'lokasi.var' dan 'lokasi.persetujuan' harus folder"),
        ('persetujuan = "."', "'lokasi.persetujuan' tidak boleh folder ruang kerja itu sendiri"),
        ('persetujuan = "/tmp/ppid-luar"', "'lokasi.persetujuan' berada di luar ruang kerja"),
        # The office's templates shape every signed document.
        (
            'templat = "input/templat"',
            "'lokasi.templat' tidak boleh berada di dalam folder 'input'",
        ),
        ('templat = "output/t"', "'lokasi.templat' tidak boleh berada di dalam folder 'output'"),
    ],
)
def test_folders_must_be_apart_and_inside_the_workspace(
    setting: str, message: str, tmp_path: Path
) -> None:
    from ppid_batch.errors import ConfigError

    ws = make_workspace(tmp_path / "ws")
    toml = ws / "ppid.toml"
    key = setting.split(" = ")[0]
    text = re.sub(rf'(?m)^(# )?{key} = ".*"$', setting, toml.read_text("utf-8"), count=1)
    assert setting in text
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(ws)
    assert message in str(err.value)
    if "luar" in message:
        toml.write_text(toml.read_text("utf-8") + "luar_ruang_kerja = true\n", encoding="utf-8")
        config = load_config(ws)
        assert Path("/tmp/ppid-luar") in (config.output_dir, config.approval_dir)


@pytest.mark.parametrize("spec", ["{urut:0>300000000}", "{urut:{tahun}}", "{urut:.999999f}"])
def test_number_patterns_with_unbounded_formats_are_refused(spec: str, tmp_path: Path) -> None:
    from ppid_batch.errors import ConfigError

    ws = make_workspace(tmp_path / "ws")
    toml = ws / "ppid.toml"
    text = toml.read_text("utf-8")
    text = re.sub(r'(?m)^pola_nomor = ".*"$', f'pola_nomor = "{spec}/ND/{{tahun}}"', text, count=1)
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="lebar paling banyak 20|tidak dapat dibaca"):
        load_config(ws)


def test_a_bounded_number_pattern_is_accepted(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    toml = ws / "ppid.toml"
    text = re.sub(
        r'(?m)^pola_nomor = ".*"$',
        'pola_nomor = "{urut:03d}/{kka}/{tahun}"',
        toml.read_text("utf-8"),
        count=1,
    )
    toml.write_text(text, encoding="utf-8")
    assert load_config(ws).nota_number(7, 2026) == "007/HM.02/2026"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_file_or_link_named_arsip_in_input_does_not_stop_the_night(
    kind: str, tmp_path: Path
) -> None:
    from batch_util import run_cli
    from store_util import form_row, write_form_xlsx

    ws = make_workspace(tmp_path / "ws", settle=0)
    outside = tmp_path / "di-luar"
    outside.mkdir()
    if kind == "file":
        (ws / "input" / "arsip").write_text("bukan folder")
    else:
        (ws / "input" / "arsip").symlink_to(outside, target_is_directory=True)
    write_form_xlsx(ws / "input" / "f1.xlsx", [form_row("Keputusan 1")])
    result = run_cli(ws, now=NIGHT_1)
    assert result.exit_code in (0, 1), result.output
    assert (ws / "input" / "arsip" / "2026-11-23" / "f1.xlsx").is_file()
    assert (ws / "input" / "arsip").is_dir() and not (ws / "input" / "arsip").is_symlink()
    assert list(outside.iterdir()) == []
    moved = ws / "input" / "arsip-bukan-folder"
    if kind == "link":
        assert moved.is_symlink()
    else:  # read as an input like any other file, and refused
        assert (ws / "input" / "ditolak" / "2026-11-23" / "arsip").is_file() or moved.is_file()


# ---- long text: a cell error, never a silent cut ----


def test_a_megabyte_keterangan_is_a_cell_error_not_a_silent_cut(tmp_path: Path) -> None:
    # openpyxl writes what it is given; Excel itself stops a cell at 32 767 characters
    form = Form(rows=[good_row(1, keterangan="x" * 1_000_000), good_row(2)])
    report = validate_file(write_form(form, tmp_path / "f.xlsx", writer="openpyxl"))
    assert [(f.field, f.type, f.row) for f in report.errors] == [("keterangan", "too_long", 9)]
    assert re.fullmatch(
        r"Keterangan terlalu panjang \(\d+ karakter\); paling banyak 5000 karakter\. Ringkas "
        r"isinya; rincian dapat ditaruh di dokumen yang ditautkan\.",
        report.errors[0].message,
    )


# ---- implausible dates ----


@pytest.mark.parametrize("year", [1998, 2099])
def test_a_filing_date_before_1999_or_far_ahead_is_a_cell_error(year: int, tmp_path: Path) -> None:
    form = Form()
    form.meta[3][2] = dt.date(year, 5, 2)  # Tanggal Pengisian
    report = validate_file(write_form(form, tmp_path / "f.xlsx"))
    assert ("tanggal_pengisian", "date_range") in [(f.field, f.type) for f in report.errors]
