"""The forward migration path: a database made by schema version 1 opens with the current code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_util import form_report, item

from ppid_batch import store as store_module
from ppid_batch.register import register_form
from ppid_batch.store import (
    METADATA,
    SCHEMA_VERSION,
    Store,
    create_v1,
    match_key,
    migrate_v2,
)


def _make_v1(path: Path) -> None:
    """A version-1 database as the first release left it, with one registered item."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        create_v1(conn)
        conn.exec_driver_sql("INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00+00:00')")
        conn.exec_driver_sql(
            "INSERT INTO submissions (id, file_name, sha256, unit, petugas, received, verdict, "
            "rows, recorded_at) VALUES (1, 'Form-Lama.xlsx', 'abc', 'Subbagian Hukum', 'Rina', "
            "'2025-01-02', 'accepted', 1, '2025-01-02T01:00:00+00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO items (id, year, seq, unit, ringkasan, penguasa, penanggung_jawab, "
            "waktu_pembuatan, tempat_pembuatan, bentuk, retensi, jenis, status, submission_id, "
            "source_file, source_sheet, source_row, received_on, created_at, updated_at) VALUES "
            "('DIP-2025-0001', 2025, 1, 'Subbagian Hukum', 'Laporan Keuangan Triwulan I', "
            "'Subbagian Hukum', 'Kepala Subbagian Hukum', '2025-02', 'Mesuji', 'Softcopy', "
            "'5 Tahun', 'Berkala', 'pending', 1, 'Form-Lama.xlsx', 'Form DIP', 8, '2025-01-02', "
            "'t', 't')"
        )
    engine.dispose()


def _shape(url: str) -> dict[str, tuple[list[str], list[str]]]:
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    shape = {
        table: (
            sorted(c["name"] for c in inspector.get_columns(table)),
            sorted(str(i["name"]) for i in inspector.get_indexes(table)),
        )
        for table in inspector.get_table_names()
    }
    engine.dispose()
    return shape


def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "ppid.sqlite"
    _make_v1(path)
    assert "match_key" not in _shape(f"sqlite:///{path}")["items"][0]
    with Store.open(f"sqlite:///{path}") as store:
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


def test_migrated_and_fresh_databases_have_the_declared_schema(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.sqlite", tmp_path / "fresh.sqlite"
    _make_v1(old)
    Store.open(f"sqlite:///{old}").close()
    Store.open(f"sqlite:///{fresh}").close()
    migrated = _shape(f"sqlite:///{old}")
    assert migrated == _shape(f"sqlite:///{fresh}")
    declared = {
        t.name: (sorted(c.name for c in t.columns), sorted(str(i.name) for i in t.indexes))
        for t in METADATA.sorted_tables
    }
    assert migrated == declared


def test_a_failing_migration_leaves_version_1_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ppid.sqlite"
    _make_v1(path)

    def broken_v2(conn: sa.Connection) -> None:
        migrate_v2(conn)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_module, "MIGRATIONS", (create_v1, broken_v2))
    with pytest.raises(RuntimeError):
        Store.open(f"sqlite:///{path}")
    shape = _shape(f"sqlite:///{path}")
    assert "match_key" not in shape["items"][0] and shape["items"][1] == []
    monkeypatch.undo()
    with Store.open(f"sqlite:///{path}") as store:
        assert store.version == 2 and len(store.items()) == 1
