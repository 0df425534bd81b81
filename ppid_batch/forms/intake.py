"""Safe intake of one submitted workbook (SOP step 1): refuse what must not be parsed."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ..config import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from ..dates import format_count_id
from ..models import Finding
from .sheet_bounds import MAX_SHEET_CELLS, PartScan, XmlError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
MB = 1024 * 1024
MAX_MEMBERS = 5000
# OOXML never carries a DTD; one in any part is an entity-expansion attempt.
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"))
_MARKER_TAIL = 32
_WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_MACRO_MARK = "macroenabled"

_SAVE_AS = "simpan sebagai 'Buku Kerja Excel (*.xlsx)', lalu kirim kembali"
MESSAGES = {
    "empty_file": "Berkas kosong (0 byte). Simpan ulang formulir dari Excel, lalu kirim kembali.",
    "too_large": (
        "Berkas berukuran {size:.1f} MB, melebihi batas {limit:.0f} MB. Hapus gambar atau lembar "
        "yang tidak perlu, lalu kirim kembali."
    ),
    "unpacked_too_large": (
        "Isi berkas ini terlalu besar setelah dibuka (lebih dari {limit:.0f} MB). Hapus "
        "lembar atau data yang tidak perlu, atau salin isinya ke formulir baru, lalu kirim kembali."
    ),
    "xls": (
        "Berkas ini tampaknya buku kerja Excel lama (.xls). Buka di Excel lalu " + _SAVE_AS + "."
    ),
    "encrypted": (
        "Berkas ini dilindungi kata sandi sehingga tidak dapat dibaca. Buka di Excel, hapus kata "
        "sandinya (File > Info > Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), "
        + _SAVE_AS
        + "."
    ),
    "not_xlsx": (
        "Berkas ini bukan buku kerja Excel .xlsx atau LibreOffice .ods{hint}. Isi formulir "
        "resmi (ppid-batch form) di Excel, " + _SAVE_AS + "."
    ),
    "truncated": (
        "Berkas .xlsx ini rusak atau terpotong (mungkin belum selesai tersalin). Buka dan simpan "
        "ulang di Excel, lalu kirim kembali."
    ),
    "macro": (
        "Berkas ini buku kerja bermakro (.xlsm); demi keamanan makro tidak diterima. Buka di "
        "Excel, simpan sebagai 'Buku Kerja Excel (*.xlsx)' tanpa makro, lalu kirim kembali."
    ),
    "sheet_too_large": (
        "Sebuah lembar di berkas ini terisi sampai sel yang sangat jauh ({cell}), lebih dari "
        "{limit} sel dihitung dari A1. Hapus isi dan format di luar tabel formulir, lalu kirim "
        "kembali."
    ),
    "too_many_cells": (
        "Sebuah lembar di berkas ini memuat lebih dari {limit} sel. Hapus isi dan format di "
        "luar tabel formulir, atau bagi isinya ke beberapa formulir, lalu kirim kembali."
    ),
    "xml_unsafe": (
        "Berkas ini memuat definisi entitas XML yang tidak pernah dibuat oleh Excel dan tidak "
        "dibaca demi keamanan. Salin isinya ke formulir baru, lalu kirim kembali."
    ),
}
# the `macro` slug, told for LibreOffice
ODS_MACRO = (
    "Berkas .ods ini memuat makro; demi keamanan makro tidak diterima. Di LibreOffice, hapus "
    "makronya (Alat > Makro > Kelola Makro) atau salin isinya ke formulir baru, lalu kirim "
    "kembali."
)


@dataclass(frozen=True)
class Intake:
    """The bytes of an accepted file (read once), or the reason it was refused."""

    sha256: str
    data: bytes | None = None
    refusal: Finding | None = None


def refuse(kind: str, **fmt: object) -> Finding:
    return Finding(type=kind, message=MESSAGES[kind].format(**fmt))


def _hash_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _text_hint(head: bytes) -> str:
    sample = head[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if sample[:1] == b"<":
        return " (tampaknya halaman web/HTML atau XML)"
    if sample[:5] == b"%PDF-":
        return " (tampaknya berkas PDF)"
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if any(sep in text for sep in (",", ";", "\t")):
        return " (tampaknya berkas teks/CSV)"
    return " (tampaknya berkas teks)" if text.isprintable() or "\n" in text else ""


def _ole_kind(data: bytes) -> str:
    # An encrypted xlsx is an OLE2 container whose directory names an 'EncryptionInfo' stream;
    # directory entry names are stored as UTF-16LE.
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        return "encrypted"
    return "xls"


def _content_types(zf: zipfile.ZipFile, data: bytes) -> list[str]:
    raw = b""
    for chunk in _inflate(data, zf.getinfo("[Content_Types].xml")):
        raw += chunk
        if len(raw) > CHUNK:
            raise ValueError("oversized content types")
    if len(raw) > _KEPT_CONTENT_TYPES:
        return list(_parse_content_types(raw))
    return list(_parsed_content_types(raw))


def _parse_content_types(raw: bytes) -> tuple[str, ...]:
    root = SafeET.fromstring(raw, forbid_dtd=True)
    return tuple(el.get("ContentType", "") for el in root.iter() if el.get("ContentType"))


# A night's forms come from a few templates: their [Content_Types].xml are the same bytes,
# parsed once. Only small parts that parse are kept (a refused one raises every time).
_KEPT_CONTENT_TYPES = 16 * 1024
_parsed_content_types = functools.lru_cache(maxsize=64)(_parse_content_types)


def _compressed(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, found through its local header."""
    off = info.header_offset
    if data[off : off + 4] != ZIP_MAGIC:
        raise zipfile.BadZipFile("no local header")
    name_len, extra_len = struct.unpack("<HH", data[off + 26 : off + 30])
    start = off + 30 + name_len + extra_len
    return data[start : start + info.compress_size]


def _inflate(data: bytes, info: zipfile.ZipInfo, raw: bytes | None = None) -> Iterator[bytes]:
    """Yield a member's real content in chunks, from its compressed bytes, whatever its
    header claims the uncompressed size is (a lying header is how zip bombs get past)."""
    if raw is None:
        raw = _compressed(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), CHUNK):
            yield raw[i : i + CHUNK]
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise NotImplementedError("compression method")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = raw
    while not inflater.eof:
        chunk = inflater.decompress(pending, CHUNK)
        pending = inflater.unconsumed_tail
        if not chunk and not pending:
            break
        if chunk:
            yield chunk
    if not inflater.eof:
        raise zipfile.BadZipFile("deflate stream ends early")


def _read_by_calamine(name: str) -> bool:
    """Parts calamine reads cell by cell: any worksheet (it matches names ignoring case, and
    a relationship may point at any name in that folder) and the shared strings."""
    lowered = name.lower()
    return lowered.startswith("xl/worksheets/") or lowered == "xl/sharedstrings.xml"


# Parts scanned whole without a finding, by compression method, XML or not, and compressed
# bytes: their inflated size. The same bytes inflate to the same content, so a part met again
# needs neither inflating nor scanning. Small parts only, and a bounded number of them.
_KEPT_MEMBER_BYTES = 64 * 1024
_KEPT_MEMBERS = 256
_clean_members: dict[tuple[int, bool, bytes], int] = {}


def _scan_members(
    zf: zipfile.ZipFile, data: bytes, limit: int
) -> tuple[str, dict[str, object]] | None:
    """Inflate every member in chunks: count real bytes, look for a DTD, bound sheet cells."""
    total = 0
    for info in zf.infolist():
        name = info.filename.lower()
        cells = (
            PartScan(strings_part=name == "xl/sharedstrings.xml")
            if _read_by_calamine(info.filename)
            else None
        )
        is_xml = cells is not None or name.endswith((".xml", ".rels", ".vml"))
        raw = _compressed(data, info)
        key = None
        if cells is None and len(raw) <= _KEPT_MEMBER_BYTES:
            # a part another file of the night had byte for byte (a template's theme,
            # styles, relationships): its real size is known and it holds no DTD
            key = (info.compress_type, is_xml, raw)
            known = _clean_members.get(key)
            if known is not None:
                total += known
                if total > limit:
                    return "unpacked_too_large", {"limit": limit / MB}
                continue
        start = total
        tail = b""
        for chunk in _inflate(data, info, raw):
            total += len(chunk)
            if total > limit:
                return "unpacked_too_large", {"limit": limit / MB}
            if not is_xml:
                continue
            window = tail + chunk if tail else chunk
            # every marker holds a "!", which most parts never contain: one memchr first
            if b"!" in window and any(marker in window for marker in _DTD_MARKERS):
                return "xml_unsafe", {}
            if cells is not None:
                cells.feed(chunk)
            tail = window[-_MARKER_TAIL:]
        if key is not None and len(_clean_members) < _KEPT_MEMBERS:
            _clean_members[key] = total - start
        if cells is not None:
            bounds = cells.finish(lambda info=info: _inflate(data, info))  # type: ignore[misc]
            if bounds.cells > MAX_SHEET_CELLS or bounds.strings > MAX_SHEET_CELLS:
                return "too_many_cells", {"limit": format_count_id(MAX_SHEET_CELLS)}
            if bounds.area > MAX_SHEET_CELLS:
                return "sheet_too_large", {
                    "cell": bounds.far_cell(),
                    "limit": format_count_id(MAX_SHEET_CELLS),
                }
    return None


def _check_zip(data: bytes, max_unpacked_bytes: int) -> Finding | None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return refuse("truncated")
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if len(infos) > MAX_MEMBERS:
            return refuse("unpacked_too_large", limit=max_unpacked_bytes / MB)
        if any(i.flag_bits & 0x1 for i in infos):
            return refuse("encrypted")
        if sum(i.file_size for i in infos) > max_unpacked_bytes:
            return refuse("unpacked_too_large", limit=max_unpacked_bytes / MB)
        try:
            if "mimetype" in names:
                with zf.open("mimetype") as member:
                    head = member.read(200)  # only its first bytes
                if b"opendocument" in head:
                    return _check_ods(zf, data, head, max_unpacked_bytes)
            if "[Content_Types].xml" not in names:
                return refuse("not_xlsx", hint=" (arsip zip biasa)")
            types = [t.lower() for t in _content_types(zf, data)]
            if any(n.lower().endswith("vbaproject.bin") for n in names) or any(
                _MACRO_MARK in t for t in types
            ):
                return refuse("macro")
            if not any(t in _WORKBOOK_TYPES for t in types):
                return refuse("not_xlsx", hint=" (berkas Office lain, bukan Excel)")
            problem = _scan_members(zf, data, max_unpacked_bytes)
        except DefusedXmlException:
            return refuse("xml_unsafe")
        except XmlError:
            # XML calamine could not read either: the same answer as when it fails
            from .rules import message

            return Finding(type="unreadable", message=message("unreadable"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            return refuse("truncated")
        except (NotImplementedError, RuntimeError):
            # unsupported compression or a zip-level password
            return (
                refuse("encrypted")
                if any(i.flag_bits & 0x1 for i in infos)
                else refuse("truncated")
            )
        except SafeET.ParseError:
            return refuse("truncated")
    return refuse(problem[0], **problem[1]) if problem else None


# ---- LibreOffice / OpenDocument (.ods): the same limits as .xlsx ----------------------------

# What a LibreOffice library holds besides its modules (written even with no macro in it).
_ODS_LIBRARY_INDEX = frozenset({"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"})


def _ods_macros(names: set[str]) -> bool:
    for name in names:
        parts = name.split("/")
        if parts[0] == "Scripts" and not name.endswith("/"):
            return True  # Python, BeanShell or JavaScript macros
        if parts[0] == "Basic" and not name.endswith("/") and parts[-1] not in _ODS_LIBRARY_INDEX:
            return True  # a Basic module
    return False


def _small_member(zf: zipfile.ZipFile, data: bytes, name: str) -> bytes:
    raw = b""
    for chunk in _inflate(data, zf.getinfo(name)):
        raw += chunk
        if len(raw) > CHUNK:
            raise ValueError(f"oversized {name}")
    return raw


def _check_ods(
    zf: zipfile.ZipFile, data: bytes, mimetype: bytes, max_unpacked_bytes: int
) -> Finding | None:
    """An .ods is read like an .xlsx: bounded unpacking, no DTD, no macros, bounded sheets."""
    from xml.parsers.expat import ExpatError

    from . import ods

    if mimetype.strip() != ods.MIMETYPE:
        return refuse("not_xlsx", hint=" (dokumen OpenDocument lain, bukan lembar kerja)")
    names = set(zf.namelist())
    if ods.CONTENT not in names:
        return refuse("truncated")
    if "META-INF/manifest.xml" in names and b"encryption-data" in _small_member(
        zf, data, "META-INF/manifest.xml"
    ):
        return refuse("encrypted")
    if _ods_macros(names):
        return Finding(type="macro", message=ODS_MACRO)
    problem = _scan_members(zf, data, max_unpacked_bytes)
    if problem:
        return refuse(problem[0], **problem[1])
    try:
        sheets = ods.walk(_inflate(data, zf.getinfo(ods.CONTENT)))
    except ods.OdsUnsafe:
        return refuse("xml_unsafe")
    except ExpatError:
        return refuse("truncated")
    for sheet in sheets:
        if sheet.area > MAX_SHEET_CELLS:
            return refuse(
                "sheet_too_large",
                cell=f"baris {sheet.rows}, kolom ke-{sheet.cols}",
                limit=format_count_id(MAX_SHEET_CELLS),
            )
    return None


def check_file(
    path: Path,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> Intake:
    """Read `path` once and decide whether it is a plain .xlsx (or .ods) workbook that is safe
    to parse."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_file_bytes:
        return Intake(
            _hash_file(path),
            refusal=refuse("too_large", size=size / MB, limit=max_file_bytes / MB),
        )
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if not data:
        return Intake(sha, refusal=refuse("empty_file"))
    if data.startswith(OLE2_MAGIC):
        return Intake(sha, refusal=refuse(_ole_kind(data)))
    if not data.startswith(ZIP_MAGIC):
        if data.startswith(b"PK"):
            return Intake(sha, refusal=refuse("truncated"))
        return Intake(sha, refusal=refuse("not_xlsx", hint=_text_hint(data)))
    problem = _check_zip(data, max_unpacked_bytes)
    if problem is not None:
        return Intake(sha, refusal=problem)
    return Intake(sha, data=data)
