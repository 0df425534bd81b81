"""SOP step 3, exempt information: matching the usulan against what KPU RI has already set.

At KPU the exemption itself is decided by KPU RI; an office only proposes. An usulan
whose ringkasan matches an exemption KPU RI has already set (`[pengecualian]
ditetapkan_kpu_ri` in ppid.toml) is noted in the Daftar Usulan, so the PPID cites it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import format_date_id
from ..models import RegisterItem
from .kpu_ri import kpu_ri_note

if TYPE_CHECKING:
    from ..config import ExemptionConfig, Letter

TEMPLATE = "surat-usulan-dikecualikan.docx"
LETTER_NAME = "Surat-Usulan-Informasi-Dikecualikan-{tahun}.docx"
NUMBER_BLANK = "……/PPID/{kode_wilayah}/{tahun}"


def letter_context(
    items: Sequence[RegisterItem],
    letter: Letter,
    pengecualian: ExemptionConfig,
    *,
    year: int,
    today: dt.date,
) -> dict[str, Any]:
    """Every variable the covering letter's template may use."""
    from .fields import item_fields, office_fields, officer_fields

    listed = pengecualian.ditetapkan_kpu_ri
    rows = [
        {**item_fields(item, no), "kpu_ri": kpu_ri_note(item, listed)}
        for no, item in enumerate(items, 1)
    ]
    return {
        "kantor": office_fields(letter.office),
        "logo": "",
        "ppid": officer_fields(letter.signers.signer("ppid", today)),
        "atasan_ppid": officer_fields(letter.signers.signer("atasan_ppid", today)),
        "tahun": year,
        "tanggal": format_date_id(today),
        # The office numbers the outgoing letter in its own agenda when it is signed.
        "nomor": NUMBER_BLANK.format(kode_wilayah=letter.office.kode_wilayah, tahun=year),
        "yth": pengecualian.yth,
        "jumlah": len(rows),
        "jumlah_sesuai": sum(1 for r in rows if r["kpu_ri"]),
        "butir": rows,
    }


def write_covering_letter(
    items: Sequence[RegisterItem],
    letter: Letter,
    pengecualian: ExemptionConfig,
    out_dir: Path,
    *,
    year: int,
    today: dt.date,
) -> Path | None:
    """The draft letter sending this year's usulan to `[pengecualian] yth`; None when the
    usulan is empty (then an older draft is removed: there is nothing to send)."""
    from .docx import cached_template, office_images, render_to
    from .register_list import exempted

    path = Path(out_dir) / LETTER_NAME.format(tahun=year)
    chosen = exempted(items)
    if not chosen:
        path.unlink(missing_ok=True)
        return None
    context = letter_context(chosen, letter, pengecualian, year=year, today=today)
    when = dt.datetime.combine(today, dt.time())
    title = f"Usulan Informasi yang Dikecualikan {year}"
    return render_to(
        cached_template(letter.templates_dir, TEMPLATE),
        context,
        path,
        when=when,
        title=title,
        images=office_images(letter.office),
    )
