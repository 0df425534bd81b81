"""SOP step 2 (approval): flag near-duplicate items across units for the Atasan PPID; never merge.

Two units often list the same document in slightly different words
("Laporan Keuangan Tahun 2024" / "laporan keuangan tahunan 2024"). The
register's exact-duplicate rule (same unit, same ringkasan) cannot catch
that, so the approval sheet shows a note beside each such item and the
Atasan PPID decides. Items of the same unit are never compared: the register
already handles those.

A small register, or a few pending items (EXACT_QUERIES), has every cross-unit
pair scored. A big one (more than EXACT_PAIRS pairs to score) first asks a
candidate index which pairs are worth scoring (`_index_hits`: items whose
ringkasan have the same words but for at most two or three, each word cut to its
first letters and numbers masked), and scores those with the same measure. That
index may miss a pair the full search would note; docs/reports.md ("Kemiripan
antar-unit") says which and how often.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..models import RegisterItem

# numpy's OpenBLAS starts a thread per core when numpy is imported, and they spin a while:
# about 0.07 s of CPU a process (the night's and the index's child), where nothing here
# uses BLAS (integer arrays only). Set before numpy is first imported (this module
# imports it, lazily, first in a night), and inherited by the child; a value the
# user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

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
# threshold allows it (INDEX_DELETIONS), unless the queries are few (EXACT_QUERIES).
EXACT_PAIRS = 2_000_000
# Up to this many queries (pending items) every pair is scored, however big the register:
# the full search costs the queries × the register (0.3 s for 50 pending on the 40,000-item
# register, 0.87 s for 250, 1.29 s for 500), the index the whole register's signatures
# whatever the queries (1.1-1.6 s), and the full search misses nothing. (A year's near-
# duplicate count compares the year with itself: above EXACT_PAIRS, it is never this few.)
EXACT_QUERIES = 300
# Threshold from which the index is trusted → (words that may differ on each side of a
# pair, on both sides together). From 90 a pair whose two texts each lack three words
# of the other is not proposed: such pairs are 40% of the candidates of the national
# register and rarely score 90 (3 of 6,115 pairs that do: docs/reports.md).
INDEX_DELETIONS = {85: (3, 6), 90: (3, 5)}
# A word of the index is its first letters (a typo further on does not change it).
INDEX_WORD = 3
# Words this short (numbers, codes, 'dan', 'di') are left out of the index: two clerks
# add and drop them freely, and they weigh little in the score.
INDEX_SHORT = 3
# Words a signature keeps at least (fewer would put unrelated texts together).
INDEX_KEEP = 2
# The index is used while its buckets hold at most this many times the pairs that
# scoring every (pending × register) pair would score. A bucket pair costs about a
# quarter of a scored pair (most are dropped unscored: a repeat, or too few letters in
# common), and the buckets hold the whole register's pairs, however few are pending:
# 2,000 pending on the 40,000-item register scored every pair in 16.8 s, the index took
# 1.5 s (and the annual report's count then reuses it).
INDEX_PAIR_FACTOR = 4
# Bucket pairs generated and scored at once (a few arrays of 8 bytes each): memory stays
# bounded however many pairs the buckets hold. Buckets that hold more than
# INDEX_PAIR_FACTOR times all (pending × register) pairs (a register where nearly
# everything matches, or very few pending) mean every pair is scored.
INDEX_CHUNK_PAIRS = 250_000
# Signatures sorted at once (about 30 bytes each): a bigger register's signatures are
# made and bucketed in parts (by value, so a bucket is never split), the words'
# values summed again for each part.
INDEX_PART_SIGNATURES = 2_000_000
# Signatures summed at once from a text's word values (the temporaries of one block).
SIGNATURE_BLOCK = 500_000
# Bits of a word's number in the record of the words a signature left out (three fit
# a 64-bit integer): the index takes registers of fewer than 2 million index words.
LEFT_OUT_BITS = 21
# Top bits of a signature that decide, in a table of 2**BUCKET_FILTER_BITS flags (16 MB),
# whether a signature that left out many words may share a bucket with one that left
# out few (_Signed.part). A bucket is always more bits than these: the table never
# drops a signature that shares a bucket with one that left out few.
BUCKET_FILTER_BITS = 24
# Bits by which the pairs of the buckets left out are summed (a bound: _Signed.sharing).
COUNT_BITS = 20

# Texts whose letters are counted at once (_Letters; some 30 bytes per character).
LETTERS_BLOCK = 10_000
# Pairs whose letter counts are compared at once (a few arrays of 32 bytes each).
LETTERS_PAIRS = 100_000

# Bits of the one integer by which a block's matches are sorted (row, score, same,
# rank), if they fit; else they are sorted by four keys (lexsort).
PACKED_BITS = 63

# Pairs of texts weighed (length, letters) and scored at once when every pair is
# searched, and pairs of items made at once from their hits (a few arrays of 8 bytes).
EXACT_CHUNK_PAIRS = 250_000
# Rows of the score matrix computed at once where every pair is scored (_dense_blocks):
# 1,000 × 20,000 float32 scores is 80 MB, where the whole 20,000 × 20,000 matrix of a
# big register would be 1.6 GB.
CHUNK_ROWS = 1_000
# Texts this short are scored every pair at once (process.cdist packs many short
# queries into SIMD registers: about 40 ns a pair, where weighing a pair's length and
# letters costs about 70 ns and scoring one pair alone about 300 ns).
DENSE_LENGTH = 64
# Weighed pairs of which more than this share could reach the threshold (the first
# chunk's) are scored every pair at once instead (about 190 ns a pair for longer
# texts): a register where nearly everything matches.
DENSE_SHARE = 0.3


def _sorted_tokens(ringkasan: str) -> str:
    """The normalised ringkasan with its words sorted.

    fuzz.ratio on these strings is exactly token_sort_ratio on the normalised ones
    (that is how rapidfuzz defines it), but cdist can score plain ratio many
    strings at a time (SIMD) instead of re-sorting both sides of every pair.
    """
    return " ".join(sorted(_WORD.findall(ringkasan.casefold())))  # normalise's words


_WORD = re.compile(r"\w+")
# ASCII: a word character casefolded, any other a space; NUL kept (_sorted_texts' cut).
_ASCII_WORDS = {c: (chr(c).lower() if _WORD.match(chr(c)) else " ") for c in range(1, 128)}
# The last _sorted_texts asked (ringkasan → its sorted words): the approval notes and
# the annual count of one night ask the same ringkasan; one register's at most.
_TEXTS: dict[str, str] = {}


def _sorted_texts(ringkasan: Sequence[str]) -> list[str]:
    """_sorted_tokens of each ringkasan, computed once per distinct one.

    The ASCII ringkasan (nearly all) are cased and cut in one pass over them joined by
    NUL: there casefold is lower() and a word character one of [0-9A-Za-z_], so
    mapping every other character to a space and splitting at spaces gives findall's
    words; the others go through _sorted_tokens one by one.
    """
    global _TEXTS
    known = _TEXTS
    try:  # all asked before (the annual count after the notes)
        return list(map(known.__getitem__, ringkasan))
    except KeyError:
        pass
    distinct = dict.fromkeys(ringkasan)
    plain = [r for r in distinct if r not in known and r.isascii()]
    joined = "\0".join(plain)
    if plain and joined.count("\0") == len(plain) - 1:  # (no ringkasan holds a NUL)
        cut = joined.translate(_ASCII_WORDS).split("\0")
        known.update(zip(plain, [" ".join(sorted(r.split())) for r in cut], strict=True))
    texts = {r: known[r] if r in known else _sorted_tokens(r) for r in distinct}
    _TEXTS = texts
    return list(map(texts.__getitem__, ringkasan))


def remember_sorted_texts(ringkasan: Sequence[str], texts: Sequence[str]) -> None:
    """Take these ringkasan's sorted words (_sorted_texts of them, made elsewhere: the
    index's child process) as the last asked, so that the notes do not make them again."""
    global _TEXTS
    if len(ringkasan) != len(texts):
        raise ValueError("one text per ringkasan")
    _TEXTS = dict(zip(ringkasan, texts, strict=True))


class _Codes:
    """The small integers the corpora of one comparison share."""

    def __init__(self) -> None:
        self.unit: dict[str, int] = {}  # unit as written → its casefolded name's number
        self.folded_unit: dict[str, int] = {}
        self.id: dict[str, int] = {}
        self.fold: dict[str, int] = {}  # store.fold of a ringkasan → number
        self.text: dict[str, int] = {}  # sorted words of a ringkasan → number (in order)
        self._sorted: tuple[list[str], Codes] | None = None  # (sorted_texts)

    def sorted_texts(self) -> tuple[list[str], Codes]:
        """(the texts numbered so far, sorted; each number's place among them), made
        again only once texts were added (numbers are never taken back)."""
        import numpy as np

        if self._sorted is None or len(self._sorted[0]) != len(self.text):
            numbers = self.text
            distinct = sorted(numbers)
            place = np.empty(len(distinct), np.int64)  # number → place among the sorted
            at = np.fromiter(map(numbers.__getitem__, distinct), np.int64, len(distinct))
            place[at] = np.arange(len(distinct))
            self._sorted = distinct, place
        return self._sorted

    def units(self, units: Sequence[str]) -> Codes:
        import numpy as np

        for unit in dict.fromkeys(units).keys() - self.unit.keys():
            self.unit[unit] = self.folded_unit.setdefault(unit.casefold(), len(self.folded_unit))
        return np.fromiter(map(self.unit.__getitem__, units), np.int64, len(units))

    def ids(self, ids: Sequence[str]) -> Codes:
        import numpy as np

        table = self.id
        return np.fromiter((table.setdefault(i, len(table)) for i in ids), np.int64, len(ids))

    def ringkasans(self, ringkasan: Sequence[str]) -> tuple[list[str], Codes]:
        """(sorted words, their number) of each ringkasan."""
        import numpy as np

        texts = _sorted_texts(ringkasan)
        table = self.text
        number = {t: table.setdefault(t, len(table)) for t in dict.fromkeys(texts)}
        return texts, np.fromiter(map(number.__getitem__, texts), np.int64, len(texts))

    def folds(self, ringkasan: Sequence[str]) -> Codes:
        """The number of store.fold of each ringkasan."""
        import numpy as np

        from ..store.ids import fold

        folds = self.fold
        return np.fromiter(
            (folds.setdefault(f, len(folds)) for f in map(fold, ringkasan)),
            np.int64,
            len(ringkasan),
        )


class _Corpus:
    """What the comparisons need of a list of items, computed once per distinct value.

    Units, ids, texts and folded ringkasan become small integers (shared between
    the corpora through `codes`) so that equality tests run in numpy; ids only when
    asked (`id`): a register's ids are all different; folded ringkasan only of the
    items asked (`folds`): only those of the same sorted words need them.
    """

    def __init__(self, items: Sequence[RegisterItem], codes: _Codes | None = None):
        self.codes = codes = _Codes() if codes is None else codes
        self.of: _Corpus | None = None  # the corpus these items are part of
        self.at: Codes | None = None  # their places in it
        self.ids = [i.id for i in items]
        self.units = [i.unit for i in items]
        self.unit = codes.units(self.units)
        self.ringkasan = [i.ringkasan for i in items]
        self.texts, self.text = codes.ringkasans(self.ringkasan)
        self._id: Codes | None = None
        self._fold: Codes | None = None  # −1: not folded yet
        self._unique: bool | None = None

    @property
    def id(self) -> Codes:
        if self._id is None:
            self._id = self.codes.ids(self.ids)
        return self._id

    def folds(self, rows: Codes) -> Codes:
        """The number of store.fold of the ringkasan of these items (folded once each)."""
        import numpy as np

        if self.of is not None and self.at is not None:
            return self.of.folds(self.at[rows])
        if self._fold is None:
            self._fold = np.full(len(self.ids), -1, np.int64)
        new = _distinct(rows[self._fold[rows] < 0])
        if len(new):
            self._fold[new] = self.codes.folds([self.ringkasan[r] for r in new.tolist()])
        return self._fold[rows]

    def unique_ids(self) -> bool:
        if self._unique is None:
            self._unique = len(set(self.ids)) == len(self.ids)
        return self._unique

    def subset(self, rows: Sequence[int]) -> _Corpus:
        """The corpus of some of the items (their codes unchanged)."""
        import numpy as np

        part = object.__new__(_Corpus)
        at = np.array(rows, np.int64)
        part.codes, part.of, part.at, part._id, part._fold = self.codes, self, at, None, None
        part._unique = None
        part.ids = [self.ids[r] for r in rows]
        part.units = [self.units[r] for r in rows]
        part.texts = [self.texts[r] for r in rows]
        part.ringkasan = [self.ringkasan[r] for r in rows]
        part.unit, part.text = self.unit[at], self.text[at]
        return part


# The last register a corpus was made of (its items, the corpus, how many texts its codes
# held then): the annual count of a night asks the very items of its approval notes.
_LAST_CORPUS: tuple[list[RegisterItem], _Corpus, int] | None = None


def _corpus(items: Sequence[RegisterItem]) -> _Corpus:
    """_Corpus(items), the last one again if these are its items (the same objects, in
    the same order: items are frozen) and its codes were not added to since."""
    from operator import is_

    global _LAST_CORPUS
    last = _LAST_CORPUS
    if (
        last is not None
        and len(last[0]) == len(items)
        and len(last[1].codes.text) == last[2]
        and all(map(is_, last[0], items))
    ):
        return last[1]
    _LAST_CORPUS = None
    corpus = _Corpus(items)
    _LAST_CORPUS = (list(items), corpus, len(corpus.codes.text))
    return corpus


def _distinct(values: Codes) -> Codes:
    """The distinct values, sorted (np.unique without the import of numpy.ma it makes
    to ask whether the array is masked: about 20 ms once a night)."""
    import numpy as np

    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _word_values(n: int) -> npt.NDArray[np.uint64]:
    """A random-looking 64-bit value for each of n index words, the same every night:
    splitmix64 of the word's number (numpy.random would be 30–40 ms to import, once a
    night, for these few thousand numbers)."""
    import numpy as np

    z = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E37_79B9_7F4A_7C15)  # (wraps)
    z += np.uint64(20250315)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58_476D_1CE4_E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D0_49BB_1331_11EB)
    z ^= z >> np.uint64(31)
    return z


def _one_unit_per_id(queries: _Corpus, choices: _Corpus) -> bool:
    """Ids are compared only if one id is found in two units (never in a real register);
    otherwise the same id means the same unit, already left out."""
    if (queries is choices or queries.of is choices) and choices.unique_ids():
        return True
    id_units = set(zip(queries.id.tolist(), queries.unit.tolist(), strict=True))
    id_units.update(zip(choices.id.tolist(), choices.unit.tolist(), strict=True))
    return len(id_units) == len({i for i, _ in id_units})


def _dense_blocks(
    queries: _Corpus,
    choices: _Corpus,
    threshold: int,
    rows: Codes,
    *,
    later_units: bool = False,
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]]:
    """(query row, choice column, score) of the hits of these query rows, every pair
    scored (process.cdist), CHUNK_ROWS rows at a time; a row's hits in one yield.

    Only items of different units are scored; with `later_units` a query is only
    scored against the units coded after its own. A hit is a score ≥ threshold
    between two different ids.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    one_unit_per_id = _one_unit_per_id(queries, choices)
    unit_of = queries.unit[rows]
    for unit in _distinct(unit_of):
        mine = rows[unit_of == unit]
        cols = np.flatnonzero(choices.unit > unit if later_units else choices.unit != unit)
        if not len(cols):
            continue
        col_texts = [choices.texts[c] for c in cols]
        for start in range(0, len(mine), CHUNK_ROWS):
            chunk = mine[start : start + CHUNK_ROWS]
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
            line, at = np.nonzero(hits)
            yield chunk[line], cols[at], scores[line, at]


def _block_hits(
    q: _Corpus, c: _Corpus, threshold: int, *, later_units: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]]:
    """(query row, choice column, score) of every hit among all cross-unit pairs; a
    row's hits in one yield.

    The queries of short texts (DENSE_LENGTH), and all when the first weighed pairs
    show that most could reach the threshold (DENSE_SHARE), have every pair scored at
    once (_dense_blocks); the others are weighed first:

    every pair is weighed, as a pair of distinct texts: the choices' texts sorted by
    length, each query text is set only against those whose length allows the
    threshold (a window), those pairs' letter counts are compared (_Letters), and
    only the pairs both bounds let through are scored; the texts that score ≥
    threshold become pairs of items. Both bounds are exact (they hold back only
    pairs that cannot reach the threshold), so the hits are those of scoring every
    pair. Only items of different units are paired (the register handles same-unit
    duplicates); with `later_units` a query only with the units coded after its
    own, so each unordered pair of units is given once. A hit is a score ≥
    threshold between two different ids. Text pairs are weighed and item pairs made
    EXACT_CHUNK_PAIRS at a time (about: a query text's, or an item's, are never cut).
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    if not len(q.text) or not len(c.text):
        return
    one_unit_per_id = _one_unit_per_id(q, c)
    # The distinct texts of both sides, by their number (shared by q and c), and the
    # items of each: rows of q's text i are q_order[q_lo[i]:q_hi[i]] (c's alike).
    q_num, q_first, q_at = np.unique(q.text, return_index=True, return_inverse=True)
    c_num, c_first, c_at = np.unique(c.text, return_index=True, return_inverse=True)
    q_at, c_at = q_at.reshape(-1), c_at.reshape(-1)
    strings = np.array(
        [q.texts[r] for r in q_first.tolist()] + [c.texts[r] for r in c_first.tolist()],
        dtype=object,
    )
    bag = _Letters(strings.tolist())  # q's texts, then c's (from len(q_num))
    # c's texts by length: a query text's window is a range of them
    by_length = np.argsort(bag.length[len(q_num) :], kind="stable")
    length = bag.length[len(q_num) :][by_length]
    la = bag.length[: len(q_num)]
    # score = 100 × (1 − distance / (la + lb)) and distance ≥ |la − lb|:
    # lb × (200 − t) ≥ la × t and lb × t ≤ la × (200 − t)
    if threshold <= 0:
        lo, hi = np.zeros(len(la), np.int64), np.full(len(la), len(length), np.int64)
    elif threshold > 100:
        return  # no score reaches it
    else:
        lo = np.searchsorted(length * (200 - threshold), la * threshold, "left")
        hi = np.searchsorted(length * threshold, la * (200 - threshold), "right")

    def by_text(at: Codes, n: int) -> tuple[Codes, Codes, Codes]:
        order = np.argsort(at, kind="stable")
        bounds = np.searchsorted(at[order], np.arange(n + 1))
        return order, bounds[:-1], bounds[1:]

    q_order, q_lo, q_hi = by_text(q_at, len(q_num))
    c_order, c_lo, c_hi = by_text(c_at, len(c_num))
    short = la <= DENSE_LENGTH
    if short.any():
        yield from _dense_blocks(
            q, c, threshold, np.flatnonzero(short[q_at]), later_units=later_units
        )
    hi = np.where(short, lo, hi)  # (those are done)
    sampled = False
    for x, k in _chunked_ranges(lo, hi, EXACT_CHUNK_PAIRS):
        y = by_length[k]  # c's text
        reach = bag.reach(x, y + len(q_num), threshold)
        if not sampled and np.count_nonzero(reach) > DENSE_SHARE * len(reach):
            # nearly everything may match: every pair scored at once is cheaper
            yield from _dense_blocks(
                q, c, threshold, np.flatnonzero(~short[q_at]), later_units=later_units
            )
            return
        sampled = True
        x, y = x[reach], y[reach]
        if not len(x):
            continue
        # Any number of workers gives the same scores; the night has the cores to itself.
        scores = process.cpdist(
            strings[x], strings[y + len(q_num)], scorer=fuzz.ratio, score_cutoff=threshold,
            dtype=np.float32, workers=-1,
        )  # fmt: skip
        hit = scores >= threshold
        x, y, scores = x[hit], y[hit], scores[hit]  # by query text (the chunk's order)
        # Each query text's matching items: cols[m_lo[i]:m_hi[i]], with their scores.
        which, at = _ranges(c_lo[y], c_hi[y])
        cols, col_scores = c_order[at], scores[which]
        ends = np.cumsum(c_hi[y] - c_lo[y])
        texts, first = np.unique(x, return_index=True)
        last = np.r_[first[1:], len(x)]
        m_lo = np.r_[0, ends][first]
        m_hi = ends[last - 1]
        # Each query item with its text's matching items, a few items at a time.
        rows_of, row_at = _ranges(q_lo[texts], q_hi[texts])
        rows = q_order[row_at]
        for row_pick, m in _chunked_ranges(m_lo[rows_of], m_hi[rows_of], EXACT_CHUNK_PAIRS):
            r, cc, s = rows[row_pick], cols[m], col_scores[m]
            keep = c.unit[cc] > q.unit[r] if later_units else c.unit[cc] != q.unit[r]
            if not one_unit_per_id:
                keep &= q.id[r] != c.id[cc]
            yield r[keep], cc[keep], s[keep]


def _deletions(threshold: int) -> tuple[int, int] | None:
    """How many words two texts may differ by for the index (on each side, on both
    together), None if it is not trusted."""
    for least, words in sorted(INDEX_DELETIONS.items(), reverse=True):
        if threshold >= least:
            return words
    return None


class _IndexWords(dict[str, int]):
    """Word → number of its index word (its first INDEX_WORD characters, digits masked),
    −1 for a word too short to be indexed; numbered in the order first asked."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[str, int] = {}  # index word → number
        self.odd = False  # a word asked holds white space (it was not cut by split())

    def __missing__(self, word: str) -> int:
        if not word.isprintable():  # (white space other than " " is not printable)
            self.odd = self.odd or len(word.split()) != 1
        masked = _DIGITS.sub("#", word)
        short = len(masked) <= INDEX_SHORT
        number = -1 if short else self.words.setdefault(masked[:INDEX_WORD], len(self.words))
        self[word] = number
        return number


_DIGITS = re.compile(r"\d+")


def _index_classes(
    texts: Sequence[str], seen: _IndexWords
) -> tuple[Codes, Codes, Callable[[Codes, int], Codes]]:
    """(each text's class, each class's number of index words, a function giving the
    sorted index words of some classes of one count: classes × count).

    A class is the texts of the same multiset of index words (`seen` numbers the words
    in the order of the texts), numbered in the order of its first text. The words of
    all texts are numbered in one pass and each text's multiset summed from random word
    values: texts of the same sum are the same class once their words are compared
    (another multiset of the same sum, never seen, is grouped as the sorted tuples are,
    one per text: _index_classes_slowly).
    """
    from itertools import repeat

    import numpy as np

    # The words of all texts in one list, cut at single spaces (a text's words are
    # its spaces and one; an empty word, of an empty text or two spaces, is not indexed,
    # as split() would drop it): a word holding other white space is odd (_IndexWords).
    counts = np.fromiter(map(str.count, texts, repeat(" ")), np.int64, len(texts)) + 1
    numbers = np.fromiter(
        map(seen.__getitem__, " ".join(texts).split(" ")), np.int64, int(counts.sum())
    )
    if seen.odd:  # (never in texts of sorted words) numbered again, text by text
        seen.clear()
        seen.words.clear()
        seen.odd = False
        return _index_classes_slowly(texts, seen)
    kept = numbers >= 0
    row = np.repeat(np.arange(len(texts), dtype=np.int64), counts)[kept]
    # each text's index words sorted: by (text, word) in one sort
    key = row * max(len(seen.words), 1) + numbers[kept]
    key.sort()
    words = key % max(len(seen.words), 1)
    del key, numbers, kept
    count = np.bincount(row, minlength=len(texts))
    del row
    end = np.cumsum(count)
    start = end - count
    summed = np.r_[np.uint64(0), np.cumsum(_word_values(len(seen.words))[words], dtype=np.uint64)]
    digest = summed[end] - summed[start]  # (wrapping: the sum of the text's values)
    del summed
    order = np.lexsort((digest, count))  # by count and sum, texts in order within
    new = np.r_[True, (count[order][1:] != count[order][:-1])
                | (digest[order][1:] != digest[order][:-1])][: len(order)]  # fmt: skip
    # the same count and sum: the same class only if their words are the same
    x, y = order[:-1][~new[1:]], order[1:][~new[1:]]
    which, at = _ranges(start[x], end[x])
    if not np.array_equal(words[at], words[at - start[x][which] + start[y][which]]):
        return _index_classes_slowly(texts, seen)
    first = order[new]  # each class's first text
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first)] = np.arange(len(first), dtype=np.int64)
    text_class = np.empty(len(texts), np.int64)
    text_class[order] = rank[np.cumsum(new) - 1]
    first.sort()  # class → its first text

    def words_of(classes: Codes, n: int) -> Codes:
        return words[start[first[classes]][:, None] + np.arange(n, dtype=np.int64)]

    return text_class, count[first], words_of


def _index_classes_slowly(
    texts: Sequence[str], seen: _IndexWords
) -> tuple[Codes, Codes, Callable[[Codes, int], Codes]]:
    """_index_classes by a tuple of sorted words per text (for sums that collide)."""
    import numpy as np

    classes: dict[tuple[int, ...], int] = {}
    text_class = np.array(
        [
            classes.setdefault(
                tuple(sorted([k for k in map(seen.__getitem__, t.split()) if k >= 0])),
                len(classes),
            )
            for t in texts
        ],
        np.int64,
    )
    coded = list(classes)

    def words_of(members: Codes, n: int) -> Codes:
        return np.array([coded[m] for m in members.tolist()], np.int64).reshape(len(members), n)

    return text_class, np.fromiter(map(len, coded), np.int64, len(coded)), words_of


@functools.lru_cache(maxsize=256)
def _drop_choices(count: int, deletions: int) -> tuple[list[Codes], list[tuple[Codes, Codes]]]:
    """(the choices of places left out of `count` words, by how many: none first, in
    the order of itertools.combinations; each choice of k places as (the same choice
    without its last place, that last place), to sum the signatures of k from those of
    k − 1). At least INDEX_KEEP words are kept, and at most 1,000 choices of the most
    places made. The same every night: made once per count (read-only arrays)."""
    from itertools import combinations
    from math import comb

    import numpy as np

    most = min(deletions, count - INDEX_KEEP)
    while most > 1 and comb(count, most) > 1_000:
        most -= 1
    drops = []
    for k in range(0, max(most, 0) + 1):
        choices = list(combinations(range(count), k))
        drops.append(np.array(choices, np.int64).reshape(len(choices), k))
    steps = []
    for fewer, drop in zip(drops, drops[1:], strict=False):
        place = {tuple(c): n for n, c in enumerate(fewer.tolist())}
        before = [place[tuple(c[:-1])] for c in drop.tolist()]
        steps.append((np.array(before, np.int64), drop[:, -1].copy()))
    for array in (*drops, *(a for step in steps for a in step)):
        array.setflags(write=False)
    return drops, steps


class _Signed:
    """Every distinct text's index words, ready to give its signatures part by part.

    A word of the index is its first INDEX_WORD characters with digits masked ('2024'
    and '2019', 'pendidikan' and 'pennidikan' are the same word here). A text's
    signatures are its word multiset with up to `deletions` words left out, each
    summed from random 64-bit word values (a collision only adds a candidate). At
    least INDEX_KEEP words are kept, and a text with very many words leaves out one
    word fewer (never fewer than the texts that are the same but for one word).
    Beside each signature, the words it left out, so that a pair is
    proposed by one bucket only (`_index_pairs`).
    """

    def __init__(self, texts: Sequence[str], deletions: int) -> None:

        import numpy as np

        seen = _IndexWords()  # word → number of its index word (−1: not indexed)
        # Texts with the same index words (the same title but for its numbers, a typo
        # far in) have the same signatures: they are signed once, as a class (numbered
        # in the order of their first text).
        self.text_class, count_of, words_of = _index_classes(texts, seen)
        words = seen.words
        self.usable = len(words) < 1 << LEFT_OUT_BITS
        classes = len(count_of)
        # the texts of each class: self.texts[self.first[c]:self.first[c + 1]]
        self.texts = np.argsort(self.text_class, kind="stable")
        self.first = np.searchsorted(self.text_class[self.texts], np.arange(classes + 1))
        self.value = _word_values(len(words))
        by_count = np.argsort(count_of, kind="stable")  # the classes of each count, in order
        count_starts = np.flatnonzero(np.r_[True, np.diff(count_of[by_count]) != 0][:classes])
        # (owners, their words: texts × count, the choices of words left out by size,
        # the texts with a repeated word, and which of their signatures repeat one before)
        self.groups: list[
            tuple[npt.NDArray[np.int32], Codes, list[Codes], Codes, list[npt.NDArray[np.bool_]]]
        ] = []
        self.size = 0
        self.steps: list[list[tuple[Codes, Codes]]] = []
        ends = [*count_starts[1:].tolist(), classes]
        for low, high in zip(count_starts.tolist(), ends, strict=False):  # (none: no class)
            members = by_count[low:high]
            count = int(count_of[members[0]])
            drops, steps = _drop_choices(count, deletions)
            word_ids = words_of(members, count)  # members × count, each row sorted
            # A text with a repeated word makes some signatures twice (leaving out either
            # copy): the second is dropped, so that the text proposes a pair once.
            repeats = np.flatnonzero((word_ids[:, 1:] == word_ids[:, :-1]).any(axis=1))
            again = [_repeated(word_ids[repeats], d) for d in drops]
            self.groups.append((members.astype(np.int32), word_ids, drops, repeats, again))
            self.steps.append(steps)
            self.size += len(members) * sum(len(d) for d in drops)

    def _blocks(
        self, late: bool | None, together: int
    ) -> Iterator[
        tuple[
            npt.NDArray[np.int32], Codes, int, Codes, list[tuple[Codes, Any]], Callable[[int], Any]
        ]
    ]:
        """(owners, their words, their first place in the group, the owners with a repeated
        word, [(words left out, their repeats)], the signatures' sums leaving out k words)
        of blocks of texts.

        `late`: only the choices of many words left out (more than half of `together`),
        or only the others (False), or all (None). The sums of k words left out are
        those of k − 1 less one word (one subtraction each, not a sum of k values);
        they are kept for the block and must not be changed in place."""
        import numpy as np

        for (who, word_ids, drops, repeats, again), steps in zip(
            self.groups, self.steps, strict=True
        ):
            chosen = [
                (drop, twice)
                for drop, twice in zip(drops, again, strict=True)
                if late is None or (2 * drop.shape[1] > together) == late
            ]
            if not chosen:
                continue
            step = max(1, SIGNATURE_BLOCK // max(sum(len(d) for d in drops), 1))
            for start in range(0, len(who), step):
                ids = word_ids[start : start + step]
                v = self.value[ids]  # texts × words
                levels = [v.sum(axis=1, dtype=np.uint64)[:, None]]

                def sums(k: int, v: Any = v, levels: list[Any] = levels, steps: Any = steps) -> Any:
                    while len(levels) <= k:
                        before, last = steps[len(levels) - 1]
                        levels.append(levels[-1][:, before] - v[:, last])
                    return levels[k]

                here = slice(*np.searchsorted(repeats, [start, start + step]))
                yield (
                    who[start : start + step],
                    ids,
                    start,
                    repeats[here],
                    [(drop, twice[here]) for drop, twice in chosen],
                    sums,
                )

    def filters(self, together: int) -> bool:
        """Whether some signatures left out more than half of `together` words."""
        most = max((d[-1].shape[1] for _, _, d, _, _ in self.groups), default=0)
        return 2 * most > together

    def few_words(self, together: int) -> int:
        """How many signatures leave out at most half of `together` words."""
        return sum(
            len(who) * sum(len(d) for d in drops if 2 * d.shape[1] <= together)
            for who, _, drops, _, _ in self.groups
        )

    def sharing(self, together: int) -> tuple[int, npt.NDArray[np.bool_] | None, int]:
        """(signatures the parts give, the table of buckets that may pair, at most how
        many pairs the buckets left out hold).

        A signature that left out more than half of `together` words (three of five)
        can only pair with one that left out fewer: the table flags the top
        BUCKET_FILTER_BITS of every such fewer-words signature, and a many-words
        signature is given (part) only if its own are flagged, so that the many
        buckets that could propose nothing are neither kept nor sorted. A bucket is
        more bits than these: every signature of a bucket that holds a fewer-words one
        is kept, and a bucket is kept or left out whole. The pairs the buckets left out
        would hold (which _text_hits counts against its limit) are bounded from above by
        summing them by fewer bits (COUNT_BITS): two buckets counted as one hold more
        pairs than both apart. No table when no signature leaves out that many words.
        """
        import numpy as np

        if not self.filters(together):
            return self.size, None, 0
        shift = np.uint64(64 - BUCKET_FILTER_BITS)
        seen = np.zeros(1 << BUCKET_FILTER_BITS, np.bool_)
        left_out = _LeftOut(self)
        size = 0
        for late in (False, True):
            for who, _, _, _, chosen, sums in self._blocks(late, together):
                for drop, _ in chosen:
                    sig = sums(drop.shape[1]) >> shift
                    if not late:
                        seen[sig] = True
                        size += sig.size
                        continue
                    flagged = seen[sig]
                    size += int(np.count_nonzero(flagged))
                    left_out.add(who, sig, ~flagged)
        return size, seen, left_out.pairs()

    def whole(
        self, together: int
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64], npt.NDArray[np.uint64], int] | None:
        """part(0, 1) and the bound of sharing() in one pass, the table made of this
        part's fewer-words signatures; None (given up) when they are more than
        INDEX_PART_SIGNATURES: the register is signed in parts then."""
        if not self.filters(together):
            return None
        return self._part(0, 1, together, None, build=True)

    def part(
        self,
        part: int,
        parts: int,
        seen: npt.NDArray[np.bool_] | None = None,
        together: int = 0,
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        """(owner class, signature, left-out words) of the signatures `part` of `parts`,
        with `seen` (sharing(together)) only those that may pair.

        A signature's two lowest bits are replaced by how many words it left out.
        """
        done = self._part(part, parts, together, seen, build=False)
        assert done is not None
        return done[:3]

    def _part(
        self,
        part: int,
        parts: int,
        together: int,
        seen: npt.NDArray[np.bool_] | None,
        *,
        build: bool,
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64], npt.NDArray[np.uint64], int] | None:
        import numpy as np

        owners: list[npt.NDArray[np.int32]] = []
        sigs: list[npt.NDArray[np.uint64]] = []
        outs: list[npt.NDArray[np.uint64]] = []
        shift = np.uint64(64 - BUCKET_FILTER_BITS)
        left_out = _LeftOut(self)
        count = 0
        for late in (False, True) if build else (None,):
            if late:
                seen = np.zeros(1 << BUCKET_FILTER_BITS, np.bool_)
                for sig in sigs:
                    seen[sig >> shift] = True
            for who, ids, start, repeats, chosen, sums in self._blocks(late, together):
                for drop, twice in chosen:
                    sig = sums(drop.shape[1])
                    if parts > 1:
                        mine = sig % np.uint64(parts) == part
                    else:
                        mine = np.ones(sig.shape, np.bool_)
                    mine[repeats - start] &= ~twice
                    if seen is not None and 2 * drop.shape[1] > together:
                        top = sig >> shift
                        flagged = seen[top]
                        if build:
                            left_out.add(who, top, mine & ~flagged)
                        del top
                        mine &= flagged
                    row, choice = np.nonzero(mine)
                    count += len(row)
                    if build and count > INDEX_PART_SIGNATURES:
                        return None
                    out = np.zeros(len(row), np.uint64)
                    for k in range(drop.shape[1]):
                        word = ids[row, drop[choice, k]] + 1
                        out |= word.astype(np.uint64) << np.uint64(LEFT_OUT_BITS * k)
                    owners.append(who[row])
                    # its lowest two bits hold how many words it left out (below)
                    sigs.append(sig[row, choice] & ~np.uint64(3) | np.uint64(drop.shape[1]))
                    outs.append(out)
        del seen
        # Each list joined and let go before the next (the blocks and the whole at once
        # would be twice the part).
        owner = np.concatenate(owners) if owners else np.zeros(0, np.int32)
        owners.clear()
        sig = np.concatenate(sigs) if sigs else np.zeros(0, np.uint64)
        sigs.clear()
        out = np.concatenate(outs) if outs else np.zeros(0, np.uint64)
        outs.clear()
        return owner, sig, out, left_out.pairs()


class _LeftOut:
    """The signatures a table left out, summed by their top COUNT_BITS: a bound of the
    pairs their buckets hold (_Signed.sharing). One table of 2**COUNT_BITS sums, added
    to in place block by block (memory does not grow with the signatures left out, and
    no table is made again for each block)."""

    def __init__(self, signed: _Signed) -> None:
        self.size = signed.first[1:] - signed.first[:-1]  # texts of each class
        self.held: Codes | None = None

    def add(
        self, who: npt.NDArray[np.int32], top: npt.NDArray[np.uint64], gone: npt.NDArray[np.bool_]
    ) -> None:
        """Signatures of the texts `who` (rows), their top BUCKET_FILTER_BITS, which left out."""
        import numpy as np

        key = top[gone] >> np.uint64(BUCKET_FILTER_BITS - COUNT_BITS)  # (by row, in order)
        if self.held is None:
            self.held = np.zeros(1 << COUNT_BITS, np.int64)
        size = np.broadcast_to(self.size[who][:, None], gone.shape)[gone]
        np.add.at(self.held, key.astype(np.intp), size)

    def pairs(self) -> int:
        """The pairs of each sum, added: (Σ h² − Σ h) / 2, without a temporary table."""
        import numpy as np

        if self.held is None:
            return 0
        return (int(np.dot(self.held, self.held)) - int(self.held.sum())) // 2


def _repeated(words: Codes, drop: Codes) -> npt.NDArray[np.bool_]:
    """Of each row of sorted words (rows × count), the choices of places left out (`drop`,
    in the order of itertools.combinations) that leave out the same words as an earlier
    choice: all but the first of those, which leaves out the first places of each run of
    equal words (the smallest places, so the first in that order)."""
    import numpy as np

    follows = np.zeros(words.shape, np.bool_)  # the place holds the word of the place before
    follows[:, 1:] = words[:, 1:] == words[:, :-1]
    again = np.zeros((len(words), len(drop)), np.bool_)
    for k in range(drop.shape[1]):
        # a place left out after its run's first must have the place before it left out too
        after = drop[:, k - 1] == drop[:, k] - 1 if k else np.zeros(len(drop), np.bool_)
        again |= follows[:, drop[:, k]] & ~after
    return again


def _disjoint(x: npt.NDArray[np.uint64], y: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Whether two signatures' left-out words (three LEFT_OUT_BITS fields, 0 empty) share none."""
    import numpy as np

    mask, bits = (
        np.uint64((1 << LEFT_OUT_BITS) - 1),
        [np.uint64(LEFT_OUT_BITS * k) for k in range(3)],
    )
    ys = [(y >> b) & mask for b in bits]
    ok = np.ones(len(x), np.bool_)
    for b in bits:
        xs = (x >> b) & mask
        named = xs != 0
        for other in ys:
            ok &= ~((xs == other) & named)
    return ok


def _ranges(starts: Codes, stops: Codes) -> tuple[Codes, Codes]:
    """(i, k) for every k in range(starts[i], stops[i]), in order of i."""
    import numpy as np

    sizes = np.maximum(stops - starts, 0)
    which = np.repeat(np.arange(len(starts), dtype=np.int64), sizes)
    offsets = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes
    )
    return which, starts[which] + offsets


def _letter_places() -> list[int]:
    """Where _Letters counts each ASCII character: a–z apart, the space, the digits by twos."""
    places = [ord(c) & 31 for c in map(chr, range(128))]
    for k, c in enumerate("abcdefghijklmnopqrstuvwxyz"):
        places[ord(c)] = k
    for k, c in enumerate("0123456789"):
        places[ord(c)] = 26 + k // 2
    places[ord(" ")] = 31
    return places


class _Letters:
    """Each text's length and letters counted (by code point modulo 32, at most 255).

    Two texts differ by at least as many insertions and deletions as their counts of
    each letter differ (a letter missing from one must be inserted or deleted), so a
    pair whose counts differ by more than the threshold allows cannot reach it and is
    not scored: an exact bound, cheaper than the score.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        import numpy as np

        place = np.array(_letter_places(), np.uint32)
        self.length = np.fromiter(map(len, texts), np.int64, len(texts))
        self.counts = np.zeros((len(texts), 32), np.uint8)
        for start in range(0, len(texts), LETTERS_BLOCK):  # a few bytes per character
            block = texts[start : start + LETTERS_BLOCK]
            code = np.frombuffer("".join(block).encode("utf-32-le"), np.uint32)
            code = np.where(code < 128, place[np.minimum(code, 127)], code & np.uint32(31))
            code += np.repeat(np.arange(len(block), dtype=np.uint32) * 32,
                              self.length[start : start + LETTERS_BLOCK])  # fmt: skip
            counts = np.bincount(code, minlength=32 * len(block)).reshape(len(block), 32)
            self.counts[start : start + len(block)] = np.minimum(counts, 255)

    def may_reach(self, a: Codes, b: Codes, threshold: int) -> tuple[Codes, Codes]:
        """The pairs (a, b) of texts whose letters allow a score ≥ threshold."""
        ok = self.reach(a, b, threshold)
        return a[ok], b[ok]

    def reach(self, a: Codes, b: Codes, threshold: int) -> npt.NDArray[np.bool_]:
        """Whether the letters of each pair (a, b) of texts allow a score ≥ threshold."""
        import numpy as np

        ok = np.empty(len(a), np.bool_)
        even = np.uint64(0x00FF_00FF_00FF_00FF)
        for low in range(0, len(a), LETTERS_PAIRS):  # 32 bytes per pair and count array
            x, y = (
                self.counts[a[low : low + LETTERS_PAIRS]],
                self.counts[b[low : low + LETTERS_PAIRS]],
            )
            differ = np.maximum(x, y)
            differ -= np.minimum(x, y)
            del x, y
            # the 32 differences (each < 256) summed as 8-byte words: bytes added in pairs
            # (16-bit lanes < 512), the four words added (< 2,048), then the four lanes
            # (< 8,192) by one multiplication into the top lane: exact, no carry
            word = differ.view(np.uint64)
            lanes = (word & even) + ((word >> np.uint64(8)) & even)
            del differ, word
            lanes = lanes[:, 0] + lanes[:, 1] + lanes[:, 2] + lanes[:, 3]
            apart = ((lanes * np.uint64(0x0001_0001_0001_0001)) >> np.uint64(48)).astype(np.int64)
            del lanes
            # score = 100 × (1 − distance / (len a + len b)) ≥ threshold needs this
            room = (
                self.length[a[low : low + LETTERS_PAIRS]]
                + self.length[b[low : low + LETTERS_PAIRS]]
            )
            ok[low : low + LETTERS_PAIRS] = 100 * apart <= (100 - threshold) * room
        return ok


def _bucket_pairs(
    begin: Codes, below: Codes, left: npt.NDArray[np.int8], together: int
) -> Iterator[tuple[Codes, Codes]]:
    """(signature, later signature of its bucket) pairs whose words left out are at most
    `together`, INDEX_CHUNK_PAIRS at a time; the signatures taken in blocks of as many
    (a few numbers each), so that memory stays bounded by the block."""
    import numpy as np

    for low in range(0, len(left), INDEX_CHUNK_PAIRS):
        at = np.arange(low, min(low + INDEX_CHUNK_PAIRS, len(left)), dtype=np.int64)
        bucket = np.searchsorted(begin, at, "right") - 1
        room = together - left[at].astype(np.int64)
        last = begin[bucket] + below[bucket, np.clip(room, 0, 3)]
        last = np.maximum(np.where(room >= 0, last, 0), at + 1)
        del bucket, room
        for k, other in _chunked_ranges(at + 1, last):
            yield k + low, other


def _chunked_ranges(
    first: Codes, last: Codes, size: int | None = None
) -> Iterator[tuple[Codes, Codes]]:
    """_ranges(first, last) as (i, k) pairs, `size` (INDEX_CHUNK_PAIRS) at a time
    (about: the ranges of one i are never cut)."""
    import numpy as np

    size = INDEX_CHUNK_PAIRS if size is None else size
    made = np.cumsum(np.maximum(last - first, 0))
    low = 0
    while low < len(first):
        done = int(made[low - 1]) if low else 0
        high = max(int(np.searchsorted(made, done + size, "right")), low + 1)
        at, other = _ranges(first[low:high], last[low:high])
        yield at + low, other
        low = high


TextHits = tuple["Codes", "Codes", "npt.NDArray[np.float32]"]


def _text_hits(
    texts: Sequence[str],
    threshold: int,
    deletions: int,
    limit: int,
    together: int | None = None,
    *,
    filtered: bool = True,
) -> tuple[int, int, TextHits | None]:
    """(bucket pairs at least, at most, (a, b, score)): the pairs of texts (a < b)
    sharing a signature that score ≥ threshold; no hits when the buckets hold more
    than `limit` pairs.

    The buckets that cannot propose a pair are left out (`filtered`, _Signed.sharing):
    their pairs are then bounded, not counted; when the bound leaves it open whether
    the buckets hold more than `limit`, they are all made and counted.

    Two texts that share their long words share many signatures, so buckets repeat
    most pairs (27 million bucket pairs, 3 million distinct in the 40,000-item
    national register). A pair is proposed only by the bucket of what the two texts
    have in common (the signature that left out no word of the other text), so each
    is scored once; there the words each text left out are the words the other lacks,
    and a pair is proposed only if those are at most `together` (default: any number
    the signatures allow). The buckets are taken a part of the signatures at a time
    (INDEX_PART_SIGNATURES) and INDEX_CHUNK_PAIRS pairs at a time: memory stays
    bounded by the register's size, however full the buckets are.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    together = 2 * deletions if together is None else together
    signed = _Signed(texts, deletions)
    if not signed.usable:
        return limit + 1, limit + 1, None
    strings = np.array(texts, dtype=object)
    bag = _Letters(texts)
    found: list[tuple[Codes, Codes, npt.NDArray[np.float32]]] = []

    def score(a: Codes, b: Codes) -> None:
        a, b = np.minimum(a, b), np.maximum(a, b)
        a, b = bag.may_reach(a, b, threshold)
        scores = process.cpdist(
            strings[a], strings[b], scorer=fuzz.ratio, score_cutoff=threshold,
            dtype=np.float32, workers=1,
        )  # fmt: skip
        hit = scores >= threshold
        found.append((a[hit], b[hit], scores[hit]))

    # Counted: the pairs of texts each bucket holds, as when every text was signed alone
    # (at least those within each class, known before any bucket is made).
    size = np.diff(signed.first)
    if int((size * (size - 1) // 2).sum()) > limit:
        least = int((size * (size - 1) // 2).sum())
        return least, least, None
    # The signatures that may pair: at once if they are few enough, else counted first
    # (their number decides the parts).
    whole = None
    if filtered and signed.few_words(together) <= INDEX_PART_SIGNATURES:
        whole = signed.whole(together)
    if whole is not None:
        parts, seen, extra = 1, None, whole[3]
    else:
        kept, seen, extra = signed.sharing(together) if filtered else (signed.size, None, 0)
        parts = max(1, -(-kept // INDEX_PART_SIGNATURES))
    total = 0
    for part in range(parts):
        if whole is not None:
            owner, sig, out, _ = whole
            whole = None
        else:
            owner, sig, out = signed.part(part, parts, seen, together)
        # Sorted by bucket, then by how many words were left out: the signature's place
        # takes its lowest bits (a bucket is the rest of its 62 bits, fewer of them in a
        # bigger part: two buckets sharing them only add candidates), and the values are
        # sorted themselves, faster than sorting their places.
        places = max(len(sig), 1).bit_length()
        keep_bits = np.uint64(places + 2)
        left = sig & np.uint64(3)  # (in place: one temporary array at a time)
        left <<= np.uint64(places)
        sig >>= keep_bits
        sig <<= keep_bits
        sig |= left
        del left
        sig |= np.arange(len(sig), dtype=np.uint64)
        sig.sort()
        order = np.bitwise_and(sig, np.uint64((1 << places) - 1)).view(np.int64)
        owner = owner[order]
        left = ((sig >> np.uint64(places)) & np.uint64(3)).astype(np.int8)
        sig >>= keep_bits
        starts = np.flatnonzero(np.r_[True, sig[1:] != sig[:-1]])
        sizes = np.diff(np.r_[starts, len(sig)])
        del sig
        held = np.add.reduceat(size[owner], starts) if len(starts) else sizes
        total += int((held * (held - 1) // 2).sum())
        del starts, held
        shared = np.repeat(sizes > 1, sizes)  # a bucket of one class proposes nothing more
        # (the words left out are only asked of these: gathered for them alone)
        owner, out, left, sizes = owner[shared], out[order[shared]], left[shared], sizes[sizes > 1]
        del shared, order
        if total > limit:
            return total, total, None
        # Each signature is paired with the later ones of its bucket that left out at
        # most `together` words with it: in a bucket these come first (sorted above).
        begin = np.cumsum(sizes) - sizes  # bucket → its first signature
        # bucket × words left out → its signatures that left out at most that many
        below = np.stack([np.add.reduceat(left <= k, begin) for k in range(4)], axis=1)
        for at, other in _bucket_pairs(begin, below, left, together):
            a, b = owner[at].astype(np.int64), owner[other].astype(np.int64)
            # a repeated word gives a class the same signature twice; a pair is proposed
            # where none of the words one class left out is left out by the other
            keep = (a != b) & _disjoint(out[at], out[other])
            a, b = a[keep], b[keep]
            del at, other, keep
            # every text of one class with every text of the other
            pair, at = _ranges(signed.first[a], signed.first[a + 1])
            pair, other = _ranges(signed.first[b[pair]], signed.first[b[pair] + 1])
            score(signed.texts[at[pair]], signed.texts[other])
    # The pairs within a class (the same index words): any threshold proposes them.
    in_class = np.repeat(signed.first[1:], size)  # the end of each text's class
    for at, other in _chunked_ranges(np.arange(1, len(texts) + 1, dtype=np.int64), in_class):
        score(signed.texts[at], signed.texts[other])
    if total + extra > limit:  # perhaps more than allowed: counted without leaving out
        del found
        return _text_hits(texts, threshold, deletions, limit, together, filtered=False)
    if not found:
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
        return total, total + extra, empty
    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    s = np.concatenate([f[2] for f in found])
    # A pair twice (a repeated word, a collision of two sums) is scored twice, kept once.
    _, first = np.unique(a * len(texts) + b, return_index=True)
    return total, total + extra, (a[first], b[first], s[first])


# The last index built (a digest of its texts, its settings → bucket pairs and hits):
# the approval notes and the annual report's count of one night ask the same register.
# Only the hits are held (three numbers per pair found), not the texts.
_LAST: tuple[tuple[object, ...], int, int, TextHits | None] | None = None


# An answer computed before it is asked (register/prefetch.py): given the key and the
# limit, (least, most, hits) exactly as _text_hits would give them, or None.
ahead: Callable[[tuple[object, ...], int], tuple[int, int, TextHits | None] | None] | None = None


def _index_key(
    texts: Sequence[str], threshold: int, deletions: int, together: int | None
) -> tuple[object, ...]:
    """What _cached_text_hits knows an answer by: a digest of the texts, the settings."""
    import hashlib

    digest = hashlib.sha256("\0".join(texts).encode()).digest()
    return (digest, len(texts), threshold, deletions, together, INDEX_WORD, INDEX_SHORT,
            INDEX_KEEP)  # fmt: skip


def _cached_text_hits(
    texts: Sequence[str], threshold: int, deletions: int, limit: int, together: int | None = None
) -> TextHits | None:
    """_text_hits of these texts (sorted), reusing the last answer for the same texts."""
    global _LAST
    key = _index_key(texts, threshold, deletions, together)
    if _LAST is not None and _LAST[0] == key:
        least, most, hits = _LAST[1], _LAST[2], _LAST[3]
        if hits is not None:  # already made: whatever the limit, they cost nothing now
            return hits
        if least > limit:  # more pairs than allowed then, or than allowed now
            return None
        # (else not known: the buckets are made again and counted)
    _LAST = None  # the old answer is let go before the new one is built
    found = ahead(key, limit) if ahead is not None else None
    least, most, hits = found or _text_hits(texts, threshold, deletions, limit, together)
    _LAST = (key, least, most, hits)
    return hits


def _index_hits(
    q: _Corpus, c: _Corpus, threshold: int, *, upper: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]] | None:
    """Hits among the candidates of the index, or None when it cannot be used.

    The distinct texts are indexed (_text_hits), and the pairs of texts that score
    ≥ threshold become pairs of items of different units. With `upper` (q and c
    the same list) each unordered pair of items is given once. None when the
    buckets would give more than INDEX_PAIR_FACTOR times all pairs: every pair is
    scored then.
    """
    import numpy as np

    settings = _deletions(threshold)
    if settings is None:
        return None
    deletions, together = settings
    # The texts of both (their numbers: all the texts of the codes q and c share), sorted.
    distinct, place = q.codes.sorted_texts()
    q_text, c_text = place[q.text], place[c.text]
    limit = int(len(q.texts) * len(c.texts) * INDEX_PAIR_FACTOR)
    found = _cached_text_hits(distinct, threshold, deletions, limit, together)
    if found is None:
        return None
    a, b, scores = found
    n = len(distinct)
    # Both directions of a pair of different texts, and each text with itself, by the
    # first text: a query's matches all come from its own text's entries.
    same = np.arange(n, dtype=np.int64)
    x = np.concatenate((a, b, same))
    y = np.concatenate((b, a, same))
    s = np.concatenate((scores, scores, np.full(n, 100.0, np.float32)))
    order = np.argsort(x, kind="stable")
    x, y, s = x[order], y[order], s[order]
    del order

    def by_text(codes: Codes) -> tuple[Codes, Codes, Codes]:
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        return (order, np.searchsorted(sorted_codes, same, "left"),
                np.searchsorted(sorted_codes, same, "right"))  # fmt: skip

    q_order, q_lo, q_hi = by_text(q_text)
    c_order, c_lo, c_hi = (q_order, q_lo, q_hi) if q is c else by_text(c_text)
    one_unit_per_id = _one_unit_per_id(q, c)

    def items(x: Codes, y: Codes, s: npt.NDArray[np.float32]) -> tuple[Codes, Codes, Any]:
        which, at = _ranges(q_lo[x], q_hi[x])
        rows = q_order[at]
        which2, at2 = _ranges(c_lo[y[which]], c_hi[y[which]])
        rows, cols, s = rows[which2], c_order[at2], s[which[which2]]
        keep = q.unit[rows] != c.unit[cols]
        if not one_unit_per_id:
            keep &= q.id[rows] != c.id[cols]
        if upper:
            keep &= cols > rows
        return rows[keep], cols[keep], s[keep]  # (in any order: _ranked sorts them)

    # Item pairs made at once (INDEX_CHUNK_PAIRS, about), cut between two texts only.
    made = np.cumsum((q_hi - q_lo)[x] * (c_hi - c_lo)[y])
    cuts = np.searchsorted(made, np.arange(INDEX_CHUNK_PAIRS, int(made[-1]) if len(made) else 0,
                                           INDEX_CHUNK_PAIRS))  # fmt: skip
    cuts = _distinct(np.searchsorted(x, x[np.minimum(cuts, len(x) - 1)], "left"))
    bounds = [0, *(int(k) for k in cuts if 0 < k < len(x)), len(x)]
    return (items(x[lo:hi], y[lo:hi], s[lo:hi]) for lo, hi in zip(bounds, bounds[1:], strict=False))


def _hits(
    q: _Corpus, c: _Corpus, threshold: int, *, upper: bool = False
) -> Iterator[tuple[Codes, Codes, npt.NDArray[np.float32]]]:
    """(query row, choice column, score) of every noted pair: all of a row's in one yield.

    Through the index when the pairs are many, the queries more than EXACT_QUERIES
    and the threshold allows it, else every cross-unit pair scored. With `upper` (q
    and c the same list) each unordered pair is given once.
    """
    if len(q.texts) * len(c.texts) > EXACT_PAIRS and len(q.texts) > EXACT_QUERIES:
        found = _index_hits(q, c, threshold, upper=upper)
        if found is not None:
            return found
    return _block_hits(q, c, threshold, later_units=upper)


Match = tuple[float, bool, str, str]


Ranked = tuple[list[int], list[int], list[int], "Codes", "npt.NDArray[np.float32]", Any]


def _ranked(
    queries: Sequence[RegisterItem],
    choices: Sequence[RegisterItem],
    threshold: int,
    keep: int,
    rows: Sequence[int] | None,
) -> tuple[_Corpus | None, _Corpus | None, Iterator[Ranked]]:
    """(the queries' corpus, the choices', blocks of (rows, their number of matches,
    where their `keep` best end among the shown, and the shown matches' columns,
    scores and whether not the same)); see _matches."""
    import numpy as np

    if not queries or not choices:
        return None, None, iter(())
    c = _corpus(choices)
    if rows is not None:
        # every choice a query, in order (a night where all is pending): the same corpus
        every = len(rows) == len(choices) and np.array_equal(rows, np.arange(len(choices)))
        q = c if every else c.subset(rows)
    else:
        q = c if queries is choices else _Corpus(queries, c.codes)
    # Place of each choice in (id, unit) order: the tie-break after score and sameness.
    ids, units = c.ids, c.units
    if c.unique_ids():
        order = sorted(range(len(choices)), key=ids.__getitem__)
    else:
        order = sorted(range(len(choices)), key=lambda b: (ids[b], units[b]))
    by_rank = np.array(order, np.int64)
    rank = np.empty(len(choices), np.int64)
    rank[by_rank] = np.arange(len(choices))

    def blocks() -> Iterator[Ranked]:
        for hit_rows, cols, scores in _hits(q, c, threshold):
            if not len(hit_rows):
                continue
            # Different sorted words mean a different store.fold (fold keeps every word);
            # the same sorted words are folded to tell.
            differs = c.text[cols] != q.text[hit_rows]
            same = np.flatnonzero(~differs)
            if len(same):
                differs[same] = c.folds(cols[same]) != q.folds(hit_rows[same])
            # By row, score (highest first), the same first, then the choice's rank: one
            # sort of the four packed in one integer when they fit, else a lexsort. A
            # score is packed as how far its float32 bits are below the block's best
            # (the bits of scores ≥ 0 are in the order of the scores: nothing to sort).
            bits = scores.view(np.int32).astype(np.int64)
            best_bits = int(bits.max())
            bits -= best_bits
            bits *= -1
            score_bits = int(bits.max()).bit_length()
            rank_bits = len(choices).bit_length()
            if len(q.ids).bit_length() + score_bits + 1 + rank_bits <= PACKED_BITS:
                key = hit_rows << (score_bits + 1 + rank_bits)
                key |= bits << (1 + rank_bits)
                del bits
                key |= differs.astype(np.int64) << rank_bits
                key |= rank[cols]
                key.sort()
                cols = by_rank[key & ((1 << rank_bits) - 1)]
                differs = (key >> rank_bits & 1).astype(np.bool_)
                key >>= 1 + rank_bits
                below = key & ((1 << score_bits) - 1)
                scores = (best_bits - below).astype(np.int32).view(np.float32)
                at_row = key >> score_bits
            else:
                best = np.lexsort((rank[cols], differs, -scores, hit_rows))
                at_row, cols, scores = hit_rows[best], cols[best], scores[best]
                differs = differs[best]
            starts = np.flatnonzero(np.r_[True, at_row[1:] != at_row[:-1]])
            counts = np.diff(np.r_[starts, len(at_row)])
            # only the `keep` best of each row are named: those alone become Python objects
            shown = np.arange(len(at_row)) - np.repeat(starts, counts) < keep
            ends = np.cumsum(np.minimum(counts, keep)).tolist()
            yield (
                at_row[starts].tolist(),
                counts.tolist(),
                ends,
                cols[shown],
                scores[shown],
                differs[shown],
            )

    return q, c, blocks()


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
    q, c, blocks = _ranked(queries, choices, threshold, keep, rows)
    if q is None or c is None:
        return {}
    ids, units = c.ids, c.units
    found: dict[int, tuple[int, list[Match]]] = {}
    for at_rows, counts, ends, cols, scores, differs in blocks:
        named = list(
            zip(
                (-scores).astype("float64").tolist(),
                differs.tolist(),
                map(ids.__getitem__, cols.tolist()),
                map(units.__getitem__, cols.tolist()),
                strict=True,
            )
        )
        for row, count, low, high in zip(at_rows, counts, [0, *ends], ends, strict=False):
            found[row] = (count, named[low:high])
    # In query order, as the dict built item by item always was (a repeated id keeps
    # its first place and its last matches).
    return {q.ids[r]: found[r] for r in sorted(found)}


def _notes(
    queries: Sequence[RegisterItem],
    choices: Sequence[RegisterItem],
    threshold: int,
    rows: Sequence[int] | None = None,
) -> dict[str, str]:
    """Query id → its note (_note of its _matches), the notes written from the shown
    matches at once, without their tuples."""
    q, c, blocks = _ranked(queries, choices, threshold, MAX_MATCHES_SHOWN, rows)
    if q is None or c is None:
        return {}
    ids, units = c.ids, c.units
    found: dict[int, str] = {}
    for at_rows, counts, ends, cols, scores, differs in blocks:
        at = cols.tolist()
        # shown rounded down: int() of the score, as _note does
        parts = [
            f"Mirip {oid} ({unit}), {pct}%" if apart else f"{SAME} {oid} ({unit})"
            for oid, unit, pct, apart in zip(
                map(ids.__getitem__, at),
                map(units.__getitem__, at),
                scores.astype("int64").tolist(),
                differs.tolist(),
                strict=True,
            )
        ]
        for row, count, low, high in zip(at_rows, counts, [0, *ends], ends, strict=False):
            note = parts[low] if high - low == 1 else "; ".join(parts[low:high])
            if count > MAX_MATCHES_SHOWN:
                note += f"; dan {count - MAX_MATCHES_SHOWN} lainnya"
            found[row] = note
    return {q.ids[r]: found[r] for r in sorted(found)}


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
    return _notes(items, items, threshold)


def approval_notes(register: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    """Notes for the approval sheet: each pending item against the whole register.

    Only the pending items are compared with everything (pending × all, not
    all × all), so the cost grows with what awaits a decision, not with years
    of register. Pass the result as write_approval_sheet(notes=...).
    """
    rows = [r for r, i in enumerate(register) if i.status == "pending"]
    pending = [register[r] for r in rows]
    return _notes(pending, register, threshold, rows=rows)


def count_pairs(items: Sequence[RegisterItem], threshold: int) -> int:
    """How many cross-unit pairs of items are near-duplicates (for the annual report).

    Each pair of units is scored once (a pair's score does not depend on which
    side is which). A register never repeats an id; should a list do so, the
    matches are counted per id as the approval notes would see them.
    """
    corpus = _corpus(items)
    if not corpus.unique_ids():
        return sum(count for count, _ in _matches(items, items, threshold, keep=0).values()) // 2
    return sum(len(rows) for rows, _, _ in _hits(corpus, corpus, threshold, upper=True))
