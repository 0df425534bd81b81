"""The office's configuration (ppid.toml): identity, officers, numbering and paths."""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .nip import parse_nip

CONFIG_NAME = "ppid.toml"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = PACKAGE_ROOT / "templates"
DEFAULT_NOTA_PATTERN = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"
DEFAULT_KKA = "HM.02"
DEFAULT_SETTLE_SECONDS = 30
DEFAULT_SIMILARITY = 90
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
PATTERN_FIELDS = frozenset({"urut", "kka", "kode_wilayah", "tahun", "bulan", "bulan_romawi"})


@dataclass(frozen=True)
class Officer:
    role: str
    nama: str
    nip: str
    jabatan: str


@dataclass(frozen=True)
class Office:
    nama_satker: str
    singkatan: str
    alamat: str
    kota: str
    kode_wilayah: str
    telepon: str = ""
    email: str = ""
    laman: str = ""


@dataclass(frozen=True)
class NotaDinasConfig:
    pola_nomor: str = DEFAULT_NOTA_PATTERN
    kka: str = DEFAULT_KKA
    yth: str = "Kepala Subbagian {unit}"
    dari: str = "PPID"
    tembusan: tuple[str, ...] = ()
    sifat: str = "Biasa"
    hal: str = "Penetapan Daftar Informasi Publik"
    isi: str = ""
    penutup: str = "Demikian disampaikan, atas perhatiannya diucapkan terima kasih."


@dataclass(frozen=True)
class Config:
    workspace: Path
    office: Office
    ppid: Officer
    atasan_ppid: Officer
    nota_dinas: NotaDinasConfig
    input_dir: Path
    output_dir: Path
    var_dir: Path
    templates_dir: Path
    database_url: str
    settle_seconds: int = DEFAULT_SETTLE_SECONDS
    pdf: bool = False
    similarity_threshold: int = DEFAULT_SIMILARITY
    max_file_bytes: int = MAX_FILE_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    source: Path | None = field(default=None, compare=False)

    def nota_number(self, urut: int, year: int, month: int = 1) -> str:
        return self.nota_dinas.pola_nomor.format(
            urut=urut,
            kka=self.nota_dinas.kka,
            kode_wilayah=self.office.kode_wilayah,
            tahun=year,
            bulan=month,
            bulan_romawi=ROMAN[month - 1],
        )


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

_KNOWN: dict[str, Any] = {
    "kantor": {
        "nama_satker", "singkatan", "alamat", "kota", "kode_wilayah", "telepon", "email", "laman",
    },
    "pejabat": {"ppid": {"nama", "nip", "jabatan"}, "atasan_ppid": {"nama", "nip", "jabatan"}},
    "nota_dinas": {
        "pola_nomor", "kka", "yth", "dari", "tembusan", "sifat", "hal", "isi", "penutup",
    },
    "batch": {"tunggu_detik", "pdf", "ambang_kemiripan"},
    "lokasi": {"input", "output", "var", "templat", "database"},
}  # fmt: skip


def _check_keys(data: dict[str, Any], known: Any, prefix: str, path: Path) -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(known, dict):
            if key not in known:
                raise ConfigError(f"{path.name}: kunci '{dotted}' tidak dikenal; periksa ejaannya.")
            sub = known[key]
            if isinstance(sub, dict | set):
                if not isinstance(value, dict):
                    raise ConfigError(f"{path.name}: '{dotted}' harus berupa bagian [{dotted}].")
                _check_keys(value, sub, dotted + ".", path)
        elif key not in known:
            raise ConfigError(f"{path.name}: kunci '{dotted}' tidak dikenal; periksa ejaannya.")


class _Reader:
    """Typed access to the parsed TOML with one Indonesian line per wrong value."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        self.data, self.path = data, path

    def _get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def fail(self, dotted: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.path.name}: '{dotted}' {expected}.")

    def text(self, dotted: str, default: str | None = None) -> str:
        value = self._get(dotted)
        if value is None:
            if default is None:
                raise self.fail(dotted, "wajib diisi (teks)")
            return default
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(dotted, "harus berupa teks yang tidak kosong")
        return value.strip()

    def integer(self, dotted: str, default: int, lo: int, hi: int) -> int:
        value = self._get(dotted)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(dotted, f"harus berupa bilangan bulat {lo} sampai {hi}")
        return value

    def boolean(self, dotted: str, default: bool) -> bool:
        value = self._get(dotted)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(dotted, "harus true atau false")
        return value

    def text_list(self, dotted: str) -> tuple[str, ...]:
        value = self._get(dotted)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(dotted, 'harus berupa daftar teks, contoh ["Ketua KPU"]')
        return tuple(value)


def _officer(r: _Reader, role: str) -> Officer:
    nip_text = r.text(f"pejabat.{role}.nip")
    nip = parse_nip(nip_text)
    if nip is None:
        raise r.fail(
            f"pejabat.{role}.nip",
            f"bukan NIP yang sah ('{nip_text}'); NIP terdiri dari 18 angka, "
            "contoh 19860926 201505 1 001",
        )
    return Officer(
        role=role,
        nama=r.text(f"pejabat.{role}.nama"),
        nip=nip,
        jabatan=r.text(f"pejabat.{role}.jabatan"),
    )


def _pattern(r: _Reader) -> str:
    pattern = r.text("nota_dinas.pola_nomor", DEFAULT_NOTA_PATTERN)
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise r.fail("nota_dinas.pola_nomor", f"tidak dapat dibaca ({pattern!r})") from exc
    unknown = sorted(names - PATTERN_FIELDS)
    if unknown:
        raise r.fail(
            "nota_dinas.pola_nomor",
            f"memakai {{{unknown[0]}}} yang tidak dikenal; yang boleh: "
            + ", ".join("{" + n + "}" for n in sorted(PATTERN_FIELDS)),
        )
    if "urut" not in names:
        raise r.fail("nota_dinas.pola_nomor", "harus memuat {urut} agar setiap nomor berbeda")
    return pattern


def load_config(workspace: Path | None = None) -> Config:
    """Read <workspace>/ppid.toml into a frozen Config; raise ConfigError on any wrong value."""
    ws = Path(workspace or Path.cwd()).resolve()
    path = ws / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            f"Berkas konfigurasi {path} tidak ditemukan; buat ruang kerja dengan "
            "'ppid-batch init' atau pilih folder dengan --workspace."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where in English ("... (at line 5, column 6)"); keep only the where.
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f" pada baris {at[1]}, kolom {at[2]}" if at else ""
        raise ConfigError(
            f"{path.name} tidak dapat dibaca{where}: penulisannya salah. Periksa tanda kutip "
            "teks, tanda '=' dan nama [bagian] (contoh: nama = \"Budi\")."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path.name} tidak dapat dibaca: bukan teks UTF-8. Simpan ulang sebagai UTF-8."
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path.name} tidak dapat dibuka ({exc.strerror}).") from exc
    _check_keys(data, _KNOWN, "", path)
    r = _Reader(data, path)

    kode = r.text("kantor.kode_wilayah")
    if not kode.isdigit():
        raise r.fail(
            "kantor.kode_wilayah", f"harus berupa angka kode wilayah, contoh 1811 (bukan '{kode}')"
        )
    office = Office(
        nama_satker=r.text("kantor.nama_satker"),
        singkatan=r.text("kantor.singkatan", r.text("kantor.nama_satker")),
        alamat=r.text("kantor.alamat"),
        kota=r.text("kantor.kota"),
        kode_wilayah=kode,
        telepon=r.text("kantor.telepon", ""),
        email=r.text("kantor.email", ""),
        laman=r.text("kantor.laman", ""),
    )
    nd = NotaDinasConfig(
        pola_nomor=_pattern(r),
        kka=r.text("nota_dinas.kka", DEFAULT_KKA),
        yth=r.text("nota_dinas.yth", NotaDinasConfig.yth),
        dari=r.text("nota_dinas.dari", NotaDinasConfig.dari),
        tembusan=r.text_list("nota_dinas.tembusan"),
        sifat=r.text("nota_dinas.sifat", NotaDinasConfig.sifat),
        hal=r.text("nota_dinas.hal", NotaDinasConfig.hal),
        isi=r.text("nota_dinas.isi", ""),
        penutup=r.text("nota_dinas.penutup", NotaDinasConfig.penutup),
    )

    def place(key: str, default: str) -> Path:
        return (ws / r.text(f"lokasi.{key}", default)).resolve()

    var_dir = place("var", "var")
    templat = r.text("lokasi.templat", "")
    database = r.text("lokasi.database", "")
    return Config(
        workspace=ws,
        office=office,
        ppid=_officer(r, "ppid"),
        atasan_ppid=_officer(r, "atasan_ppid"),
        nota_dinas=nd,
        input_dir=place("input", "input"),
        output_dir=place("output", "output"),
        var_dir=var_dir,
        templates_dir=(ws / templat).resolve() if templat else DEFAULT_TEMPLATES,
        database_url=database or f"sqlite:///{var_dir / 'ppid.sqlite'}",
        settle_seconds=r.integer("batch.tunggu_detik", DEFAULT_SETTLE_SECONDS, 0, 86400),
        pdf=r.boolean("batch.pdf", False),
        similarity_threshold=r.integer("batch.ambang_kemiripan", DEFAULT_SIMILARITY, 50, 100),
        source=path,
    )
