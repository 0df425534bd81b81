"""The office's configuration (ppid.toml): identity, officers, numbering and paths."""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import tomlpos as tpos
from .errors import ConfigError
from .nip import parse_nip
from .vocabulary import BENTUK_PRESETS, Vocabulary, kka_is_unconfirmed, kka_known

CONFIG_NAME = "ppid.toml"
# What ships inside the package (a wheel install has no checkout around it): the templates
# init copies into a workspace, the sample ppid.toml, the form schemas, the example forms.
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_TEMPLATES = PACKAGE_DIR / "templates"
SAMPLE_CONFIG = PACKAGE_DIR / "ppid.toml"
# A unit's PPID Pelaksana: the Nota Dinas is addressed to them, the arahan sent to them.
UNIT_ROLE = "ppid_pelaksana"
DEFAULT_NOTA_PATTERN = "{urut}/{kka}-ND/{kode_wilayah}/{tahun}"
DEFAULT_KKA = "HM.02"
DEFAULT_SETTLE_SECONDS = 30
DEFAULT_SIMILARITY = 90
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_KEPUTUSAN_PATTERN = "{urut}/PPID/{kode_wilayah}/{tahun}"
# The legal basis a Keputusan PPID tentang Penetapan DIP cites under "Mengingat"; the
# office replaces it with `[dasar_hukum] daftar` in ppid.toml.
DEFAULT_DASAR_HUKUM = (
    "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
    "Peraturan Pemerintah Nomor 61 Tahun 2010 tentang Pelaksanaan Undang-Undang Nomor 14 "
    "Tahun 2008 tentang Keterbukaan Informasi Publik",
    "Peraturan Komisi Informasi Nomor 1 Tahun 2021 tentang Standar Layanan Informasi Publik",
    "Peraturan Komisi Pemilihan Umum Nomor 22 Tahun 2023 tentang Pengelolaan dan Pelayanan "
    "Informasi Publik di Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan Komisi "
    "Pemilihan Umum Kabupaten/Kota sebagaimana telah beberapa kali diubah, terakhir dengan "
    "Peraturan Komisi Pemilihan Umum Nomor 4 Tahun 2025",
)
# A sample value left in ppid.toml: the '(ganti)' mark, or a telephone number of zeros.
PLACEHOLDER = re.compile(r"\(ganti\)|\b0{5,}\b", re.IGNORECASE)
PATTERN_FIELDS = frozenset(
    {"urut", "kka", "kode_wilayah", "kode_unit", "kode_pejabat", "tahun", "bulan", "bulan_romawi"}
)
# A classification code written into the pattern itself: HM.02, PL.02.1, SDM.03.
_KKA_IN_PATTERN = re.compile(r"(?<![A-Za-z])([A-Z]{2,3}\.\d{2}(?:\.\d+)*)")


@dataclass(frozen=True)
class Officer:
    """One person who signs for a role; a Plh/Plt or a successor carries a date range."""

    role: str
    nama: str
    jabatan: str
    nip: str = ""
    berlaku_dari: dt.date | None = None
    berlaku_sampai: dt.date | None = None
    unit: str = ""
    kode: str = ""  # {kode_pejabat} in document numbers, e.g. Sek-Kot or KPU-Kot

    @property
    def dated(self) -> bool:
        return self.berlaku_dari is not None or self.berlaku_sampai is not None

    def serves_on(self, on: dt.date) -> bool:
        return (self.berlaku_dari is None or self.berlaku_dari <= on) and (
            self.berlaku_sampai is None or on <= self.berlaku_sampai
        )


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
    logo: Path | None = None  # an image for the kop


@dataclass(frozen=True)
class NotaDinasConfig:
    pola_nomor: str = DEFAULT_NOTA_PATTERN
    kka: str = DEFAULT_KKA
    yth: str = "Kepala Subbagian {unit}"
    dari: str = "PPID"
    tembusan: tuple[str, ...] = ()
    sifat: str = "Biasa"
    hal: str = "Pendokumentasian Informasi Publik"
    isi: str = ""
    penutup: str = "Demikian disampaikan, atas perhatiannya diucapkan terima kasih."
    kka_tambahan: tuple[str, ...] = ()
    # {kode_unit}: unit name -> code; a unit not listed gets its initials.
    kode_unit: tuple[tuple[str, str], ...] = ()
    # The first number of a year, for an office that adopts the tool mid-year.
    nomor_awal: tuple[tuple[int, int], ...] = ()

    def first_number(self, year: int) -> int:
        return dict(self.nomor_awal).get(year, 1)

    def unit_code(self, unit: str) -> str:
        folded = " ".join(unit.split()).casefold()
        for name, code in self.kode_unit:
            if " ".join(name.split()).casefold() == folded:
                return code
        skip = {"dan", "subbagian", "sub", "bagian", "divisi", "seksi", "&"}
        words = re.findall(r"[A-Za-z]+", unit)
        return "".join(w[0].upper() for w in words if w.casefold() not in skip) or "UNIT"


@dataclass(frozen=True)
class KeputusanConfig:
    """The Keputusan PPID tentang Penetapan Daftar Informasi Publik (`[keputusan]`, and the
    legal basis it cites, `[dasar_hukum]`)."""

    pola_nomor: str = DEFAULT_KEPUTUSAN_PATTERN
    kka: str = DEFAULT_KKA
    menimbang: tuple[str, ...] = ()  # empty: the standard wording (documents/keputusan.py)
    dasar_hukum: tuple[str, ...] = DEFAULT_DASAR_HUKUM  # "Mengingat" (`[dasar_hukum] daftar`)


@dataclass(frozen=True)
class ExemptionConfig:
    """Daftar Usulan Informasi yang Dikecualikan (`[pengecualian]`)."""

    yth: str = "Ketua Komisi Pemilihan Umum Republik Indonesia"
    # What KPU RI has already set as exempt (its Keputusan); an usulan that matches is noted.
    ditetapkan_kpu_ri: tuple[str, ...] = ()


@dataclass(frozen=True)
class SopConfig:
    """The office's SOP this batch runs (`[sop]`): its number, its name and the wording of
    its three steps, as the office's own SOP document writes them."""

    nama: str
    langkah: tuple[str, str, str]
    nomor: str = ""  # the office's own SOP number; empty: not printed

    @property
    def sebutan(self) -> str:
        """'SOP <nomor> <nama>', or 'SOP <nama>' without a number (form properties)."""
        return " ".join(p for p in ("SOP", self.nomor, self.nama) if p)

    @property
    def judul(self) -> str:
        """'Standar Operasional Prosedur Nomor <nomor> tentang <nama>' (the annual report)."""
        number = f" Nomor {self.nomor}" if self.nomor else ""
        return f"Standar Operasional Prosedur{number} tentang {self.nama}"


SOP_STEPS = 3


@functools.cache
def sample_sop() -> SopConfig:
    """The SOP's standard wording from the sample ppid.toml shipped with ppid-batch: what a
    ppid.toml without [sop] gets (never its number, which is the sample office's own)."""
    raw = tomllib.loads(SAMPLE_CONFIG.read_text(encoding="utf-8"))["sop"]
    first, second, third = (str(step) for step in raw["langkah"])
    return SopConfig(nama=str(raw["nama"]), langkah=(first, second, third))


@dataclass(frozen=True)
class Signers:
    """Who signs for each role (`[[pejabat]]`), with the dates a Plh/Plt or a successor serves."""

    officers: tuple[Officer, ...]
    source: Path | None = field(default=None, compare=False)  # ppid.toml, named in errors

    def officers_for(self, role: str, on: dt.date | None = None) -> tuple[Officer, ...]:
        """Everyone listed for `role` (serving on `on` when given), in ppid.toml's order."""
        return tuple(o for o in self.officers if o.role == role and (on is None or o.serves_on(on)))

    def signer(self, role: str, on: dt.date | None = None) -> Officer:
        """Who signs for `role` on `on`.

        A dated entry (a Plh/Plt, or the holder for part of the year) wins over the standing
        one for the days it covers; among equals the first listed signs. Without a date the
        standing entry signs, else the dated one that started last.
        """
        serving = self.officers_for(role, on)
        if on is None:
            standing = [o for o in serving if not o.dated]
            if standing:
                return standing[0]
            if serving:
                return max(serving, key=lambda o: o.berlaku_dari or dt.date.min)
        else:
            for officer in sorted(serving, key=lambda o: not o.dated):
                return officer
        name = self.source.name if self.source else CONFIG_NAME
        when = f" pada {on.isoformat()}" if on else ""
        raise ConfigError(
            f"{name}: tidak ada pejabat dengan peran '{role}'{when}; tambahkan [[pejabat]] "
            f'dengan peran = "{role}", nama dan jabatan (serta berlaku_dari/berlaku_sampai '
            "bila menjabat untuk sementara)."
        )

    def unit_officer(
        self, unit: str, on: dt.date | None = None, role: str = UNIT_ROLE
    ) -> Officer | None:
        """The PPID Pelaksana of `unit` on `on` (a [[pejabat]] of `role` whose `unit` names
        it, spelt as the office likes: 'Keuangan, Umum dan Logistik' is 'Subbagian Keuangan,
        Umum dan Logistik'); a dated entry wins as for signer(). None when none is listed."""
        from .forms.units import match_unit

        serving = [
            o for o in self.officers_for(role, on) if match_unit(unit, (o.unit,)) is not None
        ]
        if on is None:
            serving.sort(key=lambda o: o.dated)
        else:
            serving.sort(key=lambda o: not o.dated)
        return serving[0] if serving else None

    @property
    def ppid(self) -> Officer:
        return self.signer("ppid")

    @property
    def atasan_ppid(self) -> Officer:
        return self.signer("atasan_ppid")


@dataclass(frozen=True)
class Letter:
    """What every document the office signs needs: its kop (`[kantor]`), who signs
    (`[[pejabat]]`) and the Word templates it is written from (`[lokasi] templat`)."""

    office: Office
    signers: Signers
    templates_dir: Path


@dataclass(frozen=True)
class OfficeForm:
    """The office's Form Daftar Informasi Publik: whose it is (`[kantor]`), its words for
    bentuk and retensi (`[kosakata]`) and the SOP it serves (`[sop]`)."""

    office: Office
    vocabulary: Vocabulary
    sop: SopConfig


@dataclass(frozen=True)
class Numbering:
    """Document numbers by ppid.toml's patterns (`[nota_dinas]`, `[keputusan]`)."""

    kode_wilayah: str
    nota_dinas: NotaDinasConfig
    keputusan: KeputusanConfig
    signers: Signers  # {kode_pejabat}: the code of the PPID who signs

    def keputusan_number(self, urut: int, year: int, month: int = 1) -> str:
        return self.keputusan.pola_nomor.format(
            urut=urut,
            kka=self.keputusan.kka,
            kode_wilayah=self.kode_wilayah,
            kode_unit="",
            kode_pejabat=self.signers.signer("ppid").kode,
            tahun=year,
            bulan=month,
            bulan_romawi=ROMAN[month - 1],
        )

    def nota_number(
        self, urut: int, year: int, month: int = 1, *, unit: str = "", on: dt.date | None = None
    ) -> str:
        """The Nota Dinas number by ppid.toml's pattern; {kode_pejabat} is the code of the
        PPID who signs on `on`, {kode_unit} the code of the unit it is addressed to."""
        pattern = self.nota_dinas.pola_nomor
        return pattern.format(
            urut=urut,
            kka=self.nota_dinas.kka,
            kode_wilayah=self.kode_wilayah,
            kode_unit=self.nota_dinas.unit_code(unit) if "{kode_unit}" in pattern else "",
            kode_pejabat=self.signers.signer("ppid", on).kode
            if "{kode_pejabat}" in pattern
            else "",
            tahun=year,
            bulan=month,
            bulan_romawi=ROMAN[month - 1],
        )


@dataclass(frozen=True)
class Config:
    workspace: Path
    office: Office
    officers: tuple[Officer, ...]
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
    keputusan: KeputusanConfig = KeputusanConfig()
    pengecualian: ExemptionConfig = ExemptionConfig()
    vocabulary: Vocabulary = Vocabulary()
    source: Path | None = field(default=None, compare=False)
    # The office's units ([kantor] unit): a form's Unit Kerja must be one of them.
    units: tuple[str, ...] = ()
    # A folder only the Atasan PPID's account can write to ([lokasi] persetujuan).
    approval_dir: Path | None = None
    # [sop]; None only for a Config built in code: the sample's wording then
    sop_config: SopConfig | None = None

    @property
    def sop(self) -> SopConfig:
        return self.sop_config or sample_sop()

    # The slices a function takes instead of the whole configuration.
    @property
    def signers(self) -> Signers:
        return Signers(self.officers, self.source)

    @property
    def letter(self) -> Letter:
        return Letter(self.office, self.signers, self.templates_dir)

    @property
    def form(self) -> OfficeForm:
        return OfficeForm(self.office, self.vocabulary, self.sop)

    @property
    def numbering(self) -> Numbering:
        return Numbering(self.office.kode_wilayah, self.nota_dinas, self.keputusan, self.signers)

    def officers_for(self, role: str, on: dt.date | None = None) -> tuple[Officer, ...]:
        return self.signers.officers_for(role, on)

    def signer(self, role: str, on: dt.date | None = None) -> Officer:
        return self.signers.signer(role, on)

    def unit_officer(
        self, unit: str, on: dt.date | None = None, role: str = UNIT_ROLE
    ) -> Officer | None:
        return self.signers.unit_officer(unit, on, role)

    @property
    def ppid(self) -> Officer:
        return self.signers.ppid

    @property
    def atasan_ppid(self) -> Officer:
        return self.signers.atasan_ppid

    def keputusan_number(self, urut: int, year: int, month: int = 1) -> str:
        return self.numbering.keputusan_number(urut, year, month)

    def placeholders(self) -> tuple[str, ...]:
        """The sample values still in ppid.toml ('NAMA PPID (ganti)', '(0726) 000000'), as
        `key: value` lines for the night's summary; empty once the office has filled it in."""
        found = [
            (f"kantor.{name}", value)
            for name, value in vars(self.office).items()
            if isinstance(value, str) and PLACEHOLDER.search(value)
        ]
        for officer in self.officers:
            found += [
                (f"pejabat {officer.role}: {name}", value)
                for name, value in (("nama", officer.nama), ("jabatan", officer.jabatan))
                if PLACEHOLDER.search(value)
            ]
        return tuple(f'{key} = "{value}"' for key, value in found)

    def nota_number(
        self, urut: int, year: int, month: int = 1, *, unit: str = "", on: dt.date | None = None
    ) -> str:
        return self.numbering.nota_number(urut, year, month, unit=unit, on=on)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# The roles the SOP's documents need a signer for; an office may list any others.
REQUIRED_ROLES = ("ppid", "atasan_ppid")
OFFICER_KEYS = frozenset(
    {"peran", "nama", "jabatan", "nip", "berlaku_dari", "berlaku_sampai", "unit", "kode"}
)
_ROLE = re.compile(r"[a-z][a-z0-9_]*")
_OFFICERS = object()  # marker in _KNOWN: [[pejabat]] entries, or [pejabat.<peran>] tables

_KNOWN: dict[str, Any] = {
    "kantor": {
        "nama_satker", "singkatan", "alamat", "kota", "kode_wilayah", "telepon", "email", "laman",
        "unit",
        "logo",
    },
    "pejabat": _OFFICERS,
    "nota_dinas": {
        "pola_nomor", "kka", "yth", "dari", "tembusan", "sifat", "hal", "isi", "penutup",
        "kka_tambahan", "kode_unit", "nomor_awal",
    },
    "kosakata": {"bentuk", "retensi"},
    "batch": {"tunggu_detik", "pdf", "ambang_kemiripan"},
    "keputusan": {"pola_nomor", "kka", "menimbang"},
    "dasar_hukum": {"daftar"},
    "sop": {"nomor", "nama", "langkah"},
    "pengecualian": {"yth", "ditetapkan_kpu_ri"},
    "lokasi": {
        "input", "output", "var", "templat", "database", "persetujuan", "luar_ruang_kerja",
    },
}  # fmt: skip


def _dotted(path: tpos.Path) -> str:
    """How a message names a key: 'pejabat.nip', plus which entry of a list it is."""
    names = ".".join(p for p in path if isinstance(p, str))
    numbers = [p for p in path if isinstance(p, int)]
    return f"{names}' (pejabat ke-{numbers[-1] + 1})" if numbers else f"{names}'"


class _Reader:
    """Typed access to the parsed TOML with one Indonesian line per wrong value, naming
    the line and column where the value (or its table) is written."""

    def __init__(self, data: dict[str, Any], path: Path, source: str) -> None:
        self.data, self.path = data, path
        self.positions = tpos.locate(source)

    def where(self, path: tpos.Path) -> str:
        at = tpos.nearest(self.positions, path)
        return f"{self.path.name} {at.text()}" if at else self.path.name

    def fail(self, path: tpos.Path | str, expected: str) -> ConfigError:
        key = tuple(path.split(".")) if isinstance(path, str) else path
        return ConfigError(f"{self.where(key)}: '{_dotted(key)} {expected}.")

    def unknown(self, path: tpos.Path) -> ConfigError:
        return ConfigError(
            f"{self.where(path)}: kunci '{_dotted(path)} tidak dikenal; periksa ejaannya."
        )

    def _get(self, path: tpos.Path | str) -> Any:
        node: Any = self.data
        for part in path.split(".") if isinstance(path, str) else path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return None
            elif not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def text(self, path: tpos.Path | str, default: str | None = None) -> str:
        value = self._get(path)
        if value is None:
            if default is None:
                raise self.fail(path, "wajib diisi (teks)")
            return default
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(path, "harus berupa teks yang tidak kosong")
        return value.strip()

    def integer(self, path: tpos.Path | str, default: int, lo: int, hi: int) -> int:
        value = self._get(path)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(path, f"harus berupa bilangan bulat {lo} sampai {hi}")
        return value

    def boolean(self, path: tpos.Path | str, default: bool) -> bool:
        value = self._get(path)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(path, "harus true atau false")
        return value

    def text_list(self, path: tpos.Path | str) -> tuple[str, ...]:
        value = self._get(path)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, 'harus berupa daftar teks, contoh ["Ketua KPU"]')
        return tuple(value)

    def date(self, path: tpos.Path) -> dt.date | None:
        value = self._get(path)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(path, "harus berupa tanggal TTTT-BB-HH, contoh 2026-12-01")


def _check_keys(r: _Reader, data: dict[str, Any], known: Any, prefix: tpos.Path) -> None:
    for key, value in data.items():
        path = (*prefix, key)
        if key not in known:
            raise r.unknown(path)
        sub = known[key]
        if sub is _OFFICERS:
            continue  # checked entry by entry in _officers()
        if isinstance(sub, dict | set | frozenset):
            if not isinstance(value, dict):
                raise r.fail(path, f"harus berupa bagian [{'.'.join(map(str, path))}]")
            if isinstance(sub, dict):
                _check_keys(r, value, sub, path)
            else:
                for name in value:
                    if name not in sub:
                        raise r.unknown((*path, name))


def _officer_entries(r: _Reader) -> list[tuple[tpos.Path, str]]:
    """Where each officer is written, and its role.

    The list form is `[[pejabat]]` with `peran = "..."`; the older form, one table per
    role (`[pejabat.ppid]`, `[pejabat.atasan_ppid]`, or `[[pejabat.ppid_pelaksana]]` for
    several), still loads, so a ppid.toml written for an earlier version needs no change.
    """
    value = r.data.get("pejabat")
    if value is None:
        return []
    entries: list[tuple[tpos.Path, str]] = []
    if isinstance(value, list):
        for i, entry in enumerate(value):
            path: tpos.Path = ("pejabat", i)
            if not isinstance(entry, dict):
                raise r.fail(path, "harus berupa bagian [[pejabat]]")
            entries.append((path, r.text((*path, "peran"))))
        return entries
    if not isinstance(value, dict):
        raise r.fail(("pejabat",), "harus berupa daftar [[pejabat]]")
    for role, body in value.items():
        if isinstance(body, dict):
            entries.append((("pejabat", role), role))
        elif isinstance(body, list) and all(isinstance(b, dict) for b in body):
            entries.extend((("pejabat", role, i), role) for i in range(len(body)))
        else:
            raise r.fail(("pejabat", role), f"harus berupa bagian [pejabat.{role}]")
    return entries


def _officers(r: _Reader) -> tuple[Officer, ...]:
    officers = []
    for path, role in _officer_entries(r):
        listed = len(path) == 2 and isinstance(path[1], int)  # [[pejabat]] with peran = ...
        allowed = OFFICER_KEYS if listed else OFFICER_KEYS - {"peran"}
        for name in r._get(path):
            if name not in allowed:
                raise r.unknown((*path, name))
        if not _ROLE.fullmatch(role):
            raise r.fail(
                (*path, "peran") if listed else path,
                f"'{role}' bukan nama peran yang dapat dipakai; tulis huruf kecil dan garis "
                "bawah, contoh atasan_ppid atau ppid_pelaksana",
            )
        nip = ""
        nip_text = r._get((*path, "nip"))
        if nip_text is not None and (not isinstance(nip_text, str) or nip_text.strip()):
            parsed = parse_nip(nip_text)
            if parsed is None:
                raise r.fail(
                    (*path, "nip"),
                    f"bukan NIP yang sah ('{nip_text}'); NIP terdiri dari 18 angka, "
                    "contoh 19860926 201505 1 001 (hapus baris nip bila pejabat tidak ber-NIP)",
                )
            nip = parsed
        start, end = r.date((*path, "berlaku_dari")), r.date((*path, "berlaku_sampai"))
        if start and end and end < start:
            raise r.fail((*path, "berlaku_sampai"), "lebih awal daripada berlaku_dari")
        officers.append(
            Officer(
                role=role,
                nama=r.text((*path, "nama")),
                jabatan=r.text((*path, "jabatan")),
                nip=nip,
                berlaku_dari=start,
                berlaku_sampai=end,
                unit=r.text((*path, "unit"), ""),
                kode=r.text((*path, "kode"), ""),
            )
        )
    for role in REQUIRED_ROLES:
        if not any(o.role == role for o in officers):
            raise ConfigError(
                f"{r.where(('pejabat',))}: tidak ada pejabat dengan peran '{role}'; tambahkan "
                f'[[pejabat]] dengan peran = "{role}", nama dan jabatan.'
            )
    return tuple(officers)


def _check_officer_units(r: _Reader, officers: tuple[Officer, ...], units: tuple[str, ...]) -> None:
    """With [kantor] unit listed, a PPID Pelaksana's unit must be one of them (a typo would
    leave the unit's Nota Dinas addressed to no one)."""
    if not units:
        return
    from .forms.units import match_unit

    for (path, _), officer in zip(_officer_entries(r), officers, strict=True):
        if officer.unit and match_unit(officer.unit, units) is None:
            raise r.fail(
                (*path, "unit"),
                f"('{officer.unit}') bukan salah satu unit kerja di kantor.unit; tulis seperti "
                "di sana, contoh " + repr(units[0]).replace("'", '"'),
            )


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


def _logo(r: _Reader, ws: Path) -> Path | None:
    name = r.text("kantor.logo", "")
    if not name:
        return None
    path = (ws / name).resolve()
    if path.suffix.lower() not in LOGO_SUFFIXES:
        raise r.fail("kantor.logo", f"harus berupa gambar PNG atau JPEG (bukan '{name}')")
    if not path.is_file():
        raise r.fail("kantor.logo", f"menunjuk {path} yang tidak ada; periksa nama berkasnya")
    return path


def _pattern(r: _Reader, key: str = "nota_dinas.pola_nomor",
             default: str = DEFAULT_NOTA_PATTERN) -> str:  # fmt: skip
    pattern = r.text(key, default)
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise r.fail(key, f"tidak dapat dibaca ({pattern!r})") from exc
    unknown = sorted(names - PATTERN_FIELDS)
    if unknown:
        raise r.fail(
            key,
            f"memakai {{{unknown[0]}}} yang tidak dikenal; yang boleh: "
            + ", ".join("{" + n + "}" for n in sorted(PATTERN_FIELDS)),
        )
    if "urut" not in names:
        raise r.fail(key, "harus memuat {urut} agar setiap nomor berbeda")
    for _, name, spec, _ in string.Formatter().parse(pattern):
        # a width of 300 000 000 would make every number 300 MB long
        if name is not None and spec and not _BOUNDED_SPEC.fullmatch(spec):
            raise r.fail(
                key,
                f"memakai format '{{{name}:{spec}}}' yang tidak diterima; lebar paling banyak "
                f"{MAX_SPEC_WIDTH}, contoh {{urut:03d}}",
            )
    return pattern


MAX_SPEC_WIDTH = 20
# fill and align, sign, zero, a width of at most two digits, then the type (03d, >4, 0>3)
_BOUNDED_SPEC = re.compile(r"(?:[^{}]?[<>^=])?[+ -]?0?(?:[1-9]|1[0-9]|20)?[dsn]?")


def _places(r: _Reader, ws: Path) -> dict[str, Path]:
    """input/, output/, var/: apart from one another and from the workspace itself, and in
    it unless `lokasi.luar_ruang_kerja = true` (input = "" made the root the drop folder,
    and ppid.toml went to ditolak/)."""
    places = {
        key: (ws / r.text(f"lokasi.{key}", key)).resolve() for key in ("input", "output", "var")
    }
    # The Atasan PPID's own folder: inside input/ any clerk could write to it again.
    if approval := r.text("lokasi.persetujuan", ""):
        places["persetujuan"] = (ws / approval).resolve()
    outside = r.boolean("lokasi.luar_ruang_kerja", False)
    for key, folder in places.items():
        if folder == ws:
            raise r.fail(f"lokasi.{key}", "tidak boleh folder ruang kerja itu sendiri")
        if not outside and not folder.is_relative_to(ws):
            raise r.fail(
                f"lokasi.{key}",
                f"berada di luar ruang kerja ({folder}); bila memang disengaja, tambahkan "
                "luar_ruang_kerja = true di bagian [lokasi]",
            )
    keys = list(places)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            pa, pb = places[a], places[b]
            if pa == pb or pa.is_relative_to(pb) or pb.is_relative_to(pa):
                raise r.fail(
                    f"lokasi.{a}",
                    f"dan 'lokasi.{b}' harus folder yang terpisah (keduanya {pa} / {pb})",
                )
    templat = r.text("lokasi.templat", "")
    if templat:
        # Templates shape every signed document: not where clerks drop files, nor output/.
        folder = (ws / templat).resolve()
        for key in ("input", "output", "persetujuan"):
            if key in places and folder.is_relative_to(places[key]):
                raise r.fail(
                    "lokasi.templat",
                    f"tidak boleh berada di dalam folder '{key}' ({places[key]}); taruh "
                    "templat kantor di folder tersendiri, misalnya templat-kantor/",
                )
    return places


def _kka(
    r: _Reader, pattern: str, extra: tuple[str, ...], key: str = "nota_dinas.kka",
    pattern_key: str = "nota_dinas.pola_nomor",
) -> str:  # fmt: skip
    """The KKA code, and any code written into the pattern itself, must be a known one."""
    kka = r.text(key, DEFAULT_KKA)
    for where, code in [(key, kka)] + [(pattern_key, m) for m in _KKA_IN_PATTERN.findall(pattern)]:
        if kka_known(code, extra):
            continue
        if kka_is_unconfirmed(code):
            raise r.fail(
                where,
                f"memakai kode klasifikasi arsip '{code}' yang belum dapat dipastikan dari "
                "Keputusan KPU tentang Kode Klasifikasi Arsip (ppid_batch/schemas/kka.yaml); "
                "bila kantor "
                "memakai kode itu menurut keputusan yang berlaku, tambahkan pada "
                "nota_dinas.kka_tambahan",
            )
        raise r.fail(
            where,
            f"memakai kode klasifikasi arsip '{code}' yang tidak ada dalam daftar KKA KPU "
            "(ppid_batch/schemas/kka.yaml); periksa kodenya, atau tambahkan pada "
            "nota_dinas.kka_tambahan bila kantor memakai kode itu",
        )
    return kka


def _code_table(r: _Reader, key: str) -> tuple[tuple[str, str], ...]:
    value = r._get(key)
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.strip() for v in value.values()
    ):
        raise r.fail(key, 'harus berupa bagian berisi nama unit = "KODE", contoh Hukum = "HK"')
    return tuple((name, code.strip()) for name, code in value.items())


def _first_numbers(r: _Reader) -> tuple[tuple[int, int], ...]:
    value = r._get("nota_dinas.nomor_awal")
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise r.fail("nota_dinas.nomor_awal", "harus berupa tahun = nomor, contoh { 2026 = 151 }")
    found = []
    for year in value:
        path = ("nota_dinas", "nomor_awal", year)
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise r.fail(path, "harus berupa tahun empat angka, contoh 2026 = 151")
        found.append((int(year), r.integer(path, 1, 1, 999_999)))
    return tuple(found)


def _vocabulary(r: _Reader) -> Vocabulary:
    value = r._get("kosakata.bentuk")
    bentuk = Vocabulary.bentuk
    presets = ", ".join(f'"{name}"' for name in BENTUK_PRESETS)
    if isinstance(value, str):
        if value not in BENTUK_PRESETS:
            raise r.fail(
                "kosakata.bentuk",
                f"'{value}' tidak dikenal; pilih {presets}, atau tulis daftar sendiri",
            )
        bentuk = BENTUK_PRESETS[value]
    elif value is not None:
        listed = r.text_list("kosakata.bentuk")
        if not listed or any(not v.strip() for v in listed):
            raise r.fail("kosakata.bentuk", f"harus {presets}, atau daftar teks yang tidak kosong")
        bentuk = tuple(v.strip() for v in listed)
    retensi = r.text_list("kosakata.retensi")
    return Vocabulary(
        bentuk=bentuk,
        retensi=tuple(v.strip() for v in retensi if v.strip()) or Vocabulary.retensi,
    )


def _sop(r: _Reader) -> SopConfig:
    """[sop]: each key optional; what is left out reads as the sample ppid.toml has it."""
    sample = sample_sop()
    steps = r.text_list("sop.langkah")
    if r._get("sop.langkah") is not None and (
        len(steps) != SOP_STEPS or any(not step.strip() for step in steps)
    ):
        raise r.fail(
            "sop.langkah",
            f"harus berisi {SOP_STEPS} uraian prosedur, satu untuk setiap langkah SOP "
            "(mengumpulkan, menyetujui, mendokumentasikan), tidak ada yang kosong",
        )
    nama = r.text("sop.nama", sample.nama)
    if not nama:
        raise r.fail("sop.nama", "harus berupa teks yang tidak kosong")
    return SopConfig(
        nomor=r.text("sop.nomor", ""),
        nama=nama,
        langkah=(steps[0].strip(), steps[1].strip(), steps[2].strip()) if steps else sample.langkah,
    )


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
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
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
    r = _Reader(data, path, source)
    _check_keys(r, data, _KNOWN, ())

    kode = r.text("kantor.kode_wilayah")
    if not kode.isdigit():
        raise r.fail(
            "kantor.kode_wilayah", f"harus berupa angka kode wilayah, contoh 3273 (bukan '{kode}')"
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
        logo=_logo(r, ws),
    )
    pattern = _pattern(r)
    kka_extra = r.text_list("nota_dinas.kka_tambahan")
    nd = NotaDinasConfig(
        pola_nomor=pattern,
        kka=_kka(r, pattern, kka_extra),
        kka_tambahan=kka_extra,
        kode_unit=_code_table(r, "nota_dinas.kode_unit"),
        nomor_awal=_first_numbers(r),
        yth=r.text("nota_dinas.yth", NotaDinasConfig.yth),
        dari=r.text("nota_dinas.dari", NotaDinasConfig.dari),
        tembusan=r.text_list("nota_dinas.tembusan"),
        sifat=r.text("nota_dinas.sifat", NotaDinasConfig.sifat),
        hal=r.text("nota_dinas.hal", NotaDinasConfig.hal),
        isi=r.text("nota_dinas.isi", ""),
        penutup=r.text("nota_dinas.penutup", NotaDinasConfig.penutup),
    )

    officers = _officers(r)
    if "{kode_pejabat}" in pattern:
        for i, officer in enumerate(officers):
            if officer.role == "ppid" and not officer.kode:
                raise r.fail(
                    ("pejabat", i, "kode")
                    if isinstance(r.data.get("pejabat"), list)
                    else ("pejabat", "ppid", "kode"),
                    "wajib diisi karena nota_dinas.pola_nomor memakai {kode_pejabat} "
                    '(contoh kode = "Sek-Kot")',
                )

    places = _places(r, ws)
    var_dir = places["var"]
    templat = r.text("lokasi.templat", "")
    database = r.text("lokasi.database", "")
    approval_dir = places.get("persetujuan")
    units = tuple(u.strip() for u in r.text_list("kantor.unit") if u.strip())
    _check_officer_units(r, officers, units)
    return Config(
        workspace=ws,
        office=office,
        officers=officers,
        nota_dinas=nd,
        input_dir=places["input"],
        output_dir=places["output"],
        var_dir=var_dir,
        templates_dir=(ws / templat).resolve() if templat else DEFAULT_TEMPLATES,
        database_url=database or f"sqlite:///{var_dir / 'ppid.sqlite'}",
        settle_seconds=r.integer("batch.tunggu_detik", DEFAULT_SETTLE_SECONDS, 0, 86400),
        pdf=r.boolean("batch.pdf", False),
        similarity_threshold=r.integer("batch.ambang_kemiripan", DEFAULT_SIMILARITY, 50, 100),
        keputusan=KeputusanConfig(
            pola_nomor=_pattern(r, "keputusan.pola_nomor", DEFAULT_KEPUTUSAN_PATTERN),
            kka=_kka(
                r,
                r.text("keputusan.pola_nomor", DEFAULT_KEPUTUSAN_PATTERN),
                kka_extra,
                "keputusan.kka",
                "keputusan.pola_nomor",
            ),  # fmt: skip
            menimbang=r.text_list("keputusan.menimbang"),
            dasar_hukum=r.text_list("dasar_hukum.daftar") or DEFAULT_DASAR_HUKUM,
        ),
        pengecualian=ExemptionConfig(
            yth=r.text("pengecualian.yth", ExemptionConfig.yth),
            ditetapkan_kpu_ri=r.text_list("pengecualian.ditetapkan_kpu_ri"),
        ),
        vocabulary=_vocabulary(r),
        source=path,
        units=units,
        approval_dir=approval_dir,
        sop_config=_sop(r),
    )
