"""Tonight's Lembar Persetujuan: number it, note what changed since the last sheet, write it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..forms.schema import approval_schema, form_schema
from ..models import RegisterItem
from ..register.changes import ChangeRequest, change_rows
from ..store.approvals import last_issued_rows
from ..store.core import Store
from . import sheet as sheet_writer
from .identity import content_of, fingerprint, issue, load_secret

if TYPE_CHECKING:
    from ..config import Config

MAX_SHOWN = 80  # characters of an old or new value quoted in a note


def _label(key: str) -> str:
    for schema in (form_schema(), approval_schema()):
        try:
            return schema.field(key).label
        except KeyError:
            continue
    return key


def _short(value: object) -> str:
    text = str(value or "").strip() or "(kosong)"
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def change_text(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """`Jenis Informasi: Setiap Saat → Dikecualikan; …` for the fields that differ."""
    keys = [k for k in (*old, *new) if old.get(k) != new.get(k)]
    parts = [
        f"{_label(k)}: {_short(old.get(k))} → {_short(new.get(k))}" for k in dict.fromkeys(keys)
    ]
    return "; ".join(parts)


def changed_notes(
    store: Store, pending: Sequence[RegisterItem], *, before: str | None = None
) -> dict[str, str]:
    """Item ID → a note for each pending item whose content changed since a sheet (issued
    before sheet `before`) listed it."""
    last = last_issued_rows(store, [it.id for it in pending], before=before)
    notes: dict[str, str] = {}
    for it in pending:
        found = last.get(it.id)
        if found is None:
            continue
        number, row = found
        if row.fingerprint == fingerprint(it):
            continue
        notes[it.id] = (
            f"BERUBAH sejak lembar {number}: {change_text(row.snapshot, content_of(it))}."
        )
    return notes


def petugas_notes(store: Store, pending: Sequence[RegisterItem]) -> dict[str, str]:
    """Item ID → "diubah oleh … dari berkas …" when another petugas changed the item by ID."""
    notes: dict[str, str] = {}
    wanted = {it.id: it for it in pending}
    for event in store.events(action="item_corrected"):
        item_id = event.get("item_id")
        detail = event["detail"]
        if item_id not in wanted or not detail.get("other_petugas"):
            continue
        if detail.get("file") != wanted[item_id].source_file:
            notes.pop(item_id, None)  # a later correction replaced this one
            continue
        notes[item_id] = (
            f"Diubah oleh {event['actor']} dari berkas {detail.get('file')} "
            f"(sebelumnya diajukan oleh {detail.get('previous_petugas') or 'petugas lain'})."
        )
    return notes


def merge_notes(*groups: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in groups:
        for item_id, text in group.items():
            out[item_id] = f"{out[item_id]} {text}" if item_id in out else text
    return out


def write_issued_sheet(
    store: Store,
    everything: Sequence[RegisterItem],
    config: Config,
    folder: Path,
    *,
    today: dt.date,
    notes: Mapping[str, str] | None = None,
    real: bool = True,
    changes: Sequence[ChangeRequest] = (),
) -> Path | None:
    """Issue (or re-use) the number for tonight's rows and write their sheet.

    The rows are the pending items and the pending Tindakan Ubah/Hapus (each shown as
    its item with `lama → baru` cells), in the sheet's order. `real` is False for a dry
    run: a missing secret is then not created in var/.
    """
    pending = [i for i in everything if i.status == "pending"]
    rows = sheet_writer.sheet_rows(pending, change_rows(changes)[0])
    if not rows:
        return sheet_writer.write_approval_sheet(
            [], config.letter, folder, today=today, approval_dir=config.approval_dir
        )
    secret = load_secret(config.var_dir, create=real)
    identity = issue(store, secret, rows, today=today)
    all_notes = merge_notes(
        changed_notes(store, pending, before=identity.number),
        petugas_notes(store, pending),
        notes or {},
    )
    return sheet_writer.write_approval_sheet(
        pending,
        config.letter,
        folder,
        today=today,
        notes=all_notes,
        changes=changes,
        identity=identity,
        approval_dir=config.approval_dir,
        rows=rows,
    )
