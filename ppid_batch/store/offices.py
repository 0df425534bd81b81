"""Many offices in one PostgreSQL database: a schema and a login role per office, by GRANTs.

The provincial (or national) administrator prepares each office once with
`create_office`; the office's nightly batch then logs in as its own role, whose
search_path is its own schema. The role may use and create in that schema and
nothing else: another office's schema, the `public` schema and the office
directory (`ppid_pusat.kantor`) answer "permission denied" from PostgreSQL
itself. Roll-ups read every office through the administrator's connection and
`schema_translate_map`, never writing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError, UsageError
from .core import Store
from .engine import shown_url
from .migrations import SCHEMA_VERSION, migrate
from .text import now_utc, timestamp

DIRECTORY_SCHEMA = "ppid_pusat"
SATKER_PATTERN = re.compile(r"[0-9A-Za-z]{1,20}")
MIN_PASSWORD = 12

_directory_md = sa.MetaData(schema=DIRECTORY_SCHEMA)
directory = sa.Table(
    "kantor",
    _directory_md,
    sa.Column("satker", sa.String(20), primary_key=True),
    sa.Column("nama", sa.Text, nullable=False),
    sa.Column("skema", sa.String(63), nullable=False, unique=True),
    sa.Column("peran", sa.String(63), nullable=False, unique=True),
    sa.Column("dibuat", sa.String(40), nullable=False),
)


@dataclass(frozen=True)
class Office:
    """One office in the shared database: its satker code, name, schema and login role."""

    satker: str
    nama: str
    schema: str
    role: str


@dataclass(frozen=True)
class NewOffice:
    office: Office
    url: str  # for the office's ppid.toml: holds the password, shown once and never logged


def office_names(satker: str) -> tuple[str, str]:
    """(schema, role) for a satker code; refuses codes that are not plain letters and digits."""
    code = satker.strip()
    if not SATKER_PATTERN.fullmatch(code):
        raise UsageError(
            f"Kode satker '{satker}' tidak sah: gunakan huruf dan angka saja (paling banyak 20), "
            "contoh 1811."
        )
    code = code.lower()
    return f"kantor_{code}", f"ppid_{code}"


def server_engine(url: str) -> Engine:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise UsageError("Alamat basis data tidak dapat dibaca; periksa penulisannya.") from exc
    if parsed.get_backend_name() != "postgresql":
        raise UsageError(
            f"{shown_url(url)} bukan PostgreSQL: kantor bersama hanya dapat dibuat di server "
            "PostgreSQL (contoh postgresql+psycopg://admin@server/ppid)."
        )
    try:
        return sa.create_engine(parsed)
    except (sa.exc.SQLAlchemyError, ImportError) as exc:
        reason = exc.__class__.__name__
        raise StoreError(f"Server {shown_url(url)} tidak dapat dibuka ({reason}).") from exc


@contextmanager
def _admin(url: str) -> Iterator[Connection]:
    engine = server_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    except sa.exc.ProgrammingError as exc:
        # Most often: the admin role lacks CREATEROLE, or the database's ownership.
        raise StoreError(
            f"Server {shown_url(url)} menolak: {_pg_message(exc)}. Gunakan peran admin "
            "pemilik basis data yang boleh membuat peran (CREATEROLE)."
        ) from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"Server {shown_url(url)} tidak dapat dipakai ({exc.__class__.__name__})."
        ) from exc
    finally:
        engine.dispose()


def _pg_message(exc: sa.exc.DBAPIError) -> str:
    """PostgreSQL's own one-line reason (it never holds a password: those are sent hashed)."""
    first = str(exc.orig).strip().splitlines()
    return first[0] if first else exc.__class__.__name__


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _scram_verifier(conn: Connection, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier libpq computes client-side: the password never goes to the
    server in clear, so no server log (log_statement = all) can ever show it."""
    pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return bytes(verifier).decode("ascii")


def office_url(admin_url: str, role: str, password: str) -> str:
    """The admin URL with the office's role and password instead (same host, port, database)."""
    parsed = sa.make_url(admin_url)
    query = {k: v for k, v in parsed.query.items() if k != "options"}
    return parsed.set(username=role, password=password, query=query).render_as_string(
        hide_password=False
    )


def create_office(
    admin_url: str,
    satker: str,
    nama: str,
    password: str,
    *,
    clock: Callable[[], dt.datetime] = now_utc,
) -> NewOffice:
    """Prepare an office in a shared PostgreSQL database, all in one transaction.

    The schema belongs to the administrator (so the office cannot grant others into it or
    drop it); the office's role gets USAGE and CREATE on it alone, creates its register
    tables there (so it owns them and can migrate them later) and has that schema as its
    search_path. PUBLIC loses its default rights on `public` and on the database, so a
    role can connect only where it is granted.
    """
    schema, role = office_names(satker)
    nama = " ".join(nama.split())
    if not nama:
        raise UsageError('Nama kantor wajib diisi, contoh --nama "KPU Kota Bandung".')
    if len(password) < MIN_PASSWORD:
        raise UsageError(
            f"Kata sandi kantor terlalu pendek: paling sedikit {MIN_PASSWORD} karakter."
        )
    code = satker.strip()
    with _admin(admin_url) as conn:
        q_schema, q_role, q_dir = _quote(conn, schema), _quote(conn, role), DIRECTORY_SCHEMA
        q_db = _quote(conn, conn.scalar(sa.text("SELECT current_database()")))
        if conn.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
            raise UsageError(f"Peran {role} untuk satker {code} sudah ada di server ini.")
        if conn.scalar(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}):
            raise UsageError(f"Skema {schema} untuk satker {code} sudah ada di basis data ini.")
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {q_dir}")
        conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {q_dir} FROM PUBLIC")
        directory.create(conn, checkfirst=True)
        conn.exec_driver_sql("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {q_db} FROM PUBLIC")
        verifier = _scram_verifier(conn, role, password)
        conn.exec_driver_sql(
            f"CREATE ROLE {q_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{verifier}'"
        )
        # The administrator becomes a member, so that a CREATEROLE (not superuser) admin can
        # create the office's tables as the office and read them for the roll-up.
        conn.exec_driver_sql(f"GRANT {q_role} TO CURRENT_USER")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {q_db} TO {q_role}")
        conn.exec_driver_sql(f"CREATE SCHEMA {q_schema} AUTHORIZATION CURRENT_USER")
        conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {q_schema} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA {q_schema} TO {q_role}")
        conn.exec_driver_sql(f"ALTER ROLE {q_role} IN DATABASE {q_db} SET search_path = {q_schema}")
        # The register's tables, created as the office so that it owns them.
        conn.exec_driver_sql(f"SET LOCAL ROLE {q_role}")
        conn.exec_driver_sql(f"SET LOCAL search_path = {q_schema}")
        migrate(conn, clock)
        conn.exec_driver_sql("RESET ROLE")
        conn.exec_driver_sql("SET LOCAL search_path = public")
        conn.execute(
            sa.insert(directory).values(
                satker=code, nama=nama, skema=schema, peran=role, dibuat=timestamp(clock())
            )
        )
    office = Office(code, nama, schema, role)
    return NewOffice(office, office_url(admin_url, role, password))


def _has_directory(conn: Connection) -> bool:
    return sa.inspect(conn).has_table("kantor", schema=DIRECTORY_SCHEMA)


def list_offices(engine: Engine) -> list[Office]:
    """Every office prepared in this database, by satker code (none: not a shared database)."""
    with engine.connect() as conn:
        if not _has_directory(conn):
            return []
        rows = conn.execute(sa.select(directory).order_by(directory.c.satker)).all()
    return [Office(r.satker, r.nama, r.skema, r.peran) for r in rows]


def office_store(engine: Engine, office: Office) -> Store | None:
    """A read view of one office's register through a shared engine (None: no register yet).

    `schema_translate_map` points every table of the store at the office's schema, so the
    Store's queries are reused as they are; the engine's pool is shared by all offices.
    """
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_version", schema=office.schema):
            return None
        version = conn.execute(
            sa.text(f"SELECT max(version) FROM {_quote(conn, office.schema)}.schema_version")
        ).scalar()
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"Register satker {office.satker} berversi {version}, ppid-batch ini versi "
            f"{SCHEMA_VERSION}; jalankan proses malam kantor itu atau perbarui ppid-batch."
        )
    options: dict[str, Any] = {"schema_translate_map": {None: office.schema}}
    return Store(engine.execution_options(**options))
