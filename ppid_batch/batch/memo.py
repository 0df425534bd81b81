"""Documents the night need not render again: their inputs and their files are as last written.

Every output is a deterministic function of the writer's arguments, the templates, the
office's kop files and the code (the same inputs give the same bytes). So when a writer is
called with the arguments it last wrote its files from, under the same templates and code,
and those files are still the very bytes it wrote, rendering would only write the same
bytes again. On a register of tens of thousands of items that re-rendering (the DIP's
lists, fifty Nota Dinas, the Disposisi) was most of a small night's time, paid whatever
the night brought.

The memo lives in var/output-memo.json: for each output slot (a name such as
"nota-dinas/<number>") the key of the inputs it was written from and the SHA-256 of each
file written. The key is the SHA-256 of the arguments' repr, salted with a fingerprint of
the code, the templates, the logo and ppid.toml. A repr names every field of the frozen
dataclasses the writers take (the memo feeds a dataclass field by field, as its repr shows
them, and each register item's repr once a night however many inputs hold it), so any
change of an input changes the key; an argument
whose repr does not show its content (an object's address) changes the key every night,
which only costs a render. Anything the check cannot vouch for renders: a missing or
unreadable memo, a file missing, edited or replaced (its bytes differ), a dry run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..config import Config
from ..files import atomic_write_bytes
from ..models import RegisterItem

log = logging.getLogger(__name__)

MEMO_FILE = "output-memo.json"
_VERSION = 1
_BIG = 1000  # a sequence this long is hashed once per night however often it is an input
# Values whose repr is hashed once per night however many inputs hold them: the register's
# items are in the DIP's lists, the Disposisi, each unit's Nota Dinas... in a new sequence
# each time. Only types whose every field is immutable (str, int, date, None): a cached
# digest can never disagree with the object it was taken from.
_ONCE: tuple[type, ...] = (RegisterItem,)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_digest(digest: Any, folder: Path, suffixes: Iterable[str] | None = None) -> None:
    """Feed every file under `folder` (its relative name and bytes) into `digest`."""
    if not folder.is_dir():
        return
    wanted = tuple(suffixes) if suffixes is not None else None
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if wanted is not None and path.suffix not in wanted:
            continue
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(_sha256_file(path).encode("ascii"))


def fingerprint(config: Config) -> str:
    """What every output also depends on beyond a writer's arguments: the code (with the
    bundled templates and schemas), the office's templates, its logo, and ppid.toml."""
    digest = hashlib.sha256(f"memo {_VERSION}\0".encode())
    _tree_digest(digest, Path(__file__).resolve().parent.parent)
    digest.update(b"\0templates\0")
    _tree_digest(digest, Path(config.templates_dir))
    for extra in (config.office.logo, config.source):
        digest.update(b"\0" + str(extra).encode("utf-8") + b"\0")
        if extra is not None and Path(extra).is_file():
            digest.update(_sha256_file(Path(extra)).encode("ascii"))
    return digest.hexdigest()


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _repr_fields(cls: type) -> tuple[str, ...] | None:
    """The fields a dataclass's repr shows (fed one by one, as its repr would show them,
    so that the register's items inside are hashed once); None for any other type."""
    if cls not in _FIELDS:
        dataclass = dataclasses.is_dataclass(cls)
        _FIELDS[cls] = (
            tuple(f.name for f in dataclasses.fields(cls) if f.repr) if dataclass else None
        )
    return _FIELDS[cls]


@dataclasses.dataclass(frozen=True)
class MemoDelta:
    """Slots a memo set and the counts it added since a mark (OutputMemo.since)."""

    slots: dict[str, dict[str, Any]]
    reused: int = 0
    rendered: int = 0


class OutputMemo:
    """What the night may skip rendering; `save` records what it wrote for the next night."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self._path = path
        self._salt = salt
        self._old: dict[str, dict[str, Any]] = self._load() if path is not None else {}
        self._new: dict[str, dict[str, Any]] = {}
        self.reused = 0
        self.rendered = 0
        self._big: dict[int, tuple[Sequence[Any], bytes]] = {}
        self._once: dict[int, tuple[Any, bytes]] = {}

    @classmethod
    def disabled(cls) -> OutputMemo:
        """A memo that never skips and never saves (a dry run, tests of the writers)."""
        return cls(None, "")

    @property
    def enabled(self) -> bool:
        return self._path is not None

    def _load(self) -> dict[str, dict[str, Any]]:
        assert self._path is not None
        try:
            data = json.loads(self._path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # unreadable: every output renders tonight
            log.warning("output memo %s unreadable (%s); rendering everything", self._path, exc)
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        slots = data.get("slots")
        return slots if isinstance(slots, dict) else {}

    def key(self, *inputs: Any) -> str:
        """SHA-256 of the salt and the inputs' reprs, fed element by element: the whole
        register's repr as one string would be some 60 MB at 100,000 items."""
        digest = hashlib.sha256(self._salt.encode("utf-8") + b"\0")
        self._feed(digest, inputs)
        return digest.hexdigest()

    def _feed(self, digest: Any, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            if len(value) >= _BIG:  # the register, given to several writers: hashed once
                known = self._big.get(id(value))
                if known is None or known[0] is not value:
                    inner = hashlib.sha256()
                    self._feed_items(inner, value)
                    known = self._big[id(value)] = (value, inner.digest())
                digest.update(b"H" + known[1])
                return
            self._feed_items(digest, value)
            return
        if type(value) in _ONCE:
            known_value = self._once.get(id(value))
            if known_value is None or known_value[0] is not value:
                text = repr(value).encode("utf-8", "surrogatepass")
                known_value = self._once[id(value)] = (value, hashlib.sha256(text).digest())
            digest.update(b"O" + known_value[1])
            return
        fields = _repr_fields(type(value))
        if fields is not None:  # a Disposisi, a Nota Dinas: its items through the above
            digest.update(b"D%s(" % type(value).__qualname__.encode("utf-8"))
            for name in fields:
                digest.update(name.encode("ascii") + b"=")
                self._feed(digest, getattr(value, name))
            digest.update(b")")
            return
        text = repr(value).encode("utf-8", "surrogatepass")
        digest.update(b"R%d:" % len(text) + text)

    def _feed_items(self, digest: Any, values: Sequence[Any]) -> None:
        digest.update(b"%s%d[" % (type(values).__name__.encode("ascii"), len(values)))
        for value in values:
            self._feed(digest, value)
        digest.update(b"]")

    def _still_written(self, slot: str, key: str) -> list[Path] | None:
        entry = self._old.get(slot)
        if not self.enabled or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files = entry.get("files")
        if not isinstance(files, list):
            return None
        paths = []
        for pair in files:
            try:
                name, sha = pair
                path = Path(name)
                if not path.is_file() or _sha256_file(path) != sha:
                    return None
            except (OSError, ValueError, TypeError):
                return None
            paths.append(path)
        return paths

    def kept(self, slot: str, key: str) -> list[Path] | None:
        """The files of `slot` when they were written from inputs of this `key` and are
        still the bytes written; None when they must be rendered."""
        kept = self._still_written(slot, key)
        if kept is not None:
            self.reused += 1
            self._new[slot] = self._old[slot]
        return kept

    def record(self, slot: str, key: str, written: Iterable[Path]) -> list[Path]:
        """Remember the files `slot` was just rendered into from inputs of this `key`."""
        written = [Path(p) for p in written]
        self.rendered += 1
        if self.enabled:
            self._new[slot] = {
                "key": key,
                "files": [[str(p), _sha256_file(p)] for p in written if p.is_file()],
            }
        return written

    def render(
        self, slot: str, inputs: Sequence[Any], write: Callable[[], Iterable[Path]]
    ) -> list[Path]:
        """`write()`'s files: the ones already written when `inputs` are those they were
        written from and the files are untouched, else `write()` called now."""
        key = self.key(*inputs)
        kept = self.kept(slot, key)
        return kept if kept is not None else self.record(slot, key, write())

    def value(self, slot: str, inputs: Sequence[Any], compute: Callable[[], Any]) -> Any:
        """`compute()`'s JSON value, or the one kept for the same `inputs` and salt."""
        key = self.key(*inputs)
        entry = self._old.get(slot)
        if self.enabled and isinstance(entry, dict) and entry.get("key") == key:
            if "value" in entry:
                self.reused += 1
                self._new[slot] = entry
                return entry["value"]
        self.rendered += 1
        result = compute()
        if self.enabled:
            self._new[slot] = {"key": key, "value": result}
        return result

    def holds(self, slot: str, inputs: Sequence[Any]) -> bool:
        """Whether the last night's memo noted (`note`) `slot` of these very `inputs`: a
        fact that held of them need not be checked again. The note is carried over."""
        entry = self._old.get(slot)
        if not self.enabled or not isinstance(entry, dict) or entry.get("holds") is not True:
            return False
        if entry == {"key": self.key(*inputs), "holds": True}:
            self.reused += 1
            self._new[slot] = entry
            return True
        return False

    def note(self, slot: str, inputs: Sequence[Any]) -> None:
        """Record that the fact `slot` stands for holds of `inputs` (see `holds`)."""
        self.rendered += 1
        if self.enabled:
            self._new[slot] = {"key": self.key(*inputs), "holds": True}

    def mark(self) -> tuple[dict[str, dict[str, Any]], int, int]:
        """What the memo holds now, for `since`."""
        return dict(self._new), self.reused, self.rendered

    def since(self, mark: tuple[dict[str, dict[str, Any]], int, int]) -> MemoDelta:
        """The slots set since `mark` and the counts added: what work done in a child
        process (batch/beside.py) hands back to the night's memo (`absorb`)."""
        before, reused, rendered = mark
        slots = {k: v for k, v in self._new.items() if before.get(k) is not v}
        return MemoDelta(slots, self.reused - reused, self.rendered - rendered)

    def absorb(self, delta: MemoDelta) -> None:
        """Take in what a child's copy of this memo recorded (`since`)."""
        self._new.update(delta.slots)
        self.reused += delta.reused
        self.rendered += delta.rendered

    def save(self) -> None:
        """Record tonight's slots (those not used tonight are dropped)."""
        if self._path is None:
            return
        data = {"version": _VERSION, "slots": dict(sorted(self._new.items()))}
        try:
            atomic_write_bytes(
                self._path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            )
        except OSError as exc:  # next night renders everything again: slower, not wrong
            log.warning("output memo %s not saved: %s", self._path, exc)
