"""Where a key of ppid.toml sits: line and column for messages tomllib cannot give.

tomllib reports positions only for syntax errors. A wrong value (a NIP that is not a NIP,
an unknown token in the number pattern) is found after parsing, so this module scans the
same text once and records where every table header and every key=value starts. It only
needs to be right for files tomllib already accepted, which keeps it small: strings,
multi-line strings and multi-line arrays are skipped, inline tables are not entered (a key
inside one is reported at the line of the key that holds it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A path into the parsed document: table names and, for arrays of tables, the element index.
Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Position:
    line: int
    column: int

    def text(self) -> str:
        return f"baris {self.line}, kolom {self.column}"


def _keys(text: str, start: int) -> tuple[list[str], int]:
    """Parse a (dotted, possibly quoted) key at `start`; return its parts and the end index."""
    parts: list[str] = []
    i = start
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] in "\"'":
            quote = text[i]
            j = i + 1
            buf = []
            while j < len(text) and text[j] != quote:
                if quote == '"' and text[j] == "\\" and j + 1 < len(text):
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            parts.append("".join(buf))
            i = j + 1
        else:
            m = _BARE.match(text, i)
            if not m:
                return parts, i
            parts.append(m.group())
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return parts, i


class _Scanner:
    """Skips over a value that may run across lines (strings, arrays, inline tables)."""

    def __init__(self) -> None:
        self.depth = 0  # open [ and { of the current value
        self.multiline: str | None = None  # the open ''' or """

    @property
    def busy(self) -> bool:
        return self.depth > 0 or self.multiline is not None

    def feed(self, text: str, i: int) -> None:
        while i < len(text):
            if self.multiline is not None:
                end = text.find(self.multiline, i)
                if end < 0:
                    return
                i = end + 3
                self.multiline = None
                continue
            c = text[i]
            if c == "#":
                return
            if text.startswith('"""', i) or text.startswith("'''", i):
                self.multiline = text[i : i + 3]
                i += 3
                continue
            if c in "\"'":
                j = i + 1
                while j < len(text) and text[j] != c:
                    j += 2 if c == '"' and text[j] == "\\" else 1
                i = j + 1
                continue
            if c in "[{":
                self.depth += 1
            elif c in "]}":
                self.depth = max(0, self.depth - 1)
            i += 1


def locate(source: str) -> dict[Path, Position]:
    """Map every table and key path of `source` to where it starts (1-based line and column).

    A key maps to the column of its value; a table to the column of its header.
    """
    found: dict[Path, Position] = {}
    table: Path = ()
    arrays: dict[tuple[str, ...], int] = {}
    scanner = _Scanner()
    for number, line in enumerate(source.splitlines(), 1):
        if scanner.busy:
            scanner.feed(line, 0)
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[["):
            names, _ = _keys(stripped, 2)
            index = arrays.get(tuple(names), -1) + 1
            arrays[tuple(names)] = index
            table = (*names, index)
            found.setdefault(tuple(names), Position(number, indent + 1))
            found[table] = Position(number, indent + 1)
            continue
        if stripped.startswith("["):
            names, _ = _keys(stripped, 1)
            table = _resolve(tuple(names), arrays)
            found[table] = Position(number, indent + 1)
            continue
        names, end = _keys(stripped, 0)
        if not names or end >= len(stripped) or stripped[end] != "=":
            continue
        value = end + 1
        while value < len(stripped) and stripped[value] in " \t":
            value += 1
        found[(*table, *names)] = Position(number, indent + value + 1)
        scanner.feed(stripped, value)
    return found


def _resolve(names: tuple[str, ...], arrays: dict[tuple[str, ...], int]) -> Path:
    """[a.b] under an array of tables [[a]] means a.b of a's latest element."""
    path: list[str | int] = []
    for i, name in enumerate(names):
        path.append(name)
        prefix = names[: i + 1]
        if prefix in arrays and i < len(names) - 1:
            path.append(arrays[prefix])
    return tuple(path)


def nearest(positions: dict[Path, Position], path: Path) -> Position | None:
    """The position of `path`, or of the closest enclosing table that has one."""
    for end in range(len(path), 0, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return None
