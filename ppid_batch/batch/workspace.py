"""Lays out a workspace: the drop folder, the output folder, var/ and ppid.toml."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_NAME, SAMPLE_CONFIG
from ..errors import UsageError
from ..files import atomic_write_text

FOLDERS = ("input", "output", "var")
ADDRESS_PLACEHOLDER = "ALAMAT KANTOR (ganti)"
_SATKER = re.compile(
    r"^\s*(?:KPU|KIP|Komisi\s+Pemilihan\s+Umum|Komisi\s+Independen\s+Pemilihan)\s+"
    r"(Kabupaten|Kota|Provinsi)\s+(\S.*?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NewOffice:
    """The names `init --satker` puts into a new office's ppid.toml."""

    nama_satker: str
    singkatan: str
    kota: str
    kode_wilayah: str


def new_office(satker: str, kode_wilayah: str, kota: str | None = None) -> NewOffice:
    """`KPU Kota Bandung`, `3273` → the office's full name, short name and signing place."""
    m = _SATKER.match(satker)
    if not m:
        raise UsageError(
            f"--satker '{satker}' tidak dikenali; tulis jenis dan nama wilayahnya, seperti "
            '"KPU Kota Bandung" atau "KPU Provinsi Jawa Barat".'
        )
    level, name = m[1].capitalize(), " ".join(m[2].split())
    head = "KIP" if satker.strip().upper().startswith(("KIP", "KOMISI INDEPENDEN")) else "KPU"
    long_head = "Komisi Independen Pemilihan" if head == "KIP" else "Komisi Pemilihan Umum"
    kode = kode_wilayah.strip().replace(".", "")
    digits = 2 if level == "Provinsi" else 4
    if not (kode.isdigit() and len(kode) == digits):
        raise UsageError(
            f"--kode-wilayah '{kode_wilayah}' tidak sesuai: {head} {level} memakai kode "
            f"wilayah {digits} angka (contoh {'32' if digits == 2 else '3273'})."
        )
    return NewOffice(
        nama_satker=f"{long_head} {level} {name}",
        singkatan=f"{head} {level} {name}",
        kota=" ".join(kota.split()) if kota else name,
        kode_wilayah=kode,
    )


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def office_config_text(sample: str, office: NewOffice) -> str:
    """The sample ppid.toml rewritten for `office`: its [kantor] values replaced, and the
    sample office's names in every other text (jabatan, tembusan, isi) replaced by the new
    office's, so nothing of the sample office is left behind."""
    old = tomllib.loads(sample)["kantor"]
    values = {
        "nama_satker": office.nama_satker,
        "singkatan": office.singkatan,
        "alamat": ADDRESS_PLACEHOLDER,
        "kota": office.kota,
        "kode_wilayah": office.kode_wilayah,
        "telepon": "",
        "email": "",
        "laman": "",
    }
    renames = sorted(
        {
            old["nama_satker"]: office.nama_satker,
            old.get("singkatan", old["nama_satker"]): office.singkatan,
            old["kota"]: office.kota,
        }.items(),
        key=lambda pair: -len(pair[0]),
    )
    lines, table = [], ""
    for line in sample.splitlines(keepends=True):
        header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]", line)
        if header:
            table = header[1]
        key = re.match(r"\s*([a-z_]+)\s*=", line)
        if table == "kantor" and key and key[1] in values:
            line = f"{key[1]} = {_toml_string(values[key[1]])}\n"
        elif table == "sop" and key and key[1] == "nomor":
            line = 'nomor = ""\n'  # the sample office's SOP number is not the new office's
        else:
            for before, after in renames:
                line = re.sub(rf"\b{re.escape(before)}\b", after.replace("\\", r"\\"), line)
        lines.append(line)
    return "".join(lines)


def init_workspace(directory: Path, office: NewOffice | None = None) -> list[Path]:
    """Create input/, output/, var/ and a commented ppid.toml; never overwrite an existing one.

    With `office`, ppid.toml starts with that office's names instead of the sample's.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} sudah ada dan bukan folder.")
    created: list[Path] = []
    for name in FOLDERS:
        folder = directory / name
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder)
    config = directory / CONFIG_NAME
    if not config.exists():
        sample = SAMPLE_CONFIG.read_text(encoding="utf-8")
        atomic_write_text(config, office_config_text(sample, office) if office else sample)
        created.append(config)
    return created
