"""Which approval sheets count: the sheet's number, its rows' fingerprints, its integrity code.

Each Lembar Persetujuan the batch writes is recorded in the register (`approval_issues`)
with a number (`LP-2026-0007`), its issue date and, per row, a fingerprint of the item's
content as the Atasan PPID sees it. The sheet shows the number, the date, each row's
fingerprint (`Sidik Isi`) and an integrity code: an HMAC over number, date and rows
made with a secret kept in `var/` only. A returned sheet is checked against that record:

- no number or code, a number this register never issued, or a code that does not
  match → the whole sheet is refused (forged, from another workspace, or tampered);
- a row whose item the sheet did not list, or whose fingerprint was edited → that row
  is refused;
- a decided row whose item changed after the sheet was issued → refused as
  "berubah sejak lembar dibuat"; the next sheet lists the item again, marked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import operator
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import RegisterItem
from ..store.approvals import IssuedSheet, latest_issued_sheet, record_issue
from ..store.core import Store
from ..store.schema import ITEM_FIELDS

SECRET_NAME = "kunci-lembar-persetujuan.txt"
NUMBER_PREFIX = "LP"
CONTENT_FIELDS = ("unit", *ITEM_FIELDS)
SHOWN_FINGERPRINT = 12  # hex characters of the fingerprint printed on the sheet
SHOWN_CODE = 24  # hex characters of the integrity code printed on the sheet
_DOMAIN = b"ppid-batch lembar-persetujuan v1\n"


def sheet_number(year: int, urut: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{urut:04d}"


def load_secret(var_dir: Path, *, create: bool = True) -> bytes:
    """The workspace's secret (32 random bytes as hex in var/); made on first use.

    With `create=False` (a dry run, which writes nothing to var/) a missing secret
    is replaced by a throw-away one: nothing issued with it survives the run.
    """
    path = Path(var_dir) / SECRET_NAME
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 64:
            return bytes.fromhex(text[:64])
    except (OSError, ValueError):
        pass
    fresh = secrets.token_hex(32)
    if not create:
        return bytes.fromhex(fresh)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # another process made it a moment ago (or it is unreadable: then say so)
        return bytes.fromhex(path.read_text(encoding="ascii").strip()[:64])
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(fresh + "\n")
        out.flush()
        os.fsync(out.fileno())
    return bytes.fromhex(fresh)


def content_text(value: object) -> str:
    """A field's value as its content holds it: text with its runs of white space made one
    space and its ends trimmed; "" for None (an empty field is left out of the content)."""
    if value is None:
        return ""
    return " ".join((value if type(value) is str else str(value)).split())


def content_of(item: RegisterItem | Mapping[str, Any]) -> dict[str, str]:
    """The item's own fields as text; empty fields are left out (a field added to the
    register later does not change the fingerprint of the items that leave it empty)."""
    get = item.get if isinstance(item, Mapping) else functools.partial(getattr, item)
    out: dict[str, str] = {}
    for key in CONTENT_FIELDS:
        text = content_text(get(key, None))
        if text:
            out[key] = text
    return out


# content_of's keys in the order json.dumps(sort_keys=True) writes them, each with the
# `"key": ` that precedes its value there (plain ASCII names: nothing to escape).
_SORTED_FIELDS = tuple(sorted(CONTENT_FIELDS))
_PREFIXES = tuple(f'"{key}": ' for key in _SORTED_FIELDS)
_values_of = operator.attrgetter(*_SORTED_FIELDS)  # an item's values in that order, at once
_quoted = json.encoder.encode_basestring  # json.dumps' own quoting with ensure_ascii=False


def _content_values(item: RegisterItem | Mapping[str, Any]) -> tuple[Any, ...]:
    """The item's content fields' values, in _SORTED_FIELDS order (None: no such field)."""
    if type(item) is RegisterItem:  # (no Mapping: without the ABC check, per item)
        return _values_of(item)  # type: ignore[no-any-return]
    if isinstance(item, Mapping):
        return tuple(map(item.get, _SORTED_FIELDS))
    try:
        return _values_of(item)  # type: ignore[no-any-return]
    except AttributeError:  # an object without some field: that field is empty
        return tuple(getattr(item, key, None) for key in _SORTED_FIELDS)


def _content_part(prefix: str, value: Any) -> str:
    """One field of content_json, `"key": "text"`, its text as content_text makes it
    (white space made single spaces, ends trimmed); "" when that leaves nothing."""
    text = " ".join((value if type(value) is str else str(value)).split())
    return prefix + _quoted(text) if text else ""


def content_json(item: RegisterItem | Mapping[str, Any]) -> str:
    """`json.dumps(content_of(item), ensure_ascii=False, sort_keys=True)`, written in one
    pass without the intermediate dict: the text the fingerprint hashes and the register
    keeps as the row's snapshot. Same characters as that call (tests/approve pin it)."""
    parts = [
        _content_part(prefix, value)
        for prefix, value in zip(_PREFIXES, _content_values(item), strict=True)
        if value is not None
    ]
    return "{" + ", ".join(filter(None, parts)) + "}"


def content_jsons(items: Sequence[RegisterItem | Mapping[str, Any]]) -> list[str]:
    """content_json of each item, a field's text quoted once per distinct value: a night's
    tens of thousands of items share a few units, places, kinds and retention periods.
    (Text values only: 7, 7.0 and True are equal keys but other texts.)"""
    made: list[dict[str, str]] = [{} for _ in _PREFIXES]  # per field: value -> its part
    prefixes = _PREFIXES
    out = []
    for item in items:
        parts = []
        for k, value in enumerate(_content_values(item)):
            if value is None:
                continue
            if type(value) is str:
                known = made[k]
                part = known.get(value)
                if part is None:
                    part = known[value] = _content_part(prefixes[k], value)
            else:
                part = _content_part(prefixes[k], value)
            if part:
                parts.append(part)
        out.append("{" + ", ".join(parts) + "}")
    return out


def fingerprint_of_json(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def fingerprint(item: RegisterItem | Mapping[str, Any]) -> str:
    """sha256 of the item's content (hex); the sheet shows its first SHOWN_FINGERPRINT."""
    return fingerprint_of_json(content_json(item))


def shown_fingerprint(full: str) -> str:
    return full[:SHOWN_FINGERPRINT].upper()


def integrity_code(
    secret: bytes, number: str, issued_on: dt.date, rows: Sequence[Sequence[str]]
) -> str:
    """HMAC-SHA256 over the number, the issue date and every (ID, fingerprint) in order
    (each row's first two values: issue() hands its (ID, fingerprint, content) rows)."""
    mac = hmac.new(secret, _DOMAIN + f"{number}\n{issued_on.isoformat()}\n".encode(), "sha256")
    # The rows fed in one piece (the same bytes as one message; appending to a bytes
    # message row by row copied it each time: quadratic in the sheet's rows).
    mac.update("".join([f"{r[0]} {shown_fingerprint(r[1])}\n" for r in rows]).encode())
    return mac.hexdigest()


def shown_code(code: str) -> str:
    """`1A2B-3C4D-…`: the code as printed, in groups of four."""
    text = code[:SHOWN_CODE].upper()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_matches(written: object, code: str) -> bool:
    typed = "".join(ch for ch in str(written or "").upper() if ch in "0123456789ABCDEF")
    return hmac.compare_digest(typed, code[:SHOWN_CODE].upper())


def fingerprint_matches(written: object, full: str) -> bool:
    typed = "".join(ch for ch in str(written or "").upper() if ch in "0123456789ABCDEF")
    return hmac.compare_digest(typed, shown_fingerprint(full))


@dataclass(frozen=True)
class Issued:
    """The identity a new sheet carries."""

    sheet: IssuedSheet
    reused: bool
    # The fingerprints issue() computed, by the item object they were computed of (kept
    # alive here, so an id is not reused): the sheet shows them without hashing again.
    computed: Mapping[int, tuple[RegisterItem, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # The rows issue() was given and their fingerprints, in order (fingerprints_of).
    hashed: tuple[tuple[Any, ...], tuple[str, ...]] = field(
        default=((), ()), compare=False, repr=False
    )

    def fingerprints_of(self, items: Sequence[RegisterItem]) -> list[str]:
        """fingerprint_of each item: at once when they are the very objects issue() hashed,
        in its order (the sheet's rows), else item by item."""
        given, fingerprints = self.hashed
        if len(items) == len(given) and all(map(operator.is_, items, given)):
            return list(fingerprints)
        return [self.fingerprint_of(item) for item in items]

    def fingerprint_of(self, item: RegisterItem) -> str:
        """fingerprint(item), taken from what issue() computed when it is the same object
        (a RegisterItem is frozen: the same object has the same content)."""
        known = self.computed.get(id(item))
        if known is not None and known[0] is item:
            return known[1]
        return fingerprint(item)

    @property
    def number(self) -> str:
        return self.sheet.number

    @property
    def issued_on(self) -> dt.date:
        return self.sheet.issued_on

    @property
    def code(self) -> str:
        return self.sheet.code


def issue(
    store: Store,
    secret: bytes,
    pending: Sequence[RegisterItem],
    *,
    today: dt.date,
    run_id: int | None = None,
) -> Issued:
    """The identity of tonight's sheet listing `pending` in this order.

    The same rows with the same content as the last issued sheet keep its number and
    date (a night that changes nothing pending rewrites the same sheet); anything else
    gets the next number of the year.
    """
    # One text per row: its fingerprint is the text's sha256, and the register keeps the
    # text itself as the row's snapshot (record_issue stores it as given).
    rows: list[tuple[str, str, str]] = []
    computed: dict[int, tuple[RegisterItem, str]] = {}
    for it, raw in zip(pending, content_jsons(pending), strict=True):
        fp = fingerprint_of_json(raw)
        rows.append((it.id, fp, raw))
        if type(it) is RegisterItem:
            computed[id(it)] = (it, fp)
    hashed = (tuple(pending), tuple(fp for _, fp, _ in rows))
    last = latest_issued_sheet(store)
    if last is not None and [(r.item_id, r.fingerprint) for r in last.rows] == [
        (i, fp) for i, fp, _ in rows
    ]:
        if hmac.compare_digest(
            last.code, integrity_code(secret, last.number, last.issued_on, rows)
        ):
            return Issued(last, reused=True, computed=computed, hashed=hashed)
    sheet = record_issue(
        store,
        year=today.year,
        issued_on=today,
        make_number=lambda urut: sheet_number(today.year, urut),
        make_code=lambda number: integrity_code(secret, number, today, rows),
        rows=rows,
        run_id=run_id,
    )
    return Issued(sheet, reused=False, computed=computed, hashed=hashed)
