"""ppid_batch/schemas/*.yaml against the contract FORM.md: the two cannot drift apart."""

from __future__ import annotations

import re

import pytest
from paths import ROOT, SHARED

from ppid_batch.forms.schema import (
    Field,
    SheetSchema,
    approval_schema,
    for_office,
    form_schema,
    label_key,
)
from ppid_batch.vocabulary import BENTUK_PRESETS, DEFAULT_BENTUK, Vocabulary


def schema_of(field: Field) -> SheetSchema:
    """The form schema the field belongs to (for_office adapts a whole schema)."""
    schema = form_schema()
    assert schema.field(field.key) == field
    return schema


SHARED_FORM_MD = SHARED / "FORM.md"
VENDORED_FORM_MD = ROOT / "docs" / "FORM.md"


def form_md_text() -> str:
    path = SHARED_FORM_MD if SHARED_FORM_MD.is_file() else VENDORED_FORM_MD
    return path.read_text(encoding="utf-8")


def section(text: str, number: int) -> str:
    m = re.search(rf"^## {number}\. .*?(?=^## |\Z)", text, re.M | re.S)
    assert m, f"FORM.md has no section {number}"
    return m.group(0)


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every markdown table in `text` as a list of {header: cell} rows."""
    found: list[list[dict[str, str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and set(lines[i + 1]) <= set("|-: "):
            head = [c.strip() for c in lines[i].strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip("|").split("|")]
                rows.append(dict(zip(head, cells, strict=True)))
                i += 1
            found.append(rows)
        else:
            i += 1
    return found


def labels_of(cell: str) -> list[str]:
    """`Unit Kerja / Subbagian; Unit Kerja; Subbagian` → canonical label first, then variants."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def bold(rule: str) -> list[str]:
    return re.findall(r"\*\*(.+?)\*\*", rule)


def variant_groups(rule: str) -> list[tuple[list[str], str | None]]:
    """`(variants: a, b; c, d → X)` → [([a, b], None), ([c, d], 'X')]."""
    m = re.search(r"\(variants: (.*)\)", rule)
    if not m:
        return []
    groups = []
    for group in m.group(1).split(";"):
        target = None
        if "→" in group:
            group, target = (s.strip() for s in group.split("→"))
        names = [a or b.strip() for a, b in re.findall(r"`([^`]+)`|([^,`]+)", group)]
        names = [n for n in names if n and n != "…"]
        groups.append((names, target))
    return groups


def compact(text: str) -> str:
    return label_key(text).replace(" ", "")


def expected_value(variant: str, field: Field, target: str | None) -> str:
    """The canonical value FORM.md means for a variant (explicit target or by its words)."""
    values = field.choice_values
    if target == "both":
        return next(v for v in values if all(compact(o) in compact(v) for o in values if o != v))
    if target is not None:
        return target
    inside = [v for v in values if compact(v) in compact(variant)]
    if len(inside) == 1:
        return inside[0]
    return next(v for v in values if all(compact(o) in compact(v) for o in inside))


def check_labels(schema: SheetSchema, key: str, cell: str) -> None:
    field = schema.field(key)
    canonical, *variants = labels_of(cell)
    assert field.label == canonical, key
    missing = set(variants) - set(field.variants)
    assert not missing, f"{key}: YAML lacks label variants {missing}"


def check_required(field: Field, rule: str) -> None:
    conditional = ("required when", "required with")
    required = rule.startswith("required") and not rule.startswith(conditional)
    assert field.required is required, f"{field.key}: required-ness differs from '{rule}'"
    with_jenis = re.match(r"required with (\w+)", rule)
    if with_jenis:
        assert field.required_when == (("jenis", with_jenis.group(1)),), field.key


def configured_sets(rule: str) -> tuple[list[str], list[str]] | None:
    """`the office's configured set — by default one of **A**, **B**, or the Perki's **C / D**`
    → (the default values, the other set's words); None for a fixed list of choices."""
    m = re.search(r"configured set — by default one of (.*?), or the Perki's \*\*(.+?)\*\*", rule)
    if not m:
        return None
    return bold(m.group(1)), [w.strip() for w in m.group(2).split("/")]


def check_configured_set(field: Field, other: list[str]) -> None:
    """An office that names the other set gets its words as choices, and the variants FORM.md
    lists for the default set read into that office's words."""
    preset = next(v for v in BENTUK_PRESETS.values() if v[: len(other)] == tuple(other))
    office = for_office(schema_of(field), "Kota", Vocabulary(bentuk=preset)).field(field.key)
    assert office.choice_values == preset, field.key
    lookup = office.choice_lookup()
    assert lookup.get(label_key("softcopy")) == "Online", field.key
    assert lookup.get(label_key("hardcopy")) == "Cetak", field.key


def check_choices(field: Field, rule: str) -> None:
    sets = configured_sets(rule)
    if sets is not None:
        default, other = sets
        assert list(field.choice_values) == default == list(DEFAULT_BENTUK), field.key
        check_configured_set(field, other)
    else:
        assert list(field.choice_values) == bold(rule), field.key
    lookup = field.choice_lookup()
    groups = variant_groups(rule)
    # `(variants a; b, c; d)` with one group per value and no arrows: the groups in order
    positional = len(groups) == len(field.choices) and all(t is None for _, t in groups)
    for n, (names, target) in enumerate(groups):
        if positional:
            target = field.choice_values[n]
        for name in names:
            want = expected_value(name, field, target)
            assert lookup.get(label_key(name)) == want, f"{field.key}: '{name}' should be {want}"


# ---------------------------------------------------------------- the vendored copy


# docs/FORM.md = the shared contract verbatim, then this marker and the limits ppid-batch
# enforces on top of it (the shared file is never edited from here).
LIMITS_MARKER = "<!-- ppid-batch: everything above this line is ../shared/FORM.md verbatim"


def vendored_parts() -> tuple[str, str]:
    text = VENDORED_FORM_MD.read_text(encoding="utf-8")
    shared, marker, own = text.partition(LIMITS_MARKER)
    assert marker, "docs/FORM.md lost its limits section"
    return shared, own


def test_vendored_form_md_is_the_shared_one() -> None:
    assert VENDORED_FORM_MD.is_file()
    shared, _ = vendored_parts()
    if SHARED_FORM_MD.is_file():
        # one blank line separates the shared text from the marker
        assert shared == SHARED_FORM_MD.read_text(encoding="utf-8") + "\n", (
            "docs/FORM.md is stale: copy ../shared/FORM.md over the part above the marker"
        )


def test_every_enforced_limit_is_stated_in_docs_form_md() -> None:
    from ppid_batch.forms.validate import EARLIEST_DATE, FUTURE_MARGIN

    _, own = vendored_parts()
    (stated,) = tables(own)
    rows = {(r["sheet"], r["key"].strip("`")): r for r in stated}
    enforced = {
        (schema.kind, f.key): f
        for schema in (form_schema(), approval_schema())
        for f in (*schema.metadata, *schema.fields)
        if f.max_length is not None
    }
    assert set(rows) == set(enforced)
    for where, f in enforced.items():
        row = rows[where]
        assert row["label"] == f.label
        expected = str(f.max_length)
        if f.min_length:
            expected += f" (at least {f.min_length})"
        assert row["at most (characters)"] == expected, where
    assert f"before\n{EARLIEST_DATE.isoformat()}" in own
    assert f"more than {FUTURE_MARGIN.days} days after" in own


# ---------------------------------------------------------------- §1 Form Daftar Informasi Publik


def form_tables() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    meta, table = tables(section(form_md_text(), 1))
    return meta, table


def test_form_md_tables_are_what_this_test_parses() -> None:
    meta, table = form_tables()
    assert [r["key"] for r in meta] == ["unit", "petugas", "nip", "tanggal_pengisian"]
    assert len(table) == 18  # 17 fields and the combined waktu + tempat column


@pytest.mark.parametrize("row", form_tables()[0], ids=lambda r: r["key"])
def test_metadata_matches_form_md(row: dict[str, str]) -> None:
    schema = form_schema()
    assert row["key"] in [m.key for m in schema.metadata]
    check_labels(schema, row["key"], row["label (accepted variants)"])
    field = schema.field(row["key"])
    check_required(field, row["rule"])
    if "NIP" in row["rule"]:
        assert field.type == "nip"
    if "a date" in row["rule"]:
        assert field.type == "date"


def field_rows() -> list[dict[str, str]]:
    return [r for r in form_tables()[1] if not r["key"].startswith("(")]


# Contract rows the shared FORM.md gained before the code caught up: each is a strict xfail
# naming the open work, so the day the schema meets the contract the marker must go.
NOT_YET_BUILT: dict[str, str] = {}


def contract_rows() -> list[object]:
    return [
        pytest.param(
            row,
            id=row["key"],
            marks=(
                [pytest.mark.xfail(strict=True, reason=NOT_YET_BUILT[row["key"]])]
                if row["key"] in NOT_YET_BUILT
                else []
            ),
        )
        for row in field_rows()
    ]


@pytest.mark.parametrize("row", contract_rows())
def test_field_matches_form_md(row: dict[str, str]) -> None:
    schema = form_schema()
    key, rule = row["key"], row["rule"]
    check_labels(schema, key, row["label (accepted variants)"])
    field = schema.field(key)
    check_required(field, rule)
    assert field.in_blank_form, f"{key} belongs on the blank form"
    if field.type == "choice":
        check_choices(field, rule)
    for value in bold(rule) if field.type != "choice" else ():
        assert value in field.help, f"{key}: the guide text should mention {value}"
    lengths = re.search(r"(\d+)–(\d+) characters", rule)
    if lengths:
        assert (field.min_length, field.max_length) == tuple(map(int, lengths.groups()))
    year = re.search(r"year ≥ (\d{4})", rule)
    if year:
        assert field.min_year == int(year.group(1))
    if "a date, a month and year, or a year" in rule:
        assert field.type == "partial_date"
    when = re.search(r"required when (\w+) is (\w+)", rule)
    if when:
        assert field.required_when == (when.groups(),)
    if "otherwise empty" in rule or "only with" in rule:
        assert field.only_when == (("jenis", "Dikecualikan"),)
    if "Pasal 17 huruf a–j (dropdown)" in rule:
        assert [s.split(" UU ")[0][-1] for s in field.suggestions] == list("abcdefghij")
    if "URL" in rule:
        assert field.type == "link"
    if key == "retensi":
        assert field.type == "retensi"


def test_every_schema_column_is_in_form_md() -> None:
    documented = {r["key"] for r in field_rows()}
    in_prose = set(re.findall(r"`([^`]+)` column|column\s+`([^`]+)`", section(form_md_text(), 1)))
    prose_labels = {a or b for a, b in in_prose}
    schema = form_schema()
    for field in schema.fields:
        assert field.key in documented or field.label in prose_labels, field.key
    assert "Persetujuan Atasan PPID" in prose_labels
    assert not schema.field("persetujuan").in_blank_form


def test_combined_column_matches_form_md() -> None:
    row = next(r for r in form_tables()[1] if r["key"] == "(waktu + tempat)")
    (combined,) = form_schema().combined
    assert combined.label == labels_of(row["label (accepted variants)"])[0]
    assert set(combined.splits_into) == {"tempat_pembuatan", "waktu_pembuatan"}


# ---------------------------------------------------------------- §2 Lembar Persetujuan


def approval_rows() -> list[dict[str, str]]:
    (rows,) = tables(section(form_md_text(), 2))
    return rows


def test_approval_columns_match_form_md() -> None:
    schema = approval_schema()
    rows = {r["key"]: r for r in approval_rows()}
    assert set(rows) == {"id", "(context columns)", "persetujuan", "arahan"}

    check_labels(schema, "id", rows["id"]["label"])
    assert schema.field("id").required and schema.field("id").type == "item_id"

    context = [c.strip() for c in rows["(context columns)"]["label"].split(",")]
    context_labels = {f.label for f in schema.fields if f.context}
    assert {c for c in context if c != "…"} <= context_labels

    decision = schema.field("persetujuan")
    check_labels(schema, "persetujuan", rows["persetujuan"]["label"])
    assert not decision.required  # empty means still pending
    spelled = re.search(r"variants (\S+), (\S+)$", rows["persetujuan"]["rule"])
    assert spelled
    assert decision.choice_values == ("YA", "TIDAK")
    for value, names in zip(decision.choice_values, spelled.groups(), strict=True):
        for name in names.split("/"):
            assert decision.choice_lookup()[label_key(name)] == value, name

    arahan = schema.field("arahan")
    check_labels(schema, "arahan", rows["arahan"]["label"])
    assert not arahan.required
    assert arahan.required_when == (("persetujuan", "TIDAK"),)


def test_approval_metadata_matches_form_md() -> None:
    prose = section(form_md_text(), 2)
    m = re.search(r"`(Nama Atasan PPID)` \(required when any row is decided\)", prose)
    n = re.search(r"`(Tanggal Persetujuan)` \(a date; required likewise\)", prose)
    assert m and n
    schema = approval_schema()
    by_label = {f.label: f for f in schema.metadata}
    for label in (m.group(1), n.group(1)):
        assert by_label[label].required_when_decided
        assert not by_label[label].required
    assert by_label[n.group(1)].type == "date"


# ---------------------------------------------------------------- the loader itself


def test_labels_are_unique_after_folding() -> None:
    for schema in (form_schema(), approval_schema()):
        folded = [k for f in schema.fields for k in {label_key(lab) for lab in f.labels}]
        assert len(folded) == len(set(folded)), schema.kind


def test_label_key_ignores_case_spacing_breaks_and_punctuation() -> None:
    assert label_key("Pejabat/Unit/Satuan Kerja\nyang  Menguasai Informasi") == label_key(
        "pejabat unit satuan kerja yang menguasai informasi."
    )


def test_version_is_set() -> None:
    assert re.fullmatch(r"\d{4}\.\d+", form_schema().version)


@pytest.mark.parametrize("kind", ["form_dip", "persetujuan"])
def test_schema_files_load_as_yaml_safe_load_reads_them(kind: str) -> None:
    # load_schema uses libyaml's safe loader when there is one: the same schema either way
    import yaml

    from ppid_batch.forms.schema import SCHEMA_DIR, load_schema, parse_schema

    path = SCHEMA_DIR / f"{kind}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_schema(kind) == parse_schema(raw, where=path.name)


@pytest.mark.parametrize("schema", [form_schema(), approval_schema()], ids=["form", "sheet"])
def test_field_finds_each_key_and_refuses_an_unknown_one(schema: SheetSchema) -> None:
    everything = (*schema.metadata, *schema.fields)
    for f in everything:
        assert schema.field(f.key) == next(g for g in everything if g.key == f.key)
    with pytest.raises(KeyError):
        schema.field("tidak_ada")
    # an office's copy of the schema answers with its own fields
    office = for_office(schema, "", Vocabulary(bentuk=("Cetak", "Video")))
    for f in (*office.metadata, *office.fields):
        assert office.field(f.key) is f
