"""Peak memory and CPU of rendering one Keputusan PPID of N items (no night run).

Run: python bench/bench_keputusan.py [--items N] [--keep FILE]. The Keputusan of a
first DIP: Lampiran I and Lampiran II each hold every item. Prints the render's CPU
time, its peak RSS above the RSS it began with (Linux: /proc/self/clear_refs and
VmHWM), the document's size and its SHA-256. Not run in CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent))

from bench_documents import make_items  # noqa: E402
from bench_night import minimal_template  # noqa: E402

from ppid_batch.batch.workspace import init_workspace  # noqa: E402
from ppid_batch.config_file import load_config  # noqa: E402
from ppid_batch.documents.docx import cached_template, render_to  # noqa: E402
from ppid_batch.documents.keputusan import keputusan_context, published_values  # noqa: E402


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="copy the document here")
    parser.add_argument(
        "--docxtpl",
        action="store_true",
        help="also time plain docxtpl: the same template and items, and a minimal "
        "template (three cells a row) of as many table rows",
    )
    args = parser.parse_args()
    items = [
        dataclasses.replace(
            it,
            ringkasan=f'{it.ringkasan} & "rekap" <{n}>\nbaris kedua'
            if n % 7 == 0
            else it.ringkasan,
        )
        for n, it in enumerate(make_items(args.items))
        if it.jenis != "Dikecualikan"
    ]
    with tempfile.TemporaryDirectory(prefix="bench-kep-") as tmp:
        ws = Path(tmp) / "ws"
        init_workspace(ws)
        config = load_config(ws)
        standing = {i.id: published_values(i) for i in items}
        entries = [
            {"item_id": i, "change": "tambah", "item_values": v} for i, v in standing.items()
        ]
        record = {
            "number": "1/PPID/1811/2025",
            "date": dt.date(2025, 11, 26),
            "year": 2025,
            "urut": 1,
        }
        context = keputusan_context(
            record, entries, standing, {}, None, config.letter, config.keputusan
        )
        tpl = cached_template(config.letter.templates_dir, "keputusan.docx")
        out = Path(tmp) / "k.docx"
        Path("/proc/self/clear_refs").write_text("5")
        start_rss = _status("VmRSS")
        cpu = time.process_time()
        render_to(tpl, context, out, when=dt.datetime(2025, 11, 26), title="Keputusan")
        cpu = time.process_time() - cpu
        peak = _status("VmHWM")
        data = out.read_bytes()
        if args.keep:
            args.keep.write_bytes(data)
    import ppid_batch

    where = Path(ppid_batch.__file__).parent.parent.name
    digest = hashlib.sha256(data).hexdigest()[:16]
    print(
        f"{where}: keputusan {len(items)} items: render CPU {cpu:.2f} s, "
        f"peak RSS +{peak - start_rss} MB (began at {start_rss} MB), "
        f"{len(data) / 1e6:.1f} MB, sha256 {digest}"
    )
    if args.docxtpl:
        _plain_docxtpl(tpl.data, context, data)
    return 0


def _plain_docxtpl(template: bytes, context: dict, ours: bytes) -> None:
    import io

    import docx
    from docxtpl import DocxTemplate

    rows = sum(len(t.rows) for t in docx.Document(io.BytesIO(ours)).tables)
    Path("/proc/self/clear_refs").write_text("5")
    start_rss = _status("VmRSS")
    cpu = time.process_time()
    plain = DocxTemplate(io.BytesIO(template))
    plain.render(context, autoescape=True)
    plain.save(io.BytesIO())
    cpu = time.process_time() - cpu
    peak = _status("VmHWM")
    print(f"plain docxtpl, same template: CPU {cpu:.2f} s, peak RSS +{peak - start_rss} MB")
    with tempfile.TemporaryDirectory() as tmp:
        minimal = minimal_template(Path(tmp) / "minimal.docx").read_bytes()
    cpu = time.process_time()
    plain = DocxTemplate(io.BytesIO(minimal))
    values = {"id": "DIP-2026-00001", "ringkasan": "Laporan Keuangan", "jenis": "Berkala"}
    plain.render({"nomor": 1, "rows": [dict(values) for _ in range(rows)]}, autoescape=True)
    plain.save(io.BytesIO())
    cpu = time.process_time() - cpu
    print(f"plain docxtpl, minimal template of {rows} rows: CPU {cpu:.2f} s")


if __name__ == "__main__":
    raise SystemExit(main())
