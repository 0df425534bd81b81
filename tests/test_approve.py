"""Merging the Atasan PPID's approval sheet: checks against the register, decisions, audit trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from store_util import approval_report, cells, form_report, item

from ppid_batch.approve import apply_approval, check_against_register, check_approval
from ppid_batch.config import Config
from ppid_batch.models import Finding
from ppid_batch.register import register_form
from ppid_batch.store import Store

RECEIVED = dt.date(2025, 3, 11)
ATASAN = "Drs. Ahmad Fauzi"


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'ppid.sqlite'}") as s:
        register_form(
            s,
            form_report(
                "Form-DIP-Hukum.xlsx",
                [item("Laporan Keuangan Triwulan I"), item("Rencana Kerja 2025")],
            ),
            received=RECEIVED,
            run_id=None,
        )
        register_form(
            s,
            form_report(
                "Form-DIP-Teknis.xlsx",
                [item("Daftar Pemilih Tetap"), item("Rekapitulasi Suara")],
                unit="Subbagian Teknis",
                petugas="Budi Santoso",
            ),
            received=RECEIVED,
            run_id=None,
        )
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
        ("F12", "arahan", "required"),
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
    reader = Finding(type="required_when", message="wajib", field="arahan", cell="F8", row=8)
    report = approval_report([("DIP-2025-0001", "TIDAK", None)], errors=[reader])
    assert check_approval(store, report).errors == (reader,)


def test_decisions_need_the_name_and_date_of_the_atasan(store: Store) -> None:
    report = approval_report([("DIP-2025-0001", "YA", None)], atasan=None, tanggal=None)
    assert cells(check_approval(store, report).errors) == [
        (None, "atasan", "required"),
        (None, "tanggal_persetujuan", "required"),
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
    report = approval_report([("DIP-2025-0001", "YA", None), ("DIP-2025-0002", "YA", None)])
    assert cells(check_against_register(report, config).errors) == [("A9", "id", "unknown_id")]


def test_a_form_report_is_not_an_approval(store: Store) -> None:
    form = form_report("f.xlsx", [item("Laporan Keuangan")])
    assert check_approval(store, form) is form
    with pytest.raises(ValueError):
        apply_approval(store, form, run_id=None)
