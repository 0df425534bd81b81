"""The register's tables, version by version (SOP steps 1–3 and the audit log).

`_schema_v<n>(md)` adds what version n added to a MetaData; never edit a released
one: append `_schema_v<n+1>` here and its migration in migrations.py.
"""

from __future__ import annotations

import sqlalchemy as sa

# The item's values as the form gives them, in the form's order (the other `items`
# columns are its ID, status, decision and provenance).
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

_TS = sa.String(40)  # timestamp text, see text.timestamp()
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
    """Version 4: issued approval sheets (number, code, rows with fingerprints).

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
