"""The form's rules (SOP step 1): each column's checks from schemas/*.yaml, run by pandera
(the batch's stacked forms) or by a plain loop (a few rows: no pandas/pandera import, which
alone costs `ppid-batch validate` over a second), and the Indonesian messages."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import normalize as nz
from .reader import by_identity
from .schema import Field, SheetSchema

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

Predicate = Callable[[str], bool]

ITEM_ID = re.compile(r"^DIP-\d{4}-\d{4,}$")

# Message templates: one per type slug (docs/validation.md lists them). {column} is the
# label the clerk sees, {value} what they wrote.
TEMPLATES: dict[str, str] = {
    "required": "{column} wajib diisi.",
    "length": "{column} harus {min} sampai {max} karakter (sekarang {n} karakter).",
    "date_range": (
        "{column} '{value}' tidak mungkin: harus antara 1 Januari 1999 dan sebulan dari hari "
        "ini. Periksa tahunnya."
    ),
    "too_long": (
        "{column} terlalu panjang ({n} karakter); paling banyak {max} karakter. Ringkas isinya; "
        "rincian dapat ditaruh di dokumen yang ditautkan."
    ),
    "choice": "{column} harus salah satu dari: {choices}",
    "date": (
        "{column} '{value}' bukan tanggal yang dikenali; tulis misalnya 15 April 2025, "
        "April 2025, 2025 atau 15/04/2025."
    ),
    "full_date": (
        "{column} '{value}' bukan tanggal lengkap; tulis misalnya 2 Januari 2025 atau 02/01/2025."
    ),
    "year_min": "{column} '{value}' terlalu lama; tahun paling awal {min}.",
    "date_after_filling": ("{column} '{value}' tidak boleh setelah Tanggal Pengisian ({tanggal})."),
    "retensi": (
        "{column} '{value}' tidak dikenali; tulis seperti Jadwal Retensi Arsip, misalnya "
        "5 Tahun; 2 Tahun Aktif, 8 Tahun Inaktif, Musnah; Permanen; atau Selama Berlaku."
    ),
    "link": (
        "{column} '{value}' tidak diterima: isi alamat web yang diawali http:// atau https://, "
        "atau teks lokasi penyimpanan (misalnya Lemari Arsip Subbag Hukum, Rak 2)."
    ),
    "nip": "NIP '{value}' tidak sah: NIP terdiri dari 18 angka, contoh 19860926 201505 1 001.",
    "nip_number": (
        "NIP tersimpan sebagai angka sehingga digit terakhirnya hilang; ketik NIP sebagai teks "
        "(awali dengan tanda petik ') atau dengan spasi, contoh 19860926 201505 1 001."
    ),
    "item_id": (
        "{column} '{value}' bukan ID yang sah; bentuknya DIP-TAHUN-NOMOR, contoh DIP-2025-0042. "
        "Jangan mengubah kolom ID."
    ),
    "required_if": "{column} wajib diisi karena {cond_column} {cond_value}.",
    "required_decided": "{column} wajib diisi karena ada baris yang sudah diputuskan (YA/TIDAK).",
    "not_applicable": (
        "{column} hanya diisi bila {cond_column} {cond_value}; kosongkan sel ini atau ubah "
        "{cond_column}."
    ),
    "duplicate_item": "Informasi ini sama dengan baris {other} (ringkasan dan waktu pembuatan "
    "sama); hanya satu yang akan dicatat.",
    "duplicate_id": (
        "{column} '{value}' sudah ada di baris {other}; hanya baris pertama yang dipakai."
    ),
    "missing_meta": (
        "'{column}' tidak ditemukan di atas tabel. Tulis label '{column}' dan isinya di sel "
        "sebelah kanannya."
    ),
    "no_header": (
        "Baris judul tabel formulir tidak ditemukan. Gunakan formulir resmi (ppid-batch form) "
        "dan jangan mengubah judul kolomnya."
    ),
    "empty_form": "Formulir belum berisi satu pun informasi. Isi minimal satu baris di bawah "
    "judul tabel, lalu kirim kembali.",
    "no_decisions": (
        "Lembar persetujuan belum berisi keputusan: isi kolom Persetujuan (YA/TIDAK) lalu "
        "taruh lagi di input/."
    ),
    "unreadable": (
        "Berkas .xlsx ini tidak dapat dibaca. Buka dan simpan ulang di Excel sebagai "
        "'Buku Kerja Excel (*.xlsx)', lalu kirim kembali."
    ),
}


def message(slug: str, **fmt: Any) -> str:
    return TEMPLATES[slug].format(**fmt)


# ---- each column's checks, built from the YAML ---------------------------------------------


def _length_ok(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda v: lo <= len(v) <= hi


def _date_ok(floor: str) -> Callable[[str], bool]:
    iso = nz.ISO_PARTIAL.match
    return lambda v: iso(v) is not None and v[:4] >= floor


def _member_of(allowed: frozenset[str]) -> Callable[[str], bool]:
    return lambda v: v in allowed


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda v: pattern.match(v) is not None


@by_identity
def checks(f: Field) -> tuple[tuple[str, Predicate], ...]:
    """(slug, test of one non-empty normalised value) for each rule of a column; an empty
    value is only ever the `required` rule's business."""
    out: list[tuple[str, Predicate]] = []
    if f.min_length is not None or f.max_length is not None:
        out.append(("length", _length_ok(f.min_length or 0, f.max_length or 10**9)))
    if f.type == "partial_date":
        # one check for both rules (each pandera check costs ~0.2 ms a file); the translation
        # tells them apart: a value that is an ISO date failed only for its year
        out.append(("date", _date_ok(f"{f.min_year or 1:04d}")))
    elif f.type == "choice":
        out.append(("choice", _member_of(frozenset(f.choice_values))))
    elif f.type == "retensi":
        canonical, wordings = _matches(nz.RETENSI_CANONICAL), frozenset(f.choice_values)
        out.append(("retensi", lambda v: v in wordings or canonical(v)))
    elif f.type == "link":
        out.append(("link", nz.link_ok))
    elif f.type == "item_id":
        out.append(("item_id", _matches(ITEM_ID)))
    return tuple(out)


@by_identity
def has_rules(f: Field) -> bool:
    """Whether there is anything to check in this column (plain optional text has not)."""
    return f.required or bool(checks(f))


def plain_failures(f: Field, values: list[Any]) -> list[tuple[str, int]]:
    """(slug, row index) of every failing value of one column, as pandera would report
    them: `not_nullable` for an empty required value, else each failing check's slug."""
    out: list[tuple[str, int]] = []
    tests = checks(f)
    verdicts: dict[Any, tuple[str, ...]] = {}
    for i, v in enumerate(values):
        if v is None:
            if f.required:
                out.append(("not_nullable", i))
            continue
        failed = verdicts.get(v)
        if failed is None:  # once per distinct value, as the pandera checks do
            failed = verdicts[v] = tuple(name for name, ok in tests if not ok(v))
        out.extend((name, i) for name in failed)
    return out


# ---- the same checks as a pandera schema (the batch's stacked run) ---------------------------


def _pandera() -> Any:
    if "geopandas" not in sys.modules and importlib.util.find_spec("geopandas") is None:
        # pandera tries `import geopandas` for every column of every validation; a failed
        # import is not cached by Python and re-scans sys.path each time (a quarter of a
        # millisecond per call). Recording the absence once gives the same ImportError
        # without the scan.
        sys.modules["geopandas"] = None  # type: ignore[assignment]
    import pandera.pandas as pa

    return pa


def _vectorised(name: str, ok: Predicate) -> pa.Check:
    """A pandera check over a column of Python str; a plain loop beats pandas' .str accessor
    on 200-row object columns by an order of magnitude (it re-infers the dtype per call)."""
    import numpy as np
    import pandas as pd

    def check(series: pd.Series) -> pd.Series:
        # iterating a Series boxes every element through ndarray.item; tolist() does not
        values = series.to_numpy().tolist()
        # once per distinct value; empty cells are the `required` rule's business
        verdict = {v: v is None or ok(v) for v in dict.fromkeys(values)}
        passed = np.fromiter(map(verdict.__getitem__, values), dtype=bool, count=len(values))
        return pd.Series(passed, index=series.index, copy=False)

    return _pandera().Check(check, name=name, ignore_na=False)


@by_identity
def dataframe_schema(schema: SheetSchema, keys: tuple[str, ...]) -> pa.DataFrameSchema:
    """A pandera schema for the columns present in one sheet.

    Values are Python str (or None) by construction of the normaliser, so no dtype is
    declared: pandera's per-element str dtype check costs more than all the rules together.
    """
    pa = _pandera()
    return pa.DataFrameSchema(
        {
            k: pa.Column(
                None,
                checks=[_vectorised(name, ok) for name, ok in checks(schema.field(k))],
                nullable=not schema.field(k).required,
            )
            for k in keys
        },
        ordered=False,
    )
