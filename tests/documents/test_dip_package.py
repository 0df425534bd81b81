"""The DIP's open data: csv and json with a datapackage.json the `frictionless` library accepts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from docs_util import TODAY, fixture_register, item, tricky_register

from ppid_batch.documents.register_list import write_register

frictionless = pytest.importorskip("frictionless")


def _package(config, folder: Path, items) -> Path:
    paths = write_register(items, 2025, config, folder, today=TODAY)
    (descriptor,) = [p for p in paths if p.name.endswith(".datapackage.json")]
    assert descriptor.name == "Daftar-Informasi-Publik-2025.datapackage.json"
    return descriptor


def test_frictionless_accepts_the_package(config, tmp_path: Path) -> None:
    descriptor = _package(config, tmp_path, fixture_register())
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["type", "message"])
    # Every row of the csv was read against the schema, not just the header.
    (csv_task,) = [t for t in report.tasks if t.name.endswith("-csv")]
    assert csv_task.stats["rows"] == 4


def test_the_schema_speaks_indonesian_and_states_the_jenis(config, tmp_path: Path) -> None:
    doc = json.loads(_package(config, tmp_path, fixture_register()).read_text("utf-8"))
    assert doc["profile"] == "data-package"
    assert doc["title"] == (
        "Daftar Informasi Publik Tahun 2025 — Komisi Pemilihan Umum Kabupaten Mesuji"
    )
    csv_res, json_res = doc["resources"]
    assert (csv_res["path"], json_res["path"]) == (
        "Daftar-Informasi-Publik-2025.csv",
        "Daftar-Informasi-Publik-2025.json",
    )
    fields = {f["name"]: f for f in csv_res["schema"]["fields"]}
    header = (tmp_path / csv_res["path"]).read_text("utf-8-sig").splitlines()[0]
    assert next(csv.reader([header])) == list(fields)  # the schema follows the csv exactly
    assert fields["Jenis Informasi"]["constraints"]["enum"] == [
        "Berkala",
        "Serta Merta",
        "Setiap Saat",
    ]
    assert fields["No"]["type"] == "integer"
    assert csv_res["schema"]["primaryKey"] == ["ID Informasi"]
    assert all(f["description"] for f in fields.values())
    assert "Pasal 9" in fields["Jenis Informasi"]["description"]
    assert json_res["mediatype"] == "application/json"


def test_formula_looking_text_and_markup_still_validate(config, tmp_path: Path) -> None:
    descriptor = _package(config, tmp_path, tricky_register())
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["type", "message"])


def test_a_tampered_csv_is_caught_by_its_checksum(config, tmp_path: Path) -> None:
    descriptor = _package(config, tmp_path, fixture_register())
    csv_path = tmp_path / "Daftar-Informasi-Publik-2025.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Permanen", b"Dimusnahkan"))
    report = frictionless.validate(str(descriptor))
    assert not report.valid
    assert {"hash-count", "byte-count"} & {e[0] for e in report.flatten(["type"])}


def test_a_forged_row_breaks_the_schema_not_just_the_checksum(config, tmp_path: Path) -> None:
    """Even with a recomputed (or removed) checksum, a Dikecualikan row or a bad ID is refused."""
    descriptor = _package(config, tmp_path, fixture_register())
    doc = json.loads(descriptor.read_text("utf-8"))
    for res in doc["resources"]:
        res.pop("hash"), res.pop("bytes")
    descriptor.write_text(json.dumps(doc), "utf-8")
    csv_path = tmp_path / "Daftar-Informasi-Publik-2025.csv"
    forged = (
        'Dikecualikan,5,DIP-2025-0005,Data pribadi pemilih,Subbagian,Kepala,"Mesuji, 2025",'
        "2025,Hardcopy,5 Tahun,\r\n"
        'Berkala,1,DIP-25-1,Laporan palsu,Subbagian,Kepala,"Mesuji, 2025",2025,Hardcopy,1,\r\n'
    )
    csv_path.write_bytes(csv_path.read_bytes() + forged.encode("utf-8"))
    report = frictionless.validate(str(descriptor))
    assert sorted(
        (e[0], e[1]) for e in report.flatten(["type", "fieldName"]) if e[0] == "constraint-error"
    ) == [("constraint-error", "ID Informasi"), ("constraint-error", "Jenis Informasi")]


def test_the_package_is_the_same_bytes_for_the_same_register(config, tmp_path: Path) -> None:
    a = _package(config, tmp_path / "a", fixture_register()).read_bytes()
    b = _package(config, tmp_path / "b", list(reversed(fixture_register()))).read_bytes()
    assert a == b
    c = _package(config, tmp_path / "c", [*fixture_register(), item(30)]).read_bytes()
    assert c != a
