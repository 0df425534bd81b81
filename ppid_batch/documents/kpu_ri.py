"""Which exemption KPU RI already set an usulan informasi dikecualikan matches: a note for the
PPID on the Daftar Usulan Informasi yang Dikecualikan and its covering letter."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import RegisterItem

# An usulan matches when it names at least half the distinctive words of what KPU RI set
# (and two at least): "Salinan DPT dengan NIK dan NKK lengkap" matches "Data pribadi
# pemilih (NIK, NKK, alamat lengkap)". The PPID checks every note; it decides nothing.
MIN_SHARE, MIN_WORDS = 0.5, 2
_WORD = re.compile(r"\w+")
# Words every list shares: matching on them alone would pair anything with anything.
_COMMON = frozenset(
    "dan atau yang di dalam dengan untuk data dokumen informasi daftar tahun kpu".split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.casefold()) if w not in _COMMON and len(w) > 2)


def kpu_ri_match(ringkasan: str, listed: Sequence[str]) -> str | None:
    """The exemption KPU RI set that `ringkasan` matches best, or None."""
    mine = _words(ringkasan)
    best, best_share = None, 0.0
    for text in listed:
        theirs = _words(text)
        shared = len(mine & theirs)
        share = shared / len(theirs) if theirs else 0.0
        if shared >= MIN_WORDS and share >= MIN_SHARE and share > best_share:
            best, best_share = text, share
    return best


def kpu_ri_note(item: RegisterItem, listed: Sequence[str]) -> str:
    match = kpu_ri_match(item.ringkasan, listed)
    return f"Sesuai pengecualian yang ditetapkan KPU RI: {match}" if match else ""
