"""Reading ppid.toml into a Config: every key checked, each wrong value one Indonesian line
naming its line and column (tomlpos), the officers, folders, patterns and vocabularies."""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from pathlib import Path
from typing import Any

from . import tomlpos as tpos
from .config import (
    CONFIG_NAME,
    DEFAULT_DASAR_HUKUM,
    DEFAULT_KEPUTUSAN_PATTERN,
    DEFAULT_KKA,
    DEFAULT_NOTA_PATTERN,
    DEFAULT_SETTLE_SECONDS,
    DEFAULT_SIMILARITY,
    DEFAULT_TEMPLATES,
    SOP_STEPS,
    Config,
    ExemptionConfig,
    KeputusanConfig,
    NotaDinasConfig,
    Office,
    Officer,
    SopConfig,
    sample_sop,
)
from .errors import ConfigError
from .nip import parse_nip
from .vocabulary import BENTUK_PRESETS, Vocabulary, kka_is_unconfirmed, kka_known

# The tokens a number pattern may use.
PATTERN_FIELDS = frozenset(
    {"urut", "kka", "kode_wilayah", "kode_unit", "kode_pejabat", "tahun", "bulan", "bulan_romawi"}
)
# A classification code written into the pattern itself: HM.02, PL.02.1, SDM.03.
KKA_IN_PATTERN = re.compile(r"(?<![A-Za-z])([A-Z]{2,3}\.\d{2}(?:\.\d+)*)")


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
    for where, code in [(key, kka)] + [(pattern_key, m) for m in KKA_IN_PATTERN.findall(pattern)]:
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
