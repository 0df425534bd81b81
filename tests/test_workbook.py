"""workbook.wrapped_lines / row_height: the quick paths count exactly as the word-by-word rule."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ppid_batch.workbook import LINE_POINTS, new_workbook, row_height, wrapped_lines


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


def test_row_heights_column_by_column_are_row_height_of_each_row() -> None:
    """row_heights skips cells that cannot reach their row's lines: the heights are still
    row_height_of's, row by row, for texts of every length around the columns' widths."""
    from ppid_batch.workbook import row_height_of, row_heights

    rng = random.Random(11)
    pool = texts(3, 400) + ["kata " * n for n in range(1, 40)] + ["x" * n for n in range(1, 90)]
    pool += ["Ringkasan " + "panjang sekali " * n for n in range(12)] + [None, "", "\u00a0 a\t b "]
    short = [None, "", "a", "YA", "x" * 5, "DIP-2026-00001", "a\nb"]
    for widths in ([14, 24, 48, 24], [5, 5], [48], [1, 30, 7, 60, 12]):
        for _ in range(30):
            # Some columns draw from a few texts (repeated on many rows), or short ones only.
            pools = [rng.choice([pool, pool, rng.sample(pool, 3), short]) for _ in widths]
            rows = [[rng.choice(p) for p in pools] for _ in range(rng.randint(0, 60))]
            columns = [[row[c] for row in rows] for c in range(len(widths))]
            one_by_one = row_height_of(widths)
            assert row_heights(columns, widths) == [one_by_one(row) for row in rows]
    assert row_heights([], []) == []


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


def _sheet_bytes(table: bool, fill: Callable[[Any, Any, bool], None], *, streamed: bool = False,
                 tmp: Path | None = None) -> bytes:  # fmt: skip
    """A workbook filled by `fill(workbook, sheet, table)`: workbook.py's (`table=True`: its
    write_text_row) or xlsxwriter's own Workbook and Worksheet, cell by cell."""
    import xlsxwriter

    import ppid_batch.workbook as module

    buffer = io.BytesIO()
    # The table classes whatever the installed release (under one not yet in
    # TABLE_XLSXWRITER these tests say whether it may be added), or xlsxwriter's own.
    chosen = module._workbook_class
    module._workbook_class = (  # type: ignore[assignment]
        module._table_workbook_class if table else lambda: xlsxwriter.Workbook
    )
    try:
        workbook = new_workbook(buffer, title="Uji", created=dt.date(2026, 3, 14),
                                streamed_in=tmp if streamed else None)  # fmt: skip
    finally:
        module._workbook_class = chosen  # type: ignore[method-assign]
    assert (type(workbook) is xlsxwriter.Workbook) is not table
    fill(workbook, workbook.add_worksheet("Lembar"), table)
    workbook.close()
    return buffer.getvalue()


def _text_row(ws: Any, table: bool, row: int, col: int, values: list[str | None],
              formats: list[Any]) -> None:  # fmt: skip
    if table:
        ws.write_text_row(row, col, values, formats)
        return
    for n, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
        if value:
            ws.write_string(row, col + n, value, cell_format)
        else:
            ws.write_blank(row, col + n, None, cell_format)


def _text_columns(ws: Any, table: bool, row: int, col: int, columns: list[list[str | None]],
                  formats: list[list[Any]], heights: list[float | None]) -> None:  # fmt: skip
    """The rows' heights and a table given column by column: workbook.py's set_row_heights
    and write_text_rows, or xlsxwriter's set_row and cells one by one."""
    if table:
        ws.set_row_heights(row, heights)
        ws.write_text_rows(row, col, zip(*columns, strict=True), formats)
        return
    for n, height in enumerate(heights):
        if height is not None:
            ws.set_row(row + n, height)
    for n, row_formats in enumerate(formats):
        _text_row(ws, False, row + n, col, [column[n] for column in columns], row_formats)


def _fill_everything(workbook: Any, ws: Any, table: bool) -> None:
    """Every kind of cell and row the generated workbooks use, around rows of text."""
    wrap = workbook.add_format({"text_wrap": True, "border": 1, "valign": "top"})
    first = workbook.add_format({"text_wrap": True, "border": 1, "top": 2})
    unlocked = workbook.add_format({"locked": False, "bg_color": "#FFF2CC"})
    bold = workbook.add_format({"bold": True})
    ws.set_column(0, 0, 12, bold)
    ws.set_column(3, 4, 30)
    ws.merge_range(0, 0, 0, 5, 'KPU Kabupaten <Contoh> & "Uji"', bold)
    ws.write_string(2, 0, "Nomor", bold)
    ws.write_number(2, 1, 7.5)
    ws.write_datetime(
        3, 1, dt.datetime(2026, 3, 14), workbook.add_format({"num_format": "dd/mm/yyyy"})
    )
    ws.write_string(3, 2, "tanpa format")  # a string with no format: the column's or none
    ws.write_blank(4, 3, None, unlocked)
    ws.set_row(5, 30)
    ws.set_row(6, 15)  # the default height: written without `ht`
    ws.set_row(7, 20, bold)  # a row format
    ws.set_row(8, None, None, {"hidden": True})
    rng = random.Random(7)
    words = ["Dokumen", "DIP", "a&b", "<x>", '"kutip"', " spasi ", "é", "\n", "Rp 1.000",
             "\t", "\u00a0", "\x01", "_x0041_", "_x00", "\ufffe", "<r>", "</r>", "’"]  # fmt: skip
    for n in range(300):
        row = 10 + n
        values: list[str | None] = [
            None
            if rng.random() < 0.2
            else "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
            for _ in range(6)
        ]
        if n % 97 == 5:
            values[2] = "panjang " * (2500 if n < 150 else 4500)  # near and over Excel's limit
        formats = [first if n % 40 == 0 else wrap] * 5 + [unlocked]
        if rng.random() < 0.5:
            ws.set_row(row, 12.75 * rng.randint(1, 5) + 3)
        _text_row(ws, table, row, n % 3, values, formats)
        if n % 50 == 3:
            ws.write_number(row, 9, n)  # another cell in a text row, beyond it
    odd = ["<r>teks</r>", " depan", "belakang\u00a0", "\x01kendali", "_x0041_", "a\ufffeb"]
    _text_row(ws, table, 320, 0, odd, [wrap] * 6)
    rows: list[list[str | None]] = [[f"blok {n}", None, "a&b", "Rp 1.000"] for n in range(20)]
    if table:  # many rows at once (write_text_rows), or cell by cell
        ws.write_text_rows(330, 1, rows, [[wrap, unlocked, wrap, first]] * 20)
    else:
        for n, values in enumerate(rows):
            _text_row(ws, False, 330 + n, 1, values, [wrap, unlocked, wrap, first])
    # A table given column by column, with its rows' heights (set_row_heights).
    columns: list[list[str | None]] = [
        [f"kolom {n}" for n in range(12)],
        ["a&b", None, "", "Rp 1.000", "blok 3", "kolom 5"] * 2,
        [None] * 12,
    ]
    heights = [None, 30.0, None, 15.0, 12.75 * 4 + 3] + [None] * 7
    _text_columns(ws, table, 360, 2, columns, [[wrap, first, unlocked]] * 12, heights)
    ws.data_validation(11, 1, 300, 1, {"validate": "list", "source": ["YA", "TIDAK"]})
    ws.autofilter(10, 0, 310, 8)
    ws.freeze_panes(11, 0)
    ws.protect("", {"autofilter": True})


def test_the_table_sheet_writes_the_bytes_xlsxwriters_own_sheet_writes(tmp_path: Path) -> None:
    """workbook.py's worksheet (write_text_row, its row writer) gives the file xlsxwriter's
    Worksheet gives for the same cells written one by one: byte for byte."""
    plain = _sheet_bytes(False, _fill_everything)
    assert _sheet_bytes(True, _fill_everything) == plain
    # The rows really are there: calamine reads the same texts from the sheet.
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(plain)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == 'KPU Kabupaten <Contoh> & "Uji"'
    assert any("a&b" in str(v) for row in rows[10:] for v in row)
    # In xlsxwriter's streamed mode (rows written in order) it writes cell by cell as well.
    streamed = _sheet_bytes(False, _fill_everything, streamed=True, tmp=tmp_path)
    assert _sheet_bytes(True, _fill_everything, streamed=True, tmp=tmp_path) == streamed


@pytest.mark.parametrize(
    "odd",
    [None, " awal", "akhir ", "tab\tdi tengah", "baris\nbaru", "\u00a0", "x\u2003", "_x0041_",
     "kendali \x01", "\x00", "<r><t>kaya</t></r>", "\ufffe", "a  b"],
)  # fmt: skip
@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_the_shared_strings_written_at_once_or_one_by_one_are_xlsxwriters(
    odd: str | None, first: bool, ascii_only: bool
) -> None:
    """Plain strings only (escapes of & < >, non-ASCII, spaces inside): the shared-string part
    is written in one piece; one string xlsxwriter writes otherwise (white space at an end,
    a tab or line break, a control character, `_xHHHH_`, rich text, a non-character) and
    every string is written one by one. Either way the bytes are xlsxwriter's own."""
    texts = ["Laporan <Keuangan> & Aset", "é 😀 Sekretariat", "a&b", "", "Daftar  Arsip", "x"]
    if ascii_only:  # (checked apart: every string ASCII, or the odd one alone not)
        texts[1] = "e ~ Sekretariat"

    def fill(workbook: Any, ws: Any, table: bool) -> None:
        wrap = workbook.add_format({"text_wrap": True})
        if odd is not None and first:  # the part's first string
            _text_row(ws, table, 0, 2, [odd], [wrap])
        for n, text in enumerate(texts):
            _text_row(ws, table, n, 0, [text, f"{text}-{n}"], [wrap, wrap])
        if odd is not None and not first:  # its last
            _text_row(ws, table, len(texts), 2, [odd], [wrap])

    plain = _sheet_bytes(False, fill)
    assert _sheet_bytes(True, fill) == plain
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(plain)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Laporan <Keuangan> & Aset" and rows[1][0] == texts[1]


@pytest.mark.parametrize("extra", [None, "comment", "url", "chart", "autofit"])
def test_text_rows_kept_whole_are_the_cells_written_one_by_one(extra: str | None) -> None:
    """write_text_row keeps a row whole: cells written into that row later lie over it, a
    second text row over the first, a text row over earlier cells; xlsxwriter's own code
    that reads the cells (comments, hyperlinks, chart data, autofit) sees them all."""

    def fill(workbook: Any, ws: Any, table: bool) -> None:
        wrap = workbook.add_format({"text_wrap": True, "border": 1})
        other = workbook.add_format({"bold": True})
        for row in range(40):
            values = [f"baris {row}", None if row % 3 else "", f"nilai {row % 7}", "a&b"]
            _text_row(ws, table, row, row % 2, values, [wrap, other, wrap, wrap])
        ws.set_row(10, 15)  # text rows with the default height, a format, hidden, a height
        ws.set_row(11, 20, other)
        ws.set_row(12, None, None, {"hidden": True})
        ws.set_row(13, 30)
        ws.write_string(4, 0, "ditimpa", other)  # over a text row's cell, later
        ws.write_number(5, 8, 12)  # beside one
        ws.write_blank(6, 1, None, other)
        _text_row(ws, table, 7, 2, ["kedua", None], [other, wrap])  # a text row over one
        ws.write_string(50, 1, "lebih dulu")
        _text_row(ws, table, 50, 0, ["sesudahnya", "menimpa"], [wrap, wrap])  # over a cell
        if extra == "comment":
            ws.write_comment(20, 2, "Catatan")
        elif extra == "url":
            ws.write_url(9, 4, "https://jdih.kpu.go.id/", string="tautan")
            ws.write_url(30, 1, "https://ppid.kpu.go.id/")
        elif extra == "chart":
            chart = workbook.add_chart({"type": "column"})
            chart.add_series({"categories": "=Lembar!$A$1:$A$30", "values": "=Lembar!$C$1:$C$30"})
            ws.insert_chart(2, 8, chart)
        elif extra == "autofit":
            ws.autofit()

    assert _sheet_bytes(True, fill) == _sheet_bytes(False, fill)


@pytest.mark.parametrize("cells", [True, False])
def test_a_row_given_only_a_height_is_set_as_xlsxwriter_sets_it(cells: bool) -> None:
    """set_row with a height alone is stored by the table sheet itself: the same rows,
    dimensions and answers as xlsxwriter's, before any cell, at zero (hidden), beyond
    the cells and outside the sheet."""
    answers: dict[bool, list[int]] = {}

    def fill(workbook: Any, ws: Any, table: bool) -> None:
        said = answers[table] = []
        said.append(ws.set_row(3, 20))  # before any cell: the dimensions start here
        said.append(ws.set_row(1, 15))  # the default height
        if cells:
            said.append(ws.set_row(2, 0))  # hidden
            _text_row(ws, table, 5, 3, ["a", "b"], [None, None])
            said.append(ws.set_row(7, 12, None, {"level": 1}))
        said.append(ws.set_row(40, 33.3))  # beyond the cells
        said.append(ws.set_row(-1, 10))
        said.append(ws.set_row(1_048_576, 10))
        chart = workbook.add_chart({"type": "line"})  # placed by the rows' heights
        chart.add_series({"values": "=Lembar!$A$1:$A$3"})
        ws.insert_chart(1, 1, chart)

    assert _sheet_bytes(True, fill) == _sheet_bytes(False, fill)
    assert answers[True] == answers[False] == [0, 0] + [0, 0] * cells + [0, -1, -1]


def test_many_text_rows_at_once_are_the_cells_written_one_by_one() -> None:
    """write_text_rows: rows of text after each other, among them a row with a blank
    without a format, one past the sheet's last row, one with a text too long for a cell,
    one over earlier cells, an empty one and one with the same new text twice; the file is
    xlsxwriter's for the same cells written one by one."""

    def fill(workbook: Any, ws: Any, table: bool) -> None:
        wrap = workbook.add_format({"text_wrap": True, "border": 1})
        first = workbook.add_format({"text_wrap": True, "border": 1, "top": 2})
        ws.write_string(1_048_570, 1, "lebih dulu")
        rows: list[list[str | None]] = []
        formats: list[list[Any]] = []
        for n in range(40):
            rows.append([f"ID-{n}", "Unit A" if n < 20 else "Unit B", f"teks {n}", None])
            formats.append([first if n == 20 else wrap] * 4)
        rows[5] = ["sama", "sama", "", "baru"]
        formats[6] = [wrap, None, wrap, wrap]
        rows[9] = ["panjang " * 4500, "x", None, "y"]
        rows[12] = []
        formats[12] = []
        if table:
            ws.write_text_rows(10, 1, rows, formats)
            ws.write_text_rows(1_048_570, 0, rows[:8], formats[:8])  # over a cell, then out
        else:
            for n, (values, row_formats) in enumerate(zip(rows, formats, strict=True)):
                _text_row(ws, False, 10 + n, 1, values, row_formats)
            for n, (values, row_formats) in enumerate(zip(rows[:8], formats[:8], strict=True)):
                _text_row(ws, False, 1_048_570 + n, 0, values, row_formats)

    assert _sheet_bytes(True, fill) == _sheet_bytes(False, fill)

    def mismatched(workbook: Any, ws: Any, table: bool) -> None:
        with pytest.raises(ValueError):
            ws.write_text_row(0, 0, ["a", "b"], [workbook.add_format({"bold": True})])

    _sheet_bytes(True, mismatched)


@pytest.mark.parametrize(
    "case",
    ["plain", "known", "over", "over a row", "unformatted", "too long", "past the end", "one row"],
)
def test_a_table_given_column_by_column_is_the_cells_written_one_by_one(case: str) -> None:
    """set_row_heights and write_text_rows of a table: texts new and repeated across rows
    and columns, some in the shared strings already, blanks as None or "", rows formatted
    apart, rows that hold a cell or a text row already, a hidden row, a blank without a
    format, a text too long for a cell, rows past the sheet's end. The file is
    xlsxwriter's for the same cells and heights set one by one."""

    def fill(workbook: Any, ws: Any, table: bool) -> None:
        wrap = workbook.add_format({"text_wrap": True, "border": 1})
        first = workbook.add_format({"text_wrap": True, "border": 1, "top": 2})
        ws.write_string(0, 0, "Unit A")  # in the shared strings before the table
        top = 1_048_570 if case == "past the end" else 3
        rows = 1 if case == "one row" else 40
        columns: list[list[str | None]] = [
            [f"ID-{n}" for n in range(rows)],
            [("Unit A" if n < 20 else "Unit B") for n in range(rows)],
            [f"teks {n % 7}" if n % 5 else "" for n in range(rows)],
            [None] * rows,
            [("ID-3" if n % 4 == 0 else None) for n in range(rows)],
        ]
        formats: list[list[Any]] = [[first if n == 20 else wrap] * 5 for n in range(rows)]
        heights: list[float | None] = [12.75 * (n % 4) + 3 if n % 3 else None for n in range(rows)]
        heights += [None, 40.0]  # a row's height beyond the table
        if case == "over":
            ws.write_string(top + rows - 1, 2, "lebih dulu")  # under the table's cell
        elif case == "over a row":
            _text_row(ws, table, top + 5, 0, ["ditimpa", "x"], [wrap, wrap])
            heights[7] = 0  # hidden
        elif case == "plain":  # placed by the rows' heights
            chart = workbook.add_chart({"type": "line"})
            chart.add_series({"values": "=Lembar!$A$1:$A$3"})
            ws.insert_chart(top + 30, 7, chart)
        elif case == "unformatted":
            formats[6] = [wrap, None, wrap, wrap, wrap]
        elif case == "too long":
            columns[2][9] = "panjang " * 4500
        elif case == "known":
            ws.write_string(1, 0, "teks 3")
            _text_row(ws, table, 2, 1, ["ID-39", None], [wrap, wrap])
        _text_columns(ws, table, top, 1, columns, formats, heights)

    assert _sheet_bytes(True, fill) == _sheet_bytes(False, fill)


def test_a_blank_without_a_format_is_no_cell_in_a_table_row_either() -> None:
    def fill(workbook: Any, ws: Any, table: bool) -> None:
        wrap = workbook.add_format({"text_wrap": True})
        _text_row(ws, table, 1, 0, ["a", None, "b", None], [wrap, wrap, None, None])
        _text_row(ws, table, 2, 2, ["", "c"], [None, wrap])
        _text_row(ws, table, 3, 0, [], [])

    assert _sheet_bytes(True, fill) == _sheet_bytes(False, fill)


def test_an_xlsxwriter_release_not_compared_writes_through_its_own_classes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The table classes override xlsxwriter's private methods: under a release the tests
    have not compared them with, the workbooks are written by xlsxwriter's own Worksheet,
    with write_text_row as its cell-by-cell calls, and the bytes are the same."""
    import xlsxwriter

    import ppid_batch.workbook as module

    def book(release: str) -> tuple[type, bytes]:
        monkeypatch.setattr(xlsxwriter, "__version__", release)
        module._workbook_class.cache_clear()
        try:
            buffer = io.BytesIO()
            workbook = new_workbook(buffer, title="Uji", created=dt.date(2026, 3, 14))
            _fill_everything(workbook, workbook.add_worksheet("Lembar"), True)
            workbook.close()
            return type(workbook), buffer.getvalue()
        finally:
            module._workbook_class.cache_clear()

    known, fast = book(f"{module.TABLE_XLSXWRITER[0]}.0")
    unknown, slow = book("99.0.0")
    assert known is module._table_workbook_class()
    assert unknown is module._plain_workbook_class()
    assert unknown.worksheet_class.__mro__[1] is xlsxwriter.worksheet.Worksheet
    assert slow == fast


def test_the_shared_strings_are_listed_by_their_index_whatever_order_they_were_added() -> None:
    """The table workbook lists the shared strings in the order they were added when that
    is their indices' order (as xlsxwriter adds them), else sorted by index as xlsxwriter."""
    import ppid_batch.workbook as module

    workbook = module._table_workbook_class()(io.BytesIO(), {"in_memory": True})
    workbook.str_table.string_table = {"satu": 0, "dua": 1, "tiga": 2}
    workbook._prepare_sst_string_data()
    assert workbook.str_table.string_array == ["satu", "dua", "tiga"]
    workbook.str_table.string_table = {"dua": 1, "tiga": 2, "satu": 0}
    workbook._prepare_sst_string_data()
    assert workbook.str_table.string_array == ["satu", "dua", "tiga"]
    assert workbook.str_table.string_table == {}
    workbook.close()
