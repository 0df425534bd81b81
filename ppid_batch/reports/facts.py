"""The SOP's records (matriks kegiatan, laporan tahunan): one year's facts as plain data.

`build_facts` is a pure function over plain records (register items, runs,
submissions, Nota Dinas, register changes); `annual_queries` reads those
records from the store. Everything downstream (charts, matrix, report) takes
an `AnnualFacts` and nothing else, so it can be tested from hand-made facts.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import DIKECUALIKAN, JENIS_HEADINGS, ChangeFact, RegisterItem

JENIS_ORDER = (*JENIS_HEADINGS, DIKECUALIKAN)
BENTUK_ORDER = ("Softcopy", "Hardcopy", "Softcopy dan Hardcopy")
OUTCOMES = ("Disetujui", "Tidak disetujui", "Belum diputuskan")
OTHER_THEME = "Lainnya"

# Arahan themes: the first theme whose keyword occurs (as a whole word or
# phrase, case-insensitive) in the arahan text wins; no keyword → "Lainnya".
# Kept as a short ordered table so staff can read in docs/reports.md exactly
# why an arahan was counted where it was.
ARAHAN_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Duplikat atau sudah terdaftar",
        ("duplikat", "ganda", "sudah ada", "sudah terdaftar", "sama dengan", "mirip", "double"),
    ),
    (
        "Pengecualian informasi",
        ("dikecualikan", "pengecualian", "rahasia", "data pribadi", "uji konsekuensi",
         "konsekuensi"),
    ),
    (
        "Jenis atau klasifikasi informasi",
        ("jenis", "klasifikasi", "kategori", "berkala", "serta merta", "setiap saat"),
    ),
    (
        "Ringkasan kurang jelas atau tidak lengkap",
        ("ringkasan", "judul", "perjelas", "diperjelas", "lengkapi", "dilengkapi", "rinci",
         "dirinci", "kurang jelas", "tidak jelas", "spesifik"),
    ),
    (
        "Retensi atau penyimpanan arsip",
        ("retensi", "jangka waktu", "penyimpanan", "arsip", "jra"),
    ),
    (
        "Bentuk, tautan atau lokasi dokumen",
        ("tautan", "link", "lokasi", "unggah", "softcopy", "hardcopy", "bentuk", "dokumen"),
    ),
    (
        "Bukan informasi publik unit",
        ("bukan kewenangan", "bukan informasi", "tidak dikuasai", "unit lain", "penguasa"),
    ),
)  # fmt: skip

# Indonesian names for the Finding.type slugs that intake, validation, register and approval
# emit (intake.MESSAGES, validate.TEMPLATES, register, approve); an unknown slug is shown as
# it is rather than hidden.
ERROR_LABELS = {
    "required": "Kolom wajib tidak diisi",
    "required_if": "Kolom wajib diisi sesuai isian lain (misalnya dasar pengecualian)",
    "required_decided": "Nama atau tanggal persetujuan tidak diisi",
    "not_applicable": "Kolom diisi padahal tidak berlaku",
    "length": "Panjang teks tidak sesuai",
    "choice": "Nilai di luar pilihan yang diizinkan",
    "date": "Tanggal tidak dapat dibaca",
    "full_date": "Tanggal tidak lengkap",
    "year_min": "Tahun pembuatan terlalu lama",
    "date_after_filling": "Waktu pembuatan sesudah tanggal pengisian",
    "retensi": "Retensi tidak dapat dibaca",
    "link": "Tautan tidak diterima",
    "nip": "NIP tidak sah",
    "nip_number": "NIP tersimpan sebagai angka",
    "item_id": "ID Informasi tidak sah",
    "unknown_id": "ID Informasi tidak dikenal register",
    "already_decided": "Informasi sudah diputuskan sebelumnya",
    "duplicate_id": "ID Informasi ganda",
    "duplicate_item": "Baris ganda dalam formulir",
    "duplicate_column": "Judul kolom ganda",
    "missing_column": "Kolom wajib tidak ada",
    "missing_meta": "Data isian di atas tabel tidak lengkap",
    "no_header": "Baris judul kolom tidak ditemukan",
    "empty_form": "Formulir kosong",
    "no_decisions": "Lembar persetujuan belum diisi keputusan",
    "unreadable": "Berkas tidak dapat dibaca",
    "empty_file": "Berkas kosong",
    "truncated": "Berkas rusak atau terpotong",
    "not_xlsx": "Berkas bukan buku kerja .xlsx atau .ods",
    "xls": "Buku kerja Excel lama (.xls)",
    "ods": "Buku kerja OpenDocument (.ods)",  # refused before .ods was accepted (old runs)
    "merged_cells": "Sel gabungan melintasi kolom",
    "macro": "Buku kerja bermakro",
    "encrypted": "Buku kerja berkata sandi",
    "too_large": "Berkas terlalu besar",
    "unpacked_too_large": "Isi berkas terlalu besar",
    "sheet_too_large": "Lembar terisi sampai sel yang sangat jauh",
    "too_many_cells": "Lembar memuat terlalu banyak sel",
    "too_long": "Isi sel terlalu panjang",
    "date_range": "Tanggal tidak mungkin (sebelum 1999 atau jauh setelah hari ini)",
    "reader_crash": "Berkas menghentikan proses malam saat dibaca",
    "program_error": "Program gagal memproses berkas dua malam berturut-turut",
    "xml_unsafe": "Isi berkas tidak aman",
}


@dataclass(frozen=True)
class FormFact:
    """One form or approval sheet taken in by a run (accepted or rejected)."""

    file: str
    kind: str  # 'form_dip' | 'persetujuan' | 'unknown'
    received_on: dt.date
    accepted: bool
    unit: str | None = None
    items: int = 0
    errors: int = 0
    error_types: tuple[str, ...] = ()  # the distinct Finding.type slugs of its errors
    duplicates: int = 0  # items refused as already in the register


@dataclass(frozen=True)
class NotaDinasFact:
    """One Draft Nota Dinas issued."""

    number: str
    issued_on: dt.date
    unit: str
    items: int
    run_id: int | None = None


@dataclass(frozen=True)
class DecisionFact:
    """One approval sheet applied by a run: who decided, when, and how many each way."""

    file: str
    atasan: str | None
    decided_on: dt.date
    approved: int
    refused: int
    days_since_received: tuple[int, ...] = ()  # per decided item


@dataclass(frozen=True)
class RunFact:
    """One batch run with what each SOP step took in and put out."""

    run_id: int
    run_on: dt.date
    forms: tuple[FormFact, ...] = ()
    decisions: tuple[DecisionFact, ...] = ()
    nota_dinas: tuple[NotaDinasFact, ...] = ()
    registered: int = 0  # new items in the register


@dataclass(frozen=True)
class AnnualFacts:
    """Everything the matrix, the charts and the annual report say about one year."""

    year: int
    as_of: dt.date  # year end, or today for the running year
    items_total: int = 0
    per_unit: tuple[tuple[str, int], ...] = ()
    per_jenis: tuple[tuple[str, int], ...] = ()
    per_bentuk: tuple[tuple[str, int], ...] = ()
    # month (1..12) → ((jenis, count), ...) over JENIS_ORDER, all twelve months present
    per_month_jenis: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = ()
    approved: int = 0
    refused: int = 0
    pending: int = 0
    arahan_themes: tuple[tuple[str, int], ...] = ()
    median_days_to_decision: float | None = None
    median_days_to_documentation: float | None = None
    nota_dinas: tuple[NotaDinasFact, ...] = ()
    forms_received: int = 0
    forms_rejected: int = 0
    rejected_forms: tuple[FormFact, ...] = ()
    common_errors: tuple[tuple[str, int], ...] = ()
    duplicates: int = 0
    near_duplicates: int = 0
    changes: tuple[ChangeFact, ...] = ()
    runs: tuple[RunFact, ...] = field(default=(), repr=False)

    @property
    def has_activity(self) -> bool:
        return bool(self.items_total or self.forms_received or self.runs or self.changes)

    @property
    def outcomes(self) -> tuple[tuple[str, int], ...]:
        return tuple(zip(OUTCOMES, (self.approved, self.refused, self.pending), strict=True))


def arahan_theme(text: str | None) -> str:
    """The theme an arahan text belongs to (first matching keyword group of ARAHAN_THEMES)."""
    words = " " + " ".join(re.findall(r"\w+", (text or "").casefold())) + " "
    for theme, keywords in ARAHAN_THEMES:
        if any(f" {k} " in words for k in keywords):
            return theme
    return OTHER_THEME


def _themes(arahan: Counter[str | None]) -> Counter[str]:
    """How many arahan fall under each theme, each distinct text classified once (an
    Atasan's arahan are often the same few sentences)."""
    themes: Counter[str] = Counter()
    for text, count in arahan.items():
        themes[arahan_theme(text)] += count
    return themes


def error_label(slug: str) -> str:
    return ERROR_LABELS.get(slug, slug)


def _ordered_counts(
    counter: Counter[str], order: Sequence[str] = ()
) -> tuple[tuple[str, int], ...]:
    """Known categories first in their SOP order, then the rest by count desc, name asc."""
    known = [(k, counter[k]) for k in order if counter.get(k)]
    rest = sorted(
        ((k, n) for k, n in counter.items() if k not in order and n), key=lambda kv: (-kv[1], kv[0])
    )
    return tuple(known + rest)


def _median(values: Iterable[int]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def build_facts(
    year: int,
    *,
    items: Sequence[RegisterItem],
    runs: Sequence[RunFact] = (),
    nota_dinas: Sequence[NotaDinasFact] = (),
    changes: Sequence[ChangeFact] = (),
    near_duplicates: int = 0,
    today: dt.date,
) -> AnnualFacts:
    """Compute one year's facts.

    `items` are the register items received in `year` (the register's own
    year); their state is taken as of the year's end, or `today` while the
    year is still running, so a decision taken in January of the next year
    counts as pending in this year's report.
    """
    as_of = min(dt.date(year, 12, 31), today)
    items = [i for i in items if i.received_on is None or i.received_on <= as_of]
    runs = sorted(
        (r for r in runs if r.run_on.year == year and r.run_on <= as_of),
        key=lambda r: (r.run_on, r.run_id),
    )
    notas = sorted(
        (n for n in nota_dinas if n.issued_on.year == year and n.issued_on <= as_of),
        key=lambda n: (n.issued_on, n.number),
    )

    per_month: dict[int, Counter[str]] = {m: Counter() for m in range(1, 13)}
    for item in items:
        if item.received_on is not None:
            per_month[item.received_on.month][item.jenis] += 1
    jenis_seen = Counter(i.jenis for i in items)
    month_jenis = [j for j, _ in _ordered_counts(jenis_seen, JENIS_ORDER)] or list(JENIS_ORDER)

    def state(item: RegisterItem) -> str:
        if item.decided_on is None or item.decided_on > as_of or item.status == "pending":
            return "pending"
        return item.status

    states = {i.id: state(i) for i in items}
    refused = [i for i in items if states[i.id] == "refused"]
    nota_dates = {n.number: n.issued_on for n in nota_dinas}

    to_decision = [
        (i.decided_on - i.received_on).days
        for i in items
        if states[i.id] != "pending" and i.received_on and i.decided_on
    ]
    to_documentation = [
        (nota_dates[i.nota_dinas] - i.received_on).days
        for i in items
        if i.nota_dinas in nota_dates and i.received_on and nota_dates[i.nota_dinas] <= as_of
    ]

    forms = [f for r in runs for f in r.forms]
    rejected = tuple(f for f in forms if not f.accepted)
    # Counted once per rejected form: "most common" means found in the most forms.
    errors = Counter(error_label(t) for f in rejected for t in set(f.error_types))

    return AnnualFacts(
        year=year,
        as_of=as_of,
        items_total=len(items),
        per_unit=_ordered_counts(Counter(i.unit for i in items)),
        per_jenis=_ordered_counts(jenis_seen, JENIS_ORDER),
        per_bentuk=_ordered_counts(Counter(i.bentuk for i in items), BENTUK_ORDER),
        per_month_jenis=tuple(
            (m, tuple((j, per_month[m][j]) for j in month_jenis)) for m in range(1, 13)
        ),
        approved=sum(1 for s in states.values() if s == "approved"),
        refused=len(refused),
        pending=sum(1 for s in states.values() if s == "pending"),
        arahan_themes=_ordered_counts(_themes(Counter(i.arahan for i in refused))),
        median_days_to_decision=_median(to_decision),
        median_days_to_documentation=_median(to_documentation),
        nota_dinas=tuple(notas),
        forms_received=len(forms),
        forms_rejected=len(rejected),
        rejected_forms=rejected,
        common_errors=_ordered_counts(errors),
        duplicates=sum(f.duplicates for f in forms),
        near_duplicates=near_duplicates,
        changes=tuple(
            sorted(
                (c for c in changes if c.changed_on.year == year and c.changed_on <= as_of),
                key=lambda c: (c.changed_on, c.run_id or 0, c.item_id),
            )
        ),
        runs=tuple(runs),
    )
