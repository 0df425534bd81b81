"""The throwaway PostgreSQL server the tests start (a pytest plugin loaded by conftest.py).

A cluster is made with the server binaries (Debian package `postgresql`) in a
temporary directory, listens only on a unix socket there, and is removed at the
end of the session. Tests that use `pg_server` are skipped only when the server
binaries are not installed (docs/ci-postgres.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ppid_batch.store.core import Store
from ppid_batch.store.schema import METADATA

# ---------------------------------------------------------------------------
# The throwaway server
# ---------------------------------------------------------------------------


def _server_bin() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres (PATH first, then Debian's layout)."""
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if all((directory / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def _server_user() -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as an unprivileged user."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
    pytest.fail("running as root and neither user 'postgres' nor 'nobody' exists")


@dataclasses.dataclass
class PgServer:
    socket_dir: Path
    _names: Iterator[int] = dataclasses.field(default_factory=itertools.count)
    _shared: str | None = None

    def url(self, database: str = "ppid", schema: str | None = None) -> str:
        url = sa.URL.create(
            "postgresql+psycopg",
            username="postgres",
            database=database,
            query={"host": str(self.socket_dir)},
        )
        if schema is not None:
            url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    @property
    def log(self) -> Path:
        return self.socket_dir / "server.log"

    def new_database(self) -> str:
        """The admin URL of a new, empty database (for tests that change database-wide rights)."""
        name = f"db{next(self._names)}"
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return self.url(name)

    def new_register(self) -> str:
        """The URL of a fresh, empty place for a register.

        A schema of its own (through the connection's search_path) rather than a
        database: CREATE DATABASE costs up to a second, CREATE SCHEMA a millisecond.
        """
        name = f"t{next(self._names)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        engine.dispose()
        return self.url(schema=name)

    def emptied_register(self) -> str:
        """The URL of a register with the current schema and no rows.

        One schema made once and emptied for each test: TRUNCATE is several times
        faster than creating the tables again.
        """
        if self._shared is None:
            self._shared = self.new_register()
            Store.open(self._shared).close()
        tables = ", ".join(t.name for t in METADATA.sorted_tables if t.name != "schema_version")
        engine = sa.create_engine(self._shared)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY")
        engine.dispose()
        return self._shared


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _server_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in "
            "/usr/lib/postgresql/*/bin: install the Debian package 'postgresql' to run these tests"
        )
    as_user = _server_user()
    # A short path: the unix socket path must stay under ~100 bytes.
    root = Path(tempfile.mkdtemp(prefix="ppid-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    data, log, pg_ctl = root / "data", root / "server.log", str(bin_dir / "pg_ctl")

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, text=True, timeout=60)

    try:
        if as_user:
            owner = pwd.getpwnam(as_user[2])
            os.chown(root, owner.pw_uid, owner.pw_gid)
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        initdb += ["-E", "UTF8", "--locale=C", "--no-sync"]
        try:
            # A locale-aware (ICU) collation, as on a real office server, so that any text
            # ordering left to the database would differ from SQLite's and be caught.
            run(*initdb, "--locale-provider=icu", "--icu-locale=en-US")
        except subprocess.CalledProcessError:
            shutil.rmtree(data, ignore_errors=True)
            run(*initdb)  # a server built without ICU (or older than 15)
        options = f"-k {root} -c listen_addresses= -c fsync=off -c full_page_writes=off"
        run(pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "30", "start")
        server = PgServer(root)
        engine = sa.create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE ppid")
        engine.dispose()
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.cmd}\n{exc.stderr}\n{server_log}")
    try:
        yield server
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def point_workspace_at(workspace: Path, url: str) -> None:
    """Set `[lokasi] database` in the workspace's ppid.toml, as an office would."""
    toml = workspace / "ppid.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'database = ""' in text
    toml.write_text(text.replace('database = ""', f'database = "{url}"'), encoding="utf-8")
