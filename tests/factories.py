"""The one register-item factory the tests share: a valid item, then only what a test needs."""

from __future__ import annotations

from typing import Any

from ppid_batch.models import RegisterItem


def register_item(
    item_id: str = "DIP-2025-0001",
    unit: str = "Subbagian Hukum dan SDM",
    ringkasan: str | None = None,
    **fields: Any,
) -> RegisterItem:
    """A register item of `unit` with every required field filled; `fields` override."""
    values: dict[str, Any] = {
        "id": item_id,
        "unit": unit,
        "ringkasan": ringkasan or f"Informasi {item_id}",
        "penguasa": unit,
        "penanggung_jawab": f"Kepala {unit}",
        "waktu_pembuatan": "2025",
        "tempat_pembuatan": "Mesuji",
        "bentuk": "Softcopy",
        "retensi": "5 Tahun",
        "jenis": "Berkala",
    }
    values.update(fields)
    return RegisterItem(**values)
