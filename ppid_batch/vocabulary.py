"""The office's words for SOP step 1: bentuk informasi, retention wording, archive codes (KKA)."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

KKA_FILE = Path(__file__).resolve().parent / "schemas" / "kka.yaml"

# The sets of bentuk an office can name in ppid.toml ([kosakata] bentuk = "…").
BENTUK_PRESETS: dict[str, tuple[str, ...]] = {
    "softcopy_hardcopy": ("Softcopy", "Hardcopy", "Softcopy dan Hardcopy"),
    "cetak_rekam_online": (
        "Cetak",
        "Rekam",
        "Online",
        "Cetak dan Rekam",
        "Cetak dan Online",
        "Rekam dan Online",
    ),
}
DEFAULT_BENTUK = BENTUK_PRESETS["softcopy_hardcopy"]
# Spellings units write for each word, so a form filled with the other set (or an old form)
# still reads: an office on Cetak/Rekam/Online gets 'Online' for a unit's 'softcopy'.
BENTUK_SYNONYMS: dict[str, tuple[str, ...]] = {
    "softcopy": ("soft copy", "elektronik", "digital", "file", "online", "daring"),
    "hardcopy": ("hard copy", "cetak", "tercetak", "kertas"),
    "cetak": ("hardcopy", "hard copy", "tercetak", "kertas"),
    "rekam": ("rekaman", "audio", "video", "audio visual", "audiovisual"),
    "online": ("softcopy", "soft copy", "daring", "elektronik", "digital", "file"),
}
_JOINERS = (" dan ", ", ", "/", " & ", " + ")

# Retention as offices' Jadwal Retensi Arsip write it; offered on the form, never the only
# wording accepted (the grammar in forms.normalize reads any 'N Tahun …' text).
DEFAULT_RETENSI = (
    "2 Tahun Aktif, 8 Tahun Inaktif, Musnah",
    "2 Tahun Aktif, 8 Tahun Inaktif, Permanen",
    "2 Tahun Aktif, 8 Tahun Inaktif, Dinilai Kembali",
    "Selama Berlaku",
    "Setelah Tidak Berlaku",
    "Selama Masa Jabatan",
    "Permanen",
)


@dataclass(frozen=True)
class Vocabulary:
    bentuk: tuple[str, ...] = DEFAULT_BENTUK
    retensi: tuple[str, ...] = DEFAULT_RETENSI


def _words(value: str) -> list[str]:
    return [w.strip() for w in re.split(r"\s+dan\s+|,\s*|/|&|\+", value) if w.strip()]


def bentuk_variants(value: str) -> tuple[str, ...]:
    """Other spellings of one bentuk value: synonyms of each word, in any order and joiner."""
    words = _words(value)
    options = [(w, *BENTUK_SYNONYMS.get(w.casefold(), ())) for w in words]
    if len(words) == 1:
        return tuple(options[0][1:])
    found = []
    for order in itertools.permutations(options):
        for combo in itertools.product(*order):
            for joiner in _JOINERS:
                found.append(joiner.join(combo))
    return tuple(dict.fromkeys(v for v in found if v != value))


@functools.cache
def kka_codes() -> dict[str, str]:
    """The archive classification codes (KKA) shipped in schemas/kka.yaml: code → name."""
    raw = yaml.safe_load(KKA_FILE.read_text(encoding="utf-8"))
    return {str(code): str(name) for code, name in raw["kode"].items()}


@functools.cache
def kka_unconfirmed() -> dict[str, str]:
    """Codes schemas/kka.yaml names as not confirmed from a KPU decision: never accepted
    unless the office lists them in kka_tambahan (code → name)."""
    raw = yaml.safe_load(KKA_FILE.read_text(encoding="utf-8"))
    return {str(code): str(name) for code, name in (raw.get("belum_dipastikan") or {}).items()}


def _prefixes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def kka_known(code: str, extra: tuple[str, ...] = ()) -> bool:
    """A code is known when it, or the primary code it falls under, is listed (HM.02 and
    HM.02.1 fall under HM when only HM is listed), or the office added it (or the code it
    falls under) itself in kka_tambahan."""
    codes = kka_codes()
    return any(p in codes or p in extra for p in _prefixes(code))


def kka_is_unconfirmed(code: str) -> bool:
    """The code falls under one the shipped list could not confirm (PR, OT, PW, LG)."""
    return any(p in kka_unconfirmed() for p in _prefixes(code))
