"""The forward migration path: a database made by schema version 1 opens with the current code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from store_util import form_report, item

from ppid_batch.register.items import register_form
from ppid_batch.store import migrations
from ppid_batch.store.core import Store
from ppid_batch.store.ids import match_key
from ppid_batch.store.migrations import SCHEMA_VERSION, create_v1, migrate_v2
from ppid_batch.store.schema import METADATA, schema_metadata


def _make_v1(url: str) -> None:
    """A version-1 database as the first release left it, with one registered item."""
    v1 = schema_metadata(1).tables
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        create_v1(conn)
        conn.execute(
            sa.insert(v1["schema_version"]).values(
                version=1, applied_at="2025-01-01T00:00:00+00:00"
            )
        )
        submission = conn.execute(
            sa.insert(v1["submissions"]).values(
                file_name="Form-Lama.xlsx",
                sha256="abc",
                unit="Subbagian Hukum",
                petugas="Rina",
                received=dt.date(2025, 1, 2),
                verdict="accepted",
                rows=1,
                recorded_at="2025-01-02T01:00:00+00:00",
            )
        ).inserted_primary_key
        conn.execute(
            sa.insert(v1["items"]).values(
                id="DIP-2025-0001",
                year=2025,
                seq=1,
                unit="Subbagian Hukum",
                ringkasan="Laporan Keuangan Triwulan I",
                penguasa="Subbagian Hukum",
                penanggung_jawab="Kepala Subbagian Hukum",
                waktu_pembuatan="2025-02",
                tempat_pembuatan="Mesuji",
                bentuk="Softcopy",
                retensi="5 Tahun",
                jenis="Berkala",
                status="pending",
                submission_id=submission[0],
                source_file="Form-Lama.xlsx",
                source_sheet="Form DIP",
                source_row=8,
                received_on=dt.date(2025, 1, 2),
                created_at="t",
                updated_at="t",
            )
        )
    engine.dispose()


def _shape(url: str) -> dict[str, tuple[list[str], list[str]]]:
    """Columns and indexes of every table (indexes behind unique constraints left out)."""
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    shape = {
        table: (
            sorted(c["name"] for c in inspector.get_columns(table)),
            sorted(
                str(i["name"])
                for i in inspector.get_indexes(table)
                if "duplicates_constraint" not in i
            ),
        )
        for table in inspector.get_table_names()
    }
    engine.dispose()
    return shape


def test_a_version_1_database_is_migrated_and_keeps_its_data(new_url: Callable[[], str]) -> None:
    url = new_url()
    _make_v1(url)
    assert "match_key" not in _shape(url)["items"][0]
    with Store.open(url) as store:
        assert store.version == SCHEMA_VERSION
        (old,) = store.items()
        assert (old.id, old.ringkasan, old.received_on) == (
            "DIP-2025-0001",
            "Laporan Keuangan Triwulan I",
            dt.date(2025, 1, 2),
        )
        with store.begin() as conn:
            key = conn.execute(sa.text("SELECT match_key FROM items")).scalar()
        assert key == match_key("Subbagian Hukum", "Laporan Keuangan Triwulan I", "2025-02")
        # the migrated key serves the re-submission rule, and numbering carries on
        out = register_form(
            store,
            form_report("Form-Baru.xlsx", [item("LAPORAN keuangan triwulan I"), item("Notulen")]),
            received=dt.date(2025, 3, 1),
            run_id=None,
        )
        assert [f.type for f in out.duplicates] == ["duplicate"]
        assert out.new_ids == ("DIP-2025-0002",)


def test_migrated_and_fresh_databases_have_the_declared_schema(new_url: Callable[[], str]) -> None:
    old, fresh = new_url(), new_url()
    _make_v1(old)
    Store.open(old).close()
    Store.open(fresh).close()
    migrated = _shape(old)
    assert migrated == _shape(fresh)
    declared = {
        t.name: (sorted(c.name for c in t.columns), sorted(str(i.name) for i in t.indexes))
        for t in METADATA.sorted_tables
    }
    assert migrated == declared


def test_a_failing_migration_leaves_version_1_intact(
    new_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_url()
    _make_v1(url)

    def broken_v2(conn: sa.Connection) -> None:
        migrate_v2(conn)
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "MIGRATIONS", (create_v1, broken_v2))
    with pytest.raises(RuntimeError):
        Store.open(url)
    shape = _shape(url)
    assert "match_key" not in shape["items"][0] and shape["items"][1] == []
    monkeypatch.undo()
    with Store.open(url) as store:
        assert store.version == SCHEMA_VERSION and len(store.items()) == 1


def test_version_3_allows_withdrawn_items_and_still_refuses_other_statuses(
    new_url: Callable[[], str],
) -> None:
    url = new_url()
    _make_v1(url)
    with Store.open(url) as store:
        assert store.version == SCHEMA_VERSION
        items = METADATA.tables["items"]
        with store.begin() as conn:
            conn.execute(
                sa.update(items).where(items.c.id == "DIP-2025-0001").values(status="withdrawn")
            )
        assert store.item("DIP-2025-0001").status == "withdrawn"  # type: ignore[union-attr]
        with pytest.raises(sa.exc.IntegrityError), store.begin() as conn:
            conn.execute(sa.update(items).values(status="hilang"))
        assert store.item("DIP-2025-0001").status == "withdrawn"  # type: ignore[union-attr]
