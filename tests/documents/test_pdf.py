"""PDF copies through LibreOffice: the clear note when it is missing, one run for the batch."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from docs_util import TODAY, fixture_register

from ppid_batch.documents.nota_dinas import NotaDinas, write_nota_dinas
from ppid_batch.documents.pdf import NOT_INSTALLED, PdfResult, convert_to_pdf, find_soffice

pytestmark = [
    pytest.mark.slow,  # LibreOffice conversions
    pytest.mark.usefixtures("libreoffice_as_installed"),
]


@pytest.fixture
def drafts(config, tmp_path: Path) -> list[Path]:
    items = tuple(fixture_register()[:2])
    return [
        write_nota_dinas(
            NotaDinas(f"{n}/X/2025", TODAY, f"Unit {n}", items),
            config.letter,
            config.nota_dinas,
            tmp_path,
        )
        for n in (1, 2)
    ]


def _fake_soffice(folder: Path, body: str) -> Path:
    """A stand-in `soffice` on an otherwise empty PATH, recording how it was called."""
    folder.mkdir()
    exe = folder / "soffice"
    exe.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_not_installed_gives_one_clear_note(drafts, tmp_path: Path) -> None:
    empty = tmp_path / "kosong"
    empty.mkdir()
    result = convert_to_pdf(drafts, tmp_path / "pdf", search_path=str(empty))
    assert result.pdfs == ()
    assert [(n.type, n.severity, n.message) for n in result.notes] == [
        ("pdf_unavailable", "warning", NOT_INSTALLED)
    ]
    assert NOT_INSTALLED.startswith("Salinan PDF tidak dibuat: LibreOffice tidak terpasang")
    assert not (tmp_path / "pdf").exists()


def test_nothing_to_convert_needs_no_libreoffice(tmp_path: Path) -> None:
    assert convert_to_pdf([], tmp_path, search_path=str(tmp_path)) == PdfResult()


def test_one_process_for_the_whole_batch(drafts, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    # Writes a PDF for every input named after it, as soffice does, and logs each start.
    body = (
        f'echo start >> "{log}"\n'
        'out=""; prev=""\n'
        'for a in "$@"; do if [ "$prev" = "--outdir" ]; then out="$a"; fi; prev="$a"; done\n'
        'mkdir -p "$out"\n'
        'for a in "$@"; do case "$a" in *.docx) '
        'b=$(basename "$a" .docx); printf "%%PDF-1.7 fake" > "$out/$b.pdf";; esac; done\n'
    )
    fake = _fake_soffice(tmp_path / "bin", body)
    assert find_soffice(str(fake.parent)) == str(fake)
    result = convert_to_pdf(drafts, tmp_path / "pdf", search_path=str(fake.parent))
    assert log.read_text() == "start\n"
    assert [p.name for p in result.pdfs] == [d.with_suffix(".pdf").name for d in drafts]
    assert all(p.read_bytes() == b"%PDF-1.7 fake" for p in result.pdfs)
    assert result.notes == ()


def test_a_document_libreoffice_could_not_convert_is_named(drafts, tmp_path: Path) -> None:
    fake = _fake_soffice(tmp_path / "bin", "exit 1\n")
    result = convert_to_pdf(drafts, tmp_path / "pdf", search_path=str(fake.parent))
    assert result.pdfs == ()
    assert [n.message for n in result.notes] == [
        f"Salinan PDF untuk {d.name} tidak dapat dibuat oleh LibreOffice." for d in drafts
    ]


def test_a_hanging_libreoffice_is_stopped(drafts, tmp_path: Path) -> None:
    fake = _fake_soffice(tmp_path / "bin", "sleep 5\n")
    result = convert_to_pdf(drafts, tmp_path / "pdf", search_path=str(fake.parent), timeout=0.3)
    assert [n.message for n in result.notes] == [
        "Salinan PDF tidak dibuat: LibreOffice gagal dijalankan (terlalu lama)."
    ]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_real_libreoffice_converts_the_drafts(drafts, tmp_path: Path) -> None:
    result = convert_to_pdf(drafts, tmp_path / "pdf", timeout=180)
    assert result.notes == ()
    assert [p.name for p in result.pdfs] == [d.with_suffix(".pdf").name for d in drafts]
    for pdf in result.pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 5000
    # Only the PDFs: no temporary or lock file left where staff look.
    assert sorted(os.listdir(tmp_path / "pdf")) == sorted(p.name for p in result.pdfs)


def test_a_libreoffice_that_cannot_start_is_explained_in_indonesian(drafts, tmp_path: Path) -> None:
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\n", encoding="utf-8")
    broken.chmod(0o644)  # not executable: the start itself fails
    result = convert_to_pdf(drafts, tmp_path / "pdf", soffice=str(broken))
    assert result.pdfs == ()
    assert [n.message for n in result.notes] == [
        f"Salinan PDF tidak dibuat: LibreOffice gagal dijalankan (izin ditolak: {broken})."
    ]
