"""Builds the docxtpl templates for SOP steps 2 and 3 (Disposisi, Nota Dinas, Keputusan PPID).

Run `python ppid_batch/templates/build_templates.py` after changing this script; commit the
.docx files. Staff may instead edit the .docx files in Word: every Jinja tag sits in one run,
so Word keeps it whole as long as a tag is retyped in one go (see docs/documents.md).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Arial"
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def _new_document() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    # East-Asian font slot too, or Word falls back to its default for some characters.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    pf = style.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    page_numbers(section)
    return doc


def page_numbers(section) -> None:
    """'- 2 -' top centre on every page after the first (tata naskah dinas); page 1 carries
    the kop in the body and no number."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.0)
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = CENTER
    p.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(" -")
    section.first_page_header.is_linked_to_previous = False


def keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def para(container, text="", *, bold=False, underline=False, align=None, size=None, after=0):
    """One paragraph holding `text` in exactly one run, so a Jinja tag is never split."""
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    if text:
        run = p.add_run(text)
        run.bold, run.underline = bold, underline
        if size:
            run.font.size = Pt(size)
    return p


def _bottom_border(paragraph, size=12) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", str(size)), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


# What may follow w:pBdr in w:pPr and w:tblBorders in w:tblPr (ECMA-376 sequences).
# Word rejects a document whose property elements are out of the schema's order.
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_TBLBORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _cell(cell, text, *, bold=False, align=None, size=None) -> None:
    """Write `text` into a table cell's first paragraph as one run."""
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)


def _widths(table, widths_cm) -> None:
    """Fixed column widths in the grid and in every cell: Word reads one, LibreOffice the other."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _keep_row_whole(row) -> None:
    """An item's row moves to the next page whole rather than splitting across two."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def letterhead(doc) -> None:
    """The kop, on page 1 only (it is body text; later pages carry only the page number).
    The office's logo above the name when ppid.toml names one."""
    para(doc, "{%p if logo %}")
    para(doc, "{{ logo }}", align=CENTER, after=2)
    para(doc, "{%p endif %}")
    para(doc, "{{ kantor.nama_satker|upper }}", bold=True, align=CENTER, size=14)
    para(doc, "{{ kantor.alamat }}", align=CENTER, size=9)
    # Only the contact details the office filled in; no 'Telepon' before an empty value.
    last = para(
        doc,
        "{{ ['Telepon ' ~ kantor.telepon if kantor.telepon, 'Surel ' ~ kantor.email "
        "if kantor.email, 'Laman ' ~ kantor.laman if kantor.laman]|select|join('  ') }}",
        align=CENTER,
        size=9,
        after=12,
    )
    _bottom_border(last)


def field_table(doc, rows, label_cm=3.5) -> None:
    """Label / colon / value rows without borders, as the office's letters set them out."""
    table = doc.add_table(rows=len(rows), cols=3)
    _no_borders(table)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell(row.cells[0], label)
        _cell(row.cells[1], ":")
        _cell(row.cells[2], value)
    _widths(table, [label_cm, 0.5, 16.5 - label_cm - 0.5])


def _keep_row_with_next(row) -> None:
    """Every paragraph of the row keeps with the next one."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            keep_with_next(paragraph)


def _tag_row_like(table, row, text: str, *, before: bool) -> None:
    """A `{%tr … %}` row next to `row` (docxtpl replaces that whole row by the tag)."""
    import copy

    tag = copy.deepcopy(row._tr)
    (row._tr.addprevious if before else row._tr.addnext)(tag)
    tag_row = next(r for r in table.rows if r._tr is tag)
    for i, cell in enumerate(tag_row.cells):
        for p in cell.paragraphs[1:]:
            p._p.getparent().remove(p._p)
        for run in cell.paragraphs[0].runs:
            run._r.getparent().remove(run._r)
        if i == 0:
            cell.paragraphs[0].add_run(text)


def _skip_last(table, body, last_when: str) -> None:
    """The loop's body row leaves out the table's last item (closing_block prints it)."""
    _tag_row_like(table, body, "{%tr if not (" + last_when + ") %}", before=True)
    _tag_row_like(table, body, "{%tr endif %}", before=False)


def _no_cell_margins(table) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


_TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip


def _schema_order(table) -> None:
    """tblPr's children in the order the schema requires (Word refuses another order);
    python-docx appends some at the end for a table made inside a cell."""
    tbl_pr = table._tbl.tblPr
    children = sorted(tbl_pr, key=lambda el: _TBLPR_ORDER.index(el.tag.split("}")[1]))
    for child in children:
        tbl_pr.append(child)


def closing_block(
    doc, *, tails, size, total: str, signer_lines, name_line, signature_cm,
) -> None:  # fmt: skip
    """The last table's last item, the total line and the signature as ONE row that cannot
    split: whatever the page count, the signature never starts a page alone.

    `tails` lists, for each table that may end the document, (when, loops, cells, widths):
    `when` it is the last table with an item, its last item is printed here in a table of
    its own with the same columns, and the main table leaves it out (_skip_last). Keep-with-
    next between a table row and the paragraph after the table is not enough: LibreOffice
    ignores it once the table runs over more than one page.
    """
    # A hairline paragraph between the tables: two tables side by side are read as one.
    gap = para(doc)
    gap.paragraph_format.line_spacing = Pt(1)
    keep_with_next(gap)
    outer = doc.add_table(rows=1, cols=1)
    _no_borders(outer)
    _no_cell_margins(outer)
    outer.alignment = WD_TABLE_ALIGNMENT.CENTER
    _keep_row_whole(outer.rows[0])
    cell = outer.cell(0, 0)
    made = [outer]
    for n, (when, loops, cells, widths_cm) in enumerate(tails):
        if n == 0:
            _cell(cell, "{%p if " + when + " %}")
        else:
            para(cell, "{%p if " + when + " %}")
        last = cell.add_table(rows=1 + 2 * len(loops), cols=len(cells))
        last.style = doc.styles["Table Grid"]
        last.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = last.rows
        for row, loop in zip(rows, loops, strict=False):
            _cell(row.cells[0], "{%tr for " + loop + " %}", size=size)
        for row in rows[len(loops) + 1 :]:
            _cell(row.cells[0], "{%tr endfor %}", size=size)
        for c, text in zip(rows[len(loops)].cells, cells, strict=True):
            _cell(c, text, size=size, align=CENTER if text.endswith(".no }}") else None)
        for row in rows:
            _keep_row_whole(row)
        _widths(last, widths_cm)
        para(cell, "{%p endif %}")
        made.append(last)
    para(cell, total, after=12)
    signature_table = cell.add_table(rows=1, cols=2)
    _no_borders(signature_table)
    right = signature_table.rows[0].cells[1]
    for i, text in enumerate(signer_lines):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold = run.underline = i == name_line
    _widths(signature_table, list(signature_cm))
    para(cell)  # a cell ends with a paragraph
    _widths(outer, [max(sum(t[3]) for t in tails)])
    for table in (*made, signature_table):
        _schema_order(table)


def loop_table(doc, headers, cells, loop, widths_cm, *, size=9, skip_last="") -> None:
    """A bordered table: a repeated header row, then one row per element of `loop` (but
    the last, with `skip_last`: closing_block prints it with the signature)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, opener, body, closer = table.rows
    for cell, text in zip(header.cells, headers, strict=True):
        _cell(cell, text, bold=True, align=CENTER, size=size)
    _repeat_header(header)
    # the column headings go with the first item, or with the closing block when that
    # prints the table's only item: never alone at a page foot
    _keep_row_with_next(header)
    _cell(opener.cells[0], "{%tr for " + loop + " %}", size=size)
    for cell, text in zip(body.cells, cells, strict=True):
        _cell(cell, text, size=size, align=CENTER if text.endswith(".no }}") else None)
    _keep_row_whole(body)
    _cell(closer.cells[0], "{%tr endfor %}", size=size)
    _widths(table, widths_cm)
    if skip_last:  # the condition under which the last item is left to closing_block
        _skip_last(table, body, skip_last)


def signature(doc, lines, *, name_line, widths_cm=(8.5, 8.0)) -> None:
    """Right-hand signature block; `name_line` is the index of the bold, underlined name.

    The block is one table row that cannot split (place, jabatan, name and NIP stay on one
    page), and the paragraph before it keeps with it, so it never stands alone on a page.
    """
    previous = doc.paragraphs[-1] if doc.paragraphs else None
    if previous is not None and previous._p is doc.element.body[-2]:
        keep_with_next(previous)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _keep_row_whole(table.rows[0])
    right = table.rows[0].cells[1]
    first = True
    for i, text in enumerate(lines):
        p = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        keep_with_next(p)
        if text:
            run = p.add_run(text)
            run.bold = run.underline = i == name_line
    _widths(table, list(widths_cm))


# The PPID's own signature: jabatan, three blank lines to sign in, the name (bold,
# underlined: index PPID_NAME_LINE) and the NIP when ppid.toml gives one.
PPID_SIGNER = [
    "{{ ppid.jabatan }},", "", "", "", "{{ ppid.nama }}",
    "{% if ppid.nip %}NIP. {{ ppid.nip }}{% endif %}",
]  # fmt: skip
PPID_NAME_LINE = 4


def ppid_signature(doc, *above: str) -> None:
    """The PPID's signature block, under the lines `above` (place and date)."""
    signature(doc, [*above, *PPID_SIGNER], name_line=len(above) + PPID_NAME_LINE)


def body(container, text, *, after=6):
    """A justified body paragraph with its first line indented, as in a naskah dinas."""
    p = para(container, text, align=JUSTIFY, after=after)
    p.paragraph_format.first_line_indent = Cm(1.25)
    return p


def _landscape_section(doc) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # The lampiran's first page is not page 1 of the document: it carries its number too.
    section.different_first_page_header_footer = False
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)


def build_nota_dinas() -> Document:
    doc = _new_document()
    letterhead(doc)
    para(doc, "NOTA DINAS", bold=True, underline=True, align=CENTER, size=12)
    para(doc, "NOMOR {{ nomor }}", align=CENTER, after=12)
    field_table(
        doc,
        [
            ("Yth.", "{{ yth }}"),
            ("Dari", "{{ dari }}"),
            ("Tembusan", "{{ tembusan|join('; ') if tembusan else '-' }}"),
            ("Tanggal", "{{ tanggal }}"),
            ("Sifat", "{{ sifat }}"),
            ("Lampiran", "{{ lampiran }}"),
            ("Hal", "{{ hal }}"),
        ],
    )
    _bottom_border(para(doc, after=12), size=6)
    body(doc, "{{ isi }}", after=6)
    body(
        doc,
        "Jumlah informasi yang didokumentasikan: {{ jumlah }} informasi dari {{ unit }}"
        "{% if jumlah_dikecualikan %}, termasuk {{ jumlah_dikecualikan }} informasi yang "
        "dikecualikan, yang dicatat dalam Daftar Usulan Informasi yang Dikecualikan dan "
        "tidak diumumkan{% endif %}.",
        after=6,
    )
    body(doc, "{{ penutup }}", after=24)
    ppid_signature(doc)

    _landscape_section(doc)
    field_table(
        doc,
        [
            ("Lampiran", "Nota Dinas {{ dari }}"),
            ("Nomor", "{{ nomor }}"),
            ("Tanggal", "{{ tanggal }}"),
            ("Hal", "{{ hal }}"),
        ],
        label_cm=2.5,
    )
    para(doc, after=6)
    para(doc, "INFORMASI YANG DIDOKUMENTASIKAN", bold=True, align=CENTER)
    para(doc, "{{ unit|upper }} TAHUN {{ tahun }}", bold=True, align=CENTER, after=8)
    common = (
        ["No", "ID Informasi", "Ringkasan Isi Informasi", "Pejabat atau Unit yang Menguasai "
         "Informasi", "Penanggung Jawab Pembuatan atau Penerbitan Informasi"],
        ["{{ b.no }}", "{{ b.id }}", "{{ b.ringkasan }}", "{{ b.penguasa }}",
         "{{ b.penanggung_jawab }}"],
    )  # fmt: skip
    para(doc, "{%p if butir_dip %}")
    keep_with_next(para(doc, "A. Daftar Informasi Publik", bold=True, after=4))
    dip_cells = common[1] + ["{{ b.waktu_tempat }}", "{{ b.jenis }}", "{{ b.bentuk }}",
                             "{{ b.retensi }}"]  # fmt: skip
    dip_widths = [0.9, 2.8, 5.0, 3.0, 3.3, 3.0, 2.0, 2.3, 3.4]
    # the last table with an item leaves its last item to the closing block
    dip_last = "not butir_dikecualikan and not arahan"
    loop_table(
        doc,
        common[0] + ["Waktu dan Tempat Pembuatan Informasi", "Jenis Informasi",
                     "Bentuk Informasi yang Tersedia", "Jangka Waktu Penyimpanan"],
        dip_cells, "b in butir_dip", dip_widths, skip_last=f"loop.last and {dip_last}",
    )  # fmt: skip
    keep_with_next(para(doc, after=8))
    para(doc, "{%p endif %}")
    para(doc, "{%p if butir_dikecualikan %}")
    heading_b = para(
        doc,
        "{% if butir_dip %}B{% else %}A{% endif %}. Daftar Usulan Informasi yang Dikecualikan "
        "(tidak diumumkan)",
        bold=True,
        after=4,
    )
    keep_with_next(heading_b)
    exempt_cells = common[1] + ["{{ b.dasar_pengecualian }}", "{{ b.konsekuensi }}",
                                "{{ b.retensi }}"]  # fmt: skip
    exempt_widths = [0.9, 2.8, 4.2, 3.0, 3.2, 4.2, 4.1, 3.3]
    loop_table(
        doc,
        common[0] + ["Dasar Hukum Pengecualian", "Konsekuensi Bila Dibuka",
                     "Jangka Waktu Penyimpanan"],
        exempt_cells, "b in butir_dikecualikan", exempt_widths,
        skip_last="loop.last and not arahan",
    )  # fmt: skip
    keep_with_next(para(doc, after=8))  # the header row reaches the closing block through it
    para(doc, "{%p endif %}")
    # The Atasan PPID's arahan on approved items reaches the unit with its Nota Dinas.
    para(doc, "{%p if arahan %}")
    para(doc, after=6)
    keep_with_next(
        para(doc, "Arahan Atasan PPID atas informasi yang disetujui", bold=True, after=4)
    )
    arahan_cells = ["{{ b.no }}", "{{ b.id }}", "{{ b.ringkasan }}", "{{ b.arahan }}"]
    arahan_widths = [1.0, 2.7, 8.9, 13.1]
    loop_table(
        doc,
        ["No", "ID Informasi", "Ringkasan Isi Informasi", "Arahan Atasan PPID"],
        arahan_cells, "b in arahan", arahan_widths, skip_last="loop.last",
    )  # fmt: skip
    para(doc, "{%p endif %}")
    # A lampiran is signed by whoever signs the Nota Dinas (tata naskah dinas); the last
    # item, the total line and the signature stay together on the last page.
    closing_block(
        doc,
        tails=[
            (f"butir_dip and {dip_last}", ["b in butir_dip[-1:]"], dip_cells, dip_widths),
            ("butir_dikecualikan and not arahan", ["b in butir_dikecualikan[-1:]"],
             exempt_cells, exempt_widths),
            ("arahan", ["b in arahan[-1:]"], arahan_cells, arahan_widths),
        ],
        size=9,
        total="Jumlah: {{ jumlah }} informasi{% if jumlah_dikecualikan %} ({{ jumlah - "
        "jumlah_dikecualikan }} dalam Daftar Informasi Publik, {{ jumlah_dikecualikan }} "
        "dikecualikan){% endif %}.",
        signer_lines=PPID_SIGNER,
        name_line=PPID_NAME_LINE,
        signature_cm=[17.2, 8.5],
    )  # fmt: skip
    return doc


def optional_table(doc, flag: str, empty: str, *table_args) -> None:
    """A loop table when the list `flag` is non-empty, else the one sentence `empty`."""
    para(doc, "{%p if " + flag + " %}")
    loop_table(doc, *table_args)
    para(doc, "{%p else %}")
    para(doc, empty)
    para(doc, "{%p endif %}")
    para(doc, after=6)


def decision_table(doc, heading, variable, last, widths_cm, when_empty) -> None:
    """A heading, then the items of `variable` in a table, or one sentence when it is empty.

    `last` is one (header, cell) pair or a list of them: the columns after Ringkasan.
    """
    keep_with_next(para(doc, heading, bold=True, after=4))
    extra = [last] if isinstance(last, tuple) else list(last)
    optional_table(
        doc,
        variable,
        when_empty,
        ["No", "ID Informasi", "Unit Kerja", "Ringkasan Isi Informasi", *(h for h, _ in extra)],
        ["{{ b.no }}", "{{ b.id }}", "{{ b.unit }}", "{{ b.ringkasan }}", *(c for _, c in extra)],
        "b in " + variable,
        widths_cm,
    )


def build_disposisi() -> Document:
    doc = _new_document()
    letterhead(doc)
    para(doc, "DISPOSISI / ARAHAN ATASAN PPID", bold=True, underline=True, align=CENTER, size=12)
    para(doc, "atas Usulan Daftar Informasi Publik", align=CENTER, after=12)
    field_table(
        doc,
        [
            (
                "Lembar persetujuan",
                "{% if nomor_lembar %}{{ nomor_lembar }} ({{ nama_lembar }})"
                "{% else %}{{ nama_lembar }}{% endif %}",
            ),
            ("Diputus oleh", "{{ atasan }}"),
            ("Tanggal", "{{ tanggal }}"),
        ],
        label_cm=4.0,
    )
    para(doc, after=6)
    para(doc, "Ringkasan keputusan", bold=True, after=4)
    field_table(
        doc,
        [
            ("Disetujui (YA)", "{{ jumlah_disetujui }} informasi"),
            ("Tidak disetujui (TIDAK)", "{{ jumlah_ditolak }} informasi"),
            ("Menunggu persetujuan", "{{ jumlah_menunggu }} informasi"),
            ("Tidak diterapkan", "{{ jumlah_tidak_diterapkan }} baris (lihat ringkasan proses)"),
            # the counts above are of new items; a sheet of Ubah/Hapus requests says so here
            (
                "Permintaan Ubah / Hapus",
                "{{ perubahan|length }} permintaan, {{ perubahan|selectattr('keputusan', "
                "'equalto', 'Disetujui')|list|length }} disetujui",
            ),
        ],
        label_cm=5.0,
    )
    para(doc, after=6)
    decision_table(
        doc,
        "Informasi yang tidak disetujui beserta arahan",
        "ditolak",
        ("Arahan / Disposisi", "{{ b.arahan }}"),
        [1.0, 2.8, 3.2, 5.0, 4.5],
        "Tidak ada informasi yang tidak disetujui.",
    )
    decision_table(
        doc, "Informasi yang disetujui", "disetujui",
        [("Jenis Informasi", "{{ b.jenis }}"),
         ("Arahan / Catatan", "{{ b.arahan }}{% if b.perubahan %}{% if b.arahan %} {% endif %}"
          "Disetujui dengan perubahan: {{ b.perubahan }}{% endif %}")],
        [1.0, 2.6, 3.2, 4.4, 2.2, 3.6],
        "Tidak ada informasi yang disetujui.",
    )  # fmt: skip
    para(doc, "{%p if perubahan %}")
    para(doc, "Permintaan perubahan dan pencabutan (Tindakan Ubah / Hapus)", bold=True, after=4)
    loop_table(
        doc,
        ["No", "ID Informasi", "Unit Kerja", "Ringkasan Isi Informasi", "Tindakan",
         "Keputusan", "Arahan / Disposisi"],
        ["{{ c.no }}", "{{ c.id }}", "{{ c.unit }}", "{{ c.ringkasan }}", "{{ c.tindakan }}",
         "{{ c.keputusan }}", "{{ c.arahan }}"],
        "c in perubahan",
        [0.9, 2.8, 3.1, 3.4, 1.8, 2.4, 2.1],
    )  # fmt: skip
    para(doc, after=6)
    para(doc, "{%p endif %}")
    body(
        doc,
        "Informasi yang disetujui agar didokumentasikan oleh PPID dalam Daftar Informasi "
        "Publik, atau dalam Daftar Usulan Informasi yang Dikecualikan bagi informasi yang "
        "dikecualikan; informasi yang tidak disetujui dikembalikan kepada unit kerja untuk "
        "ditindaklanjuti sesuai arahan.",
        after=18,
    )
    signature(
        doc,
        [
            "{{ kota }}, {{ tanggal }}",
            # The jabatan from ppid.toml when a listed Atasan PPID (or Plh/Plt) signed;
            # 'Atasan PPID' for a name ppid.toml does not list.
            "{{ atasan_jabatan }},",
            "",
            "",
            "",
            "{{ atasan }}",
            "{% if atasan_nip %}NIP. {{ atasan_nip }}{% endif %}",
        ],
        name_line=5,
    )
    return doc


def clause_table(doc, label, loop, text, marker=None, label_cm=3.0) -> None:
    """`Menimbang : a. …` rows without borders: the label and colon on the first row only
    (a `label` with a Jinja tag is shown on every row: the diktum's KESATU, KEDUA, …);
    a `marker` (`a.`, `1.`) gets its own column so wrapped lines hang under the text."""
    cols = 4 if marker else 3
    table = doc.add_table(rows=3, cols=cols)
    _no_borders(table)
    opener, body, closer = table.rows
    _cell(opener.cells[0], "{%tr for " + loop + " %}")
    every = "{{" in label
    _cell(body.cells[0], label if every else "{% if loop.first %}" + label + "{% endif %}")
    _cell(body.cells[1], ":" if every else "{% if loop.first %}:{% endif %}")
    _keep_row_whole(body)
    if marker:
        _cell(body.cells[2], marker)
    body.cells[-1].paragraphs[0].alignment = JUSTIFY
    _cell(body.cells[-1], text)
    _cell(closer.cells[0], "{%tr endfor %}")
    rest = 16.5 - label_cm - 0.5
    _widths(table, [label_cm, 0.5, 0.8, rest - 0.8] if marker else [label_cm, 0.5, rest])


def lampiran_heading(doc, roman) -> None:
    field_table(
        doc,
        [
            (f"LAMPIRAN {roman}", "KEPUTUSAN PPID {{ kantor.nama_satker|upper }}"),
            ("NOMOR", "{{ nomor }}"),
            ("TANGGAL", "{{ tanggal }}"),
        ],
        label_cm=3.2,
    )
    para(doc, after=6)


def _merge_after_first(row) -> None:
    cells = row.cells
    cells[1].merge(cells[-1])


def build_keputusan() -> Document:
    doc = _new_document()
    letterhead(doc)
    for text in (
        "KEPUTUSAN PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI",
        "{{ kantor.nama_satker|upper }}",
    ):
        para(doc, text, bold=True, align=CENTER)
    para(doc, "NOMOR {{ nomor }}", align=CENTER, after=6)
    para(doc, "TENTANG", bold=True, align=CENTER)
    para(doc, "PENETAPAN DAFTAR INFORMASI PUBLIK", bold=True, align=CENTER, after=12)
    para(doc, "PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI", bold=True, align=CENTER)
    para(doc, "{{ kantor.nama_satker|upper }},", bold=True, align=CENTER, after=12)
    clause_table(doc, "Menimbang", "m in menimbang", "{{ m.isi }}", marker="{{ m.huruf }}.")
    para(doc, after=6)
    clause_table(doc, "Mengingat", "m in mengingat", "{{ m.isi }}", marker="{{ m.huruf }}.")
    para(doc, after=12)
    para(doc, "MEMUTUSKAN:", bold=True, align=CENTER, after=6)
    field_table(doc, [("Menetapkan", "{{ judul }}.")], label_cm=3.0)
    para(doc, after=6)
    clause_table(doc, "{{ d.label }}", "d in diktum", "{{ d.isi }}")
    para(doc, after=18)
    ppid_signature(doc, "Ditetapkan di {{ kantor.kota }}", "pada tanggal {{ tanggal }}")

    _landscape_section(doc)
    lampiran_heading(doc, "I")
    para(doc, "DAFTAR INFORMASI PUBLIK", bold=True, align=CENTER)
    para(doc, "{{ kantor.nama_satker|upper }}", bold=True, align=CENTER)
    para(doc, "Keadaan per {{ tanggal }}: {{ jumlah }} informasi", align=CENTER, after=8)
    headers = [
        "No", "ID Informasi", "Ringkasan Isi Informasi",
        "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
        "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
        "Waktu dan Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia",
        "Jangka Waktu Penyimpanan atau Retensi Arsip",
    ]  # fmt: skip
    size = 8
    table = doc.add_table(rows=11, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows
    header, g_open, g_last, g_head, b_open, body, b_close, if_empty, empty, end_if, g_close = rows
    for cell, text in zip(header.cells, headers, strict=True):
        _cell(cell, text, bold=True, align=CENTER, size=size)
    _repeat_header(header)
    _cell(g_open.cells[0], "{%tr for g in kelompok %}", size=size)
    _cell(g_last.cells[0], "{%tr set kelompok_akhir = loop.last %}", size=size)
    _keep_row_whole(g_last)  # a tag row, removed by docxtpl; kept whole like every looped row
    _cell(g_head.cells[0], "{{ g.huruf }}", bold=True, align=CENTER, size=size)
    _keep_row_whole(g_head)
    _keep_row_with_next(g_head)
    _merge_after_first(g_head)
    _cell(g_head.cells[1], "{{ g.judul }}", bold=True, size=size)
    _cell(b_open.cells[0], "{%tr for b in g.butir %}", size=size)
    texts = [
        "{{ b.no }}", "{{ b.id }}", "{{ b.ringkasan }}", "{{ b.penguasa }}",
        "{{ b.penanggung_jawab }}", "{{ b.waktu_tempat }}", "{{ b.bentuk }}", "{{ b.retensi }}",
    ]  # fmt: skip
    for cell, text in zip(body.cells, texts, strict=True):
        _cell(cell, text, size=size, align=CENTER if text == "{{ b.no }}" else None)
    _keep_row_whole(body)
    _cell(b_close.cells[0], "{%tr endfor %}", size=size)
    _cell(if_empty.cells[0], "{%tr if not g.butir %}", size=size)
    _merge_after_first(empty)
    _cell(empty.cells[1], "Belum ada informasi.", size=size)
    _cell(end_if.cells[0], "{%tr endif %}", size=size)
    _cell(g_close.cells[0], "{%tr endfor %}", size=size)
    widths = [1.0, 2.6, 6.4, 3.6, 3.6, 3.4, 2.6, 2.5]
    _widths(table, widths)
    _skip_last(table, body, "kelompok_akhir and loop.last")
    closing_block(
        doc, tails=[("kelompok and (kelompok|last).butir",
                     ["g in kelompok[-1:]", "b in g.butir[-1:]"], texts, widths)],
        size=size, total="Jumlah: {{ jumlah }} informasi.", signer_lines=PPID_SIGNER,
        name_line=4, signature_cm=[17.2, 8.5],
    )  # fmt: skip

    _landscape_section(doc)
    lampiran_heading(doc, "II")
    para(doc, "PERUBAHAN DAFTAR INFORMASI PUBLIK", bold=True, align=CENTER)
    para(doc, "{{ sejak }}", align=CENTER, after=8)
    change_cells = [
        "{{ c.no }}", "{{ c.id }}", "{{ c.perubahan }}", "{{ c.ringkasan }}", "{{ c.unit }}",
        "{{ c.keterangan }}",
    ]  # fmt: skip
    change_widths = [1.0, 2.6, 2.6, 8.0, 4.0, 7.5]
    loop_table(
        doc,
        ["No", "ID Informasi", "Perubahan", "Ringkasan Isi Informasi", "Unit Kerja",
         "Keterangan"],
        change_cells, "c in perubahan", change_widths, size=size, skip_last="loop.last",
    )  # fmt: skip
    closing_block(
        doc, tails=[("perubahan", ["c in perubahan[-1:]"], change_cells, change_widths)],
        size=size, total="Jumlah perubahan: {{ perubahan|length }}.",
        signer_lines=PPID_SIGNER, name_line=PPID_NAME_LINE, signature_cm=[17.2, 8.5],
    )  # fmt: skip
    return doc


def build_surat_pengecualian() -> Document:
    """The covering letter sending the Daftar Usulan Informasi yang Dikecualikan to KPU RI."""
    doc = _new_document()
    letterhead(doc)
    field_table(
        doc,
        [
            ("Nomor", "{{ nomor }}"),
            ("Sifat", "Biasa"),
            ("Lampiran", "1 (satu) berkas"),
            ("Hal", "Usulan Informasi yang Dikecualikan Tahun {{ tahun }}"),
        ],
        label_cm=2.5,
    )
    para(doc, after=12)
    para(doc, "Yth. {{ yth }}")
    para(doc, "di tempat", after=12)
    body(
        doc,
        "Berdasarkan Pasal 17 dan Pasal 19 Undang-Undang Nomor 14 Tahun 2008 tentang "
        "Keterbukaan Informasi Publik, bersama ini kami sampaikan Daftar Usulan Informasi yang "
        "Dikecualikan di lingkungan {{ kantor.nama_satker }} Tahun {{ tahun }} sebanyak "
        "{{ jumlah }} informasi, lengkap dengan dasar hukum, konsekuensi apabila dibuka, jangka "
        "waktu pengecualian dan pertimbangan kepentingan publiknya, untuk mendapatkan "
        "penetapan sesuai ketentuan.",
        after=6,
    )
    body(
        doc,
        "{% if jumlah_sesuai %}Sebanyak {{ jumlah_sesuai }} informasi di antaranya sesuai dengan "
        "pengecualian yang telah ditetapkan oleh Komisi Pemilihan Umum Republik Indonesia, "
        "sebagaimana dicatat pada lampiran.{% else %}Tidak ada informasi dalam usulan ini yang "
        "telah ditetapkan dikecualikan oleh Komisi Pemilihan Umum Republik Indonesia.{% endif %}",
        after=6,
    )
    body(doc, "Demikian disampaikan, atas perhatiannya diucapkan terima kasih.", after=24)
    ppid_signature(doc, "{{ kantor.kota }}, {{ tanggal }}")

    _landscape_section(doc)
    field_table(
        doc,
        [("Lampiran", "Surat {{ ppid.jabatan }}"), ("Tanggal", "{{ tanggal }}")],
        label_cm=2.5,
    )
    para(doc, after=6)
    para(doc, "DAFTAR USULAN INFORMASI YANG DIKECUALIKAN", bold=True, align=CENTER)
    para(doc, "{{ kantor.nama_satker|upper }} TAHUN {{ tahun }}", bold=True, align=CENTER,
         after=8)  # fmt: skip
    loop_table(
        doc,
        ["No", "ID Informasi", "Ringkasan Isi Informasi", "Dasar Hukum Pengecualian",
         "Konsekuensi Jika Dibuka", "Jangka Waktu Pengecualian",
         "Pertimbangan Kepentingan Publik", "Catatan Penetapan KPU RI"],
        ["{{ b.no }}", "{{ b.id }}", "{{ b.ringkasan }}", "{{ b.dasar_pengecualian }}",
         "{{ b.konsekuensi }}", "{{ b.jangka_pengecualian }}", "{{ b.kepentingan_publik }}",
         "{{ b.kpu_ri }}"],
        "b in butir",
        [1.0, 2.6, 5.0, 3.6, 3.6, 2.6, 3.6, 3.7],
        size=8,
    )  # fmt: skip
    return doc


def _save(doc: Document, path: Path) -> None:
    from ppid_batch.documents.docx import normalise_zip

    props = doc.core_properties
    props.author = props.last_modified_by = "PPID"
    props.title = path.stem
    props.revision = 1
    fixed = dt.datetime(2025, 1, 1)
    props.created = props.modified = props.last_printed = fixed
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(normalise_zip(buf.getvalue()))


def main() -> int:
    _save(build_nota_dinas(), HERE / "nota-dinas.docx")
    _save(build_disposisi(), HERE / "disposisi.docx")
    _save(build_keputusan(), HERE / "keputusan.docx")
    _save(build_surat_pengecualian(), HERE / "surat-usulan-dikecualikan.docx")
    print(f"templat ditulis ke {HERE}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))  # the checkout, for ppid_batch
    sys.exit(main())
