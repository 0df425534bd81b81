"""Template safety and deterministic Word output (docx_render)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docs_util import TODAY, docx_text, fixture_register
from docx import Document

from ppid_batch.config import DEFAULT_TEMPLATES
from ppid_batch.documents import docx as docx_render
from ppid_batch.documents.disposisi import Disposisi, disposisi_context
from ppid_batch.documents.docx import (
    ITEM_KEYS,
    TEMPLATE_VARIABLES,
    TemplateError,
    check_templates,
    load_template,
    render_bytes,
)
from ppid_batch.documents.exemptions import letter_context
from ppid_batch.documents.fields import item_fields
from ppid_batch.documents.keputusan import PUBLISHED_KEYS, keputusan_context
from ppid_batch.documents.nota_dinas import NotaDinas, nota_context

WHEN = dt.datetime(2025, 11, 26)


@pytest.fixture
def custom(config, tmp_path: Path):
    """A config whose 'lokasi.templat' is a folder holding copies of the bundled templates."""
    folder = tmp_path / "templat"
    folder.mkdir()
    for name in TEMPLATE_VARIABLES:
        shutil.copyfile(DEFAULT_TEMPLATES / name, folder / name)
    return dataclasses.replace(config, templates_dir=folder)


def _docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph().add_run(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_bundled_templates_pass_the_check(config) -> None:
    loaded = check_templates(config.templates_dir)
    assert sorted(loaded) == [
        "disposisi.docx", "keputusan.docx", "nota-dinas.docx", "surat-usulan-dikecualikan.docx",
    ]  # fmt: skip
    assert loaded["nota-dinas.docx"].data == (DEFAULT_TEMPLATES / "nota-dinas.docx").read_bytes()


def test_known_variables_are_exactly_what_the_renderers_provide(config) -> None:
    items = tuple(fixture_register())
    nota = nota_context(
        NotaDinas("1/HM.02-ND/1811/2025", TODAY, "Hukum", items[:1]),
        config.letter,
        config.nota_dinas,
    )
    dispo = disposisi_context(
        Disposisi("a.xlsx", "0" * 64, "X", TODAY, items[:1], ()), config.letter
    )
    assert set(nota) == set(TEMPLATE_VARIABLES["nota-dinas.docx"])
    assert set(dispo) == set(TEMPLATE_VARIABLES["disposisi.docx"])
    assert set(item_fields(items[0], 1)) == ITEM_KEYS
    record = {"number": "1/PPID/1811/2025", "date": TODAY, "year": 2025, "urut": 1}
    entries = [{"item_id": items[0].id, "change": "tambah", "item_values": None}]
    standing = {items[0].id: {"unit": items[0].unit, "ringkasan": items[0].ringkasan}}
    kep = keputusan_context(record, entries, standing, {}, None, config.letter, config.keputusan)
    assert set(kep) == set(TEMPLATE_VARIABLES["keputusan.docx"])
    letter = letter_context(items[:1], config.letter, config.pengecualian, year=2025, today=TODAY)
    assert set(letter) == set(TEMPLATE_VARIABLES["surat-usulan-dikecualikan.docx"])
    (row_keys,) = TEMPLATE_VARIABLES["surat-usulan-dikecualikan.docx"]["butir"]
    assert set(letter["butir"][0]) == row_keys
    for key in ("menimbang", "mengingat", "diktum", "kelompok", "perubahan"):
        (spec,) = TEMPLATE_VARIABLES["keputusan.docx"][key]
        assert set(kep[key][0]) == spec, key
    for context, name in ((nota, "nota-dinas.docx"), (dispo, "disposisi.docx")):
        for key, spec in TEMPLATE_VARIABLES[name].items():
            if isinstance(spec, frozenset):
                assert set(context[key]) == spec, key


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        ("Nomor {{ nomer }}", "nomer"),
        ("NIP. {{ ppid.nipp }}", "ppid.nipp"),
        ("{{ kantor.nama_kantor }}", "kantor.nama_kantor"),
    ],
)
def test_unknown_variable_stops_with_one_line(custom, text: str, variable: str) -> None:
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomor }}", text))
    with pytest.raises(TemplateError) as exc:
        check_templates(custom.templates_dir)
    allowed = ", ".join(sorted(TEMPLATE_VARIABLES["nota-dinas.docx"]))
    assert str(exc.value) == (
        f"Templat nota-dinas.docx memakai variabel '{variable}' yang tidak dikenal; "
        f"variabel yang tersedia: {allowed}."
    )


def test_unknown_attribute_of_a_loop_variable_is_caught(custom) -> None:
    template = _docx_with("{% for b in butir %}{{ b.ringkas }}{% endfor %}")
    (custom.templates_dir / "nota-dinas.docx").write_bytes(template)
    with pytest.raises(
        TemplateError, match=r"^Templat nota-dinas.docx memakai variabel 'b.ringkas'"
    ):
        check_templates(custom.templates_dir)


def test_not_a_docx_stops_with_one_line(custom) -> None:
    (custom.templates_dir / "disposisi.docx").write_text("bukan dokumen word", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        check_templates(custom.templates_dir)
    assert str(exc.value) == (
        "Templat disposisi.docx bukan berkas Word (.docx) yang sah; simpan ulang dari Word "
        "sebagai Dokumen Word (.docx)."
    )


def test_a_zip_that_is_not_a_word_document_is_refused(custom) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    (custom.templates_dir / "disposisi.docx").write_bytes(buf.getvalue())
    with pytest.raises(TemplateError, match=r"^Templat disposisi.docx bukan berkas Word"):
        check_templates(custom.templates_dir)


def test_broken_tag_stops_with_one_line(custom) -> None:
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomor "))
    with pytest.raises(TemplateError, match=r"^Templat nota-dinas.docx memuat tanda .* rusak"):
        check_templates(custom.templates_dir)


def test_office_folder_without_a_template_falls_back_to_the_bundled_one(custom) -> None:
    (custom.templates_dir / "disposisi.docx").unlink()
    loaded = check_templates(custom.templates_dir)
    assert loaded["disposisi.docx"].data == (DEFAULT_TEMPLATES / "disposisi.docx").read_bytes()


def test_missing_variable_at_render_time_is_a_template_error(config) -> None:
    template = load_template(config.templates_dir, "nota-dinas.docx")
    with pytest.raises(TemplateError, match=r"^Templat nota-dinas.docx gagal diisi: "):
        render_bytes(template, {"nomor": "1"}, when=WHEN, title="x")


def test_render_is_deterministic_and_properties_are_fixed(config) -> None:
    template = load_template(config.templates_dir, "nota-dinas.docx")
    items = tuple(fixture_register()[:3])
    context = nota_context(
        NotaDinas("1/HM.02-ND/1811/2025", TODAY, "Hukum", items), config.letter, config.nota_dinas
    )
    first = render_bytes(template, context, when=WHEN, title="Nota Dinas 1")
    second = render_bytes(template, dict(context), when=WHEN, title="Nota Dinas 1")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        infos = z.infolist()
        core = z.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-26T00:00:00Z' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-11-26T00:00:00Z' in core
    assert "<cp:lastModifiedBy>PPID</cp:lastModifiedBy>" in core
    assert "<cp:revision>1</cp:revision>" in core


def test_a_rendered_document_leaves_no_xml_tree_for_the_cyclic_collector(config) -> None:
    """python-docx's package and parts refer to each other: unless their trees are dropped,
    a national Keputusan (hundreds of MB) stays in memory until the cyclic GC runs."""
    import gc

    from docx.oxml.document import CT_Document

    template = load_template(config.templates_dir, "nota-dinas.docx")
    items = tuple(fixture_register()[:3])
    context = nota_context(
        NotaDinas("1/HM.02-ND/1811/2025", TODAY, "Hukum", items), config.letter, config.nota_dinas
    )
    gc.collect()
    gc.disable()
    try:
        data = render_bytes(template, context, when=WHEN, title="Nota Dinas 1")
        left = [o for o in gc.get_objects() if isinstance(o, CT_Document)]
    finally:
        gc.enable()
    assert "Hukum" in docx_text(data)
    assert left == []


def test_autoescape_keeps_markup_as_text(config) -> None:
    template = load_template(config.templates_dir, "nota-dinas.docx")
    items = tuple(fixture_register()[:1])
    context = nota_context(
        NotaDinas("1/X", TODAY, "Hukum", items), config.letter, config.nota_dinas
    )
    context["hal"] = 'A & B <w:p/> "c"'
    text = docx_text(render_bytes(template, context, when=WHEN, title="x"))
    assert '| Hal | : | A & B <w:p/> "c" |' in text


def test_each_tag_sits_in_one_run(config) -> None:
    """Word keeps a tag whole only when it is in one run; the builder guarantees that."""
    tag = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
    for name in TEMPLATE_VARIABLES:
        doc = Document(str(DEFAULT_TEMPLATES / name))
        found = 0
        for paragraph in _all_paragraphs(doc):
            for match in tag.findall(paragraph.text):
                found += 1
                assert any(match in run.text for run in paragraph.runs), (name, match)
        assert found > 20, name


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_template_bytes_are_read_once_for_many_documents(config, monkeypatch) -> None:
    calls = []
    real = docx_render.load_template
    monkeypatch.setattr(docx_render, "load_template", lambda c, n: calls.append(n) or real(c, n))
    docx_render._CACHE.clear()
    for _ in range(3):
        docx_render.cached_template(config.templates_dir, "nota-dinas.docx")
    assert calls == ["nota-dinas.docx"]


def test_page_template_with_an_unknown_variable_stops_the_run(custom) -> None:
    page = (DEFAULT_TEMPLATES / "daftar-informasi-publik.html.j2").read_text(encoding="utf-8")
    broken = page.replace("{{ tahun }}", "{{ tahunn }}", 1)
    (custom.templates_dir / "daftar-informasi-publik.html.j2").write_text(broken, encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        check_templates(custom.templates_dir)
    assert str(exc.value) == (
        "Templat daftar-informasi-publik.html.j2 memakai variabel 'tahunn' yang tidak dikenal; "
        "variabel yang tersedia: jumlah, kantor, kelompok, kolom, ppid, tahun, tanggal."
    )


def test_page_template_with_a_broken_tag_stops_the_run(custom) -> None:
    (custom.templates_dir / "daftar-informasi-publik.html.j2").write_text(
        "<p>{% for x in kelompok %}</p>", encoding="utf-8"
    )
    with pytest.raises(
        TemplateError, match=r"^Templat daftar-informasi-publik.html.j2 tidak dapat"
    ):
        check_templates(custom.templates_dir)


# Order of the property elements the templates use (ECMA-376): Word refuses to open a
# document with them out of order, while python-docx and LibreOffice do not mind.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pBdr",
    "shd",
    "tabs",
    "spacing",
    "ind",
    "jc",
    "rPr",
]
TBLPR_ORDER = ["tblStyle", "tblW", "jc", "tblInd", "tblBorders", "shd", "tblLayout", "tblLook"]


BUNDLED_DOCX = sorted(p.name for p in DEFAULT_TEMPLATES.glob("*.docx"))


@pytest.mark.parametrize("name", BUNDLED_DOCX)
def test_property_elements_are_in_schema_order(name: str) -> None:
    from lxml import etree

    with zipfile.ZipFile(DEFAULT_TEMPLATES / name) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    checked = 0
    for parent, order in (("pPr", PPR_ORDER), ("tblPr", TBLPR_ORDER)):
        for props in root.iter(w + parent):
            tags = [c.tag.removeprefix(w) for c in props if c.tag.removeprefix(w) in order]
            assert tags == sorted(tags, key=order.index), (parent, tags)
            checked += len(tags) > 1
    assert checked > 10


def test_bundled_templates_are_what_their_build_scripts_write(tmp_path: Path) -> None:
    """A template edited in the script but not rebuilt (or the reverse) ships stale to offices."""
    import importlib.util

    def load(script: str):
        spec = importlib.util.spec_from_file_location(script, DEFAULT_TEMPLATES / f"{script}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    docs = load("build_templates")
    laporan = load("build_laporan_template")
    built = {
        "nota-dinas.docx": docs.build_nota_dinas,
        "disposisi.docx": docs.build_disposisi,
        "keputusan.docx": docs.build_keputusan,
        "surat-usulan-dikecualikan.docx": docs.build_surat_pengecualian,
        laporan.NAME: laporan.build_laporan,
    }
    assert sorted(built) == BUNDLED_DOCX
    for name, build in built.items():
        docs._save(build(), tmp_path / name)
        assert (tmp_path / name).read_bytes() == (DEFAULT_TEMPLATES / name).read_bytes(), name


@pytest.mark.parametrize("name", BUNDLED_DOCX)
def test_item_rows_do_not_split_across_pages(name: str) -> None:
    """A row broken over two pages leaves half an item on each: every looped row is kept whole."""
    from lxml import etree

    with zipfile.ZipFile(DEFAULT_TEMPLATES / name) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    rows = list(root.iter(w + "tr"))
    looped = [
        row
        for before, row in zip(rows, rows[1:], strict=False)
        if "{%tr for" in "".join(t.text or "" for t in before.iter(w + "t"))
    ]
    assert looped
    for row in looped:
        assert row.find(f"{w}trPr/{w}cantSplit") is not None


# ---- the check runs once per template content (fingerprints in var/) ----


def test_templates_are_checked_once_per_content_and_a_changed_one_again(
    custom, tmp_path: Path, monkeypatch
) -> None:
    from ppid_batch.documents.docx import TEMPLATE_CHECK_FILE, check_templates_once

    var = tmp_path / "var"
    var.mkdir()
    parsed: list[str] = []
    real = docx_render.check_template
    monkeypatch.setattr(
        docx_render, "check_template", lambda name, *a: (parsed.append(name), real(name, *a))
    )
    # The bundled templates' bytes are known good: not parsed, and nothing to record.
    assert check_templates_once(custom.templates_dir, var) is False
    assert parsed == [] and not (var / TEMPLATE_CHECK_FILE).exists()
    # The office edits its Nota Dinas in Word, well: checked once, then not again.
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("Nota {{ nomor }}"))
    assert check_templates_once(custom.templates_dir, var) is True
    assert len(parsed) == len(TEMPLATE_VARIABLES)
    assert (
        check_templates_once(custom.templates_dir, var) is False
    )  # the same bytes: not parsed again
    assert len(parsed) == len(TEMPLATE_VARIABLES)
    # The office edits its Nota Dinas in Word and breaks a variable: caught that night...
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomer }}"))
    with pytest.raises(TemplateError, match="nota-dinas.docx memakai variabel 'nomer'"):
        check_templates_once(custom.templates_dir, var)
    # ...and every night after, until it is fixed (a failure is never recorded).
    with pytest.raises(TemplateError, match="'nomer'"):
        check_templates_once(custom.templates_dir, var)
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomor }}"))
    assert check_templates_once(custom.templates_dir, var) is True
    # A damaged record is only a missed shortcut.
    (var / TEMPLATE_CHECK_FILE).write_text("{rusak", encoding="utf-8")
    assert check_templates_once(custom.templates_dir, var) is True
    assert check_templates_once(custom.templates_dir, var) is False


def test_the_bundled_templates_pass_the_check_and_have_the_known_fingerprint(tmp_path) -> None:
    """check_templates_once trusts the bundled templates by their fingerprint; they must
    pass the check itself. When a bundled template, a variable table or the check changes,
    run check_templates on them and put the new fingerprint in SHIPPED_TEMPLATES_FINGERPRINT."""
    from ppid_batch.documents.docx import (
        SHIPPED_TEMPLATES_FINGERPRINT,
        check_templates,
        check_templates_once,
        templates_fingerprint,
    )

    check_templates(DEFAULT_TEMPLATES)
    assert templates_fingerprint(DEFAULT_TEMPLATES) == SHIPPED_TEMPLATES_FINGERPRINT
    # an office folder with no templates of its own falls back to the bundled ones
    assert templates_fingerprint(tmp_path) == SHIPPED_TEMPLATES_FINGERPRINT
    assert check_templates_once(tmp_path, tmp_path) is False


def test_an_office_template_broken_on_a_new_workspace_stops_the_first_night(custom, tmp_path):
    """The shortcut is for the bundled bytes only: one edited template is checked."""
    from ppid_batch.documents.docx import check_templates_once

    (custom.templates_dir / "disposisi.docx").write_bytes(_docx_with("{{ nama_lembaar }}"))
    with pytest.raises(TemplateError, match="disposisi.docx memakai variabel"):
        check_templates_once(custom.templates_dir, tmp_path)


def test_the_template_fingerprint_is_the_same_in_every_process(custom) -> None:
    """Each night is a new process: a fingerprint that followed the process's string hashing
    (a frozenset's order) made the check run every night instead of once per content."""
    import subprocess
    import sys

    probe = (
        "import sys; from pathlib import Path; "
        "from ppid_batch.documents.docx import templates_fingerprint; "
        "print(templates_fingerprint(Path(sys.argv[1])))"
    )
    prints = {
        subprocess.run(
            [sys.executable, "-c", probe, str(custom.templates_dir)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3", "random")
    }  # fmt: skip
    assert len(prints) == 1 and len(next(iter(prints))) == 64


def test_a_template_deleted_from_the_office_folder_is_checked_again(custom, tmp_path) -> None:
    """Falling back to the bundled template changes the bytes checked."""
    from ppid_batch.documents.docx import check_templates_once

    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomer }}"))
    with pytest.raises(TemplateError):
        check_templates_once(custom.templates_dir, tmp_path)
    (custom.templates_dir / "nota-dinas.docx").unlink()
    # Back to the bundled bytes throughout: known good, passed without parsing.
    assert check_templates_once(custom.templates_dir, tmp_path) is False
    (custom.templates_dir / "nota-dinas.docx").write_bytes(_docx_with("{{ nomer }}"))
    with pytest.raises(TemplateError):
        check_templates_once(custom.templates_dir, tmp_path)


def _rendered_both_ways(template, context, monkeypatch) -> tuple[bytes, bytes]:
    """The document as docxtpl itself puts the body back, and as render_bytes does
    both with the body's rows streamed and with the whole body parsed in place (the
    way taken for templates the streaming cannot write); the last two must agree."""
    from docxtpl import DocxTemplate

    cls = docx_render._template_class()
    with monkeypatch.context() as m:
        m.setattr(docx_render, "STREAM_ROWS", False)
        m.setattr(cls, "_spliced", lambda self, xml: None)  # docxtpl's own fallback
        m.setattr(cls, "resolve_listing", DocxTemplate.resolve_listing)
        theirs = render_bytes(template, context, when=WHEN, title="x")
    spliced = []
    with monkeypatch.context() as m:
        m.setattr(docx_render, "STREAM_ROWS", False)
        splice = cls._spliced
        m.setattr(
            cls, "_spliced", lambda self, xml: spliced.append(splice(self, xml)) or spliced[-1]
        )
        in_place = render_bytes(template, context, when=WHEN, title="x")
    assert spliced and spliced[0] is not None, "docxtpl's way taken, not the splice"
    streamed = []
    with monkeypatch.context() as m:
        stream = cls.render_streaming
        m.setattr(
            cls,
            "render_streaming",
            lambda self, *a: streamed.append(stream(self, *a)) or streamed[-1],
        )
        ours = render_bytes(template, context, when=WHEN, title="x")
    assert streamed and streamed[0] is not None, "the rows were not streamed"
    assert ours == in_place, template.name
    return theirs, ours


def test_the_body_spliced_in_is_docxtpls_document_byte_for_byte(config, monkeypatch) -> None:
    """render_bytes parses the rendered body inside the document and resolves tabs and
    line breaks only in the paragraphs holding them: the same bytes as docxtpl's way."""
    items = [
        dataclasses.replace(it, arahan=f"Baris satu\nbaris dua\tdengan tab {n}")
        for n, it in enumerate(fixture_register())
    ]
    refused = tuple(items[5:])
    record = {"number": "1/PPID/1811/2025", "date": TODAY, "year": 2025, "urut": 1}
    entries = [{"item_id": i.id, "change": "tambah", "item_values": None} for i in items]
    standing = {i.id: {k: getattr(i, k) for k in PUBLISHED_KEYS} for i in items}
    contexts = {
        "nota-dinas.docx": nota_context(
            NotaDinas("1/X", TODAY, "Hukum", tuple(items)), config.letter, config.nota_dinas
        ),
        "disposisi.docx": disposisi_context(
            Disposisi("a.xlsx", "0" * 64, "X", TODAY, tuple(items[:5]), refused), config.letter
        ),
        "keputusan.docx": keputusan_context(
            record, entries, standing, {}, None, config.letter, config.keputusan
        ),
        "surat-usulan-dikecualikan.docx": letter_context(
            items, config.letter, config.pengecualian, year=2025, today=TODAY
        ),
    }
    assert sorted(contexts) == sorted(TEMPLATE_VARIABLES)
    for name, context in contexts.items():
        theirs, ours = _rendered_both_ways(
            load_template(config.templates_dir, name), context, monkeypatch
        )
        assert ours == theirs, name
    nota = docx_text(_rendered_both_ways(load_template(config.templates_dir, "nota-dinas.docx"),
                                         contexts["nota-dinas.docx"], monkeypatch)[1])  # fmt: skip
    assert "Baris satu" in nota and "baris dua" in nota


def test_a_tables_grid_is_fixed_as_docxtpl_fixes_it(config, monkeypatch) -> None:
    """A `{%tc %}` loop leaving fewer cells than grid columns narrows the grid; more
    cells than columns widen it (the bundled Nota Dinas' layout table is narrowed too)."""
    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "{%tc for c in kolom %}"
    table.cell(0, 1).text = "{{ c }}"
    table.cell(0, 2).text = "{%tc endfor %}"
    buf = io.BytesIO()
    doc.save(buf)
    template = docx_render.LoadedTemplate("kolom.docx", buf.getvalue())
    for kolom, grid in ((["a"], 1), (list("abcde"), 5)):
        theirs, ours = _rendered_both_ways(template, {"kolom": kolom}, monkeypatch)
        assert ours == theirs
        with zipfile.ZipFile(io.BytesIO(ours)) as z:
            assert z.read("word/document.xml").count(b"<w:gridCol ") == grid


def _keputusan_of(config, items):
    record = {"number": "1/PPID/1811/2025", "date": TODAY, "year": 2025, "urut": 1}
    entries = [{"item_id": i.id, "change": "tambah", "item_values": None} for i in items]
    standing = {i.id: {k: getattr(i, k) for k in PUBLISHED_KEYS} for i in items}
    return keputusan_context(record, entries, standing, {}, None, config.letter, config.keputusan)


def test_rows_streamed_in_many_pieces_are_docxtpls_document_byte_for_byte(
    config, monkeypatch
) -> None:
    """The rendered body cut into pieces after rows (here ~2 KB, in a night 1 MB): the
    same bytes as docxtpl's, markup characters and line breaks in ringkasan included."""
    base = fixture_register()
    items = [
        dataclasses.replace(
            base[n % len(base)],
            id=f"DIP-2025-{n:06d}",
            ringkasan=f"Laporan & \"rekap\" <{n}> 'satu'\nbaris dua\tdengan tab {n}",
        )
        for n in range(1, 120)
    ]
    monkeypatch.setattr(docx_render, "_FEED_CHARS", 2048)
    template = load_template(config.templates_dir, "keputusan.docx")
    theirs, ours = _rendered_both_ways(template, _keputusan_of(config, items), monkeypatch)
    assert ours == theirs
    text = docx_text(ours)
    assert 'Laporan & "rekap" <7>' in text and "baris dua" in text
    dispo = disposisi_context(
        Disposisi("a.xlsx", "0" * 64, "X", TODAY, tuple(items[:60]), tuple(items[60:])),
        config.letter,
    )
    template = load_template(config.templates_dir, "disposisi.docx")
    theirs, ours = _rendered_both_ways(template, dispo, monkeypatch)
    assert ours == theirs


_TEXT_BOX = (
    "<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Kotak teks</w:t>"
    "</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
)


def _with_text_box(data: bytes) -> bytes:
    """The template with a text box before its first table, as staff may draw in Word."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    xml = members["word/document.xml"].decode()
    members["word/document.xml"] = xml.replace("<w:tbl>", _TEXT_BOX + "<w:tbl>", 1).encode()
    return docx_render._zip(members)


def test_a_template_the_streaming_cannot_write_is_rendered_the_whole_way(
    config, monkeypatch
) -> None:
    """A text box (its paragraphs may hold tables, so a piece cut after a row could split
    a paragraph): not streamed, rendered the whole way, the same document as docxtpl's."""
    from docxtpl import DocxTemplate

    template = load_template(config.templates_dir, "keputusan.docx")
    template = docx_render.LoadedTemplate("keputusan.docx", _with_text_box(template.data))
    context = _keputusan_of(config, fixture_register())
    cls = docx_render._template_class()
    streamed = []
    with monkeypatch.context() as m:
        stream = cls.render_streaming
        m.setattr(
            cls, "render_streaming", lambda self, *a: streamed.append(stream(self, *a)) or None
        )
        ours = render_bytes(template, context, when=WHEN, title="x")
    assert streamed == [None]
    with monkeypatch.context() as m:
        m.setattr(docx_render, "STREAM_ROWS", False)
        m.setattr(cls, "_spliced", lambda self, xml: None)
        m.setattr(cls, "resolve_listing", DocxTemplate.resolve_listing)
        theirs = render_bytes(template, context, when=WHEN, title="x")
    assert ours == theirs
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert b"Kotak teks" in z.read("word/document.xml")


def test_a_shape_found_only_while_rendering_falls_back_to_the_whole_way(
    config, monkeypatch
) -> None:
    """A row mark the streaming did not leave (here: one more `<w:tr/>` in the tree) is
    found before anything is written; the document is then rendered the whole way."""
    template = load_template(config.templates_dir, "nota-dinas.docx")
    context = nota_context(
        NotaDinas("1/X", TODAY, "Hukum", tuple(fixture_register())),
        config.letter,
        config.nota_dinas,
    )
    expected = render_bytes(template, context, when=WHEN, title="x")
    rows_cls = docx_render._Rows
    writer = rows_cls.document_writer
    monkeypatch.setattr(
        rows_cls, "document_writer", lambda self, skeleton: writer(self, skeleton + b"<w:tr/>")
    )
    assert render_bytes(template, context, when=WHEN, title="x") == expected


def _png(path: Path) -> Path:
    """A small red square."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * 8 for _ in range(8))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def test_pictures_in_streamed_rows_are_numbered_as_docxtpl_numbers_them(
    monkeypatch, tmp_path: Path
) -> None:
    """docPr ids run in document order through the rows streamed out and the rest, as
    the whole-body path numbers them. (Both differ from docxtpl's own document in one
    thing only: a picture's inline element repeats the declarations of the wp and r
    namespaces the root makes, which docxtpl's move of the body under the root drops.)"""
    doc = Document()
    doc.add_paragraph("{{ logo }}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for r in rows %}"
    table.cell(1, 0).text = "{{ r }}"
    table.cell(1, 1).text = "{{ logo }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{{ logo }} akhir")
    buf = io.BytesIO()
    doc.save(buf)
    template = docx_render.LoadedTemplate("gambar.docx", buf.getvalue())
    images = {"logo": (_png(tmp_path / "logo.png"), 10.0)}
    context = {"rows": [f"baris {n}" for n in range(30)]}
    monkeypatch.setattr(docx_render, "_FEED_CHARS", 1024)
    with monkeypatch.context() as m:
        m.setattr(docx_render, "STREAM_ROWS", False)
        theirs = render_bytes(template, context, when=WHEN, title="x", images=images)
    ours = render_bytes(template, context, when=WHEN, title="x", images=images)
    assert ours == theirs
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        ids = re.findall(rb'<wp:docPr id="(\d+)"', z.read("word/document.xml"))
    assert [int(i) for i in ids] == list(range(1001, 1033))


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zipped(members, *, deflate_once: bool, monkeypatch) -> bytes:
    with monkeypatch.context() as m:
        if not deflate_once:
            m.setattr(docx_render, "_write_deflated", lambda *args: False)
        out = io.BytesIO()
        docx_render._zip_into(out, members)
        return out.getvalue()


@pytest.mark.parametrize("name", sorted(TEMPLATE_VARIABLES))
def test_large_members_deflated_once_give_zipfiles_own_bytes(name: str, monkeypatch) -> None:
    """A large member's deflate is kept for the next document with the same bytes: the
    zip is writestr's, byte for byte, the first time and when the deflate is reused."""
    members = _members((DEFAULT_TEMPLATES / name).read_bytes())
    assert max(map(len, members.values())) >= docx_render._DEFLATE_ONCE_BYTES
    docx_render._DEFLATED.clear()
    plain = _zipped(members, deflate_once=False, monkeypatch=monkeypatch)
    first = _zipped(members, deflate_once=True, monkeypatch=monkeypatch)
    assert docx_render._DEFLATED  # kept
    again = _zipped(members, deflate_once=True, monkeypatch=monkeypatch)
    assert first == plain and again == plain
    with zipfile.ZipFile(io.BytesIO(again)) as z:
        assert z.testzip() is None


def test_a_member_with_other_bytes_under_the_same_name_is_deflated_anew(monkeypatch) -> None:
    """The kept deflate is keyed by the bytes, not only the name: an office template with
    its own styles gets its own styles, after a document of the bundled one."""
    members = _members((DEFAULT_TEMPLATES / "nota-dinas.docx").read_bytes())
    _zipped(members, deflate_once=True, monkeypatch=monkeypatch)
    styles = members["word/styles.xml"]
    other = {
        **members,
        "word/styles.xml": styles.replace(b"</w:styles>", b"<!-- kantor --></w:styles>"),
    }
    assert other["word/styles.xml"] != styles and len(styles) >= 16 * 1024
    data = _zipped(other, deflate_once=True, monkeypatch=monkeypatch)
    assert _members(data)["word/styles.xml"] == other["word/styles.xml"]
    assert data == _zipped(other, deflate_once=False, monkeypatch=monkeypatch)


def test_a_file_that_cannot_seek_gets_zipfiles_own_way(monkeypatch) -> None:
    members = _members((DEFAULT_TEMPLATES / "disposisi.docx").read_bytes())

    class Stream(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def write(self, b) -> int:  # type: ignore[no-untyped-def]
            self.data += b
            return len(b)

    out = Stream()
    docx_render._zip_into(out, members)
    assert _members(bytes(out.data)) == members


def test_a_rendered_documents_styles_are_the_templates_own_bytes(config, tmp_path) -> None:
    """styles.xml is not parsed and written back for each document (_lazy_styles_part):
    the template's bytes go out as they are, and python-docx still reads the styles."""
    items = tuple(fixture_register())
    nota = NotaDinas("1/HM.02-ND/1811/2025", TODAY, "Hukum", items)
    template = load_template(config.templates_dir, "nota-dinas.docx")
    data = render_bytes(
        template, nota_context(nota, config.letter, config.nota_dinas), when=WHEN, title="ND"
    )
    assert _members(data)["word/styles.xml"] == _members(template.data)["word/styles.xml"]
    document = Document(io.BytesIO(data))
    assert "Normal" in [style.name for style in document.styles]
    assert "Hukum" in docx_text(data)


def test_styles_changed_through_python_docx_are_the_ones_written(tmp_path) -> None:
    """Code that reads or changes the styles gets python-docx's tree, and its change is
    what is saved (the lazy part is python-docx's own once read)."""
    docx_render._lazy_styles_part()
    document = Document(str(DEFAULT_TEMPLATES / "nota-dinas.docx"))
    document.styles["Normal"].font.name = "Cambria"
    path = tmp_path / "ubah.docx"
    document.save(str(path))
    assert Document(str(path)).styles["Normal"].font.name == "Cambria"


def test_a_member_past_the_size_kept_is_not_kept_and_zips_the_same(monkeypatch) -> None:
    """A document's own body (hundreds of MB when it is not streamed) is never the same
    twice: past _DEFLATE_ONCE_MAX_BYTES it goes through writestr and is not held."""
    members = _members((DEFAULT_TEMPLATES / "nota-dinas.docx").read_bytes())
    plain = _zipped(members, deflate_once=False, monkeypatch=monkeypatch)
    docx_render._DEFLATED.clear()
    monkeypatch.setattr(docx_render, "_DEFLATE_ONCE_MAX_BYTES", 400 * 1024)
    assert _zipped(members, deflate_once=True, monkeypatch=monkeypatch) == plain
    kept = set(docx_render._DEFLATED)
    assert "word/styles.xml" in kept  # 350 KB: under the size kept
    assert "word/stylesWithEffects.xml" not in kept  # 440 KB: past it
