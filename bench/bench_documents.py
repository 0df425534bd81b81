"""Benchmark for SOP step 3 documents: 500 Nota Dinas drafts and a 100,000-item register.

Run: python bench/bench_documents.py [--notas N] [--rows N]. Prints time per document
and per 1,000 register rows. Not run in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ppid_batch.batch.workspace import init_workspace  # noqa: E402
from ppid_batch.config_file import load_config  # noqa: E402
from ppid_batch.documents import register_list as publish  # noqa: E402
from ppid_batch.documents.nota_dinas import NotaDinas, write_nota_dinas_all  # noqa: E402
from ppid_batch.models import RegisterItem  # noqa: E402

JENIS = ("Berkala", "Berkala", "Setiap Saat", "Serta Merta", "Dikecualikan")
UNITS = (
    "Subbagian Keuangan, Umum dan Logistik",
    "Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Masyarakat",
    "Subbagian Perencanaan, Data dan Informasi",
    "Subbagian Hukum dan SDM",
)
TODAY = dt.date(2025, 11, 26)


def make_items(n: int) -> list[RegisterItem]:
    items = []
    for i in range(1, n + 1):
        unit = UNITS[i % len(UNITS)]
        jenis = JENIS[i % len(JENIS)]
        waktu = ("2025", f"2025-{i % 12 + 1:02d}", f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}")[i % 3]
        items.append(
            RegisterItem(
                id=f"DIP-2025-{i:06d}",
                unit=unit,
                ringkasan=f"Laporan kegiatan nomor {i} tentang pelaksanaan tahapan pemilihan "
                f"dan pelayanan informasi publik di {unit}",
                penguasa=unit,
                penanggung_jawab=f"Kepala {unit}",
                waktu_pembuatan=waktu,
                tempat_pembuatan="Mesuji",
                bentuk="Softcopy dan Hardcopy",
                retensi="2 Tahun Aktif, 3 Tahun Inaktif",
                jenis=jenis,
                status="approved",
                dasar_pengecualian="Pasal 17 huruf h UU 14/2008"
                if jenis == "Dikecualikan"
                else None,
                tautan=f"https://jdih.kpu.go.id/lampung/mesuji/{i}" if i % 2 else "Lemari Arsip",
            )
        )
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notas", type=int, default=500)
    parser.add_argument("--items-per-nota", type=int, default=12)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-docs-") as tmp:
        ws = Path(tmp) / "ws"
        init_workspace(ws)
        config = load_config(ws)

        pool = make_items(args.items_per_nota * len(UNITS))
        notas = [
            NotaDinas(
                f"{n}/HM.02-ND/1811/2025",
                TODAY,
                UNITS[n % len(UNITS)],
                tuple(pool[: args.items_per_nota]),
            )
            for n in range(1, args.notas + 1)
        ]
        for workers in (1, 2):
            start = time.perf_counter()
            paths = write_nota_dinas_all(
                notas,
                config.letter,
                config.nota_dinas,
                Path(tmp) / f"nota-dinas-{workers}",
                workers=workers,
            )
            took = time.perf_counter() - start
            print(
                f"Nota Dinas: {len(paths)} drafts ({args.items_per_nota} lampiran rows each), "
                f"{workers} process(es): {took:.2f} s = "
                f"{took / len(paths) * 1000:.1f} ms per document"
            )

        items = make_items(args.rows)
        groups = publish.register_groups(items)
        shown = sum(len(g.rows) for g in groups)
        year, out = 2025, Path(tmp) / "register"
        steps = {
            "xlsx": lambda: publish.register_xlsx(groups, year, config, TODAY),
            "html": lambda: publish.register_html(groups, year, config, TODAY),
            "csv": lambda: publish.register_csv(groups),
            "json": lambda: publish.register_json(groups, year, config, TODAY),
            "exemptions xlsx": lambda: publish.exemptions_xlsx(items, year, config, TODAY),
        }
        start = time.perf_counter()
        publish.register_groups(items)
        prep = time.perf_counter() - start
        print(
            f"Register: {args.rows} items ({shown} published); "
            f"grouping {prep:.2f} s = {prep / args.rows * 1000 * 1000:.1f} ms per 1,000 rows"
        )
        for name, build in steps.items():
            start = time.perf_counter()
            data = build()
            took = time.perf_counter() - start
            rows = shown if name != "exemptions xlsx" else args.rows - shown
            print(
                f"  {name:16s} {took:6.2f} s  {took / rows * 1000 * 1000:6.1f} ms per 1,000 rows"
                f"  {len(data) / 1e6:6.1f} MB"
            )
        start = time.perf_counter()
        written = publish.write_register(items, year, config, out, today=TODAY)
        took = time.perf_counter() - start
        print(
            f"write_register (all {len(written)} files): {took:.2f} s = "
            f"{took / args.rows * 1000 * 1000:.1f} ms per 1,000 items"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
