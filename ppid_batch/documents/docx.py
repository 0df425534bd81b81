"""Word documents for SOP steps 2 and 3: safe, deterministic docxtpl rendering from templates/."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, nodes
from jinja2 import TemplateError as JinjaTemplateError

from ..config import DEFAULT_TEMPLATES, Office
from ..errors import TemplateError

# The variables each template may use. A name maps to None (a plain value), to a
# frozenset of attribute names (a mapping), or to a one-element tuple holding the
# attribute names of the elements of a list. check_templates() holds templates to
# exactly this, so a typo in a template stops the run before anything is written.
OFFICE_KEYS = frozenset(
    {"nama_satker", "singkatan", "alamat", "kota", "kode_wilayah", "telepon", "email", "laman"}
)
OFFICER_KEYS = frozenset({"nama", "nip", "jabatan"})
ITEM_KEYS = frozenset(
    {
        "no", "id", "unit", "ringkasan", "penguasa", "penanggung_jawab", "waktu",
        "tempat", "waktu_tempat", "bentuk", "retensi", "jenis", "dasar_pengecualian",
        "konsekuensi", "jangka_pengecualian", "kepentingan_publik", "tautan", "keterangan",
        "arahan",
    }
)  # fmt: skip
COMMON_VARIABLES: dict[str, Any] = {
    "kantor": OFFICE_KEYS,
    "logo": None,
    "ppid": OFFICER_KEYS,
    "atasan_ppid": OFFICER_KEYS,
    "tahun": None,
    "tanggal": None,
}
TEMPLATE_VARIABLES: dict[str, dict[str, Any]] = {
    "nota-dinas.docx": {
        **COMMON_VARIABLES,
        "nomor": None,
        "unit": None,
        "yth": None,
        "ppid_pelaksana": OFFICER_KEYS,
        "dari": None,
        "tembusan": (None,),
        "sifat": None,
        "lampiran": None,
        "hal": None,
        "isi": None,
        "penutup": None,
        "jumlah": None,
        "jumlah_dikecualikan": None,
        "butir": (ITEM_KEYS,),
        "arahan": (ITEM_KEYS,),
        "butir_dip": (ITEM_KEYS,),
        "butir_dikecualikan": (ITEM_KEYS,),
    },
    "disposisi.docx": {
        **COMMON_VARIABLES,
        "nama_lembar": None,
        "sha256": None,
        "atasan": None,
        "atasan_nip": None,
        "atasan_jabatan": None,
        "kota": None,
        "jumlah_disetujui": None,
        "jumlah_ditolak": None,
        "jumlah_menunggu": None,
        "jumlah_diputus": None,
        "jumlah_tidak_diterapkan": None,
        "nomor_lembar": None,
        "disetujui": (ITEM_KEYS | {"perubahan"},),
        "ditolak": (ITEM_KEYS,),
        "perubahan": (
            frozenset({"no", "id", "unit", "ringkasan", "tindakan", "keputusan", "arahan"}),
        ),
    },
    "surat-usulan-dikecualikan.docx": {
        **COMMON_VARIABLES,
        "nomor": None,
        "yth": None,
        "jumlah": None,
        "jumlah_sesuai": None,
        "butir": (ITEM_KEYS | {"kpu_ri"},),
    },
    "keputusan.docx": {
        **COMMON_VARIABLES,
        "nomor": None,
        "judul": None,
        "menimbang": (frozenset({"huruf", "isi"}),),
        "mengingat": (frozenset({"huruf", "isi"}),),
        "diktum": (frozenset({"label", "isi"}),),
        "jumlah": None,
        "kelompok": (frozenset({"huruf", "judul", "butir"}),),
        "sejak": None,
        "perubahan": (frozenset({"no", "id", "perubahan", "ringkasan", "unit", "keterangan"}),),
    },
}
# Names Jinja itself provides inside templates.
_BUILTINS = frozenset({"loop", "range", "lipsum", "dict", "cycler", "joiner", "namespace"})
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOCX_AUTHOR = "PPID"


def jinja_env() -> Environment:
    """The one Jinja environment for documents: autoescape on, unknown names fail loudly."""
    return Environment(autoescape=True, undefined=StrictUndefined)


class _CompilingOnceEnvironment(Environment):
    """docxtpl compiles the template's XML on every render; the XML is the same each time."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) > 64:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `a.b`: for a dict whose class has no attribute `b`, the item `b`
        straight away, not after an AttributeError (a dict's `.b` can only be the
        class's); the same value, without an exception per cell of a 10,000-row table."""
        if type(obj) is dict and not hasattr(dict, attribute):
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


_RENDER_ENV = _CompilingOnceEnvironment()


@functools.lru_cache(maxsize=32)
def _patched_xml(xml: str) -> str:
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]  # uses no state


@dataclass(frozen=True)
class LoadedTemplate:
    name: str
    data: bytes  # the template kept in memory: docxtpl would re-read it per document


# docxtpl's resolve_listing turns a tab, \a, newline or form feed inside a text into
# Word markup, walking every paragraph, run and text through Python callbacks; only
# the paragraphs holding one of these characters can change.
_LISTING_CHARS = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_BODY_START = re.compile(r"<w:body((?:\s+xmlns(?::[\w.-]+)?=\"[^\"]*\")*)\s*>")
_NS_DECL = re.compile(r"xmlns(?::([\w.-]+))?=\"([^\"]*)\"")
_FEED_CHARS = 1 << 20


def _body_start(body_xml: str, root_nsmap: Mapping[str | None, str]) -> tuple[str, int] | None:
    """The rendered body's start tag without the namespace declarations the document
    root makes already (what lxml strips when it moves the body under the root), and
    where the body's content begins; None when the body does not start as expected."""
    m = _BODY_START.match(body_xml)
    if m is None:
        return None
    kept = [
        d.group(0)
        for d in _NS_DECL.finditer(m.group(1))
        if root_nsmap.get(d.group(1)) != d.group(2)
    ]
    return "<w:body" + "".join(" " + k for k in kept) + ">", m.end()


@functools.lru_cache(maxsize=4)
def _shape_paths(w: str) -> tuple[Any, Any, Any]:
    from lxml import etree

    ns = {"w": w[1:-1]}
    return (
        etree.XPath("count(w:tc)", namespaces=ns),
        etree.XPath("count(w:tc/w:tcPr[1]/w:gridSpan[1])", namespaces=ns),
        etree.XPath("w:tc/w:tcPr[1]/w:gridSpan[1]/@w:val", namespaces=ns),
    )


def _row_shape(row: Any, w: str) -> tuple[int, int]:
    """A table row's cell count and the grid columns its cells span (a cell its
    gridSpan's, else one). XPath: no Python object made per cell."""
    count_cells, count_spans, span_values = _shape_paths(w)
    cells = int(count_cells(row))
    spans = int(count_spans(row))
    if not spans:
        return cells, cells
    values = span_values(row)
    if len(values) != spans:
        raise TypeError("a gridSpan without w:val")
    return cells, cells - spans + sum(int(v) for v in values)


def _fix_grids(body: Any, w: str) -> None:
    """docxtpl's fix_tables on the body in place (see _fix_grid)."""
    for table in body.iter(w + "tbl"):
        most, widest = 0, 0
        for row in table.iter(w + "tr"):
            cells, span = _row_shape(row, w)
            most, widest = max(most, cells), max(widest, span)
        _fix_grid(table, w, most, widest)


def _fix_grid(table: Any, w: str, most: int, widest: int) -> None:
    """docxtpl's fix_tables for one table whose rows (nested tables' rows included) hold
    at most `most` cells and span at most `widest` grid columns: the grid gets a column
    for every cell of its widest row (the widths scaled to keep the table's width), and
    loses the grid columns no row fills (their width shared by the rest), as after a
    `{%tc %}` loop or a layout table with fewer cells than columns."""
    from lxml import etree

    grid = table.find(w + "tblGrid")
    columns = grid.findall(w + "gridCol")
    to_add = most - len(columns)
    if to_add > 0:
        width = sum(float(c.get(w + "w")) for c in columns if c.get(w + "w") is not None)
        if width > 0:
            old, new = width / len(columns), width / (len(columns) + to_add)
            for c in columns:
                c.set(w + "w", str(int(float(c.get(w + "w")) * new / old)))
            for _ in range(to_add):
                etree.SubElement(grid, w + "gridCol", {w + "w": str(int(new))})
        columns = grid.findall(w + "gridCol")
    to_remove = len(columns) - widest
    if to_remove > 0:
        removed = 0.0
        for c in columns[-to_remove:]:
            removed += float(c.get(w + "w"))
            grid.remove(c)
        left = grid.findall(w + "gridCol")
        extra = int(removed / len(left)) if left else 0
        for c in left:
            c.set(w + "w", str(int(float(c.get(w + "w")) + extra)))


_BEFORE_PARAGRAPH = re.compile(r"<w:p([ >])")
_ROW_END = "</w:tr>"
_ROW_MARK = b"<w:tr/>"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


class _NotStreamable(Exception):
    """The rendered document turned out not to be one the streaming path can write."""


def _tostring(element: Any) -> str:
    from lxml import etree

    return str(etree.tostring(element, encoding="unicode"))


def _streamable_source(src: str) -> bool:
    """Whether a template body (docxtpl's patched XML) has a shape the row streaming
    writes byte for byte as docxtpl would: no namespace declared below the body's own
    tag (a row's serialisation would repeat it), no text box (whose paragraphs hold
    tables, so a piece cut after a row could split a paragraph), and the body as one
    `<w:body>` element."""
    first = src.find(">")
    return (
        src.startswith("<w:body")
        and first > 0
        and src.find("xmlns", first) < 0
        and "txbxContent" not in src
    )


def _cut_at_rows(pieces: Any) -> Any:
    """Jinja's output regrouped into texts of about _FEED_CHARS, each cut just after a
    table row's end (no paragraph, nor anything render_xml_part's clean-up matches,
    spans such a cut) but the last."""
    held: list[str] = []
    size, limit = 0, _FEED_CHARS
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= limit:
            text = "".join(held)
            cut = text.rfind(_ROW_END)
            if cut < 0:  # no row yet: wait for twice as much, not join at every piece
                held, limit = [text], 2 * size
                continue
            cut += len(_ROW_END)
            yield text[:cut]
            held, size, limit = [text[cut:]], len(text) - cut, _FEED_CHARS
    yield "".join(held)


class _Rows:
    """The body's table rows, serialised in document order into a spool file, each
    leaving an empty `<w:tr/>` in the tree where document.xml gets it back."""

    def __init__(self, spool_dir: Path | None = None) -> None:
        import tempfile
        from array import array

        # Beyond 4 MB on disk, beside the document being written when it is known (the
        # system's temporary folder may be small, or held in memory).
        self.spool = tempfile.SpooledTemporaryFile(
            max_size=_FEED_CHARS * 4,
            prefix=".ppid-baris-",
            dir=None if spool_dir is None else str(spool_dir),
        )
        self.sizes = array("q")

    def add(self, data: bytes) -> None:
        self.spool.write(data)
        self.sizes.append(len(data))

    def document_writer(self, skeleton: bytes) -> Any:
        """A writer of document.xml from the serialised tree without its rows."""
        pieces = skeleton.split(_ROW_MARK)
        if len(pieces) != len(self.sizes) + 1:
            raise _NotStreamable("a row mark not ours in the document")

        def write(fh: Any) -> None:
            # In blocks of about _FEED_CHARS: the zip stream's cost is per write call
            # (the compressed bytes are the same however the data is cut).
            self.spool.seek(0)
            block, held = [pieces[0]], len(pieces[0])
            for size, piece in zip(self.sizes, pieces[1:], strict=True):
                block += (self.spool.read(size), piece)
                held += size + len(piece)
                if held >= _FEED_CHARS:
                    fh.write(b"".join(block))
                    block, held = [], 0
            fh.write(b"".join(block))

        return write

    def close(self) -> None:
        self.spool.close()


class _BodyStream:
    """The document parsed as the rendered body comes, rows streamed out (see _Rows)."""

    def __init__(self, tpl: Any, root: Any, head: str, rows: _Rows) -> None:
        from docx.oxml.parser import element_class_lookup
        from lxml import etree

        self.tpl, self.root_nsmap, self.head, self.rows = tpl, root.nsmap, head, rows
        self.w = w = "{" + root.nsmap["w"] + "}"
        self.tbl, self.tr, self.docpr = w + "tbl", w + "tr", _WP + "docPr"
        self.parser = etree.XMLPullParser(
            events=("start", "end"), tag=(self.tbl, self.tr, self.docpr), recover=True
        )
        self.parser.set_element_class_lookup(element_class_lookup)
        self.tables: list[list[int]] = []  # [most cells, widest span] of each open table
        self.depth = 0  # open rows
        self.started = False

    def feed(self, text: str) -> None:
        if not self.started:
            start = _body_start(text, self.root_nsmap)
            if start is None:
                raise _NotStreamable("the body does not start as expected")
            tag, end = start
            self.parser.feed(self.head + tag)
            text = text[end:]
            self.started = True
        self.parser.feed(text)
        self._events()

    def close(self, tail: str) -> Any:
        if not self.started:
            raise _NotStreamable("nothing rendered")
        self.parser.feed(tail)
        document = self.parser.close()
        self._events()
        if self.depth or self.tables:
            raise _NotStreamable("tables left open")
        return document

    def _events(self) -> None:
        from lxml import etree

        w, tbl, tr = self.w, self.tbl, self.tr
        for event, element in self.parser.read_events():
            tag = element.tag
            if event == "start":
                if tag == tr:
                    self.depth += 1
                elif tag == tbl:
                    self.tables.append([0, 0])
                continue
            if tag == tr:
                try:
                    cells, span = _row_shape(element, w)
                except (AttributeError, TypeError, ValueError) as exc:
                    raise _NotStreamable("a cell's gridSpan") from exc
                for shape in self.tables:
                    shape[0] = max(shape[0], cells)
                    shape[1] = max(shape[1], span)
                self.depth -= 1
                if self.depth == 0:
                    data = etree.tostring(element, encoding="UTF-8", with_tail=False)
                    element.clear(keep_tail=True)
                    empty = etree.tostring(element, encoding="UTF-8", with_tail=False)
                    # the namespaces in scope, declared on a row serialised alone
                    declared = empty[len(_ROW_MARK) - 2 : -2]
                    if not empty.startswith(_ROW_MARK[:-2]) or not data.startswith(
                        _ROW_MARK[:-2] + declared
                    ):
                        raise _NotStreamable("a row serialised unlike the document's")
                    self.rows.add(_ROW_MARK[:-2] + data[len(_ROW_MARK) - 2 + len(declared) :])
            elif tag == tbl:
                if not self.tables:
                    raise _NotStreamable("a table's end without its start")
                most, widest = self.tables.pop()
                try:
                    _fix_grid(element, w, most, widest)
                except (AttributeError, TypeError, ValueError) as exc:
                    raise _NotStreamable("a table without a usable grid") from exc
            elif tag == self.docpr:
                self.tpl.docx_ids_index += 1
                element.attrib["id"] = str(self.tpl.docx_ids_index)


@functools.cache
def _lazy_styles_part() -> type:
    """python-docx's part for word/styles.xml, parsed only when something reads it.

    A template's styles.xml is the largest part of it (350 KB in the bundled Nota Dinas,
    Word's latent styles), and no render reads or changes it: docxtpl fills the body,
    headers, footers, footnotes and properties. python-docx parsed it for every document
    (4.6 ms) and serialised the same tree back (1.5 ms): a tenth of a one-page Nota
    Dinas, and a night renders one per unit. This part keeps the bytes as read and
    writes them back as they were while nothing has asked for its tree; the first read
    of `element` (or `_element`) parses them, and from then on it is python-docx's own
    StylesPart. Registered for every python-docx document of the process: code that
    reads the styles sees the same tree, only later.
    """
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.part import PartFactory
    from docx.oxml.parser import parse_xml
    from docx.parts.styles import StylesPart

    class _LazyStylesPart(StylesPart):  # type: ignore[misc]
        _raw: bytes | None = None
        _tree: Any = None

        @classmethod
        def load(cls, partname: Any, content_type: str, blob: bytes, package: Any) -> Any:
            part = cls(partname, content_type, None, package)  # type: ignore[arg-type]
            part._raw = blob
            return part

        @property  # type: ignore[override]
        def _element(self) -> Any:
            if self._tree is None and self._raw is not None:
                self._tree, self._raw = parse_xml(self._raw), None
            return self._tree

        @_element.setter
        def _element(self, element: Any) -> None:
            self._tree, self._raw = element, None

        @property
        def blob(self) -> bytes:
            return self._raw if self._raw is not None else super().blob

    PartFactory.part_type_for[CONTENT_TYPE.WML_STYLES] = _LazyStylesPart
    return _LazyStylesPart


@functools.cache
def _template_class() -> type:
    from docxtpl import DocxTemplate

    _lazy_styles_part()

    class _DocxTemplate(DocxTemplate):  # type: ignore[misc]
        def patch_xml(self, src_xml: str) -> str:
            # The same template XML is cleaned up identically for every document.
            return _patched_xml(src_xml)

        def resolve_listing(self, xml: str) -> str:
            if not _LISTING_CHARS.search(xml):
                return xml
            resolve = super().resolve_listing
            return _PARAGRAPH.sub(
                lambda m: resolve(m.group(0)) if _LISTING_CHARS.search(m.group(0)) else m.group(0),
                xml,
            )

        def fix_tables(self, xml: str) -> Any:
            """The rendered body, parsed once inside the whole document.

            docxtpl parses the body alone and moves it under the document root; for a
            lampiran of 10,000 rows that move (lxml re-homing every node) took longer
            than the rendering. Spliced into the root's own text and parsed with
            python-docx's element classes, the body is already where it belongs; the
            bytes written are the same (tables' grids fixed as docxtpl does, _fix_grids).
            """
            spliced = self._spliced(xml)
            if spliced is None:
                return super().fix_tables(xml)
            return spliced

        def _spliced(self, xml: str) -> Any:
            from docx.oxml.ns import qn
            from docx.oxml.parser import element_class_lookup
            from lxml import etree

            root = self.docx._element
            start = _body_start(xml, root.nsmap)
            if start is None:
                return None
            tag, end = start
            outer = etree.tostring(root, encoding="unicode")
            i = outer.find("<w:body")
            j = outer.rfind("</w:body>")
            if i < 0 or j < 0 or outer.find("<w:body", i + 1) >= 0:
                return None
            parser = etree.XMLParser(recover=True)
            parser.set_element_class_lookup(element_class_lookup)
            # Fed in slices: the whole text is never copied (110 MB at 40,000 items).
            parser.feed(outer[:i] + tag)
            for k in range(end, len(xml), _FEED_CHARS):
                parser.feed(xml[k : k + _FEED_CHARS])
            parser.feed(outer[j + len("</w:body>") :])
            document = parser.close()
            body = document.find(qn("w:body"))
            if body is None:
                return None
            try:
                _fix_grids(body, "{" + root.nsmap["w"] + "}")
            except (AttributeError, TypeError, ValueError):
                return None  # docxtpl's own way, and its own error
            return body

        def render_streaming(
            self, context: Mapping[str, Any], jinja_env: Any, spool_dir: Path | None = None
        ) -> Any:
            """docxtpl's render with the body's table rows streamed out of the tree.

            The body is rendered chunk by chunk (Jinja's generate) and parsed as it comes;
            each table row of the body, once parsed, is serialised into a spool file and
            emptied, so the tree held is the document without its rows, whatever the rows'
            number. Grids and docPr ids are fixed as the rows pass, as docxtpl fixes them
            on the whole tree. Returns the _Rows to write back into document.xml, or None
            when the template's shape is not one this can stream (nothing rendered then).
            Raises _NotStreamable when that shows only during the render.
            """
            self.render_init()
            src = self.patch_xml(self.get_xml())
            if not _streamable_source(src):
                return None
            root = self.docx._element
            outer = _tostring(root)
            i, j = outer.find("<w:body"), outer.rfind("</w:body>")
            if i < 0 or j < 0 or outer.find("<w:body", i + 1) >= 0 or "w" not in root.nsmap:
                return None
            src = _BEFORE_PARAGRAPH.sub(r"\n<w:p\1", src)
            self.current_rendering_part = self.docx._part
            template = jinja_env.from_string(src)
            rows = _Rows(spool_dir)
            try:
                stream = _BodyStream(self, root, outer[:i], rows)
                for text in _cut_at_rows(template.generate(dict(context))):
                    stream.feed(self._rendered_text(text))
                document = stream.close(outer[j + len("</w:body>") :])
            except BaseException:
                rows.close()
                raise
            self.map_tree(document.find(f"{{{root.nsmap['w']}}}body"))
            for uri in (self.HEADER_URI, self.FOOTER_URI):
                for rel_key, xml in self.build_headers_footers_xml(context, uri, jinja_env):
                    self.map_headers_footers_xml(rel_key, xml)
            self.render_properties(context, jinja_env)
            self.render_footnotes(context, jinja_env)
            self.is_rendered = True
            return rows

        def _rendered_text(self, text: str) -> str:
            """render_xml_part's clean-up after Jinja, on a piece ending after a row."""
            text = (
                text.replace("\n<w:p ", "<w:p ")
                .replace("\n<w:p>", "<w:p>")
                .replace("{_{", "{{")
                .replace("}_}", "}}")
                .replace("{_%", "{%")
                .replace("%_}", "%}")
            )
            return str(self.resolve_listing(text))

        def fix_docpr_ids(self, tree: Any) -> None:
            from docx.oxml.ns import nsmap
            from lxml import etree

            # python-docx's elements take no `namespaces` in xpath(); lxml's own does.
            for elt in etree._Element.xpath(tree, ".//wp:docPr", namespaces=nsmap):
                self.docx_ids_index += 1
                elt.attrib["id"] = str(self.docx_ids_index)

        def map_tree(self, tree: Any) -> None:
            document = tree.getparent()
            if document is None:
                super().map_tree(tree)
                return
            self.docx._element = document
            self.docx._part._element = document
            self.docx._Document__body = None

    return _DocxTemplate


def _docxtpl(data: bytes) -> Any:
    return _template_class()(io.BytesIO(data))


def read_template(templates_dir: Path, name: str) -> LoadedTemplate:
    """Read a template's bytes; raise TemplateError when it is missing. Whether it is a
    docx is not looked at: for a caller that checks it anyway (check_template) or knows
    its bytes (a bundled template's fingerprint)."""
    path = template_path(templates_dir, name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(
            f"Templat {name} tidak ditemukan di {path.parent}; salin templat bawaan ke sana "
            "atau kosongkan 'lokasi.templat' di ppid.toml."
        ) from exc
    return LoadedTemplate(name, data)


def load_template(templates_dir: Path, name: str) -> LoadedTemplate:
    """Read a template once; raise TemplateError when it is missing or not a docx."""
    template = read_template(templates_dir, name)
    _open_docx(name, template.data)
    return template


_CACHE: dict[tuple[Path, int, int], LoadedTemplate] = {}


def template_path(templates_dir: Path, name: str) -> Path:
    """The office's own copy in 'lokasi.templat' when it has one, else the bundled template."""
    own = Path(templates_dir) / name
    return own if own.exists() else DEFAULT_TEMPLATES / name


def cached_template(templates_dir: Path, name: str) -> LoadedTemplate:
    """The template's bytes, read from disk only when the file changed since the last call."""
    path = template_path(templates_dir, name)
    try:
        st = path.stat()
    except OSError:
        return load_template(templates_dir, name)  # raises the Indonesian "not found" line
    key = (path.resolve(), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        _CACHE[key] = load_template(templates_dir, name)
    return _CACHE[key]


def _open_docx(name: str, data: bytes) -> Any:
    from docx.opc.exceptions import PackageNotFoundError

    tpl = _docxtpl(data)
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(
            f"Templat {name} bukan berkas Word (.docx) yang sah; simpan ulang dari Word "
            "sebagai Dokumen Word (.docx)."
        ) from exc
    return tpl


def _jinja_source(tpl: Any) -> str:
    """The Jinja text docxtpl renders: the body plus headers and footers."""
    from docx.opc.oxml import parse_xml

    doc = tpl.docx
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel in doc._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return xml


def _unknown_attribute(tree: nodes.Template, known: Mapping[str, Any]) -> str | None:
    """The first `name.attr` (or `loopvar.attr`) the template uses that we do not provide."""
    scopes: dict[str, Any] = {}
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            spec = known.get(loop.iter.name)
            if isinstance(spec, tuple):
                scopes[loop.target.name] = spec[0]
    for get in tree.find_all(nodes.Getattr):
        if not isinstance(get.node, nodes.Name):
            continue
        base = get.node.name
        attrs = known[base] if base in known else scopes.get(base)
        if isinstance(attrs, frozenset) and get.attr not in attrs:
            return f"{base}.{get.attr}"
    return None


def check_template(name: str, data: bytes, known: Mapping[str, Any]) -> None:
    """Raise TemplateError naming the template and the first variable it needs but cannot get."""
    from jinja2 import meta

    tpl = _open_docx(name, data)
    env = jinja_env()
    try:
        # The Jinja text docxtpl renders, parsed once: the variables it needs are the
        # undeclared names of that tree (docxtpl's get_undeclared_template_variables
        # reopened the document and parsed the same text a second time).
        tree = env.parse(_jinja_source(tpl))
        undeclared = meta.find_undeclared_variables(tree)
    except JinjaTemplateError as exc:
        raise TemplateError(
            f"Templat {name} memuat tanda {{{{ }}}} atau {{% %}} yang rusak: {exc.message}; "
            "perbaiki di Word."
        ) from exc
    unknown = sorted(set(undeclared) - set(known) - _BUILTINS)
    missing = unknown[0] if unknown else _unknown_attribute(tree, known)
    if missing:
        allowed = ", ".join(sorted(known))
        raise TemplateError(
            f"Templat {name} memakai variabel '{missing}' yang tidak dikenal; "
            f"variabel yang tersedia: {allowed}."
        )


def check_templates(templates_dir: Path) -> dict[str, LoadedTemplate]:
    """At the start of a run: every template is valid and uses only known variables.

    Covers the Word templates and the page template of the published register.
    """
    from .register_list import check_html_template

    loaded = {}
    for name, known in TEMPLATE_VARIABLES.items():
        template = read_template(templates_dir, name)
        check_template(name, template.data, known)  # opens it as a docx first
        loaded[name] = template
    check_html_template(templates_dir)
    return loaded


# Bump when check_template / check_html_template start checking something new, so that
# templates passed by the older check are checked again.
TEMPLATE_CHECK_VERSION = 1
TEMPLATE_CHECK_FILE = "templat-diperiksa.json"
TEMPLATE_CHECK_KEEP = 16
# templates_fingerprint of the templates shipped in the package, which check_templates
# passes (tests/documents/test_docx_render.py holds both): a new office's first night, or
# one whose templates are the bundled ones, does not parse them again. A template an
# office edited, or a new variable table or check version, has another fingerprint and
# is checked as before. When the bundled templates change, the test gives the new value.
SHIPPED_TEMPLATES_FINGERPRINT = "3bd93d5926bb1232ee59f1a9357fa22dd770ecbbdecb76e9b638e5dac1e62602"


def _canonical(value: Any) -> Any:
    """JSON for the variable tables' sets: sorted, as a set's own order changes with each
    process's string hashing (PYTHONHASHSEED), and with it the fingerprint would."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return repr(value)


def templates_fingerprint(templates_dir: Path) -> str:
    """SHA-256 over every template's bytes and the variables each may use."""
    import hashlib
    import json

    from .register_list import HTML_TEMPLATE, HTML_VARIABLES

    digest = hashlib.sha256(f"check {TEMPLATE_CHECK_VERSION}\n".encode())
    for name, known in sorted(TEMPLATE_VARIABLES.items()):
        path = template_path(templates_dir, name)
        try:
            data = path.read_bytes()
        except OSError:
            data = b"<missing>"
        digest.update(f"{name} {len(data)}\n".encode() + data)
        digest.update(json.dumps(known, sort_keys=True, default=_canonical).encode())
    own = Path(templates_dir) / HTML_TEMPLATE
    html = own if own.exists() else DEFAULT_TEMPLATES / HTML_TEMPLATE
    try:
        data = html.read_bytes()
    except OSError:
        data = b"<missing>"
    digest.update(f"{HTML_TEMPLATE} {len(data)}\n".encode() + data)
    digest.update(" ".join(sorted(HTML_VARIABLES)).encode())
    return digest.hexdigest()


def check_templates_once(templates_dir: Path, var_dir: Path | None) -> bool:
    """check_templates, skipped when these exact template bytes already passed.

    The fingerprints of templates that passed are kept in var/ (TEMPLATE_CHECK_FILE),
    so the check (seconds: every docx parsed) runs once per template content, not
    every night; the bundled templates' content is known good (SHIPPED_TEMPLATES_FINGERPRINT)
    and never checked at run time. A template that fails is not recorded, so it fails again each
    night until fixed. Returns whether the templates were checked this time.
    """
    import json

    from ..files import atomic_write_text

    key = templates_fingerprint(templates_dir)
    if key == SHIPPED_TEMPLATES_FINGERPRINT:
        return False
    record = Path(var_dir) / TEMPLATE_CHECK_FILE if var_dir is not None else None
    passed: list[str] = []
    if record is not None:
        try:
            loaded = json.loads(record.read_text(encoding="utf-8"))
            passed = [k for k in loaded.get("lulus", []) if isinstance(k, str)]
        except (OSError, ValueError, AttributeError):
            passed = []
        if key in passed:
            return False
    check_templates(templates_dir)
    if record is not None and record.parent.is_dir():
        kept = [key, *(k for k in passed if k != key)][:TEMPLATE_CHECK_KEEP]
        try:
            atomic_write_text(record, json.dumps({"lulus": kept}, indent=1) + "\n")
        except OSError:
            pass  # only a cache: the check simply runs again next night
    return True


def _fixed_core_properties(doc: Any, when: dt.datetime, title: str) -> None:
    props = doc.core_properties
    props.author = DOCX_AUTHOR
    props.last_modified_by = DOCX_AUTHOR
    props.title = title
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when


def _zip(members: Mapping[str, Any]) -> bytes:
    """A zip with fixed timestamps and a fixed member order: same parts, same bytes."""
    out = io.BytesIO()
    _zip_into(out, members)
    return out.getvalue()


def _zip_into(fh: Any, members: Mapping[str, Any]) -> None:
    """_zip written into the seekable file `fh`; a member is bytes, or a function
    writing them into the member's stream (the same bytes zipped either way)."""
    # Word expects [Content_Types].xml first; the rest sorted so the order never drifts.
    ordered = sorted(members, key=lambda n: (n != "[Content_Types].xml", n))
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            member = members[name]
            if isinstance(member, bytes):
                if not _write_deflated(dst, info, member):
                    dst.writestr(info, member)
            else:
                with dst.open(info, "w") as stream:
                    member(stream)


# A member of this size is compressed once per content (_write_deflated): the templates'
# styles are 350-440 KB; a document's own body (up to hundreds of MB when it is not
# streamed) is never the same twice and is not kept.
_DEFLATE_ONCE_BYTES = 16 * 1024
_DEFLATE_ONCE_MAX_BYTES = 4 * 1024 * 1024
_DEFLATED: dict[str, tuple[bytes, int, bytes]] = {}  # member name → (bytes, CRC, deflated)
_DEFLATED_MAX = 32


def _write_deflated(dst: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> bool:
    """Write a member of 16 KB to 4 MB as zipfile's writestr would, its deflate kept for
    the next document with the same bytes; False (nothing written) where that cannot be
    done or the member is outside those sizes.

    Every document of a template carries its styles (styles.xml 350 KB and
    stylesWithEffects.xml 440 KB in the bundled Nota Dinas) unchanged: zipfile
    compressed them again for each (3.8 ms, more than the page's own text). The deflate
    is zlib's with zipfile's own settings and the header is zipfile's own
    (ZipInfo.FileHeader, with the sizes and CRC known before it is written, as
    writestr leaves it after seeking back), so the zip is the same bytes as writestr's
    (tests/documents/test_docx_render.py compares them). Needs a seekable file (as
    writestr's header does) and a zipfile that has its usual internals; otherwise the
    caller's writestr does it.
    """
    if not _DEFLATE_ONCE_BYTES <= len(data) <= _DEFLATE_ONCE_MAX_BYTES:
        return False
    if not getattr(dst, "_seekable", False):
        return False
    if getattr(dst, "_writing", True):
        return False
    import zlib

    kept = _DEFLATED.get(info.filename)
    if kept is not None and kept[0] == data:
        crc, deflated = kept[1], kept[2]
    else:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        crc, deflated = zlib.crc32(data), packer.compress(data) + packer.flush()
        if len(_DEFLATED) >= _DEFLATED_MAX:
            _DEFLATED.clear()
        _DEFLATED[info.filename] = (data, crc, deflated)
    info.file_size, info.compress_size, info.CRC = len(data), len(deflated), crc
    info.flag_bits = 0x00
    fp: Any = dst.fp
    fp.seek(dst.start_dir)
    info.header_offset = fp.tell()
    dst._writecheck(info)  # type: ignore[attr-defined]
    dst._didModify = True  # type: ignore[attr-defined]
    fp.write(info.FileHeader(False))
    fp.write(deflated)
    dst.start_dir = fp.tell()
    dst.filelist.append(info)
    dst.NameToInfo[info.filename] = info
    return True


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a docx zip with fixed timestamps and a fixed member order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip({name: src.read(name) for name in src.namelist()})


def _package_members(doc: Any, rows: _Rows | None = None) -> dict[str, Any]:
    """A python-docx document's zip members, each part serialised once.

    Mirrors python-docx's OpcPackage.save / PackageWriter. With `rows` (the streamed
    render), document.xml is a writer putting the rows back into the serialised tree.
    """
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    members: dict[str, Any] = {
        "[Content_Types].xml": _ContentTypesItem.from_parts(parts).blob,
        PACKAGE_URI.rels_uri.membername: package.rels.xml,
    }
    for part in parts:
        blob = part.blob
        if rows is not None and part is doc.part:
            members[part.partname.membername] = rows.document_writer(blob)
        else:
            members[part.partname.membername] = blob
        if len(part.rels):
            members[part.partname.rels_uri.membername] = part.rels.xml
    return members


def _package_bytes(doc: Any) -> bytes:
    """Serialise a python-docx document straight into a deterministic zip."""
    return _zip(_package_members(doc))


def _release(doc: Any) -> None:
    """Drop the parts' XML trees of a serialised document.

    python-docx's package and its parts refer to each other, so without this the trees
    (about 370 MB for the Keputusan of a 10,000-item register) stay in memory until the
    cyclic garbage collector happens to run, and the next documents pile on top of them.
    """
    from docx.opc.part import XmlPart

    for part in doc.part.package.iter_parts():
        if isinstance(part, XmlPart):  # (not hasattr: it would parse a lazy styles part)
            part._element = None  # type: ignore[assignment]


# Whether render_bytes / render_to stream the body's rows (tests compare both ways).
STREAM_ROWS = True


def _render_into(
    fh: Any,
    template: LoadedTemplate,
    context: Mapping[str, Any],
    *,
    when: dt.datetime,
    title: str,
    images: Mapping[str, tuple[Path, float]] | None = None,
    spool_dir: Path | None = None,
) -> None:
    """Render a template held in memory as a deterministic docx into the file `fh`.

    The body's table rows are streamed (_DocxTemplate.render_streaming) so that memory
    does not grow with them; a template of another shape is rendered as docxtpl does.
    """

    def prepared() -> tuple[Any, dict[str, Any]]:
        tpl = _docxtpl(template.data)
        if not images:
            return tpl, dict(context)
        from docx.shared import Mm
        from docxtpl import InlineImage

        pictures = {k: InlineImage(tpl, str(p), width=Mm(w)) for k, (p, w) in images.items()}
        return tpl, {**context, **pictures}

    tpl, values = prepared()
    rows = None
    try:
        try:
            if STREAM_ROWS:
                rows = tpl.render_streaming(values, _RENDER_ENV, spool_dir)
            members = None
            if rows is not None:
                _fixed_core_properties(tpl.docx, when, title)
                members = _package_members(tpl.docx, rows)
        except _NotStreamable:
            if rows is not None:
                rows.close()
            _release(tpl.docx)
            rows, members = None, None
            tpl, values = prepared()
        if members is None:
            tpl.render(values, jinja_env=_RENDER_ENV, autoescape=True)
            _fixed_core_properties(tpl.docx, when, title)
            members = _package_members(tpl.docx)
        _zip_into(fh, members)
    except JinjaTemplateError as exc:
        raise TemplateError(f"Templat {template.name} gagal diisi: {exc.message}.") from exc
    finally:
        if rows is not None:
            rows.close()
        if tpl.docx is not None:
            _release(tpl.docx)


def render_bytes(
    template: LoadedTemplate,
    context: Mapping[str, Any],
    *,
    when: dt.datetime,
    title: str,
    images: Mapping[str, tuple[Path, float]] | None = None,
) -> bytes:
    """Render a template held in memory into deterministic docx bytes.

    `images` maps a variable to (PNG path, width in mm): docxtpl's InlineImage
    needs the template object, which only exists in here.
    """
    out = io.BytesIO()
    _render_into(out, template, context, when=when, title=title, images=images)
    return out.getvalue()


def render_to(
    template: LoadedTemplate,
    context: Mapping[str, Any],
    path: Path,
    *,
    when: dt.datetime,
    title: str,
    images: Mapping[str, tuple[Path, float]] | None = None,
) -> Path:
    """Render and write `path` atomically, the zip streamed into the file."""
    from ..files import atomic_write

    return atomic_write(
        path,
        lambda fh: _render_into(
            fh,
            template,
            context,
            when=when,
            title=title,
            images=images,
            spool_dir=Path(path).parent,
        ),
    )


LOGO_WIDTH_MM = 20.0


def office_images(office: Office) -> dict[str, tuple[Path, float]]:
    """The office logo for the kop when ppid.toml names one (templates test `{% if logo %}`)."""
    logo = office.logo
    return {"logo": (logo, LOGO_WIDTH_MM)} if logo else {}
