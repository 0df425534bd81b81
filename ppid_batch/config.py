"""The office's configuration (ppid.toml): identity, officers, numbering and paths."""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .vocabulary import Vocabulary

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
