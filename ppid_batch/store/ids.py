"""How the register names and finds an item: `DIP-<tahun>-<nnnn>` IDs and match keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def fold(text: object) -> str:
    """Case and spacing folded, for the FORM.md re-submission rule."""
    return " ".join(str(text or "").split()).casefold()


def match_key(unit: str, ringkasan: str, waktu_pembuatan: str) -> str:
    """Same unit, same ringkasan ignoring case and spacing, same waktu pembuatan → same key.

    Hashed so that the indexed column stays short whatever the ringkasan length.
    """
    return match_keys(unit, [(ringkasan, waktu_pembuatan)])[0]


def match_keys(unit: str, pairs: Iterable[tuple[str, str]]) -> list[str]:
    """`match_key(unit, ringkasan, waktu_pembuatan)` for each (ringkasan, waktu_pembuatan)
    pair of one unit's items: the unit is folded once, not once per item."""
    prefix = fold(unit) + "\x1f"
    sha256 = hashlib.sha256
    return [
        sha256((prefix + fold(ringkasan) + "\x1f" + str(waktu)).encode("utf-8")).hexdigest()
        for ringkasan, waktu in pairs
    ]


def format_item_id(year: int, seq: int) -> str:
    return f"DIP-{year}-{seq:04d}"


def id_order(item_id: str) -> tuple[int, int, str]:
    """Sort key putting `DIP-2025-9999` before `DIP-2025-10000` and years in order."""
    parts = item_id.rsplit("-", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2]), item_id
    return 0, 0, item_id
