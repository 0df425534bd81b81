"""Registering validated forms: stable IDs, the re-submission rules of FORM.md, history, events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from store_util import approval_report, cells, form_report, item

from ppid_batch.approve.apply import apply_approval
from ppid_batch.models import Finding
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store

RECEIVED = dt.date(2025, 3, 11)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'ppid.sqlite'}") as s:
        yield s


def _forms() -> list:
    return [
        form_report(
            "Form-DIP-Hukum.xlsx",
            [item("Laporan Keuangan Triwulan I"), item("Rencana Kerja 2025", jenis="Setiap Saat")],
        ),
        form_report(
            "Form-DIP-Teknis.xlsx",
            [item("Daftar Pemilih Tetap", penguasa="Subbagian Teknis")],
            unit="Subbagian Teknis",
            petugas="Budi Santoso",
        ),
    ]


def test_ids_follow_the_form_order_and_the_year_of_tanggal_pengisian(store: Store) -> None:
    a, b = (register_form(store, r, received=RECEIVED, run_id=None) for r in _forms())
    assert (a.status, a.new_ids) == ("registered", ("DIP-2025-0001", "DIP-2025-0002"))
    assert b.new_ids == ("DIP-2025-0003",)
    older = form_report(
        "Form-2024.xlsx", [item("Arsip Pemilu 2024")], tanggal=dt.date(2024, 12, 30)
    )
    assert register_form(store, older, received=RECEIVED, run_id=None).new_ids == ("DIP-2024-0001",)


def test_items_keep_every_field_normalised_with_provenance(store: Store) -> None:
    report = form_report(
        "Form-DIP-Hukum.xlsx",
        [
            item(
                "  Keputusan tentang DPT  ",
                jenis="Dikecualikan",
                dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
                konsekuensi="Data pribadi terbuka",
                tautan="https://jdih.kpu.go.id/",
                keterangan="",
                waktu_pembuatan="2025-01-15",
            )
        ],
    )
    register_form(store, report, received=RECEIVED, run_id=None)
    (got,) = store.items()
    assert got.id == "DIP-2025-0001" and got.status == "pending"
    assert got.ringkasan == "Keputusan tentang DPT"
    assert (got.jenis, got.dasar_pengecualian, got.konsekuensi) == (
        "Dikecualikan",
        "Pasal 17 huruf h UU 14/2008",
        "Data pribadi terbuka",
    )
    assert got.keterangan is None and got.tautan == "https://jdih.kpu.go.id/"
    assert got.waktu_pembuatan == "2025-01-15" and got.unit == "Subbagian Hukum"
    assert (got.source_file, got.source_sheet, got.source_row) == (
        "Form-DIP-Hukum.xlsx",
        "Form DIP",
        8,
    )
    assert got.received_on == RECEIVED and got.nota_dinas is None


def test_the_same_file_twice_is_already_received_and_changes_nothing(store: Store) -> None:
    report = _forms()[0]
    register_form(store, report, received=RECEIVED, run_id=None)
    before = store.items()
    again = register_form(store, report, received=RECEIVED, run_id=None)
    assert again.already_received and again.new_ids == () and again.duplicates == ()
    assert store.items() == before


def test_identical_items_are_duplicate_warnings_not_new_rows(store: Store) -> None:
    register_form(store, _forms()[0], received=RECEIVED, run_id=None)
    resent = form_report(
        "Form-DIP-Hukum-2.xlsx",
        [
            item("laporan   KEUANGAN triwulan i"),  # case and spacing differ: same item
            item("Laporan Keuangan Triwulan I", waktu_pembuatan="2025-03"),  # other waktu: new
            item("Rencana Kerja 2025"),
            item("Rencana Kerja 2025"),  # twice in one form: one warning more, no row
        ],
    )
    out = register_form(store, resent, received=RECEIVED, run_id=None)
    assert out.new_ids == ("DIP-2025-0003",)
    assert cells(out.duplicates) == [
        ("C8", "ringkasan", "duplicate"),
        ("C10", "ringkasan", "duplicate"),
        ("C11", "ringkasan", "duplicate"),
    ]
    assert all(f.severity == "warning" for f in out.duplicates)
    assert "DIP-2025-0001" in out.duplicates[0].message
    other_unit = form_report("Form-Teknis.xlsx", [item("Rencana Kerja 2025")], unit="Teknis")
    assert register_form(store, other_unit, received=RECEIVED, run_id=None).new_ids == (
        "DIP-2025-0004",
    )


def test_a_rejected_form_is_recorded_and_registers_nothing(store: Store) -> None:
    bad = Finding(type="required", message="wajib", field="ringkasan", cell="C8", row=8)
    report = form_report("Form-Rusak.xlsx", [item("Laporan Keuangan")], errors=[bad])
    out = register_form(store, report, received=RECEIVED, run_id=None)
    assert out.status == "rejected" and out.new_ids == ()
    assert store.items() == []
    (event,) = store.events(action="submission_rejected")
    assert event["detail"]["types"] == ["required"] and event["actor"] == "Rina Marlina"
    assert register_form(store, report, received=RECEIVED, run_id=None).already_received


def test_a_pending_item_is_corrected_through_its_id_with_history(store: Store) -> None:
    register_form(store, _forms()[0], received=RECEIVED, run_id=None)
    fix = form_report(
        "Form-DIP-Hukum-koreksi.xlsx",
        [item("Laporan Keuangan Triwulan I 2025", id=" dip-2025-0001 ", bentuk="Hardcopy")],
    )
    out = register_form(store, fix, received=dt.date(2025, 3, 12), run_id=None)
    assert out.corrected_ids == ("DIP-2025-0001",) and out.new_ids == ()
    got = store.item("DIP-2025-0001")
    assert got is not None
    assert (got.ringkasan, got.bentuk, got.source_file) == (
        "Laporan Keuangan Triwulan I 2025",
        "Hardcopy",
        "Form-DIP-Hukum-koreksi.xlsx",
    )
    (old,) = store.history("DIP-2025-0001")
    assert old["old_values"]["ringkasan"] == "Laporan Keuangan Triwulan I"
    assert old["old_values"]["bentuk"] == "Softcopy"
    (event,) = store.events(action="item_corrected")
    assert event["item_id"] == "DIP-2025-0001"
    assert event["detail"]["fields"] == ["bentuk", "ringkasan"]
    same = form_report(
        "Form-lagi.xlsx",
        [item("Laporan Keuangan Triwulan I 2025", id="DIP-2025-0001", bentuk="Hardcopy")],
    )
    assert register_form(store, same, received=RECEIVED, run_id=None).unchanged_ids == (
        "DIP-2025-0001",
    )
    assert len(store.history("DIP-2025-0001")) == 1


def test_corrections_that_the_register_cannot_take_are_findings(store: Store) -> None:
    for report in _forms():
        register_form(store, report, received=RECEIVED, run_id=None)
    apply_approval(store, approval_report([("DIP-2025-0001", "YA", None)]), run_id=None)
    before = store.item("DIP-2025-0001")
    fix = form_report(
        "Form-DIP-Hukum-koreksi.xlsx",
        [
            item("Laporan Keuangan Diubah", id="DIP-2025-0001"),  # approved
            item("Informasi Tak Dikenal", id="DIP-2025-0999"),  # unknown
            item("Daftar Pemilih Tetap Baru", id="DIP-2025-0003"),  # Teknis' item
            item("Informasi Baru Sekali"),  # and the rest of the form still registers
        ],
    )
    out = register_form(store, fix, received=RECEIVED, run_id=None)
    assert cells(out.refused) == [
        ("A8", "id", "already_approved"),
        ("A9", "id", "unknown_id"),
        ("A10", "id", "other_unit"),
    ]
    assert out.new_ids == ("DIP-2025-0004",)
    assert store.item("DIP-2025-0001") == before
    assert "DIP-2025-0999 tidak ada di register" in out.refused[1].message


def test_a_refused_item_corrected_by_its_unit_is_pending_again(store: Store) -> None:
    register_form(store, _forms()[0], received=RECEIVED, run_id=None)
    apply_approval(
        store, approval_report([("DIP-2025-0002", "TIDAK", "Lengkapi tautan")]), run_id=None
    )
    fix = form_report(
        "Form-koreksi.xlsx",
        [
            item(
                "Rencana Kerja 2025",
                id="DIP-2025-0002",
                jenis="Setiap Saat",
                tautan="https://x.id/",
            )
        ],
    )
    out = register_form(store, fix, received=RECEIVED, run_id=None)
    assert out.corrected_ids == ("DIP-2025-0002",)
    got = store.item("DIP-2025-0002")
    assert got is not None and (got.status, got.arahan, got.tautan) == (
        "pending",
        None,
        "https://x.id/",
    )
    (old,) = store.history("DIP-2025-0002")
    assert (old["old_values"]["status"], old["old_values"]["arahan"]) == (
        "refused",
        "Lengkapi tautan",
    )
    assert len(store.decisions("DIP-2025-0002")) == 1  # the decision itself stays on record


def test_one_form_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real_log_actions = store.log_actions

    def crash_after_writing(actions, **kw) -> None:  # type: ignore[no-untyped-def]
        real_log_actions(actions, **kw)  # items and events are written …
        raise RuntimeError("power cut")  # … and the process dies before the commit

    monkeypatch.setattr(store, "log_actions", crash_after_writing)
    with pytest.raises(RuntimeError):
        register_form(store, _forms()[0], received=RECEIVED, run_id=None)
    monkeypatch.undo()
    assert store.items() == [] and store.events() == []
    assert not store.submission_known(_forms()[0].sha256)
    out = register_form(store, _forms()[0], received=RECEIVED, run_id=None)
    assert out.new_ids == ("DIP-2025-0001", "DIP-2025-0002")


@pytest.mark.slow
def test_ids_are_identical_across_two_clean_registers(tmp_path: Path) -> None:
    def build(name: str) -> list[tuple[str, str]]:
        with Store.open(f"sqlite:///{tmp_path / name}") as store:
            for report in sorted(_forms(), key=lambda r: r.path.name):
                register_form(store, report, received=RECEIVED, run_id=None)
            return [(i.id, i.ringkasan) for i in store.items()]

    assert build("a.sqlite") == build("b.sqlite")


def test_events_say_who_registered_what(store: Store) -> None:
    run_id = store.start_run()
    register_form(store, _forms()[1], received=RECEIVED, run_id=run_id)
    got = [(e["actor"], e["action"], e["item_id"], e["run_id"]) for e in store.events()][1:]
    assert got == [
        ("Budi Santoso", "submission_received", None, run_id),
        ("Budi Santoso", "item_registered", "DIP-2025-0001", run_id),
    ]


@pytest.mark.parametrize("name", ["valid", "valid-combined", "shuffled"])
def test_provenance_cells_of_a_real_form_are_stored_as_their_json(
    store: Store, tmp_path: Path, name: str
) -> None:
    # The register keeps `_cells` as JSON text built from parts the whole sheet shares
    # (reader.CellRefs.as_json); it must be the text `dumps(dict(cells))` gives, key order
    # and all: columns out of the template's order, and a combined Tempat/Waktu column.
    import dataclasses
    import json

    from badfiles import FORM_CASES, write_form

    from ppid_batch.forms.reader import CellRefs
    from ppid_batch.forms.validate import validate_file
    from ppid_batch.store.registration import item_row
    from ppid_batch.store.text import dumps

    case = next(c for c in FORM_CASES if c.name == name)
    report = validate_file(write_form(case.form, tmp_path / f"Form-DIP-{name}.xlsx"))
    # the shuffled case carries one wrong Jenis on purpose: registered anyway for its cells
    report = dataclasses.replace(report, errors=())
    outcome = register_form(store, report, received=RECEIVED, run_id=None)
    assert len(outcome.new_ids) == len(report.items) > 1
    for item_id, row in zip(outcome.new_ids, report.items, strict=True):
        assert isinstance(row["_cells"], CellRefs)
        stored = item_row(store, item_id)
        assert stored is not None
        assert stored["source_cells"] == dumps(dict(row["_cells"]))
        assert json.loads(stored["source_cells"])["ringkasan"] == row["_cells"]["ringkasan"]
        assert stored["source_row"] == row["_row"]


@pytest.mark.parametrize("name", ["valid", "shuffled"])
def test_event_details_of_a_real_form_are_the_json_of_their_mapping(
    store: Store, tmp_path: Path, name: str
) -> None:
    # Each new row's `item_registered` detail is built from a prefix made once per form
    # (items._Registrar._row_detail); it must be the text `dumps` gives for the mapping,
    # with a file name that JSON has to escape.
    import dataclasses
    import json

    from badfiles import FORM_CASES, write_form

    from ppid_batch.forms.validate import validate_file
    from ppid_batch.store.schema import events
    from ppid_batch.store.text import dumps

    case = next(c for c in FORM_CASES if c.name == name)
    path = write_form(case.form, tmp_path / f'Form-DIP-"{name}"-Ü\\.xlsx')
    report = dataclasses.replace(validate_file(path), errors=())
    outcome = register_form(store, report, received=RECEIVED, run_id=None)
    with store.begin() as conn:
        rows = conn.execute(
            events.select().where(events.c.action == "item_registered").order_by(events.c.id)
        ).all()
    assert [r.item_id for r in rows] == list(outcome.new_ids)
    for event, row in zip(rows, report.items, strict=True):
        assert event.detail == dumps({"file": path.name, "row": row["_row"]})
        assert json.loads(event.detail) == {"file": path.name, "row": row["_row"]}


def test_a_forms_new_rows_get_the_values_and_match_keys_of_one_row_at_a_time() -> None:
    """register_form works out the new rows' values and match keys a column at a time; on
    the example forms, and on rows with the odd cells a reader can hand over, they are what
    `_values` and `match_key` give for each row."""
    from batch_util import examples

    from ppid_batch.forms.validate import validate_file
    from ppid_batch.register.items import _RINGKASAN, _WAKTU, _value_columns, _values
    from ppid_batch.store.ids import match_key, match_keys
    from ppid_batch.store.schema import ITEM_FIELDS

    odd = [
        item(" Laporan\x00  Keuangan ", keterangan="   ", tautan=""),
        item("RENCANA   kerja", waktu_pembuatan=dt.date(2024, 3, 1), konsekuensi=7),
        item("", waktu_pembuatan=" 2023 ", penguasa=None),
        {"ringkasan": "Baris tanpa kolom lain"},
    ]
    tables = [("Subbagian Hukum", odd)]
    for path in examples():
        report = validate_file(path)
        tables.append((str(report.meta.get("unit") or ""), list(report.items)))
    assert sum(len(rows) for _, rows in tables) > 20
    for unit, rows in tables:
        one_at_a_time = [tuple(_values(row)[k] for k in ITEM_FIELDS) for row in rows]
        assert list(zip(*_value_columns(rows), strict=True)) == one_at_a_time
        pairs = [(v[_RINGKASAN] or "", v[_WAKTU]) for v in one_at_a_time]
        assert match_keys(unit, pairs) == [match_key(unit, r, w) for r, w in pairs]
    assert one_at_a_time and _value_columns([]) == [[] for _ in ITEM_FIELDS]
    # the cleaning itself: NUL dropped and stripped, blanks None, waktu as ISO text
    first, dated, blank, _ = (_values(row) for row in odd)
    assert (first["ringkasan"], first["keterangan"], first["tautan"]) == (
        "Laporan  Keuangan",
        None,
        None,
    )
    assert (dated["waktu_pembuatan"], dated["konsekuensi"]) == ("2024-03-01", 7)
    assert (blank["ringkasan"], blank["waktu_pembuatan"], blank["penguasa"]) == (None, "2023", None)


def test_new_rows_between_corrections_and_tindakan_keep_the_order_of_the_form(
    store: Store,
) -> None:
    """A form's new rows go in a run at a time between its other rows (a correction, a
    Tindakan): IDs, duplicate warnings and events come in the form's row order, and each
    new item's stored columns are those of its own row."""
    import json

    import sqlalchemy as sa

    from ppid_batch.store.ids import match_key
    from ppid_batch.store.schema import items
    from ppid_batch.store.text import dumps

    first = form_report("Form-A.xlsx", [item("Satu"), item("Dua"), item("Tiga")])
    register_form(store, first, received=RECEIVED, run_id=None)
    run_id = store.start_run()
    mixed = form_report(
        "Form-B.xlsx",
        [
            item("Empat"),  # row 8: new
            item("SATU "),  # 9: the register has it (DIP-2025-0001)
            item("Dua", id="DIP-2025-0002", tautan="https://x.id/"),  # 10: a correction
            item("Lima", waktu_pembuatan="2024"),  # 11: new
            item("empat"),  # 12: a new row earlier in this form has it
            item("Tiga", id="DIP-2025-0003", tindakan="Hapus"),  # 13: taken back
            item("Enam", keterangan=" Catatan\x00 "),  # 14: new
        ],
        petugas="Budi",
    )
    out = register_form(store, mixed, received=RECEIVED, run_id=run_id)
    assert out.new_ids == ("DIP-2025-0004", "DIP-2025-0005", "DIP-2025-0006")
    assert (out.corrected_ids, out.withdrawn_ids) == (("DIP-2025-0002",), ("DIP-2025-0003",))
    assert cells(out.duplicates) == [
        ("C9", "ringkasan", "duplicate"),
        ("C12", "ringkasan", "duplicate"),
    ]
    assert "DIP-2025-0001" in out.duplicates[0].message
    assert "DIP-2025-0004" in out.duplicates[1].message
    logged = [
        (e["action"], e["item_id"], e["detail"].get("row"), e["actor"], e["run_id"])
        for e in store.events()
        if e["detail"].get("file") == "Form-B.xlsx"
    ]
    assert logged == [
        ("submission_received", None, None, "Budi", run_id),
        ("item_registered", "DIP-2025-0004", 8, "Budi", run_id),
        ("item_duplicate", "DIP-2025-0001", 9, "Budi", run_id),
        ("item_corrected", "DIP-2025-0002", 10, "Budi", run_id),
        ("item_registered", "DIP-2025-0005", 11, "Budi", run_id),
        ("item_duplicate", "DIP-2025-0004", 12, "Budi", run_id),
        ("item_withdrawn", "DIP-2025-0003", 13, "Budi", run_id),
        ("item_registered", "DIP-2025-0006", 14, "Budi", run_id),
    ]
    with store.begin() as conn:
        stored = {
            r.id: r._mapping
            for r in conn.execute(sa.select(items).where(items.c.id.in_(out.new_ids)))
        }
    for item_id, row in zip(out.new_ids, [mixed.items[n] for n in (0, 3, 6)], strict=True):
        got = stored[item_id]
        assert (got["year"], got["seq"]) == (2025, int(item_id[-4:]))
        assert (got["ringkasan"], got["waktu_pembuatan"]) == (
            row["ringkasan"],
            row["waktu_pembuatan"],
        )
        assert got["match_key"] == match_key(
            "Subbagian Hukum", row["ringkasan"], row["waktu_pembuatan"]
        )
        assert (got["source_file"], got["source_sheet"], got["source_row"]) == (
            "Form-B.xlsx",
            "Form DIP",
            row["_row"],
        )
        assert got["source_cells"] == dumps(dict(row["_cells"]))
        assert json.loads(got["source_cells"])["ringkasan"] == f"C{row['_row']}"
        assert (got["status"], got["decision"], got["unit"]) == ("pending", None, "Subbagian Hukum")
        assert (got["created_run"], got["updated_run"], got["received_on"]) == (
            run_id,
            run_id,
            RECEIVED,
        )
        assert got["created_at"] == got["updated_at"]
    assert stored["DIP-2025-0006"]["keterangan"] == "Catatan"
