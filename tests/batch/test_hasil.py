"""The morning's 'Hasil' lists only what the night created or changed; unchanged outputs
are not rewritten (same inode, same modification time), and the print pack takes only
the documents the night made, with or without PDF copies."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from batch_util import drop, make_workspace, run_cli

from ppid_batch.batch.hasil import OutputWatch, unfinished_since
from ppid_batch.documents.print_pack import no_libreoffice_note


def _state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Relative path → (bytes, inode, mtime_ns) of every output but the run records."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith("runs/"):
            st = path.stat()
            out[rel] = (path.read_bytes(), st.st_ino, st.st_mtime_ns)
    return out


def _record(ws: Path, day: str) -> dict:
    (path,) = (ws / "output/runs").glob(f"{day.replace('-', '')}-*/run.json")
    return json.loads(path.read_text("utf-8"))


def _two_nights(ws: Path) -> None:
    """Night 1: three Hukum items. Night 2: the Atasan approves two, refuses one."""
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    form = write_form_xlsx(
        ws.parent / "hukum.xlsx", [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2, 3)]
    )
    drop(ws, [form])
    assert run_cli(ws, now="2026-11-23T01:00").exit_code == 0
    (sheet,) = (ws / "output/persetujuan").glob("*.xlsx")
    decisions = {
        "DIP-2025-0001": ("TIDAK", "Lengkapi tautan"),
        "DIP-2025-0002": ("YA", None),
        "DIP-2025-0003": ("YA", None),
    }
    drop(ws, [fill_approval_sheet(sheet, ws.parent / "l1.xlsx", decisions)])
    result = run_cli(ws, now="2026-11-24T01:00")
    assert result.exit_code == 0, result.output


def _new_form(ws: Path, n: int, day: str) -> dict:
    from store_util import form_row, write_form_xlsx

    form = write_form_xlsx(
        ws.parent / f"keu{n}.xlsx",
        [form_row(f"Laporan Keuangan Triwulan {n}")],
        unit="Subbagian Keuangan",
    )
    drop(ws, [form])
    result = run_cli(ws, now=f"{day}T01:00")
    assert result.exit_code == 0, result.output
    return _record(ws, day)


@pytest.mark.slow
def test_a_night_that_changes_no_published_list_rewrites_none_and_lists_only_what_changed(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws")
    _two_nights(ws)
    before = _state(ws / "output")
    record = _new_form(ws, 3, "2026-11-25")
    after = _state(ws / "output")

    untouched = [
        "register/Daftar-Informasi-Publik-2026.xlsx",
        "register/Daftar-Informasi-Publik-2026.html",
        "register/Daftar-Informasi-Publik-2026.csv",
        "register/Daftar-Informasi-Publik-2026.json",
        "register/Daftar-Informasi-Publik-2026.datapackage.json",
        "register/Daftar-Usulan-Informasi-Dikecualikan-2026.xlsx",
        "umpan-balik/Arahan-subbagian-hukum.xlsx",
    ]
    untouched += [k for k in before if k.startswith(("disposisi/", "nota-dinas/", "keputusan/"))]
    assert len(untouched) > 9
    for rel in untouched:
        assert after[rel] == before[rel], rel  # same bytes, same file, same mtime
    # 'Hasil' is exactly what is new or different tonight
    changed = {k for k in after if before.get(k) != after[k]}
    assert {o.removeprefix("output/") for o in record["outputs"]} == changed
    assert "persetujuan/Lembar-Persetujuan-2026-11-25.xlsx" in changed
    assert not any(k.startswith(("register/", "umpan-balik/")) for k in changed)
    # the DIP is dated by its last change (night 2), not by tonight
    page = (ws / "output/register/Daftar-Informasi-Publik-2026.html").read_text("utf-8")
    assert "24 November 2026" in page and "25 November 2026" not in page
    # the register's own 'open' still names the sheet to hand over
    assert record["open"] == [
        "1 informasi menunggu persetujuan Atasan PPID "
        "(output/persetujuan/Lembar-Persetujuan-2026-11-25.xlsx)."
    ]
    # no LibreOffice (the tests turn it off): no pack, one line saying what to print instead
    assert not (ws / "output/cetak").exists()
    line = no_libreoffice_note([ws / "output/persetujuan/Lembar-Persetujuan-2026-11-25.xlsx"])
    assert record["actions"].count(line) == 1
    assert not any("LibreOffice" in e for e in record["errors"])


@pytest.mark.slow
@pytest.mark.usefixtures("libreoffice_as_installed")
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_the_print_pack_is_made_without_pdf_copies_and_holds_only_tonights_documents(
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    ws = make_workspace(tmp_path / "ws")
    _two_nights(ws)
    assert not list((ws / "output").glob("[!c]*/*.pdf"))  # pdf = false: no PDF copies
    second = PdfReader(ws / "output/cetak/2026-11-24.pdf")
    texts = [p.extract_text().upper() for p in second.pages]
    kinds = [
        next((k for k in ("DISPOSISI", "KEPUTUSAN", "NOTA DINAS", "LEMBAR PERSETUJUAN")
              if k in t), "?")
        for t in texts
    ]  # fmt: skip
    assert kinds[0] == "DISPOSISI" and {"KEPUTUSAN", "NOTA DINAS"} <= set(kinds)
    assert kinds.index("NOTA DINAS") > kinds.index("KEPUTUSAN") > 0
    assert "LEMBAR PERSETUJUAN" not in kinds  # every item decided: no sheet tonight
    assert "Cetak output/cetak/2026-11-24.pdf" in " ".join(_record(ws, "2026-11-24")["actions"])

    # Night 3 makes only a new sheet: the pack is that sheet, nothing of night 2 again.
    record = _new_form(ws, 3, "2026-11-25")
    third = PdfReader(ws / "output/cetak/2026-11-25.pdf")
    texts = [p.extract_text().upper() for p in third.pages]
    assert all("LEMBAR PERSETUJUAN ATASAN PPID" in t for t in texts)
    assert not any(k in t for t in texts for k in ("NOTA DINAS", "KEPUTUSAN PPID"))
    assert "output/cetak/2026-11-25.pdf" in record["outputs"]


def test_the_watch_tells_created_changed_and_untouched_files_apart(tmp_path: Path) -> None:
    from ppid_batch.files import atomic_write_bytes

    out = tmp_path / "output"
    same = atomic_write_bytes(out / "register/a.csv", b"1")
    other = atomic_write_bytes(out / "register/b.csv", b"1")
    atomic_write_bytes(out / "runs/x/run.json", b"{}")
    watch = OutputWatch.of(out)
    assert out / "runs/x/run.json" not in watch.before  # run records are not outputs
    atomic_write_bytes(same, b"1")  # the same bytes: left alone
    atomic_write_bytes(other, b"2")
    new = atomic_write_bytes(out / "cetak/c.pdf", b"%PDF")
    assert not watch.changed(same) and watch.changed(other) and watch.changed(new)
    assert watch.created(new) and not watch.created(other)
    assert watch.new_or_changed([same, new, other, new]) == (new, other)


def test_a_killed_nights_files_count_as_the_repairing_nights_own(tmp_path: Path) -> None:
    out = tmp_path / "output"
    old = out / "nota-dinas/Nota-1.docx"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    earlier = time.time() - 3600
    os.utime(old, (earlier, earlier))
    killed_at = dt.datetime.now().astimezone() - dt.timedelta(seconds=5)
    made = out / "nota-dinas/Nota-2.docx"
    made.write_bytes(b"made by the killed night")
    previous = {"status": "running", "pid_started": killed_at.isoformat()}
    since = unfinished_since(previous)
    assert since == killed_at
    watch = OutputWatch.of(out, since=since)
    assert watch.created(made) and not watch.created(old)
    assert unfinished_since({**previous, "status": "complete"}) is None
    assert unfinished_since({"status": "running", "pid_started": "rusak"}) is None
