"""Near-duplicates across units, noted for the Atasan PPID and never merged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reports_util import HUKUM, KEUANGAN, TEKNIS, item
from similar_util import (
    corpus,
    national_corpus,
    reference_approval_notes,
    reference_count_pairs,
    reference_near_duplicates,
)

from ppid_batch.register import similar
from ppid_batch.register.similar import (
    SAME,
    approval_notes,
    count_pairs,
    near_duplicates,
    normalise,
)


def test_normalise_ignores_case_punctuation_and_spacing() -> None:
    assert normalise("  Laporan  Keuangan, Tahun-2024. ") == "laporan keuangan tahun 2024"


def test_items_of_different_units_with_nearly_the_same_ringkasan_are_noted() -> None:
    items = [
        item(12, HUKUM, "Laporan Keuangan Tahunan KPU Kabupaten Mesuji 2024"),
        item(30, KEUANGAN, "laporan keuangan tahunan KPU Kab. Mesuji 2024"),
        item(31, KEUANGAN, "Daftar Pemilih Tetap Pemilu 2024 per kecamatan"),
        item(40, TEKNIS, "Daftar pemilih tetap pemilu 2024 per kecamatan"),
    ]
    notes = near_duplicates(items, 90)
    assert notes == {
        "DIP-2025-0012": "Mirip DIP-2025-0030 (Subbagian Keuangan, Umum dan Logistik), 93%",
        "DIP-2025-0030": "Mirip DIP-2025-0012 (Subbagian Hukum dan SDM), 93%",
        # the same ringkasan but for case: named as the same, not as a 100% likeness
        "DIP-2025-0031": "Ringkasan sama dengan DIP-2025-0040 "
        "(Subbagian Teknis Penyelenggaraan Pemilu)",
        "DIP-2025-0040": "Ringkasan sama dengan DIP-2025-0031 "
        "(Subbagian Keuangan, Umum dan Logistik)",
    }
    assert count_pairs(items, 90) == 2


def test_same_unit_and_dissimilar_items_are_not_noted() -> None:
    items = [
        item(1, HUKUM, "Laporan Keuangan Tahunan 2024"),
        item(2, "subbagian hukum dan sdm", "Laporan keuangan tahunan 2024"),  # same unit
        item(3, KEUANGAN, "Rencana Kerja dan Anggaran 2025"),
    ]
    assert near_duplicates(items, 90) == {}
    assert near_duplicates(items[:1], 90) == {}
    assert count_pairs([], 90) == 0


def test_threshold_decides_and_word_order_does_not_matter() -> None:
    items = [
        item(1, HUKUM, "Keputusan KPU tentang penetapan calon terpilih"),
        item(2, TEKNIS, "Tentang penetapan calon terpilih: Keputusan KPU"),
        item(3, KEUANGAN, "Keputusan KPU tentang penetapan pasangan calon"),
    ]
    strict = near_duplicates(items, 95)
    assert set(strict) == {"DIP-2025-0001", "DIP-2025-0002"}
    loose = near_duplicates(items, 80)
    assert loose["DIP-2025-0001"].startswith("Mirip DIP-2025-0002 (Subbagian Teknis")
    assert loose["DIP-2025-0001"].endswith(
        "; Mirip DIP-2025-0003 (Subbagian Keuangan, Umum dan Logistik), 80%"
    )


def test_long_lists_of_matches_are_cut_to_three() -> None:
    units = [f"Unit {c}" for c in "ABCDE"]
    items = [item(n, u, "Profil KPU Kabupaten Mesuji") for n, u in enumerate(units, 1)]
    note = near_duplicates(items, 90)["DIP-2025-0001"]
    assert note == (
        "Ringkasan sama dengan DIP-2025-0002 (Unit B); Ringkasan sama dengan DIP-2025-0003 "
        "(Unit C); Ringkasan sama dengan DIP-2025-0004 (Unit D); dan 1 lainnya"
    )


def test_approval_notes_compare_pending_items_with_the_whole_register() -> None:
    register = [
        item(1, HUKUM, "Laporan Keuangan Tahunan 2024", status="approved"),
        item(2, KEUANGAN, "laporan keuangan tahunan 2024", status="pending"),
        item(3, TEKNIS, "Laporan keuangan tahunan 2024.", status="refused"),
        item(4, TEKNIS, "Jadwal tahapan pemilihan", status="pending"),
    ]
    # only pending items get a note; decided ones are still named as matches; a trailing
    # full stop makes the text not the same (the register's rule) though it scores 100%
    assert approval_notes(register, 90) == {
        "DIP-2025-0002": (
            "Ringkasan sama dengan DIP-2025-0001 (Subbagian Hukum dan SDM); "
            "Mirip DIP-2025-0003 (Subbagian Teknis Penyelenggaraan Pemilu), 100%"
        )
    }


@pytest.mark.parametrize("exact_pairs", [similar.EXACT_PAIRS, 0])
def test_a_register_all_pending_gets_the_notes_of_every_item_against_all(
    exact_pairs: int, monkeypatch
) -> None:
    """Night 1: every item pending, so the queries are the register itself."""
    monkeypatch.setattr(similar, "EXACT_PAIRS", exact_pairs)  # full search, then the index
    monkeypatch.setattr(similar, "EXACT_QUERIES", min(exact_pairs, similar.EXACT_QUERIES))
    monkeypatch.setattr(similar, "_LAST", None)
    register = corpus(300, 4, pending=1.0)
    notes = approval_notes(register, 95)
    assert list(notes.items()) == list(reference_approval_notes(register, 95).items())
    assert list(notes.items()) == list(near_duplicates(register, 95).items()) and len(notes) > 50


def _catatan_sistem(register, config, tmp_path) -> dict[str, str]:
    """The Catatan Sistem of each item on the approval sheet the batch would write."""
    import datetime as dt

    from python_calamine import CalamineWorkbook

    from ppid_batch.approve.sheet import write_approval_sheet

    path = write_approval_sheet(
        register, config.letter, tmp_path, today=dt.date(2025, 3, 3),
        notes=approval_notes(register, config.similarity_threshold),
    )  # fmt: skip
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = next(r for r in rows if "Catatan Sistem" in r)
    ids = {i.id for i in register}
    return {r[0]: r[header.index("Catatan Sistem")] for r in rows if r[0] in ids}


def test_notes_reach_the_catatan_sistem_column_of_the_approval_sheet(tmp_path, config) -> None:
    register = [
        item(1, HUKUM, "Profil singkat KPU Kabupaten Mesuji", status="approved"),
        item(2, KEUANGAN, "Profil singkat KPU Kab. Mesuji", status="pending"),
    ]
    assert _catatan_sistem(register, config, tmp_path) == {
        "DIP-2025-0002": "Mirip DIP-2025-0001 (Subbagian Hukum dan SDM), 90%"
    }


def test_identical_ringkasan_of_two_units_get_one_note_on_the_approval_sheet(
    tmp_path, config
) -> None:
    """The sheet's own same-ringkasan check and approval_notes must not both name a pair."""
    register = [
        item(1, HUKUM, "Profil singkat KPU Kabupaten Mesuji"),
        item(2, KEUANGAN, "profil singkat  KPU Kabupaten Mesuji"),
        item(3, TEKNIS, "Profil singkat KPU Kab. Mesuji"),
    ]
    assert _catatan_sistem(register, config, tmp_path) == {
        "DIP-2025-0001": "Ringkasan sama dengan DIP-2025-0002 (Subbagian Keuangan, Umum dan "
        "Logistik); Mirip DIP-2025-0003 (Subbagian Teknis Penyelenggaraan Pemilu), 90%",
        "DIP-2025-0002": "Ringkasan sama dengan DIP-2025-0001 (Subbagian Hukum dan SDM); "
        "Mirip DIP-2025-0003 (Subbagian Teknis Penyelenggaraan Pemilu), 90%",
        "DIP-2025-0003": "Mirip DIP-2025-0001 (Subbagian Hukum dan SDM), 90%; "
        "Mirip DIP-2025-0002 (Subbagian Keuangan, Umum dan Logistik), 90%",
    }


# ---- the vectorised comparison agrees exactly with the pairwise loop it replaced ----


@pytest.mark.slow
@pytest.mark.parametrize("weighed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_notes_and_counts_are_those_of_the_pairwise_loop_on_a_varied_register(
    seed: int, weighed: bool, monkeypatch
) -> None:
    if weighed:  # every query's pairs weighed first, however short or alike its text
        monkeypatch.setattr(similar, "DENSE_LENGTH", -1)
        monkeypatch.setattr(similar, "DENSE_SHARE", 1.0)
    register = corpus(300, seed, pending=0.4)
    for threshold in (50, 80, 90, 100):
        notes = near_duplicates(register, threshold)
        assert list(notes.items()) == list(reference_near_duplicates(register, threshold).items())
        pending = approval_notes(register, threshold)
        assert list(pending.items()) == list(reference_approval_notes(register, threshold).items())
        assert count_pairs(register, threshold) == reference_count_pairs(register, threshold)
    # the corpus is not trivial: notes with all three kinds of entries, cut lists, unnoted items
    notes = near_duplicates(register, 85)
    assert all(any(kind in n for n in notes.values()) for kind in (SAME, "Mirip", "lainnya"))
    assert 0 < len(notes) < len(register)


@pytest.mark.parametrize("seed", range(3))
def test_matches_sorted_by_one_packed_integer_or_by_four_keys_give_the_same_notes(
    seed: int, monkeypatch
) -> None:
    register = corpus(300, seed, pending=0.4)
    for threshold in (0, 50, 85, 100):  # (from 0 a score of 0 is a match)
        packed = near_duplicates(register, threshold), approval_notes(register, threshold)
        matches = similar._matches(register, register, threshold)
        monkeypatch.setattr(similar, "PACKED_BITS", 0)  # never fits: lexsort
        keys = near_duplicates(register, threshold), approval_notes(register, threshold)
        assert [list(n.items()) for n in packed] == [list(n.items()) for n in keys]
        assert list(similar._matches(register, register, threshold).items()) == list(
            matches.items()
        )
        monkeypatch.undo()
        # the notes written at once are those of the matches, one by one
        assert list(packed[0].items()) == [(k, similar._note(v)) for k, v in matches.items()]
    assert all(any(kind in n for n in packed[0].values()) for kind in (SAME, "Mirip"))


def test_the_same_words_in_another_order_or_punctuation_are_alike_not_the_same() -> None:
    """Only items of the same sorted words are folded (store.fold) to tell whether
    their ringkasan are the same: those of other words never are."""
    items = [
        item(1, HUKUM, "Laporan  keuangan tahunan 2024"),
        item(2, KEUANGAN, "LAPORAN KEUANGAN TAHUNAN 2024"),  # the same
        item(3, TEKNIS, "Tahunan 2024 laporan keuangan"),  # another order
        item(4, "Unit D", "laporan keuangan: tahunan 2024"),  # punctuation
        item(5, "Unit E", "laporan keuangan tahunan 2025"),  # another word
    ]
    notes = near_duplicates(items, 70)
    assert notes["DIP-2025-0001"] == (
        "Ringkasan sama dengan DIP-2025-0002 (Subbagian Keuangan, Umum dan Logistik); "
        "Mirip DIP-2025-0003 (Subbagian Teknis Penyelenggaraan Pemilu), 100%; "
        "Mirip DIP-2025-0004 (Unit D), 100%; dan 1 lainnya"
    )
    assert notes["DIP-2025-0005"].startswith("Mirip DIP-2025-0001 (Subbagian Hukum dan SDM), 96%")


def test_rows_are_scored_in_chunks_with_the_same_result(monkeypatch) -> None:
    register = corpus(120, 7, pending=0.5)
    whole = near_duplicates(register, 85), approval_notes(register, 85), count_pairs(register, 85)
    monkeypatch.setattr(similar, "EXACT_CHUNK_PAIRS", 7)
    monkeypatch.setattr(similar, "CHUNK_ROWS", 7)
    assert (near_duplicates(register, 85), approval_notes(register, 85)) == whole[:2]
    assert count_pairs(register, 85) == whole[2] == reference_count_pairs(register, 85) > 0


# ---- big registers: the candidate index ----


@pytest.mark.parametrize("seed", range(6))
def test_the_index_gives_the_notes_of_the_pairwise_loop_on_the_varied_register(
    seed: int, monkeypatch
) -> None:
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)  # the index even for 300 items
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    monkeypatch.setattr(similar, "_LAST", None)
    made = []  # whether each call of the index gave pairs (not the every-pair fallback)
    cached = similar._cached_text_hits

    def spy(*args: object, **kwargs: object) -> object:
        got = cached(*args, **kwargs)  # type: ignore[arg-type]
        made.append(got is not None)
        return got

    monkeypatch.setattr(similar, "_cached_text_hits", spy)
    register = corpus(300, seed, pending=0.4)
    for threshold in (95, 100):  # one word apart at most: the index finds every pair
        notes = approval_notes(register, threshold)
        assert list(notes.items()) == list(reference_approval_notes(register, threshold).items())
        assert count_pairs(register, threshold) == reference_count_pairs(register, threshold)
    # From 90 it may miss a pair whose texts each lack three words of the other
    # (docs/reports.md): ≥ 99% of the pairs, ≥ 95% of the notes word for word.
    expected = reference_count_pairs(register, 90)
    assert 0.99 * expected <= count_pairs(register, 90) <= expected
    for found, wanted in (
        (approval_notes(register, 90), reference_approval_notes(register, 90)),
        (near_duplicates(register, 90), reference_near_duplicates(register, 90)),
    ):
        assert len(set(found.items()) & set(wanted.items())) >= 0.95 * len(wanted)
        assert all(any(kind in n for n in found.values()) for kind in (SAME, "Mirip", "lainnya"))
    assert made and all(made)  # the index answered every call: it is what was compared


@pytest.mark.parametrize("seed", range(3))
def test_a_few_pending_on_a_big_register_are_searched_in_full(seed: int, monkeypatch) -> None:
    """A night of a few forms on years of register: every pair of its pending items is
    scored (the index would build the whole register's signatures for them, and may miss
    a pair), unless the queries are more than EXACT_QUERIES."""
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)  # the register counts as big
    asked = []  # the index's calls
    cached = similar._cached_text_hits

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(1)
        return cached(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(similar, "_cached_text_hits", spy)
    register = corpus(300, seed, pending=0.4)
    pending = sum(i.status == "pending" for i in register)
    assert 60 < pending <= similar.EXACT_QUERIES
    for threshold in (90, 95):
        monkeypatch.setattr(similar, "_LAST", None)
        notes = approval_notes(register, threshold)
        assert list(notes.items()) == list(reference_approval_notes(register, threshold).items())
    assert not asked
    monkeypatch.setattr(similar, "EXACT_QUERIES", pending - 1)  # one query more: the index
    approval_notes(register, 90)
    assert asked


def _scored_pairs(monkeypatch) -> list[int]:
    """Record how many pairs each process.cdist / process.cpdist call scores."""
    from rapidfuzz import process

    scored: list[int] = []
    cdist, cpdist = process.cdist, process.cpdist

    def counting_cdist(a, b, **kw):  # type: ignore[no-untyped-def]
        scored.append(len(a) * len(b))
        return cdist(a, b, **kw)

    def counting_cpdist(a, b, **kw):  # type: ignore[no-untyped-def]
        scored.append(len(a))
        return cpdist(a, b, **kw)

    monkeypatch.setattr(process, "cdist", counting_cdist)
    monkeypatch.setattr(process, "cpdist", counting_cpdist)
    return scored


@pytest.mark.slow
def test_a_big_register_scores_only_the_candidates_of_the_index(monkeypatch) -> None:
    """Fifty units writing their own documents, a third another unit's variant."""
    register = national_corpus(2500, 11, pending=0.5)
    expected = reference_approval_notes(register, 90)
    all_matches = reference_count_pairs(register, 90)
    monkeypatch.setattr(similar, "EXACT_PAIRS", 1_000_000)  # 1,250 × 2,500 pairs: indexed
    scored = _scored_pairs(monkeypatch)
    notes = approval_notes(register, 90)
    assert sum(scored) < len(register) ** 2 // 100  # a small part of the pairs is scored...
    scored.clear()
    found = count_pairs(register, 90)
    assert sum(scored) < len(register) ** 2 // 100
    # ...yet ≥ 99% of the matching pairs are found (none is made up: each is scored),
    assert 0.99 * all_matches <= found <= all_matches
    # and nearly every note is word for word the one of the full search.
    assert set(notes) <= set(expected)
    assert len(set(notes.items()) & set(expected.items())) >= 0.95 * len(expected) > 500


def _searched_in_full(monkeypatch) -> list[int]:
    """Record the threshold of each search of every cross-unit pair (_block_hits)."""
    searched: list[int] = []
    block_hits = similar._block_hits

    def spy(q, c, threshold, **kw):  # type: ignore[no-untyped-def]
        searched.append(threshold)
        return block_hits(q, c, threshold, **kw)

    monkeypatch.setattr(similar, "_block_hits", spy)
    return searched


def test_a_low_threshold_or_a_register_where_all_match_is_searched_in_full(monkeypatch) -> None:
    register = national_corpus(400, 2, pending=0.5)
    expected = reference_approval_notes(register, 80)
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    searched = _searched_in_full(monkeypatch)
    assert approval_notes(register, 80) == expected
    assert searched == [80]  # no index below 85: every cross-unit pair weighed
    # QA's register: every cross-unit pair is a near-duplicate; the index would not pay.
    same = [item(n, HUKUM if n % 2 else KEUANGAN, f"Informasi nomor {n} tentang kegiatan {n % 37}")
            for n in range(1, 301)]  # fmt: skip
    expected_pairs = reference_count_pairs(same, 90)
    scored = _scored_pairs(monkeypatch)
    assert count_pairs(same, 90) == expected_pairs > 150 * 150 / 2
    assert searched == [80, 90]
    assert sum(scored) > 150 * 150 / 2


def test_a_full_search_scores_only_the_pairs_whose_length_and_letters_allow_the_threshold(
    monkeypatch,
) -> None:
    """A small night: a few pending items against the register. Every pair is weighed
    (exactly: the hits are those of the pairwise loop), few are scored. (Queries of
    short texts have every pair scored at once: process.cdist packs them.)"""
    register = national_corpus(1500, 3, pending=0.0)
    long = [
        at
        for at, i in enumerate(register)
        if len(similar._sorted_tokens(i.ringkasan)) > similar.DENSE_LENGTH
    ]
    for n, at in enumerate(long[::75][:20]):  # 20 pending, all kinds of long text
        register[at] = item(n + 9000, register[at].unit, register[at].ringkasan, status="pending")
    expected = {t: reference_approval_notes(register, t) for t in (60, 90, 100)}
    searched = _searched_in_full(monkeypatch)
    scored = _scored_pairs(monkeypatch)
    weighed = []
    reach = similar._Letters.reach

    def counting_reach(self, a, b, threshold):  # type: ignore[no-untyped-def]
        weighed.append(len(a))
        return reach(self, a, b, threshold)

    monkeypatch.setattr(similar._Letters, "reach", counting_reach)
    for threshold, wanted in expected.items():
        scored.clear()
        weighed.clear()
        notes = approval_notes(register, threshold)
        assert list(notes.items()) == list(wanted.items()) and len(notes) > 3
        distinct = len({similar._sorted_tokens(i.ringkasan) for i in register})
        assert sum(weighed) <= 20 * distinct
        if threshold >= 90:  # the lengths hold back a quarter unweighed, the letters most
            assert sum(weighed) < 0.8 * 20 * distinct  # of the rest
            assert sum(scored) < sum(weighed) // 4
    assert searched == [60, 90, 100]


def test_a_register_where_most_pairs_may_match_has_every_pair_scored_at_once(monkeypatch) -> None:
    """Long texts that all look alike: the first weighed pairs nearly all pass the
    bounds, so weighing the rest would only add to scoring them (DENSE_SHARE)."""
    same = [
        item(n, HUKUM if n % 2 else KEUANGAN,
             f"Informasi nomor {n} tentang kegiatan penyelenggaraan pemilihan umum {n % 37}")
        for n in range(1, 301)
    ]  # fmt: skip
    assert all(len(similar._sorted_tokens(i.ringkasan)) > similar.DENSE_LENGTH for i in same)
    expected = reference_count_pairs(same, 90), reference_near_duplicates(same, 90)
    dense: list[int] = []
    blocks = similar._dense_blocks

    def spy(q, c, threshold, rows, **kw):  # type: ignore[no-untyped-def]
        dense.append(len(rows))
        return blocks(q, c, threshold, rows, **kw)

    monkeypatch.setattr(similar, "_dense_blocks", spy)
    assert count_pairs(same, 90) == expected[0] > 150 * 150 / 2
    assert list(near_duplicates(same, 90).items()) == list(expected[1].items())
    assert dense == [300, 300]  # every query in one go, for the count and the notes


_words = st.sampled_from(
    ["laporan", "Laporan", "keuangan", "KEUANGAN", "2024", "Kab.", "tahun", "ß", "Straße",
     "ǅemal", "İzin", "dan", "—", "  ", "", "…", "a_b", "٣"]
)  # fmt: skip


@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),  # id: repeats allowed, as the loop allowed them
            st.sampled_from(["Unit A", "unit a", "Unit B", "UNIT C"]),
            st.lists(_words, max_size=6).map(" ".join),
            st.booleans(),
        ),
        max_size=12,
    ),
    st.integers(50, 100),
    st.booleans(),
)
@pytest.mark.slow
@settings(max_examples=150, deadline=None)
def test_odd_ringkasan_units_and_repeated_ids_match_the_pairwise_loop(
    rows, threshold, weighed
) -> None:
    register = [
        item(n, unit, text or "-", status="pending" if p else "approved")
        for n, unit, text, p in rows
    ]
    dense = similar.DENSE_LENGTH, similar.DENSE_SHARE
    if weighed:  # every query's pairs weighed first, however short or alike its text
        similar.DENSE_LENGTH, similar.DENSE_SHARE = -1, 1.0
    try:
        notes = near_duplicates(register, threshold)
        assert list(notes.items()) == list(reference_near_duplicates(register, threshold).items())
        pending = approval_notes(register, threshold)
        assert list(pending.items()) == list(reference_approval_notes(register, threshold).items())
        assert count_pairs(register, threshold) == reference_count_pairs(register, threshold)
    finally:
        similar.DENSE_LENGTH, similar.DENSE_SHARE = dense


# ---- the index's memory: parts, chunks, each pair once, built once per night ----


def test_the_index_in_parts_and_small_chunks_gives_the_same_notes(monkeypatch) -> None:
    register = national_corpus(1200, 5, pending=0.5)
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    monkeypatch.setattr(similar, "_LAST", None)
    whole = approval_notes(register, 90), count_pairs(register, 90), near_duplicates(register, 90)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in register})
    size = similar._Signed(texts, 3).size
    monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", size // 7)  # 8 parts
    monkeypatch.setattr(similar, "INDEX_CHUNK_PAIRS", 500)
    monkeypatch.setattr(similar, "SIGNATURE_BLOCK", 300)
    monkeypatch.setattr(similar, "LETTERS_BLOCK", 7)
    monkeypatch.setattr(similar, "LETTERS_PAIRS", 100)
    monkeypatch.setattr(similar, "_LAST", None)
    parted = approval_notes(register, 90)
    monkeypatch.setattr(similar, "_LAST", None)
    assert (parted, count_pairs(register, 90), near_duplicates(register, 90)) == whole
    assert len(whole[0]) > 300 and whole[1] > 300


def test_the_index_scores_each_candidate_pair_once(monkeypatch) -> None:
    """Texts sharing their words share dozens of signatures; the pair is scored once."""
    from rapidfuzz import process

    register = national_corpus(1500, 6, pending=1.0)
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    monkeypatch.setattr(similar, "_LAST", None)
    pairs: list[tuple[str, str]] = []
    cpdist = process.cpdist

    def recording_cpdist(a, b, **kw):  # type: ignore[no-untyped-def]
        pairs.extend(zip(a, b, strict=True))
        return cpdist(a, b, **kw)

    monkeypatch.setattr(process, "cpdist", recording_cpdist)
    expected = reference_count_pairs(register, 90)
    assert 0.99 * expected <= count_pairs(register, 90) <= expected and expected > 300
    # (a text with a repeated word may propose a pair twice: kept once, but scored twice)
    assert len(pairs) > 1000
    assert len(set(pairs)) >= 0.99 * len(pairs)


def test_the_annual_count_reuses_the_index_of_the_approval_notes(monkeypatch) -> None:
    """One night asks both of the same register (the report reads it again from the store)."""
    from dataclasses import replace

    register = national_corpus(800, 8, pending=1.0)
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    monkeypatch.setattr(similar, "_LAST", None)
    built: list[int] = []
    text_hits = similar._text_hits

    def counting(texts, *args):  # type: ignore[no-untyped-def]
        built.append(len(texts))
        return text_hits(texts, *args)

    monkeypatch.setattr(similar, "_text_hits", counting)
    notes = approval_notes(register, 90)
    again = [replace(i) for i in reversed(register)]  # other objects, another order
    found = count_pairs(again, 90)
    assert len(built) == 1 and notes
    monkeypatch.setattr(similar, "_LAST", None)
    assert count_pairs(again, 90) == found == reference_count_pairs(register, 90)
    assert len(built) == 2
    # another threshold, or one ringkasan changed: built again
    count_pairs(again, 95)
    changed = [replace(again[0], ringkasan=again[0].ringkasan + " revisi"), *again[1:]]
    count_pairs(changed, 95)
    assert len(built) == 4
    assert count_pairs(changed, 95) == reference_count_pairs(changed, 95)
    assert len(built) == 4


def test_a_cached_index_answers_only_within_the_pairs_allowed(monkeypatch) -> None:
    monkeypatch.setattr(similar, "_LAST", None)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in national_corpus(300, 9)})
    total, most, hits = similar._text_hits(texts, 90, 3, 10**9)
    assert hits is not None and total > 0 and most == total  # (none left out at 3 of 6)
    assert similar._cached_text_hits(texts, 90, 3, 10**9) is not None
    assert similar._cached_text_hits(texts, 90, 3, 10**9) is similar._LAST[3]  # type: ignore[index]
    # Pairs already made are given whatever the limit: they cost nothing now.
    got = similar._cached_text_hits(texts, 90, 3, total - 1)
    assert got is not None and [x.tolist() for x in got] == [x.tolist() for x in hits]
    # Not made because there were too many: not made for a smaller limit either, and
    # made when the limit allows them.
    monkeypatch.setattr(similar, "_LAST", None)
    assert similar._cached_text_hits(texts, 90, 3, total - 1) is None  # too many for this call
    assert similar._LAST is not None and similar._LAST[3] is None
    assert similar._cached_text_hits(texts, 90, 3, total - 2) is None  # known to be too many
    got = similar._cached_text_hits(texts, 90, 3, total)
    assert got is not None and [x.tolist() for x in got] == [x.tolist() for x in hits]


def test_from_90_the_index_does_not_propose_texts_that_each_lack_three_words_of_the_other(
    monkeypatch,
) -> None:
    """Three words on one side and three on the other: not proposed at 90 (rarely a
    match, 40% of the candidates), proposed at 85; three against two still are."""
    monkeypatch.setattr(similar, "_LAST", None)
    base = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    others = {
        (3, 3): [*base[3:], "india", "juliet", "kilo"],
        (2, 3): [*base[2:], "lima", "mike", "november"],
        (1, 3): [*base[1:], "oscar", "papa", "quebec"],
        (0, 3): [*base, "romeo", "sierra", "tango"],
    }
    texts = sorted(" ".join(sorted(words)) for words in [base, *others.values()])
    at = {t: k for k, t in enumerate(texts)}  # text → its number
    b = texts.index(" ".join(base))

    def proposed(together: int) -> set[tuple[int, int]]:
        # threshold 0: every pair the index proposes is a hit
        _, _, hits = similar._text_hits(texts, 0, 3, 10**9, together)
        assert hits is not None
        return {(a, c) for a, c in zip(hits[0].tolist(), hits[1].tolist(), strict=True)}

    def pairs(*kinds: tuple[int, int]) -> set[tuple[int, int]]:
        return {tuple(sorted((b, at[" ".join(sorted(others[k]))]))) for k in kinds}  # type: ignore[misc]

    assert similar._deletions(85) == (3, 6) and similar._deletions(90) == (3, 5)
    assert proposed(6) == pairs((3, 3), (2, 3), (1, 3), (0, 3))
    assert proposed(5) == pairs((2, 3), (1, 3), (0, 3))
    assert proposed(4) == pairs((1, 3), (0, 3))
    assert proposed(3) == pairs((0, 3))


def _letters_keep_every_hit(texts: list[str], threshold: int) -> int:
    """Check that _Letters passes every pair scoring ≥ threshold; how many it held back."""
    import numpy as np
    from rapidfuzz import fuzz

    a, b = np.triu_indices(len(texts), 1)
    kept_a, kept_b = similar._Letters(texts).may_reach(a, b, threshold)
    kept = set(zip(kept_a.tolist(), kept_b.tolist(), strict=True))
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        if fuzz.ratio(texts[x], texts[y]) >= threshold:
            assert (x, y) in kept, (texts[x], texts[y])
    return len(a) - len(kept)


def test_the_letter_counts_hold_back_only_pairs_that_cannot_reach_the_threshold() -> None:
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in national_corpus(150, 4)})
    pairs = len(texts) * (len(texts) - 1) // 2
    held_back = {t: _letters_keep_every_hit(texts, t) for t in (50, 85, 90, 100)}
    # from 85 most pairs are never scored; at 100 only anagrams of each other are
    assert held_back[50] <= held_back[85] < held_back[90] < held_back[100] <= pairs
    assert held_back[90] > pairs // 2, (held_back, pairs)


@given(st.lists(st.lists(_words, min_size=1, max_size=6).map(" ".join), max_size=8),
       st.integers(50, 100))  # fmt: skip
@settings(max_examples=100, deadline=None)
def test_the_letter_counts_never_hold_back_a_hit_of_odd_texts(texts, threshold) -> None:
    _letters_keep_every_hit([similar._sorted_tokens(t) for t in texts], threshold)


@pytest.mark.parametrize(("n", "seed", "make"), [(1500, 11, "national"), (300, 1, "varied")])
def test_leaving_out_the_buckets_that_cannot_pair_changes_no_hit(n, seed, make) -> None:
    """At 90 a signature that left out three words pairs only with one that left out at
    most two: the buckets of only such signatures are left out, and their pairs bounded."""
    register = national_corpus(n, seed) if make == "national" else corpus(n, seed)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in register})
    least, most, hits = similar._text_hits(texts, 90, 3, 10**12, 5)
    exact, same, every = similar._text_hits(texts, 90, 3, 10**12, 5, filtered=False)
    assert hits is not None and every is not None and len(hits[0]) > 100
    assert [x.tolist() for x in hits] == [x.tolist() for x in every]
    assert exact == same and least < exact <= most
    # a limit the bound cannot decide: counted again without leaving out, as before
    assert similar._text_hits(texts, 90, 3, exact - 1, 5)[2] is None
    assert similar._text_hits(texts, 90, 3, (least + exact) // 2, 5)[2] is None
    again = similar._text_hits(texts, 90, 3, exact, 5)  # left out if the bound allows it
    assert again[:2] == ((least, most) if most <= exact else (exact, exact))
    assert [x.tolist() for x in again[2] or ()] == [x.tolist() for x in every]


def test_the_index_signed_at_once_in_parts_or_given_up_halfway_finds_the_same(
    monkeypatch,
) -> None:
    register = national_corpus(1500, 12)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in register})
    signed = similar._Signed(texts, 3)
    few, (kept, _, _) = signed.few_words(5), signed.sharing(5)
    assert few < kept < signed.size
    answers = []
    for most in (signed.size, kept, few, few // 3):  # at once, at once, given up, parts
        monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", most)
        answers.append(similar._text_hits(texts, 90, 3, 10**12, 5))
    monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", signed.size)
    at_once = similar._Signed(texts, 3).whole(5)
    assert at_once is not None and few < len(at_once[1]) <= kept
    monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", len(at_once[1]))
    assert similar._Signed(texts, 3).whole(5) is not None
    monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", len(at_once[1]) - 1)
    assert similar._Signed(texts, 3).whole(5) is None
    monkeypatch.setattr(similar, "INDEX_PART_SIGNATURES", few)
    assert similar._Signed(texts, 3).whole(5) is None
    first = answers[0]
    assert first[2] is not None and len(first[2][0]) > 100
    for least, most, hits in answers[1:]:
        assert hits is not None and [x.tolist() for x in hits] == [x.tolist() for x in first[2]]
        assert least == first[0] and most >= least


def test_a_few_pending_against_a_big_register_go_through_the_index(monkeypatch) -> None:
    """The index's buckets hold the whole register's pairs however few items are pending;
    it is still used while they are at most INDEX_PAIR_FACTOR times the pending × register
    pairs (a quarter of them, the earlier rule, scored every pair of 2,000 pending items
    against 40,000: 16.8 s where the index takes 1.5 s)."""
    monkeypatch.setattr(similar, "EXACT_PAIRS", 0)
    monkeypatch.setattr(similar, "EXACT_QUERIES", 0)
    monkeypatch.setattr(similar, "_LAST", None)
    register = corpus(300, 0, pending=0.2)  # 67 pending, 23,979 bucket pairs at least
    pending = sum(i.status == "pending" for i in register)
    made = []
    cached = similar._cached_text_hits

    def spy(*args: object, **kwargs: object) -> object:
        got = cached(*args, **kwargs)  # type: ignore[arg-type]
        made.append((args[3], got is not None))  # (the limit, whether it answered)
        return got

    monkeypatch.setattr(similar, "_cached_text_hits", spy)
    notes = approval_notes(register, 95)
    assert list(notes.items()) == list(reference_approval_notes(register, 95).items())
    assert made == [(similar.INDEX_PAIR_FACTOR * pending * len(register), True)]
    # ...where a quarter of those pairs would not have let the index answer
    assert similar._LAST is not None and similar._LAST[1] > pending * len(register) // 4


# ---- the index's classes and the sorted words, made at once ----


def _slow_signed(texts: list[str], monkeypatch) -> similar._Signed:
    monkeypatch.setattr(similar, "_index_classes", similar._index_classes_slowly)
    try:
        return similar._Signed(texts, 3)
    finally:
        monkeypatch.undo()


def _same_signed(one: similar._Signed, other: similar._Signed) -> None:
    import numpy as np

    assert one.text_class.tolist() == other.text_class.tolist()
    assert one.first.tolist() == other.first.tolist() and one.size == other.size
    assert len(one.groups) == len(other.groups)
    for a, b in zip(one.groups, other.groups, strict=True):
        assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()
        assert a[3].tolist() == b[3].tolist()
        assert all(np.array_equal(x, y) for x, y in zip(a[4], b[4], strict=True))


@pytest.mark.parametrize("seed", [3, 8])
def test_the_index_classes_summed_at_once_are_those_of_a_tuple_per_text(seed, monkeypatch) -> None:
    """Texts are classed by the sum of their index words' values, then their words
    compared; a text by text tuple of sorted words gives the same classes, numbered
    alike, and the same words of each."""
    register = national_corpus(1500, seed) + corpus(200, seed)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in register})
    texts += ["", "laporan", "laporan laporan", "tahun tahunan tahunan laporan 2024 2025"]
    fast = similar._Signed(texts, 3)
    classes = len(fast.first) - 1
    assert len(texts) > classes > len(texts) // 2  # many texts share their index words
    _same_signed(fast, _slow_signed(texts, monkeypatch))


def test_index_words_of_the_same_sum_are_told_apart_by_their_words(monkeypatch) -> None:
    """Sums that collide (here every word's value the same) are caught by comparing the
    words: the texts are classed one tuple at a time, and the index finds the same."""
    import numpy as np

    register = national_corpus(600, 2)
    texts = sorted({similar._sorted_tokens(i.ringkasan) for i in register})
    want = similar._text_hits(texts, 90, 3, 10**12, 5)
    slow = _slow_signed(texts, monkeypatch)
    called = []
    slowly = similar._index_classes_slowly

    def spy(*args):  # type: ignore[no-untyped-def]
        called.append(1)
        return slowly(*args)

    monkeypatch.setattr(similar, "_index_classes_slowly", spy)
    values = similar._word_values
    monkeypatch.setattr(similar, "_word_values", lambda n: np.ones(n, np.uint64))
    from ppid_batch.register.similar import _index_classes

    classed = _index_classes(texts, similar._IndexWords())
    assert called and classed[0].tolist() == slow.text_class.tolist()
    monkeypatch.setattr(similar, "_word_values", values)
    got = similar._text_hits(texts, 90, 3, 10**12, 5)
    assert got[:2] == want[:2] and want[2] is not None and got[2] is not None
    assert [x.tolist() for x in got[2]] == [x.tolist() for x in want[2]]


def test_texts_that_are_not_sorted_words_are_classed_as_split_would(monkeypatch) -> None:
    texts = ["laporan\tkeuangan tahunan", "laporan  keuangan tahunan ", " keuangan laporan",
             "tahunan\u00a0laporan keuangan", "", "  ", "laporan keuangan tahunan"]  # fmt: skip
    _same_signed(similar._Signed(texts, 3), _slow_signed(texts, monkeypatch))
    fast = similar._Signed(texts, 3)
    assert fast.text_class[1] == fast.text_class[6] == fast.text_class[0]


def test_a_repeated_word_makes_each_signature_once() -> None:
    """A choice of words left out that leaves out the same words as an earlier choice
    (either copy of a repeated word) is dropped: the multisets left are each made once."""
    from itertools import combinations

    import numpy as np

    words = np.array([[1, 1, 1, 2, 3, 3], [1, 2, 3, 4, 5, 6], [4, 4, 4, 4, 4, 4]], np.int64)
    for k in range(4):
        choices = list(combinations(range(6), k))
        drop = np.array(choices, np.int64).reshape(len(choices), k)
        again = similar._repeated(words, drop)
        for row, again_row in zip(words.tolist(), again.tolist(), strict=True):
            seen: set[tuple[int, ...]] = set()
            for choice, twice in zip(drop.tolist(), again_row, strict=True):
                left = tuple(row[p] for p in choice)
                assert twice == (left in seen), (row, choice)
                seen.add(left)


@given(st.lists(st.lists(_words | st.sampled_from(["A\x00b", "x\ty", "Ab-c", ""]), max_size=5)
                .map(" ".join), max_size=10))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_sorted_words_made_at_once_are_those_of_each_ringkasan(ringkasan) -> None:
    similar._TEXTS = {}
    assert similar._sorted_texts(ringkasan) == [similar._sorted_tokens(r) for r in ringkasan]
    again = ringkasan[::-1] + ["Laporan Keuangan 2024"]  # partly known from the last call
    assert similar._sorted_texts(again) == [similar._sorted_tokens(r) for r in again]
    known = ringkasan[:3]  # all known from the last call
    assert similar._sorted_texts(known) == [similar._sorted_tokens(r) for r in known]


def test_the_choices_of_words_left_out_are_made_once_per_count_and_never_changed() -> None:
    from itertools import combinations
    from math import comb

    for count, most in ((2, 0), (4, 2), (17, 3), (20, 2), (60, 1)):  # ≤ 1,000 of the most
        drops, steps = similar._drop_choices(count, 3)
        assert len(drops) == most + 1 and len(steps) == most
        for k, drop in enumerate(drops):
            assert drop.tolist() == [list(c) for c in combinations(range(count), k)]
            assert not drop.flags.writeable and len(drop) == comb(count, k)
        for (before, last), fewer, drop in zip(steps, drops, drops[1:], strict=False):
            assert (fewer[before].tolist(), last.tolist()) == (drop[:, :-1].tolist(),
                                                              drop[:, -1].tolist())  # fmt: skip
    assert similar._drop_choices(17, 3) is similar._drop_choices(17, 3)
    long = " ".join(sorted(f"kata{n:02d}x" for n in range(60)))  # 60 index words
    signed = similar._Signed([long, long.replace("kata07x", "kita07x")], 3)
    assert signed.size == 2 * (1 + 60)


def test_sorted_words_made_elsewhere_are_taken_as_the_last_asked(monkeypatch) -> None:
    """The index's child process makes the register's sorted words; given to the parent,
    its notes map them instead of making them again, and make only the ones not given."""
    ringkasan = ["Laporan Keuangan 2024", "Daftar Pemilih, Tetap", "laporan keuangan 2024"]
    similar.remember_sorted_texts(ringkasan, similar._sorted_texts(ringkasan))
    made = []
    tokens = similar._sorted_tokens

    def spy(r: str) -> str:
        made.append(r)
        return tokens(r)

    monkeypatch.setattr(similar, "_sorted_tokens", spy)
    assert similar._sorted_texts(ringkasan[::-1]) == [tokens(r) for r in ringkasan[::-1]]
    assert similar._sorted_texts([*ringkasan, "Renstra Ñ"]) == [
        *map(tokens, ringkasan),
        "renstra ñ",
    ]
    assert made == ["Renstra Ñ"]  # (not ASCII: one by one)
    with pytest.raises(ValueError, match="one text per ringkasan"):
        similar.remember_sorted_texts(ringkasan, ["a"])


def test_the_annual_count_reuses_the_corpus_of_the_notes_of_the_same_items(monkeypatch) -> None:
    """A night's count asks the very items (the same objects) of its approval notes: their
    corpus is made once. Equal items that are other objects, or a corpus whose codes took
    other texts since, are made again; the count is the same either way."""
    import dataclasses

    register = national_corpus(400, 6, pending=0.5)
    monkeypatch.setattr(similar, "_LAST_CORPUS", None)
    made: list[int] = []

    class Spy(similar._Corpus):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            made.append(len(args[0]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(similar, "_Corpus", Spy)
    notes = approval_notes(register, 85)
    count = count_pairs(register, 85)
    assert made == [400] and count == reference_count_pairs(register, 85) > 50
    assert list(notes.items()) == list(reference_approval_notes(register, 85).items())
    copy = [dataclasses.replace(i) for i in register]  # equal, not the same objects
    assert count_pairs(copy, 85) == count and made == [400, 400]
    assert count_pairs(copy, 85) == count and made == [400, 400]
    new = [item(999, HUKUM, "Jadwal kampanye pemilihan yang belum pernah ada")]
    similar._matches(new, copy, 85)  # (its text is numbered in the codes of copy's corpus)
    assert made == [400, 400, 1]
    assert count_pairs(copy, 85) == count and made == [400, 400, 1, 400]


def test_the_sorted_texts_of_the_codes_are_made_again_once_texts_are_added() -> None:
    codes = similar._Codes()
    codes.ringkasans(["Laporan Keuangan", "Daftar Pemilih"])
    first = codes.sorted_texts()
    assert first[0] == ["daftar pemilih", "keuangan laporan"] and first[1].tolist() == [1, 0]
    assert codes.sorted_texts() is first
    codes.ringkasans(["Arsip", "laporan keuangan"])
    again = codes.sorted_texts()
    assert again[0] == ["arsip", "daftar pemilih", "keuangan laporan"]
    assert again[1].tolist() == [2, 1, 0]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads counted on Linux")
@pytest.mark.parametrize("chosen", [None, "2"])
def test_numpy_imported_for_the_notes_starts_no_blas_threads_unless_asked(chosen) -> None:
    """OpenBLAS's threads spin at numpy's import (CPU for nothing: the search uses no
    BLAS); a process that imports this module first gets one, unless its user chose."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if chosen:
        env["OPENBLAS_NUM_THREADS"] = chosen
    probe = (
        "import os, ppid_batch.register.similar as s, numpy; "
        "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [chosen or "1", chosen or "1"]  # (the threads of the process)
