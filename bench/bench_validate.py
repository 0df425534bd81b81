"""Benchmark: validating 500 forms × 200 rows vs python-calamine alone on the same files.

    python bench/bench_validate.py [--forms 500] [--rows 200] [--regenerate]

Generates the corpus into bench/out/ (git-ignored) with xlsxwriter, then times
1. python-calamine alone: open every file and read its form sheet into Python rows;
2. validate_file on every file, one call per file (intake, reading, normalisation,
   column rules, cross-field rules);
3. validate_files over all files: the same work through the call the batch and
   `validate FILE...` use.
Prints rows/s, peak memory, and the ratios (target: at most 3×). Times are CPU time of this
process (time.process_time), best of --repeat runs, so other jobs on the machine disturb
them less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from ppid_batch.forms.schema import form_schema  # noqa: E402
from ppid_batch.forms.validate import validate_file, validate_files  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
UNITS = [
    "Subbagian Keuangan, Umum dan Logistik",
    "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum",
    "Subbagian Perencanaan, Data dan Informasi",
    "Subbagian Partisipasi, Hubungan Masyarakat dan SDM",
]
TOPICS = [
    "Laporan Realisasi Anggaran",
    "Daftar Pemilih Tetap",
    "Rencana Kerja dan Anggaran",
    "Notulen Rapat Pleno",
    "Surat Keputusan Penetapan Calon",
    "Laporan Dana Kampanye",
    "Data Rekapitulasi Hasil Penghitungan Suara",
]
BENTUK = ["Softcopy", "Hardcopy", "Softcopy dan Hardcopy", "soft copy", "Cetak/Online"]
JENIS = ["Berkala", "Serta Merta", "Setiap Saat", "Informasi Berkala"]
RETENSI = ["5 Tahun", "2 Tahun Aktif, 3 Tahun Inaktif", "Permanen", "10 thn"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]


def write_form(path: Path, rows: int, rnd: random.Random) -> None:
    schema = form_schema()
    labels = [f.label for f in schema.fields if f.in_blank_form]
    keys = [f.key for f in schema.fields if f.in_blank_form]
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    datefmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet(schema.sheet_name)
    ws.write(0, 0, schema.title.upper())
    unit = rnd.choice(UNITS)
    ws.write_row(2, 0, ["Unit Kerja / Subbagian", ":", unit])
    ws.write_row(3, 0, ["Nama Petugas", ":", "Siti Rahmawati"])
    ws.write_row(4, 0, ["NIP", ":", "19860926 201505 1 001"])
    ws.write_row(5, 0, ["Tanggal Pengisian", ":"])
    ws.write_datetime(5, 2, dt.datetime(2025, 9, 1), datefmt)
    ws.write_row(7, 0, labels)
    for i in range(rows):
        year = rnd.randint(2019, 2024)
        values = {
            "no": i + 1,
            "ringkasan": f"{rnd.choice(TOPICS)} {unit} nomor {i + 1} Tahun {year}",
            "penguasa": unit,
            "penanggung_jawab": f"Kepala {unit}",
            "waktu_pembuatan": rnd.choice(
                [str(year), f"{rnd.choice(MONTHS)} {year}", dt.datetime(year, 3, 14)]
            ),
            "tempat_pembuatan": "Mesuji",
            "bentuk": rnd.choice(BENTUK),
            "retensi": rnd.choice(RETENSI),
            "jenis": rnd.choice(JENIS),
            "dasar_pengecualian": "",
            "konsekuensi": "",
            "tautan": rnd.choice(["https://jdih.kpu.go.id/lampung/mesuji", "Lemari Arsip, Rak 2"]),
            "keterangan": "",
        }
        for c, key in enumerate(keys):
            v = values.get(key, "")
            if isinstance(v, dt.datetime):
                ws.write_datetime(8 + i, c, v, datefmt)
            elif v != "":
                ws.write(8 + i, c, v)
    wb.close()


def corpus(forms: int, rows: int, regenerate: bool) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = [OUT / f"Form-DIP-{i:04d}.xlsx" for i in range(forms)]
    rnd = random.Random(2025)
    if regenerate or not all(p.exists() for p in paths):
        t = time.perf_counter()
        for p in paths:
            write_form(p, rows, rnd)
        print(f"corpus: {forms} forms x {rows} rows written in {time.perf_counter() - t:.1f} s")
    return paths


def calamine_only(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        rows = wb.get_sheet_by_name("Form DIP").to_python(skip_empty_area=False)
        n += len(rows)
        wb.close()
    return n


def validate_all(paths: list[Path]) -> tuple[int, int]:
    items = bad = 0
    for p in paths:
        report = validate_file(p)
        items += report.rows
        bad += not report.ok
    return items, bad


def validate_batched(paths: list[Path]) -> tuple[int, int]:
    items = bad = 0
    for report in validate_files(paths):
        items += report.rows
        bad += not report.ok
    return items, bad


def timed(fn, paths: list[Path]) -> tuple[float, object]:
    t = time.process_time()
    result = fn(paths)
    return time.process_time() - t, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=500)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = ap.parse_args()
    paths = corpus(args.forms, args.rows, args.regenerate)
    total_rows = args.forms * args.rows

    validate_file(paths[0])  # warm caches (schema, rules) outside the timing
    calamine_only(paths[:5])

    results = {}
    for mode in ("default gc", "gc.freeze()"):
        if mode == "gc.freeze()":
            # what a long batch process can do after its imports: the objects of the
            # imported libraries are no longer walked by every full collection
            gc.collect()
            gc.freeze()
        # best of `repeat` interleaved runs (as timeit does): the machine is shared
        runs = []
        for _ in range(args.repeat):
            t_cal, _ = timed(calamine_only, paths)
            t_val, (items, bad) = timed(validate_all, paths)
            t_bat, (items_b, bad_b) = timed(validate_batched, paths)
            assert (items, bad) == (items_b, bad_b)
            runs.append((t_cal, t_val, t_bat))
        results[mode] = tuple(min(r[i] for r in runs) for i in range(3))
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    validate_batched(paths[:150])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"corpus: {len(paths)} forms, {total_rows:,} rows; CPU seconds (time.process_time)")
    for mode, (t_cal, t_val, t_bat) in results.items():
        print(f"[{mode}]")
        print(f"  python-calamine alone   : {t_cal:6.2f} s  {total_rows / t_cal:9,.0f} rows/s")
        print(
            f"  validate_file, per file : {t_val:6.2f} s  {total_rows / t_val:9,.0f} rows/s"
            f"  ratio {t_val / t_cal:4.2f}x"
        )
        print(
            f"  validate_files, batched : {t_bat:6.2f} s  {total_rows / t_bat:9,.0f} rows/s"
            f"  ratio {t_bat / t_cal:4.2f}x  (target <= 3x)"
        )
    print(f"items read              : {items:,} ({bad} forms with errors)")
    print(f"peak RSS                : {rss_mib:,.0f} MiB (whole process, ru_maxrss)")
    print(f"peak Python heap        : {traced_peak / 1024 / 1024:,.1f} MiB (tracemalloc, batched)")


if __name__ == "__main__":
    main()
