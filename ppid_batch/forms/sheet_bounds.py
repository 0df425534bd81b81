"""Safe intake (SOP step 1): how many cells the reader would build from one workbook part.

calamine (python-calamine) reads a worksheet into a dense grid from A1 to its farthest cell
and first collects every `<c>` element it meets. One far cell (`<c r='XFD1048576'>`, a cell
without `r` after a 16 384-cell row, a wrapped row number) makes it allocate hundreds of
gigabytes and abort the process. This module works out, from the XML itself and the way
calamine places cells, the grid and the cell count a part would give, without building it.

Two passes share one interface:
- a byte-level pass at memory speed proves the common case (every cell written `<c r="…`
  within A1:Z9999, merged ranges near too) and counts the cells;
- anything else (other quoting, prefixes, cells without `r`, far or wide references) goes
  through a streaming expat parse that replays calamine's placement rules exactly.
Both over-approximate: comments, empty cells and a sheet's header part count as cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.parsers import expat

MAX_SHEET_CELLS = 2_000_000
_U32 = 0xFFFFFFFF
_NEAR_ROWS, _NEAR_COLS = 9999, 26

# Every letter to A, every digit to 0, whitespace to a space, ' to ": shapes become substrings.
_REF_FOLD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\t\n\r'",
    b"A" * 52 + b"0" * 10 + b'   "',
)
# `<c r="AA…` (two or more letters) or `<c r="A00000…` (row 10000 or more), after folding.
_FAR_OR_WIDE = (b'<A A="AA', b'<A A="A00000')
# the same two shapes in one regex pass (sre scans for the shared prefix faster than two
# substring searches that each stop at every cell)
_FAR_OR_WIDE_RE = re.compile(rb'<A A="A(?:A|00000)')
_CELL_STARTS = (b"<c ", b"<c>", b"<c/")
_CELL_STARTS_WS = (b"<c\t", b"<c\n", b"<c\r")
# the end of every cell start in _CELL_STARTS / _CELL_STARTS_WS folded to a space: one count
# of b"<c " over the folded bytes is the sum of their six counts
_CELL_START_FOLD = bytes.maketrans(b"\t\n\r/>", b"     ")
_CELL_WITH_REF = b'<c r="'
_COLON_C = re.compile(rb":c")
_PREFIXED = re.compile(rb":(?:c|mergeCell|si)[\s/>]")
_MERGE_STARTS = (b"<mergeCell ", b"<mergeCell>", b"<mergeCell/")
_MERGE_STARTS_WS = (b"<mergeCell\t", b"<mergeCell\n", b"<mergeCell\r")
_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Z]{1,2}[0-9]{1,4})(?::([A-Z]{1,2}[0-9]{1,4}))?"')
_LONGEST_SHAPE = 64  # bytes after a '<' the byte pass must see whole (a near <mergeCell ref>)
_SIMPLE_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_REF_ROWS = re.compile(rb'<c r="[A-Za-z]{1,6}([0-9]+)"')
_REF_COLUMNS = re.compile(rb'<c r="([A-Za-z]{1,6})[0-9]')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


@dataclass(frozen=True)
class Bounds:
    """What the reader would build from one part: cells met, grid height and width from A1."""

    cells: int = 0
    rows: int = 0
    cols: int = 0
    strings: int = 0  # shared strings (<si>), each kept in memory

    @property
    def area(self) -> int:
        return self.rows * self.cols

    def far_cell(self) -> str:
        return cell_name(max(self.rows - 1, 0), max(self.cols - 1, 0))

    def too_large(self, limit: int = MAX_SHEET_CELLS) -> bool:
        return self.area > limit or self.cells > limit or self.strings > limit


class TooManyCells(Exception):
    """Raised inside the exact pass as soon as a part is over the limit: stop reading."""

    def __init__(self, bounds: Bounds) -> None:
        super().__init__("over the cell limit")
        self.bounds = bounds


def cell_name(row0: int, col0: int) -> str:
    out, n = "", col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return f"{out}{row0 + 1}"


def calamine_position(ref: str) -> tuple[int, int | None] | None:
    """(row, column) 0-based as calamine computes them from `ref`, None where it errs.

    calamine adds digits and letters in u32 without overflow checks (a release build wraps):
    `A4294967297` is row 0, and a long run of letters can land anywhere. Replayed here.
    """
    m = _SIMPLE_REF.fullmatch(ref)
    if m:
        col = 0
        for ch in m[1]:
            col = col * 26 + ord(ch) - 64
        return int(m[2]) - 1, col - 1
    row = col = 0
    power = 1
    reading_row = True
    for ch in reversed(ref):
        if "0" <= ch <= "9":
            if not reading_row:
                return None
            row = (row + (ord(ch) - 48) * power) & _U32
            power = (power * 10) & _U32
        elif "A" <= ch <= "Z" or "a" <= ch <= "z":
            if reading_row:
                if row == 0:
                    return None
                power, reading_row = 1, False
            col = (col + (ord(ch.upper()) - 64) * power) & _U32
            power = (power * 26) & _U32
        else:
            return None
    if row == 0:
        return None
    return row - 1, (col - 1 if col else None)


class _Exact:
    """calamine's cell placement (xlsx/cells_reader.rs) replayed over expat events."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.row = self.col = 0
        self.cells = self.max_row = self.max_col = self.strings = 0
        self.seen = False
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = False
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end

    def bounds(self) -> Bounds:
        if not self.seen:
            return Bounds(strings=self.strings)
        return Bounds(self.cells, self.max_row + 1, self.max_col + 1, self.strings)

    def _reach(self, row: int, col: int) -> None:
        self.seen = True
        self.max_row = max(self.max_row, row)
        self.max_col = max(self.max_col, col)
        if (self.max_row + 1) * (self.max_col + 1) > self.limit:
            raise TooManyCells(self.bounds())

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name if len(name) < 3 else name.rpartition(":")[2]
        if local == "v" or local == "t":
            return
        if local == "c":
            ref = attrs.get("r")
            pos = calamine_position(ref) if ref is not None else None
            if pos is not None and pos[1] is not None:
                row, col = pos[0], pos[1]
                self.col = col
            else:
                # no r (or one calamine cannot read: then it refuses the sheet, and counting
                # the cell where it would have been is harmless)
                row, col = self.row, self.col
            self.col += 1
            self.cells += 1
            if self.cells > self.limit:
                raise TooManyCells(self.bounds())
            self._reach(row, col)
        elif local == "row":
            ref = attrs.get("r")
            pos = calamine_position(ref) if ref is not None else None
            if pos is not None:
                self.row = pos[0]
        elif local == "mergeCell":
            for part in attrs.get("ref", "").split(":"):
                pos = calamine_position(part)
                if pos is not None and pos[1] is not None:
                    self._reach(pos[0], pos[1])
        elif local == "si":
            self.strings += 1
            if self.strings > self.limit:
                raise TooManyCells(self.bounds())

    def end(self, name: str) -> None:
        if name.rpartition(":")[2] == "row":
            self.row = (self.row + 1) & _U32
            self.col = 0


class _Quick:
    """The byte pass: True from `feed` while the part stays in the provable common case."""

    def __init__(self, precise: bool = False, strings_part: bool = False) -> None:
        # precise: pull every window's references rather than assume A1:Z9999 for the near
        # ones; needed only when a long sheet's assumed width would put it over the limit
        self.precise = precise
        self.strings_part = strings_part
        self.assumed_near = False
        self.carry = b""
        self.tail = b""
        self.cells = self.strings = 0
        self.max_row = self.max_col = -1

    def feed(self, chunk: bytes, final: bool = False) -> bool:
        window = self.carry + chunk if self.carry else chunk
        cut = len(window) if final else window.rfind(b"<")
        if cut < 0 or len(window) - cut > _LONGEST_SHAPE:
            cut = len(window)
        # every shape below starts with '<' and is shorter than _LONGEST_SHAPE: cut there,
        # and none is ever split between two windows
        body, self.carry = window[:cut], window[cut:]
        if not body:
            return True
        edge = self.tail + body[:4]
        self.tail = body[-4:]
        # `b":c" in body`, by sre (faster than the substring search on this short needle)
        if (_COLON_C.search(body) or b":c" in edge) and (
            _PREFIXED.search(body) or _PREFIXED.search(edge)
        ):
            return False  # a prefixed cell or merged range (<x:c …>): exact pass
        if self.strings_part:
            self.strings += body.count(b"<si")
            return True
        cells = body.count(b"<c")
        if cells and cells != body.count(_CELL_WITH_REF):
            # <cols>/<col> share the prefix; anything else (a cell without r first, quoted
            # otherwise, spaced, wrapped) goes to the exact pass. The cell starts are counted
            # in one pass: the sum of the counts of _CELL_STARTS and _CELL_STARTS_WS.
            cells = body.translate(_CELL_START_FOLD).count(b"<c ")
            if cells != body.count(_CELL_WITH_REF):
                return False
        self.cells += cells
        if cells:
            folded = body.translate(_REF_FOLD)
            if self.precise or _FAR_OR_WIDE_RE.search(folded):
                if not self._exact_refs(body, cells):
                    return False
            else:
                self.assumed_near = True
                self.max_row = max(self.max_row, _NEAR_ROWS - 1)
                self.max_col = max(self.max_col, _NEAR_COLS - 1)
        if b"<mergeCell" in body:
            merges = sum(body.count(p) for p in (*_MERGE_STARTS, *_MERGE_STARTS_WS))
            found = _MERGE_REF.findall(body)
            if len(found) != merges:
                return False
            for first, last in found:
                for ref in (first, last or first):
                    pos = calamine_position(ref.decode())
                    if pos is None or pos[1] is None:
                        return False
                    self.max_row = max(self.max_row, pos[0])
                    self.max_col = max(self.max_col, pos[1])
        return True

    def _exact_refs(self, body: bytes, cells: int) -> bool:
        """Max row and column of a window whose cells reach past Z or row 9999 (a long or
        wide sheet written by Excel): references pulled out at C speed, not parsed one by one.
        """
        rows = _REF_ROWS.findall(body)
        if len(rows) != cells or max(map(len, rows)) > 9:
            return False  # a reference calamine would read otherwise (or wrap): exact pass
        columns = set(_REF_COLUMNS.findall(body))
        widest = max(col for col in map(_column_number, columns))
        self.max_row = max(self.max_row, max(map(int, rows)) - 1)
        self.max_col = max(self.max_col, widest - 1)
        return True

    def bounds(self) -> Bounds:
        if self.max_row < 0:
            return Bounds(cells=self.cells, strings=self.strings)
        return Bounds(self.cells, self.max_row + 1, self.max_col + 1, self.strings)


class XmlError(ValueError):
    """The part is not XML calamine could read either (it would refuse the workbook)."""


def _no_dtd(*_: object) -> None:
    raise XmlError("a DTD in a worksheet")


class PartScan:
    """Bound the cells one workbook part would make the reader build, fed as it is inflated.

    `feed` takes the part's bytes chunk by chunk; `finish(again)` returns the Bounds, calling
    `again()` for a second, exact streaming pass only when the byte pass cannot decide. The
    result over-approximates, and stops early once the part is over `limit`. `finish` raises
    XmlError for XML that neither expat nor calamine would read.
    """

    def __init__(self, limit: int = MAX_SHEET_CELLS, *, strings_part: bool = False) -> None:
        self.limit = limit
        self.quick: _Quick | None = _Quick(strings_part=strings_part)

    def feed(self, chunk: bytes) -> None:
        if self.quick is not None and not self.quick.feed(chunk):
            self.quick = None

    def finish(self, again: Callable[[], Iterable[bytes]]) -> Bounds:
        quick = self.quick
        if quick is not None and quick.feed(b"", final=True):
            bounds = quick.bounds()
            if not (bounds.too_large(self.limit) and quick.assumed_near):
                return bounds
            # a long sheet whose near windows were taken as 26 columns wide: measure them
            precise = _Quick(precise=True)
            if all(precise.feed(chunk) for chunk in again()) and precise.feed(b"", final=True):
                return precise.bounds()
        exact = _Exact(self.limit)
        exact.parser.StartDoctypeDeclHandler = _no_dtd
        exact.parser.EntityDeclHandler = _no_dtd
        try:
            for chunk in again():
                exact.parser.Parse(chunk, False)
            exact.parser.Parse(b"", True)
        except TooManyCells as over:
            return over.bounds
        except expat.ExpatError as exc:
            raise XmlError(str(exc)) from exc
        return exact.bounds()
