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
SAME = "Ringkasan sama dengan"


def normalise(ringkasan: str) -> str:
    """Case, punctuation and spacing removed: what two clerks typing the same title share."""
    return " ".join(re.findall(r"\w+", ringkasan.casefold()))


def _scores(queries: Sequence[RegisterItem], choices: Sequence[RegisterItem], threshold: int):  # type: ignore[no-untyped-def]
    from rapidfuzz import fuzz, process

    # workers=1: deterministic and polite on the office's two cores.
    return process.cdist(
        [normalise(i.ringkasan) for i in queries],
        [normalise(i.ringkasan) for i in choices],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=threshold,
        workers=1,
    )


def _matches(
    queries: Sequence[RegisterItem], choices: Sequence[RegisterItem], threshold: int
) -> dict[str, list[tuple[float, bool, str, str]]]:
    """Query id → [(-score, not same, id, unit)] of other units' choices scoring ≥ threshold.

    "Same" is the register's own sense (store.fold: case and spacing ignored), so
    identical ringkasan come first and are named as such, not as a 100% likeness.
    """
    from .store import fold

    if not queries or not choices:
        return {}
    scores = _scores(queries, choices, threshold)
    out: dict[str, list[tuple[float, bool, str, str]]] = {}
    for a, item in enumerate(queries):
        unit, text = item.unit.casefold(), fold(item.ringkasan)
        found = sorted(
            (-float(scores[a][b]), fold(other.ringkasan) != text, other.id, other.unit)
            for b, other in enumerate(choices)
            if scores[a][b] >= threshold and other.id != item.id and other.unit.casefold() != unit
        )
        if found:
            out[item.id] = found
    return out


def _note(found: Sequence[tuple[float, bool, str, str]]) -> str:
    parts = [
        f"Mirip {oid} ({unit}), {int(-neg)}%" if differs else f"{SAME} {oid} ({unit})"
        for neg, differs, oid, unit in found[:MAX_MATCHES_SHOWN]
    ]
    if len(found) > MAX_MATCHES_SHOWN:
        parts.append(f"dan {len(found) - MAX_MATCHES_SHOWN} lainnya")
    return "; ".join(parts)


def near_duplicates(items: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    """Map item id → Indonesian note naming its near-duplicates in other units.

    The score is rapidfuzz's token_sort_ratio on the normalised ringkasan
    (word order does not matter, every word counts); a pair is noted when it
    scores at least `threshold` (0–100), shown rounded down. Notes list the
    best matches first (ties by id), at most MAX_MATCHES_SHOWN, e.g.
    'Mirip DIP-2025-0012 (Subbagian Hukum), 93%', or 'Ringkasan sama dengan
    DIP-2025-0012 (Subbagian Hukum)' when the ringkasan is the same.
    """
    return {k: _note(v) for k, v in _matches(items, items, threshold).items()}


def approval_notes(register: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    """Notes for the approval sheet: each pending item against the whole register.

    Only the pending items are compared with everything (pending × all, not
    all × all), so the cost grows with what awaits a decision, not with years
    of register. Pass the result as write_approval_sheet(notes=...).
    """
    pending = [i for i in register if i.status == "pending"]
    return {k: _note(v) for k, v in _matches(pending, register, threshold).items()}


def count_pairs(items: Sequence[RegisterItem], threshold: int) -> int:
    """How many cross-unit pairs of items are near-duplicates (for the annual report)."""
    matches = _matches(items, items, threshold)
    return sum(len(found) for found in matches.values()) // 2
