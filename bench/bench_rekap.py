"""Benchmark for the national roll-up: 552 offices × 1,000 items in one PostgreSQL database.

Run: python bench/bench_rekap.py [--kantor 552] [--informasi 1000] [--malam 3]

Starts a throwaway PostgreSQL cluster (as the tests do; needs /usr/lib/postgresql/*/bin),
prepares every office with `db kantor-baru`'s library function, fills each register with
SQL COPY (not through nights), then measures:

- `ppid-batch rekap --sumber URL` over the whole database: wall time, peak memory (max RSS
  of the rekap process) and the size of what it writes;
- one office's night (the example Keuangan form, 14 items) on that full server, against
  the same night in a database holding only that office (median of --malam runs each).

Not run in CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402
from pg_util import _server_bin, _server_user  # noqa: E402

from ppid_batch.batch.workspace import init_workspace  # noqa: E402
from ppid_batch.store.ids import match_key  # noqa: E402
from ppid_batch.store.offices import create_office  # noqa: E402

SANDI = "sandi-bench-kantor-123"
JENIS = ("Berkala", "Berkala", "Setiap Saat", "Serta Merta", "Berkala", "Setiap Saat",
         "Berkala", "Serta Merta", "Berkala", "Dikecualikan")  # fmt: skip
UNITS = (
    "Subbagian Keuangan, Umum dan Logistik",
    "Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Masyarakat",
    "Subbagian Perencanaan, Data dan Informasi",
    "Subbagian Hukum dan SDM",
)
TS = "2026-03-11T01:00:00.000000+00:00"
ITEM_COLUMNS = (
    "id", "year", "seq", "unit", "ringkasan", "penguasa", "penanggung_jawab", "waktu_pembuatan",
    "tempat_pembuatan", "bentuk", "retensi", "jenis", "dasar_pengecualian", "konsekuensi",
    "status", "decision", "decided_on", "atasan", "submission_id", "source_file", "source_sheet",
    "source_row", "received_on", "created_run", "updated_run", "created_at", "updated_at",
    "match_key",
)  # fmt: skip


@contextmanager
def server() -> Iterator[tuple[Path, str]]:
    """A cluster on a unix socket in a temp dir: (socket dir, admin URL of database 'postgres')."""
    bin_dir = _server_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL server binaries not found (Debian package 'postgresql').")
    as_user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="ppid-bench-", dir="/tmp"))
    if as_user:
        import pwd

        owner = pwd.getpwnam(as_user[2])
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, pg_ctl = root / "data", str(bin_dir / "pg_ctl")
    run = [*as_user]
    subprocess.run(
        [*run, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
         "-E", "UTF8", "--locale=C", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-k {root} -c listen_addresses= -c fsync=off -c max_connections=50"
    subprocess.run(
        [*run, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield root, f"postgresql+psycopg://postgres@/postgres?host={root}"
    finally:
        subprocess.run([*run, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def new_database(admin: str, name: str) -> str:
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return admin.replace("/postgres?", f"/{name}?")


def fill(url: str, schema: str, n: int) -> None:
    """One run, one form and `n` items (90 % approved) in an office's register, by COPY."""
    import psycopg

    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"SET search_path = {schema}")
        cur.execute(
            "INSERT INTO runs (id, started, finished, status, counts) "
            "VALUES (1, %s, %s, 'ok', '{}')",
            (TS, TS),
        )
        cur.execute(
            "INSERT INTO submissions (id, file_name, sha256, unit, petugas, received, verdict, "
            "rows, run_id, recorded_at) VALUES (1, 'Form-DIP.xlsx', %s, %s, 'Petugas', "
            "'2026-03-11', 'accepted', %s, 1, %s)",
            (schema.ljust(64, "0"), UNITS[0], n, TS),
        )
        with cur.copy(f"COPY items ({', '.join(ITEM_COLUMNS)}) FROM STDIN") as copy:
            for k in range(1, n + 1):
                unit = UNITS[k % len(UNITS)]
                jenis = JENIS[k % len(JENIS)]
                ringkasan = (
                    f"Laporan kegiatan nomor {k} tentang pelaksanaan tahapan pemilihan "
                    f"dan pelayanan informasi publik di {unit}"
                )
                approved = k % 10 != 0
                copy.write_row((
                    f"DIP-2026-{k:04d}", 2026, k, unit, ringkasan, unit, f"Kepala {unit}",
                    f"2026-{k % 12 + 1:02d}", "Bandar Lampung", "Softcopy", "5 Tahun", jenis,
                    "UU 14/2008 Pasal 17" if jenis == "Dikecualikan" else None,
                    "Mengganggu proses penegakan hukum" if jenis == "Dikecualikan" else None,
                    "approved" if approved else "pending", "YA" if approved else None,
                    "2026-03-14" if approved else None, "Atasan PPID" if approved else None,
                    1, "Form-DIP.xlsx", "Form DIP", k + 7, "2026-03-11", 1, 1, TS, TS,
                    match_key(unit, ringkasan, f"2026-{k % 12 + 1:02d}"),
                ))  # fmt: skip


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS (KiB) of a `ppid-batch` child process, its output.

    CPU seconds are quoted beside wall seconds: on a shared machine the wall clock mostly
    measures the neighbours.
    """
    wrapper = (
        "import resource, sys\n"
        "from ppid_batch.cli import cli\n"
        "try:\n    cli(sys.argv[1:], prog_name='ppid-batch')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "use = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print('RSS', use.ru_maxrss, use.ru_utime + use.ru_stime)\n"
        "sys.exit(code)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"ppid-batch {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    usage = next(line.split() for line in done.stdout.splitlines() if line.startswith("RSS "))
    rss, cpu = int(usage[1]), float(usage[2])
    return seconds, cpu, rss, done.stdout


def night(office_url: str, work: Path, name: str) -> tuple[float, float]:
    ws = work / name
    init_workspace(ws)
    toml = ws / "ppid.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('database = ""', f'database = "{office_url}"'),
        encoding="utf-8",
    )
    form = next(ROOT.glob("ppid_batch/examples/Form-DIP-Keuangan*.xlsx"))
    target = ws / "input" / form.name
    shutil.copyfile(form, target)
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    seconds, cpu, _, out = timed(["run", "--workspace", str(ws), "--now", "2026-11-23T01:00:00"])
    assert "14 informasi baru" in out, out
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kantor", type=int, default=552)
    parser.add_argument("--informasi", type=int, default=1000)
    parser.add_argument("--malam", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ppid-bench-rekap-"))
    try:
        with server() as (_root, postgres):
            full = new_database(postgres, "nasional")
            alone = new_database(postgres, "sendiri")
            start = time.perf_counter()
            for k in range(args.kantor):
                made = create_office(full, f"{1000 + k}", f"KPU Satker {1000 + k}", SANDI)
                fill(made.url, made.office.schema, args.informasi)
            prepared = time.perf_counter() - start
            rows = args.kantor * args.informasi
            print(
                f"prepared {args.kantor} offices x {args.informasi} items ({rows:,} rows) "
                f"in {prepared:.0f} s ({prepared / args.kantor * 1000:.0f} ms per office)"
            )
            out = work / "rekap"
            seconds, cpu, rss, output = timed(
                [
                    "rekap",
                    "--sumber",
                    full,
                    "-o",
                    str(out),
                    "--tahun",
                    "2026",
                    "--now",
                    "2026-12-01",
                ]
            )
            sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
            print(output.splitlines()[0])
            print(f"rekap: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss / 1024:.0f} MiB")
            for name, size in sizes.items():
                print(f"  {name}: {size / 1e6:.1f} MB")
            shutil.rmtree(out)
            on_full, on_alone = [], []
            for n in range(args.malam):
                # alternate, so that load from elsewhere on the machine falls on both sides
                made = create_office(alone, f"{9000 + n}", "KPU Sendiri", SANDI)
                on_alone.append(night(made.url, work, f"sendiri-{n}"))
                made = create_office(full, f"{9100 + n}", "KPU Di Server Penuh", SANDI)
                on_full.append(night(made.url, work, f"penuh-{n}"))
            for k, what in ((0, "wall"), (1, "CPU")):
                a = statistics.median(x[k] for x in on_alone)
                f = statistics.median(x[k] for x in on_full)
                print(
                    f"one office's night (14 items), {what}: alone {a:.2f} s, on the full server "
                    f"{f:.2f} s (median of {args.malam}; {100 * (f - a) / a:+.1f} %)"
                )
                print(f"  alone: {[round(x[k], 2) for x in on_alone]}")
                print(f"  full:  {[round(x[k], 2) for x in on_full]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
