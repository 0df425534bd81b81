"""SOP step 1 pemutakhiran: Tindakan Ubah / Hapus on an approved item, decided by the Atasan PPID.

A unit asks for a change with a form row `Tindakan` Ubah (the whole new row) or
Hapus (the reason in Keterangan) and the item's ID. The request waits in
`change_requests`; the approved version stays in the DIP until the Atasan PPID
says YA on the approval sheet. YA on Ubah writes the new values (the old ones go
to `item_history`); YA on Hapus makes the item `withdrawn`: out of the DIP, never
out of the register. TIDAK leaves the item as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import RegisterItem
from ..store import changes as stored
from ..store.core import Store
from ..store.ids import match_key
from ..store.registration import item_row, keep_history, update_item, withdraw
from ..store.schema import ITEM_FIELDS

UBAH, HAPUS = "Ubah", "Hapus"
STORED = {UBAH: "ubah", HAPUS: "hapus"}  # as `change_requests.tindakan` holds it
_SHOWN = {v: k for k, v in STORED.items()}
ARROW = " → "


@dataclass(frozen=True)
class ChangeRequest:
    """One pending (or decided) Tindakan Ubah / Hapus on an approved item."""

    id: int
    item_id: str
    tindakan: str  # UBAH or HAPUS
    unit: str
    old: Mapping[str, Any]  # the item's values as the register holds them
    new: Mapping[str, Any] = field(default_factory=dict)  # Ubah only
    alasan: str | None = None
    source_file: str = ""

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(k for k in ITEM_FIELDS if k in self.new and self.new[k] != self.old.get(k))

    def shown(self, key: str) -> Any:
        """What the approval sheet shows in `key`'s cell: `lama → baru` where Ubah changes it."""
        if key in self.changed:
            return f"{self.old.get(key) or '(kosong)'}{ARROW}{self.new[key] or '(kosong)'}"
        return self.old.get(key)

    def summary(self, labels: Mapping[str, str] | None = None) -> str:
        """One line for the Atasan PPID: `dihapus: <alasan>` or each `Kolom: lama → baru`."""
        if self.tindakan == HAPUS:
            return f"dihapus: {self.alasan or '(tanpa alasan)'}"
        labels = labels or {}
        return "; ".join(f"{labels.get(k, k)}: {self.shown(k)}" for k in self.changed)


def _request(row: Mapping[Any, Any], current: Mapping[str, Any]) -> ChangeRequest:
    return ChangeRequest(
        id=row["id"],
        item_id=row["item_id"],
        tindakan=_SHOWN[row["tindakan"]],
        unit=row["unit"],
        old={k: current[k] for k in ITEM_FIELDS},
        new=json.loads(row["new_values"]) if row["new_values"] else {},
        alasan=row["alasan"],
        source_file=row["source_file"] or "",
    )


def pending_changes(
    store: Store, item_ids: Sequence[str] | None = None
) -> dict[str, ChangeRequest]:
    """Item ID → its pending change request (at most one per item), all or for `item_ids`."""
    out = {}
    for row in stored.pending_change_rows(store, item_ids):
        current = {k: row[f"cur_{k}"] for k in ITEM_FIELDS}
        out[row["item_id"]] = _request(row, current)
    return out


def store_pending_changes(store: Store) -> list[ChangeRequest]:
    """Every pending change request, in the order they were filed (for the approval sheet)."""
    return list(pending_changes(store).values())


def decide_changes(
    store: Store,
    decided: Sequence[tuple[ChangeRequest, str, str | None]],
    *,
    atasan: str,
    tanggal: dt.date,
    sheet_sha256: str,
    run_id: int | None,
) -> None:
    """Apply the Atasan PPID's YA / TIDAK to pending change requests (inside the caller's
    transaction): YA Ubah writes the new values, YA Hapus withdraws the item, TIDAK keeps it."""
    now = store.now()
    logged: list[dict[str, Any]] = []
    for change, decision, arahan in decided:
        if decision == "YA":
            row = item_row(store, change.item_id)
            assert row is not None  # a pending request's item exists (items are never deleted)
            if change.tindakan == HAPUS:
                withdraw(store, row, now=now, run_id=run_id, submission_id=None,
                         alasan=change.alasan)  # fmt: skip
            else:
                keep_history(store, row, now=now, run_id=run_id, submission_id=None)
                values = {k: change.new.get(k) for k in ITEM_FIELDS}
                key = match_key(
                    row["unit"], values["ringkasan"] or "", str(values["waktu_pembuatan"])
                )
                update_item(
                    store,
                    change.item_id,
                    {**values, "match_key": key, "updated_run": run_id, "updated_at": now},
                )
        stored.record_change_decision(
            store,
            change.id,
            decision=decision,
            decided_on=tanggal,
            atasan=atasan,
            arahan=arahan,
            sheet_sha256=sheet_sha256,
            run_id=run_id,
        )
        action = {
            ("YA", UBAH): "item_changed",
            ("YA", HAPUS): "item_withdrawn",
        }.get((decision, change.tindakan), "change_refused")
        logged.append(
            {
                "action": action,
                "actor": atasan,
                "run_id": run_id,
                "item_id": change.item_id,
                "detail": {
                    "tindakan": change.tindakan,
                    "decision": decision,
                    "arahan": arahan,
                    "fields": list(change.changed),
                    "alasan": change.alasan,
                    "tanggal_persetujuan": tanggal,
                },
            }
        )
    store.log_many(logged)


def decided_changes(
    store: Store, *, run_id: int | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Approved change requests (what changed the published lists), in the order decided."""
    rows = stored.approved_change_rows(store, run_id=run_id)
    return [
        {**r, "tindakan": _SHOWN[r["tindakan"]]}
        for r in rows
        if year is None or ((r["sheet_received"] or r["decided_on"]) or dt.date.min).year == year
    ]


def sheet_row_problem(
    item_id: str, row: Mapping[str, Any], status: str, change: ChangeRequest | None
) -> tuple[str, str] | None:
    """(type, message) when an approval-sheet row cannot decide what is pending for `item_id`.

    The sheet shows each row's Tindakan: a row for the item itself cannot decide a change
    request filed after the sheet was made (a copied older sheet), nor the reverse; an
    item withdrawn since can no longer be decided at all.
    """
    shown = str(row.get("tindakan") or "").strip().capitalize()
    shown = shown if shown in (UBAH, HAPUS) else ""
    if status == "withdrawn":
        return (
            "already_decided",
            f"{item_id} sudah dicabut dari Daftar Informasi Publik; baris ini tidak diterapkan.",
        )
    if change is not None and shown != change.tindakan:
        return (
            "stale_row",
            f"Baris {item_id} berasal dari lembar persetujuan lama: sekarang yang menunggu "
            f"adalah permintaan {change.tindakan}. Pakai lembar persetujuan terbaru.",
        )
    if change is None and shown and status == "pending":
        return (
            "stale_row",
            f"Baris {item_id} menyebut Tindakan {shown}, tetapi tidak ada permintaan itu yang "
            "menunggu; pakai lembar persetujuan terbaru.",
        )
    return None


def change_rows(
    changes: Sequence[ChangeRequest],
) -> tuple[list[RegisterItem], dict[str, str], dict[str, str]]:
    """The approval sheet's rows for pending change requests: the item as shown (changed
    cells `lama → baru`), its Tindakan, and its note for Catatan Sistem."""
    from ..forms.schema import form_schema

    labels = {f.key: f.label for f in form_schema().fields}
    shown, tindakan, notes = [], {}, {}
    for change in changes:
        values = {k: change.shown(k) for k in ITEM_FIELDS}
        shown.append(RegisterItem(id=change.item_id, unit=change.unit, **values))
        tindakan[change.item_id] = change.tindakan
        notes[change.item_id] = f"{change.tindakan}: {change.summary(labels)}"
    return shown, tindakan, notes


def refused_change_rows(store: Store) -> list[RegisterItem]:
    """Each item whose latest change request the Atasan PPID refused, shown for the unit's
    Arahan workbook: `[Ubah tidak disetujui] <ringkasan>` with the arahan, who and when.
    It goes once the unit files a new request for that item."""
    rows = stored.latest_refused_change_rows(store)
    out = []
    for row in rows:
        tindakan = _SHOWN[row["tindakan"]]
        out.append(
            RegisterItem(
                id=row["item_id"],
                unit=row["unit"],
                ringkasan=f"[Permintaan {tindakan} tidak disetujui] {row['cur_ringkasan']}",
                penguasa="",
                penanggung_jawab="",
                waktu_pembuatan=row["cur_waktu"],
                tempat_pembuatan="",
                bentuk="",
                retensi="",
                jenis=row["cur_jenis"],
                status="refused",
                atasan=row["atasan"],
                arahan=row["arahan"],
                decided_on=row["decided_on"],
            )
        )
    return out


def sheet_change_decisions(
    store: Store, by_id: Mapping[str, RegisterItem]
) -> dict[str, list[tuple[RegisterItem, str, str, str | None]]]:
    """Approval sheet sha256 → the Tindakan Ubah/Hapus it decided (item, tindakan, YA/TIDAK,
    arahan), for that sheet's Disposisi."""
    out: dict[str, list[tuple[RegisterItem, str, str, str | None]]] = {}
    for row in stored.decided_change_rows(store):
        item = by_id.get(row["item_id"])
        if item is not None:
            out.setdefault(row["sheet_sha256"] or "", []).append(
                (item, _SHOWN[row["tindakan"]], row["decision"], row["arahan"])
            )
    return out
