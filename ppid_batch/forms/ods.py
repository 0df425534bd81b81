"""LibreOffice / OpenDocument spreadsheets (.ods): what calamine does not tell about them.

One streaming pass over `content.xml` (expat, no DTD, no entities) gives, for every sheet,
the area calamine will materialise (the last row and column holding a value, repeats
counted) and the merged ranges (`table:number-rows-spanned` / `-columns-spanned`), which
calamine reports for .xlsx but not for .ods.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CONTENT = "content.xml"
# A forged file could declare millions of spans; a real form has a few dozen.
MAX_MERGES = 20_000

Range = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), inclusive

_TABLE = "table:table"
_ROW = "table:table-row"
_CELLS = ("table:table-cell", "table:covered-table-cell")


class OdsUnsafe(ValueError):
    """content.xml declares a DTD or an entity: never parsed further."""


@dataclass
class OdsSheet:
    name: str
    rows: int = 0  # rows up to the last one holding a value (what calamine materialises)
    cols: int = 0
    merges: list[Range] = field(default_factory=list)

    @property
    def area(self) -> int:
        return self.rows * self.cols


def _count(attrs: dict[str, str], name: str) -> int:
    try:
        return max(1, int(attrs.get(name, "1")))
    except ValueError:
        return 1


class _Walker:
    def __init__(self) -> None:
        self.sheets: list[OdsSheet] = []
        self.sheet: OdsSheet | None = None
        self.row = 0
        self.row_repeat = 1
        self.row_valued = False
        self.col = 0
        self.cell_repeat = 0  # > 0 while inside a cell
        self.cell_valued = False
        self.depth_in_cell = 0
        self.merges = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell_repeat:
            # any element inside a cell (text:p, a link, an annotation) is content
            self.cell_valued = True
            self.depth_in_cell += 1
            return
        if name == _TABLE:
            self.sheet = OdsSheet(name=attrs.get("table:name", ""))
            self.sheets.append(self.sheet)
            self.row = 0
        elif name == _ROW:
            self.row_repeat = _count(attrs, "table:number-rows-repeated")
            self.row_valued = False
            self.col = 0
        elif name in _CELLS:
            self.cell_repeat = _count(attrs, "table:number-columns-repeated")
            self.cell_valued = "office:value-type" in attrs
            rows = _count(attrs, "table:number-rows-spanned")
            cols = _count(attrs, "table:number-columns-spanned")
            if (rows > 1 or cols > 1) and self.sheet is not None and self.merges < MAX_MERGES:
                for r in range(self.row, self.row + min(self.row_repeat, MAX_MERGES)):
                    for c in range(self.col, self.col + min(self.cell_repeat, MAX_MERGES)):
                        if self.merges >= MAX_MERGES:
                            break
                        self.sheet.merges.append(((r, c), (r + rows - 1, c + cols - 1)))
                        self.merges += 1

    def end(self, name: str) -> None:
        if self.depth_in_cell:
            self.depth_in_cell -= 1
            return
        if name in _CELLS and self.cell_repeat:
            self.col += self.cell_repeat
            if self.cell_valued and self.sheet is not None:
                self.row_valued = True
                self.sheet.cols = max(self.sheet.cols, self.col)
            self.cell_repeat = 0
        elif name == _ROW:
            self.row += self.row_repeat
            if self.row_valued and self.sheet is not None:
                self.sheet.rows = max(self.sheet.rows, self.row)
        elif name == _TABLE:
            self.sheet = None

    def text(self, data: str) -> None:
        if self.cell_repeat and data.strip():
            self.cell_valued = True


def _refuse(*_: object) -> None:
    raise OdsUnsafe("DTD or entity in content.xml")


def walk(chunks: Iterable[bytes]) -> list[OdsSheet]:
    """Every sheet of an .ods content.xml given as byte chunks, in document order."""
    w = _Walker()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.StartElementHandler = w.start
    parser.EndElementHandler = w.end
    parser.CharacterDataHandler = w.text
    parser.buffer_text = True
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return w.sheets


def is_ods(data: bytes) -> bool:
    """An OpenDocument spreadsheet: a zip whose `mimetype` member names one."""
    # the format puts `mimetype` first (stored): an .xlsx is told apart without opening it
    if not data.startswith(b"PK") or data[30:38] != b"mimetype":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            with zf.open("mimetype") as member:
                return member.read(len(MIMETYPE) + 1).strip() == MIMETYPE
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False


def sheets_of(data: bytes) -> list[OdsSheet]:
    """The sheets of an .ods already accepted by intake (sizes checked, no DTD)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(CONTENT) as member:
        return walk(iter(lambda: member.read(1 << 20), b""))
