"""Many offices in one PostgreSQL database: `db kantor-baru`, isolation, nights at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from batch_util import NIGHT_1, NIGHT_2, drop, examples, make_workspace
from click.testing import CliRunner
from pg_util import PgServer, point_workspace_at

from ppid_batch.batch.demo import DECIDED_ON, fill_approval_sheet
from ppid_batch.cli import cli
from ppid_batch.store.core import Store
from ppid_batch.store.nota_dinas import nota_dinas_list
from ppid_batch.store.offices import create_office, list_offices

SANDI = "sandi-rahasia-kantor-123"


@pytest.fixture(scope="module")
def shared_db(pg_server: PgServer) -> str:
    """The admin URL of a database of its own: kantor-baru changes database-wide rights."""
    return pg_server.new_database()


def _kantor_baru(admin_url: str, satker: str, nama: str, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        ["db", "kantor-baru", "--admin-url", admin_url, "--satker", satker, "--nama", nama,
         *extra],
    )  # fmt: skip
    found = re.search(r'^database = "(.+)"$', result.output, re.MULTILINE)
    return result.exit_code, result.output, found[1] if found else ""


def _denied(url: str, sql: str) -> str:
    """Run `sql` as the role in `url`; the PostgreSQL error text (fails the test if allowed)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn, pytest.raises(sa.exc.ProgrammingError) as caught:
            conn.exec_driver_sql(sql)
        return str(caught.value.orig)
    finally:
        engine.dispose()


def test_a_new_office_gets_a_url_whose_role_sees_only_its_own_register(
    pg_server: PgServer, shared_db: str
) -> None:
    code, output, url_a = _kantor_baru(shared_db, "1811", "KPU Kabupaten Mesuji", "--sandi", SANDI)
    assert code == 0, output
    assert "skema kantor_1811, peran ppid_1811" in output
    code, output, url_b = _kantor_baru(
        shared_db, "1812", "KPU Kabupaten Tulang Bawang", "--sandi", SANDI
    )
    assert code == 0, output
    assert sa.make_url(url_a).username == "ppid_1811" and sa.make_url(url_a).password == SANDI
    # the printed URL opens the office's own register, already created and owned by it
    with Store.open(url_a) as store:
        assert store.items() == []
        with store.begin() as conn:
            assert conn.scalar(sa.text("SELECT current_user")) == "ppid_1811"
            assert conn.scalar(sa.text("SELECT current_schema()")) == "kantor_1811"
            owners = conn.execute(
                sa.text(
                    "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'kantor_1811'"
                )
            ).scalars()
            assert list(owners) == ["ppid_1811"]
    # PostgreSQL itself refuses the other office's credentials on this office's data …
    for sql in (
        "SELECT * FROM kantor_1811.items",
        "INSERT INTO kantor_1811.runs (id, started, status) VALUES (99, 'x', 'running')",
        "DELETE FROM kantor_1811.events",
        "DROP TABLE kantor_1811.items",
        "CREATE TABLE kantor_1811.sisipan (x int)",
    ):
        assert "permission denied for schema kantor_1811" in _denied(url_b, sql), sql
    # … on the office directory, and on the public schema
    assert "permission denied for schema ppid_pusat" in _denied(
        url_b, "SELECT * FROM ppid_pusat.kantor"
    )
    assert "permission denied for schema public" in _denied(url_b, "CREATE TABLE public.x (y int)")
    # … also when the office points its own search_path at the other schema: PostgreSQL
    # leaves a schema without USAGE out of the path, so the tables are not even there
    forged = sa.make_url(url_b).update_query_dict({"options": "-csearch_path=kantor_1811"})
    assert 'relation "items" does not exist' in _denied(
        forged.render_as_string(hide_password=False), "SELECT * FROM items"
    )
    # … and it cannot grant itself in: the schema is the administrator's, not the office's
    assert "must be owner of schema" in _denied(
        url_b, "GRANT USAGE ON SCHEMA kantor_1811 TO ppid_1812"
    ) or "permission denied" in _denied(url_b, "GRANT USAGE ON SCHEMA kantor_1811 TO ppid_1812")
    assert "must be owner of schema" in _denied(url_a, "DROP SCHEMA kantor_1811 CASCADE")
    engine = sa.create_engine(shared_db)
    assert [(o.satker, o.nama) for o in list_offices(engine)] == [
        ("1811", "KPU Kabupaten Mesuji"),
        ("1812", "KPU Kabupaten Tulang Bawang"),
    ]
    engine.dispose()


def test_the_password_reaches_neither_the_output_log_nor_the_server_log(
    pg_server: PgServer, shared_db: str
) -> None:
    admin = sa.create_engine(shared_db, isolation_level="AUTOCOMMIT")
    database = sa.make_url(shared_db).database
    with admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE {database} SET log_statement = 'all'")
    try:
        code, output, url = _kantor_baru(
            shared_db, "1813", "KPU Kabupaten Lampung Barat", "--sandi", SANDI
        )
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"ALTER DATABASE {database} RESET log_statement")
        admin.dispose()
    assert code == 0, output
    server_log = pg_server.log.read_text(errors="replace")
    (create,) = [line for line in server_log.splitlines() if 'CREATE ROLE "ppid_1813"' in line]
    assert "PASSWORD 'SCRAM-SHA-256$4096:" in create  # the statement was logged …
    assert SANDI not in server_log  # … with the SCRAM verifier, never the password
    assert output.count(SANDI) == 1  # once, in the URL the administrator copies
    with Store.open(url) as store:
        assert store.version > 0


def test_the_password_is_asked_without_echo_when_not_given(shared_db: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["db", "kantor-baru", "--admin-url", shared_db, "--satker", "1814", "--nama", "KPU X"],
        input=f"{SANDI}\n{SANDI}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(SANDI) == 1  # the prompt did not echo it; the URL holds it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--satker", "18;DROP", "--sandi", SANDI], "Kode satker '18;DROP' tidak sah"),
        (["--satker", "1815", "--sandi", "pendek"], "terlalu pendek"),
        (["--satker", "1811", "--sandi", SANDI], "Peran ppid_1811 untuk satker 1811 sudah ada"),
    ],
)
def test_wrong_office_requests_are_one_indonesian_line(
    shared_db: str, args: list[str], message: str
) -> None:
    if "1811" in args:
        _kantor_baru(shared_db, "1811", "KPU Kabupaten Mesuji", "--sandi", SANDI)
    result = CliRunner().invoke(
        cli, ["db", "kantor-baru", "--admin-url", shared_db, "--nama", "KPU Y", *args]
    )
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_an_office_cannot_be_made_in_a_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bersama.sqlite'}"
    args = ["--admin-url", url, "--satker", "1811", "--nama", "KPU", "--sandi", SANDI]
    result = CliRunner().invoke(cli, ["db", "kantor-baru", *args])
    assert result.exit_code == 2 and "bukan PostgreSQL" in result.output


# ---------------------------------------------------------------------------
# Several offices' nights at once, as separate processes
# ---------------------------------------------------------------------------


def _office_workspace(root: Path, url: str, code: str, nama: str) -> Path:
    ws = make_workspace(root / code)
    point_workspace_at(ws, url)
    toml = ws / "ppid.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'kode_wilayah = "1811"', f'kode_wilayah = "{code}"'
    )
    text = text.replace(
        'nama_satker = "Komisi Pemilihan Umum Kabupaten Mesuji"', f'nama_satker = "{nama}"'
    )
    toml.write_text(text, encoding="utf-8")
    return ws


def _night(ws: Path, now: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PPID_WORKSPACE": str(ws)}
    return subprocess.Popen(
        [sys.executable, "-m", "ppid_batch", "run", "--now", now],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def three_offices(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, list[Path]]]:
    admin = pg_server.new_database()
    root = tmp_path_factory.mktemp("kantor")
    offices = [("1871", "KPU Kota Bandar Lampung"), ("1872", "KPU Kota Metro"),
               ("1873", "KPU Kabupaten Pesisir Barat")]  # fmt: skip
    workspaces = []
    for code, nama in offices:
        made = create_office(admin, code, nama, SANDI)
        workspaces.append(_office_workspace(root, made.url, code, nama))
    yield admin, workspaces


@pytest.mark.slow
def test_three_offices_run_their_nights_at_once_with_their_own_numbers(
    three_offices: tuple[str, list[Path]], tmp_path: Path
) -> None:
    _admin, workspaces = three_offices
    keuangan = [p for p in examples() if "Keuangan" in p.name]
    teknis = [p for p in examples() if "Teknis" in p.name]
    for n, ws in enumerate(workspaces):
        drop(ws, keuangan if n != 1 else teknis + keuangan)
    nights = [_night(ws, NIGHT_1) for ws in workspaces]
    outputs = [p.communicate(timeout=300)[0] for p in nights]
    assert [p.returncode for p in nights] == [0, 0, 0], outputs
    for n, ws in enumerate(workspaces):
        with Store.open(sa_url(ws)) as store:
            ids = [i.id for i in store.items()]
        expected = 14 + (12 if n == 1 else 0)
        assert ids == [f"DIP-2026-{k:04d}" for k in range(1, expected + 1)]  # each from 0001
    # the Atasan of each office approves; the second nights run at once too
    for ws in workspaces:
        (sheet,) = (ws / "output" / "persetujuan").glob("*.xlsx")
        filled = tmp_path / f"{ws.name}-persetujuan.xlsx"
        fill_approval_sheet(sheet, filled, atasan="Drs. Ahmad Fauzi", day=DECIDED_ON)
        drop(ws, [filled])
    nights = [_night(ws, NIGHT_2) for ws in workspaces]
    outputs = [p.communicate(timeout=300)[0] for p in nights]
    assert [p.returncode for p in nights] == [0, 0, 0], outputs
    for n, ws in enumerate(workspaces):
        with Store.open(sa_url(ws)) as store:
            numbers = [nd["number"] for nd in nota_dinas_list(store)]
        code = ws.name
        units = 2 if n == 1 else 1
        assert numbers == [f"{k}/HM.02-ND/{code}/2026" for k in range(1, units + 1)]
        assert len(list((ws / "output" / "nota-dinas").glob("*.docx"))) == units


def sa_url(ws: Path) -> str:
    from ppid_batch.config_file import load_config

    return load_config(ws).database_url


@pytest.mark.slow
def test_one_office_holding_its_register_does_not_stop_another_office_s_night(
    three_offices: tuple[str, list[Path]],
) -> None:
    _admin, workspaces = three_offices
    first, second = workspaces[0], workspaces[2]
    drop(second, [p for p in examples() if "Partisipasi" in p.name])
    with Store.open(sa_url(first)) as store, store.begin() as conn:
        # the first office's night is in the middle of a long transaction, holding its turn
        store.lock_writers(conn)
        conn.execute(sa.text("UPDATE runs SET status = status"))
        night = _night(second, "2026-11-25T01:00:00")
        output = night.communicate(timeout=300)[0]
        assert night.returncode == 0, output  # finished while the first still holds its lock
        assert "12 informasi baru" in output


def test_an_admin_with_createrole_but_not_superuser_prepares_and_reads_offices(
    pg_server: PgServer, tmp_path: Path
) -> None:
    """The setup docs/provinsi.md tells a province to make: database owner + CREATEROLE."""
    root = sa.create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        conn.exec_driver_sql("CREATE ROLE prov_admin LOGIN CREATEROLE")
        conn.exec_driver_sql("CREATE DATABASE provinsi OWNER prov_admin")
    root.dispose()
    admin = sa.make_url(pg_server.url("provinsi")).set(username="prov_admin")
    admin_url = admin.render_as_string(hide_password=False)
    made = create_office(admin_url, "1881", "KPU Kabupaten Mesuji", SANDI)
    with Store.open(made.url) as store:
        assert store.status_counts() == {}
    result = CliRunner().invoke(
        cli, ["rekap", "--sumber", admin_url, "-o", str(tmp_path / "r"), "--now", "2026-12-01"]
    )
    assert result.exit_code == 0, result.output
    assert "Rekap 1 satker, 0 informasi DIP" in result.output


def test_the_roll_up_reads_an_office_in_a_transaction_the_server_keeps_read_only(
    pg_server: PgServer,
) -> None:
    from ppid_batch.store.offices import office_store
    from ppid_batch.store.overview import snapshot_view

    admin = pg_server.new_database()
    made = create_office(admin, "1891", "KPU Kabupaten Baca Saja", SANDI)
    engine = sa.create_engine(admin)
    view = office_store(engine, made.office)
    assert view is not None
    with snapshot_view(view).begin() as conn, pytest.raises(sa.exc.DBAPIError) as caught:
        conn.exec_driver_sql(
            "INSERT INTO kantor_1891.runs (id, started, status) VALUES (1, 'x', 'y')"
        )
    assert "read-only transaction" in str(caught.value.orig)
    engine.dispose()
