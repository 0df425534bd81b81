"""SOP step 2 (approval): flag near-duplicate items across units for the Atasan PPID; never merge.

Two units often list the same document in slightly different words
("Laporan Keuangan Tahun 2024" / "laporan keuangan tahunan 2024"). The
register's exact-duplicate rule (same unit, same ringkasan) cannot catch
that, so the approval sheet shows a note beside each such item and the
Atasan PPID decides. Items of the same unit are never compared: the register
already handles those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .models import RegisterItem

MAX_MATCHES_SHOWN = 3


def normalise(ringkasan: str) -> str:
    """Case, punctuation and spacing removed: what two clerks typing the same title share."""
    return " ".join(re.findall(r"\w+", ringkasan.casefold()))


def _cross_unit_pairs(
    items: Sequence[RegisterItem], threshold: int
) -> list[tuple[int, int, float]]:
    """(a, b, score) for every pair of items from different units scoring ≥ threshold, a < b."""
    if len(items) < 2:
        return []
    from rapidfuzz import fuzz, process

    texts = [normalise(i.ringkasan) for i in items]
    # workers=1: deterministic and polite on the office's two cores.
    scores = process.cdist(
        texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, workers=1
    )
    units = [i.unit.casefold() for i in items]
    return [
        (a, b, float(scores[a][b]))
        for a in range(len(items))
        for b in range(a + 1, len(items))
        if units[a] != units[b] and scores[a][b] >= threshold and items[a].id != items[b].id
    ]


def near_duplicates(items: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    """Map item id → Indonesian note naming its near-duplicates in other units.

    The score is rapidfuzz's token_sort_ratio on the normalised ringkasan
    (word order does not matter, every word counts); a pair is noted when it
    scores at least `threshold` (0–100), shown rounded down. Notes list the
    best matches first (ties by id), at most MAX_MATCHES_SHOWN, e.g.
    'Mirip DIP-2025-0012 (Subbagian Hukum), 93%'.
    """
    matches: dict[int, list[tuple[float, str, str]]] = {}
    for a, b, score in _cross_unit_pairs(items, threshold):
        matches.setdefault(a, []).append((-score, items[b].id, items[b].unit))
        matches.setdefault(b, []).append((-score, items[a].id, items[a].unit))
    notes: dict[str, str] = {}
    for a in sorted(matches):
        found = sorted(matches[a])
        parts = [
            f"Mirip {oid} ({unit}), {int(-neg)}%" for neg, oid, unit in found[:MAX_MATCHES_SHOWN]
        ]
        if len(found) > MAX_MATCHES_SHOWN:
            parts.append(f"dan {len(found) - MAX_MATCHES_SHOWN} lainnya")
        notes[items[a].id] = "; ".join(parts)
    return notes


def count_pairs(items: Sequence[RegisterItem], threshold: int) -> int:
    """How many cross-unit pairs of items are near-duplicates (for the annual report)."""
    return len(_cross_unit_pairs(items, threshold))
