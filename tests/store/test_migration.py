"""The forward migration path: a database made by schema version 1 opens with the current code."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

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


# ---- a new SQLite register: the current schema at once (store/sqlite_schema.py) ----


def _migrated_statements() -> list[str]:
    """What create_v1 and every migration after it leave in an empty SQLite database."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        for step in migrations.MIGRATIONS:
            step(conn)
        statements = migrations.sqlite_statements(conn)
    engine.dispose()
    return statements


def _literals(text: str, width: int = 84) -> list[str]:
    """Python string literals, each within `width`, whose concatenation is `text`."""
    parts: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(repr(line)) > width:
            cut = line.rfind(" ", 0, width - 8) + 1
            parts.append(line[:cut])
            line = line[cut:]
        parts.append(line)
    shown = [repr(p) for p in parts]
    return [f'"{s[1:-1]}"' if s[0] == "'" and '"' not in s else s for s in shown]


def sqlite_schema_source(statements: list[str]) -> str:
    """ppid_batch/store/sqlite_schema.py for these statements (the indexes one migration
    creates together in their names' order, not a set's)."""
    ordered: list[str] = []
    for is_index, run in itertools.groupby(statements, lambda s: s.startswith("CREATE INDEX")):
        group = list(run)
        ordered += sorted(group) if is_index else group
    body = "".join(
        "".join(f"    {literal}\n" for literal in [*_literals(statement)[:-1], last + ","])
        for statement in ordered
        for last in _literals(statement)[-1:]
    )
    return (
        '"""The SQL that create_v1 and every migration after it leave in an empty SQLite\n'
        "database (migrations.sqlite_statements), in the order they create it: a new\n"
        "register is created with it at once. Written by `python\n"
        "tests/store/test_migration.py`, which holds it to the migrations; a version\n"
        'other than SCHEMA_VERSION is never used."""\n\n'
        f"VERSION = {migrations.SCHEMA_VERSION}\n\n"
        "# fmt: off\n"
        f"STATEMENTS: tuple[str, ...] = (\n{body})\n"
        "# fmt: on\n"
    )


def test_the_new_sqlite_schema_is_what_the_migrations_leave() -> None:
    """When this fails after a new migration, rewrite store/sqlite_schema.py with
    `python tests/store/test_migration.py` (until then a new register is migrated)."""
    from ppid_batch.store import sqlite_schema

    assert sqlite_schema.VERSION == SCHEMA_VERSION
    # migrate_v2 creates its indexes in the order of a set: compared as a multiset (the
    # creation test below shows the file's order creates each table before its indexes)
    assert sorted(sqlite_schema.STATEMENTS) == sorted(_migrated_statements())


def _master(url: str) -> list[tuple[Any, ...]]:
    """Every table and index SQLite keeps, with its SQL (sorted: see above)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master").all()
    engine.dispose()
    return sorted((tuple(row) for row in rows), key=repr)


def test_a_new_sqlite_register_is_created_at_once_as_migrating_would(
    new_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schema created at once equals, table for table and index for index, the one
    each migration in turn makes; the version rows are the same too."""
    clock = lambda: dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)  # noqa: E731
    at_once, stepwise = new_url(), new_url()
    ran: list[str] = []
    steps = tuple(
        (lambda conn, step=step: (ran.append(step.__name__), step(conn))[1])
        for step in migrations.MIGRATIONS
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    Store.open(at_once, clock=clock).close()
    assert ran == []
    monkeypatch.setattr(migrations, "_create_current_sqlite", lambda conn: False)
    Store.open(stepwise, clock=clock).close()
    assert ran == ["create_v1", "migrate_v2", "migrate_v3", "migrate_v4"]
    assert _master(at_once) == _master(stepwise)
    versions = "SELECT version, applied_at FROM schema_version ORDER BY version"
    engines = [sa.create_engine(u) for u in (at_once, stepwise)]
    try:
        rows = [e.connect().exec_driver_sql(versions).all() for e in engines]
    finally:
        for e in engines:
            e.dispose()
    assert rows[0] == rows[1] and [v for v, _ in rows[0]] == [1, 2, 3, 4]
    assert _shape(at_once) == _shape(stepwise)
    with Store.open(at_once) as store:  # and it opens as a current register
        assert store.version == SCHEMA_VERSION


def test_a_register_not_empty_or_of_another_version_is_migrated(
    new_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statements of another version, or a database holding anything already, are never
    run: the migrations are (a version-1 register is brought forward as before)."""
    from ppid_batch.store import sqlite_schema

    old = new_url()
    _make_v1(old)
    monkeypatch.setattr(sqlite_schema, "STATEMENTS", ("CREATE TABLE not_the_schema (x INTEGER)",))
    with Store.open(old) as store:
        assert store.version == SCHEMA_VERSION and len(store.items()) == 1
    assert "not_the_schema" not in _shape(old)
    monkeypatch.setattr(sqlite_schema, "VERSION", SCHEMA_VERSION - 1)
    fresh = new_url()
    Store.open(fresh).close()
    assert "not_the_schema" not in _shape(fresh)
    assert _shape(fresh) == _shape(old)


if __name__ == "__main__":
    from pathlib import Path

    target = Path(migrations.__file__).with_name("sqlite_schema.py")
    target.write_text(sqlite_schema_source(_migrated_statements()), encoding="utf-8")
    print(f"wrote {target}")
