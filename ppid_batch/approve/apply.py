"""SOP step 2: the Atasan PPID's YA/TIDAK and arahan merged back into the register by item ID."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import StoreError
from ..forms.schema import approval_schema, label_key
from ..models import Finding, RegisterItem, SheetReport
from ..register.changes import ChangeRequest, decide_changes, pending_changes, sheet_row_problem
from ..register.items import normalise_id
from ..store.core import SYSTEM_ACTOR, Store, register_item
from ..store.decisions import (
    ItemDecision,
    record_approval_sheet,
    refused_sheet_id,
    set_sheet_counts,
    write_decisions,
)
from ..store.engine import database_exists
from ..store.registration import item_rows
from ..store.schema import DECISION_OF_STATUS, DECISIONS, ITEM_FIELDS
from ..store.text import db_text

if TYPE_CHECKING:
    from ..config import Config
    from .verify import SheetCheck

_INVALID = "?"
_NOT_KEPT: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class ApprovalOutcome:
    """What merging one approval sheet did.

    `status`: `applied`, `already_received` (same sha256 seen before: nothing
    changed) or `rejected` (a whole-sheet error such as a missing Nama Atasan
    PPID: nothing applied). `approved` / `refused` map each unit to the items
    decided by this sheet (with arahan), for the Nota Dinas and the units'
    feedback. `skipped` are the errors of rows left out; `unchanged` are rows
    repeating a decision already stored; `pending` are rows left blank.
    """

    file: str
    sha256: str
    status: str
    atasan: str | None = None
    tanggal: dt.date | None = None
    approved: Mapping[str, tuple[RegisterItem, ...]] = dataclasses.field(default_factory=dict)
    refused: Mapping[str, tuple[RegisterItem, ...]] = dataclasses.field(default_factory=dict)
    unchanged: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    skipped: tuple[Finding, ...] = ()
    report: SheetReport | None = None
    changes: tuple[tuple[ChangeRequest, str], ...] = ()  # Tindakan Ubah/Hapus decided, YA/TIDAK

    @property
    def already_received(self) -> bool:
        return self.status == "already_received"

    @property
    def decided_ids(self) -> tuple[str, ...]:
        decided = [
            i.id for group in (self.approved, self.refused) for v in group.values() for i in v
        ]
        return tuple(sorted(decided))


def decision_of(value: object) -> str | None:
    """`YA`, `TIDAK`, None for blank, or `?` for anything else (variants per the schema)."""
    if isinstance(value, str):
        return _decision_of_text(value)  # a sheet repeats a few spellings on every row
    if value is None or not str(value).strip():
        return None
    return _persetujuan_lookup().get(label_key(value), _INVALID)


@functools.lru_cache(maxsize=1024)
def _decision_of_text(value: str) -> str | None:
    if not value.strip():
        return None
    return _persetujuan_lookup().get(label_key(value), _INVALID)


@functools.cache
def _persetujuan_lookup() -> dict[str, str]:
    return approval_schema().field("persetujuan").choice_lookup()


class _Checker:
    def __init__(self, report: SheetReport) -> None:
        self.report = report
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []

    def reported(self, row: Mapping[str, Any] | None, field: str, warnings: bool = False) -> bool:
        """The reader already flagged this cell (or this metadata field): do not say it twice."""
        cell = (row.get("_cells") or {}).get(field) if row is not None else None
        for f in self.report.warnings if warnings else self.report.errors:
            if f.field == field and (row is None or f.cell == cell or f.row == row.get("_row")):
                return True
        return False

    def add(
        self,
        row: Mapping[str, Any],
        field: str,
        type_: str,
        message: str,
        severity: str = "error",
    ) -> None:
        schema = approval_schema()
        finding = Finding(
            type=type_,
            message=message,
            severity=severity,  # type: ignore[arg-type]
            field=field,
            column=schema.field(field).label,
            sheet=row.get("_sheet") or self.report.sheet,
            cell=(row.get("_cells") or {}).get(field),
            row=row.get("_row"),
            value=row.get(field),
        )
        (self.errors if severity == "error" else self.warnings).append(finding)


def _decided_text(stored: Mapping[str, Any]) -> str:
    if stored["status"] not in DECISION_OF_STATUS:
        return "dicabut dari Daftar Informasi Publik"
    when = stored["decided_on"]
    who = stored["atasan"] or "Atasan PPID"
    on = f" pada {when.isoformat()}" if isinstance(when, dt.date) else ""
    return f"{DECISION_OF_STATUS[stored['status']]} oleh {who}{on}"


def check_approval(
    store: Store, report: SheetReport, *, config: Config | None = None
) -> SheetReport:
    """A copy of `report` with the register's findings added (see `_check`)."""
    return _check(store, report, config)[0]


# The columns of an item the check and the merge look at: its fields and decision (and
# what its history keeps when the Atasan changes it), not its bookkeeping.
_CHECKED_COLUMNS = (
    "id", "unit", *ITEM_FIELDS, "status", "decision", "decided_on", "atasan", "arahan",
    "source_file", "source_sheet", "source_row", "received_on",
)  # fmt: skip


@dataclass(frozen=True)
class _Read:
    """The register's rows for a sheet's IDs, as `_check` read them (the merge reuses them:
    nothing changes them between the check and the plan, in one transaction)."""

    stored: Mapping[str, Mapping[str, Any]]
    changes: Mapping[str, ChangeRequest]


def _check(
    store: Store, report: SheetReport, config: Config | None
) -> tuple[SheetReport, SheetCheck | None]:
    """`_check_read` without what it read."""
    checked, sheet_check, _ = _check_read(store, report, config)
    return checked, sheet_check


def _check_read(
    store: Store, report: SheetReport, config: Config | None, counted: SheetCheck | None = None
) -> tuple[SheetReport, SheetCheck | None, _Read | None]:
    """A copy of `report` with the register's findings added, and the identity check.

    With `config` (the night and `validate` always pass it) the sheet must be one this
    workspace issued, signed by an allowed Atasan PPID, each row as issued
    (approve/verify.py): a sheet that is not is refused as a whole with one reason.
    Without it only the merge rules below are checked (their own unit tests).

    Cell-level errors: an ID the register does not know (`unknown_id`), a row that
    would change an item already decided (`already_decided`; the other rows still
    apply), an ID twice with different decisions (`duplicate_id`), plus the
    sheet's own rules when the reader has not reported them already: a value
    other than YA/TIDAK (`choice`), TIDAK without arahan and decisions without the
    Atasan PPID's name or date (`required_if`).
    """
    if report.kind != "persetujuan":
        return report, None, None
    chk = _Checker(report)
    ids = [normalise_id(row.get("id")) for row in report.items]
    stored = item_rows(store, [i for i in ids if i], _CHECKED_COLUMNS)
    changes = pending_changes(store, [i for i in ids if i])
    read = _Read(stored, changes)
    sheet_check = None
    if config is not None:
        from .verify import verify_sheet

        # the same rows as items (verify looks at their fields and status, not their Nota Dinas)
        on_sheet = {item_id: register_item(row) for item_id, row in stored.items()}
        sheet_check = verify_sheet(
            store, report, config, current=on_sheet, decision_of=_decided, counted=counted
        )
        del on_sheet
        if sheet_check.sheet_error is not None:
            # One reason for the whole sheet: nothing on it is looked at further.
            return (
                dataclasses.replace(report, errors=(sheet_check.sheet_error, *report.errors)),
                sheet_check,
                read,
            )
        chk.errors += sheet_check.errors
        chk.warnings += sheet_check.warnings
    flagged = {f.row for f in chk.errors}
    seen: dict[str, str | None] = {}
    any_decided = False
    for row, item_id in zip(report.items, ids, strict=True):
        decision = decision_of(row.get("persetujuan"))
        if decision == _INVALID:
            if not chk.reported(row, "persetujuan"):
                chk.add(
                    row,
                    "persetujuan",
                    "choice",
                    "Persetujuan harus YA atau TIDAK (atau dikosongkan bila belum diputuskan).",
                )
            continue
        any_decided = any_decided or decision is not None
        if decision == "TIDAK" and not str(row.get("arahan") or "").strip():
            if not chk.reported(row, "arahan"):
                chk.add(row, "arahan", "required_if", "Arahan wajib diisi bila persetujuan TIDAK.")
        if item_id is None:
            if not chk.reported(row, "id"):
                chk.add(row, "id", "required", "ID Informasi kosong; jangan mengubah kolom ID.")
            continue
        if row.get("_row") in flagged:
            continue  # the sheet's identity check refused this row already
        if item_id not in stored:
            if chk.reported(row, "id"):  # e.g. not shaped like an ID at all
                continue
            chk.add(
                row,
                "id",
                "unknown_id",
                f"ID Informasi {item_id} tidak ada di register; jangan mengubah kolom ID "
                "pada lembar persetujuan.",
            )
            continue
        if item_id in seen:
            if seen[item_id] != decision:
                chk.add(
                    row,
                    "id",
                    "duplicate_id",
                    f"{item_id} muncul lebih dari sekali dengan keputusan berbeda; "
                    "baris ini tidak diterapkan.",
                )
            elif not chk.reported(row, "id", warnings=True):
                chk.add(
                    row,
                    "id",
                    "duplicate_id",
                    f"{item_id} muncul lebih dari sekali; baris ini diabaikan.",
                    severity="warning",
                )
            continue
        seen[item_id] = decision
        current = stored[item_id]
        problem = sheet_row_problem(item_id, row, current["status"], changes.get(item_id))
        if problem:
            if decision:
                chk.add(row, "id", *problem)
        elif item_id in changes:
            pass  # the decision is on the pending Tindakan Ubah/Hapus, not on the item
        elif decision and current["status"] != "pending":
            if DECISION_OF_STATUS[current["status"]] != decision:
                chk.add(
                    row,
                    "persetujuan",
                    "already_decided",
                    f"{item_id} sudah diputuskan {_decided_text(current)}; keputusan yang "
                    "sudah ada tidak dapat diubah melalui lembar persetujuan. "
                    "Baris lain tetap diterapkan.",
                )
    if any_decided:
        for key in ("atasan", "tanggal_persetujuan"):
            if report.meta.get(key) in (None, "") and not chk.reported(None, key):
                label = approval_schema().field(key).label
                chk.errors.append(
                    Finding(
                        type="required_if",
                        message=f"{label} wajib diisi bila ada baris yang diputuskan.",
                        field=key,
                        column=label,
                        sheet=report.sheet,
                    )
                )
    return (
        dataclasses.replace(
            report,
            errors=(*report.errors, *chk.errors),
            warnings=(*report.warnings, *chk.warnings),
        ),
        sheet_check,
        read,
    )


def sheet_counts(
    store: Store,
    report: SheetReport,
    config: Config,
    counted: dict[str, SheetCheck] | None = None,
) -> bool:
    """Whether the sheet as a whole would be applied: issued here, rightly signed, placed
    and read without a whole-sheet error (a forged sheet must not block a genuine one).

    A sheet that counts has its check kept in `counted` under its sha256: applying it
    the same night (apply_approval's `counted`) does not make those checks again."""
    if report.kind != "persetujuan" or any(f.row is None for f in report.errors):
        return False
    from .verify import verify_sheet

    # Only the whole-sheet checks: the rows are checked once, when the sheet is applied.
    check = verify_sheet(store, report, config, current={}, decision_of=_decided,
                         whole_sheet_only=True)  # fmt: skip
    if check.sheet_error is None and counted is not None:
        counted[report.sha256] = check
    return check.sheet_error is None


def _decided(value: object) -> str | None:
    decision = decision_of(value)
    return decision if decision in DECISIONS else None


def _group(decided: Sequence[RegisterItem]) -> dict[str, tuple[RegisterItem, ...]]:
    by_unit: dict[str, list[RegisterItem]] = defaultdict(list)
    for item in decided:
        by_unit[item.unit].append(item)
    return {unit: tuple(by_unit[unit]) for unit in sorted(by_unit)}


@dataclass(frozen=True)
class _Plan:
    """What an approval sheet's rows change, worked out before anything is written."""

    decided: tuple[ItemDecision, ...] = ()
    changes: tuple[tuple[ChangeRequest, str, str | None], ...] = ()  # request, YA/TIDAK, arahan
    unchanged: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()


def atasan_changes(current: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The Atasan PPID's edits that change the item: field → [old, new] (the decision record's
    "disetujui dengan perubahan")."""
    return {k: [current[k], v] for k, v in edits.items() if current[k] != v}


def _plan(
    report: SheetReport,
    *,
    id_of_row: Mapping[Any, str | None],
    skip_rows: set[Any],
    stored: Mapping[str, Mapping[str, Any]],
    changes: Mapping[str, ChangeRequest],
    sheet_check: SheetCheck | None,
    atasan: str | None,
    tanggal: dt.date | None,
    run_id: int | None,
) -> _Plan:
    """Each applicable row of the sheet: a decision, a decided change request, a row that
    repeats a decision already stored, or one left blank (pending). Writes nothing."""
    name = report.path.name
    decided: list[ItemDecision] = []
    decided_changes: list[tuple[ChangeRequest, str, str | None]] = []
    unchanged: list[str] = []
    pending: list[str] = []
    edited_events: list[Mapping[str, Any]] = []
    decided_events: list[Mapping[str, Any]] = []
    for row in report.items:
        item_id = id_of_row.get(row.get("_row"))
        if row.get("_row") in skip_rows or item_id is None:
            continue
        decision = decision_of(row.get("persetujuan"))
        if decision not in DECISIONS or atasan is None or tanggal is None:
            pending.append(item_id)
            continue
        arahan = str(db_text(row.get("arahan")) or "").strip() or None
        if item_id in changes:
            decided_changes.append((changes[item_id], decision, arahan))
            continue
        current = stored[item_id]
        if current["status"] != "pending":
            unchanged.append(item_id)
            continue
        edits = sheet_check.edits.get(int(row.get("_row") or 0)) if sheet_check else None
        edited = atasan_changes(current, edits) if edits and decision == "YA" else {}
        if edited:
            edited_events.append(
                {
                    "action": "item_changed_by_atasan",
                    "actor": atasan,
                    "run_id": run_id,
                    "item_id": item_id,
                    "detail": {"file": name, "fields": sorted(edited), "changes": edited},
                }
            )
        # The stored row goes with the decision only when the Atasan changed the item (its
        # history keeps the old values): a sheet of 100,000 rows keeps no 100,000 rows here.
        kept = current if edited else _NOT_KEPT
        decided.append(ItemDecision(item_id, decision, arahan, atasan, kept, edited))
        decided_events.append(
            {
                "action": "item_approved" if decision == "YA" else "item_refused",
                "actor": atasan,
                "run_id": run_id,
                "item_id": item_id,
                "detail": {
                    "decision": decision,
                    "arahan": arahan,
                    "tanggal_persetujuan": tanggal,
                    "file": name,
                    "row": row.get("_row"),
                    "changed": sorted(edited),
                },
            }
        )
    return _Plan(
        decided=tuple(decided),
        changes=tuple(decided_changes),
        unchanged=tuple(unchanged),
        pending=tuple(pending),
        events=(*edited_events, *decided_events),
    )


def apply_approval(
    store: Store,
    report: SheetReport,
    *,
    run_id: int | None,
    received: dt.date | None = None,
    config: Config | None = None,
    conflicts: Mapping[str, str] | None = None,
    counted: SheetCheck | None = None,
) -> ApprovalOutcome:
    """Apply one approval sheet's decisions in one transaction.

    `counted`: the whole-sheet check sheet_counts kept for this very report tonight
    (found nothing refusing the sheet as a whole); only the rows are checked then.

    Rows with errors (unknown ID, a flip of a decided item, …) are skipped and
    reported; the rest applies. Blank rows stay pending. A sheet whose sha256 was
    already received, or that repeats decisions already stored, changes nothing.
    """
    if report.kind != "persetujuan":
        raise ValueError(f"apply_approval needs a persetujuan report, got {report.kind!r}")
    name = report.path.name
    received = received or store.clock().date()
    atasan = str(db_text(report.meta.get("atasan")) or "").strip() or None
    tanggal = report.meta.get("tanggal_persetujuan")
    tanggal = tanggal if isinstance(tanggal, dt.date) else None
    with store.begin() as conn:
        store.lock_writers(conn)
        # A sheet refused as a whole may come back unchanged once what refused it is put
        # right (moved into the approval folder, its signer added to ppid.toml): it is
        # checked again. Anything else seen before changes nothing.
        refused_before = refused_sheet_id(store, report.sha256)
        if store.submission_known(report.sha256) and not refused_before:
            return ApprovalOutcome(
                file=name, sha256=report.sha256, status="already_received", report=report
            )
        checked, sheet_check, read = _check_read(store, report, config, counted)
        assert read is not None  # a persetujuan report is always read
        if conflicts:
            checked = _mark_conflicts(checked, conflicts)
        sheet_rows = {row.get("_row") for row in report.items}
        row_errors = [f for f in checked.errors if f.row in sheet_rows]
        sheet_errors = tuple(f for f in checked.errors if f.row not in sheet_rows)
        bad_rows = {f.row for f in row_errors}
        dup_rows = {f.row for f in checked.warnings if f.type == "duplicate_id"}
        verdict = "rejected" if sheet_errors else "partial" if row_errors else "accepted"
        actor = atasan or SYSTEM_ACTOR
        number = sheet_check.issued.number if sheet_check and sheet_check.issued else None
        values = {
            "file_name": name,
            "atasan": atasan,
            "tanggal_persetujuan": tanggal,
            "received": received,
            "verdict": verdict,
            "run_id": run_id,
            "recorded_at": store.now(),
            "sheet_number": number,
        }
        record_approval_sheet(store, report.sha256, values, replacing=refused_before)
        store.log(
            "approval_sheet_rejected" if sheet_errors else "approval_sheet_received",
            actor=actor,
            run_id=run_id,
            detail={
                "file": name,
                "sha256": report.sha256,
                "rows": len(report.items),
                "errors": len(checked.errors),
                # for the annual report's most common errors, as a rejected form records
                "types": sorted({f.type for f in checked.errors}),
                "number": number,
            },
        )
        id_of_row = {row.get("_row"): normalise_id(row.get("id")) for row in report.items}
        for finding in row_errors:
            if finding.type == "already_decided":
                store.log(
                    "decision_conflict",
                    actor=actor,
                    run_id=run_id,
                    item_id=id_of_row.get(finding.row),
                    detail={"file": name, "row": finding.row, "message": finding.message},
                )
        if sheet_errors:
            return ApprovalOutcome(
                file=name,
                sha256=report.sha256,
                status="rejected",
                atasan=atasan,
                tanggal=tanggal,
                skipped=sheet_errors,
                report=checked,
            )
        plan = _plan(
            report,
            id_of_row=id_of_row,
            skip_rows=bad_rows | dup_rows,
            stored=read.stored,
            changes=read.changes,
            sheet_check=sheet_check,
            atasan=atasan,
            tanggal=tanggal,
            run_id=run_id,
        )
        # What was read for the check is not needed past the plan: let it go before the
        # decided items are read back (memory stays one copy of the sheet's rows).
        del read, id_of_row, sheet_check
        if tanggal is not None:  # every decided item has a date (_plan leaves it pending)
            write_decisions(
                store, plan.decided, decided_on=tanggal, sheet_sha256=report.sha256,
                run_id=run_id, now=store.now(),
            )  # fmt: skip
        store.log_many(plan.events)
        plan = dataclasses.replace(plan, events=())  # logged: not kept alive any longer
        decide_changes(
            store, plan.changes, atasan=atasan or SYSTEM_ACTOR,
            tanggal=tanggal or received, sheet_sha256=report.sha256, run_id=run_id,
        )  # fmt: skip
        done = store.items_by_id([d.item_id for d in plan.decided])
        counts = {
            "disetujui": sum(1 for i in done if i.status == "approved"),
            "tidak_disetujui": sum(1 for i in done if i.status == "refused"),
            "belum_diputus": len(plan.pending),
            "tidak_diterapkan": len(bad_rows),
            "sudah_diputus": len(plan.unchanged),
            "disetujui_dengan_perubahan": sum(1 for d in plan.decided if d.edits),
        }
        set_sheet_counts(store, report.sha256, counts)
    return ApprovalOutcome(
        file=name,
        sha256=report.sha256,
        status="applied",
        atasan=atasan,
        tanggal=tanggal,
        approved=_group([i for i in done if i.status == "approved"]),
        refused=_group([i for i in done if i.status == "refused"]),
        unchanged=plan.unchanged,
        pending=plan.pending,
        skipped=tuple(row_errors),
        report=checked,
        changes=tuple((c, d) for c, d, _ in plan.changes),
    )


def _mark_conflicts(report: SheetReport, conflicts: Mapping[str, str]) -> SheetReport:
    """Rows deciding an item another sheet of tonight decides differently: not applied."""
    extra: list[Finding] = []
    label = approval_schema().field("persetujuan").label
    for row in report.items:
        item_id = normalise_id(row.get("id"))
        if (
            item_id is not None
            and item_id in conflicts
            and decision_of(row.get("persetujuan")) in DECISIONS
        ):
            extra.append(
                Finding(
                    type="conflicting_sheets",
                    message=f"{item_id} diputuskan berbeda pada {conflicts[item_id]} malam "
                    "ini; keputusan untuk informasi ini tidak diterapkan dari lembar mana pun. "
                    "Putuskan sekali lagi pada lembar persetujuan berikutnya.",
                    field="persetujuan",
                    column=label,
                    sheet=row.get("_sheet") or report.sheet,
                    cell=(row.get("_cells") or {}).get("persetujuan"),
                    row=row.get("_row"),
                    value=row.get("persetujuan"),
                )
            )
    return dataclasses.replace(report, errors=(*report.errors, *extra))


def check_against_register(report: SheetReport, config: Config) -> SheetReport:
    """For `validate`: check an approval sheet against the workspace register, writing nothing.

    Without a register (no run yet) or with one that needs migrating, the report
    gets a warning instead, since the IDs cannot be checked.
    """
    if report.kind != "persetujuan":
        return report
    note = None
    if not database_exists(config.database_url):
        note = "Register belum ada di ruang kerja ini; ID Informasi belum dapat diperiksa."
    else:
        try:
            with Store.open(config.database_url, migrate_schema=False) as store:
                checked, sheet_check = _check(store, report, config)
            if sheet_check is None:
                return checked
            from .verify import describe_verdict

            # Genuine, stale or forged: said before anything is applied.
            verdict = Finding(
                type="sheet_identity",
                message=describe_verdict(sheet_check, report),
                severity="warning",
                field="nomor_lembar",
                sheet=report.sheet,
            )
            return dataclasses.replace(checked, warnings=(verdict, *checked.warnings))
        except StoreError as exc:
            note = f"ID Informasi belum dapat diperiksa: {exc}"
    warning = Finding(type="no_register", message=note, severity="warning", sheet=report.sheet)
    return dataclasses.replace(report, warnings=(*report.warnings, warning))
