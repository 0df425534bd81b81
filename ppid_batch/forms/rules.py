"""The form's rules (SOP step 1): each column's checks from schemas/*.yaml, run over a
column's distinct values, and the Indonesian messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from . import normalize as nz
from .reader import by_identity
from .schema import Field

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
        # one check for both rules; the translation tells them apart: a value that is an
        # ISO date failed only for its year
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


def column_failures(f: Field, values: Sequence[str | None]) -> list[tuple[str, int]]:
    """(slug, row index) of every failing value of one column: `required` for an empty
    required value, else each failing check's slug, in row order and check order.

    Each distinct value is tested once (categories repeat on every row); the rows are only
    walked when some value failed, so a clean column costs one `set()` of its values.
    """
    tests = checks(f)
    failing: dict[str | None, tuple[str, ...]] = {}
    distinct = set(values)
    if None in distinct:
        distinct.discard(None)
        if f.required:
            failing[None] = ("required",)
    if len(tests) == 1:  # most columns have one rule: no generator per value
        ((name, ok),) = tests
        failing.update((v, (name,)) for v in distinct if not ok(v))
    else:
        for v in distinct:
            failed = tuple(name for name, ok in tests if not ok(v))
            if failed:
                failing[v] = failed
    if not failing:
        return []
    out: list[tuple[str, int]] = []
    for i, v in enumerate(values):
        if v in failing:
            out.extend((name, i) for name in failing[v])
    return out
