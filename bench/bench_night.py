"""Benchmark: two whole nights at national scale against their irreducible parts.

    python bench/bench_night.py [--forms 200] [--rows 200] [--units 50] [--keep DIR]
    python bench/bench_night.py --forms 50 --rows 200     # 10,000 rows
    python bench/bench_night.py --forms 20 --rows 50      # a quick look (1,000 rows)

The forms: `--forms` Form DIP files of `--rows` rows each, from `--units` units (labels
in column A, values in column B, the usual header row; ringkasan from
tests/similar_util.national_ringkasan: each unit its own documents, about a third
another unit's variant of an item). Written with xlsxwriter before the clock starts.

Night 1: the forms dropped in input/ → register (pending) and the approval sheet.
Night 2: the signed approval sheet (every item YA but one, demo.fill_approval_sheet)
→ register, DIP, Keputusan, one Nota Dinas per unit, Disposisi, reports.
Night 3: nothing new in input/ (a quiet night on the big register; target ≤ 1 s).
Night 4: one form of 20 rows on the big register, the common night of an office with years
of register behind it: what it costs beyond its own 20 rows is what a night pays for the
register's size.
Both through ppid_batch.batch.pipeline.run, as `ppid-batch run` does, each night in a
process of its own (as cron starts it), so that its peak memory is its own.

Each night is printed as a ratio to the sum of its irreducible parts, measured right
after it in a process of their own (as the night has its own):
- read: python-calamine reading every sheet of the same input files;
- write: xlsxwriter writing the night's xlsx outputs again: the same files, sheets and
  cell values (read back with calamine before the clock starts), each cell by the plain
  call of its type, without formats or row heights. Until 2026-12-03 this part wrote as
  many cells of one repeated text (a single shared string, cheaper than the outputs' own
  texts); that figure is still printed beside the floor, not counted;
- render: docxtpl rendering as many documents as the night wrote, each from a minimal
  template with a table of as many rows as the night's document has;
- LibreOffice (when installed and not PPID_BATCH_LIBREOFFICE=tidak): soffice converting,
  in one call, the documents the night's print pack took. It is printed apart: the ratio
  is the night without its print pack over read + write + render, and the print pack is
  set beside soffice alone (the pack adds only pypdf's join), so that LibreOffice's
  layout time, which no code of ours can shorten, neither hides nor excuses ours.
The stage breakdown is the night's own (`durations` in output/runs/*/run.json: the
stage functions of batch/stages.py timed by pipeline._night). Within the writing stage each
kind of output gets the time since the output before it; outputs written by one call and
announced together (the annual reports: matrix, charts and report) share one line.
Peak memory is the kernel's high-water mark of RSS, reset at each stage and each output
written (Linux /proc/self/clear_refs), so that each night prints its own peak and where it
is reached.
The package's modules are compiled before the clock starts (`compile_package`), as an
installed package's are. Wall-clock times on a shared machine: note `uptime` with each figure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from batch_util import ATASAN, make_workspace  # noqa: E402
from similar_util import _vary, national_ringkasan, national_unit  # noqa: E402

CETAK = "cetak.pdf"  # the print pack, in the writing stage's breakdown
TOGETHER = 0.002  # s: outputs announced this close after the previous were written with it
NIGHT_1 = dt.datetime(2026, 11, 23, 1, 0)
NIGHT_2 = dt.datetime(2026, 11, 24, 1, 0)
NIGHT_3 = dt.datetime(2026, 11, 25, 1, 0)  # a quiet night: nothing new in input/
NIGHT_4 = dt.datetime(2026, 11, 26, 1, 0)  # a small night: one form of SMALL_ROWS rows
SMALL_ROWS = 20
HEADER = [
    "ID Informasi",
    "Ringkasan Isi Informasi",
    "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "Waktu Pembuatan Informasi",
    "Tempat Pembuatan Informasi",
    "Bentuk Informasi yang Tersedia",
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
    "Jenis Informasi",
    "Dasar Hukum Pengecualian",
]
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]  # fmt: skip
BENTUK = ["Softcopy", "Hardcopy", "Softcopy dan Hardcopy"]
JENIS = ["Berkala", "Berkala", "Setiap Saat", "Serta Merta"]


def write_forms(folder: Path, forms: int, rows: int, units: int, seed: int = 1) -> list[Path]:
    """`forms` filled Form DIP files of `rows` rows; form k is unit k % units's."""
    import xlsxwriter

    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    own: list[str] = []
    paths = []
    for k in range(forms):
        unit_no = k % units
        unit = national_unit(unit_no)
        path = folder / f"Form-DIP-{k + 1:03d}-{unit.replace(' ', '-')}.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Form DIP")
        sheet.write(0, 0, "FORM DAFTAR INFORMASI PUBLIK")
        for r, (label, value) in enumerate(
            (
                ("Unit Kerja / Subbagian", unit),
                ("Nama Petugas", f"Petugas {unit}"),
                ("Tanggal Pengisian", "10 November 2026"),
            ),
            start=2,
        ):
            sheet.write(r, 0, label)
            sheet.write(r, 1, value)
        for c, label in enumerate(HEADER):
            sheet.write(7, c, label)
        seen: set[str] = set()
        r = 8
        while r < 8 + rows:
            if own and rnd.random() < 1 / 3:
                ringkasan = _vary(rnd.choice(own), rnd)
            else:
                ringkasan = national_ringkasan(unit_no, rnd)
                own.append(ringkasan)
            if ringkasan.casefold() in seen:  # the form's own duplicate: another item
                continue
            seen.add(ringkasan.casefold())
            values = [
                None,
                ringkasan,
                unit,
                f"Sekretaris {unit}",
                f"{rnd.choice(BULAN)} {rnd.choice([2023, 2024, 2025])}",
                unit.removeprefix("KPU ").removeprefix("Kota "),
                rnd.choice(BENTUK),
                f"{rnd.choice([2, 5, 10])} Tahun",
                rnd.choice(JENIS),
                None,
            ]
            for c, value in enumerate(values):
                if value is not None:
                    sheet.write(r, c, value)
            r += 1
        book.close()
        paths.append(path)
    return paths


def drop(ws: Path, files: list[Path]) -> None:
    long_ago = time.time() - 3600
    for src in files:
        dst = ws / "input" / src.name
        shutil.copyfile(src, dst)
        os.utime(dst, (long_ago, long_ago))


class TimingProgress:
    """The pipeline's progress reporter, timing each unit: within the writing stage a unit
    is one output written, so the time since the previous one is that output's cost.

    It also keeps each stage's peak RSS, and within the writing stage each kind of
    output's (Linux: the kernel's high-water mark, reset at each step)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        # stage or output kind → (its peak RSS, its growth above the RSS it began with), MB
        self.peaks: dict[str, tuple[float, float]] = {}
        self._stage = ""
        self._kind = ""  # the kind of output announced last (advance)
        self._last = time.perf_counter()
        night_peak_reset()
        self._start_rss = rss_mb() or 0.0

    def _peak(self, key: str) -> None:
        """Close the step `key`: its peak RSS, and how far above the RSS it began with."""
        peak = night_peak_mb()
        if peak is not None and key:
            grew = peak - self._start_rss
            old_peak, old_grew = self.peaks.get(key, (0.0, 0.0))
            self.peaks[key] = (max(old_peak, peak), max(old_grew, grew))
        night_peak_reset()
        self._start_rss = rss_mb() or 0.0

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        self._peak(self._stage or "mulai")
        self._stage, self._last = name, time.perf_counter()

    def advance(self, note: str | None = None) -> None:
        now = time.perf_counter()
        if self._stage == "hasil":
            # Nota-Dinas-KPU-Mesuji-0001.docx → Nota-Dinas: one line per kind of output
            kind = "-".join(w for w in Path(note or "?").stem.split("-")[:2] if w) or "?"
            kind += Path(note or "").suffix
            if kind.startswith("20"):  # output/cetak/2026-11-24.pdf
                kind = CETAK
            if now - self._last < TOGETHER and self._kind and kind != self._kind:
                # Announced together (the annual reports: the matrix, the charts and the
                # report are written by one call, then announced): the time since the
                # previous output was theirs together, so they share one line.
                together = (
                    self._kind if kind in self._kind.split(" + ") else f"{self._kind} + {kind}"
                )
                self.spent[together] = self.spent.pop(self._kind, 0.0)
                self.peaks[together] = self.peaks.pop(self._kind, (0.0, 0.0))
                kind = together
            self.spent[kind] = self.spent.get(kind, 0.0) + now - self._last
            self._peak(kind)
            self._kind = kind
        self._last = now

    def info(self, message: str) -> None:
        pass

    def close(self) -> None:
        self._peak(self._stage or "mulai")


def cpu() -> float:
    """CPU seconds of this process and its waited-for children (LibreOffice): on a shared
    machine the wall clock also counts other people's work, the CPU time does not."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def night_peak_reset() -> None:
    """Start a new peak RSS for the night (Linux): the bench's own parts, such as docxtpl
    rendering the lower bound, peak higher than a night and would hide it in ru_maxrss."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _status_mb(field: str) -> float | None:
    with contextlib.suppress(OSError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return None


def night_peak_mb() -> float | None:
    """The peak RSS since the last night_peak_reset (Linux), in MB."""
    return _status_mb("VmHWM:")


def rss_mb() -> float | None:
    return _status_mb("VmRSS:")


def run_night(ws: Path, now: dt.datetime) -> tuple[float, float, dict[str, float], str, float]:
    """One night in a process of its own, as cron starts it: its peak RSS is its own, not
    what this bench process still holds from the nights and lower bounds before it."""
    import subprocess

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--night", str(ws), now.isoformat()],
            stdout=out, stderr=err, text=True,
        )  # fmt: skip
        together = tree_peak_mb(proc)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = stdout.splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("RESULT "):
        sys.exit(f"the night of {now} failed:\n{stdout}\n{stderr}")
    for line in lines[:-1]:
        print(line)
    if together is not None:
        print(f"  peak memory of the night and its children together (summed PSS, sampled "
              f"every {TREE_SAMPLE_S * 1000:.0f} ms): {together[0]:.0f} MB "
              f"in {together[1]} process(es)")  # fmt: skip
    got = json.loads(lines[-1].removeprefix("RESULT "))
    return got["took"], got["cpu"], got["durations"], got["summary"], got["spent"]


TREE_SAMPLE_S = 0.25  # reading a 700 MB process's smaps_rollup takes about 10 ms


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as kids:
            children = [int(k) for k in kids.read().split()]
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(child))]


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_peak_mb(proc: Any) -> tuple[float, int] | None:
    """Wait for `proc`, sampling the summed PSS of it and its descendants (a forked child
    shares pages with the night: PSS counts each page once across them, RSS would count
    it in both); (peak MB, processes then), or None without /proc."""
    if not Path(f"/proc/{proc.pid}/smaps_rollup").exists():
        proc.wait()
        return None
    peak, count = 0.0, 1
    while proc.poll() is None:
        pids = _tree(proc.pid)
        total = sum(map(_pss_mb, pids))
        if total > peak:
            peak, count = total, len(pids)
        time.sleep(TREE_SAMPLE_S)
    return peak, count


def night_here(ws: Path, now: dt.datetime) -> None:
    """The child of run_night: the night through pipeline.run, timed from the call (its
    lazy imports included), its breakdown printed, its figures on a last RESULT line."""
    from ppid_batch.batch.pipeline import run
    from ppid_batch.config_file import load_config

    config = load_config(ws)
    progress = TimingProgress()
    start, start_cpu = time.perf_counter(), cpu()
    report = run(config, now=now, progress=progress)
    took, took_cpu = time.perf_counter() - start, cpu() - start_cpu
    assert report.run_dir is not None
    record = json.loads((report.run_dir / "run.json").read_text("utf-8"))
    top = sorted(progress.spent.items(), key=lambda kv: -kv[1])[:8]
    if top:
        print("  writing, by output: " + ", ".join(f"{k} {v:.1f} s" for k, v in top))
    progress.close()
    if progress.peaks:
        peak = max(p for p, _ in progress.peaks.values())
        heavy = sorted(progress.peaks.items(), key=lambda kv: -kv[1][1])[:6]
        # its child processes (the near-duplicate index computed ahead): the largest one's
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak RSS of the night: {peak:.0f} MB, of its largest child {children:.0f} MB; "
              "the steps that grew it most "
              "(+MB above the RSS they began with → their peak): "
              + ", ".join(f"{k} +{g:.0f} → {p:.0f}" for k, (p, g) in heavy))  # fmt: skip
    result = {
        "took": took,
        "cpu": took_cpu,
        "durations": record.get("durations", {}),
        "summary": report.summary,
        "spent": progress.spent.get(CETAK, 0.0),
    }
    print("RESULT " + json.dumps(result))


def outputs_since(ws: Path, before: set[Path]) -> list[Path]:
    return sorted(
        p
        for p in (ws / "output").rglob("*")
        if p.is_file() and p not in before and "runs" not in p.relative_to(ws).parts
    )


# ---- the irreducible parts ----


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of `work()`."""
    start, start_cpu = time.perf_counter(), cpu()
    work()
    return time.perf_counter() - start, cpu() - start_cpu


def calamine_read(files: list[Path]) -> tuple[float, float]:
    from python_calamine import CalamineWorkbook

    def read() -> None:
        for path in files:
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()

    return timed(read)


def xlsx_cells(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Each sheet of an xlsx output with its cells as calamine reads them back (from A1:
    the empty rows and columns before the first value are kept, as in the file)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [
        (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        for name in book.sheet_names
    ]


def _write_cell(sheet: Any, r: int, c: int, value: object) -> None:
    """The cell as a plain xlsxwriter call of its type; an empty cell is not written."""
    if isinstance(value, str):
        if value:
            sheet.write_string(r, c, value)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif isinstance(value, dt.date | dt.time):
        sheet.write_datetime(r, c, value)
    elif value is not None:
        sheet.write_string(r, c, str(value))


def xlsxwriter_write(files: list[Path], folder: Path) -> tuple[float, float]:
    """xlsxwriter writing the night's xlsx outputs again: the same files, sheets and cell
    values (read back before the clock starts, one file at a time), each cell by the plain
    call of its type, without formats, heights or anything else the outputs add. The
    shared-string table and the XML escaping of the real texts are part of this work."""
    import xlsxwriter

    wall = cpu_time = 0.0
    for k, path in enumerate(files):
        sheets = xlsx_cells(path)

        def write(k: int = k, sheets: list[tuple[str, list[list[object]]]] = sheets) -> None:
            book = xlsxwriter.Workbook(str(folder / f"w{k}.xlsx"))
            for name, rows in sheets:
                sheet = book.add_worksheet(name)
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        _write_cell(sheet, r, c, value)
            book.close()

        took = timed(write)
        wall, cpu_time = wall + took[0], cpu_time + took[1]
        del sheets
    return wall, cpu_time


def xlsxwriter_one_text(files: list[Path], folder: Path) -> tuple[float, float]:
    """The floor as it was measured until 2026-12-03, printed beside the floor for
    comparison: as many rows × columns as each sheet of the outputs, every cell the same
    73-character text (one shared string: cheaper than the outputs' own cells)."""
    import xlsxwriter

    shapes = [
        (len(rows), max((len(r) for r in rows), default=0))
        for path in files
        for _, rows in xlsx_cells(path)
    ]
    text = "Keputusan KPU Kabupaten Mesuji Nomor 12 Tahun 2024 tentang Penetapan Calon"

    def write() -> None:
        for k, (rows, cols) in enumerate(shapes):
            book = xlsxwriter.Workbook(str(folder / f"t{k}.xlsx"))
            sheet = book.add_worksheet()
            for r in range(rows):
                for c in range(cols):
                    sheet.write_string(r, c, text)
            book.close()

    return timed(write)


SQLITE_ASIDE = "SQLite inserting the register's rows, CPU"


def sqlite_insert(db: Path, folder: Path) -> tuple[float, float]:
    """SQLite (the sqlite3 module, no SQLAlchemy) inserting every row of the register `db`
    into a new database of the same schema, indexes and pragmas, one executemany per table
    in one transaction: the rows read before the clock starts. For night 1, whose register
    starts empty, these are the rows the night inserted."""
    import sqlite3

    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    schema = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    tables = [
        (name, src.execute(f'SELECT * FROM "{name}"').fetchall())
        for kind, name, _ in schema
        if kind == "table"
    ]
    src.close()
    dst = sqlite3.connect(folder / "register.sqlite", isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=FULL"):
        dst.execute(f"PRAGMA {pragma}")
    for _, _, sql in schema:
        dst.execute(sql)

    def insert() -> None:
        dst.execute("BEGIN")
        for name, rows in tables:
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                dst.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        dst.execute("COMMIT")

    took = timed(insert)
    dst.close()
    return took


def docx_rows(files: list[Path]) -> list[int]:
    """Rows of the tables of each document the night wrote."""
    import docx

    return [sum(len(t.rows) for t in docx.Document(str(p)).tables) for p in files]


def minimal_template(path: Path) -> Path:
    """The lower bound's docx template: a heading and a three-column table of `rows`."""
    import docx

    document = docx.Document()
    document.add_paragraph("Nota Dinas {{ nomor }}")
    # {%tr %} takes its whole row: the loop's tags need rows of their own around the
    # item row (with the endfor in the item row, every row was dropped: 0 rows rendered).
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "{%tr for r in rows %}"
    table.cell(1, 0).text = "{{ r.id }}"
    table.cell(1, 1).text = "{{ r.ringkasan }}"
    table.cell(1, 2).text = "{{ r.jenis }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    document.save(str(path))
    return path


def docxtpl_render(rows: list[int], folder: Path) -> tuple[float, float]:
    from docxtpl import DocxTemplate

    template = minimal_template(folder / "minimal.docx")

    def render() -> None:
        for k, n in enumerate(rows):
            tpl = DocxTemplate(str(template))
            tpl.render(
                {
                    "nomor": k,
                    "rows": [
                        {
                            "id": f"DIP-2026-{i:05d}",
                            "ringkasan": "Laporan Keuangan",
                            "jenis": "Berkala",
                        }
                        for i in range(n)
                    ],
                },
                autoescape=True,
            )
            tpl.save(str(folder / f"d{k}.docx"))

    return timed(render)


def soffice_alone(outputs: list[Path], scratch: Path) -> float | None:
    """LibreOffice converting, in one call as the print pack does, the documents the
    night's print pack took (print_pack.pack_parts over the night's new outputs);
    None without LibreOffice (or with PPID_BATCH_LIBREOFFICE=tidak)."""
    from ppid_batch.documents.pdf import convert_to_pdf, find_soffice

    if find_soffice() is None:
        return None
    from ppid_batch.documents.print_pack import PACK_MAX_ROWS, pack_parts, table_rows

    parts = [
        p
        for p in pack_parts(outputs)
        if p.suffix.lower() != ".pdf" and table_rows(p) <= PACK_MAX_ROWS  # as the pack does
    ]
    if not parts:
        return 0.0
    start = time.perf_counter()
    convert_to_pdf(parts, scratch / "pdf")
    return time.perf_counter() - start


def irreducible(
    inputs: list[Path], outputs: list[Path], scratch: Path, register: Path | None = None
) -> tuple[dict[str, float], float, dict[str, float]]:
    """The parts' wall-clock times, their CPU time without LibreOffice's, and the figures
    printed beside them (measure_parts), measured in
    a process of their own like the night they are set against: in this process they
    would run among everything the bench holds (the forms it wrote, the last sheet), and
    the garbage collector's passes over that would be counted as the libraries' work."""
    import subprocess

    job = {"inputs": [str(p) for p in inputs], "outputs": [str(p) for p in outputs],
           "register": str(register) if register is not None else None}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, __file__, "--floor", json.dumps(job), str(scratch)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("RESULT "):
        sys.exit(f"measuring the irreducible parts failed:\n{proc.stdout}\n{proc.stderr}")
    got = json.loads(lines[-1].removeprefix("RESULT "))
    return got["parts"], got["cpu"], got["aside"]


def irreducible_here(job: str, scratch: Path) -> None:
    """The child of irreducible: the parts measured, their figures on a last RESULT line.
    The libraries are imported before the clock starts: the floor is their work alone
    (the night's own imports count in the night, which makes its ratio no smaller)."""
    import docxtpl  # noqa: F401
    import python_calamine  # noqa: F401
    import xlsxwriter  # noqa: F401

    paths = json.loads(job)
    inputs, outputs = ([Path(p) for p in paths[k]] for k in ("inputs", "outputs"))
    register = Path(paths["register"]) if paths.get("register") else None
    parts, floor_cpu, aside = measure_parts(inputs, outputs, scratch, register)
    print("RESULT " + json.dumps({"parts": parts, "cpu": floor_cpu, "aside": aside}))


def measure_parts(
    inputs: list[Path], outputs: list[Path], scratch: Path, register: Path | None = None
) -> tuple[dict[str, float], float, dict[str, float]]:
    """The parts' wall-clock times, their CPU time (without LibreOffice's), and the
    figures printed beside them for comparison only (not part of the floor)."""
    scratch.mkdir(parents=True, exist_ok=True)
    xlsx = [p for p in outputs if p.suffix == ".xlsx"]
    docs = [p for p in outputs if p.suffix == ".docx"]
    rows = docx_rows(docs)
    measured = {
        "calamine": calamine_read(inputs),
        "xlsxwriter": xlsxwriter_write(xlsx, scratch),
        "docxtpl": docxtpl_render(rows, scratch),
    }
    parts = {k: wall for k, (wall, _) in measured.items()}
    floor_cpu = sum(c for _, c in measured.values())
    aside = {"xlsxwriter, one repeated text": xlsxwriter_one_text(xlsx, scratch)[0]}
    if register is not None:  # CPU: set beside the night's CPU ratio in show()
        aside[SQLITE_ASIDE] = sqlite_insert(register, scratch)[1]
    pdf = soffice_alone(outputs, scratch)
    if pdf is not None:
        parts["soffice"] = pdf
    shutil.rmtree(scratch)
    return parts, floor_cpu, aside


def show(
    name: str,
    took: tuple[float, float],
    stages: dict[str, float],
    parts: tuple[dict[str, float], float, dict[str, float]],
    pack: float,
) -> float:
    """Print the night against its parts; returns the ratio without the print pack.

    The print pack is LibreOffice's conversion: it is set against soffice converting the
    same documents alone (`soffice`), apart, so that the night's own work is not hidden
    behind LibreOffice's (docs/batch.md, "Berkas cetak pada register besar")."""
    (took, took_cpu), (parts, floor_cpu, aside) = took, parts
    alone = parts.pop("soffice", None)
    floor = sum(parts.values())
    ratio = (took - pack) / floor if floor else float("nan")
    print(f"{name}: {took:.1f} s; without the print pack {took - pack:.1f} s, "
          f"irreducible {floor:.1f} s → ratio {ratio:.2f}")  # fmt: skip
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    beside = "".join(f" (beside it, not counted: {k} {v:.1f} s)" for k, v in aside.items())
    print("  irreducible: " + ", ".join(f"{k} {v:.1f} s" for k, v in parts.items()) + beside)
    if not pack:  # CPU time: what the night costs whatever else the machine runs
        print(f"  CPU: night {took_cpu:.1f} s, irreducible {floor_cpu:.1f} s → ratio "
              f"{took_cpu / floor_cpu if floor_cpu else float('nan'):.2f}")  # fmt: skip
        inserts = aside.get(SQLITE_ASIDE)
        if inserts is not None and floor_cpu + inserts:
            print(f"  CPU, counting SQLite's inserts of the night's rows as irreducible too "
                  f"(not the issue's floor): irreducible {floor_cpu + inserts:.1f} s → ratio "
                  f"{took_cpu / (floor_cpu + inserts):.2f}")  # fmt: skip
    if alone is not None:
        whole = took / (floor + alone) if floor + alone else float("nan")
        print(f"  print pack {pack:.1f} s, soffice alone on its documents {alone:.1f} s; "
              f"whole night / (irreducible + soffice) = {whole:.2f}")  # fmt: skip
    return ratio


def compile_package() -> None:
    """Compile the package's modules, as an installed package has them: pip compiles them
    at install, and a first night writes them. Where PYTHONDONTWRITEBYTECODE is set (as in
    some CI sandboxes) every night would otherwise compile the whole package from source
    again: 0.15 s of CPU that no office pays (0.50 → 0.34 s to import its 109 modules)."""
    import compileall

    compileall.compile_dir(ROOT / "ppid_batch", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument(
        "--keep",
        type=Path,
        help="folder to keep (default: temp): forms, ws/ and ws-before-night-4/ (the big register "
        "before the small night, to run night 4 again on a copy: its form is small/)",
    )
    parser.add_argument(
        "--first-night-only",
        action="store_true",
        help="stop after night 1 and its floor (to compare night 1 before/after in turns)",
    )
    parser.add_argument("--night", nargs=2, help=argparse.SUPPRESS)  # run_night's child
    parser.add_argument("--floor", nargs=2, help=argparse.SUPPRESS)  # irreducible's child
    args = parser.parse_args()
    if args.night:
        night_here(Path(args.night[0]), dt.datetime.fromisoformat(args.night[1]))
        return
    if args.floor:
        irreducible_here(args.floor[0], Path(args.floor[1]))
        return
    from ppid_batch.batch.demo import fill_approval_sheet

    compile_package()
    base = Path(tempfile.mkdtemp(prefix="bench-night-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    print(f"{args.forms} forms × {args.rows} rows = {args.forms * args.rows} rows, "
          f"{args.units} units; load: {os.getloadavg()[0]:.1f}")  # fmt: skip
    forms = write_forms(base / "forms", args.forms, args.rows, args.units)
    ws = make_workspace(base / "ws", settle=0)
    drop(ws, forms)
    took, took_cpu, stages, summary, pack = run_night(ws, NIGHT_1)
    print("  " + summary.splitlines()[0][:160])
    night_1 = outputs_since(ws, set())
    floor = irreducible(forms, night_1, base / "floor", ws / "var" / "ppid.sqlite")
    r1 = show("night 1", (took, took_cpu), stages, floor, pack)
    if args.first_night_only:
        print(f"load: {os.getloadavg()[0]:.1f}")
        if args.keep is None:
            shutil.rmtree(base)
        return
    (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    signed = base / "Persetujuan-ditandatangani.xlsx"
    fill_approval_sheet(sheet, signed, atasan=ATASAN, day=dt.date(2026, 11, 23))
    drop(ws, [signed])
    before = set(night_1)
    took, took_cpu, stages, summary, pack = run_night(ws, NIGHT_2)
    print("  " + summary.splitlines()[0][:160])
    night_2 = outputs_since(ws, before)
    floor = irreducible([signed], night_2, base / "floor")
    r2 = show("night 2", (took, took_cpu), stages, floor, pack)
    took, took_cpu, _, summary, _ = run_night(ws, NIGHT_3)
    print(f"night 3 (quiet, nothing new): {took:.2f} s, CPU {took_cpu:.2f} s; "
          + summary.splitlines()[0][:100])  # fmt: skip
    small = write_forms(base / "small", 1, SMALL_ROWS, args.units, seed=4)
    if args.keep is not None:  # the big register as night 4 finds it, to run that night again
        shutil.copytree(ws, base / "ws-before-night-4", symlinks=True, dirs_exist_ok=True)
    drop(ws, small)
    took, took_cpu, stages, summary, _ = run_night(ws, NIGHT_4)
    print(f"night 4 (small: one form of {SMALL_ROWS} rows on the big register): {took:.1f} s, "
          f"CPU {took_cpu:.1f} s")  # fmt: skip
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ratios without the print pack: night 1 {r1:.2f}, night 2 {r2:.2f}; "
          f"max RSS of the whole bench {rss:.0f} MB; load: {os.getloadavg()[0]:.1f}")  # fmt: skip
    if args.keep is None:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
