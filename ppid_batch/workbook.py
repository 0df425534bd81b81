"""One setup for every workbook ppid-batch writes, at every step of the SOP.

Metadata that keeps the bytes stable, formula safety, the office's formats, A4 print setup
and row heights live here once, so the form, the approval sheet, the register lists, the
matrix and the feedback copies cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

PAPER_A4 = 9
AUTHOR = "PPID"
HEADER_COLOR = "#D9E1F2"
FONT = {"font_name": "Arial", "font_size": 10}  # the size row_height() counts lines for
LINE_POINTS = 12.75  # one line of 10-point Arial
MAX_ROW_POINTS = 409  # Excel's tallest row
PAGE_NUMBERS = "Halaman &P dari &N"


def new_workbook(
    buffer: io.BytesIO,
    *,
    title: str,
    created: dt.date | dt.datetime,
    company: str = "",
    subject: str = "",
    comments: str = "",
    streamed_in: Path | None = None,
) -> Any:
    """A new in-memory xlsxwriter workbook writing into `buffer`, with fixed metadata.

    Text is never turned into a formula or a number (a clerk's '=HYPERLINK(…)' or a NIP
    stays text), and the creation time is the one given, so the same content on the same
    day gives byte-identical files (xlsxwriter pins the zip timestamps itself).

    With `streamed_in` (a folder), each sheet's rows go to a temporary file there as they
    are written (xlsxwriter's constant_memory mode: text cells inline, no shared-string
    table), so memory does not grow with the rows. Rows must then be written in order,
    each row's cells and set_row before the next row's.
    """
    options: dict[str, Any] = {"strings_to_numbers": False, "strings_to_formulas": False}
    if streamed_in is None:
        options["in_memory"] = True
    else:
        options.update(constant_memory=True, tmpdir=str(streamed_in))
    workbook = _workbook_class()(buffer, options)
    if not isinstance(created, dt.datetime):
        created = dt.datetime.combine(created, dt.time())
    properties = {"title": title, "subject": subject, "author": AUTHOR, "company": company,
                  "comments": comments, "created": created}  # fmt: skip
    # Empty ones are left out, not written as empty elements.
    workbook.set_properties({k: v for k, v in properties.items() if v})
    return workbook


# The xlsxwriter releases (major.minor) whose Worksheet, SharedStrings and Packager
# internals the table classes below were compared with, byte for byte, by
# tests/test_workbook.py. They override private methods: under another release the
# workbooks are written by xlsxwriter's own classes, cell by cell (slower, the same
# cells), until those tests pass under it and it is added here.
TABLE_XLSXWRITER = ("3.3",)


@functools.cache
def _workbook_class() -> type:
    """The table workbook under a release in TABLE_XLSXWRITER, else the plain one."""
    import xlsxwriter

    release = ".".join(str(xlsxwriter.__version__).split(".")[:2])
    return _table_workbook_class() if release in TABLE_XLSXWRITER else _plain_workbook_class()


def _write_cells(
    sheet: Any, row: int, first_col: int, values: Sequence[str | None], formats: Sequence[Any]
) -> None:
    """A text row as xlsxwriter's write_string and write_blank, cell by cell (what
    write_text_row stands for, and the table sheet's way for a row it cannot keep whole)."""
    for col, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
        if value:
            sheet.write_string(row, first_col + col, value, cell_format)
        else:
            sheet.write_blank(row, first_col + col, None, cell_format)


def _set_row_heights(sheet: Any, first_row: int, heights: Iterable[float | None]) -> None:
    """set_row(first_row + n, heights[n]) for each height that is not None."""
    for n, height in enumerate(heights):
        if height is not None:
            sheet.set_row(first_row + n, height)


@functools.cache
def _plain_workbook_class() -> type:
    """xlsxwriter's own Workbook and Worksheet, with write_text_row as the cell-by-cell
    calls it stands for (no internals touched)."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    class PlainTableWorksheet(Worksheet):  # type: ignore[misc]
        def write_text_row(
            self, row: int, first_col: int, values: Sequence[str | None], formats: Sequence[Any]
        ) -> None:
            _write_cells(self, row, first_col, values, formats)

        def write_text_rows(
            self,
            first_row: int,
            first_col: int,
            rows: Iterable[Sequence[str | None]],
            formats: Iterable[Sequence[Any]],
        ) -> None:
            for n, (values, row_formats) in enumerate(zip(rows, formats, strict=True)):
                self.write_text_row(first_row + n, first_col, values, row_formats)

        def set_row_heights(self, first_row: int, heights: Iterable[float | None]) -> None:
            _set_row_heights(self, first_row, heights)

    class PlainWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
        worksheet_class = PlainTableWorksheet

    return PlainWorkbook


@functools.cache
def _table_workbook_class() -> type:
    """xlsxwriter's Workbook with the table worksheet and a quicker shared-string writer,
    defined on first use (xlsxwriter is imported only when a workbook is written)."""
    import xlsxwriter
    from xlsxwriter.packager import Packager
    from xlsxwriter.sharedstrings import SharedStrings

    class TableStrings(SharedStrings):  # type: ignore[misc]
        """The shared-string part as xlsxwriter writes it: when every string is plain (no
        control character, no `_xHHHH_`, not rich text, no white space at an end), the part
        is escaped and written in one piece; else a plain string is written by one format
        rather than four regular expressions and three method calls each."""

        def _write_sst_strings(self) -> None:
            strings = self.string_table.string_array
            body = _plain_strings(strings)
            if body is not None:
                # Every string plain: the whole part is the strings joined, escaped at once.
                body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                end = "</t></si><si><t>"
                self.fh.write(f"<si><t>{body.replace(_STRING_END, end)}</t></si>")
                return
            write = self.fh.write
            special = _SPECIAL_TEXT.search
            for string in strings:
                if special(string) or (string.startswith("<r>") and string.endswith("</r>")):
                    self._write_si(string)  # xlsxwriter's own escapes
                    continue
                text = string.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                if string[:1].isspace() or string[-1:].isspace():
                    write(f'<si><t xml:space="preserve">{text}</t></si>')
                else:
                    write(f"<si><t>{text}</t></si>")

    class TablePackager(Packager):  # type: ignore[misc]
        def _write_shared_strings_file(self) -> None:
            # Packager._write_shared_strings_file with TableStrings.
            sst = TableStrings()
            sst.string_table = self.workbook.str_table
            if not self.workbook.str_table.count:
                return
            sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
            sst._assemble_xml_file()

    class TableWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
        worksheet_class = _define_table_worksheet()

        def _get_packager(self) -> Any:
            return TablePackager()

        def _prepare_sst_string_data(self) -> None:
            # Workbook's sorts the strings by their index; each new string takes the next
            # index as it is added, so their order in the table is that order already.
            table = self.str_table
            strings = table.string_table
            if list(strings.values()) == list(range(len(strings))):
                table.string_array = list(strings)
                table.string_table = {}
                return
            super()._prepare_sst_string_data()

    return TableWorkbook


# What xlsxwriter's shared strings escape beyond & < >: control characters (as _xHHHH_),
# a literal `_xHHHH_` (its underscore) and the two non-characters.
_SPECIAL_TEXT = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Between the strings when the whole shared-string part is escaped at once: a control
# character, so no plain string holds it.
_STRING_END = "\x00"
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + _STRING_END.encode("ascii")
_ESCAPE_LIKE = re.compile("_x[0-9a-fA-F]{4}_")  # a literal one is escaped


def _plain_strings(strings: Sequence[str]) -> str | None:
    """The strings joined by _STRING_END when every one is written as `<si><t>…</t></si>`
    with only & < > escaped (no special text, no rich text, no white space at either end
    for xml:space); else None: they are written one by one."""
    if not strings:
        return None
    joined = _STRING_END.join(strings)
    if joined.count(_STRING_END) != len(strings) - 1:  # a string holds it: special text
        return None
    # Printable: no control character, non-character or white space but the space (all
    # of them non-printable), so no special character and no other blank at an end.
    if joined.isascii():  # (known in O(1)) printable ASCII is 0x20-0x7E: delete it, see
        if joined.encode("ascii").translate(None, _PRINTABLE_ASCII):  # what is left
            return None
    elif not joined.replace(_STRING_END, " ").isprintable():
        return None
    if "_x" in joined and _ESCAPE_LIKE.search(joined):
        return None
    if (
        "<r>" in joined or joined[:1] == " " or joined[-1:] == " "
        or f" {_STRING_END}" in joined or f"{_STRING_END} " in joined
    ):  # fmt: skip
        return None
    return joined


def _define_table_worksheet() -> type:
    from xlsxwriter.utility import xl_col_to_name
    from xlsxwriter.worksheet import CellBlankTuple, CellStringTuple, RowInfo, Worksheet

    new_tuple = tuple.__new__  # a cell as CellStringTuple(...) makes it, without its call

    class TableWorksheet(Worksheet):  # type: ignore[misc]
        """An xlsxwriter worksheet that writes a table of text rows at a fraction of the cost.

        `write_text_row` stores a whole row of text/blank cells at once (what write_string
        and write_blank per cell store, without their per-call checks), and the sheet's rows
        are written out by one loop that renders text and blank cells directly. Every other
        cell, row and feature goes through xlsxwriter's own code. The file is byte for byte
        what the plain Worksheet writes for the same calls (tests/test_workbook.py compares
        them), so what opens, prints and verifies is unchanged.
        """

        def __init__(self) -> None:
            super().__init__()
            # Rows written by write_text_row(s), kept whole rather than as a cell tuple each:
            # row -> (first column, formats, shape: a byte per column, 1 for text and 0 for
            # a blank, and the shared-string index or None per column). `_materialize`
            # turns them into xlsxwriter's cells for any of its methods that reads the cells.
            self._text_rows: dict[int, tuple[int, tuple[Any, ...], bytes, Sequence[int | None]]]
            self._text_rows = {}

        def write_text_row(
            self, row: int, first_col: int, values: Sequence[str | None], formats: Sequence[Any]
        ) -> None:
            """`values[i]` at column first_col + i in `formats[i]`: a text cell (write_string),
            or for None/"" a blank formatted cell (write_blank; nothing without a format).
            The same cells, shared strings and dimensions as those calls one by one."""
            self.write_text_rows(row, first_col, (values,), (formats,))

        def write_text_rows(
            self,
            first_row: int,
            first_col: int,
            rows: Iterable[Sequence[str | None]],
            formats: Iterable[Sequence[Any]],
        ) -> None:
            """write_text_row(first_row + n, first_col, rows[n], formats[n]) for each row n,
            in one loop (a table of tens of thousands of rows)."""
            sst = self.str_table
            strings = sst.string_table
            get = strings.get
            limit = self.xls_strmax // 2
            text_rows, table = self._text_rows, self.table
            dims: Any = self  # (xlsxwriter's attributes, typed through Any)
            row_max, col_max = self.xls_rowmax, self.xls_colmax
            streamed = self.constant_memory
            row = first_row - 1
            for values, row_formats in zip(rows, formats, strict=True):
                row += 1
                if not values:
                    continue
                last_col = first_col + len(values) - 1
                kept_formats = tuple(row_formats)
                if (
                    streamed
                    or None in kept_formats  # a blank without a format is no cell
                    or len(kept_formats) != len(values)
                    or not (0 <= row < row_max and 0 <= first_col and last_col < col_max)
                ):
                    _write_cells(self, row, first_col, values, row_formats)
                    continue
                # _check_dimensions(row, first_col) and (row, last_col), inline
                if dims.dim_rowmin is None or row < dims.dim_rowmin:
                    dims.dim_rowmin = row
                if dims.dim_rowmax is None or row > dims.dim_rowmax:
                    dims.dim_rowmax = row
                if dims.dim_colmin is None or first_col < dims.dim_colmin:
                    dims.dim_colmin = first_col
                if dims.dim_colmax is None or last_col > dims.dim_colmax:
                    dims.dim_colmax = last_col
                if row in text_rows or table.get(row):
                    # Cells in this row already: the row's cells go over them as cell tuples
                    # (a text row kept before lies under them when the rows are written).
                    self._write_text_cells(row, first_col, values, row_formats)
                    continue
                # Each text's index (-1: not in the table yet), then the new ones in order.
                indices: list[int | None] = [get(v, -1) if v else None for v in values]
                while -1 in indices:
                    k = indices.index(-1)
                    value = values[k]
                    assert value is not None
                    index = get(value)  # (the same new text twice in a row: added once)
                    if index is None:
                        # (a string xlsxwriter holds is no longer than it keeps one)
                        if len(value) > limit:  # maybe too long: xlsxwriter truncates it
                            break
                        index = strings[value] = sst.unique_count
                        sst.unique_count += 1
                    indices[k] = index
                else:
                    shape = bytes(map(bool, values))
                    sst.count += shape.count(1)
                    text_rows[row] = (first_col, kept_formats, shape, indices)
                    continue
                self._write_text_cells(row, first_col, values, row_formats)

        def set_row_heights(self, first_row: int, heights: Iterable[float | None]) -> None:
            """set_row(first_row + n, heights[n]) for each height that is not None (a table's
            wrapped rows): the same RowInfo, sizes and dimensions, set in one pass."""
            given = [(first_row + n, h) for n, h in enumerate(heights) if h is not None]
            if not given:
                return
            pixels = {h: int(h * 4.0 / 3.0 + 0.5) for _, h in given}
            if (
                self.constant_memory
                or 0 in pixels.values()
                or not (0 <= given[0][0] and given[-1][0] < self.xls_rowmax)
            ):
                for row, height in given:
                    self.set_row(row, height)
                return
            # set_row_pixels' dimension check for the first and the last row: the rows in
            # between change nothing more.
            self._row_dimensions(given[0][0])
            self._row_dimensions(given[-1][0])
            # A RowInfo per height (xlsxwriter only reads them); a size list per row.
            infos = {h: RowInfo(height=p) for h, p in pixels.items()}
            self.row_info.update((row, infos[h]) for row, h in given)
            self.row_sizes.update((row, [pixels[h], False]) for row, h in given)

        def set_row(
            self,
            row: int,
            height: float | None = None,
            cell_format: Any = None,
            options: dict[str, Any] | None = None,
        ) -> int:
            """Worksheet.set_row; a row given only a height (a table's wrapped rows, by the
            ten thousand) is stored here at once: the same RowInfo, size and dimensions."""
            if height is None or cell_format is not None or options or self.constant_memory:
                return int(super().set_row(row, height, cell_format, options))
            pixels = int(height * 4.0 / 3.0 + 0.5)
            if pixels == 0 or not 0 <= row < self.xls_rowmax:
                return int(super().set_row(row, height, cell_format, options))
            self._row_dimensions(row)
            self.row_info[row] = RowInfo(height=pixels)
            self.row_sizes[row] = [pixels, False]
            return 0

        def _row_dimensions(self, row: int) -> None:
            """set_row_pixels' _check_dimensions(row, the first column or 0), inline."""
            dims: Any = self
            min_col = dims.dim_colmin if dims.dim_colmin is not None else 0
            if dims.dim_rowmin is None or row < dims.dim_rowmin:
                dims.dim_rowmin = row
            if dims.dim_rowmax is None or row > dims.dim_rowmax:
                dims.dim_rowmax = row
            if dims.dim_colmin is None:
                dims.dim_colmin = min_col
            if dims.dim_colmax is None or min_col > dims.dim_colmax:
                dims.dim_colmax = min_col

        def _write_text_cells(
            self, row: int, first_col: int, values: Sequence[str | None], formats: Sequence[Any]
        ) -> None:
            """write_text_row's cells as xlsxwriter's cell tuples in its table."""
            cells = self.table[row]
            table = self.str_table
            strings = table.string_table
            unique = table.unique_count
            texts = 0
            limit = self.xls_strmax // 2
            # A cell is an immutable tuple: one object serves every blank cell in the same
            # format, rather than a new one per cell (fewer objects for the garbage collector
            # to walk in a sheet of tens of thousands of rows).
            shared = self.__dict__.setdefault("_shared_cells", {})
            col = first_col
            for value, cell_format in zip(values, formats, strict=True):
                if value:
                    if len(value) > limit:  # maybe too long: xlsxwriter truncates it
                        table.unique_count, table.count = unique, table.count + texts
                        texts = 0
                        self._write_string(row, col, value, cell_format)
                        unique = table.unique_count
                    else:
                        index = strings.get(value)
                        if index is None:
                            index = strings[value] = unique
                            unique += 1
                        texts += 1
                        cells[col] = new_tuple(CellStringTuple, (index, cell_format))
                else:
                    cell = shared.get(cell_format)
                    if cell is None:
                        cell = shared[cell_format] = CellBlankTuple(cell_format)
                    cells[col] = cell
                col += 1
            table.unique_count, table.count = unique, table.count + texts

        def _materialize(self, row: int | None = None) -> None:
            """The kept text rows (or the one of `row`) as cell tuples in xlsxwriter's table,
            under the cells written into the same row after them (those came later)."""
            rows = self._text_rows
            if not rows:
                return
            wanted = list(rows) if row is None else [row] if row in rows else []
            for number in wanted:
                first_col, formats, _, indices = rows.pop(number)
                cells = {
                    first_col + n: (
                        CellBlankTuple(cell_format)
                        if index is None
                        else CellStringTuple(index, cell_format)
                    )
                    for n, (index, cell_format) in enumerate(zip(indices, formats, strict=True))
                }
                later = self.table.get(number)
                if later:
                    cells.update(later)
                self.table[number] = cells

        # xlsxwriter's methods that read the cell table see the text rows as cells. (A
        # hyperlink is a cell of its own: its row is turned into cells when it is written.)
        def autofit(self, *args: Any, **kwargs: Any) -> None:
            self._materialize()
            super().autofit(*args, **kwargs)

        def _get_range_data(self, *args: Any) -> Any:
            self._materialize()
            return super()._get_range_data(*args)

        def _calculate_spans(self) -> None:
            # Worksheet._calculate_spans, with each row's columns taken from its cells
            # rather than by testing every column of the sheet's width.
            if self.comments:
                self._materialize()
                super()._calculate_spans()
                return
            spans = {}
            span_min: int | None = None
            span_max = 0
            table = self.table
            text_rows = self._text_rows
            last = self.dim_rowmax
            for row_num in range(self.dim_rowmin, last + 1):
                cells = table.get(row_num)
                kept = text_rows.get(row_num)
                if cells or kept:
                    if kept:
                        low, high = kept[0], kept[0] + len(kept[3]) - 1
                        if cells:
                            low, high = min(low, min(cells)), max(high, max(cells))
                    else:
                        low, high = min(cells), max(cells)
                    if span_min is None:
                        span_min, span_max = low, high
                    else:
                        span_min, span_max = min(span_min, low), max(span_max, high)
                if (row_num + 1) % 16 == 0 or row_num == last:
                    if span_min is not None:
                        spans[row_num // 16] = f"{span_min + 1}:{span_max + 1}"
                        span_min = None
            self.row_spans = spans

        def _write_rows(self) -> None:
            # Worksheet._write_rows, with text and formatted blank cells in rows without
            # comments rendered here; anything else is handed to xlsxwriter's own methods.
            if self.comments or self.excel_version == 2010:
                self._materialize()
                super()._write_rows()
                return
            self._calculate_spans()
            write = self.fh.write
            table, row_info, spans = self.table, self.row_info, self.row_spans
            text_rows = self._text_rows
            names = [xl_col_to_name(col) for col in range(self.dim_colmax + 1)]
            styles = _Styles()
            # A kept text row's cells in one format call: one template per (first column,
            # formats, shape), `{0}` the row's number and `{n + 1}` column n's index.
            templates: dict[tuple[int, tuple[Any, ...], bytes], str] = {}

            def template(key: tuple[int, tuple[Any, ...], bytes]) -> str:
                first_col, formats, shape = key
                parts = []
                for n, cell_format in enumerate(formats):
                    ref = f'<c r="{names[first_col + n]}{{0}}"{styles[cell_format]}'
                    if not shape[n]:
                        parts.append(ref + "/>")
                    else:
                        parts.append(f'{ref} t="s"><v>{{{n + 1}}}</v></c>')
                text = templates[key] = "".join(parts)
                return text

            # A kept row with a plain head (no row info, or only a height): the whole row,
            # head, cells and end, in one format call, per (span, height, cells' template).
            whole_rows: dict[tuple[Any, ...], str] = {}

            def whole_row(key: tuple[Any, ...]) -> str:
                span, height = key[0], key[1]
                head = '<row r="{0}"' + (f' spans="{span}"' if span else "")
                if height is not None:
                    head += f' ht="{height * 0.75:.16g}" customHeight="1"'
                cells = templates.get(key[2:]) or template(key[2:])
                text = whole_rows[key] = f"{head}>{cells}</row>"
                return text

            plain_height = (
                (self.default_row_height,)
                if (self.default_row_height == self.original_row_height)
                else ()
            )
            for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
                cells = table.get(row_num)
                kept = text_rows.get(row_num)
                if kept and cells:  # cells written into a text row after it
                    self._materialize(row_num)
                    cells, kept = table.get(row_num), None
                info = row_info.get(row_num)
                if not cells and not kept:
                    if info is not None:
                        self._write_empty_row(row_num, spans.get(row_num // 16), info)
                    continue
                span = spans.get(row_num // 16)
                plain_head = info is None or (
                    info.row_format is None
                    and not info.hidden
                    and not info.level
                    and not info.collapsed
                    and info.height is not None
                    and info.height not in plain_height
                )
                if kept and plain_head:
                    key = (span, None if info is None else info.height, *kept[:3])
                    text = whole_rows.get(key) or whole_row(key)
                    write(text.format(row_num + 1, *kept[3]))
                    continue
                if info is None:
                    head = f'<row r="{row_num + 1}"'
                    write(f'{head} spans="{span}">' if span else head + ">")
                elif plain_head:
                    assert info.height is not None
                    spans_attr = f' spans="{span}"' if span else ""
                    write(
                        f'<row r="{row_num + 1}"{spans_attr} ht="{info.height * 0.75:.16g}" '
                        'customHeight="1">'
                    )
                else:
                    self._write_row(row_num, span, info)
                number = row_num + 1
                if kept:
                    cells_key = kept[:3]
                    text = templates.get(cells_key) or template(cells_key)
                    write(text.format(number, *kept[3]))
                    write("</row>")
                    continue
                for col_num in sorted(cells):
                    cell = cells[col_num]
                    kind = type(cell)
                    if kind is CellStringTuple and cell[1] is not None:
                        write(
                            f'<c r="{names[col_num]}{number}"{styles[cell[1]]} t="s">'
                            f"<v>{cell[0]}</v></c>"
                        )
                    elif kind is CellBlankTuple and cell[0] is not None:
                        write(f'<c r="{names[col_num]}{number}"{styles[cell[0]]}/>')
                    else:
                        self._write_cell(row_num, col_num, cell)
                write("</row>")

    return TableWorksheet


class _Styles(dict[Any, str]):
    """A cell format -> the ` s="…"` attribute of its cells (its xf index), made once."""

    def __missing__(self, cell_format: Any) -> str:
        text = self[cell_format] = f' s="{cell_format._get_xf_index()}"'
        return text


def workbook_bytes(
    build: Callable[[Any], None],
    *,
    title: str,
    created: dt.date | dt.datetime,
    company: str = "",
    subject: str = "",
    comments: str = "",
) -> bytes:
    """Run `build` on a `new_workbook`; return the finished bytes."""
    buffer = io.BytesIO()
    workbook = new_workbook(
        buffer, title=title, created=created, company=company, subject=subject, comments=comments
    )
    build(workbook)
    workbook.close()
    return buffer.getvalue()


def header_format(workbook: Any, **extra: Any) -> Any:
    """The shaded, bordered, wrapped header cell every generated table uses."""
    return workbook.add_format(
        {**FONT, "bold": True, "bg_color": HEADER_COLOR, "border": 1, "text_wrap": True,
         "valign": "vcenter", **extra}
    )  # fmt: skip


def cell_format(workbook: Any, **extra: Any) -> Any:
    """A bordered, wrapped, top-aligned table cell."""
    return workbook.add_format({**FONT, "text_wrap": True, "valign": "top", "border": 1, **extra})


def a4_landscape(ws: Any, *, footer: str = "", header_row: int | None = None) -> None:
    """A4 landscape, one page wide, `footer` left and page numbers right on every page;
    `header_row` (0-based) repeated at the top of each printed page."""
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.fit_to_pages(1, 0)
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.set_footer(f"&L&8{footer}&R&8{PAGE_NUMBERS}")


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapped column `width` characters wide (an estimate).

    Word by word, as Excel and LibreOffice wrap: counting characters alone gave
    'Subbagian Teknis Penyelenggaraan Pemilu dan Hukum' two lines in a column that
    shows three, and the last word was cut off on paper. A word longer than a line
    is broken across lines.
    """
    per_line = _per_line(width)
    # A text no longer than a line, without a line break, fits on one line whatever its
    # words: most cells of a register (numbers, IDs, choices, dates) stop here.
    if len(text) <= per_line and "\n" not in text:
        return 1
    return _wrapped_lines(text, per_line)


def _per_line(width: float) -> int:
    """Characters on one line of a column `width` characters wide (10-point Arial)."""
    return max(int(width * 1.1) - 1, 1)


def _lines_of(text: str, per_line: int) -> int:
    """wrapped_lines of a longer text (_wrapped_lines remembers them).

    Greedy, word by word: a word goes on the current line when it fits after a space,
    else it starts the next line; a word longer than a line is broken across lines (its
    rest starts the next line, and words may join it). In a paragraph whose words are
    single-spaced, a line from position p ends at the last space within its `per_line`
    characters (one `rfind`), or after `per_line` characters of a word too long for it:
    the same count as that loop (tests/test_workbook.py compares them) at a fraction of
    its cost.
    """
    total = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            total += 1  # its words, single-spaced, are no longer than the paragraph
            continue
        if "  " in part or part[0] == " " or part[-1] == " " or not part.isprintable():
            # (any white space but single spaces between words is not printable)
            part = " ".join(part.split())
        end = len(part)
        lines, start = 0, 0
        while start < end:
            lines += 1
            if end - start <= per_line:
                break
            space = part.rfind(" ", start + 1, start + per_line + 1)
            start = start + per_line if space < 0 else space + 1
        total += max(lines, 1)
    return total


# _lines_of, remembered: a register repeats its unit names, retention periods and places on
# thousands of rows (a bounded cache: memory stays small).
_wrapped_lines = functools.lru_cache(maxsize=4096)(_lines_of)


def row_height(values: Sequence[object], widths: Sequence[float]) -> float | None:
    """Points a row of wrapped 10-point cells needs, or None when one line is enough.

    Neither Excel nor LibreOffice grows a row for wrapped text when opening a
    generated file: without this, long texts print over the rows below.
    """
    texts = [(v if type(v) is str else str(v)) if v else None for v in values]
    return row_height_of(widths)(texts)


def row_height_of(widths: Sequence[float]) -> Callable[[Sequence[str | None]], float | None]:
    """`row_height` with the columns' widths fixed, for a table of thousands of rows: each
    column's characters per line are worked out once. The values are text (or None/empty);
    the heights are row_height's for the same values."""
    per_lines = [_per_line(int(width)) for width in widths]  # as row_height's widths

    def height(values: Sequence[str | None]) -> float | None:
        lines = 1
        for value, per_line in zip(values, per_lines, strict=True):
            if value and (len(value) > per_line or "\n" in value):
                n = _wrapped_lines(value, per_line)
                if n > lines:
                    lines = n
        return min(LINE_POINTS * lines + 3, MAX_ROW_POINTS) if lines > 1 else None

    return height


def fit_row(ws: Any, row: int, values: Sequence[object], widths: Sequence[float]) -> None:
    """Give a row of wrapped cells (xlsxwriter sheet) the height its longest text needs."""
    height = row_height(values, widths)
    if height is not None:
        ws.set_row(row, height)


def row_heights(
    columns: Sequence[Sequence[str | None]], widths: Sequence[float]
) -> list[float | None]:
    """row_height_of(widths) of each row of a table given column by column (`columns[c][r]`,
    text or None/empty): the same heights, with less counting.

    A paragraph of n characters that needs more than a line takes at most 2 * (n // per
    line) + 1 lines (any two lines after each other hold at least a line's characters:
    the second starts with the word that did not fit on the first), so a cell that cannot
    reach the lines its row already needs is not counted. The narrowest columns are
    counted first: their texts take the most lines. A column whose texts all fit on a line
    is passed over, and one whose few texts repeat has each text counted once.
    """
    if not columns:
        return []
    rows = len(columns[0])
    lines = [1] * rows
    order = sorted(range(len(columns)), key=lambda c: int(widths[c]))
    for c in order:
        per_line = _per_line(int(widths[c]))
        column = columns[c]
        texts = list(filter(None, column))
        if max(map(len, texts), default=0) <= per_line and "\n" not in "".join(texts):
            continue  # every text on one line (IDs, choices, codes)
        texts = list(dict.fromkeys(texts))  # distinct
        if len(texts) * 8 <= rows:
            # Texts repeated on many rows (units, places, kinds): each counted once.
            counts: dict[str | None, int] = {text: _lines_of(text, per_line) for text in texts}
            found: Iterable[int] = map(counts.get, column, itertools.repeat(1))  # type: ignore[arg-type]
            lines = list(map(max, lines, found))
            continue
        for r, value in enumerate(column):
            if not value or len(value) <= per_line and "\n" not in value:
                continue
            most = lines[r]
            if "\n" not in value and 2 * (len(value) // per_line) + 1 <= most:
                continue  # cannot take more lines than the row has already
            n = _lines_of(value, per_line)  # (mostly texts of their own: not remembered)
            if n > most:
                lines[r] = n
    return [min(LINE_POINTS * n + 3, MAX_ROW_POINTS) if n > 1 else None for n in lines]
