"""Loads the declarative spreadsheet definitions in schemas/ (SOP step 1 and 2 forms)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import SchemaError
from ..vocabulary import Vocabulary, bentuk_variants

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
FIELD_TYPES = frozenset(
    {"text", "integer", "date", "partial_date", "choice", "retensi", "link", "nip", "item_id"}
)


def label_key(text: object) -> str:
    """Fold a header label for matching: case, spacing, line breaks and punctuation ignored."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class Choice:
    value: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    required: bool = False
    type: str = "text"
    help: str = ""
    example: str = ""
    width: int = 18
    choices: tuple[Choice, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    min_year: int | None = None
    required_when: tuple[tuple[str, str], ...] = ()
    only_when: tuple[tuple[str, str], ...] = ()
    required_when_decided: bool = False
    in_blank_form: bool = True
    context: bool = False
    suggestions: tuple[str, ...] = ()  # offered in a dropdown; other text is still accepted

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def choice_lookup(self) -> dict[str, str]:
        """Folded spelling → canonical value, for every value and its variants."""
        # Folded once per set of choices: readers ask for it once per cell.
        return dict(_choice_lookup(self.choices))


@functools.lru_cache(maxsize=256)
def _choice_lookup(choices: tuple[Choice, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in choices:
        for spelling in (c.value, *c.variants):
            out[label_key(spelling)] = c.value
    return out


@dataclass(frozen=True)
class Combined:
    label: str
    variants: tuple[str, ...]
    splits_into: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class SheetSchema:
    kind: str
    title: str
    version: str
    sheet_name: str
    metadata: tuple[Field, ...]
    fields: tuple[Field, ...]
    combined: tuple[Combined, ...] = field(default=())

    def field(self, key: str) -> Field:
        return self._by_key[key]  # KeyError for a key the schema does not have

    @functools.cached_property
    def _by_key(self) -> dict[str, Field]:
        # the first field of a key wins, metadata before the table's columns
        by_key: dict[str, Field] = {}
        for f in (*self.metadata, *self.fields):
            by_key.setdefault(f.key, f)
        return by_key

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def blank_form_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_blank_form)


def _conditions(raw: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """`{tindakan: [Ubah, Hapus]}` → (("tindakan", "Ubah"), ("tindakan", "Hapus")): any holds."""
    out: list[tuple[str, str]] = []
    for key, value in (raw or {}).items():
        for one in value if isinstance(value, list) else [value]:
            out.append((str(key), str(one)))
    return tuple(out)


def _field(raw: dict[str, Any], where: str) -> Field:
    try:
        ftype = raw.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise SchemaError(f"{where}: tipe '{ftype}' tidak dikenal")
        return Field(
            key=str(raw["key"]),
            label=str(raw["label"]),
            variants=tuple(str(v) for v in raw.get("variants") or ()),
            required=bool(raw.get("required", False)),
            type=ftype,
            help=str(raw.get("help", "")),
            example=str(raw.get("example", "")),
            width=int(raw.get("width", 18)),
            choices=tuple(
                Choice(str(c["value"]), tuple(str(v) for v in c.get("variants") or ()))
                for c in raw.get("choices") or ()
            ),
            min_length=raw.get("min_length"),
            max_length=raw.get("max_length"),
            min_year=raw.get("min_year"),
            required_when=_conditions(raw.get("required_when")),
            only_when=tuple((raw.get("only_when") or {}).items()),
            required_when_decided=bool(raw.get("required_when_decided", False)),
            in_blank_form=bool(raw.get("in_blank_form", True)),
            context=bool(raw.get("context", False)),
            suggestions=tuple(str(v) for v in raw.get("suggestions") or ()),
        )
    except KeyError as exc:
        raise SchemaError(f"{where}: kunci {exc} tidak ada") from exc


def parse_schema(raw: dict[str, Any], where: str = "skema") -> SheetSchema:
    try:
        schema = SheetSchema(
            kind=str(raw["kind"]),
            title=str(raw["title"]),
            version=str(raw["version"]),
            sheet_name=str(raw["sheet_name"]),
            metadata=tuple(_field(m, where) for m in raw.get("metadata") or ()),
            fields=tuple(_field(f, where) for f in raw["fields"]),
            combined=tuple(
                Combined(str(c["label"]), tuple(c.get("variants") or ()), tuple(c["splits_into"]))
                for c in raw.get("combined") or ()
            ),
        )
    except (KeyError, TypeError) as exc:
        raise SchemaError(f"{where}: definisi tidak lengkap ({exc})") from exc
    seen: dict[str, str] = {}
    for f in (*schema.fields,):
        for lab in f.labels:
            k = label_key(lab)
            if k in seen and seen[k] != f.key:
                raise SchemaError(f"{where}: label '{lab}' dipakai oleh dua kolom")
            seen[k] = f.key
    return schema


# libyaml's safe loader when PyYAML was built with it: the same constructors (the same
# objects) as yaml.safe_load, several times faster on the schema files
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_schema(kind: str) -> SheetSchema:
    """Load schemas/<kind>.yaml (cached; the files do not change while running)."""
    path = SCHEMA_DIR / f"{kind}.yaml"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as exc:
        raise SchemaError(f"Definisi formulir {path} tidak dapat dibaca: {exc}") from exc
    return parse_schema(raw, where=str(path.name))


def form_schema() -> SheetSchema:
    return load_schema("form_dip")


def approval_schema() -> SheetSchema:
    return load_schema("persetujuan")


def _bentuk_field(f: Field, values: tuple[str, ...]) -> Field:
    if values == f.choice_values:
        return f
    taken: set[str] = set()
    choices = []
    for value in values:
        taken.add(label_key(value))
    for value in values:
        variants = []
        for v in bentuk_variants(value):
            if label_key(v) not in taken:
                taken.add(label_key(v))
                variants.append(v)
        choices.append(Choice(value, tuple(variants)))
    both = [v for v in values if " dan " in v]
    return replace(
        f,
        choices=tuple(choices),
        help="Pilih dari daftar: " + ", ".join(values) + ".",
        example=both[0] if both else values[0],
    )


def _retensi_field(f: Field, wordings: tuple[str, ...]) -> Field:
    shown = "; ".join(wordings[:4])
    return replace(
        f,
        choices=tuple(Choice(w) for w in wordings),
        help=f"Tulis seperti Jadwal Retensi Arsip kantor, contoh: {shown}; atau 5 Tahun.",
        example=wordings[0],
    )


@functools.lru_cache(maxsize=32)
def for_office(schema: SheetSchema, kota: str, vocabulary: Vocabulary) -> SheetSchema:
    """The schema with the office's words: its bentuk set and retention wording as choices,
    and `{kota}` in help texts and examples replaced by the office's town."""

    def adapt(f: Field) -> Field:
        if f.key == "bentuk" and f.type == "choice":
            f = _bentuk_field(f, vocabulary.bentuk)
        elif f.type == "retensi" and vocabulary.retensi:
            f = _retensi_field(f, vocabulary.retensi)
        if "{kota}" in f.help or "{kota}" in f.example:
            f = replace(
                f, help=f.help.replace("{kota}", kota), example=f.example.replace("{kota}", kota)
            )
        return f

    return replace(
        schema,
        fields=tuple(adapt(f) for f in schema.fields),
        metadata=tuple(adapt(f) for f in schema.metadata),
    )
