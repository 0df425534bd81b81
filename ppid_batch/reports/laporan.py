"""SOP record "Laporan (Tahunan)": Laporan-Tahunan-<tahun>.docx and its charts, from facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, Letter, SopConfig
from ..dates import MONTH_NAMES, format_count_id, format_date_id
from ..documents.docx import (
    COMMON_VARIABLES,
    TEMPLATE_CHECK_VERSION,
    check_template,
    office_images,
    read_template,
    render_bytes,
)
from ..documents.fields import office_fields, officer_fields
from ..errors import UsageError
from ..files import atomic_write_bytes
from .charts import CHART_FILES, Chart, ChartRenderer, draw_always, write_charts
from .facts import JENIS_ORDER, AnnualFacts, build_facts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..models import ChangeFact, RegisterItem
    from ..store.core import Store
    from .queries import PairCounter, YearRecords

TEMPLATE = "laporan-tahunan.docx"
CHART_WIDTH_MM = 160.0  # the text width of an A4 page with the office's margins
_ROW = frozenset({"no", "nama", "jumlah"})
TEMPLATE_VARIABLES: dict[str, Any] = {
    **COMMON_VARIABLES,
    "sop": frozenset({"nomor", "nama", "sebutan", "judul"}),
    "per_tanggal": None,
    "ada_kegiatan": None,
    "formulir_diterima": None,
    "formulir_ditolak": None,
    "jumlah_informasi": None,
    "disetujui": None,
    "ditolak": None,
    "menunggu": None,
    "median_keputusan": None,
    "median_dokumentasi": None,
    "jumlah_nota_dinas": None,
    "duplikat": None,
    "mirip": None,
    "per_unit": (_ROW,),
    "per_jenis": (_ROW,),
    "per_bentuk": (_ROW,),
    "per_bulan": (
        frozenset({"bulan", "berkala", "serta_merta", "setiap_saat", "dikecualikan", "jumlah"}),
    ),
    "tema_arahan": (_ROW,),
    "nota_dinas": (frozenset({"no", "nomor", "tanggal", "unit", "jumlah"}),),
    "formulir_ditolak_daftar": (frozenset({"no", "berkas", "unit", "tanggal", "jumlah"}),),
    "kesalahan": (_ROW,),
    "perubahan": (frozenset({"no", "tanggal", "id", "unit", "perubahan", "ringkasan"}),),
    "perubahan_lain": None,
    "grafik_per_unit": None,
    "grafik_per_bulan": None,
    "grafik_keputusan": None,
}


def report_file_name(year: int) -> str:
    return f"Laporan-Tahunan-{year}.docx"


def days_text(days: float | None) -> str:
    """`7 hari`, `7,5 hari`, or a dash when nothing was decided or documented."""
    if days is None:
        return "-"
    from babel.numbers import format_decimal

    return f"{format_decimal(days, format='#,##0.#', locale='id')} hari"


def _rows(pairs: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
    return [{"no": n, "nama": k, "jumlah": v} for n, (k, v) in enumerate(pairs, 1)]


CHANGES_SHOWN = 500


def _more_changes(total: int, year: int) -> str:
    """The sentence under a cut history of changes; '' when the table shows them all."""
    if total <= CHANGES_SHOWN:
        return ""
    return (
        f"Tabel di atas memuat {format_count_id(CHANGES_SHOWN)} perubahan pertama dari "
        f"{format_count_id(total)} perubahan Daftar Informasi Publik tahun {year}. Daftar "
        "lengkapnya ada pada lembar Riwayat Perubahan berkas "
        f"Daftar-Informasi-Publik-{year}.xlsx."
    )


def report_context(
    facts: AnnualFacts, letter: Letter, sop: SopConfig, *, today: dt.date
) -> dict[str, Any]:
    """Every variable of the template except the chart images (docs/reports.md lists them)."""
    per_bulan = []
    for month, counts in facts.per_month_jenis:
        by_jenis = dict(counts)
        row: dict[str, Any] = {j.lower().replace(" ", "_"): by_jenis.get(j, 0) for j in JENIS_ORDER}
        row.update(bulan=MONTH_NAMES[month - 1], jumlah=sum(by_jenis.values()))
        per_bulan.append(row)
    return {
        "kantor": office_fields(letter.office),
        "logo": "",
        "ppid": officer_fields(letter.signers.signer("ppid", today)),
        "atasan_ppid": officer_fields(letter.signers.signer("atasan_ppid", today)),
        "tahun": facts.year,
        "tanggal": format_date_id(today),
        "sop": {
            "nomor": sop.nomor,
            "nama": sop.nama,
            "sebutan": sop.sebutan,
            "judul": sop.judul,
        },
        "per_tanggal": format_date_id(facts.as_of),
        "ada_kegiatan": facts.has_activity,
        "formulir_diterima": facts.forms_received,
        "formulir_ditolak": facts.forms_rejected,
        "jumlah_informasi": facts.items_total,
        "disetujui": facts.approved,
        "ditolak": facts.refused,
        "menunggu": facts.pending,
        "median_keputusan": days_text(facts.median_days_to_decision),
        "median_dokumentasi": days_text(facts.median_days_to_documentation),
        "jumlah_nota_dinas": len(facts.nota_dinas),
        "duplikat": facts.duplicates,
        "mirip": facts.near_duplicates,
        "per_unit": _rows(facts.per_unit),
        "per_jenis": _rows(facts.per_jenis),
        "per_bentuk": _rows(facts.per_bentuk),
        "per_bulan": per_bulan,
        "tema_arahan": _rows(facts.arahan_themes),
        "nota_dinas": [
            {
                "no": n,
                "nomor": nd.number,
                "tanggal": format_date_id(nd.issued_on),
                "unit": nd.unit,
                "jumlah": nd.items,
            }
            for n, nd in enumerate(facts.nota_dinas, 1)
        ],
        "formulir_ditolak_daftar": [
            {
                "no": n,
                "berkas": f.file,
                "unit": f.unit or "-",
                "tanggal": format_date_id(f.received_on),
                "jumlah": f.errors,
            }
            for n, f in enumerate(facts.rejected_forms, 1)
        ],
        "kesalahan": _rows(facts.common_errors),
        # A register filled at national scale changes by tens of thousands of rows a year:
        # the report lists the first CHANGES_SHOWN (a report to sign, not thousands of
        # pages) and says where the full history is.
        "perubahan": [
            {
                "no": n,
                "tanggal": format_date_id(c.changed_on),
                "id": c.item_id,
                "unit": c.unit,
                "perubahan": c.action,
                "ringkasan": c.ringkasan,
            }
            for n, c in enumerate(facts.changes[:CHANGES_SHOWN], 1)
        ],
        "perubahan_lain": _more_changes(len(facts.changes), facts.year),
    }


# template_fingerprint of the bundled laporan-tahunan.docx, which check_template passes
# (tests/reports/test_annual_report.py holds both): the night does not check it again. An
# office's own copy, a changed variable table or check version is checked each time.
SHIPPED_TEMPLATE_FINGERPRINT = "bc8c8174d4468a00bc484bcd840a878606e946b1673783f09c6d1c08d26232fd"


def template_fingerprint(data: bytes) -> str:
    """SHA-256 of the check's version, the template's bytes and the variables it may use."""
    import hashlib
    import json

    from ..documents.docx import _canonical

    digest = hashlib.sha256(f"check {TEMPLATE_CHECK_VERSION}\n".encode() + data)
    digest.update(json.dumps(TEMPLATE_VARIABLES, sort_keys=True, default=_canonical).encode())
    return digest.hexdigest()


def write_annual_report(
    facts: AnnualFacts,
    letter: Letter,
    sop: SopConfig,
    out_dir: Path,
    *,
    today: dt.date,
    render_chart: ChartRenderer = draw_always,
) -> tuple[Path, dict[str, Chart]]:
    """Draw the charts and write Laporan-Tahunan-<tahun>.docx into `out_dir`.

    A year without any activity still gets its report: it says so in one
    sentence instead of showing empty tables, and no charts are drawn.
    `render_chart` may keep a chart already drawn from the same inputs (charts.ChartRenderer).
    """
    out_dir = Path(out_dir)
    # The bundled template is known good; another is opened and checked (whether it is a
    # docx too) before anything is drawn. Either way it is parsed once more to render.
    template = read_template(letter.templates_dir, TEMPLATE)
    if template_fingerprint(template.data) != SHIPPED_TEMPLATE_FINGERPRINT:
        check_template(TEMPLATE, template.data, TEMPLATE_VARIABLES)
    # No activity: the document says so in one sentence and shows no (empty) charts.
    charts = write_charts(facts, out_dir, render_chart) if facts.has_activity else {}
    images = {f"grafik_{key}": (chart.path, CHART_WIDTH_MM) for key, chart in charts.items()}
    images.update(office_images(letter.office))
    placeholders = {f"grafik_{key}": "" for key in CHART_FILES if key not in charts}
    data = render_bytes(
        template,
        {**report_context(facts, letter, sop, today=today), **placeholders},
        when=dt.datetime.combine(facts.as_of, dt.time()),
        title=f"Laporan Tahunan {sop.nama} {facts.year}",
        images=images,
    )
    path = atomic_write_bytes(out_dir / report_file_name(facts.year), data)
    return path, charts


REPORT_DIR = "laporan"
FIRST_YEAR = 1999  # FORM.md: no information older than this is registered


def write_reports(
    config: Config,
    year: int,
    *,
    today: dt.date,
    store: Store | None = None,
    out_dir: Path | None = None,
    items: Sequence[RegisterItem] | None = None,
    near_duplicates: PairCounter | None = None,
    render_chart: ChartRenderer = draw_always,
    changes: Sequence[ChangeFact] | None = None,
    records: YearRecords | None = None,
) -> list[Path]:
    """The SOP records of `year` into output/laporan/: matrix, annual report and its charts.

    Reads the register without changing it; a register that does not exist yet
    is not created (the year then simply has no activity). `store` lets the
    nightly run pass the store it already holds open, `out_dir` the folder that
    stands in for output/laporan/ (a dry run's scratch folder); with `store`, `items`
    the register it already read and `near_duplicates` its pair counter
    (queries.load_facts), and `changes` the year's register changes it already read;
    `render_chart` may keep a chart already drawn from the same
    inputs (the night passes its output memo's). With `records` (queries.load_records,
    read by the caller) the database is not read at all.
    """
    from ..register.similar import count_pairs
    from ..store.core import Store
    from ..store.engine import database_exists
    from .matrix import write_matrix
    from .queries import facts_of, load_facts

    if not FIRST_YEAR <= year <= today.year:
        raise UsageError(
            f"Tahun {year} tidak dapat dilaporkan; pilih tahun {FIRST_YEAR} sampai {today.year}."
        )
    threshold = config.similarity_threshold
    if records is not None:
        facts = facts_of(
            records, today=today, similarity_threshold=threshold,
            near_duplicates=near_duplicates or count_pairs,
        )  # fmt: skip
    elif store is not None:
        facts = load_facts(
            store, year, today=today, similarity_threshold=threshold, items=items,
            near_duplicates=near_duplicates or count_pairs, changes=changes,
        )  # fmt: skip
    elif database_exists(config.database_url):
        with Store.open(config.database_url, migrate_schema=False) as opened:
            facts = load_facts(opened, year, today=today, similarity_threshold=threshold)
    else:
        facts = build_facts(year, items=(), today=today)
    out_dir = Path(out_dir) if out_dir is not None else config.output_dir / REPORT_DIR
    letter = config.letter
    matrix = write_matrix(facts, letter, config.sop, out_dir)
    report, charts = write_annual_report(
        facts, letter, config.sop, out_dir, today=today, render_chart=render_chart
    )
    return [matrix, report, *(c.path for c in charts.values())]
