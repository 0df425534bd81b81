"""SOP record "Laporan (Tahunan)": Laporan-Tahunan-<tahun>.docx and its charts, from facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .annual import JENIS_ORDER, AnnualFacts
from .charts import Chart, write_charts
from .config import Config
from .dates import MONTH_NAMES, format_date_id
from .document_fields import office_fields, officer_fields
from .docx_render import OFFICE_KEYS, OFFICER_KEYS, check_template, load_template, render_bytes
from .files import atomic_write_bytes

TEMPLATE = "laporan-tahunan.docx"
CHART_WIDTH_MM = 160.0  # the text width of an A4 page with the office's margins
_ROW = frozenset({"no", "nama", "jumlah"})
TEMPLATE_VARIABLES: dict[str, Any] = {
    "kantor": OFFICE_KEYS,
    "ppid": OFFICER_KEYS,
    "atasan_ppid": OFFICER_KEYS,
    "tahun": None,
    "tanggal": None,
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


def report_context(facts: AnnualFacts, config: Config, *, today: dt.date) -> dict[str, Any]:
    """Every variable of the template except the chart images (docs/reports.md lists them)."""
    per_bulan = []
    for month, counts in facts.per_month_jenis:
        by_jenis = dict(counts)
        row = {j.lower().replace(" ", "_"): by_jenis.get(j, 0) for j in JENIS_ORDER}
        row.update(bulan=MONTH_NAMES[month - 1], jumlah=sum(by_jenis.values()))
        per_bulan.append(row)
    return {
        "kantor": office_fields(config),
        "ppid": officer_fields(config.ppid),
        "atasan_ppid": officer_fields(config.atasan_ppid),
        "tahun": facts.year,
        "tanggal": format_date_id(today),
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
        "perubahan": [
            {
                "no": n,
                "tanggal": format_date_id(c.changed_on),
                "id": c.item_id,
                "unit": c.unit,
                "perubahan": c.action,
                "ringkasan": c.ringkasan,
            }
            for n, c in enumerate(facts.changes, 1)
        ],
    }


def write_annual_report(
    facts: AnnualFacts, config: Config, out_dir: Path, *, today: dt.date
) -> tuple[Path, dict[str, Chart]]:
    """Draw the charts and write Laporan-Tahunan-<tahun>.docx into `out_dir`.

    A year without any activity still gets its report: it says so in one
    sentence instead of showing empty tables.
    """
    out_dir = Path(out_dir)
    template = load_template(config, TEMPLATE)
    check_template(TEMPLATE, template.data, TEMPLATE_VARIABLES)
    charts = write_charts(facts, out_dir)
    images = {
        "grafik_per_unit": (charts["per_unit"].path, CHART_WIDTH_MM),
        "grafik_per_bulan": (charts["per_bulan"].path, CHART_WIDTH_MM),
        "grafik_keputusan": (charts["keputusan"].path, CHART_WIDTH_MM),
    }
    data = render_bytes(
        template,
        report_context(facts, config, today=today),
        when=dt.datetime.combine(facts.as_of, dt.time()),
        title=f"Laporan Tahunan Pendokumentasian Informasi Publik {facts.year}",
        images=images,
    )
    path = atomic_write_bytes(out_dir / report_file_name(facts.year), data)
    return path, charts
