"""The register store on a real PostgreSQL server: the same IDs, decisions and events as SQLite.

The throwaway cluster (tests/pg_util.py, a session fixture shared with the
many-offices tests) listens only on a unix socket. Each test gets an empty register.
The tests are skipped only when the server binaries are not installed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from batch_util import (
    ATASAN,
    NIGHT_2,
    VOLATILE_COLUMNS,
    VOLATILE_TABLES,
    contents,
    drop,
    examples,
    make_workspace,
    run_cli,
)
from pg_util import PgServer, point_workspace_at
from store_util import (
    FORM_HEADER,
    approval_report,
    fill_approval_sheet,
    form_report,
    form_row,
    item,
    write_form_xlsx,
)

# The store tests below are collected here again and run against PostgreSQL through
# this module's `store` and `config` fixtures: the same assertions, another database.
from test_approve import (  # noqa: F401
    seed_two_units,
    test_a_flip_is_refused_for_that_row_and_the_rest_applies,
    test_a_form_report_is_not_an_approval,
    test_apply_records_decisions_and_who_decided_what_when,
    test_check_against_register_uses_the_workspace_database,
    test_check_against_register_without_a_database_warns_and_writes_nothing,
    test_check_does_not_repeat_what_the_reader_found,
    test_check_names_every_register_problem_at_its_cell,
    test_decisions_need_the_name_and_date_of_the_atasan,
    test_redropping_and_flipping_real_sheets,
    test_the_approval_loop_on_real_files,
    test_the_same_sheet_twice_changes_nothing,
    test_validate_checks_an_approval_sheet_against_the_register,
)
from test_migration import (  # noqa: F401
    test_a_failing_migration_leaves_version_1_intact,
    test_a_version_1_database_is_migrated_and_keeps_its_data,
    test_migrated_and_fresh_databases_have_the_declared_schema,
    test_version_3_allows_withdrawn_items_and_still_refuses_other_statuses,
)
from test_register import (  # noqa: F401
    test_a_pending_item_is_corrected_through_its_id_with_history,
    test_a_refused_item_corrected_by_its_unit_is_pending_again,
    test_a_rejected_form_is_recorded_and_registers_nothing,
    test_corrections_that_the_register_cannot_take_are_findings,
    test_events_say_who_registered_what,
    test_identical_items_are_duplicate_warnings_not_new_rows,
    test_ids_follow_the_form_order_and_the_year_of_tanggal_pengisian,
    test_items_keep_every_field_normalised_with_provenance,
    test_one_form_is_one_transaction,
    test_the_same_file_twice_is_already_received_and_changes_nothing,
)
from test_store import (  # noqa: F401
    test_a_failed_transaction_leaves_the_last_committed_state,
    test_a_newer_database_is_refused_with_one_indonesian_line,
    test_a_rolled_back_run_leaves_no_gap_in_the_run_numbers,
    test_foreign_keys_are_enforced,
    test_items_are_ordered_by_id_and_filtered,
    test_items_order_numerically_past_nine_thousand_nine_hundred_ninety_nine,
    test_nota_dinas_numbers_run_per_year_and_are_idempotent,
    test_nota_dinas_refuses_pending_items_and_overlaps,
    test_open_without_migration_refuses_an_old_database,
    test_reopening_does_not_migrate_twice,
    test_runs_record_start_finish_and_counts,
    test_the_preload_gives_the_oldest_id_of_each_known_match_key,
    test_the_register_gives_each_ringkasan_once,
)

from ppid_batch.approve.apply import apply_approval, check_approval
from ppid_batch.approve.sheet import write_approval_sheet
from ppid_batch.config import Config
from ppid_batch.config_file import load_config
from ppid_batch.errors import StoreError
from ppid_batch.forms.validate import validate_file
from ppid_batch.register.items import register_form
from ppid_batch.store.core import Store
from ppid_batch.store.nota_dinas import nota_dinas_list, nota_dinas_sizes, number_nota_dinas
from ppid_batch.store.schema import METADATA

pytestmark = pytest.mark.slow  # a PostgreSQL cluster is started for the module


def numbered(config: Config, year: int) -> Callable[[int], str]:
    """The office's Nota Dinas number for a sequence value, as on night two."""
    return lambda urut: config.nota_number(urut, year, NIGHT_TWO.month)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return pg_server.new_register()


@pytest.fixture
def new_url(pg_server: PgServer) -> Callable[[], str]:
    """For the store and migration tests: fresh places for a register, on PostgreSQL."""
    return pg_server.new_register


@pytest.fixture
def store(request: pytest.FixtureRequest, pg_server: PgServer) -> Iterator[Store]:
    """An empty register on PostgreSQL; the approval tests' two units already registered."""
    with Store.open(pg_server.emptied_register()) as s:
        if request.function.__module__ == "test_approve":
            seed_two_units(s)
        yield s


@pytest.fixture
def config(workspace: Path, pg_url: str) -> Config:
    """The workspace's config with its register on PostgreSQL."""
    point_workspace_at(workspace, pg_url)
    loaded = load_config(workspace)
    assert loaded.database_url == pg_url
    return loaded


# ---------------------------------------------------------------------------
# The whole flow on the example forms, on both databases, compared
# ---------------------------------------------------------------------------

T0 = dt.datetime(2026, 11, 24, 22, 0, tzinfo=dt.UTC)
NIGHT_ONE, NIGHT_TWO, NIGHT_THREE = (
    dt.date(2026, 11, 24),
    dt.date(2026, 11, 25),
    dt.date(2026, 11, 26),
)


def _clock() -> Callable[[], dt.datetime]:
    """A clock ticking one second per reading, so both databases see the same timestamps."""
    ticks = itertools.count()
    return lambda: T0 + dt.timedelta(seconds=next(ticks))


def _decide(ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Every third item refused with arahan, every fifth left blank, the rest approved."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for n, item_id in enumerate(ids):
        if n % 5 == 4:
            continue
        out[item_id] = ("TIDAK", f"Lengkapi ringkasan {item_id}.") if n % 3 == 2 else ("ya", None)
    return out


def _flow(url: str, config: Config) -> dict[str, Any]:
    """Example forms → register → sheet → decisions → Nota Dinas → re-drop, flip, correction."""
    config = dataclasses.replace(config, database_url=url)
    inbox, sheets = config.input_dir, config.output_dir / "persetujuan"
    with Store.open(url, clock=_clock()) as store:
        run_id = store.start_run()
        outcomes = []
        for path in examples():
            out = register_form(store, validate_file(path), received=NIGHT_ONE, run_id=run_id)
            outcomes.append((out.file, out.status, out.new_ids, len(out.duplicates)))
        store.finish_run(run_id, "ok", {"forms": len(outcomes)})
        sheet = write_approval_sheet(
            store.items(status="pending"), config.letter, sheets, today=NIGHT_ONE
        )
        assert sheet is not None
        pending = [i.id for i in store.items(status="pending")]
        filled = fill_approval_sheet(
            sheet, inbox / "Persetujuan-1.xlsx", _decide(pending), tanggal=NIGHT_TWO
        )
        report = validate_file(filled)
        assert report.ok and check_approval(store, report).errors == (), report.to_json()
        run_id = store.start_run()
        applied = apply_approval(store, report, run_id=run_id, received=NIGHT_TWO)
        redrop = apply_approval(store, validate_file(filled), run_id=run_id, received=NIGHT_TWO)
        numbers = [
            number_nota_dinas(
                store, 2026, unit, [i.id for i in done], NIGHT_TWO, run_id, numbered(config, 2026)
            )
            for unit, done in applied.approved.items()
        ]
        # the Atasan tries to flip an approved item; a unit corrects a refused one
        approved, refused = applied.approved, applied.refused
        first_approved = next(iter(approved.values()))[0]
        flip = fill_approval_sheet(
            sheet,
            inbox / "Persetujuan-2.xlsx",
            {first_approved.id: ("TIDAK", "Tarik kembali")},
            tanggal=NIGHT_THREE,
        )
        flip_report = validate_file(flip)
        flipped = apply_approval(store, flip_report, run_id=run_id, received=NIGHT_THREE)
        fix = next(iter(refused.values()))[0]
        correction = form_report(
            "Form-Perbaikan.xlsx",
            [item(fix.ringkasan + " periode 2026", id=fix.id, penguasa=fix.penguasa)],
            unit=fix.unit,
            petugas="Rina Marlina",
            tanggal=NIGHT_THREE,
        )
        corrected = register_form(store, correction, received=NIGHT_THREE, run_id=run_id)
        store.finish_run(run_id, "ok", {})
        # openpyxl stamps the save time into the filled sheets, so their sha256 differ
        # from one flow to the other: name them by role instead
        sheet_names = {report.sha256: "<sheet 1>", flip_report.sha256: "<sheet 2>"}
        return _renamed(
            sheet_names,
            {
                "registered": outcomes,
                "approved": {u: [i.id for i in v] for u, v in approved.items()},
                "refused": {u: [(i.id, i.arahan) for i in v] for u, v in refused.items()},
                "left_pending": applied.pending,
                "redrop": redrop.status,
                "numbers": numbers,
                "flip": (flipped.decided_ids, [(f.cell, f.type) for f in flipped.skipped]),
                "corrected": (corrected.corrected_ids, corrected.refused),
                "items": store.items(),
                "decisions": store.decisions(),
                "events": store.events(),
                "nota_dinas": nota_dinas_list(store),
                "nota_dinas_sizes": nota_dinas_sizes(store),
                "history": store.history(fix.id),
                "by_year": [i.id for i in store.items(status="approved", year=2026)],
            },
        )


def _renamed(names: dict[str, str], value: Any) -> Any:
    """`value` with every string in `names` replaced, through dicts, lists and tuples."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: _renamed(names, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_renamed(names, v) for v in value)
    return value


@pytest.mark.slow
def test_the_example_forms_give_the_same_register_on_both_databases(
    pg_url: str, workspace: Path
) -> None:
    config = load_config(workspace)
    on_sqlite = _flow(f"sqlite:///{workspace / 'var' / 'ppid.sqlite'}", config)
    on_postgres = _flow(pg_url, config)
    for key in on_sqlite:
        assert on_postgres[key] == on_sqlite[key], key
    # … and what both agree on is the register the SOP expects, not an empty one
    got = on_postgres
    assert [(f, s, len(ids), d) for f, s, ids, d in got["registered"]] == [
        ("Form-DIP-Hukum-perlu-koreksi.xlsx", "rejected", 0, 0),
        ("Form-DIP-Keuangan-Umum-Logistik.xlsx", "registered", 14, 0),
        ("Form-DIP-Partisipasi-Humas-SDM.xlsx", "registered", 12, 0),
        ("Form-DIP-Perencanaan-Data-Informasi.xlsx", "registered", 11, 0),
        ("Form-DIP-Teknis-Penyelenggaraan-Hukum.xlsx", "registered", 12, 0),
    ]
    ids = [i.id for i in got["items"]]
    assert ids == [f"DIP-2026-{n:04d}" for n in range(1, 50)]
    assert got["registered"][1][2][0] == "DIP-2026-0001"
    statuses = [i.status for i in got["items"]]
    assert (statuses.count("approved"), statuses.count("refused")) == (27, 12)
    assert statuses.count("pending") == 10  # 9 rows left blank + the corrected one
    assert len(got["left_pending"]) == 9 and got["redrop"] == "already_received"
    assert got["numbers"] == [f"{n}/HM.02-ND/1811/2026" for n in range(1, 5)]
    assert [n["number"] for n in got["nota_dinas"]] == got["numbers"]
    assert got["flip"][0] == () and [t for _, t in got["flip"][1]] == ["already_decided"]
    fixed_id = got["corrected"][0][0]
    assert got["corrected"][1] == () and got["history"][0]["old_values"]["status"] == "refused"
    assert next(i for i in got["items"] if i.id == fixed_id).status == "pending"
    assert len(got["decisions"]) == 40 and len(got["by_year"]) == 27
    actions = [e["action"] for e in got["events"]]
    assert actions.count("item_registered") == 49 and actions.count("item_documented") == 27
    assert actions.count("decision_conflict") == 1 and actions.count("item_corrected") == 1
    assert {e["actor"] for e in got["events"] if e["action"] == "item_approved"} == {ATASAN}


# ---------------------------------------------------------------------------
# Opening, versions and the migration path on PostgreSQL
# ---------------------------------------------------------------------------


def test_an_unreachable_server_is_a_store_error_without_the_password(pg_server: PgServer) -> None:
    url = pg_server.url("tidak_ada").replace("postgres@", "postgres:rahasia@")
    with pytest.raises(StoreError, match="tidak dapat dibuka") as caught:
        Store.open(url)
    assert "rahasia" not in str(caught.value)


# ---------------------------------------------------------------------------
# What a clerk can type that SQLite takes and PostgreSQL might not
# ---------------------------------------------------------------------------


def test_a_form_written_by_a_clerk_registers_the_same_on_both(pg_url: str, workspace: Path) -> None:
    form = write_form_xlsx(
        workspace / "input" / "Form-DIP-Hukum.xlsx",
        [
            form_row("Peraturan KPU tentang Tahapan\u00a0Pemilihan — ringkasan «lengkap»"),
            form_row("Keputusan \U0001f4c4 tentang DPT", jenis="Setiap Saat"),
        ],
    )
    report = validate_file(form)
    assert report.ok, report.to_json()
    got = []
    for url in (f"sqlite:///{workspace / 'var' / 'ppid.sqlite'}", pg_url):
        with Store.open(url, clock=_clock()) as store:
            register_form(store, report, received=NIGHT_ONE, run_id=None)
            got.append((store.items(), store.events()))
    assert got[0] == got[1] and [i.ringkasan for i in got[1][0]][1] == (
        "Keputusan \U0001f4c4 tentang DPT"
    )


def _form_with_control_characters(path: Path) -> Path:
    """A form whose text cells hold NUL characters, as Excel files can (`_x0000_`)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Form DIP")
    ws.write(0, 0, "FORM DAFTAR INFORMASI PUBLIK")
    ws.write_row(2, 0, ["Unit Kerja / Subbagian", "Subbagian\x00 Hukum"])
    ws.write_row(3, 0, ["Nama Petugas", "Rina Marlina\x00"])
    ws.write(4, 0, "Tanggal Pengisian")
    ws.write_datetime(4, 1, dt.datetime(2026, 11, 20), wb.add_format({"num_format": "d/m/yyyy"}))
    header = ["Ringkasan Isi Informasi", *(h for k, h in FORM_HEADER.items() if k != "ringkasan")]
    ws.write_row(7, 0, header)
    row = form_row("Laporan\x00 Keuangan Triwulan I", tempat_pembuatan="Mesuji\x00")
    keys = ["ringkasan", *(k for k in FORM_HEADER if k != "ringkasan")]
    ws.write_row(8, 0, [row.get(k) for k in keys])
    wb.close()
    return path


def test_nul_characters_from_a_clerk_are_dropped_on_both_databases(
    pg_url: str, workspace: Path
) -> None:
    report = validate_file(_form_with_control_characters(workspace / "input" / "Form-NUL.xlsx"))
    assert report.ok and "\x00" in report.items[0]["ringkasan"]  # the reader passes them on
    sheet = approval_report(
        [("DIP-2026-0001", "TIDAK", "Perbaiki\x00 ringkasan")], atasan="Drs.\x00 Ahmad Fauzi"
    )
    got = []
    for url in (f"sqlite:///{workspace / 'var' / 'ppid.sqlite'}", pg_url):
        with Store.open(url, clock=_clock()) as store:
            register_form(store, report, received=NIGHT_ONE, run_id=None)
            apply_approval(store, sheet, run_id=None)
            got.append((store.items(), store.events(), store.decisions()))
    assert got[0] == got[1]
    ((only,), events, _) = got[1]
    assert (only.unit, only.ringkasan, only.tempat_pembuatan, only.arahan, only.atasan) == (
        "Subbagian Hukum",
        "Laporan Keuangan Triwulan I",
        "Mesuji",
        "Perbaiki ringkasan",
        "Drs. Ahmad Fauzi",
    )
    assert {e["actor"] for e in events} == {"Rina Marlina", "Drs. Ahmad Fauzi"}


# ---------------------------------------------------------------------------
# A server URL in ppid.toml: one Indonesian line, never the password
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgres://ppid:rahasia@localhost/ppid", "NoSuchModuleError"),
        ("postgresql+psycopg2://ppid:rahasia@localhost/ppid", "driver psycopg2 belum terpasang"),
        ("postgresql+psycopg://ppid:rahasia@localhost:lima/ppid", "alamat tidak sah"),
        ("postgresql+psycopg://ppid:rahasia@127.0.0.1:1/ppid", "OperationalError"),
    ],
)
def test_a_server_url_that_cannot_be_opened_is_one_line_without_the_password(
    url: str, reason: str
) -> None:
    with pytest.raises(StoreError, match="tidak dapat dibuka") as caught:
        Store.open(url)
    message = str(caught.value)
    assert reason in message and "rahasia" not in message and "\n" not in message


# ---------------------------------------------------------------------------
# Several workspaces writing into one server database at the same time
# ---------------------------------------------------------------------------


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except Exception as exc:  # handed to the test thread
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_two_workspaces_registering_at_once_get_consecutive_ids(pg_url: str) -> None:
    hukum = form_report("Form-Hukum.xlsx", [item("Laporan Keuangan"), item("Rencana Kerja")])
    teknis = form_report("Form-Teknis.xlsx", [item("Daftar Pemilih")], unit="Subbagian Teknis")
    with Store.open(pg_url) as one, Store.open(pg_url) as two:
        with one.begin():
            first = register_form(one, hukum, received=NIGHT_ONE, run_id=None)
            # the other workspace's night starts while this one has not committed yet
            thread, second = _in_thread(
                lambda: register_form(two, teknis, received=NIGHT_ONE, run_id=None)
            )
            thread.join(0.3)
            assert thread.is_alive()  # it waits for the first writer …
        thread.join(10)
        assert "error" not in second, second.get("error")  # … and then numbers after it
        assert first.new_ids == ("DIP-2025-0001", "DIP-2025-0002")
        assert second["value"].new_ids == ("DIP-2025-0003",)


def test_two_workspaces_numbering_nota_dinas_at_once_get_consecutive_numbers(
    pg_url: str, config: Config
) -> None:
    reports = [
        form_report("Form-Hukum.xlsx", [item("Laporan Keuangan")]),
        form_report("Form-Teknis.xlsx", [item("Daftar Pemilih")], unit="Subbagian Teknis"),
    ]
    with Store.open(pg_url) as one, Store.open(pg_url) as two:
        for report in reports:
            register_form(one, report, received=NIGHT_ONE, run_id=None)
        sheet = approval_report([("DIP-2025-0001", "YA", None), ("DIP-2025-0002", "YA", None)])
        apply_approval(one, sheet, run_id=None)
        with one.begin():
            first = number_nota_dinas(
                one,
                2025,
                "Subbagian Hukum",
                ["DIP-2025-0001"],
                NIGHT_TWO,
                None,
                numbered(config, 2025),
            )
            thread, second = _in_thread(
                lambda: number_nota_dinas(
                    two,
                    2025,
                    "Subbagian Teknis",
                    ["DIP-2025-0002"],
                    NIGHT_TWO,
                    None,
                    numbered(config, 2025),
                )
            )
            thread.join(0.3)
            assert thread.is_alive()
        thread.join(10)
        assert "error" not in second, second.get("error")
        assert (first, second["value"]) == ("1/HM.02-ND/1811/2025", "2/HM.02-ND/1811/2025")


# ---------------------------------------------------------------------------
# The nightly batch through the real CLI, one workspace on each database
# ---------------------------------------------------------------------------


def _surrogate(column: sa.Column[Any]) -> bool:
    """A key the database numbers (or a reference to one): shown nowhere.

    A PostgreSQL sequence does not go back when a transaction (the dry run) rolls
    back, SQLite's rowid does; so these differ between the two and must not matter.
    """
    targets = [fk.column for fk in column.foreign_keys] or [column]
    return any(t is t.table.autoincrement_column for t in targets)


def _register_content(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows minus timestamps, run numbers and surrogate keys."""
    engine = sa.create_engine(url)
    dump: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for table in METADATA.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            keep = [
                c for c in table.columns if c.name not in VOLATILE_COLUMNS and not _surrogate(c)
            ]
            dump[table.name] = sorted(map(tuple, conn.execute(sa.select(*keep))), key=repr)
    engine.dispose()
    return dump


@pytest.mark.slow
def test_the_nightly_batch_writes_the_same_outputs_on_both_databases(
    tmp_path: Path, pg_url: str
) -> None:
    from ppid_batch.batch.demo import DECIDED_ON
    from ppid_batch.batch.demo import fill_approval_sheet as atasan_fills

    lite, server = make_workspace(tmp_path / "sqlite"), make_workspace(tmp_path / "postgres")
    point_workspace_at(server, pg_url)
    urls = {lite: f"sqlite:///{lite / 'var' / 'ppid.sqlite'}", server: pg_url}
    # two units' forms (fewer documents to write) and the example with errors
    forms = [
        p for p in examples() if "Keuangan" in p.name or "Teknis" in p.name or "perlu" in p.name
    ]
    for ws in urls:
        drop(ws, forms)
        night = run_cli(ws)
        assert night.exit_code == 1, night.output  # the example with errors is rejected
    assert not (server / "var" / "ppid.sqlite").exists()
    night_1 = [contents(ws / "output", skip=("runs/",)) for ws in urls]
    assert night_1[0] == night_1[1]
    (sheet,) = (lite / "output" / "persetujuan").glob("*.xlsx")
    filled = tmp_path / "Persetujuan-diisi.xlsx"
    approved, refused = atasan_fills(sheet, filled, atasan=ATASAN, day=DECIDED_ON)
    # a dry run does everything in one PostgreSQL transaction and rolls it back
    drop(server, [filled])
    before = _register_content(pg_url)
    dry = run_cli(server, "--dry-run", now=NIGHT_2)
    assert dry.exit_code == 0 and "tidak ada yang diubah" in dry.output, dry.output
    assert _register_content(pg_url) == before
    for ws in urls:
        drop(ws, [filled])
        night = run_cli(ws, now=NIGHT_2)
        assert night.exit_code == 0, night.output
    night_2 = [contents(ws / "output", skip=("runs/",)) for ws in urls]
    assert night_2[0] == night_2[1]
    assert any(k.startswith("nota-dinas/") for k in night_2[1])
    register = [_register_content(url) for url in urls.values()]
    assert register[0] == register[1]
    with Store.open(pg_url) as store:
        assert [i.id for i in store.items(status="approved")] == list(approved)
        assert [i.id for i in store.items(status="refused")] == list(refused)


def test_a_dry_run_on_an_empty_server_database_creates_no_register(
    tmp_path: Path, pg_url: str
) -> None:
    ws = make_workspace(tmp_path / "ws")
    point_workspace_at(ws, pg_url)
    drop(ws, [p for p in examples() if "Keuangan" in p.name])
    result = run_cli(ws, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "14 informasi baru" in result.output.splitlines()[-1]
    engine = sa.create_engine(pg_url)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()
