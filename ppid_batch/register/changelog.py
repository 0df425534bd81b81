"""SOP step 3 record: what each run changed in the published register (Riwayat Perubahan).

The published register is the approved items: those not Dikecualikan form the
Daftar Informasi Publik, the Dikecualikan ones the Daftar Usulan Informasi
yang Dikecualikan. A change is therefore always an approval, so the history
is derived from the store's `decisions` (the audit trail of every YA/TIDAK),
never kept as a second copy that could drift. `diff_register` states the same
thing as a comparison of two versions of the register, for callers (and
tests) that hold both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..models import DIKECUALIKAN, ChangeFact, RegisterItem

if TYPE_CHECKING:
    from ..store.core import Store

ADDED = "Ditambahkan ke Daftar Informasi Publik"
EXEMPTED = "Dipindahkan ke Daftar Usulan Informasi yang Dikecualikan"
CHANGED = "Diubah"
REMOVED = "Dikeluarkan dari daftar"
ACTIONS = (ADDED, EXEMPTED, CHANGED, REMOVED)
# Fields shown in the published lists: a change in any of them is a change of the register.
PUBLISHED_FIELDS = (
    "unit", "ringkasan", "penguasa", "penanggung_jawab", "waktu_pembuatan", "tempat_pembuatan",
    "bentuk", "retensi", "jenis", "dasar_pengecualian", "konsekuensi", "tautan", "keterangan",
)  # fmt: skip
COLUMNS = (
    "Tanggal",
    "Proses Malam",
    "Perubahan",
    "ID Informasi",
    "Unit Kerja",
    "Ringkasan Isi Informasi",
    "Jenis Informasi",
)


def _arrival(item: RegisterItem) -> str:
    return EXEMPTED if item.jenis == DIKECUALIKAN else ADDED


def _fact(item: RegisterItem, action: str, run_id: int | None, on: dt.date) -> ChangeFact:
    return ChangeFact(run_id, on, action, item.id, item.unit, item.ringkasan, item.jenis)


def diff_register(
    before: Sequence[RegisterItem],
    after: Sequence[RegisterItem],
    *,
    run_id: int | None,
    changed_on: dt.date,
) -> list[ChangeFact]:
    """What moved between two versions of the register, in ID order.

    Only approved items are published; an item approved in `after` but not
    in `before` was added (or moved to the exemption list when Dikecualikan),
    one published in both whose shown fields differ was changed, and one no
    longer published was taken out.
    """
    old = {i.id: i for i in before if i.status == "approved"}
    new = {i.id: i for i in after if i.status == "approved"}
    out = []
    for item_id in sorted(old.keys() | new.keys()):
        was, now = old.get(item_id), new.get(item_id)
        if was is None and now is not None:
            out.append(_fact(now, _arrival(now), run_id, changed_on))
        elif now is None and was is not None:
            out.append(_fact(was, REMOVED, run_id, changed_on))
        elif was is not None and now is not None:
            if (was.jenis == DIKECUALIKAN) != (now.jenis == DIKECUALIKAN):
                out.append(_fact(now, _arrival(now), run_id, changed_on))
            elif any(getattr(was, f) != getattr(now, f) for f in PUBLISHED_FIELDS):
                out.append(_fact(now, CHANGED, run_id, changed_on))
    return out


def changes_from_store(
    store: Store,
    *,
    year: int | None = None,
    run_id: int | None = None,
    register_year: int | None = None,
) -> list[ChangeFact]:
    """Every approval (YA) the store recorded, as register changes in the order applied:
    items added (or exempted), and approved Tindakan Ubah (changed) and Hapus (removed).

    The date is the day the run took the approval sheet in (the day the
    published lists changed), or the decision date for a decision recorded
    outside a run. `year` filters on that date; `run_id` keeps one run;
    `register_year` keeps the items of one year's register (DIP-<year>-…),
    for that register's 'Riwayat Perubahan' sheet.
    """
    from ..store.queries import approvals, item_labels
    from .changes import HAPUS, decided_changes

    rows = approvals(store, run_id=run_id, register_year=register_year)
    changed = decided_changes(store, run_id=run_id)
    if register_year is not None:
        changed = [c for c in changed if c["item_id"].startswith(f"DIP-{register_year}-")]
    # the item's unit, ringkasan and jenis come with each approval; the few changed items
    # are asked for theirs
    labels = item_labels(store, [c["item_id"] for c in changed]) if changed else {}
    out = []
    for item_id, run, decided_on, received, unit, ringkasan, jenis in rows:
        on = received or decided_on
        if unit is None or (year is not None and on.year != year):
            continue  # an ID the register does not hold, or another year's
        # An item withdrawn later was still added that night: the history keeps both.
        action = EXEMPTED if jenis == DIKECUALIKAN else ADDED
        out.append(ChangeFact(run, on, action, item_id, unit, ringkasan, jenis))  # type: ignore[arg-type]
    for change in changed:
        label = labels.get(change["item_id"])
        # As an approval: the day its sheet was taken in, not the Atasan's date on it.
        on = change.get("sheet_received") or change["decided_on"]
        if label is None or on is None or (year is not None and on.year != year):
            continue
        action = REMOVED if change["tindakan"] == HAPUS else CHANGED
        out.append(ChangeFact(change["decided_run"], on, action, change["item_id"], *label))
    return sorted(out, key=lambda fact: fact.changed_on)


def last_change_on(store: Store, changes: Sequence[ChangeFact], today: dt.date) -> dt.date:
    """The day the published lists last changed, no later than `today`: the date the DIP
    and its files carry ('Keadaan per'), so that a night that changes nothing in them
    writes them byte for byte as before. `changes` are this year's (`changes_from_store`);
    without any, the earlier years' changes are asked; `today` when there never was one."""
    days = [change.changed_on for change in changes]
    if not days:
        days = [fact.changed_on for fact in changes_from_store(store)]
    return max((d for d in days if d <= today), default=today)


def change_rows(changes: Sequence[ChangeFact]) -> list[dict[str, Any]]:
    """Rows for publish.write_register(changes=...) and the run summary (Indonesian keys).

    The date stays a `datetime.date`: each document writes it its own way
    (`24 November 2026` for staff, ISO in run.json).
    """
    return [
        dict(
            zip(
                COLUMNS,
                (
                    c.changed_on,
                    "" if c.run_id is None else str(c.run_id),
                    c.action,
                    c.item_id,
                    c.unit,
                    c.ringkasan,
                    c.jenis,
                ),
                strict=True,
            )
        )
        for c in changes
    ]


def summary_counts(changes: Sequence[ChangeFact]) -> Mapping[str, int]:
    """How many items each kind of change touched (for the run summary's one-line note)."""
    counts = {action: 0 for action in ACTIONS}
    for c in changes:
        counts[c.action] = counts.get(c.action, 0) + 1
    return {k: v for k, v in counts.items() if v}
