"""SOP step 2 output: the Atasan PPID's Disposisi / Arahan for one merged approval sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Letter
from ..dates import format_date_id
from ..files import fit_name
from ..models import RegisterItem
from ..nip import format_nip
from .docx import LoadedTemplate, cached_template, office_images, render_to
from .fields import item_fields, office_fields, officer_fields, sort_key
from .nota_dinas import slug

TEMPLATE = "disposisi.docx"


@dataclass(frozen=True)
class Disposisi:
    """The decisions one approval sheet carried; `refused` items hold their `arahan`."""

    sheet_name: str  # the approval workbook's file name
    sha256: str
    atasan: str
    date: dt.date
    approved: tuple[RegisterItem, ...]
    refused: tuple[RegisterItem, ...]
    pending_count: int = 0
    # Tindakan Ubah / Hapus this sheet decided: (item, tindakan, YA/TIDAK, arahan)
    changes: tuple[tuple[RegisterItem, str, str, str | None], ...] = ()
    number: str = ""  # the sheet's own number (LP-2026-0007)
    not_applied: int = 0  # rows refused (stale, tampered, conflicting, …)
    edits: Mapping[str, str] = field(default_factory=dict)  # item ID → the Atasan's changes


def file_name(disposisi: Disposisi) -> str:
    stem = Path(disposisi.sheet_name).stem
    return fit_name(
        slug(stem),
        f"-{disposisi.sha256[:8]}.docx",
        prefix=f"Disposisi-{disposisi.date.isoformat()}-",
    )


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def disposisi_context(disposisi: Disposisi, letter: Letter) -> dict[str, Any]:
    """Every variable the Disposisi template may use (docs/documents.md lists them)."""
    approved = sorted(disposisi.approved, key=sort_key)
    refused = sorted(disposisi.refused, key=sort_key)
    # The NIP printed under the name comes from ppid.toml, so only when the sheet was
    # signed by an Atasan PPID (or Plh/Plt) listed there for that day; a name not listed
    # gets no one else's NIP.
    signers = letter.signers
    serving = signers.officers_for("atasan_ppid", disposisi.date)
    named = [o for o in serving if _same_person(disposisi.atasan, o.nama)]
    officer = named[0] if named else signers.signer("atasan_ppid", disposisi.date)
    nip = format_nip(officer.nip) if named else ""
    return {
        "kantor": office_fields(letter.office),
        "logo": "",
        "ppid": officer_fields(signers.ppid),
        "atasan_ppid": officer_fields(officer),
        "tahun": disposisi.date.year,
        "tanggal": format_date_id(disposisi.date),
        "kota": letter.office.kota,
        "nama_lembar": disposisi.sheet_name,
        "sha256": disposisi.sha256,
        "atasan": disposisi.atasan,
        "atasan_nip": nip,
        "atasan_jabatan": officer.jabatan if named else "Atasan PPID",
        "jumlah_disetujui": len(approved),
        "jumlah_ditolak": len(refused),
        "jumlah_menunggu": disposisi.pending_count,
        "jumlah_tidak_diterapkan": disposisi.not_applied,
        "nomor_lembar": disposisi.number,
        "jumlah_diputus": len(approved) + len(refused),
        "disetujui": [
            {**item_fields(item, no), "perubahan": disposisi.edits.get(item.id, "")}
            for no, item in enumerate(approved, 1)
        ],
        "ditolak": [item_fields(item, no) for no, item in enumerate(refused, 1)],
        "perubahan": [
            {
                "no": no,
                "id": item.id,
                "unit": item.unit,
                "ringkasan": item.ringkasan,
                "tindakan": tindakan,
                "keputusan": "Disetujui" if decision == "YA" else "Tidak disetujui",
                "arahan": arahan or "",
            }
            for no, (item, tindakan, decision, arahan) in enumerate(disposisi.changes, 1)
        ],
    }


def write_disposisi(
    disposisi: Disposisi,
    letter: Letter,
    out_dir: Path,
    *,
    template: LoadedTemplate | None = None,
) -> Path:
    """Render the Disposisi / Arahan into `out_dir`."""
    tpl = template or cached_template(letter.templates_dir, TEMPLATE)
    return render_to(
        tpl,
        disposisi_context(disposisi, letter),
        Path(out_dir) / file_name(disposisi),
        when=dt.datetime.combine(disposisi.date, dt.time()),
        title=f"Disposisi Atasan PPID {disposisi.sheet_name}",
        images=office_images(letter.office),
    )
