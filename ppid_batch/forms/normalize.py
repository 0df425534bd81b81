"""Normalisation of form values (SOP step 1): trimmed text, canonical categories, ISO dates.

Each function turns one raw cell value into its canonical form, or returns the trimmed raw
text when it cannot: validation then sees a value outside the allowed set and names the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from urllib.parse import urlsplit

from ..dates import PartialDate, parse_full_date, parse_partial_date
from ..nip import parse_nip
from .schema import label_key

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u200b\ufeff]+")
_EDGE = " \t\r\n\u00a0\u2007\u202f\u200b\ufeff"
_CACHE = 65536


def to_text(value: object) -> str | None:
    """Cell value → trimmed text (non-breaking spaces included), or None when blank."""
    if value is None:
        return None
    if isinstance(value, str):
        # most cells are already clean; isprintable() is False for every line break, tab,
        # non-breaking or zero-width space, so only ASCII spaces remain to look at
        if (
            value.isprintable()
            and value[:1] != " "
            and value[-1:] != " "
            and "  " not in value
            and value
        ):
            return value
        return _trim(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _trim(str(value))


@lru_cache(maxsize=_CACHE)
def _trim(text: str) -> str | None:
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.strip(_EDGE).splitlines()]
    out = "\n".join(lines).strip()
    return out or None


def choice(value: object, lookup: dict[str, str]) -> str | None:
    """Canonical category for a spelling variant; the trimmed text itself when unknown."""
    text = to_text(value)
    if text is None:
        return None
    return lookup.get(folded(text), text)


@lru_cache(maxsize=_CACHE)
def folded(text: str) -> str:
    return label_key(text)


def partial_date(value: object) -> str | None:
    """ISO partial date ("2025", "2025-04", "2025-04-15"), or the trimmed raw text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return parse_partial_date(value).iso()  # type: ignore[union-attr]
    return _partial_cached(value)


@lru_cache(maxsize=_CACHE)
def _partial_cached(value: str | float | int) -> str | None:
    parsed = parse_partial_date(value)
    return parsed.iso() if parsed else to_text(value)


def full_date(value: object) -> dt.date | None:
    return parse_full_date(value)


_RETENSI_YEARS = re.compile(r"^(\d{1,3})(?:\s*(?:tahun|thn|th|thn\.|th\.|tahun\.))?$")
_RETENSI_SPLIT = re.compile(
    r"^(\d{1,3})\s*(?:tahun|thn|th)\.?\s*aktif\s*[,;/]?\s*(?:dan\s+)?"
    r"(\d{1,3})\s*(?:tahun|thn|th)\.?\s*inaktif"
    r"(?:\s*[,;/]?\s*(?:lalu\s+|kemudian\s+)?(musnah|permanen|dinilai\s+kembali))?$"
)
# The final disposition a Jadwal Retensi Arsip writes after the inactive years.
_RETENSI_END = {"musnah": "Musnah", "permanen": "Permanen", "dinilai kembali": "Dinilai Kembali"}
_RETENSI_WORDS = {
    "permanen": "Permanen",
    "selama berlaku": "Selama Berlaku",
    "setelah tidak berlaku": "Setelah Tidak Berlaku",
    "selama masa jabatan": "Selama Masa Jabatan",
}


@lru_cache(maxsize=_CACHE)
def _retensi_text(text: str) -> str | None:
    folded = " ".join(text.casefold().replace("\u00a0", " ").split()).strip(" .")
    if folded in _RETENSI_WORDS:
        return _RETENSI_WORDS[folded]
    m = _RETENSI_YEARS.match(folded)
    if m and 1 <= int(m.group(1)) <= 100:
        return f"{int(m.group(1))} Tahun"
    m = _RETENSI_SPLIT.match(folded)
    if m:
        active, inactive = int(m.group(1)), int(m.group(2))
        if 1 <= active <= 100 and 1 <= inactive <= 100:
            end = m.group(3)
            tail = f", {_RETENSI_END[' '.join(end.split())]}" if end else ""
            return f"{active} Tahun Aktif, {inactive} Tahun Inaktif{tail}"
    return None


def retensi(value: object) -> str | None:
    """Canonical retention text ('5 Tahun', '2 Tahun Aktif, 3 Tahun Inaktif', 'Permanen', …)."""
    text = to_text(value)
    if text is None:
        return None
    return _retensi_text(text) or text


RETENSI_CANONICAL = re.compile(
    r"^(?:(?:[1-9]\d?|100) Tahun|(?:[1-9]\d?|100) Tahun Aktif, (?:[1-9]\d?|100) Tahun Inaktif"
    r"(?:, (?:Musnah|Permanen|Dinilai Kembali))?"
    r"|Permanen|Selama Berlaku|Setelah Tidak Berlaku|Selama Masa Jabatan)$"
)

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_REFUSED_SCHEMES = frozenset(
    {"javascript", "vbscript", "data", "file", "ftp", "ftps", "sftp", "smb", "mailto", "tel"}
)


@lru_cache(maxsize=_CACHE)
def link_ok(text: str) -> bool:
    """True for an http(s) URL with a host, or a storage-location text without a URL scheme."""
    squeezed = re.sub(r"[\s\x00-\x1f]+", "", text).casefold()
    m = _SCHEME.match(squeezed)
    if m is None:
        return True
    scheme = m.group(1)
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(text.strip())
        except ValueError:
            return False
        return bool(parts.netloc) and not re.search(r"\s", parts.netloc)
    # "Lemari: Rak 2" is a location; "xyz://…" or a known scheme is a link we refuse.
    return scheme not in _REFUSED_SCHEMES and not squeezed[m.end() :].startswith("//")


def nip(value: object) -> str | None:
    """The 18 NIP digits, or None when invalid (callers keep the raw text to report)."""
    if isinstance(value, float):
        # Excel stored the NIP as a number: beyond 15 digits the tail is already lost.
        return None
    return parse_nip(value)


def split_combined(value: object) -> tuple[str | None, str | None]:
    """'Bandung, 2025' / 'Maret 2025, Bandung' → (tempat, waktu as ISO or None)."""
    if isinstance(value, dt.date):
        return None, partial_date(value)
    text = to_text(value)
    if text is None:
        return None, None
    return _split_text(text)


@lru_cache(maxsize=_CACHE)
def _split_text(text: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in re.split(r"[,;\n]", text) if p.strip()]
    for i, part in enumerate(parts):
        parsed = parse_partial_date(part)
        if parsed is not None and len(parts) > 1:
            rest = ", ".join(parts[:i] + parts[i + 1 :])
            return rest or None, parsed.iso()
    words = text.replace(",", " ").split()
    for n in range(min(4, len(words)), 0, -1):
        tail = parse_partial_date(" ".join(words[-n:]))
        if tail is not None:
            return (" ".join(words[:-n]) or None), tail.iso()
        head = parse_partial_date(" ".join(words[:n]))
        if head is not None:
            return (" ".join(words[n:]) or None), head.iso()
    return text, None


@lru_cache(maxsize=_CACHE)
def partial(iso: str) -> PartialDate | None:
    """PartialDate from a normalised ISO string, None when it is not one."""
    if not ISO_PARTIAL.match(iso):
        return None
    return PartialDate.from_iso(iso)


ISO_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
