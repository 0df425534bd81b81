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
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..models import RegisterItem

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Codes = npt.NDArray[np.int64]

MAX_MATCHES_SHOWN = 3
SAME = "Ringkasan sama dengan"


def normalise(ringkasan: str) -> str:
    """Case, punctuation and spacing removed: what two clerks typing the same title share."""
    return " ".join(re.findall(r"\w+", ringkasan.casefold()))


# Rows of the score matrix computed at once: 1,000 × 20,000 float32 scores is 80 MB,
# where the whole 20,000 × 20,000 matrix of a big register would be 1.6 GB.
CHUNK_ROWS = 1_000


def _sorted_tokens(ringkasan: str) -> str:
    """The normalised ringkasan with its words sorted.

    fuzz.ratio on these strings is exactly token_sort_ratio on the normalised ones
    (that is how rapidfuzz defines it), but cdist can score plain ratio many
    strings at a time (SIMD) instead of re-sorting both sides of every pair.
    """
    return " ".join(sorted(normalise(ringkasan).split()))


class _Corpus:
    """What the comparisons need of a list of items, computed once per item.

    Units, ids and folded ringkasan become small integers (shared between the
    corpora through `codes`) so that equality tests run in numpy.
    """

    def __init__(self, items: Sequence[RegisterItem], codes: dict[str, dict[str, int]]):
        import numpy as np

        from ..store.core import fold

        def coded(kind: str, values: Iterable[str]) -> Codes:
            table = codes.setdefault(kind, {})
            return np.array([table.setdefault(v, len(table)) for v in values], np.int64)

        self.texts = [_sorted_tokens(i.ringkasan) for i in items]
        self.unit = coded("unit", (i.unit.casefold() for i in items))
        self.id = coded("id", (i.id for i in items))
        self.fold = coded("fold", (fold(i.ringkasan) for i in items))


def _blocks(
    queries: _Corpus, choices: _Corpus, threshold: int, *, later_units: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32], npt.NDArray[np.bool_]]]:
    """Yield (query rows, choice columns, scores, hits) blocks of at most CHUNK_ROWS rows.

    Only items of different units are scored (the register handles same-unit
    duplicates); with `later_units` a query is only scored against the units
    coded after its own, so each unordered pair of units is scored once.
    A hit is a score ≥ threshold between two different ids.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    # Ids are compared only if one id is found in two units (never in a real register);
    # otherwise the same id means the same unit, already left out.
    id_units = set(zip(queries.id.tolist(), queries.unit.tolist(), strict=True))
    id_units.update(zip(choices.id.tolist(), choices.unit.tolist(), strict=True))
    one_unit_per_id = len(id_units) == len({i for i, _ in id_units})
    for unit in np.unique(queries.unit):
        rows = np.flatnonzero(queries.unit == unit)
        cols = np.flatnonzero(choices.unit > unit if later_units else choices.unit != unit)
        if not len(cols):
            continue
        col_texts = [choices.texts[c] for c in cols]
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start : start + CHUNK_ROWS]
            # Any number of workers gives the same scores; the night has the cores to itself.
            scores = process.cdist(
                [queries.texts[r] for r in chunk],
                col_texts,
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                dtype=np.float32,
                workers=-1,
            )
            hits = scores >= threshold
            if not one_unit_per_id:
                hits &= queries.id[chunk][:, None] != choices.id[cols][None, :]
            yield chunk, cols, scores, hits


Match = tuple[float, bool, str, str]


def _matches(
    queries: Sequence[RegisterItem],
    choices: Sequence[RegisterItem],
    threshold: int,
    keep: int = MAX_MATCHES_SHOWN,
) -> dict[str, tuple[int, list[Match]]]:
    """Query id → (number of matches, the best `keep` as [(-score, not same, id, unit)]).

    Matches are other units' choices scoring ≥ threshold, best first, ties by
    id. "Same" is the register's own sense (store.fold: case and spacing
    ignored), so identical ringkasan come first and are named as such, not as a
    100% likeness.
    """
    import numpy as np

    if not queries or not choices:
        return {}
    codes: dict[str, dict[str, int]] = {}
    q, c = _Corpus(queries, codes), _Corpus(choices, codes)
    # Place of each choice in (id, unit) order: the tie-break after score and sameness.
    rank = np.empty(len(choices), np.int64)
    order = sorted(range(len(choices)), key=lambda b: (choices[b].id, choices[b].unit))
    rank[order] = np.arange(len(choices))
    found: dict[int, tuple[int, list[Match]]] = {}
    for rows, cols, scores, hits in _blocks(q, c, threshold):
        for line, r in enumerate(rows.tolist()):
            at = np.flatnonzero(hits[line])
            if not len(at):
                continue
            score, other = scores[line, at], cols[at]
            differs = c.fold[other] != q.fold[r]
            best = np.lexsort((rank[other], differs, -score))[:keep].tolist()
            named = [(k, choices[other[k]]) for k in best]
            found[r] = (
                len(at),
                [(-float(score[k]), bool(differs[k]), o.id, o.unit) for k, o in named],
            )
    # In query order, as the dict built item by item always was (a repeated id keeps
    # its first place and its last matches).
    return {queries[r].id: found[r] for r in sorted(found)}


def _note(matches: tuple[int, Sequence[Match]]) -> str:
    count, best = matches
    parts = [
        f"Mirip {oid} ({unit}), {int(-neg)}%" if differs else f"{SAME} {oid} ({unit})"
        for neg, differs, oid, unit in best[:MAX_MATCHES_SHOWN]
    ]
    if count > MAX_MATCHES_SHOWN:
        parts.append(f"dan {count - MAX_MATCHES_SHOWN} lainnya")
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
    """How many cross-unit pairs of items are near-duplicates (for the annual report).

    Each pair of units is scored once (a pair's score does not depend on which
    side is which). A register never repeats an id; should a list do so, the
    matches are counted per id as the approval notes would see them.
    """
    if len({i.id for i in items}) != len(items):
        return sum(count for count, _ in _matches(items, items, threshold, keep=0).values()) // 2
    corpus = _Corpus(items, {})
    return sum(int(hits.sum()) for *_, hits in _blocks(corpus, corpus, threshold, later_units=True))
