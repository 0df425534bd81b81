"""Frictionless Data Package descriptors (Table Schema) for the tables ppid-batch hands on.

One builder for every machine-readable package: the office's register export
(reports/ekspor) and the published DIP. Columns are declared once (name, type,
Indonesian title); the CSV writer and the descriptor both follow that declaration,
so the schema cannot drift from the file it describes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TABLE_TYPES = frozenset({"string", "integer", "number", "date", "boolean"})


@dataclass(frozen=True)
class Column:
    """One field of a Table Schema: `type` is a Frictionless type, `title` what staff read.

    `description` (Indonesian) and the constraints beyond `required` are optional: the
    published DIP states its enum, ID pattern and minimums; an export may not need them.
    """

    name: str
    title: str
    type: str = "string"
    required: bool = False
    description: str = ""
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    unique: bool = False
    minimum: int | None = None

    def __post_init__(self) -> None:
        if self.type not in TABLE_TYPES:
            raise ValueError(f"unknown table schema type {self.type!r}")

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "title": self.title, "type": self.type}
        if self.description:
            out["description"] = self.description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern is not None:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            out["constraints"] = constraints
        return out


def csv_bytes(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 CSV without BOM (machines read it), header = column names, None → empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.name) is None else row[c.name] for c in columns])
    return out.getvalue().encode("utf-8")


def table_resource(
    name: str,
    path: str,
    title: str,
    columns: Sequence[Column],
    data: bytes,
    *,
    primary_key: Sequence[str] = (),
    description: str = "",
    encoding: str = "utf-8",
) -> dict[str, Any]:
    """A tabular-data-resource for a CSV file already written with `csv_bytes` (or, with
    encoding 'utf-8-sig', the DIP's csv, whose byte-order mark lets Excel read it)."""
    schema: dict[str, Any] = {"fields": [c.descriptor() for c in columns]}
    if primary_key:
        schema["primaryKey"] = list(primary_key)
    resource: dict[str, Any] = {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": encoding,
        **_integrity(data),
        "schema": schema,
    }
    if description:
        resource["description"] = description
    return resource


def _integrity(data: bytes) -> dict[str, Any]:
    """Size and sha256, which frictionless checks: a reader knows the file is the one described."""
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def file_resource(
    name: str, path: str, title: str, data: bytes, *, fmt: str, mediatype: str, description: str
) -> dict[str, Any]:
    """A resource that is not one flat table (the DIP's nested json): described, checksummed.

    A package holding one needs `profile='data-package'` in package_descriptor.
    """
    return {
        "name": name,
        "path": path,
        "title": title,
        "description": description,
        "profile": "data-resource",
        "format": fmt,
        "mediatype": mediatype,
        "encoding": "utf-8",
        **_integrity(data),
    }


def package_descriptor(
    name: str, title: str, resources: Sequence[Mapping[str, Any]], **extra: Any
) -> bytes:
    """datapackage.json: stable key order and indentation, so two equal packages are equal bytes."""
    doc: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        **extra,
        "resources": list(resources),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_rows(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The same rows as a JSON array of objects (for readers that prefer JSON to CSV)."""
    return (json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
