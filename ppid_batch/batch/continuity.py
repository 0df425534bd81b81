"""The register's continuity (SOP records): a register that disappeared is not a fresh start.

With var/ppid.sqlite deleted (or an empty database behind `[lokasi] database`), a night
would hand DIP-2025-0001 to other content while the published DIP still shows the old
one, and Nota Dinas numbers would start again. When the workspace shows earlier nights
the night refuses instead, until the register is restored or `ppid-batch db mulai-baru
--yakin` says a new register is truly meant.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..files import atomic_write_text

MARKER_NAME = "register-baru.json"
START_OVER = "ppid-batch db mulai-baru --yakin"


def earlier_nights(config: Any) -> list[str]:
    """What in the workspace shows that nights have already run (Indonesian, for the message)."""
    out, inp = Path(config.output_dir), Path(config.input_dir)
    signs = [
        (inp / "arsip", "berkas yang diterima di input/arsip/"),
        (out / "register", "Daftar Informasi Publik di output/register/"),
        (out / "nota-dinas", "Nota Dinas di output/nota-dinas/"),
        (out / "persetujuan", "Lembar Persetujuan di output/persetujuan/"),
    ]
    return [text for folder, text in signs if folder.is_dir() and _any_file(folder)]


def _any_file(folder: Path) -> bool:
    return any(p.is_file() and not p.name.startswith(".") for p in folder.rglob("*"))


def check(config: Any, *, exists: bool, has_runs: bool | None) -> None:
    """Raise StoreError when the register is missing or empty but earlier nights ran."""
    if exists and has_runs is not False:
        return
    if (Path(config.var_dir) / MARKER_NAME).is_file():
        return
    signs = earlier_nights(config)
    if not signs:
        return
    what = "tidak ditemukan" if not exists else "kosong"
    raise StoreError(
        f"Register {what} ({config.database_url.split('///')[-1]}), padahal ruang kerja ini "
        f"sudah pernah diproses ({'; '.join(signs)}). Pulihkan register dari cadangan atau "
        "periksa 'lokasi.database' di ppid.toml; tanpa register lama nomor DIP dan Nota "
        "Dinas akan terulang. Bila memang ingin memulai register baru, jalankan: "
        f"{START_OVER}"
    )


def start_over(config: Any, *, today: dt.date) -> Path:
    """Record that a new, empty register is meant (the `db mulai-baru --yakin` command)."""
    marker = Path(config.var_dir) / MARKER_NAME
    text = json.dumps({"mulai_baru": today.isoformat(), "database": config.database_url})
    atomic_write_text(marker, text + "\n")
    return marker
