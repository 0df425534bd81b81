"""Merging the Atasan PPID's approval sheet: checks against the register, decisions, audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from store_util import (
    approval_report,
    cells,
    fill_approval_sheet,
    form_report,
    form_row,
    item,
    write_form_xlsx,
)

from ppid_batch.approve.apply import apply_approval, check_against_register, check_approval
from ppid_batch.approve.issuing import write_issued_sheet
from ppid_batch.approve.unit_feedback import write_unit_feedback
from ppid_batch.batch.workspace import init_workspace
from ppid_batch.cli import cli
from ppid_batch.config import Config
from ppid_batch.config_file import load_config
from ppid_batch.forms.validate import validate_file
from ppid_batch.models import Finding
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store

RECEIVED = dt.date(2025, 3, 11)
ATASAN = "Drs. Ahmad Fauzi"


def signed_by(config: Config, *names: str) -> Config:
    """The workspace's ppid.toml naming `names[0]` as Atasan PPID (and the rest as Plh)."""
    toml = config.workspace / "ppid.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace(config.atasan_ppid.nama, names[0]), encoding="utf-8")
    loaded = load_config(config.workspace)
    plh = tuple(
        dataclasses.replace(loaded.atasan_ppid, nama=n, berlaku_dari=dt.date(2025, 1, 1))
        for n in names[1:]
    )
    return dataclasses.replace(loaded, officers=(*loaded.officers, *plh))


def seed_two_units(store: Store) -> None:
    """DIP-2025-0001/0002 of Subbagian Hukum, DIP-2025-0003/0004 of Subbagian Teknis, pending."""
    register_form(
        store,
        form_report(
            "Form-DIP-Hukum.xlsx",
            [item("Laporan Keuangan Triwulan I"), item("Rencana Kerja 2025")],
        ),
        received=RECEIVED,
        run_id=None,
    )
    register_form(
        store,
        form_report(
            "Form-DIP-Teknis.xlsx",
            [item("Daftar Pemilih Tetap"), item("Rekapitulasi Suara")],
            unit="Subbagian Teknis",
            petugas="Budi Santoso",
        ),
        received=RECEIVED,
        run_id=None,
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'ppid.sqlite'}") as s:
        seed_two_units(s)
        yield s


def test_check_names_every_register_problem_at_its_cell(store: Store) -> None:
    apply_approval(store, approval_report([("DIP-2025-0001", "YA", None)]), run_id=None)
    report = approval_report(
        [
            ("DIP-2025-0001", "TIDAK", "Ganti"),  # flips a decided item
            ("DIP-2025-0001", "TIDAK", "Ganti"),  # the same row again → warning only
            ("DIP-2025-0099", "YA", None),  # unknown
            ("DIP-2025-0002", "mungkin", None),  # not YA/TIDAK
            ("DIP-2025-0003", "ditolak", ""),  # TIDAK without arahan
            (None, "YA", None),  # ID cleared
            ("dip-2025-0004", "setuju", None),  # fine: variants are accepted
        ]
    )
    checked = check_approval(store, report)
    assert cells(checked.errors) == [
        ("E8", "persetujuan", "already_decided"),
        ("A10", "id", "unknown_id"),
        ("E11", "persetujuan", "choice"),
        ("F12", "arahan", "required_if"),
        ("A13", "id", "required"),
    ]
    assert cells(checked.warnings) == [("A9", "id", "duplicate_id")]
    assert checked.errors[0].message == (
        "DIP-2025-0001 sudah diputuskan YA oleh Drs. Ahmad Fauzi pada 2025-03-14; keputusan "
        "yang sudah ada tidak dapat diubah melalui lembar persetujuan. Baris lain tetap diterapkan."
    )
    assert checked.errors[0].column == "Persetujuan (YA/TIDAK)"
    assert report.errors == ()  # the input report is left as it was


def test_check_does_not_repeat_what_the_reader_found(store: Store) -> None:
    reader_errors = (
        Finding(type="required_if", message="wajib", field="arahan", cell="F8", row=8),
        Finding(type="item_id", message="bukan ID", field="id", cell="A9", row=9),
    )
    reader_warning = Finding(
        type="duplicate_id", message="dua kali", severity="warning", field="id", cell="A11", row=11
    )
    report = dataclasses.replace(
        approval_report(
            [
                ("DIP-2025-0001", "TIDAK", None),
                ("DIP2025/7", "YA", None),
                ("DIP-2025-0002", "YA", None),
                ("DIP-2025-0002", "YA", None),
            ]
        ),
        errors=reader_errors,
        warnings=(reader_warning,),
    )
    checked = check_approval(store, report)
    assert (checked.errors, checked.warnings) == (reader_errors, (reader_warning,))


def test_decisions_need_the_name_and_date_of_the_atasan(store: Store) -> None:
    report = approval_report([("DIP-2025-0001", "YA", None)], atasan=None, tanggal=None)
    assert cells(check_approval(store, report).errors) == [
        (None, "atasan", "required_if"),
        (None, "tanggal_persetujuan", "required_if"),
    ]
    blank = approval_report([("DIP-2025-0001", None, None)], atasan=None, tanggal=None)
    assert check_approval(store, blank).errors == ()
    out = apply_approval(store, report, run_id=None)
    assert out.status == "rejected" and out.decided_ids == ()
    assert [i.status for i in store.items()] == ["pending"] * 4


def test_apply_records_decisions_and_who_decided_what_when(store: Store) -> None:
    run_id = store.start_run()
    report = approval_report(
        [
            ("DIP-2025-0001", "YA", None),
            ("DIP-2025-0002", "TIDAK", "Ringkasan terlalu umum; sebutkan periode."),
            ("DIP-2025-0003", "y", "Segera unggah"),
            ("DIP-2025-0004", None, None),
        ]
    )
    out = apply_approval(store, report, run_id=run_id, received=dt.date(2025, 3, 15))
    assert out.status == "applied" and (out.atasan, out.tanggal) == (ATASAN, dt.date(2025, 3, 14))
    assert {u: [i.id for i in v] for u, v in out.approved.items()} == {
        "Subbagian Hukum": ["DIP-2025-0001"],
        "Subbagian Teknis": ["DIP-2025-0003"],
    }
    ((unit, (refused,)),) = out.refused.items()
    assert (unit, refused.id, refused.arahan) == (
        "Subbagian Hukum",
        "DIP-2025-0002",
        "Ringkasan terlalu umum; sebutkan periode.",
    )
    assert out.pending == ("DIP-2025-0004",)
    assert [(i.id, i.status, i.atasan, i.decided_on) for i in store.items()] == [
        ("DIP-2025-0001", "approved", ATASAN, dt.date(2025, 3, 14)),
        ("DIP-2025-0002", "refused", ATASAN, dt.date(2025, 3, 14)),
        ("DIP-2025-0003", "approved", ATASAN, dt.date(2025, 3, 14)),
        ("DIP-2025-0004", "pending", None, None),
    ]
    (d,) = store.decisions("DIP-2025-0002")
    assert (d["decision"], d["atasan"], d["decided_on"], d["sheet_sha256"], d["run_id"]) == (
        "TIDAK",
        ATASAN,
        dt.date(2025, 3, 14),
        report.sha256,
        run_id,
    )
    decided = [
        (e["actor"], e["action"], e["item_id"], e["detail"]["tanggal_persetujuan"])
        for e in store.events()
        if e["action"] in ("item_approved", "item_refused")
    ]
    assert decided == [
        (ATASAN, "item_approved", "DIP-2025-0001", "2025-03-14"),
        (ATASAN, "item_refused", "DIP-2025-0002", "2025-03-14"),
        (ATASAN, "item_approved", "DIP-2025-0003", "2025-03-14"),
    ]


def test_the_same_sheet_twice_changes_nothing(store: Store) -> None:
    report = approval_report([("DIP-2025-0001", "YA", None), ("DIP-2025-0002", "TIDAK", "x")])
    apply_approval(store, report, run_id=None)
    before, n_decisions = store.items(), len(store.decisions())
    again = apply_approval(store, report, run_id=None)
    assert again.already_received and again.decided_ids == ()
    resaved = approval_report(
        [("DIP-2025-0001", "YA", None), ("DIP-2025-0002", "TIDAK", "x")], name="salinan.xlsx"
    )
    assert resaved.sha256 != report.sha256
    out = apply_approval(store, resaved, run_id=None)
    assert out.status == "applied" and out.decided_ids == () and out.skipped == ()
    assert out.unchanged == ("DIP-2025-0001", "DIP-2025-0002")
    assert store.items() == before and len(store.decisions()) == n_decisions


def test_a_flip_is_refused_for_that_row_and_the_rest_applies(store: Store) -> None:
    apply_approval(store, approval_report([("DIP-2025-0001", "YA", None)]), run_id=None)
    flip = approval_report(
        [("DIP-2025-0001", "TIDAK", "Batalkan"), ("DIP-2025-0002", "YA", None)],
        name="Lembar-Persetujuan-2025-03-20.xlsx",
        atasan="Hj. Siti Aminah",
    )
    out = apply_approval(store, flip, run_id=None)
    assert out.status == "applied"
    assert cells(out.skipped) == [("E8", "persetujuan", "already_decided")]
    assert out.decided_ids == ("DIP-2025-0002",)
    first = store.item("DIP-2025-0001")
    assert first is not None and (first.status, first.atasan) == ("approved", ATASAN)
    (conflict,) = store.events(action="decision_conflict")
    assert (conflict["actor"], conflict["item_id"]) == ("Hj. Siti Aminah", "DIP-2025-0001")


def test_check_against_register_without_a_database_warns_and_writes_nothing(
    config: Config,
) -> None:
    report = approval_report([("DIP-2025-0001", "YA", None)])
    checked = check_against_register(report, config)
    assert checked.errors == () and cells(checked.warnings) == [(None, None, "no_register")]
    assert not (config.var_dir / "ppid.sqlite").exists()


def test_check_against_register_uses_the_workspace_database(config: Config) -> None:
    with Store.open(config.database_url) as store:
        register_form(
            store, form_report("f.xlsx", [item("Laporan Keuangan")]), received=RECEIVED, run_id=None
        )
    # a sheet the batch did not issue is refused whole, with one reason
    report = approval_report([("DIP-2025-0001", "YA", None), ("DIP-2025-0002", "YA", None)])
    assert cells(check_against_register(report, config).errors) == [
        (None, "nomor_lembar", "sheet_unissued")
    ]


def test_a_form_report_is_not_an_approval(store: Store) -> None:
    form = form_report("f.xlsx", [item("Laporan Keuangan")])
    assert check_approval(store, form) is form
    with pytest.raises(ValueError):
        apply_approval(store, form, run_id=None)


# ---- the whole loop on real files: forms → register → sheet → filled → merged ----


def _rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


NIGHT_ONE = dt.date(2025, 3, 12)
NIGHT_TWO = dt.date(2025, 3, 15)
ARAHAN = "Ringkasan terlalu umum; sebutkan periode laporan."


def _night_one(config: Config) -> tuple[Store, Path]:
    """Two units' forms read, validated and registered; the pending sheet written."""
    inbox = config.input_dir
    write_form_xlsx(
        inbox / "Form-DIP-Teknis.xlsx",
        [form_row("Daftar Pemilih Tetap Pemilihan 2024"), form_row("Rekapitulasi Hasil Suara")],
        unit="Subbagian Teknis",
        petugas="Budi Santoso",
    )
    write_form_xlsx(
        inbox / "Form-DIP-Hukum.xlsx",
        [
            form_row("Laporan Keuangan Triwulan I", waktu_pembuatan="15 April 2024"),
            form_row("Rencana Kerja Tahun 2025", jenis="Setiap Saat"),
            form_row(
                "Berkas Sengketa Pemilihan",
                jenis="Dikecualikan",
                dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
            ),
        ],
    )
    store = Store.open(config.database_url)
    run_id = store.start_run()
    for path in sorted(inbox.glob("*.xlsx")):
        report = validate_file(path)
        assert report.ok, report.to_json()
        register_form(store, report, received=NIGHT_ONE, run_id=run_id)
    sheet = write_issued_sheet(
        store, store.items(), config, config.output_dir / "persetujuan", today=NIGHT_ONE
    )
    assert sheet is not None
    return store, sheet


def test_the_approval_loop_on_real_files(config: Config) -> None:
    config = signed_by(config, ATASAN)
    store, sheet = _night_one(config)
    assert [(i.id, i.unit) for i in store.items()] == [
        ("DIP-2025-0001", "Subbagian Hukum"),
        ("DIP-2025-0002", "Subbagian Hukum"),
        ("DIP-2025-0003", "Subbagian Hukum"),
        ("DIP-2025-0004", "Subbagian Teknis"),
        ("DIP-2025-0005", "Subbagian Teknis"),
    ]
    assert store.item("DIP-2025-0001").waktu_pembuatan == "2024-04-15"  # type: ignore[union-attr]
    filled = fill_approval_sheet(
        sheet,
        config.input_dir / "Persetujuan-Maret.xlsx",
        {
            "DIP-2025-0001": ("YA", None),
            "DIP-2025-0002": ("TIDAK", ARAHAN),
            "DIP-2025-0004": ("setuju", "Segera unggah ke laman PPID"),
        },
        tanggal=dt.date(2025, 3, 14),  # two days after the sheet was issued
    )
    report = validate_file(filled)
    assert report.kind == "persetujuan" and report.ok, report.to_json()
    assert check_approval(store, report, config=config).errors == ()
    run_id = store.start_run()
    out = apply_approval(store, report, run_id=run_id, received=NIGHT_TWO, config=config)
    assert {u: [i.id for i in v] for u, v in out.approved.items()} == {
        "Subbagian Hukum": ["DIP-2025-0001"],
        "Subbagian Teknis": ["DIP-2025-0004"],
    }
    assert [(i.id, i.arahan) for v in out.refused.values() for i in v] == [
        ("DIP-2025-0002", ARAHAN)
    ]
    assert out.pending == ("DIP-2025-0003", "DIP-2025-0005")
    decided = [
        (e["ts"] > "", e["actor"], e["action"], e["item_id"], e["detail"]["tanggal_persetujuan"])
        for e in store.events()
        if e["action"] in ("item_approved", "item_refused")
    ]
    assert decided == [
        (True, ATASAN, "item_approved", "DIP-2025-0001", "2025-03-14"),
        (True, ATASAN, "item_refused", "DIP-2025-0002", "2025-03-14"),
        (True, ATASAN, "item_approved", "DIP-2025-0004", "2025-03-14"),
    ]
    assert [(d["item_id"], d["decision"], d["sheet_sha256"]) for d in store.decisions()] == [
        ("DIP-2025-0001", "YA", report.sha256),
        ("DIP-2025-0002", "TIDAK", report.sha256),
        ("DIP-2025-0004", "YA", report.sha256),
    ]
    # night two: the next sheet holds only what is still pending; the unit sees its arahan
    again = write_issued_sheet(store, store.items(), config, sheet.parent, today=NIGHT_TWO)
    assert again is not None and not sheet.exists()
    assert [r[0] for r in _rows(again)[11:]] == ["DIP-2025-0003", "DIP-2025-0005"]
    (feedback,) = write_unit_feedback(
        store.items(), config.letter, config.output_dir / "umpan-balik", today=NIGHT_TWO
    )
    assert feedback.name == "Arahan-subbagian-hukum.xlsx"
    assert _rows(feedback)[6][:5] == [
        "DIP-2025-0002",
        "Rencana Kerja Tahun 2025",
        "Februari 2025",
        "Setiap Saat",
        ARAHAN,
    ]
    store.close()


def test_redropping_and_flipping_real_sheets(config: Config) -> None:
    config = signed_by(config, ATASAN, "Hj. Siti Aminah")
    store, sheet = _night_one(config)
    inbox = config.input_dir
    first = fill_approval_sheet(
        sheet, inbox / "Persetujuan-1.xlsx", {"DIP-2025-0001": ("YA", None)}
    )
    apply_approval(store, validate_file(first), run_id=None, received=NIGHT_TWO, config=config)
    before = store.items()
    assert apply_approval(store, validate_file(first), run_id=None, config=config).already_received
    assert store.items() == before
    flip = fill_approval_sheet(
        sheet,
        inbox / "Persetujuan-2.xlsx",
        {"DIP-2025-0001": ("TIDAK", "Tarik kembali"), "DIP-2025-0003": ("YA", None)},
        atasan="Hj. Siti Aminah",
        tanggal=dt.date(2025, 3, 20),
    )
    report = validate_file(flip)
    assert report.ok  # on its own the sheet is fine; the register says otherwise
    assert cells(check_approval(store, report, config=config).errors) == [
        ("H12", "persetujuan", "already_decided")
    ]
    out = apply_approval(store, report, run_id=None, received=NIGHT_TWO, config=config)
    assert out.decided_ids == ("DIP-2025-0003",)
    assert [i.status for i in store.items()] == [
        "approved",
        "pending",
        "approved",
        "pending",
        "pending",
    ]
    assert store.item("DIP-2025-0001").atasan == ATASAN  # type: ignore[union-attr]
    (conflict,) = store.events(action="decision_conflict")
    assert (conflict["actor"], conflict["item_id"]) == ("Hj. Siti Aminah", "DIP-2025-0001")
    store.close()


def test_ids_and_sheet_are_identical_across_two_clean_runs(tmp_path: Path) -> None:
    results = []
    for name in ("satu", "dua"):
        init_workspace(tmp_path / name)
        store, sheet = _night_one(load_config(tmp_path / name))
        rows = _rows(sheet)
        results.append(([(i.id, i.ringkasan, i.unit) for i in store.items()], rows))
        store.close()
    (ids_1, rows_1), (ids_2, rows_2) = results
    assert ids_1 == ids_2
    # everything alike but the integrity code: each workspace has its own secret
    code_row = next(n for n, r in enumerate(rows_1) if r[0] == "Kode Keutuhan")
    assert rows_1[code_row][1] != rows_2[code_row][1]
    assert rows_1[:code_row] + rows_1[code_row + 1 :] == rows_2[:code_row] + rows_2[code_row + 1 :]


def test_the_same_register_writes_the_same_sheet_bytes(config: Config) -> None:
    store, sheet = _night_one(config)
    first = sheet.read_bytes()
    again = write_issued_sheet(store, store.items(), config, sheet.parent, today=NIGHT_TWO)
    assert again == sheet and again.read_bytes() == first  # same rows: same number and date
    store.close()


def test_validate_checks_an_approval_sheet_against_the_register(config: Config) -> None:
    config = signed_by(config, ATASAN)
    store, sheet = _night_one(config)
    store.close()
    good = fill_approval_sheet(sheet, config.input_dir / "ok.xlsx", {"DIP-2025-0001": ("YA", None)})
    runner = CliRunner()
    args = ["validate", "--json", "--workspace", str(config.workspace)]
    result = runner.invoke(cli, [*args, str(good)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["kind"] == "persetujuan"
    bad = fill_approval_sheet(sheet, config.input_dir / "bad.xlsx", {"DIP-2025-0001": ("YA", None)})
    wb = openpyxl.load_workbook(bad)
    wb.active["A12"] = "DIP-2025-0999"  # an ID typed over, despite the protection
    wb.save(bad)
    result = runner.invoke(cli, [*args, str(bad)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [(e["cell"], e["field"], e["type"]) for e in data["errors"]] == [
        ("A12", "id", "not_issued")
    ]
    assert data["errors"][0]["message"].startswith(
        "DIP-2025-0999 tidak tercantum pada lembar LP-2025-0001 saat lembar dibuat"
    )


def test_a_sheet_of_more_ids_than_one_query_takes_is_applied_whole(tmp_path: Path) -> None:
    rows = [item(f"Informasi nomor {n}") for n in range(1, 1102)]
    with Store.open(f"sqlite:///{tmp_path / 'big.sqlite'}") as store:
        register_form(store, form_report("besar.xlsx", rows), received=RECEIVED, run_id=None)
        ids = [i.id for i in store.items()]
        report = approval_report(
            [(i, "YA", None) for i in ids[:-1]] + [("DIP-2025-9999", "YA", None)]
        )
        out = apply_approval(store, report, run_id=None)
        assert out.decided_ids == tuple(ids[:-1]) and cells(out.skipped) == [
            ("A1108", "id", "unknown_id")
        ]
        assert [i.id for i in store.items(status="pending")] == ids[-1:]
