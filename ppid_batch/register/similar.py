"""SOP step 2 (approval): flag near-duplicate items across units for the Atasan PPID; never merge.

Two units often list the same document in slightly different words
("Laporan Keuangan Tahun 2024" / "laporan keuangan tahunan 2024"). The
register's exact-duplicate rule (same unit, same ringkasan) cannot catch
that, so the approval sheet shows a note beside each such item and the
Atasan PPID decides. Items of the same unit are never compared: the register
already handles those.

A small register has every cross-unit pair scored. A big one (more than
EXACT_PAIRS pairs to score) first asks a candidate index which pairs are worth
scoring (`_index_hits`: items whose ringkasan have the same words but for at
most two or three, each word cut to its first letters and numbers masked), and
scores those with the same measure. That index may miss a pair the full search
would note; docs/reports.md ("Kemiripan antar-unit") says which and how often.
"""

from __future__ import annotations

import functools
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


# Above this many (pending × register) pairs the candidate index is used, if the
# threshold allows it (INDEX_DELETIONS): 2 million pairs take about a second to score.
EXACT_PAIRS = 2_000_000
# Threshold from which the index is trusted → words that may differ between two texts.
INDEX_DELETIONS = {85: 3}
# A word of the index is its first letters (a typo further on does not change it).
INDEX_WORD = 3
# Words this short (numbers, codes, 'dan', 'di') are left out of the index: two clerks
# add and drop them freely, and they weigh little in the score.
INDEX_SHORT = 3
# Words a signature keeps at least (fewer would put unrelated texts together).
INDEX_KEEP = 2
# Bucket pairs generated at once (each 8 bytes, a few arrays of them): memory stays
# bounded however many pairs the buckets hold. Buckets that hold more than a quarter
# of all pairs (a register where nearly everything matches) mean every pair is scored.
INDEX_CHUNK_PAIRS = 2_000_000

# Rows of the score matrix computed at once: 1,000 × 20,000 float32 scores is 80 MB,
# where the whole 20,000 × 20,000 matrix of a big register would be 1.6 GB.
CHUNK_ROWS = 1_000


@functools.lru_cache(maxsize=65_536)
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

        from ..store.ids import fold

        def coded(kind: str, values: Iterable[str]) -> Codes:
            table = codes.setdefault(kind, {})
            return np.array([table.setdefault(v, len(table)) for v in values], np.int64)

        self.texts = [_sorted_tokens(i.ringkasan) for i in items]
        self.unit = coded("unit", (i.unit.casefold() for i in items))
        self.id = coded("id", (i.id for i in items))
        self.fold = coded("fold", (fold(i.ringkasan) for i in items))

    def subset(self, rows: Sequence[int]) -> _Corpus:
        """The corpus of some of the items (their codes unchanged)."""
        import numpy as np

        part = object.__new__(_Corpus)
        at = np.array(rows, np.int64)
        part.texts = [self.texts[r] for r in rows]
        part.unit, part.id, part.fold = self.unit[at], self.id[at], self.fold[at]
        return part


def _one_unit_per_id(queries: _Corpus, choices: _Corpus) -> bool:
    """Ids are compared only if one id is found in two units (never in a real register);
    otherwise the same id means the same unit, already left out."""
    id_units = set(zip(queries.id.tolist(), queries.unit.tolist(), strict=True))
    id_units.update(zip(choices.id.tolist(), choices.unit.tolist(), strict=True))
    return len(id_units) == len({i for i, _ in id_units})


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

    one_unit_per_id = _one_unit_per_id(queries, choices)
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


def _block_hits(
    q: _Corpus, c: _Corpus, threshold: int, *, later_units: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]]:
    """_blocks as (query row, choice column, score) of each hit; a row's hits in one yield."""
    import numpy as np

    for rows, cols, scores, hits in _blocks(q, c, threshold, later_units=later_units):
        line, at = np.nonzero(hits)
        yield rows[line], cols[at], scores[line, at]


def _deletions(threshold: int) -> int | None:
    """How many words two texts may differ by for the index, None if it is not trusted."""
    for least, words in sorted(INDEX_DELETIONS.items(), reverse=True):
        if threshold >= least:
            return words
    return None


def _signatures(texts: Sequence[str], deletions: int) -> tuple[Codes, npt.NDArray[np.uint64]]:
    """(text number, signature): each text's word multiset with up to `deletions` words left out.

    A word is its first INDEX_WORD characters with digits masked ('2024' and '2019',
    'pendidikan' and 'pennidikan' are the same word here). Two texts whose words
    differ by at most `deletions` on each side share a signature. A multiset is
    summed from random 64-bit word values; a collision only adds a candidate.
    At least two words are kept, and a text with very many words leaves out one
    word fewer (never fewer than the texts that are the same but for one word).
    """
    from itertools import combinations

    import numpy as np

    digits = re.compile(r"\d+")
    words: dict[str, int] = {}  # index word → number
    seen: dict[str, int] = {}  # word → number of its index word
    for text in texts:
        for w in text.split():
            if w not in seen:
                masked = digits.sub("#", w)
                short = len(masked) <= INDEX_SHORT
                seen[w] = -1 if short else words.setdefault(masked[:INDEX_WORD], len(words))
    coded = [[k for k in map(seen.__getitem__, t.split()) if k >= 0] for t in texts]
    rng = np.random.default_rng(20250315)
    value = rng.integers(0, np.iinfo(np.uint64).max, len(words), np.uint64, endpoint=True)
    owners: list[Codes] = []
    signatures: list[npt.NDArray[np.uint64]] = []
    by_count: dict[int, list[int]] = {}
    for number, ws in enumerate(coded):
        by_count.setdefault(len(ws), []).append(number)
    for count, members in by_count.items():
        who = np.array(members, np.int64)
        if count == 0:
            owners.append(who)
            signatures.append(np.zeros(len(who), np.uint64))
            continue
        v = value[np.array([coded[m] for m in members], np.int64)]  # texts × words
        total = v.sum(axis=1, dtype=np.uint64)
        owners.append(who)
        signatures.append(total)
        most = min(deletions, count - INDEX_KEEP)
        while most > 1 and len(list(combinations(range(count), most))) > 1_000:
            most -= 1
        for left_out in range(1, most + 1):
            drop = np.array(list(combinations(range(count), left_out)), np.int64)
            sig = total[:, None] - v[:, drop].sum(axis=2, dtype=np.uint64)
            owners.append(np.repeat(who, len(drop)))
            signatures.append(sig.reshape(-1))
    return np.concatenate(owners), np.concatenate(signatures)


def _distinct(values: Codes) -> Codes:
    """np.unique by sorting (numpy's hash-based unique is several times slower here)."""
    import numpy as np

    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _ranges(starts: Codes, stops: Codes) -> tuple[Codes, Codes]:
    """(i, k) for every k in range(starts[i], stops[i]), in order of i."""
    import numpy as np

    sizes = np.maximum(stops - starts, 0)
    which = np.repeat(np.arange(len(starts), dtype=np.int64), sizes)
    offsets = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    return which, starts[which] + offsets


def _index_hits(
    q: _Corpus, c: _Corpus, threshold: int, *, upper: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]] | None:
    """Hits among the candidates of the index, or None when it cannot be used.

    The distinct texts are indexed by _signatures; texts sharing a signature are
    scored (each pair of texts once, with fuzz.ratio like _blocks), and the pairs
    that score ≥ threshold become pairs of items of different units. With `upper`
    (q and c the same list) each unordered pair of items is given once.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    deletions = _deletions(threshold)
    if deletions is None:
        return None
    numbers: dict[str, int] = {}
    q_text = np.array([numbers.setdefault(t, len(numbers)) for t in q.texts], np.int64)
    c_text = np.array([numbers.setdefault(t, len(numbers)) for t in c.texts], np.int64)
    texts = np.array(list(numbers), dtype=object)
    owner, sig = _signatures(list(numbers), deletions)
    order = np.argsort(sig)
    owner, sig = owner[order], sig[order]
    first = np.r_[True, sig[1:] != sig[:-1]]
    run = np.cumsum(first) - 1
    run_end = np.r_[np.flatnonzero(first)[1:], len(sig)]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.r_[starts, len(sig)])
    bucket_pairs = sizes * (sizes - 1) // 2
    if int(bucket_pairs.sum()) > len(q.texts) * len(c.texts) // 4:
        return None
    # Every pair of texts in a bucket, each unordered pair once. Two texts that share
    # their long words share many signatures, so the buckets repeat most pairs (27
    # million bucket pairs are 3 million distinct ones in the 40,000-item national
    # register): they are generated INDEX_CHUNK_PAIRS at a time and made distinct.
    n = len(texts)
    distinct: list[Codes] = []
    cumulative = np.cumsum(bucket_pairs)
    low = 0
    while low < len(starts):
        high = int(
            np.searchsorted(
                cumulative, cumulative[low] - bucket_pairs[low] + INDEX_CHUNK_PAIRS, "right"
            )
        )
        high = max(high, low + 1)
        begin, end = int(starts[low]), int(starts[high]) if high < len(starts) else len(sig)
        at, other = _ranges(np.arange(begin, end, dtype=np.int64) + 1, run_end[run[begin:end]])
        a, b = owner[at + begin], owner[other]
        a, b = a[a != b], b[a != b]  # a repeated word gives a text the same signature twice
        distinct.append(_distinct(np.minimum(a, b) * n + np.maximum(a, b)))
        low = high
    pair = _distinct(np.concatenate(distinct)) if distinct else np.zeros(0, np.int64)
    a, b = pair // n, pair % n
    scores = process.cpdist(
        texts[a], texts[b], scorer=fuzz.ratio, score_cutoff=threshold,
        dtype=np.float32, workers=-1,
    )  # fmt: skip
    hit = scores >= threshold
    a, b, scores = a[hit], b[hit], scores[hit]
    # Both directions of a pair of different texts, and each text with itself.
    same = np.arange(n, dtype=np.int64)
    x = np.concatenate((a, b, same))
    y = np.concatenate((b, a, same))
    s = np.concatenate((scores, scores, np.full(n, 100.0, np.float32)))
    keep = s >= threshold
    x, y, s = x[keep], y[keep], s[keep]

    def by_text(codes: Codes) -> tuple[Codes, Codes, Codes]:
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        return (order, np.searchsorted(sorted_codes, same, "left"),
                np.searchsorted(sorted_codes, same, "right"))  # fmt: skip

    q_order, q_lo, q_hi = by_text(q_text)
    c_order, c_lo, c_hi = by_text(c_text)
    which, at = _ranges(q_lo[x], q_hi[x])
    rows = q_order[at]
    which2, at2 = _ranges(c_lo[y[which]], c_hi[y[which]])
    rows, cols, s = rows[which2], c_order[at2], s[which[which2]]
    keep = q.unit[rows] != c.unit[cols]
    if not _one_unit_per_id(q, c):
        keep &= q.id[rows] != c.id[cols]
    if upper:
        keep &= cols > rows
    rows, cols, s = rows[keep], cols[keep], s[keep]
    order = np.argsort(rows, kind="stable")
    return iter([(rows[order], cols[order], s[order])])


def _hits(
    q: _Corpus, c: _Corpus, threshold: int, *, upper: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]]:
    """(query row, choice column, score) of every noted pair: all of a row's in one yield.

    Through the index when the pairs are many and the threshold allows it, else
    every cross-unit pair scored. With `upper` (q and c the same list) each
    unordered pair is given once.
    """
    if len(q.texts) * len(c.texts) > EXACT_PAIRS:
        found = _index_hits(q, c, threshold, upper=upper)
        if found is not None:
            return found
    return _block_hits(q, c, threshold, later_units=upper)


Match = tuple[float, bool, str, str]


def _matches(
    queries: Sequence[RegisterItem],
    choices: Sequence[RegisterItem],
    threshold: int,
    keep: int = MAX_MATCHES_SHOWN,
    rows: Sequence[int] | None = None,
) -> dict[str, tuple[int, list[Match]]]:
    """Query id → (number of matches, the best `keep` as [(-score, not same, id, unit)]).

    `rows`, if given, are the queries' places among the choices (their work is shared).

    Matches are other units' choices scoring ≥ threshold, best first, ties by
    id. "Same" is the register's own sense (store.fold: case and spacing
    ignored), so identical ringkasan come first and are named as such, not as a
    100% likeness.
    """
    import numpy as np

    if not queries or not choices:
        return {}
    codes: dict[str, dict[str, int]] = {}
    c = _Corpus(choices, codes)
    q = c.subset(rows) if rows is not None else c if queries is choices else _Corpus(queries, codes)
    # Place of each choice in (id, unit) order: the tie-break after score and sameness.
    rank = np.empty(len(choices), np.int64)
    order = sorted(range(len(choices)), key=lambda b: (choices[b].id, choices[b].unit))
    rank[order] = np.arange(len(choices))
    found: dict[int, tuple[int, list[Match]]] = {}
    for hit_rows, cols, scores in _hits(q, c, threshold):
        if not len(hit_rows):
            continue
        differs = c.fold[cols] != q.fold[hit_rows]
        best = np.lexsort((rank[cols], differs, -scores, hit_rows))
        at_row, cols, scores, differs = hit_rows[best], cols[best], scores[best], differs[best]
        starts = np.flatnonzero(np.r_[True, at_row[1:] != at_row[:-1]])
        counts = np.diff(np.r_[starts, len(at_row)])
        for at, count in zip(starts.tolist(), counts.tolist(), strict=True):
            named = [(k, choices[cols[k]]) for k in range(at, at + min(keep, count))]
            found[int(at_row[at])] = (
                count,
                [(-float(scores[k]), bool(differs[k]), o.id, o.unit) for k, o in named],
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
    rows = [r for r, i in enumerate(register) if i.status == "pending"]
    pending = [register[r] for r in rows]
    return {k: _note(v) for k, v in _matches(pending, register, threshold, rows=rows).items()}


def count_pairs(items: Sequence[RegisterItem], threshold: int) -> int:
    """How many cross-unit pairs of items are near-duplicates (for the annual report).

    Each pair of units is scored once (a pair's score does not depend on which
    side is which). A register never repeats an id; should a list do so, the
    matches are counted per id as the approval notes would see them.
    """
    if len({i.id for i in items}) != len(items):
        return sum(count for count, _ in _matches(items, items, threshold, keep=0).values()) // 2
    corpus = _Corpus(items, {})
    return sum(len(rows) for rows, _, _ in _hits(corpus, corpus, threshold, upper=True))
