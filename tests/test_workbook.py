"""workbook.wrapped_lines / row_height: the quick paths count exactly as the word-by-word rule."""

from __future__ import annotations

import random

from ppid_batch.workbook import LINE_POINTS, row_height, wrapped_lines


def reference_lines(text: str, width: int) -> int:
    """The word-by-word count as first written, without any shortcut or cache."""
    per_line = max(int(width * 1.1) - 1, 1)
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0
        for word in part.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                lines, used = lines + 1, 0
            more, used = divmod(len(word), per_line)
            if used == 0:
                more, used = more - 1, per_line
            lines += more
        total += lines
    return total


def texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = ["a", "dan", "Subbagian", "Teknis", "Penyelenggaraan", "Pemilu", "Hukum", "x" * 13,
             "y" * 30, "z" * 60, "2026", "Sekretariat", "KPU"]  # fmt: skip
    out = ["", " ", "\n", "a\n", "\n\n", "x" * 15, "x" * 16, "x" * 32, "x" * 33]
    for _ in range(count):
        parts = [
            " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
            for _ in range(rng.randint(1, 3))
        ]
        out.append("\n".join(parts))
    return out


def test_wrapped_lines_counts_as_the_word_by_word_rule() -> None:
    for text in texts(15, 3000):
        for width in (1, 2, 5, 13, 15, 16, 22, 45, 150):
            assert wrapped_lines(text, width) == reference_lines(text, width), (text, width)


def test_a_text_exactly_one_line_long_takes_one_line_and_one_more_character_two() -> None:
    per_line = int(20 * 1.1) - 1  # 21 characters in a 20-wide column
    assert wrapped_lines("x" * per_line, 20) == 1
    assert wrapped_lines("x" * (per_line + 1), 20) == 2
    assert wrapped_lines("ab " * 7, 20) == 1  # 21 characters with a trailing space
    assert wrapped_lines("a\nb", 20) == 2


def test_row_height_takes_the_longest_cell_and_leaves_one_line_rows_alone() -> None:
    assert row_height(["DIP-2026-0001", 7, "", None], [15, 5, 45, 10]) is None
    three = "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum"
    assert wrapped_lines(three, 26) == 3
    assert row_height([three, "pendek", 12], [26, 45, 5]) == LINE_POINTS * 3 + 3
    assert row_height(["x" * 10_000], [10]) == 409  # Excel's tallest row


def test_wrapped_lines_counts_as_the_word_by_word_rule_whatever_the_spacing() -> None:
    """Tabs, no-break spaces, runs of spaces, leading and trailing blanks and long words
    at every position: the count is the reference loop's."""
    rng = random.Random(16)
    words = ["Rp", "1.250.000,00", "Dikecualikan", "—", "x" * 21, "y" * 42, "é" * 7, "a/b-c"]
    gaps = [" ", "  ", "\t", "\u00a0", " \r ", "\u2003"]
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 14)))
        text = rng.choice(["", " ", "\t"]) + text
        if rng.random() < 0.3:
            text = text.replace(rng.choice(gaps), "\n", 1)
        for width in (1, 3, 10, 19, 20, 24, 48, 90):
            assert wrapped_lines(text, width) == reference_lines(text, width), (text, width)
