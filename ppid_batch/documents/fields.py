"""SOP step 3: how a register item reads in every document (one wording for xlsx, html, docx)."""

from __future__ import annotations

import functools
import re
from typing import Any

from ..config import Office, Officer
from ..dates import PartialDate
from ..models import RegisterItem
from ..nip import format_nip

PRECISION_ID = {"day": "hari", "month": "bulan", "year": "tahun"}
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)
def waktu_text(iso: str) -> str:
    """`2025-04` → `April 2025`; the precision the unit gave is kept, never a made-up day."""
    return PartialDate.from_iso(iso).text_id()


def waktu_tempat(item: RegisterItem) -> str:
    """Perki 1/2021's 'waktu dan tempat pembuatan': `Bandung, April 2025`."""
    return f"{item.tempat_pembuatan}, {waktu_text(item.waktu_pembuatan)}"


def is_web_link(text: str | None) -> bool:
    """Only http(s) addresses become links; a storage location stays plain text."""
    return bool(text) and bool(_URL.match(text or ""))


def item_fields(item: RegisterItem, no: int) -> dict[str, Any]:
    """The display values of one item, as every template and table names them."""
    return {
        "no": no,
        "id": item.id,
        "unit": item.unit,
        "ringkasan": item.ringkasan,
        "penguasa": item.penguasa,
        "penanggung_jawab": item.penanggung_jawab,
        "waktu": waktu_text(item.waktu_pembuatan),
        "tempat": item.tempat_pembuatan,
        "waktu_tempat": waktu_tempat(item),
        "bentuk": item.bentuk,
        "retensi": item.retensi,
        "jenis": item.jenis,
        "dasar_pengecualian": item.dasar_pengecualian or "",
        "konsekuensi": item.konsekuensi or "",
        "jangka_pengecualian": item.jangka_pengecualian or "",
        "kepentingan_publik": item.kepentingan_publik or "",
        "tautan": item.tautan or "",
        "keterangan": item.keterangan or "",
        "arahan": item.arahan or "",
    }


def officer_fields(officer: Officer) -> dict[str, str]:
    return {"nama": officer.nama, "nip": format_nip(officer.nip), "jabatan": officer.jabatan}


def office_fields(o: Office) -> dict[str, str]:
    return {
        "nama_satker": o.nama_satker,
        "singkatan": o.singkatan,
        "alamat": o.alamat,
        "kota": o.kota,
        "kode_wilayah": o.kode_wilayah,
        "telepon": o.telepon,
        "email": o.email,
        "laman": o.laman,
    }


def sort_key(item: RegisterItem) -> tuple[Any, ...]:
    """Register order: by ID, which the register hands out in sequence (DIP-2025-9999 < -10000)."""
    parts = re.split(r"(\d+)", item.id)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)
