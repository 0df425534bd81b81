"""The annual report's template: the bundled one is known good, an office's own is checked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document

from ppid_batch.config import DEFAULT_TEMPLATES, Config
from ppid_batch.documents.docx import check_template
from ppid_batch.errors import TemplateError
from ppid_batch.reports.facts import build_facts
from ppid_batch.reports.laporan import (
    SHIPPED_TEMPLATE_FINGERPRINT,
    TEMPLATE,
    TEMPLATE_VARIABLES,
    template_fingerprint,
    write_annual_report,
)


def test_the_bundled_report_template_passes_the_check_and_has_the_known_fingerprint() -> None:
    """write_annual_report trusts the bundled template by its fingerprint; it must pass the
    check itself. When the template, its variables or the check change, put the new
    fingerprint in SHIPPED_TEMPLATE_FINGERPRINT."""
    data = (DEFAULT_TEMPLATES / TEMPLATE).read_bytes()
    check_template(TEMPLATE, data, TEMPLATE_VARIABLES)
    assert template_fingerprint(data) == SHIPPED_TEMPLATE_FINGERPRINT
    assert template_fingerprint(data + b"\0") != SHIPPED_TEMPLATE_FINGERPRINT


def test_an_office_report_template_with_an_unknown_variable_is_named(
    config: Config, tmp_path: Path
) -> None:
    folder = tmp_path / "templat"
    folder.mkdir()
    doc = Document()
    doc.add_paragraph().add_run("Laporan {{ jumlah_informasii }}")
    buf = io.BytesIO()
    doc.save(buf)
    (folder / TEMPLATE).write_bytes(buf.getvalue())
    letter = dataclasses.replace(config.letter, templates_dir=folder)
    facts = build_facts(2025, items=(), today=dt.date(2026, 1, 15))
    with pytest.raises(TemplateError, match="laporan-tahunan.docx memakai variabel 'jumlah_inf"):
        write_annual_report(facts, letter, config.sop, tmp_path / "out", today=dt.date(2026, 1, 15))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("bad", [b"bukan dokumen word", b"PK\x03\x04 terpotong"])
def test_an_office_report_template_that_is_not_a_docx_stops_with_one_line(
    config: Config, tmp_path: Path, bad: bytes
) -> None:
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / TEMPLATE).write_bytes(bad)
    letter = dataclasses.replace(config.letter, templates_dir=folder)
    facts = build_facts(2025, items=(), today=dt.date(2026, 1, 15))
    with pytest.raises(TemplateError) as exc:
        write_annual_report(facts, letter, config.sop, tmp_path / "out", today=dt.date(2026, 1, 15))
    assert str(exc.value) == (
        "Templat laporan-tahunan.docx bukan berkas Word (.docx) yang sah; simpan ulang dari "
        "Word sebagai Dokumen Word (.docx)."
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_bundled_report_template_is_opened_only_to_render(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Known good by its fingerprint, it is not opened to be checked first (a docx parse a
    night); an office's copy is opened by the check, then to render."""
    from ppid_batch.documents import docx as docx_render

    opened: list[str] = []
    real = docx_render._docxtpl
    monkeypatch.setattr(docx_render, "_docxtpl", lambda data: opened.append("") or real(data))
    facts = build_facts(2025, items=(), today=dt.date(2026, 1, 15))
    path, _ = write_annual_report(
        facts, config.letter, config.sop, tmp_path / "a", today=dt.date(2026, 1, 15)
    )
    assert path.is_file() and len(opened) == 1
    folder = tmp_path / "templat"
    folder.mkdir()
    (folder / TEMPLATE).write_bytes((DEFAULT_TEMPLATES / TEMPLATE).read_bytes() + b"\0")
    letter = dataclasses.replace(config.letter, templates_dir=folder)
    opened.clear()
    path, _ = write_annual_report(
        facts, letter, config.sop, tmp_path / "b", today=dt.date(2026, 1, 15)
    )
    assert path.is_file() and len(opened) == 2
