"""The night's bookkeeping of input/ (SOP records): verdicts, the summary line, the actions."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from .dropfolder import OPEN_NOTE, open_locks
from .outputs import APPROVAL_DIR, FEEDBACK_DIR, NOTA_DIR, PRINT_DIR
from .runrecord import ACCEPTED, ALREADY, FAILED, PARTIAL, REJECTED, WAITING, InputResult


def verdict_counts(verdicts: Sequence[str], waiting: int) -> dict[str, int]:
    return {
        "berkas_diterima": verdicts.count(ACCEPTED),
        "berkas_ditolak": verdicts.count(REJECTED),
        "berkas_diterima_sebagian": verdicts.count(PARTIAL),
        "berkas_sudah_diterima": verdicts.count(ALREADY),
        "berkas_menunggu": waiting,
        "berkas_gagal": verdicts.count(FAILED),
    }


def input_result(
    outcome: Any,
    *,
    feedback: Path | None,
    archived_to: Path | None,
    extra_note: str,
    out_root: Path,
    output_dir: Path,
    workspace: Path,
) -> InputResult:
    """The run record's line for one input (`outcome` is a stages.Outcome)."""
    report = outcome.report
    return InputResult(
        name=outcome.candidate.name,
        sha256=outcome.candidate.sha256,
        kind=outcome.kind,
        verdict=outcome.verdict,
        note=(outcome.note + extra_note).strip(),
        rows=outcome.rows if outcome.rows is not None else getattr(report, "rows", 0),
        archived_to=relative(archived_to, None, None, workspace) if archived_to else None,
        feedback=relative(feedback, out_root, output_dir, workspace) if feedback else None,
        errors=outcome.errors,
        warnings=len(getattr(report, "warnings", ())),
    )


def _open_lock(path: Path) -> Path | None:
    """The fresh Office lock file beside a waiting workbook, if that is why it waits."""
    locks = open_locks(path, clock=time.time())
    return locks[0] if locks else None


def waiting_result(path: Path) -> InputResult:
    lock = _open_lock(path)
    note = (
        f"{OPEN_NOTE} (ada berkas kunci {lock.name}); diproses malam berikutnya setelah ditutup"
        if lock is not None
        else "baru saja berubah (mungkin masih disalin); diproses malam berikutnya"
    )
    return InputResult(name=path.name, sha256=None, kind=None, verdict=WAITING, note=note)


def stale_lock_note(locks: Sequence[Path]) -> str:
    names = ", ".join(p.name for p in locks)
    return (
        f"Berkas kunci Office {names} sudah lebih dari sehari di input/ (sisa Excel atau "
        "LibreOffice yang tidak ditutup dengan benar); tidak menghalangi apa pun dan boleh "
        "dihapus."
    )


def action_list(
    inputs: Sequence[InputResult],
    outputs: Sequence[str],
    counts: Mapping[str, int],
    *,
    renamed: Sequence[str],
    unread: Sequence[Path],
    waiting: Sequence[Path],
    refused_units: Collection[str] = (),
    stale_locks: Sequence[Path] = (),
    placeholders: Sequence[str] = (),
    interrupted: str = "",
    nota_dinas: Sequence[str] = (),
    current: Sequence[str] = (),
) -> tuple[str, ...]:
    """What staff must do in the morning, in Indonesian, one sentence or two each.

    Only what is new tonight: the Arahan of a unit is named when tonight refused one of
    its items, not every morning its (rewritten) file still exists.
    """
    actions: list[str] = []
    if interrupted:
        # First: the counts and lines below include what that night decided.
        actions.append(interrupted)
    if placeholders:
        # Every night until fixed: documents printed now would carry the sample names.
        actions.append(
            "ppid.toml masih memuat isian contoh ("
            + "; ".join(placeholders)
            + "); ganti dengan data kantor sebelum dokumen dicetak dan ditandatangani."
        )
    for i in inputs:
        if i.verdict == FAILED:
            actions.append(
                f"Berkas {i.name} tidak dapat diproses karena galat program dan tetap di "
                "input/; sampaikan var/logs/ppid-batch.log kepada pemelihara."
            )
        where = f" Salinan koreksi: {i.feedback}." if i.feedback else ""
        # Finding messages end with a full stop of their own.
        note = i.note.rstrip(".")
        if i.verdict == REJECTED:
            actions.append(f"Berkas {i.name} ditolak: {note}.{where} Kembalikan ke pengirimnya.")
        elif i.verdict == PARTIAL:
            actions.append(
                f"Berkas {i.name} diterima sebagian: {note}.{where} "
                "Periksa baris yang ditandai bersama pengirimnya."
            )
    pending = counts.get("menunggu_persetujuan", 0)
    sheets = [o for o in outputs if o.startswith(f"output/{APPROVAL_DIR}/")]
    if pending and sheets:
        actions.append(
            f"{pending} informasi menunggu persetujuan Atasan PPID: serahkan {sheets[-1]}, "
            "lalu taruh lembar yang sudah diisi di input/."
        )
    packs = [o for o in outputs if o.startswith(f"output/{PRINT_DIR}/")]
    if packs:
        actions.append(
            f"Cetak {packs[-1]}: dokumen malam ini yang perlu ditandatangani atau diserahkan, "
            "berurutan (Disposisi, Keputusan PPID, Nota Dinas, Lembar Persetujuan)."
        )
    if counts.get("disetujui_malam_ini"):
        # By name: the ones numbered tonight (or by the interrupted night reported here).
        if nota_dinas:
            drafts = ", ".join(f"output/{NOTA_DIR}/{name}" for name in nota_dinas)
            actions.append(f"Periksa dan tandatangani Draft Nota Dinas baru: {drafts}.")
        else:
            actions.append(f"Periksa dan tandatangani Draft Nota Dinas baru di output/{NOTA_DIR}/.")
    refused = counts.get("ditolak_atasan_malam_ini", 0)
    if refused and refused_units:
        from ..approve.unit_feedback import feedback_name  # not on a quiet night's import path

        tonight = {f"output/{FEEDBACK_DIR}/{feedback_name(unit)}" for unit in refused_units}
        # `current` too: an interrupted night may have written the file already.
        arahan = [o for o in dict.fromkeys([*outputs, *current]) if o in tonight]
        if arahan:
            actions.append(
                f"{refused} informasi tidak disetujui Atasan PPID: sampaikan arahannya kepada "
                f"unit ({', '.join(arahan)})."
            )
    for name in renamed:
        actions.append(
            f"Berkas {name} diganti namanya: nama aslinya memuat huruf yang tidak terbaca."
        )
    if unread:
        actions.append(unread_note(unread))
    for path in waiting:
        lock = _open_lock(path)
        if lock is not None:
            actions.append(
                f"Berkas {path.name} {OPEN_NOTE} (berkas kunci {lock.name}); tutup berkasnya "
                "di Excel, diproses malam berikutnya."
            )
        else:
            actions.append(
                f"Berkas {path.name} masih berubah saat diperiksa; diproses malam berikutnya."
            )
    if stale_locks:
        actions.append(stale_lock_note(stale_locks))
    return tuple(actions)


def summary_line(
    counts: Mapping[str, int], run_dir: Path, workspace: Path, *, dry_run: bool
) -> str:
    """The one Indonesian line printed last."""
    c = counts
    parts = [f"{c['berkas_diterima']} berkas diterima"]
    if c["berkas_diterima_sebagian"]:
        parts.append(f"{c['berkas_diterima_sebagian']} diterima sebagian")
    parts.append(f"{c['berkas_ditolak']} ditolak")
    if c["berkas_sudah_diterima"]:
        parts.append(f"{c['berkas_sudah_diterima']} sudah diterima sebelumnya")
    if c["berkas_menunggu"]:
        parts.append(f"{c['berkas_menunggu']} menunggu")
    if c["berkas_gagal"]:
        parts.append(f"{c['berkas_gagal']} gagal diproses")
    decided = [f"{c.get('disetujui_malam_ini', 0)} disetujui"]
    if c.get("ditolak_atasan_malam_ini"):
        decided.append(f"{c['ditolak_atasan_malam_ini']} tidak disetujui")
    if c.get("proses_terputus"):
        decided[-1] += " (termasuk keputusan proses malam yang terputus)"
    items = (
        f"{c.get('informasi_baru', 0)} informasi baru, {', '.join(decided)}, "
        f"{c.get('menunggu_persetujuan', 0)} menunggu persetujuan"
    )
    where = relative(run_dir / "ringkasan.html", None, None, workspace)
    head = "Uji coba selesai (tidak ada yang diubah)" if dry_run else "Selesai"
    return f"{head}: {', '.join(parts)}; {items}. Ringkasan: {where}"


def form_note(outcome: Any) -> str:
    parts = [f"{len(outcome.new_ids)} informasi baru"]
    if outcome.corrected_ids:
        parts.append(f"{len(outcome.corrected_ids)} diperbaiki")
    if getattr(outcome, "change_ids", ()):
        parts.append(f"{len(outcome.change_ids)} permintaan Ubah/Hapus menunggu Atasan PPID")
    if getattr(outcome, "withdrawn_ids", ()):
        parts.append(f"{len(outcome.withdrawn_ids)} usulan ditarik unitnya")
    if outcome.duplicates:
        parts.append(f"{len(outcome.duplicates)} sudah ada di register")
    return ", ".join(parts)


def unread_note(paths: Sequence[Path]) -> str:
    names = ", ".join(f"{p.name}{'/' if p.is_dir() else ''}" for p in paths)
    return (
        f"Tidak dibaca: {names} (folder atau pintasan di input/); taruh berkas .xlsx-nya "
        "langsung di input/."
    )


def rejection_note(report: Any) -> str:
    errors = list(report.errors)
    if not errors:
        return "tidak dapat diproses"
    first = errors[0].message.rstrip()
    if len(errors) == 1:
        return first
    # The count belongs inside the first message's sentence: "… 1 001 (dan 5 kesalahan lain)."
    if first.endswith(".") and not first.endswith("..."):
        first = first[:-1]
    return f"{first} (dan {len(errors) - 1} kesalahan lain)."


def relative(path: Path | None, scratch: Path | None, real: Path | None, ws: Path) -> str:
    """A workspace-relative POSIX path; dry-run outputs are named as if in output/."""
    assert path is not None
    path = Path(path)
    if scratch is not None and real is not None and scratch != real:
        try:
            path = real / path.relative_to(scratch)
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(ws.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
