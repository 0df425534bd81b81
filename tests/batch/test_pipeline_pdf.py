"""`run --pdf`: PDF copies of the drafts, or a clear note when LibreOffice is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from batch_util import ATASAN, EXAMPLES, NIGHT_2, drop, make_workspace, run_cli

from ppid_batch.batch.demo import DECIDED_ON, fill_approval_sheet
from ppid_batch.documents.pdf import NOT_INSTALLED

pytestmark = pytest.mark.usefixtures("libreoffice_as_installed")


def _two_nights(tmp_path: Path, *args: str) -> Path:
    ws = make_workspace(tmp_path / "ws")
    drop(ws, [EXAMPLES / "Form-DIP-Keuangan-Umum-Logistik.xlsx"])
    assert run_cli(ws, *args).exit_code == 0
    (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    filled = tmp_path / "Persetujuan-diisi.xlsx"
    fill_approval_sheet(sheet, filled, atasan=ATASAN, day=DECIDED_ON)
    drop(ws, [filled])
    result = run_cli(ws, *args, now=NIGHT_2)
    assert result.exit_code == 0, result.output
    return ws


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_pdf_flag_writes_a_pdf_beside_every_draft(tmp_path: Path) -> None:
    ws = _two_nights(tmp_path, "--pdf")
    drafts = sorted((ws / "output" / "nota-dinas").glob("*.docx"))
    drafts += sorted((ws / "output" / "disposisi").glob("*.docx"))
    assert len(drafts) == 2  # one Nota Dinas for the one unit, one Disposisi for the sheet
    for draft in drafts:
        pdf = draft.with_suffix(".pdf")
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf
    # The morning's print pack: night 1 the sheet for the Atasan PPID; night 2 what the
    # sheet decided, in the order the PPID handles it, and nothing from night 1 again.
    from pypdf import PdfReader

    first = PdfReader(ws / "output/cetak/2026-11-23.pdf")
    assert "LEMBAR PERSETUJUAN" in first.pages[0].extract_text().upper()
    second = PdfReader(ws / "output/cetak/2026-11-24.pdf")
    texts = [page.extract_text().upper() for page in second.pages]
    kinds = [
        next((k for k in ("DISPOSISI", "KEPUTUSAN", "NOTA DINAS", "LEMBAR PERSETUJUAN")
              if k in text), "?")
        for text in texts
    ]  # fmt: skip
    assert kinds[0] == "DISPOSISI" and "NOTA DINAS" in kinds
    assert kinds.index("NOTA DINAS") > max(i for i, k in enumerate(kinds) if k == "DISPOSISI")
    assert "LEMBAR PERSETUJUAN" not in kinds  # every item decided: no new sheet tonight
    (record,) = sorted((ws / "output" / "runs").glob("20261124-*/run.json"))
    actions = json.loads(record.read_text(encoding="utf-8"))["actions"]
    assert any(a.startswith("Cetak output/cetak/2026-11-24.pdf: ") for a in actions)


@pytest.mark.slow
def test_pdf_without_libreoffice_is_a_note_in_the_run_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ws = _two_nights(tmp_path, "--pdf")
    assert not list((ws / "output").rglob("*.pdf"))
    (record,) = sorted((ws / "output" / "runs").glob("20261124-*/run.json"))
    assert NOT_INSTALLED in json.loads(record.read_text(encoding="utf-8"))["errors"]
    assert list((ws / "output" / "nota-dinas").glob("*.docx"))  # the drafts are still there
