"""Pemutakhiran: Tindakan Ubah / Hapus on approved items, through the approval sheet, real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from store_util import cells, fill_approval_sheet, form_report, item

from ppid_batch.approve.apply import apply_approval
from ppid_batch.approve.sheet import write_approval_sheet
from ppid_batch.approve.unit_feedback import write_unit_feedback
from ppid_batch.config import Config
from ppid_batch.documents.register_list import published
from ppid_batch.forms.validate import validate_file
from ppid_batch.register.changes import (
    refused_change_rows,
    store_pending_changes,
)
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store

RECEIVED = dt.date(2025, 3, 11)
LATER = dt.date(2025, 4, 2)


def _approve(store: Store, config: Config, folder: Path, decisions: dict, name: str) -> object:
    """The sheet the batch writes, filled as the Atasan PPID does, read back and applied."""
    sheet = write_approval_sheet(
        store.items(status="pending"),
        config.letter,
        folder / "out",
        today=LATER,
        changes=store_pending_changes(store),
    )
    assert sheet is not None
    filled = fill_approval_sheet(sheet, folder / "in" / name, decisions, tanggal=LATER)
    report = validate_file(filled)
    assert report.ok, report.errors
    return apply_approval(store, report, run_id=None, received=LATER)


@pytest.fixture
def store(tmp_path: Path, config: Config):
    """DIP-2025-0001 and 0002 of Subbagian Hukum, approved; 0003 of Subbagian Teknis, approved."""
    with Store.open(f"sqlite:///{tmp_path / 'ppid.sqlite'}") as s:
        register_form(
            s,
            form_report("Form-Hukum.xlsx", [item("Profil KPU Kabupaten"), item("Renstra 2025")]),
            received=RECEIVED,
            run_id=None,
        )
        register_form(
            s,
            form_report(
                "Form-Teknis.xlsx", [item("Daftar Pemilih Tetap")], unit="Subbagian Teknis"
            ),
            received=RECEIVED,
            run_id=None,
        )
        yes = {i: ("YA", None) for i in ("DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003")}
        _approve(s, config, tmp_path, yes, "Persetujuan-1.xlsx")
        yield s


def _form(name: str, rows: list[dict], unit: str = "Subbagian Hukum", **kw):
    return form_report(name, rows, unit=unit, tanggal=dt.date(2025, 4, 1), **kw)


def test_ubah_waits_for_the_atasan_then_changes_the_item_and_keeps_its_history(
    store: Store, config: Config, tmp_path: Path
) -> None:
    out = register_form(
        store,
        _form(
            "Ubah.xlsx",
            [
                item(
                    "Profil KPU Kabupaten Mesuji",
                    tindakan="Ubah",
                    id="dip-2025-0001",
                    bentuk="Softcopy dan Hardcopy",
                )
            ],
        ),  # fmt: skip
        received=LATER,
        run_id=None,
    )
    assert out.change_ids == ("DIP-2025-0001",) and not out.refused
    # until the Atasan decides, the approved version stays in the DIP
    current = store.item("DIP-2025-0001")
    assert current is not None and current.ringkasan == "Profil KPU Kabupaten"
    assert [i.id for i in published(store.items())] == [
        "DIP-2025-0001", "DIP-2025-0002", "DIP-2025-0003",
    ]  # fmt: skip

    sheet = write_approval_sheet(
        [], config.letter, tmp_path / "lembar", today=LATER, changes=store_pending_changes(store)
    )
    assert sheet is not None
    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    header = rows[10]
    row = dict(zip(header, rows[11], strict=True))
    assert row["ID Informasi"] == "DIP-2025-0001" and row["Tindakan"] == "Ubah"
    assert row["Ringkasan Isi Informasi"] == "Profil KPU Kabupaten → Profil KPU Kabupaten Mesuji"
    assert row["Bentuk Informasi"] == "Softcopy → Softcopy dan Hardcopy"
    assert row["Catatan Sistem"].startswith("Ubah: Ringkasan Isi Informasi: Profil KPU")

    outcome = _approve(store, config, tmp_path, {"DIP-2025-0001": ("YA", None)}, "P-2.xlsx")
    assert [(c.item_id, d) for c, d in outcome.changes] == [("DIP-2025-0001", "YA")]
    changed = store.item("DIP-2025-0001")
    assert changed is not None and changed.status == "approved"
    assert (changed.ringkasan, changed.bentuk) == (
        "Profil KPU Kabupaten Mesuji",
        "Softcopy dan Hardcopy",
    )
    (old,) = store.history("DIP-2025-0001")
    assert old["old_values"]["ringkasan"] == "Profil KPU Kabupaten"
    assert store_pending_changes(store) == []
    assert [e["action"] for e in store.events(item_id="DIP-2025-0001")][-2:] == [
        "change_requested",
        "item_changed",
    ]


def test_hapus_withdraws_the_item_from_the_dip_but_never_from_the_register(
    store: Store, config: Config, tmp_path: Path
) -> None:
    register_form(
        store,
        _form(
            "Hapus.xlsx",
            [
                item(
                    "",
                    tindakan="Hapus",
                    id="DIP-2025-0002",
                    keterangan="Renstra diganti dokumen baru",
                )
            ],
        ),  # fmt: skip
        received=LATER,
        run_id=None,
    )
    sheet = write_approval_sheet(
        [], config.letter, tmp_path / "lembar", today=LATER, changes=store_pending_changes(store)
    )
    assert sheet is not None
    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    row = dict(zip(rows[10], rows[11], strict=True))
    assert row["Tindakan"] == "Hapus"
    assert row["Catatan Sistem"] == "Hapus: dihapus: Renstra diganti dokumen baru"

    _approve(store, config, tmp_path, {"DIP-2025-0002": ("YA", None)}, "P-2.xlsx")
    gone = store.item("DIP-2025-0002")
    assert gone is not None and gone.status == "withdrawn"
    assert gone.ringkasan == "Renstra 2025"  # the item itself is kept as it was
    assert [i.id for i in published(store.items())] == ["DIP-2025-0001", "DIP-2025-0003"]
    (old,) = store.history("DIP-2025-0002")
    assert old["old_values"]["status"] == "approved"
    assert old["old_values"]["alasan"] == "Renstra diganti dokumen baru"


def test_tidak_on_a_change_leaves_the_approved_item_as_it_was(
    store: Store, config: Config, tmp_path: Path
) -> None:
    register_form(
        store,
        _form("Hapus.xlsx", [item("x", tindakan="Hapus", id="DIP-2025-0002", keterangan="Usang")]),
        received=LATER,
        run_id=None,
    )
    before = store.item("DIP-2025-0002")
    outcome = _approve(
        store, config, tmp_path, {"DIP-2025-0002": ("TIDAK", "Masih berlaku")}, "P-2.xlsx"
    )
    assert [(c.item_id, d) for c, d in outcome.changes] == [("DIP-2025-0002", "TIDAK")]
    assert store.item("DIP-2025-0002") == before
    assert store.history("DIP-2025-0002") == []
    assert store_pending_changes(store) == [] and store.pending_change_count() == 0
    # the arahan goes back to the unit in its Arahan workbook
    rows = refused_change_rows(store)
    paths = write_unit_feedback(rows, config.letter, tmp_path / "umpan", today=LATER)
    assert [p.name for p in paths] == ["Arahan-subbagian-hukum.xlsx"]
    sheet = CalamineWorkbook.from_path(str(paths[0])).get_sheet_by_index(0).to_python()
    (row,) = [r for r in sheet if r[0] == "DIP-2025-0002"]
    assert row[1] == "[Permintaan Hapus tidak disetujui] Renstra 2025"
    assert row[4] == "Masih berlaku"
    # a new request for the item takes it off the workbook
    register_form(
        store,
        _form("Hapus-2.xlsx", [item("x", tindakan="Hapus", id="DIP-2025-0002", keterangan="B")]),
        received=LATER,
        run_id=None,
    )
    assert refused_change_rows(store) == [] and store.pending_change_count() == 1


def test_every_bad_change_request_is_refused_at_its_cell_in_indonesian(store: Store) -> None:
    register_form(
        store,
        _form("Hapus-1.xlsx", [item("x", tindakan="Hapus", id="DIP-2025-0001", keterangan="A")]),
        received=LATER,
        run_id=None,
    )
    out = register_form(
        store,
        _form(
            "Salah.xlsx",
            [
                item("Tanpa ID", tindakan="Ubah"),
                item("Milik unit lain", tindakan="Ubah", id="DIP-2025-0003"),
                item("Kedua kali", tindakan="Hapus", id="DIP-2025-0001", keterangan="B"),
                item("Tidak ada", tindakan="Ubah", id="DIP-2025-0999"),
                item("Renstra 2025", tindakan="Ubah", id="DIP-2025-0002"),  # no change
            ],
        ),  # fmt: skip
        received=LATER,
        run_id=None,
    )
    assert cells(out.refused) == [
        ("A8", "id", "required_if"),
        ("A9", "id", "other_unit"),
        ("A10", "id", "change_pending"),
        ("A11", "id", "unknown_id"),
    ]
    messages = [f.message for f in out.refused]
    assert messages[0].startswith("Tindakan Ubah memerlukan ID Informasi")
    assert "milik unit Subbagian Teknis, bukan Subbagian Hukum" in messages[1]
    assert "sudah memiliki permintaan Hapus yang menunggu" in messages[2]
    assert out.unchanged_ids == ("DIP-2025-0002",)
    assert [c.item_id for c in store_pending_changes(store)] == ["DIP-2025-0001"]


def test_a_withdrawn_item_cannot_be_changed_and_a_pending_one_is_corrected(
    store: Store, config: Config, tmp_path: Path
) -> None:
    register_form(
        store,
        _form("Hapus.xlsx", [item("x", tindakan="Hapus", id="DIP-2025-0002", keterangan="Usang")]),
        received=LATER,
        run_id=None,
    )
    _approve(store, config, tmp_path, {"DIP-2025-0002": ("YA", None)}, "P-2.xlsx")
    register_form(
        store, _form("Baru.xlsx", [item("Laporan Baru 2025")]), received=LATER, run_id=None
    )
    out = register_form(
        store,
        _form(
            "Lagi.xlsx",
            [
                item("Renstra lagi", tindakan="Ubah", id="DIP-2025-0002"),
                item("Laporan Baru 2025 (revisi)", tindakan="Ubah", id="DIP-2025-0004"),
            ],
        ),
        received=LATER,
        run_id=None,
    )
    assert cells(out.refused) == [("A8", "id", "withdrawn")]
    assert "sudah dicabut dari Daftar Informasi Publik" in out.refused[0].message
    # an item still pending has nothing public to change: the row corrects it, as before
    assert out.corrected_ids == ("DIP-2025-0004",)
    pending = store.item("DIP-2025-0004")
    assert pending is not None and pending.ringkasan == "Laporan Baru 2025 (revisi)"
    assert store_pending_changes(store) == []


def test_hapus_on_an_item_not_yet_approved_takes_the_proposal_back_at_once(
    store: Store,
) -> None:
    register_form(store, _form("Baru.xlsx", [item("Usulan Baru")]), received=LATER, run_id=None)
    out = register_form(
        store,
        _form("Tarik.xlsx", [item("", tindakan="Hapus", id="DIP-2025-0004", keterangan="Salah")]),
        received=LATER,
        run_id=None,
    )
    assert out.withdrawn_ids == ("DIP-2025-0004",)
    assert store.item("DIP-2025-0004").status == "withdrawn"  # type: ignore[union-attr]
    assert store_pending_changes(store) == []


def test_an_old_sheet_row_cannot_decide_a_change_filed_after_it(
    store: Store, config: Config, tmp_path: Path
) -> None:
    """A row for the item itself (no Tindakan) on a copied older sheet is not the change."""
    register_form(
        store, _form("Baru.xlsx", [item("Usulan Lama")]), received=LATER, run_id=None
    )  # DIP-2025-0004, pending
    old_sheet = write_approval_sheet(
        store.items(status="pending"), config.letter, tmp_path / "lama", today=LATER
    )
    assert old_sheet is not None
    # the old sheet lists 0004; pretend its row were for 0001 (approved, with a change pending)
    import openpyxl

    register_form(
        store,
        _form("Ubah.xlsx", [item("Profil baru", tindakan="Ubah", id="DIP-2025-0001")]),
        received=LATER,
        run_id=None,
    )
    wb = openpyxl.load_workbook(old_sheet)
    ws = wb.active
    ws.protection.sheet = False
    ws.cell(12, 1).value = "DIP-2025-0001"  # the first row (header on row 11)
    wb.save(old_sheet)
    filled = fill_approval_sheet(
        old_sheet, tmp_path / "in" / "Lama.xlsx", {"DIP-2025-0001": ("YA", None)}, tanggal=LATER
    )
    outcome = apply_approval(store, validate_file(filled), run_id=None, received=LATER)
    assert [(f.field, f.type) for f in outcome.skipped] == [("id", "stale_row")]
    assert store.item("DIP-2025-0001").ringkasan == "Profil KPU Kabupaten"  # type: ignore[union-attr]
    assert [c.item_id for c in store_pending_changes(store)] == ["DIP-2025-0001"]


def test_a_change_is_dated_as_an_approval_by_the_day_its_sheet_came_in(
    store: Store, config: Config, tmp_path: Path
) -> None:
    """An approved Tindakan Ubah changes the published lists on the night its sheet is taken
    in, as an approved new item does; the Atasan's own date on the sheet is earlier. The
    DIP's 'Keadaan per' follows: two versions of the list never carry the same date."""
    from ppid_batch.register.changelog import CHANGED, changes_from_store, last_change_on

    ubah = item("Profil KPU Kabupaten Mesuji", tindakan="Ubah", id="DIP-2025-0001")
    register_form(store, _form("Ubah.xlsx", [ubah]), received=LATER, run_id=None)
    sheet = write_approval_sheet(
        [], config, tmp_path / "lembar", today=LATER, changes=store_pending_changes(store)
    )
    assert sheet is not None
    signed, came_in = dt.date(2025, 4, 3), dt.date(2025, 4, 7)
    decisions = {"DIP-2025-0001": ("YA", None)}
    filled = fill_approval_sheet(sheet, tmp_path / "in" / "Ubah-ya.xlsx", decisions, tanggal=signed)
    report = validate_file(filled)
    assert report.ok, report.errors
    apply_approval(store, report, run_id=None, received=came_in)
    facts = changes_from_store(store)
    assert [(f.item_id, f.action, f.changed_on) for f in facts if f.action == CHANGED] == [
        ("DIP-2025-0001", CHANGED, came_in)
    ]
    assert last_change_on(store, [], dt.date(2025, 5, 1)) == came_in


def test_pending_requests_of_many_ids_are_the_same_as_of_few(store: Store) -> None:
    # An approval sheet asks for thousands of IDs at once: past IN_CHUNK the store sifts
    # every pending request instead of one IN query per chunk; the answer must not differ.
    from ppid_batch.register.changes import pending_changes
    from ppid_batch.store.core import IN_CHUNK

    rows = [
        item("Profil KPU Kabupaten Mesuji", tindakan="Ubah", id="DIP-2025-0001"),
        item("", tindakan="Hapus", id="DIP-2025-0003", keterangan="Sudah tidak berlaku"),
    ]
    register_form(store, _form("Ubah.xlsx", rows[:1]), received=LATER, run_id=None)
    register_form(
        store, _form("Hapus.xlsx", rows[1:], unit="Subbagian Teknis"), received=LATER, run_id=None
    )
    few = pending_changes(store, ["DIP-2025-0003", "DIP-2025-0001", "DIP-2025-0002"])
    assert sorted(few) == ["DIP-2025-0001", "DIP-2025-0003"]
    many_ids = [f"DIP-2024-{n:04d}" for n in range(1, IN_CHUNK + 2)] + ["DIP-2025-0003"]
    many = pending_changes(store, many_ids + ["DIP-2025-0001"])
    assert len(many_ids) > IN_CHUNK
    assert many == few
    assert list(many) == ["DIP-2025-0001", "DIP-2025-0003"]  # filing order
    assert pending_changes(store, many_ids) == {"DIP-2025-0003": few["DIP-2025-0003"]}


def test_the_issued_sheet_lists_pending_items_and_changes_as_the_sheet_orders_them(
    store: Store, config: Config, tmp_path: Path
) -> None:
    """write_issued_sheet hands the sheet the rows it issued (not sorted a second time): the
    file is the one the sheet writes from the items and changes themselves."""
    from ppid_batch.approve.identity import issue, load_secret
    from ppid_batch.approve.issuing import write_issued_sheet
    from ppid_batch.approve.sheet import sheet_rows
    from ppid_batch.register.changes import change_rows

    register_form(
        store,
        _form(
            "Campur.xlsx",
            [
                item("Renstra 2025-2029", tindakan="Ubah", id="DIP-2025-0002"),
                item("Laporan Kinerja 2024"),
                item("Agenda Pimpinan"),
            ],
        ),
        received=LATER,
        run_id=None,
    )
    register_form(
        store,
        _form("Teknis.xlsx", [item("Peta TPS")], unit="Subbagian Teknis"),
        received=LATER,
        run_id=None,
    )
    changes = store_pending_changes(store)
    pending = store.items(status="pending")
    assert len(changes) == 1 and len(pending) == 3
    issued = write_issued_sheet(
        store, store.items(), config, tmp_path / "a", today=LATER, changes=changes
    )
    assert issued is not None
    rows = CalamineWorkbook.from_path(str(issued)).get_sheet_by_index(0).to_python()
    listed = [(r[0], r[1]) for r in rows[11:]]
    assert listed == [
        ("DIP-2025-0002", "Subbagian Hukum"),
        ("DIP-2025-0004", "Subbagian Hukum"),
        ("DIP-2025-0005", "Subbagian Hukum"),
        ("DIP-2025-0006", "Subbagian Teknis"),
    ]
    order = sheet_rows(pending, change_rows(changes)[0])
    assert [i.id for i in order] == [item_id for item_id, _ in listed]
    # The same identity (the sheet issued just now is re-used), sorted by the sheet itself.
    identity = issue(store, load_secret(config.var_dir), order, today=LATER)
    assert identity.reused
    again = write_approval_sheet(
        store.items(), config.letter, tmp_path / "b", today=LATER, changes=changes,
        notes=None, identity=identity, approval_dir=config.approval_dir,
    )  # fmt: skip
    assert again is not None and again.name == issued.name
    assert again.read_bytes() == issued.read_bytes()
