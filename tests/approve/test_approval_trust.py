"""The approval sheet as an attacker sees it: forged, stale, tampered, padded, foreign, mis-signed.

Every case is a real .xlsx read by the real reader and checked against a real register.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from store_util import cells, fill_approval_sheet, form_row, write_form_xlsx

from ppid_batch.approve.apply import apply_approval, check_approval
from ppid_batch.approve.identity import SECRET_NAME, fingerprint, shown_fingerprint
from ppid_batch.approve.issuing import write_issued_sheet
from ppid_batch.approve.verify import name_key
from ppid_batch.batch.workspace import init_workspace
from ppid_batch.cli import cli
from ppid_batch.config import Config
from ppid_batch.config_file import load_config
from ppid_batch.forms.validate import validate_file
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store
from ppid_batch.store.nota_dinas import nota_dinas_list

ATASAN = "Drs. Ahmad Fauzi, M.Si."
CLERK = "Rina Marlina"
ISSUED = dt.date(2025, 3, 12)
SIGNED = dt.date(2025, 3, 14)
NEXT = dt.date(2025, 3, 15)


def signed_by(config: Config, name: str = ATASAN) -> Config:
    toml = config.workspace / "ppid.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(config.atasan_ppid.nama, name), encoding="utf-8"
    )
    return load_config(config.workspace)


def register(store: Store, path: Path, received: dt.date = ISSUED) -> None:
    report = validate_file(path)
    assert report.ok, report.to_json()
    register_form(store, report, received=received, run_id=None)


def seed(config: Config, store: Store) -> Path:
    """Three Hukum items and one Teknis item pending; tonight's sheet issued."""
    inbox = config.input_dir
    register(
        store,
        write_form_xlsx(
            inbox / "Form-DIP-Hukum.xlsx",
            [
                form_row("Laporan Keuangan Triwulan I"),
                form_row("Rencana Kerja Tahun 2025", jenis="Setiap Saat"),
                form_row("Daftar Arsip Pengadaan"),
            ],
        ),
    )
    register(
        store,
        write_form_xlsx(
            inbox / "Form-DIP-Teknis.xlsx",
            [form_row("Daftar Pemilih Tetap Pemilihan 2024")],
            unit="Subbagian Teknis",
            petugas="Budi Santoso",
        ),
    )
    sheet = write_issued_sheet(
        store, store.items(), config, config.output_dir / "persetujuan", today=ISSUED
    )
    assert sheet is not None
    return sheet


@pytest.fixture
def office(config: Config):
    cfg = signed_by(config)
    with Store.open(cfg.database_url) as store:
        sheet = seed(cfg, store)
        yield cfg, store, sheet


ALL_YES = {f"DIP-2025-000{n}": ("YA", None) for n in range(1, 5)}


def fill(sheet: Path, out: Path, decisions=ALL_YES, **kw) -> Path:  # type: ignore[no-untyped-def]
    kw.setdefault("atasan", ATASAN)
    kw.setdefault("tanggal", SIGNED)
    return fill_approval_sheet(sheet, out, decisions, **kw)


def edit(path: Path, **values: object) -> Path:
    """Change cells of a saved workbook as anyone can in Excel (protection has no password)."""
    wb = openpyxl.load_workbook(path)
    for ref, value in values.items():
        wb.active[ref] = value
    wb.save(path)
    return path


def statuses(store: Store) -> dict[str, str]:
    return {i.id: i.status for i in store.items()}


def apply(store: Store, config: Config, path: Path):  # type: ignore[no-untyped-def]
    return apply_approval(store, validate_file(path), run_id=None, received=NEXT, config=config)


def test_the_issued_sheet_shows_its_number_date_code_and_fingerprints(office) -> None:
    config, store, sheet = office
    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    assert rows[3][:2] == ["Nomor Lembar", "LP-2025-0001"]
    assert rows[4][:2] == ["Tanggal Dibuat", ISSUED]
    assert rows[7][0] == "Kode Keutuhan" and len(rows[7][1]) == 29  # 24 hex in groups of 4
    first = store.item("DIP-2025-0001")
    assert first is not None and rows[11][10] == shown_fingerprint(fingerprint(first))
    # the secret stays in var/, never in output/ and never on the sheet
    secret = (config.var_dir / SECRET_NAME).read_text("ascii").strip()
    assert len(secret) == 64
    assert (config.var_dir / SECRET_NAME).stat().st_mode & 0o077 == 0
    for path in config.output_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes()
    assert secret not in json.dumps(rows, default=str)


def test_a_sheet_made_from_scratch_is_refused_whole(office, tmp_path: Path) -> None:
    config, store, _ = office
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Lembar Persetujuan Atasan PPID"
    ws["A3"], ws["B3"] = "Nama Atasan PPID", CLERK
    ws["A4"], ws["B4"] = "Tanggal Persetujuan", SIGNED
    for col, label in enumerate(["ID Informasi", "Unit Kerja", "Persetujuan", "Arahan"], 1):
        ws.cell(6, col, label)
    for n in range(1, 4):
        ws.cell(6 + n, 1, f"DIP-2025-000{n}")
        ws.cell(6 + n, 3, "YA")
    forged = tmp_path / "Lembar-Persetujuan-buatan.xlsx"
    wb.save(forged)
    out = apply(store, config, forged)
    assert out.status == "rejected" and out.decided_ids == ()
    assert [f.type for f in out.report.errors] == ["sheet_unissued"]  # one reason
    assert "hanya Lembar Persetujuan yang dibuat proses malam" in out.report.errors[0].message
    assert set(statuses(store).values()) == {"pending"}
    assert store.decisions() == []


def test_the_same_sheet_with_its_identity_copied_but_a_clerk_signing_is_refused(office) -> None:
    config, store, sheet = office
    filled = fill(sheet, config.input_dir / "isi.xlsx", atasan=CLERK)
    out = apply(store, config, filled)
    assert out.status == "rejected"
    (error,) = out.report.errors
    assert (error.type, error.field) == ("signer", "atasan")
    assert error.message.startswith(
        f"Nama Atasan PPID '{CLERK}' bukan pejabat yang berwenang menyetujui pada 14 Maret 2025"
    )
    assert store.decisions() == []


def test_the_atasan_is_recognised_without_titles_case_or_spacing(office) -> None:
    config, store, sheet = office
    filled = fill(sheet, config.input_dir / "isi.xlsx", atasan="  ahmad   FAUZI ")
    assert apply(store, config, filled).decided_ids == tuple(ALL_YES)
    assert (
        name_key("Dr. H. Ahmad Fauzi, S.H., M.Si.")
        == name_key("AHMAD FAUZI S.H.")
        == ("ahmad fauzi")
    )


def test_a_plh_signs_only_within_their_dates(office) -> None:
    config, store, sheet = office
    plh = dataclasses.replace(
        config.atasan_ppid,
        nama="Siti Aminah, S.Sos.",
        berlaku_dari=dt.date(2025, 3, 10),
        berlaku_sampai=dt.date(2025, 3, 14),
    )
    with_plh = dataclasses.replace(config, officers=(*config.officers, plh))
    late = fill(sheet, config.input_dir / "terlambat.xlsx", atasan="Siti Aminah", tanggal=NEXT)
    out = apply(store, with_plh, late)
    assert [f.type for f in out.report.errors] == ["signer"]
    assert "Siti Aminah, S.Sos." not in out.report.errors[0].message  # not allowed on the 15th
    in_time = fill(sheet, config.input_dir / "tepat.xlsx", atasan="Siti Aminah")
    assert apply(store, with_plh, in_time).decided_ids == tuple(ALL_YES)
    assert store.item("DIP-2025-0001").atasan == "Siti Aminah"  # type: ignore[union-attr]


def test_an_old_copy_does_not_approve_what_changed_after_it_was_issued(office) -> None:
    config, store, sheet = office
    filled = fill(sheet, config.input_dir / "isi.xlsx")
    # the unit changes DIP-2025-0001 by its ID after the sheet was printed
    register(
        store,
        write_form_xlsx(
            config.input_dir / "Form-DIP-Hukum-ubah.xlsx",
            [
                form_row(
                    "Laporan Keuangan Triwulan I (revisi)",
                    id="DIP-2025-0001",
                    jenis="Dikecualikan",
                    dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
                )
            ],
        ),
        received=SIGNED,
    )
    out = apply(store, config, filled)
    assert out.status == "applied"
    assert out.decided_ids == ("DIP-2025-0002", "DIP-2025-0003", "DIP-2025-0004")
    (stale,) = out.skipped
    assert (stale.cell, stale.type) == ("H12", "stale")
    assert "DIP-2025-0001 berubah sejak lembar dibuat" in stale.message
    assert "Jenis Informasi: Berkala → Dikecualikan" in stale.message
    assert statuses(store)["DIP-2025-0001"] == "pending"
    # validate says so before anything is applied
    result = CliRunner().invoke(
        cli, ["validate", "--workspace", str(config.workspace), str(filled)]
    )
    assert "berubah sejak lembar dibuat" in result.output
    # the next sheet lists it again, with a new number, marked with old → new
    again = write_issued_sheet(store, store.items(), config, sheet.parent, today=NEXT)
    assert again is not None
    rows = CalamineWorkbook.from_path(str(again)).get_sheet_by_index(0).to_python()
    assert rows[3][1] == "LP-2025-0002"
    (row,) = [r for r in rows[11:] if r[0] == "DIP-2025-0001"]
    assert row[6].startswith("BERUBAH sejak lembar LP-2025-0001: ")
    assert "Ringkasan Isi Informasi: Laporan Keuangan Triwulan I → Laporan Keuangan " in row[6]
    assert "Jenis Informasi: Berkala → Dikecualikan" in row[6]


def test_edited_ids_fingerprints_and_added_rows_are_refused_row_by_row(office) -> None:
    config, store, sheet = office
    # an item created after the sheet was printed
    register(
        store,
        write_form_xlsx(config.input_dir / "baru.xlsx", [form_row("Informasi Susulan")]),
        received=SIGNED,
    )
    late = store.item("DIP-2025-0005")
    assert late is not None
    filled = fill(sheet, config.input_dir / "isi.xlsx")
    edit(
        filled,
        A12="DIP-2025-0005",  # the ID of the first row typed over
        K13="0000AAAA0000",  # a fingerprint edited
        A16="DIP-2025-0005",  # a row added by hand, with the right fingerprint even
        H16="YA",
        K16=shown_fingerprint(fingerprint(late)),
    )
    out = apply(store, config, filled)
    assert out.status == "applied"
    assert cells(out.skipped) == [
        ("A12", "id", "not_issued"),
        ("K13", "sidik", "fingerprint"),
        ("A16", "id", "not_issued"),
    ]
    assert out.skipped[0].message.startswith(
        "DIP-2025-0005 tidak tercantum pada lembar LP-2025-0001 saat lembar dibuat"
    )
    assert out.decided_ids == ("DIP-2025-0003", "DIP-2025-0004")
    assert statuses(store)["DIP-2025-0005"] == "pending"


def test_a_duplicated_row_with_another_decision_does_not_apply(office) -> None:
    config, store, sheet = office
    filled = fill(sheet, config.input_dir / "isi.xlsx")
    edit(filled, A16="DIP-2025-0002", H16="TIDAK", I16="Tolak", K16="x")
    out = apply(store, config, filled)
    # the copy is refused (its fingerprint cell is not the issued one); the original row applies
    assert ("A16", "id") in [(c, f) for c, f, _ in cells(out.skipped)] or (
        "K16",
        "sidik",
    ) in [(c, f) for c, f, _ in cells(out.skipped)]
    assert statuses(store)["DIP-2025-0002"] == "approved"


def test_an_exact_copy_of_a_row_with_another_decision_is_refused(office) -> None:
    config, store, sheet = office
    filled = fill(sheet, config.input_dir / "isi.xlsx")
    first = store.item("DIP-2025-0002")
    assert first is not None
    edit(filled, A16="DIP-2025-0002", H16="TIDAK", I16="Tolak",
         K16=shown_fingerprint(fingerprint(first)))  # fmt: skip
    out = apply(store, config, filled)
    assert ("A16", "id", "duplicate_id") in cells(out.skipped)
    assert statuses(store)["DIP-2025-0002"] == "approved"


def test_a_sheet_of_another_workspace_is_refused(office, tmp_path: Path) -> None:
    config, store, _ = office
    other_ws = tmp_path / "kantor-lain"
    init_workspace(other_ws)
    other = signed_by(load_config(other_ws))
    with Store.open(other.database_url) as other_store:
        foreign = seed(other, other_store)  # the very same items, IDs and number
    filled = fill(foreign, config.input_dir / "dari-kantor-lain.xlsx")
    out = apply(store, config, filled)
    assert out.status == "rejected"
    assert [(f.type, f.field) for f in out.report.errors] == [("sheet_code", "kode_keutuhan")]
    assert store.decisions() == []


@pytest.mark.parametrize(
    ("cell", "value", "slug"),
    [
        ("B4", "LP-2025-0009", "sheet_unknown"),
        ("B5", dt.datetime(2025, 3, 1), "sheet_code"),
        ("B8", "0000-1111-2222-3333-4444-5555", "sheet_code"),
        ("B4", None, "sheet_unissued"),
    ],
)
def test_an_edited_identity_refuses_the_whole_sheet(office, cell, value, slug) -> None:
    config, store, sheet = office
    filled = edit(fill(sheet, config.input_dir / "isi.xlsx"), **{cell: value})
    out = apply(store, config, filled)
    assert out.status == "rejected" and [f.type for f in out.report.errors] == [slug]
    assert store.decisions() == []


def test_the_atasan_changes_on_a_yes_row_are_applied_and_recorded(office) -> None:
    config, store, sheet = office
    filled = fill(
        sheet,
        config.input_dir / "isi.xlsx",
        {"DIP-2025-0001": ("YA", "Unggah segera"), "DIP-2025-0002": ("TIDAK", "Lengkapi")},
    )
    edit(
        filled,
        C12="Laporan Keuangan Triwulan I Tahun 2025",
        D12="setiap saat",
        D13="Dikecualikan",  # on a TIDAK row: reported, not applied
    )
    out = apply(store, config, filled)
    assert out.decided_ids == ("DIP-2025-0001", "DIP-2025-0002")
    assert cells(out.report.warnings) == [("D13", "jenis", "edit_not_applied")]
    changed = store.item("DIP-2025-0001")
    assert changed is not None
    assert (changed.ringkasan, changed.jenis, changed.arahan) == (
        "Laporan Keuangan Triwulan I Tahun 2025",
        "Setiap Saat",
        "Unggah segera",
    )
    assert store.item("DIP-2025-0002").jenis == "Setiap Saat"  # type: ignore[union-attr]
    (history,) = store.history("DIP-2025-0001")
    assert history["old_values"]["jenis"] == "Berkala"
    (event,) = store.events(action="item_changed_by_atasan")
    assert (event["actor"], event["detail"]["fields"]) == (ATASAN, ["jenis", "ringkasan"])
    decision = store.decisions("DIP-2025-0001")[0]
    assert json.loads(decision["changes"])["jenis"] == ["Berkala", "Setiap Saat"]


def test_an_atasan_change_that_breaks_a_form_rule_is_a_cell_error(office) -> None:
    config, store, sheet = office
    filled = edit(
        fill(sheet, config.input_dir / "isi.xlsx"),
        D12="Dikecualikan",  # without a Dasar Hukum Pengecualian
        E13="Papirus",  # not a Bentuk
        C14="Ab",  # too short a ringkasan
    )
    out = apply(store, config, filled)
    found = cells(out.skipped)
    # Dikecualikan needs its dasar hukum (a cell on the sheet), and the fields the form
    # requires with it that the sheet does not show (konsekuensi, jangka waktu): at Jenis.
    assert found[0] == ("F12", "dasar_pengecualian", "required_if")
    assert set(found[1:-2]) == {("D12", "jenis", "required_if")} and len(found) >= 4
    assert found[-2:] == [("E13", "bentuk", "choice"), ("C14", "ringkasan", "length")]
    print([f.message for f in out.skipped])
    assert any("Konsekuensi Jika Dibuka wajib diisi" in f.message for f in out.skipped)
    assert out.decided_ids == ("DIP-2025-0004",)
    assert store.item("DIP-2025-0001").jenis == "Berkala"  # type: ignore[union-attr]


def test_validate_says_genuine_or_forged(office, tmp_path: Path) -> None:
    config, store, sheet = office
    args = ["validate", "--workspace", str(config.workspace)]
    good = fill(sheet, config.input_dir / "isi.xlsx")
    result = CliRunner().invoke(cli, [*args, str(good)])
    assert result.exit_code == 0, result.output
    assert "Lembar LP-2025-0001: asli" in result.output
    bad = edit(fill(sheet, tmp_path / "ubah.xlsx"), B8="AAAA")
    result = CliRunner().invoke(cli, [*args, str(bad)])
    assert result.exit_code == 1
    assert "TIDAK ASLI" in result.output
    assert store.decisions() == []  # validate applies nothing
    check = check_approval(store, validate_file(bad), config=config)
    assert [f.type for f in check.errors] == ["sheet_code"]


def test_a_change_by_another_petugas_is_marked_on_the_next_sheet(office) -> None:
    config, store, sheet = office
    register(
        store,
        write_form_xlsx(
            config.input_dir / "Form-DIP-Hukum-Joko.xlsx",
            [form_row("Rencana Kerja Tahun 2025 (perubahan)", id="DIP-2025-0002")],
            petugas="Joko Susilo",
        ),
        received=SIGNED,
    )
    register(  # the item's own petugas corrects another: no mark
        store,
        write_form_xlsx(
            config.input_dir / "Form-DIP-Hukum-Rina.xlsx",
            [form_row("Daftar Arsip Pengadaan Barang", id="DIP-2025-0003")],
        ),
        received=SIGNED,
    )
    again = write_issued_sheet(store, store.items(), config, sheet.parent, today=NEXT)
    assert again is not None
    rows = CalamineWorkbook.from_path(str(again)).get_sheet_by_index(0).to_python()
    notes = {r[0]: r[6] for r in rows[11:]}
    assert notes["DIP-2025-0002"].endswith(
        "Diubah oleh Joko Susilo dari berkas Form-DIP-Hukum-Joko.xlsx (sebelumnya diajukan "
        "oleh Rina Marlina)."
    )
    assert "Diubah oleh" not in notes["DIP-2025-0003"]
    assert notes["DIP-2025-0003"].startswith("BERUBAH sejak lembar LP-2025-0001")


def test_the_unit_kerja_must_be_one_of_the_offices_units(config: Config, tmp_path: Path) -> None:
    from ppid_batch.forms.units import check_unit, match_unit

    units = ("Subbagian Keuangan, Umum dan Logistik", "Subbagian Hukum dan SDM")
    assert match_unit("keuangan umum & logistik", units) == units[0]
    assert match_unit("SUBBAG.  Hukum dan SDM", units) == units[1]
    assert match_unit("Sub Bagian Hukum dan SDM", units) == units[1]
    assert match_unit("Subbagian Teknis", units) is None
    toml = config.workspace / "ppid.toml"
    toml.write_text(
        toml.read_text("utf-8").replace(
            "\n[[pejabat]]\n", "\nunit = " + json.dumps(list(units)) + "\n\n[[pejabat]]\n", 1
        ),
        "utf-8",
    )
    cfg = load_config(config.workspace)
    assert cfg.units == units
    good = write_form_xlsx(tmp_path / "ok.xlsx", [form_row("Laporan Keuangan")],
                           unit="Hukum dan SDM")  # fmt: skip
    assert check_unit(validate_file(good), cfg.units).meta["unit"] == units[1]
    other = write_form_xlsx(tmp_path / "lain.xlsx", [form_row("Laporan Keuangan")],
                            unit="Subbagian Teknis")  # fmt: skip
    result = CliRunner().invoke(cli, ["validate", "--workspace", str(cfg.workspace), str(other)])
    assert result.exit_code == 1
    assert "Unit Kerja / Subbagian 'Subbagian Teknis' bukan unit kantor ini" in result.output


# ---- the night: several sheets, the approval folder, the morning summary ----


def _night_one(tmp_path: Path) -> tuple[Path, Path]:
    from batch_util import drop, make_workspace, run_cli

    ws = make_workspace(tmp_path / "ws")
    hukum = write_form_xlsx(
        tmp_path / "Form-DIP-Hukum.xlsx",
        [form_row(f"Keputusan KPU Mesuji Nomor {n}") for n in (1, 2, 3)],
    )
    teknis = write_form_xlsx(
        tmp_path / "Form-DIP-Teknis.xlsx",
        [form_row("Daftar Pemilih Tetap Pemilihan 2024")],
        unit="Subbagian Teknis",
        petugas="Budi Santoso",
    )
    drop(ws, [hukum, teknis])
    assert run_cli(ws).exit_code == 0
    (generated,) = (ws / "output" / "persetujuan").glob("*.xlsx")
    kept = tmp_path / "lembar-kosong.xlsx"  # the Atasan's copy; output/ is remade nightly
    kept.write_bytes(generated.read_bytes())
    return ws, kept


@pytest.mark.slow
def test_two_sheets_one_night_conflicts_forgeries_and_one_nota_dinas_per_unit(
    tmp_path: Path,
) -> None:
    from batch_util import ATASAN as SIGNER
    from batch_util import drop, run_cli

    ws, blank = _night_one(tmp_path)
    a = fill_approval_sheet(
        blank,
        tmp_path / "lembar-a.xlsx",
        {
            "DIP-2025-0001": ("YA", "Unggah ke laman"),
            "DIP-2025-0002": ("YA", None),
            "DIP-2025-0004": ("TIDAK", "Lengkapi"),
        },
        atasan=SIGNER,
    )
    b = fill_approval_sheet(
        blank,
        tmp_path / "lembar-b.xlsx",
        {"DIP-2025-0003": ("YA", None), "DIP-2025-0004": ("YA", None)},
        atasan=SIGNER,
    )
    forged = edit(fill(blank, tmp_path / "lembar-c.xlsx"), B8="1234-5678")
    drop(ws, [a, b, forged])
    result = run_cli(ws, now="2026-11-24T01:00:00")
    assert result.exit_code == 1, result.output
    out = result.output
    # the morning says who signed which sheet, and how much
    assert (
        f"lembar LP-2026-0001, ditandatangani {SIGNER} (23 November 2026): 2 disetujui, "
        "0 tidak disetujui, 1 belum diputus" in out
    )
    assert "Kode Keutuhan lembar LP-2026-0001 tidak cocok" in out
    record = json.loads(next((ws / "output" / "runs").glob("20261124-*/run.json")).read_text())
    by_name = {i["name"]: i for i in record["inputs"]}
    (conflict_a,) = [e for e in by_name["lembar-a.xlsx"]["errors"] if e["row"] == 15]
    assert conflict_a["message"].startswith(
        "DIP-2025-0004 diputuskan berbeda pada lembar lembar-b.xlsx malam ini"
    )
    assert [e["type"] for e in by_name["lembar-b.xlsx"]["errors"]] == ["conflicting_sheets"]
    # refused sheets still get their corrected copy
    feedback = ws / "output" / "umpan-balik"
    assert (feedback / "lembar-c-koreksi.xlsx").is_file()
    assert record["counts"]["disetujui_malam_ini"] == 3
    assert record["counts"]["ditolak_atasan_malam_ini"] == 0
    with Store.open(f"sqlite:///{ws / 'var' / 'ppid.sqlite'}") as store:
        assert statuses(store) == {
            "DIP-2025-0001": "approved",
            "DIP-2025-0002": "approved",
            "DIP-2025-0003": "approved",
            "DIP-2025-0004": "pending",
        }
        notas = nota_dinas_list(store)
    # one Nota Dinas for the unit, although two sheets approved its items
    assert [(n["unit"], n["item_ids"]) for n in notas] == [
        ("Subbagian Hukum", ["DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003"])
    ]
    from docs_util import docx_text as text_of

    (disposisi_a,) = (ws / "output" / "disposisi").glob("*lembar-a*.docx")
    lines = text_of(disposisi_a.read_bytes()).splitlines()
    assert "| Disetujui (YA) | : | 2 informasi |" in lines
    assert "| Menunggu persetujuan | : | 1 informasi |" in lines  # the count the console said
    assert "| Tidak diterapkan | : | 1 baris (lihat ringkasan proses) |" in lines
    (nota,) = (ws / "output" / "nota-dinas").glob("*.docx")
    assert "| 1 | DIP-2025-0001 | Keputusan KPU Mesuji Nomor 1 | Unggah ke laman |" in (
        text_of(nota.read_bytes()).splitlines()
    )


@pytest.mark.slow
def test_with_an_approval_folder_a_sheet_in_input_is_refused(tmp_path: Path) -> None:
    from batch_util import ATASAN as SIGNER
    from batch_util import drop, run_cli

    ws, blank = _night_one(tmp_path)
    toml = ws / "ppid.toml"
    toml.write_text(
        toml.read_text("utf-8").replace(
            '# persetujuan = "persetujuan-masuk"', 'persetujuan = "persetujuan-masuk"'
        ),
        "utf-8",
    )
    (ws / "persetujuan-masuk").mkdir()
    filled = fill_approval_sheet(
        blank, tmp_path / "lembar.xlsx", {"DIP-2025-0001": ("YA", None)}, atasan=SIGNER
    )
    drop(ws, [filled])
    refused = run_cli(ws, now="2026-11-24T01:00:00")
    assert refused.exit_code == 1
    assert "Lembar persetujuan hanya diterima dari folder persetujuan-masuk/" in refused.output
    assert (ws / "output" / "umpan-balik" / "lembar-koreksi.xlsx").is_file()
    shutil_copy = ws / "persetujuan-masuk" / "lembar.xlsx"
    shutil_copy.write_bytes(filled.read_bytes())
    import os
    import time

    old = time.time() - 3600
    os.utime(shutil_copy, (old, old))
    applied = run_cli(ws, now="2026-11-25T01:00:00")
    assert applied.exit_code == 0, applied.output
    assert f"ditandatangani {SIGNER}" in applied.output
    assert not shutil_copy.exists()  # archived in the folder it came from
    assert list((ws / "persetujuan-masuk" / "arsip").rglob("lembar.xlsx"))


def test_fingerprints_are_those_of_sheets_already_in_the_field() -> None:
    """The hashes are pinned: a sheet issued by an earlier version must still verify."""
    from ppid_batch.approve.identity import content_of
    from ppid_batch.models import RegisterItem

    item = RegisterItem(
        id="DIP-2025-0007", unit="  Subbagian  Hukum dan SDM ",
        ringkasan="Laporan\tKeuangan\u00a0Tahunan  “2024” — é", penguasa="Kepala Subbagian",
        penanggung_jawab="Sekretaris", waktu_pembuatan="2025-04", tempat_pembuatan="Mesuji",
        bentuk="Softcopy", retensi="5 tahun", jenis="Berkala", konsekuensi="",
        keterangan="  catatan \n baris ", source_file="a.xlsx", source_row=4,
        received_on=dt.date(2025, 3, 3),
    )  # fmt: skip
    assert fingerprint(item) == "35b7b35f2bf326727f0f953a3f9077ce2d0c40754c4e65d3021ad8f535033a8d"
    assert content_of(item)["ringkasan"] == "Laporan Keuangan Tahunan “2024” — é"
    assert "konsekuensi" not in content_of(item) and "source_file" not in content_of(item)
    # a snapshot as the register stores it (a mapping; numbers as they come)
    snapshot = {"unit": "Unit A", "ringkasan": " x  y ", "jenis": "Dikecualikan", "retensi": 5,
                "bentuk": None, "extra": "z"}  # fmt: skip
    assert fingerprint(snapshot) == (
        "04befe1b85971cf14d7b16b281e142f5141f91d88400ef5d562c0521a78f8575"
    )


def test_the_sheet_shows_each_row_the_fingerprint_of_its_own_content(office) -> None:
    """issue() hashes each row once and the sheet reuses it only for that very object."""
    from ppid_batch.approve.identity import issue, load_secret

    config, store, sheet = office
    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    shown = {r[0]: r[10] for r in rows[11:] if r[0]}
    pending = [i for i in store.items() if i.status == "pending"]
    assert len(shown) == len(pending) > 1
    assert shown == {i.id: shown_fingerprint(fingerprint(i)) for i in pending}
    identity = issue(store, load_secret(config.var_dir), pending, today=ISSUED)
    assert identity.reused
    first = pending[0]
    assert identity.fingerprint_of(first) == fingerprint(first)
    # another object, with other content, under the same id: hashed afresh
    edited = dataclasses.replace(first, ringkasan=first.ringkasan + " (revisi)")
    assert identity.fingerprint_of(edited) == fingerprint(edited) != fingerprint(first)
    # All rows at once: the very objects in issue()'s order, or each as above.
    expected = [fingerprint(i) for i in pending]
    assert identity.fingerprints_of(pending) == expected
    assert identity.fingerprints_of(list(pending)) == expected
    assert identity.fingerprints_of([edited, *pending[1:]]) == [fingerprint(edited), *expected[1:]]
    assert identity.fingerprints_of(pending[::-1]) == expected[::-1]
    assert identity.fingerprints_of(pending[1:]) == expected[1:]


def test_the_content_text_is_json_of_the_content_and_the_code_is_pinned() -> None:
    """content_json is the very text json.dumps(content_of(…)) gives (the fingerprint hashes
    it and the register keeps it), and the integrity code is the HMAC over one message."""
    import hashlib
    import hmac

    from ppid_batch.approve.identity import (
        _DOMAIN,
        content_json,
        content_jsons,
        content_of,
        integrity_code,
    )
    from ppid_batch.models import RegisterItem

    odd = ['"kutip"', "garis\\miring", "tab\tdan\nbaris", "\x01\x1f kendali", "😀 🇮🇩",
           "\u2028 pemisah \u2029", "<b>&amp;</b>", "\u00a0", "", "  "]  # fmt: skip
    made: list[object] = []
    for n, text in enumerate(odd):
        item = RegisterItem(
            id=f"DIP-2025-{n:04d}", unit=text or "Unit", ringkasan=f"Ringkasan {text}",
            penguasa=text, penanggung_jawab="PJ", waktu_pembuatan="2025", tempat_pembuatan=text,
            bentuk="Softcopy", retensi="5 tahun", jenis="Berkala", dasar_pengecualian=text,
            keterangan=text or None,
        )  # fmt: skip
        expected = json.dumps(content_of(item), ensure_ascii=False, sort_keys=True)
        assert content_json(item) == expected
        assert fingerprint(item) == hashlib.sha256(expected.encode()).hexdigest()
        snapshot = {"unit": text, "ringkasan": 7, "jenis": None, "bentuk": f" {text} x"}
        expected = json.dumps(content_of(snapshot), ensure_ascii=False, sort_keys=True)
        assert content_json(snapshot) == expected
        # equal values of other types (7 == 7.0, True == 1) are other texts
        made += [item, snapshot, {"unit": 7, "ringkasan": True}, {"unit": 7.0, "ringkasan": 1}]
    # All at once, each distinct text quoted once: the same texts, repeated values included.
    twice = made + made[::-1]
    assert content_jsons(twice) == [content_json(x) for x in twice]
    assert content_jsons(made[2:4]) == ['{"ringkasan": "True", "unit": "7"}',
                                        '{"ringkasan": "1", "unit": "7.0"}']  # fmt: skip
    rows = [(f"DIP-2025-{n:04d}", hashlib.sha256(str(n).encode()).hexdigest()) for n in range(500)]
    secret = bytes(range(32))
    message = _DOMAIN + b"LP-2025-0003\n2025-03-04\n"
    for item_id, fp in rows:
        message += f"{item_id} {fp[:12].upper()}\n".encode()
    code = integrity_code(secret, "LP-2025-0003", dt.date(2025, 3, 4), rows)
    assert code == hmac.new(secret, message, hashlib.sha256).hexdigest()
    # the value the code of earlier versions gives (sheets in the field)
    assert code == "9376dc005a8ada8c4bbca8f0598a5b487b1758be6ed44ba65146acaf08dc6360"


def test_a_sheet_counted_tonight_is_applied_without_its_whole_sheet_checks_again(
    office, tmp_path: Path
) -> None:
    """sheet_counts keeps the check of a sheet that counts (never of a forged one), and
    applying with it decides exactly what applying without it decides."""
    from ppid_batch.approve.apply import sheet_counts

    config, store, sheet = office
    decisions = {**ALL_YES, "DIP-2025-0002": ("TIDAK", "Lengkapi dasar hukum.")}
    genuine = validate_file(fill(sheet, config.input_dir / "isi.xlsx", decisions))
    forged = validate_file(edit(fill(sheet, tmp_path / "palsu.xlsx"), B8="0000-1111-2222"))
    counted: dict = {}
    assert sheet_counts(store, genuine, config, counted)
    assert not sheet_counts(store, forged, config, counted)
    assert list(counted) == [genuine.sha256]
    assert check_approval(store, genuine, config=config).errors == ()
    out = apply_approval(store, genuine, run_id=None, received=NEXT, config=config,
                         counted=counted[genuine.sha256])  # fmt: skip
    assert out.status == "applied"
    assert out.decided_ids == tuple(ALL_YES)
    assert statuses(store)["DIP-2025-0002"] == "refused"
    assert [(i.id, i.arahan) for v in out.refused.values() for i in v] == [
        ("DIP-2025-0002", "Lengkapi dasar hukum.")
    ]
    # a forged sheet applied without a kept check is still refused whole
    assert apply(store, config, forged.path).status == "rejected"


def test_the_rows_an_earlier_sheet_listed_are_found_and_a_first_sheet_has_none(office) -> None:
    from ppid_batch.approve.identity import fingerprint
    from ppid_batch.store.approvals import last_issued_rows, latest_issued_sheet

    config, store, sheet = office
    first = latest_issued_sheet(store)
    assert first is not None and first.number == "LP-2025-0001"
    ids = [r.item_id for r in first.rows]
    assert len(ids) == 4
    # Before the first sheet there is none: nothing found, whatever the IDs asked for.
    assert last_issued_rows(store, ids, before=first.number) == {}
    found = last_issued_rows(store, ids)
    assert sorted(found) == sorted(ids)
    assert {n for n, _ in found.values()} == {"LP-2025-0001"}
    register(
        store,
        write_form_xlsx(
            config.input_dir / "Form-DIP-Hukum-Baru.xlsx",
            [form_row("Rencana Kerja Tahun 2025 (perubahan)", id="DIP-2025-0002")],
        ),
        received=SIGNED,
    )
    assert write_issued_sheet(store, store.items(), config, sheet.parent, today=NEXT) is not None
    second = latest_issued_sheet(store)
    assert second is not None and second.number == "LP-2025-0002"
    # Before the second sheet: the first one's rows, with what it listed them with.
    earlier = last_issued_rows(store, ids, before=second.number)
    assert sorted(earlier) == sorted(ids)
    assert {n for n, _ in earlier.values()} == {"LP-2025-0001"}
    number, row = earlier["DIP-2025-0002"]
    assert row.fingerprint == first.by_id["DIP-2025-0002"].fingerprint
    assert row.snapshot["ringkasan"] == "Rencana Kerja Tahun 2025"
    changed = {i.id: i for i in store.items()}["DIP-2025-0002"]
    assert fingerprint(changed) != row.fingerprint
    assert {n for n, _ in last_issued_rows(store, ids).values()} == {"LP-2025-0002"}


def test_a_new_sheets_rows_are_the_rows_the_register_keeps(office) -> None:
    """issue() returns the rows of a new sheet as the register reads them back: the same
    IDs, positions, fingerprints and snapshots (made when first read, equal either way)."""
    from ppid_batch.approve.identity import content_of, issue, load_secret
    from ppid_batch.store.approvals import issued_sheet

    config, store, _ = office
    pending = [i for i in store.items() if i.status == "pending"]
    edited = [dataclasses.replace(pending[0], ringkasan="Ringkasan  baru\t"), *pending[1:]]
    identity = issue(store, load_secret(config.var_dir), edited, today=ISSUED)
    assert not identity.reused
    kept = issued_sheet(store, identity.number)
    assert kept is not None and len(identity.sheet.rows) == len(kept.rows) == len(edited)
    assert identity.sheet == kept and kept == identity.sheet
    assert list(identity.sheet.rows) == list(kept.rows)
    first = identity.sheet.rows[0]
    assert (first.item_id, first.position) == (edited[0].id, 0)
    assert first.fingerprint == fingerprint(edited[0])
    assert dict(first.snapshot) == content_of(edited[0])
    assert first.snapshot["ringkasan"] == "Ringkasan baru"
    assert identity.sheet.by_id[edited[-1].id] == kept.rows[-1]
    assert identity.sheet.rows[1:] == kept.rows[1:]
