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


def _rejected_form(ws: Path, name: str, day: str) -> dict:
    """A busy night whose only input is a form refused whole (a jenis not in the list)."""
    from store_util import form_row, write_form_xlsx

    form = write_form_xlsx(
        ws.parent / name, [form_row("Laporan yang jenisnya salah", jenis="Entah")]
    )
    drop(ws, [form])
    result = run_cli(ws, now=f"{day}T01:00")
    assert result.exit_code == 1, result.output
    return _record(ws, day)


@pytest.mark.slow
def test_a_sheet_still_waiting_keeps_its_name_and_is_handed_over_once(tmp_path: Path) -> None:
    from store_util import form_row, write_form_xlsx

    ws = make_workspace(tmp_path / "ws")
    form = write_form_xlsx(ws.parent / "hukum.xlsx", [form_row("Keputusan KPU Nomor 1")])
    drop(ws, [form])
    assert run_cli(ws, now="2026-11-23T01:00").exit_code == 0
    sheet = ws / "output/persetujuan/Lembar-Persetujuan-2026-11-23.xlsx"
    handed = (
        "1 informasi menunggu persetujuan Atasan PPID: serahkan "
        "output/persetujuan/Lembar-Persetujuan-2026-11-23.xlsx, lalu taruh lembar yang sudah "
        "diisi di input/."
    )
    assert handed in _record(ws, "2026-11-23")["actions"]
    before = _state(ws / "output")
    # Two busy nights and a quiet one later, the pending set is the same: the same sheet
    # (name, bytes, file), not in 'Hasil', not handed over again; still open every morning.
    for day, name in (("2026-11-24", "a.xlsx"), ("2026-11-26", "b.xlsx")):
        record = _rejected_form(ws, name, day)
        assert sorted(p.name for p in sheet.parent.iterdir()) == [sheet.name]
        assert (
            _state(ws / "output")[f"persetujuan/{sheet.name}"]
            == before[f"persetujuan/{sheet.name}"]
        )
        assert not any("persetujuan" in o for o in record["outputs"])
        assert not any("menunggu persetujuan" in a for a in record["actions"])
        assert record["open"] == [
            f"1 informasi menunggu persetujuan Atasan PPID (output/persetujuan/{sheet.name})."
        ]
    # A new item makes a new sheet (next number, tonight's date), handed over once.
    form = write_form_xlsx(ws.parent / "hukum2.xlsx", [form_row("Keputusan KPU Nomor 2")])
    drop(ws, [form])
    assert run_cli(ws, now="2026-11-27T01:00").exit_code == 0
    record = _record(ws, "2026-11-27")
    new = "output/persetujuan/Lembar-Persetujuan-2026-11-27.xlsx"
    assert [o for o in record["outputs"] if "persetujuan" in o] == [new]
    assert sorted(p.name for p in sheet.parent.iterdir()) == [Path(new).name]
    assert sum("menunggu persetujuan" in a for a in record["actions"]) == 1


def _add_to_toml(ws: Path, text: str) -> None:
    toml = ws / "ppid.toml"
    toml.write_text(toml.read_text("utf-8") + text, encoding="utf-8")


@pytest.mark.slow
def test_the_dip_is_signed_by_the_ppid_serving_on_its_date(tmp_path: Path) -> None:
    """A new PPID from 25 November: the standing DIP (as of 24 November) keeps its signer and
    its bytes; a name corrected in place is a correction, rewritten at the same date; the
    next change of the DIP is dated then and signed by the new PPID."""
    from store_util import fill_approval_sheet, form_row, write_form_xlsx

    ws = make_workspace(tmp_path / "ws")
    _two_nights(ws)
    page = ws / "output/register/Daftar-Informasi-Publik-2026.html"
    dated = page.read_text("utf-8")
    assert "NAMA PPID (ganti)" in dated and "Mesuji, 24 November 2026" in dated
    before = _state(ws / "output/register")

    _add_to_toml(
        ws,
        '\n[[pejabat]]\nperan = "ppid"\nnama = "Hj. Siti Aminah, S.H."\n'
        'jabatan = "Sekretaris KPU Kabupaten Mesuji selaku PPID"\nberlaku_dari = 2026-11-25\n',
    )
    record = _rejected_form(ws, "a.xlsx", "2026-11-25")
    assert _state(ws / "output/register") == before  # the DIP of 24 November, as it was
    assert not any(o.startswith("output/register/") for o in record["outputs"])

    # The standing entry's name corrected in place: ppid.toml says it was always so.
    toml = ws / "ppid.toml"
    toml.write_text(
        toml.read_text("utf-8").replace('nama = "NAMA PPID (ganti)"', 'nama = "Drs. Budi Lama"'),
        encoding="utf-8",
    )
    record = _rejected_form(ws, "b.xlsx", "2026-11-26")
    text = page.read_text("utf-8")
    assert "Drs. Budi Lama" in text and "Mesuji, 24 November 2026" in text
    assert "Hj. Siti Aminah" not in text
    assert "output/register/Daftar-Informasi-Publik-2026.html" in record["outputs"]

    # The next change of the DIP: dated by its approval, signed by the PPID serving then.
    form = write_form_xlsx(ws.parent / "hukum4.xlsx", [form_row("Keputusan KPU Nomor 4")])
    drop(ws, [form])
    assert run_cli(ws, now="2026-11-27T01:00").exit_code == 0
    (sheet,) = (ws / "output/persetujuan").glob("*.xlsx")
    drop(ws, [fill_approval_sheet(sheet, ws.parent / "l2.xlsx", {"DIP-2025-0004": ("YA", None)})])
    assert run_cli(ws, now="2026-11-28T01:00").exit_code == 0
    text = page.read_text("utf-8")
    assert "Hj. Siti Aminah, S.H." in text and "Drs. Budi Lama" not in text
    assert "Mesuji, 28 November 2026" in text
