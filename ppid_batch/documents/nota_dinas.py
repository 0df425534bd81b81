"""SOP step 3 output: one Draft Nota Dinas per unit documenting its newly approved items."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Letter, NotaDinasConfig
from ..dates import format_date_id
from ..files import fit_name, name_slug
from ..models import DIKECUALIKAN, RegisterItem
from .docx import LoadedTemplate, cached_template, office_images, render_to
from .fields import (
    item_fields,
    office_fields,
    officer_fields,
    sort_key,
)

TEMPLATE = "nota-dinas.docx"
LAMPIRAN = "1 (satu) berkas"


@dataclass(frozen=True)
class NotaDinas:
    """A numbered Nota Dinas for one unit; `urut` is the per-year sequence behind `number`."""

    number: str
    date: dt.date
    unit: str
    items: tuple[RegisterItem, ...]
    urut: int = 0  # 0: taken from the leading digits of `number`

    @property
    def sequence(self) -> int:
        if self.urut:
            return self.urut
        m = re.match(r"\s*(\d+)", self.number)
        return int(m.group(1)) if m else 0


def slug(text: str) -> str:
    """`Subbagian Keuangan, Umum & Logistik` → `subbagian-keuangan-umum-logistik`."""
    return name_slug(text) or "unit"


def file_name(nota: NotaDinas) -> str:
    return fit_name(
        slug(nota.unit), f"-{nota.date.year}.docx", prefix=f"Nota-Dinas-{nota.sequence:03d}-"
    )


def addressee(pattern: str, unit: str) -> str:
    """ppid.toml's `yth` with the unit put in, without 'Subbagian Subbagian Hukum'."""
    text = pattern.replace("{unit}", unit)
    return re.sub(r"\b(Sub ?bagian|Bagian)\s+\1\b", r"\1", text, flags=re.IGNORECASE)


def nota_context(nota: NotaDinas, letter: Letter, nd: NotaDinasConfig) -> dict[str, Any]:
    """Every variable the Nota Dinas template may use (docs/documents.md lists them).

    Addressed to the unit's PPID Pelaksana when ppid.toml lists one for the unit that day
    (it keeps and provides the documented information); else to ppid.toml's `yth`.
    """
    pelaksana = letter.signers.unit_officer(nota.unit, nota.date)
    items = sorted(nota.items, key=sort_key)
    listed = [item for item in items if item.jenis != DIKECUALIKAN]
    exempt = [item for item in items if item.jenis == DIKECUALIKAN]
    return {
        "kantor": office_fields(letter.office),
        "logo": "",
        "ppid": officer_fields(letter.signers.signer("ppid", nota.date)),
        "atasan_ppid": officer_fields(letter.signers.signer("atasan_ppid", nota.date)),
        "tahun": nota.date.year,
        "tanggal": format_date_id(nota.date),
        "nomor": nota.number,
        "unit": nota.unit,
        "yth": pelaksana.jabatan if pelaksana else addressee(nd.yth, nota.unit),
        "ppid_pelaksana": (
            officer_fields(pelaksana) if pelaksana else {"nama": "", "nip": "", "jabatan": ""}
        ),
        "dari": nd.dari,
        "tembusan": list(nd.tembusan),
        "sifat": nd.sifat,
        "lampiran": LAMPIRAN,
        "hal": nd.hal,
        "isi": nd.isi,
        "penutup": nd.penutup,
        "jumlah": len(items),
        # Approved Dikecualikan items go to the exemption list, not the published register.
        "jumlah_dikecualikan": sum(1 for item in items if item.jenis == DIKECUALIKAN),
        "butir": [item_fields(item, no) for no, item in enumerate(items, 1)],
        # Arahan the Atasan PPID wrote beside a YA: printed in the lampiran for the unit.
        "arahan": [
            item_fields(item, no) for no, item in enumerate((i for i in items if i.arahan), 1)
        ],
        # The lampiran lists them under two headings: the DIP, and the exemption list.
        "butir_dip": [item_fields(item, no) for no, item in enumerate(listed, 1)],
        "butir_dikecualikan": [item_fields(item, no) for no, item in enumerate(exempt, 1)],
    }


def write_nota_dinas(
    nota: NotaDinas,
    letter: Letter,
    nd: NotaDinasConfig,
    out_dir: Path,
    *,
    template: LoadedTemplate | None = None,
) -> Path:
    """Render the draft into `out_dir`; the template bytes stay in memory across calls."""
    tpl = template or cached_template(letter.templates_dir, TEMPLATE)
    when = dt.datetime.combine(nota.date, dt.time())
    return render_to(
        tpl,
        nota_context(nota, letter, nd),
        Path(out_dir) / file_name(nota),
        when=when,
        title=f"Nota Dinas {nota.number}",
        images=office_images(letter.office),
    )


_Chunk = tuple[list[NotaDinas], Letter, NotaDinasConfig, Path, LoadedTemplate]


def _render_chunk(args: _Chunk) -> list[Path]:
    notas, letter, nd, out_dir, tpl = args
    return [write_nota_dinas(n, letter, nd, out_dir, template=tpl) for n in notas]


def write_nota_dinas_all(
    notas: Sequence[NotaDinas],
    letter: Letter,
    nd: NotaDinasConfig,
    out_dir: Path,
    *,
    workers: int = 1,
) -> list[Path]:
    """Render many drafts from one in-memory copy of the template.

    With `workers` > 1 the drafts are split over that many processes (the machine
    has two cores); the files are the same bytes either way, returned in input order.
    """
    tpl = cached_template(letter.templates_dir, TEMPLATE)
    if workers <= 1 or len(notas) < 2 * workers:
        return _render_chunk((list(notas), letter, nd, Path(out_dir), tpl))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(notas) // workers)
    chunks = [
        (list(notas[i : i + size]), letter, nd, Path(out_dir), tpl)
        for i in range(0, len(notas), size)
    ]
    # spawn, not fork: the batch may hold a lock file and a database connection.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [path for chunk in pool.map(_render_chunk, chunks) for path in chunk]
