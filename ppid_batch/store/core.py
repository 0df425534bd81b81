"""The register store behind SOP steps 1–3: items, decisions, Nota Dinas numbers, runs, audit log.

SQLAlchemy Core over SQLite by default (`var/ppid.sqlite`); the queries use
nothing SQLite-specific, so a PostgreSQL URL works too. The schema is built by
an ordered list of migration functions (version 1 first); opening a store
brings an older database forward in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from ..models import ITEM_STATUSES, RegisterItem

SYSTEM_ACTOR = "ppid-batch"
IN_CHUNK = 500  # values per IN (...) query: well under every database's parameter limit
ITEM_FIELDS = (
    "ringkasan",
    "penguasa",
    "penanggung_jawab",
    "waktu_pembuatan",
    "tempat_pembuatan",
    "bentuk",
    "retensi",
    "jenis",
    "dasar_pengecualian",
    "konsekuensi",
    "jangka_pengecualian",
    "kepentingan_publik",
    "tautan",
    "keterangan",
)
DECISIONS = ("YA", "TIDAK")
STATUS_OF_DECISION = {"YA": "approved", "TIDAK": "refused"}
DECISION_OF_STATUS = {v: k for k, v in STATUS_OF_DECISION.items()}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def timestamp(moment: dt.datetime) -> str:
    """Timestamps are ISO 8601 text in UTC: readable in the sqlite3 shell, sortable, portable."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def db_text(value: Any) -> Any:
    """Text as every database stores it: without NUL characters (other values unchanged).

    PostgreSQL refuses NUL in text where SQLite keeps it; in a clerk's cell it is
    invisible junk (Excel's `_x0000_`), so it is dropped before anything is stored.
    """
    return value.replace("\x00", "") if isinstance(value, str) else value


def fold(text: object) -> str:
    """Case and spacing folded, for the FORM.md re-submission rule."""
    return " ".join(str(text or "").split()).casefold()


def match_key(unit: str, ringkasan: str, waktu_pembuatan: str) -> str:
    """Same unit, same ringkasan ignoring case and spacing, same waktu pembuatan → same key.

    Hashed so that the indexed column stays short whatever the ringkasan length.
    """
    raw = "\x1f".join((fold(unit), fold(ringkasan), str(waktu_pembuatan)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def format_item_id(year: int, seq: int) -> str:
    return f"DIP-{year}-{seq:04d}"


def id_order(item_id: str) -> tuple[int, int, str]:
    """Sort key putting `DIP-2025-9999` before `DIP-2025-10000` and years in order."""
    parts = item_id.rsplit("-", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[1]), int(parts[2]), item_id
    return 0, 0, item_id


# ---------------------------------------------------------------------------
# The schema, version by version. `_schema_v<n>(md)` adds what version n added to
# a MetaData; never edit a released one: append `_schema_v<n+1>` and its migration.
# ---------------------------------------------------------------------------

_TS = sa.String(40)  # timestamp text, see timestamp()
STATUS_CHECK_V1 = "status IN ('pending', 'approved', 'refused')"
STATUS_CHECK_V3 = "status IN ('pending', 'approved', 'refused', 'withdrawn')"


def _schema_v1(md: sa.MetaData) -> None:
    """Version 1, the first released schema (frozen)."""
    sa.Table(
        "schema_version",
        md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("applied_at", _TS, nullable=False),
    )
    sa.Table(
        "runs",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started", _TS, nullable=False),
        sa.Column("finished", _TS),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("counts", sa.Text),
    )
    sa.Table(
        "submissions",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("unit", sa.Text),
        sa.Column("petugas", sa.Text),
        sa.Column("nip", sa.String(18)),
        sa.Column("tanggal_pengisian", sa.Date),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    sa.Table(
        "items",
        md,
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("ringkasan", sa.Text, nullable=False),
        sa.Column("penguasa", sa.Text, nullable=False),
        sa.Column("penanggung_jawab", sa.Text, nullable=False),
        sa.Column("waktu_pembuatan", sa.String(10), nullable=False),
        sa.Column("tempat_pembuatan", sa.Text, nullable=False),
        sa.Column("bentuk", sa.String(40), nullable=False),
        sa.Column("retensi", sa.String(80), nullable=False),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("dasar_pengecualian", sa.Text),
        sa.Column("konsekuensi", sa.Text),
        sa.Column("tautan", sa.Text),
        sa.Column("keterangan", sa.Text),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(5)),
        sa.Column("decided_on", sa.Date),
        sa.Column("atasan", sa.Text),
        sa.Column("arahan", sa.Text),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_sheet", sa.Text, nullable=False),
        sa.Column("source_row", sa.Integer, nullable=False),
        sa.Column("source_cells", sa.Text),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("created_run", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("updated_run", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("year", "seq", name="uq_items_year_seq"),
        sa.CheckConstraint(STATUS_CHECK_V1, name="ck_items_status"),
    )
    sa.Table(
        "item_history",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
        sa.Column("old_values", sa.Text, nullable=False),
    )
    sa.Table(
        "approval_sheets",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("atasan", sa.Text),
        sa.Column("tanggal_persetujuan", sa.Date),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
    )
    sa.Table(
        "decisions",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("decision", sa.String(5), nullable=False),
        sa.Column("arahan", sa.Text),
        sa.Column("atasan", sa.Text, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("sheet_sha256", sa.String(64), sa.ForeignKey("approval_sheets.sha256")),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.CheckConstraint("decision IN ('YA', 'TIDAK')", name="ck_decisions_decision"),
    )
    sa.Table(
        "nota_dinas",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Text, nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("urut", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.UniqueConstraint("year", "urut", name="uq_nota_dinas_year_urut"),
    )
    sa.Table(
        "nota_dinas_items",
        md,
        sa.Column("nota_dinas_id", sa.Integer, sa.ForeignKey("nota_dinas.id"), primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), primary_key=True),
        sa.UniqueConstraint("item_id", name="uq_nota_dinas_items_item"),
    )
    sa.Table(
        "events",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ts", _TS, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id")),
        sa.Column("detail", sa.Text),
    )


def _schema_v2(md: sa.MetaData) -> None:
    """Version 2: `items.match_key` for the re-submission rule, and lookup indexes."""
    item_table, event_table = md.tables["items"], md.tables["events"]
    item_table.append_column(sa.Column("match_key", sa.String(64)))
    sa.Index("ix_items_match_key", item_table.c.match_key)
    sa.Index("ix_items_status", item_table.c.status)
    sa.Index("ix_events_item_id", event_table.c.item_id)


def _schema_v3(md: sa.MetaData) -> None:
    """Version 3: the living DIP.

    Items may be `withdrawn` (Tindakan Hapus approved: out of the DIP, never out of the
    register) and carry the exemption's jangka waktu and pertimbangan kepentingan publik;
    `change_requests` holds each Tindakan Ubah/Hapus until the Atasan PPID decides it;
    `keputusan` / `keputusan_items` remember every Keputusan PPID tentang Penetapan DIP
    with what it added, changed or withdrew (so any earlier DIP can be printed again).
    """
    item_table = md.tables["items"]
    for constraint in list(item_table.constraints):
        if constraint.name == "ck_items_status":
            item_table.constraints.discard(constraint)
    item_table.append_constraint(sa.CheckConstraint(STATUS_CHECK_V3, name="ck_items_status"))
    item_table.append_column(sa.Column("jangka_pengecualian", sa.Text))
    item_table.append_column(sa.Column("kepentingan_publik", sa.Text))
    sa.Table(
        "change_requests",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("tindakan", sa.String(10), nullable=False),
        sa.Column("new_values", sa.Text),
        sa.Column("alasan", sa.Text),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
        sa.Column("source_file", sa.Text),
        sa.Column("source_row", sa.Integer),
        sa.Column("created_run", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decision", sa.String(5)),
        sa.Column("decided_on", sa.Date),
        sa.Column("atasan", sa.Text),
        sa.Column("arahan", sa.Text),
        sa.Column("sheet_sha256", sa.String(64)),
        sa.Column("decided_run", sa.Integer, sa.ForeignKey("runs.id")),
        sa.CheckConstraint("tindakan IN ('ubah', 'hapus')", name="ck_change_requests_tindakan"),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused')", name="ck_change_requests_status"
        ),
        sa.Index("ix_change_requests_item_status", "item_id", "status"),
    )
    sa.Table(
        "keputusan",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Text, nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("urut", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("items_count", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.UniqueConstraint("year", "urut", name="uq_keputusan_year_urut"),
    )
    sa.Table(
        "keputusan_items",
        md,
        sa.Column("keputusan_id", sa.Integer, sa.ForeignKey("keputusan.id"), primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), primary_key=True),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("item_values", sa.Text),
        sa.CheckConstraint(
            "change IN ('tambah', 'ubah', 'hapus')", name="ck_keputusan_items_change"
        ),
    )


def _schema_v4(md: sa.MetaData) -> None:
    """Version 4: issued approval sheets (number, code, rows with fingerprints) for issue 18.

    `approval_issues` is every Lembar Persetujuan the batch issued; its rows keep each
    item's fingerprint and values as the Atasan PPID saw them. A returned sheet counts
    only when its number, date and integrity code match one of these. `approval_sheets`
    learns the number it carried and the counts the night reported; `decisions` the
    fields the Atasan PPID changed on a YA row ("disetujui dengan perubahan").
    """
    sa.Table(
        "approval_issues",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(24), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("urut", sa.Integer, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.UniqueConstraint("year", "urut", name="uq_approval_issues_year_urut"),
    )
    sa.Table(
        "approval_issue_rows",
        md,
        sa.Column("issue_id", sa.Integer, sa.ForeignKey("approval_issues.id"), primary_key=True),
        sa.Column("item_id", sa.String(24), sa.ForeignKey("items.id"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Index("ix_approval_issue_rows_item", "item_id"),
    )
    md.tables["approval_sheets"].append_column(sa.Column("sheet_number", sa.String(24)))
    md.tables["approval_sheets"].append_column(sa.Column("counts", sa.Text))
    md.tables["decisions"].append_column(sa.Column("changes", sa.Text))


_SCHEMAS = (_schema_v1, _schema_v2, _schema_v3, _schema_v4)


def schema_metadata(version: int) -> sa.MetaData:
    """The tables as they are at `version` (1 = the first release)."""
    md = sa.MetaData()
    for add in _SCHEMAS[:version]:
        add(md)
    return md


METADATA = schema_metadata(len(_SCHEMAS))
schema_version = METADATA.tables["schema_version"]
runs = METADATA.tables["runs"]
submissions = METADATA.tables["submissions"]
items = METADATA.tables["items"]
change_requests = METADATA.tables["change_requests"]
keputusan = METADATA.tables["keputusan"]
keputusan_items = METADATA.tables["keputusan_items"]
item_history = METADATA.tables["item_history"]
approval_sheets = METADATA.tables["approval_sheets"]
decisions = METADATA.tables["decisions"]
nota_dinas = METADATA.tables["nota_dinas"]
nota_dinas_items = METADATA.tables["nota_dinas_items"]
events = METADATA.tables["events"]
approval_issues = METADATA.tables["approval_issues"]
approval_issue_rows = METADATA.tables["approval_issue_rows"]


# ---------------------------------------------------------------------------
# Migrations: MIGRATIONS[n - 1] brings a database from version n - 1 to n.
# ---------------------------------------------------------------------------


def create_v1(conn: Connection) -> None:
    """Create exactly the version-1 schema in an empty database."""
    schema_metadata(1).create_all(conn)


def migrate_v2(conn: Connection) -> None:
    """Add and backfill `items.match_key`; create the version-2 indexes."""
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN match_key VARCHAR(64)"))
    v2_items = schema_metadata(2).tables["items"]
    rows = conn.execute(
        sa.select(v2_items.c.id, v2_items.c.unit, v2_items.c.ringkasan, v2_items.c.waktu_pembuatan)
    ).all()
    for row in rows:
        key = match_key(row.unit, row.ringkasan, row.waktu_pembuatan)
        conn.execute(sa.update(v2_items).where(v2_items.c.id == row.id).values(match_key=key))
    v2 = schema_metadata(2)
    for name in ("items", "events"):
        for index in v2.tables[name].indexes:
            index.create(conn)


def migrate_v3(conn: Connection) -> None:
    """Allow status `withdrawn`, add the DIK columns and the change and Keputusan tables."""
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN jangka_pengecualian TEXT"))
    conn.execute(sa.text("ALTER TABLE items ADD COLUMN kepentingan_publik TEXT"))
    if conn.dialect.name == "sqlite":
        # SQLite cannot alter a CHECK constraint, and rebuilding `items` would break the
        # foreign keys pointing at it mid-transaction. Its documented alternative for a
        # constraint that only widens (no stored row changes) is editing the schema text.
        old = STATUS_CHECK_V1.removeprefix("status IN ")
        new = STATUS_CHECK_V3.removeprefix("status IN ")
        version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
        conn.exec_driver_sql("PRAGMA writable_schema=ON")
        conn.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' "
            "AND name = 'items'",
            (old, new),
        )
        conn.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema=OFF")
    else:
        conn.execute(sa.text("ALTER TABLE items DROP CONSTRAINT ck_items_status"))
        conn.execute(
            sa.text(f"ALTER TABLE items ADD CONSTRAINT ck_items_status CHECK ({STATUS_CHECK_V3})")
        )
    v3 = schema_metadata(3)
    for name in ("change_requests", "keputusan", "keputusan_items"):
        v3.tables[name].create(conn)


def migrate_v4(conn: Connection) -> None:
    """Create the issued-sheet tables; add the sheet number, counts and Atasan changes."""
    v4 = schema_metadata(4)
    for name in ("approval_issues", "approval_issue_rows"):
        v4.tables[name].create(conn)
    conn.execute(sa.text("ALTER TABLE approval_sheets ADD COLUMN sheet_number VARCHAR(24)"))
    conn.execute(sa.text("ALTER TABLE approval_sheets ADD COLUMN counts TEXT"))
    conn.execute(sa.text("ALTER TABLE decisions ADD COLUMN changes TEXT"))


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    create_v1,
    migrate_v2,
    migrate_v3,
    migrate_v4,
)
SCHEMA_VERSION = len(MIGRATIONS)


def database_version(conn: Connection) -> int:
    """The schema version of the database behind `conn` (0 when it is empty)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.scalar(sa.select(sa.func.max(schema_version.c.version))) or 0)


def migrate(conn: Connection, clock: Callable[[], dt.datetime] = now_utc) -> int:
    """Apply every migration the database lacks, in order; return the version reached."""
    current = database_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"Basis data register berversi {current}, lebih baru dari ppid-batch ini "
            f"(versi {SCHEMA_VERSION}); perbarui ppid-batch."
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(
            sa.insert(schema_version).values(version=version, applied_at=timestamp(clock()))
        )
    return SCHEMA_VERSION


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def url_backend(url: str) -> str:
    """The kind of database `url` names (`sqlite`, `postgresql`, …); ValueError if no URL."""
    try:
        return sa.make_url(url).get_backend_name()
    except sa.exc.ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from exc


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite `url` names (None for a server or an in-memory database)."""
    return _sqlite_path(sa.make_url(url))


def database_exists(url: str) -> bool:
    """Whether a register is at `url`: the SQLite file, or a server database with its tables.

    When that cannot be told (not a URL, no driver, server unreachable) the answer
    is yes, so that opening the store reports the problem.
    """
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = _sqlite_path(parsed)
            return path is None or path.is_file()
        engine = sa.create_engine(parsed)
        try:
            with engine.connect() as conn:
                return sa.inspect(conn).has_table("schema_version")
        finally:
            engine.dispose()
    except (sa.exc.SQLAlchemyError, ImportError, ValueError):
        return True


def shown_url(url: str) -> str:
    """`url` for a message: never its password; an unparseable one is not shown at all."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "(alamat tidak sah)"


def _make_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed)
    path = _sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so DDL
        # and SELECTs are inside them too (migrations are then all-or-nothing).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _open_error(url: str, exc: Exception) -> StoreError:
    return StoreError(f"Register {shown_url(url)} tidak dapat dibuka ({exc.__class__.__name__}).")


class Store:
    """The register database. Open with `Store.open(url)`; write inside `with store.begin():`."""

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = now_utc) -> None:
        self.engine = engine
        self.clock = clock
        self._conn: Connection | None = None

    @classmethod
    def open(
        cls,
        url: str,
        *,
        migrate_schema: bool = True,
        clock: Callable[[], dt.datetime] = now_utc,
    ) -> Store:
        """Open (and create or migrate) the register at `url`.

        With `migrate_schema=False` nothing is written: a database that is not at the
        current version raises StoreError (used by `validate`, which must not write).
        """
        try:
            store = cls(_make_engine(url), clock)
        except (sa.exc.SQLAlchemyError, ImportError, ValueError) as exc:
            # A server URL: unknown dialect, driver not installed, port not a number, …
            reason = (
                f"driver {exc.name} belum terpasang"
                if isinstance(exc, ImportError)
                else exc.__class__.__name__
            )
            raise StoreError(f"Register {shown_url(url)} tidak dapat dibuka: {reason}") from exc
        try:
            with store.begin() as conn:
                if migrate_schema:
                    migrate(conn, clock)
                elif database_version(conn) != SCHEMA_VERSION:
                    raise StoreError(
                        "Register perlu diperbarui; jalankan 'ppid-batch run' terlebih dahulu."
                    )
        except BaseException as exc:
            store.close()
            if isinstance(exc, sa.exc.SQLAlchemyError):
                raise _open_error(url, exc) from exc
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; a `begin()` inside another joins the outer one (all-or-nothing)."""
        if self._conn is not None:
            yield self._conn
            return
        with self.engine.begin() as conn:
            self._conn = conn
            try:
                yield conn
            finally:
                self._conn = None

    def now(self) -> str:
        return timestamp(self.clock())

    def lock_writers(self, conn: Connection) -> None:
        """Wait until no other writer's transaction is open; hold the turn until this one ends.

        Item IDs and Nota Dinas numbers are the highest in use plus one. On a server
        database several workspaces may run at once, and two writers reading the same
        highest number would collide; `FOR UPDATE` on the schema_version rows makes
        them take turns. SQLite has one writer at a time anyway (and no FOR UPDATE).
        """
        conn.execute(sa.select(schema_version.c.version).with_for_update())

    @property
    def version(self) -> int:
        with self.begin() as conn:
            return database_version(conn)

    # ---- audit log ----

    def log(
        self,
        action: str,
        *,
        actor: str = SYSTEM_ACTOR,
        run_id: int | None = None,
        item_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append one event; the log is never updated or deleted."""
        with self.begin() as conn:
            conn.execute(
                sa.insert(events).values(
                    ts=self.now(),
                    run_id=run_id,
                    actor=actor,
                    action=action,
                    item_id=item_id,
                    detail=dumps(dict(detail)) if detail else None,
                )
            )

    def log_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Append many events at once (keys as for `log`); order is kept."""
        if not rows:
            return
        ts = self.now()
        with self.begin() as conn:
            conn.execute(
                sa.insert(events),
                [
                    {
                        "ts": ts,
                        "run_id": r.get("run_id"),
                        "actor": r.get("actor", SYSTEM_ACTOR),
                        "action": r["action"],
                        "item_id": r.get("item_id"),
                        "detail": dumps(dict(r["detail"])) if r.get("detail") else None,
                    }
                    for r in rows
                ],
            )

    def events(
        self, *, item_id: str | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        query = sa.select(events).order_by(events.c.id)
        if item_id is not None:
            query = query.where(events.c.item_id == item_id)
        if action is not None:
            query = query.where(events.c.action == action)
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            {**row, "detail": json.loads(row["detail"]) if row["detail"] else {}} for row in rows
        ]

    # ---- runs ----

    def start_run(self) -> int:
        with self.begin() as conn:
            # Staff see the run number ("Proses malam #n"), so it is the highest plus one,
            # not the database's sequence: PostgreSQL's moves on when a transaction (a dry
            # run) is rolled back, SQLite's rowid does not.
            self.lock_writers(conn)
            run_id = int(conn.scalar(sa.select(sa.func.max(runs.c.id))) or 0) + 1
            conn.execute(sa.insert(runs).values(id=run_id, started=self.now(), status="running"))
            self.log("run_started", run_id=run_id)
        return run_id

    def finish_run(self, run_id: int, status: str, counts: Mapping[str, Any]) -> None:
        with self.begin() as conn:
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(finished=self.now(), status=status, counts=dumps(dict(counts)))
            )
            self.log("run_finished", run_id=run_id, detail={"status": status, **counts})

    def runs(self) -> list[dict[str, Any]]:
        """Every night in the register, oldest first, with its counts decoded."""
        with self.begin() as conn:
            rows = conn.execute(sa.select(runs).order_by(runs.c.id)).mappings().all()
        return [{**row, "counts": json.loads(row["counts"] or "{}")} for row in rows]

    # ---- items ----

    def _item_query(self) -> sa.Select[Any]:
        return (
            sa.select(items, nota_dinas.c.number.label("nota_number"))
            .select_from(
                items.outerjoin(
                    nota_dinas_items, nota_dinas_items.c.item_id == items.c.id
                ).outerjoin(nota_dinas, nota_dinas.c.id == nota_dinas_items.c.nota_dinas_id)
            )
            .order_by(items.c.year, items.c.seq)
        )

    def items(self, status: str | None = None, year: int | None = None) -> list[RegisterItem]:
        """Register items in ID order, optionally only one status and/or one ID year."""
        if status is not None and status not in ITEM_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        query = self._item_query()
        if status is not None:
            query = query.where(items.c.status == status)
        if year is not None:
            query = query.where(items.c.year == year)
        with self.begin() as conn:
            return [register_item(row) for row in conn.execute(query).mappings()]

    def status_counts(self) -> dict[str, int]:
        """How many register items hold each status (statuses with none are left out)."""
        query = sa.select(items.c.status, sa.func.count()).group_by(items.c.status)
        with self.begin() as conn:
            return {status: int(n) for status, n in conn.execute(query)}

    def item(self, item_id: str) -> RegisterItem | None:
        with self.begin() as conn:
            row = conn.execute(self._item_query().where(items.c.id == item_id)).mappings().first()
        return register_item(row) if row else None

    def items_by_id(self, ids: Sequence[str]) -> list[RegisterItem]:
        """The register items with these IDs, in ID order (unknown IDs are left out)."""
        unique = sorted(set(ids))
        found: list[RegisterItem] = []
        with self.begin() as conn:
            for start in range(0, len(unique), IN_CHUNK):
                query = self._item_query().where(items.c.id.in_(unique[start : start + IN_CHUNK]))
                found += [register_item(row) for row in conn.execute(query).mappings()]
        return sorted(found, key=lambda i: id_order(i.id))

    def decisions(self, item_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(decisions).order_by(decisions.c.id)
        if item_id is not None:
            query = query.where(decisions.c.item_id == item_id)
        with self.begin() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def history(self, item_id: str) -> list[dict[str, Any]]:
        query = (
            sa.select(item_history)
            .where(item_history.c.item_id == item_id)
            .order_by(item_history.c.id)
        )
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**row, "old_values": json.loads(row["old_values"])} for row in rows]

    def submission_known(self, sha256: str) -> bool:
        """True when a form or an approval sheet with these bytes was already received."""
        with self.begin() as conn:
            for table in (submissions, approval_sheets):
                if conn.scalar(sa.select(table.c.id).where(table.c.sha256 == sha256)):
                    return True
        return False

    # ---- Nota Dinas numbers ----

    def issue_nota_dinas(
        self,
        year: int,
        unit: str,
        item_ids: Sequence[str],
        date: dt.date,
        run_id: int | None,
        number_for: Callable[[int], str],
        first: int = 1,
    ) -> str:
        """Number a Nota Dinas documenting `item_ids` (approved items of `unit`).

        `number_for(urut)` spells the number from the year's next sequence value (the
        office's pattern lives in its configuration, not here); `first` is the lowest
        sequence value of the year (an office that starts mid-year continues its agenda).

        The per-year sequence `urut` is never reused. Calling again for items that one
        Nota Dinas already documents returns that number instead of issuing a new one.
        """
        wanted = sorted(set(item_ids))
        if not wanted:
            raise ValueError("a Nota Dinas needs at least one item")
        with self.begin() as conn:
            self.lock_writers(conn)
            documented = conn.execute(
                sa.select(nota_dinas_items.c.item_id, nota_dinas.c.number)
                .join(nota_dinas, nota_dinas.c.id == nota_dinas_items.c.nota_dinas_id)
                .where(nota_dinas_items.c.item_id.in_(wanted))
            ).all()
            numbers = {row.number for row in documented}
            if len(documented) == len(wanted) and len(numbers) == 1:
                return numbers.pop()
            if documented:
                raise ValueError(
                    f"items already documented elsewhere: {sorted(r.item_id for r in documented)}"
                )
            found = conn.execute(
                sa.select(items.c.id, items.c.status, items.c.unit).where(items.c.id.in_(wanted))
            ).all()
            if len(found) != len(wanted) or any(
                r.status != "approved" or r.unit != unit for r in found
            ):
                raise ValueError(f"not all approved items of {unit!r}: {wanted}")
            last = conn.scalar(
                sa.select(sa.func.max(nota_dinas.c.urut)).where(nota_dinas.c.year == year)
            )
            # An office that adopts the tool mid-year continues its own agenda.
            urut = max((last or 0) + 1, first)
            number = number_for(urut)
            nd_id = new_id(
                conn.execute(
                    sa.insert(nota_dinas).values(
                        number=number,
                        year=year,
                        urut=urut,
                        unit=unit,
                        date=date,
                        run_id=run_id,
                        recorded_at=self.now(),
                    )
                )
            )
            conn.execute(
                sa.insert(nota_dinas_items),
                [{"nota_dinas_id": nd_id, "item_id": i} for i in wanted],
            )
            self.log(
                "nota_dinas_issued",
                run_id=run_id,
                detail={"number": number, "unit": unit, "items": wanted, "date": date},
            )
            # One event per item too, so an item's own trail runs from form to Nota Dinas.
            self.log_many(
                [
                    {
                        "action": "item_documented",
                        "run_id": run_id,
                        "item_id": i,
                        "detail": {"number": number, "date": date},
                    }
                    for i in wanted
                ]
            )
        return number

    def nota_dinas_list(self, year: int | None = None) -> list[dict[str, Any]]:
        """Issued Nota Dinas in number order, each with the IDs it documents."""
        query = sa.select(nota_dinas).order_by(nota_dinas.c.year, nota_dinas.c.urut)
        if year is not None:
            query = query.where(nota_dinas.c.year == year)
        # The links in one query, not one per Nota Dinas: the night lists every one.
        links = sa.select(nota_dinas_items.c.nota_dinas_id, nota_dinas_items.c.item_id).order_by(
            nota_dinas_items.c.item_id
        )
        with self.begin() as conn:
            rows = conn.execute(query).mappings().all()
            item_ids: dict[int, list[str]] = {}
            for nd_id, item_id in conn.execute(links):
                item_ids.setdefault(nd_id, []).append(item_id)
        return [{**row, "item_ids": item_ids.get(row["id"], [])} for row in rows]


def register_item(row: Mapping[Any, Any]) -> RegisterItem:
    """A RegisterItem from an `items` row (joined with its Nota Dinas number)."""
    return RegisterItem(
        id=row["id"],
        unit=row["unit"],
        **{f: row[f] for f in ITEM_FIELDS},
        status=row["status"],
        source_file=row["source_file"],
        source_sheet=row["source_sheet"],
        source_row=row["source_row"],
        received_on=row["received_on"],
        decided_on=row["decided_on"],
        atasan=row["atasan"],
        arahan=row["arahan"],
        nota_dinas=row.get("nota_number"),
    )


# What the database says when the disk or another program stands in the way, in the
# office's words (the SQL and the driver's English stay in the log).
_DATABASE_REASONS = (
    ("database is locked", "register sedang dikunci program lain (misalnya dibuka di DB Browser)"),
    ("database table is locked", "register sedang dikunci program lain"),
    ("database or disk is full", "disk penuh"),
    ("disk i/o error", "disk rusak, penuh atau terputus"),
    ("readonly database", "register hanya dapat dibaca (periksa izin folder var/)"),
    ("unable to open database file", "berkas register tidak dapat dibuka"),
    ("could not connect to server", "server basis data tidak dapat dihubungi"),
    ("connection refused", "server basis data tidak dapat dihubungi"),
    ("no space left on device", "disk penuh"),
    ("deadlock detected", "register sedang dipakai proses lain"),
    ("lock timeout", "register sedang dikunci program lain"),
)


def database_reason(exc: BaseException) -> str | None:
    """A database error as one Indonesian phrase, or None when it is not one we know."""
    if not isinstance(exc, sa.exc.SQLAlchemyError):
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, reason in _DATABASE_REASONS:
        if needle in text:
            return reason
    return "galat basis data register"
