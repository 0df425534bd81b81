"""The register database: schema, pragmas, transactions, item queries, Nota Dinas numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_util import approval_report, form_report, item

from ppid_batch.approve.apply import apply_approval
from ppid_batch.config import Config
from ppid_batch.errors import StoreError
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store, register_item
from ppid_batch.store.migrations import SCHEMA_VERSION
from ppid_batch.store.nota_dinas import nota_dinas_list, nota_dinas_sizes, number_nota_dinas
from ppid_batch.store.schema import events, nota_dinas, nota_dinas_items, schema_version
from ppid_batch.store.schema import items as items_table

RECEIVED = dt.date(2025, 3, 11)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'var' / 'ppid.sqlite'}") as s:
        yield s


def _register(store: Store, name: str, *titles: str, **kw) -> list[str]:
    out = register_form(
        store, form_report(name, [item(t) for t in titles], **kw), received=RECEIVED, run_id=None
    )
    return list(out.new_ids)


def test_open_creates_the_current_schema_and_the_sqlite_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "var" / "ppid.sqlite"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.version == SCHEMA_VERSION == 4
        with store.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -16 * 1024  # KiB
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {
        "schema_version",
        "submissions",
        "items",
        "item_history",
        "decisions",
        "approval_sheets",
        "nota_dinas",
        "nota_dinas_items",
        "runs",
        "events",
        "change_requests",
        "keputusan",
        "keputusan_items",
    } <= tables


def test_reopening_does_not_migrate_twice(new_url: Callable[[], str]) -> None:
    url = new_url()
    Store.open(url).close()
    with Store.open(url) as store, store.begin() as conn:
        assert conn.execute(sa.select(schema_version.c.version)).scalars().all() == [1, 2, 3, 4]


def test_a_failed_transaction_leaves_the_last_committed_state(store: Store) -> None:
    store.log("kept")
    with pytest.raises(RuntimeError), store.begin():
        store.log("lost-inner")
        with store.begin():  # joins the outer transaction
            store.log("lost-nested")
        raise RuntimeError("crash")
    assert [e["action"] for e in store.events()] == ["kept"]


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError), store.begin() as conn:
        conn.execute(sa.insert(events).values(ts="x", actor="a", action="b", item_id="DIP-1-0001"))


def test_items_are_ordered_by_id_and_filtered(store: Store) -> None:
    a = _register(store, "a.xlsx", "Laporan Keuangan 2025", "Rencana Kerja 2025")
    b = _register(store, "b.xlsx", "Daftar Hadir Rapat", tanggal=dt.date(2024, 12, 1))
    c = _register(store, "c.xlsx", "Notulen Rapat Pleno")
    assert a == ["DIP-2025-0001", "DIP-2025-0002"] and b == ["DIP-2024-0001"]
    assert c == ["DIP-2025-0003"]
    assert [i.id for i in store.items()] == ["DIP-2024-0001", *a, *c]
    assert [i.id for i in store.items(year=2025)] == [*a, *c]
    apply_approval(store, approval_report([(a[1], "YA", None)]), run_id=None)
    assert [i.id for i in store.items(status="approved")] == [a[1]]
    assert [i.id for i in store.items(status="pending", year=2025)] == [a[0], *c]
    assert store.status_counts() == {"pending": 3, "approved": 1}
    with pytest.raises(ValueError):
        store.items(status="done")


def test_items_are_the_register_items_their_whole_rows_make(store: Store, config: Config) -> None:
    """items() reads only the columns an item holds and sets its fields at once; each item
    equals (and hashes as) the one the dataclass builds from the item's whole row."""
    ids = _register(store, "a.xlsx", "Laporan Keuangan 2025", "Rencana Kerja 2025", "Notulen")
    apply_approval(
        store,
        approval_report([(ids[0], "YA", None), (ids[1], "TIDAK", "Lengkapi tautan.")]),
        run_id=None,
    )
    number_nota_dinas(
        store, 2025, "Subbagian Hukum", ids[:1], dt.date(2025, 3, 15), None, numbering(config)
    )
    joined = items_table.outerjoin(
        nota_dinas_items, nota_dinas_items.c.item_id == items_table.c.id
    ).outerjoin(nota_dinas, nota_dinas.c.id == nota_dinas_items.c.nota_dinas_id)
    query = sa.select(items_table, nota_dinas.c.number.label("nota_number")).select_from(joined)
    with store.begin() as conn:
        whole = {row["id"]: row for row in conn.execute(query).mappings()}
    loaded = store.items()
    assert [i.id for i in loaded] == ids
    for got in loaded:
        expected = register_item(whole[got.id])
        assert got == expected and hash(got) == hash(expected) and repr(got) == repr(expected)
        assert got == store.item(got.id) == dataclasses.replace(got)
    approved, refused, pending = loaded
    assert approved.nota_dinas and approved.decided_on == dt.date(2025, 3, 14)
    assert (refused.status, refused.arahan, refused.nota_dinas) == (
        "refused",
        "Lengkapi tautan.",
        None,
    )
    assert pending.received_on == RECEIVED and pending.decided_on is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        pending.status = "approved"  # type: ignore[misc]


def test_items_order_numerically_past_nine_thousand_nine_hundred_ninety_nine(store: Store) -> None:
    with store.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO submissions (file_name, sha256, received, verdict, rows, recorded_at) "
            "VALUES ('x', 'x', '2025-01-01', 'accepted', 0, 'now')"
        )
        conn.exec_driver_sql(
            "INSERT INTO items (id, year, seq, unit, ringkasan, penguasa, penanggung_jawab, "
            "waktu_pembuatan, tempat_pembuatan, bentuk, retensi, jenis, status, submission_id, "
            "source_file, source_sheet, source_row, received_on, created_at, updated_at) "
            "VALUES ('DIP-2025-9999', 2025, 9999, 'U', 'Ringkasan', 'P', 'PJ', '2025', 'M', "
            "'Softcopy', '5 Tahun', 'Berkala', 'pending', 1, 'x', 'S', 1, '2025-01-01', 'n', 'n')"
        )
    new = _register(store, "a.xlsx", "Laporan Keuangan 2025")
    assert new == ["DIP-2025-10000"]
    assert [i.id for i in store.items()] == ["DIP-2025-9999", "DIP-2025-10000"]


def numbering(config: Config) -> Callable[[int], str]:
    """The office's Nota Dinas number for a sequence value in November 2025."""
    return lambda urut: config.nota_number(urut, 2025, 11)


def test_nota_dinas_numbers_run_per_year_and_are_idempotent(store: Store, config: Config) -> None:
    ids = _register(store, "a.xlsx", "Laporan Keuangan 2025", "Rencana Kerja 2025", "Notulen")
    apply_approval(store, approval_report([(i, "YA", None) for i in ids]), run_id=None)
    day = dt.date(2025, 3, 15)
    first = number_nota_dinas(store, 2025, "Subbagian Hukum", ids[:2], day, None, numbering(config))
    assert first == "1/HM.02-ND/1811/2025"
    assert (
        number_nota_dinas(store, 2025, "Subbagian Hukum", ids[1::-1], day, None, numbering(config))
        == first
    )
    second = number_nota_dinas(
        store, 2025, "Subbagian Hukum", ids[2:], day, None, numbering(config)
    )
    assert second == "2/HM.02-ND/1811/2025"
    assert [i.nota_dinas for i in store.items()] == [first, first, second]
    listed = nota_dinas_list(store, 2025)
    assert [(n["number"], n["item_ids"]) for n in listed] == [(first, ids[:2]), (second, ids[2:])]
    # what the annual records read: the same rows, counted in the database
    expected = [
        {k: v for k, v in n.items() if k != "item_ids"} | {"items": len(n["item_ids"])}
        for n in listed
    ]
    assert nota_dinas_sizes(store) == expected and [n["items"] for n in expected] == [2, 1]
    assert [e["detail"]["number"] for e in store.events(action="nota_dinas_issued")] == [
        first,
        second,
    ]
    trail = [(e["actor"], e["action"]) for e in store.events(item_id=ids[2])]
    assert trail == [
        ("Rina Marlina", "item_registered"),
        ("Drs. Ahmad Fauzi", "item_approved"),
        ("ppid-batch", "item_documented"),
    ]


def test_nota_dinas_refuses_pending_items_and_overlaps(store: Store, config: Config) -> None:
    ids = _register(store, "a.xlsx", "Laporan Keuangan 2025", "Rencana Kerja 2025")
    day = dt.date(2025, 3, 15)
    with pytest.raises(ValueError):
        number_nota_dinas(store, 2025, "Subbagian Hukum", ids, day, None, numbering(config))
    apply_approval(store, approval_report([(i, "YA", None) for i in ids]), run_id=None)
    number_nota_dinas(store, 2025, "Subbagian Hukum", ids[:1], day, None, numbering(config))
    with pytest.raises(ValueError):
        number_nota_dinas(store, 2025, "Subbagian Hukum", ids, day, None, numbering(config))
    with pytest.raises(ValueError):
        number_nota_dinas(store, 2025, "Subbagian Lain", ids[1:], day, None, numbering(config))


def test_runs_record_start_finish_and_counts(store: Store) -> None:
    run_id = store.start_run()
    store.finish_run(run_id, "ok", {"forms": 2})
    assert [(e["action"], e["run_id"]) for e in store.events()] == [
        ("run_started", run_id),
        ("run_finished", run_id),
    ]
    assert store.events(action="run_finished")[0]["detail"] == {"status": "ok", "forms": 2}


def test_a_rolled_back_run_leaves_no_gap_in_the_run_numbers(store: Store) -> None:
    first = store.start_run()
    with pytest.raises(RuntimeError), store.begin():
        store.start_run()  # as a dry run does: everything is rolled back at the end
        raise RuntimeError("dry run over")
    assert store.start_run() == first + 1  # staff see "Proses malam #<n>"


def test_a_newer_database_is_refused_with_one_indonesian_line(new_url: Callable[[], str]) -> None:
    url = new_url()
    with Store.open(url) as store, store.begin() as conn:
        conn.execute(sa.insert(schema_version).values(version=99, applied_at="later"))
    with pytest.raises(StoreError, match="berversi 99, lebih baru dari ppid-batch ini"):
        Store.open(url)


def test_an_unopenable_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "ppid.sqlite").mkdir()
    with pytest.raises(StoreError, match="tidak dapat dibuka"):
        Store.open(f"sqlite:///{tmp_path / 'ppid.sqlite'}")


def test_open_without_migration_refuses_an_old_database(new_url: Callable[[], str]) -> None:
    url = new_url()
    with pytest.raises(StoreError, match="perlu diperbarui"):
        Store.open(url, migrate_schema=False)


def test_undocumented_approved_items_and_their_first_decisions(
    store: Store, config: Config
) -> None:
    """The night reads only the approved items no Nota Dinas documents yet (not the whole
    register), and the first decision of each, for the order their numbers follow."""
    from ppid_batch.store.nota_dinas import first_decisions, undocumented_approved

    ids = _register(store, "a.xlsx", "Laporan Keuangan 2025", "Rencana Kerja 2025", "Notulen",
                    "Daftar Hadir")  # fmt: skip
    assert undocumented_approved(store) == []  # all pending
    apply_approval(store, approval_report([(ids[2], "YA", None)]), run_id=None)
    apply_approval(
        store, approval_report([(i, "YA", None) for i in ids[:2]] + [(ids[3], "TIDAK", "x")]),
        run_id=None,
    )  # fmt: skip
    number_nota_dinas(store, 2025, "Subbagian Hukum", ids[:1], dt.date(2025, 3, 15), None,
                      numbering(config))  # fmt: skip
    rows = undocumented_approved(store)
    assert [r[0] for r in rows] == [ids[1], ids[2]]  # ID order; documented and refused left out
    assert {r[1] for r in rows} == {"Subbagian Hukum"}
    order = first_decisions(store, [ids[1], ids[2], "DIP-2025-9999"])
    assert set(order) == {ids[1], ids[2]}  # an id never decided is not there
    assert order[ids[2]] < order[ids[1]]  # ids[2] was decided by the first sheet
    many = first_decisions(store, [ids[1]] * 3 + [f"DIP-2025-{n:04d}" for n in range(600, 1700)])
    assert many == {ids[1]: order[ids[1]]}  # more ids than one IN query holds


def test_insert_many_stores_what_a_core_insert_stores(tmp_path) -> None:
    """`core.insert_many` bypasses SQLAlchemy's per-row parameters: the rows it writes,
    dates and NULLs included, are the ones `conn.execute(sa.insert(...), rows)` writes."""
    import datetime as dt

    import sqlalchemy as sa

    from ppid_batch.store.core import Store, insert_columns, insert_many, insert_tuples
    from ppid_batch.store.schema import runs, submissions

    rows = [
        {
            "file_name": f"Form-{n}-'kutip'-\"ganda\".xlsx",
            "sha256": f"{n:064x}",
            "unit": None if n == 2 else f"Unit {n}",
            "petugas": "Budi",
            "nip": None,
            "tanggal_pengisian": None if n == 1 else dt.date(2025, 1, n + 1),
            "received": dt.date(2026, 11, 23),
            "verdict": "accepted",
            "rows": n,
            "run_id": 1,
            "recorded_at": "2026-11-23T01:00:00+00:00",
        }
        for n in range(4)
    ]
    # insert_tuples: the same rows as tuples, their keys in an order not the table's
    keys = tuple(reversed(rows[0]))
    tuples = [tuple(row[k] for k in keys) for row in rows]
    # insert_columns: a column each, the values every row shares (a date among them) once
    # (nip: a NULL every row has, which the INSERT leaves out)
    shared = {
        k: rows[0][k] for k in ("received", "petugas", "nip", "verdict", "run_id", "recorded_at")
    }
    varying = {k: [row[k] for row in rows] for k in keys if k not in shared}
    stored = []
    for name, write in (
        ("core", lambda conn: conn.execute(sa.insert(submissions), rows)),
        ("many", lambda conn: insert_many(conn, submissions, rows)),
        ("tuples", lambda conn: insert_tuples(conn, submissions, keys, tuples)),
        ("columns", lambda conn: insert_columns(conn, submissions, len(rows), varying, shared)),
    ):
        with Store.open(f"sqlite:///{tmp_path}/{name}.sqlite") as store:
            with store.begin() as conn:
                conn.execute(sa.insert(runs).values(id=1, started="x", status="running"))
                write(conn)
            with store.begin() as conn:
                stored.append(conn.execute(sa.select(submissions).order_by("id")).all())
                raw = conn.exec_driver_sql("SELECT received, tanggal_pengisian FROM submissions")
                stored.append(raw.all())
    assert stored[0] == stored[2] == stored[4] == stored[6]
    # the text SQLite holds, not only what SQLAlchemy reads back
    assert stored[1] == stored[3] == stored[5] == stored[7]
    assert stored[0][2].tanggal_pengisian == dt.date(2025, 1, 3)
    assert len(stored[0]) == 4
    with Store.open(f"sqlite:///{tmp_path}/short.sqlite") as store, store.begin() as conn:
        with pytest.raises(ValueError, match="has 4 values, not 3"):
            insert_columns(conn, submissions, 3, varying, shared)


def test_the_register_gives_each_ringkasan_once(store: Store) -> None:
    """`ringkasan_values` (what the near-duplicate index computed ahead starts from): every
    item's ringkasan, whatever its status, each text once."""
    from ppid_batch.store.registration import ringkasan_values

    assert ringkasan_values(store) == []
    _register(store, "Form-A.xlsx", "Laporan Keuangan 2025", "Daftar Pemilih Tetap")
    _register(store, "Form-B.xlsx", "Laporan Keuangan 2025", unit="Subbagian Teknis")
    _register(store, "Form-C.xlsx", "laporan keuangan 2025", unit="Sekretariat")
    assert sorted(ringkasan_values(store)) == [
        "Daftar Pemilih Tetap",
        "Laporan Keuangan 2025",
        "laporan keuangan 2025",
    ]


def test_insert_columns_binds_a_null_constant_where_the_column_has_a_default(tmp_path) -> None:
    """A NULL constant is left out of the INSERT only where leaving it out stores NULL: a
    column with a default gets NULL bound, not its default."""
    import sqlalchemy as sa

    from ppid_batch.store.core import insert_columns

    md = sa.MetaData()
    table = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plain", sa.Text),
        sa.Column("served", sa.Text, server_default="bawaan"),
    )
    engine = sa.create_engine(f"sqlite:///{tmp_path}/t.sqlite")
    with engine.begin() as conn:
        md.create_all(conn)
        insert_columns(conn, table, 2, {"id": [1, 2]}, dict.fromkeys(("plain", "served")))
        insert_columns(conn, table, 1, {"id": [3]}, {})
        # a column of NULLs alone, beside one with a value
        insert_columns(conn, table, 2, {"id": [4, 5], "plain": [None, None], "served": [None] * 2})
        insert_columns(conn, table, 2, {"id": [6, 7], "plain": [None, "isi"]}, {})
        with pytest.raises(ValueError, match="column plain has 1 values, not 2"):
            insert_columns(conn, table, 2, {"id": [8, 9], "plain": [None]})
        stored = conn.exec_driver_sql("SELECT * FROM t ORDER BY id").all()
    assert stored == [
        (1, None, None),
        (2, None, None),
        (3, None, "bawaan"),
        (4, None, None),
        (5, None, None),
        (6, None, "bawaan"),
        (7, "isi", "bawaan"),
    ]


def test_the_preload_gives_the_oldest_id_of_each_known_match_key(store: Store) -> None:
    """`ids_by_match_key` (the driver's SQL, compiled once per number of keys) for no key,
    one, a few and more than one IN list: each key the register knows → the oldest item
    holding it; unknown keys are left out."""
    from ppid_batch.store.core import IN_CHUNK
    from ppid_batch.store.registration import ids_by_match_key
    from ppid_batch.store.schema import items

    ids = _register(store, "Form-A.xlsx", *(f"Informasi nomor {n}" for n in range(IN_CHUNK + 3)))
    with store.begin() as conn:
        key_of = dict(conn.execute(sa.select(items.c.id, items.c.match_key)).all())
        # a later item holding an earlier one's key (a correction can make it so)
        conn.execute(sa.update(items).where(items.c.id == ids[-1]).values(match_key=key_of[ids[0]]))
    gone = key_of[ids[-1]]  # no item holds it any more
    oldest = {key_of[i]: i for i in reversed(ids[:-1])}
    unknown = ["0" * 64, "f" * 64, gone]
    for keys in (
        [],
        [key_of[ids[0]]],
        [key_of[ids[7]], key_of[ids[2]], *unknown, key_of[ids[7]]],
        [*unknown, *reversed(key_of.values())],
    ):
        want = {k: oldest[k] for k in keys if k in oldest}
        assert ids_by_match_key(store, keys) == want
    assert ids_by_match_key(store, [key_of[ids[0]]]) == {key_of[ids[0]]: ids[0]}
    assert len(ids_by_match_key(store, list(key_of.values()))) == IN_CHUNK + 2
