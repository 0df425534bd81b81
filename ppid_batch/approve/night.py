"""Several approval sheets on one night: an item decided differently on two is applied from none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..models import SheetReport
from ..register.items import normalise_id


def conflicting_decisions(
    reports: Sequence[SheetReport], known: Any = None, counts: Any = None
) -> dict[str, dict[str, str]]:
    """Sheet sha256 → {item ID → the other sheets' names} for items decided both YA and TIDAK.

    `known(sha256)` tells a sheet already received on an earlier night (it decides
    nothing again and is left out); `counts(report)` whether a sheet would be applied at
    all (a forged or mis-signed sheet is refused whole and must not block a genuine one).
    """
    seen: dict[str, dict[str, set[str]]] = {}
    sheets = [
        r
        for r in reports
        if r.kind == "persetujuan"
        and not (known and known(r.sha256))
        and (counts is None or counts(r))
    ]
    if not sheets:
        return {}  # a night of forms alone: apply.py is not even imported
    from .apply import decision_of

    for report in sheets:
        for row in report.items:
            item_id = normalise_id(row.get("id"))
            decision = decision_of(row.get("persetujuan"))
            if item_id and decision in ("YA", "TIDAK"):
                seen.setdefault(item_id, {}).setdefault(decision, set()).add(report.path.name)
    torn = {i: by for i, by in seen.items() if len(by) > 1}
    out: dict[str, dict[str, str]] = {}
    for report in sheets:
        mine = report.path.name
        for item_id, by in torn.items():
            names = sorted({n for files in by.values() for n in files} - {mine})
            if any(mine in files for files in by.values()):
                out.setdefault(report.sha256, {})[item_id] = "lembar " + ", ".join(names)
    return out


def conflicts_for(table: Mapping[str, Mapping[str, str]], report: SheetReport) -> Mapping[str, str]:
    return table.get(report.sha256, {})


def disposisi_facts(sheet: Mapping[str, Any], decided: int) -> dict[str, Any]:
    """The Disposisi's counts and the Atasan's changes, as the night recorded them.

    The counts are the ones apply_approval stored with the sheet (the console and
    run.json print the same); a sheet merged before they were stored falls back to
    its row count.
    """
    import json

    from .issuing import change_text

    counts = json.loads(sheet.get("counts") or "{}")
    changes: dict[str, str] = {}
    for d in sheet.get("decisions", ()):
        raw = d.get("changes")
        if raw:
            fields = json.loads(raw)
            old = {k: v[0] for k, v in fields.items()}
            new = {k: v[1] for k, v in fields.items()}
            changes[d["item_id"]] = change_text(old, new)
    pending = counts.get("belum_diputus")
    return {
        "pending_count": int(pending)
        if pending is not None
        else max(int(sheet.get("rows") or 0) - decided, 0),
        "not_applied": int(counts.get("tidak_diterapkan") or 0),
        "number": sheet.get("sheet_number") or "",
        "edits": changes,
    }


def signed_note(outcome: Any) -> str:
    """`lembar LP-2026-0007, ditandatangani Drs. Ahmad Fauzi (14 Maret 2025): ` or ``."""
    from ..dates import format_date_id

    report = outcome.report
    number = str((report.meta if report else {}).get("nomor_lembar") or "").strip()
    if not outcome.atasan:
        return ""
    when = f" ({format_date_id(outcome.tanggal)})" if outcome.tanggal else ""
    sheet = f"lembar {number}, " if number else ""
    return f"{sheet}ditandatangani {outcome.atasan}{when}: "
