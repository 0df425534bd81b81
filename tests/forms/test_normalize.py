"""Normalisation: property tests for dates and categories, examples for the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ppid_batch.dates import MONTH_NAMES, MONTHS
from ppid_batch.forms import normalize as nz
from ppid_batch.forms.schema import approval_schema, form_schema

DAYS = st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2100, 12, 31))
SPACE = st.sampled_from(["", " ", "  ", "\u00a0", " \u00a0 ", "\t"])
ABBREVIATIONS = {m: [w for w, n in MONTHS.items() if n == m] for m in range(1, 13)}


def recase(text: str, data: st.DataObject) -> str:
    mode = data.draw(st.sampled_from(["lower", "upper", "title", "same"]))
    return {"lower": text.lower(), "upper": text.upper(), "title": text.title()}.get(mode, text)


@given(
    DAYS,
    SPACE,
    SPACE,
    st.sampled_from(["{d}/{m}/{y}", "{d:02d}-{m:02d}-{y}", "{y}-{m:02d}-{d:02d}"]),
)
def test_numeric_dates_keep_the_day(day: dt.date, left: str, right: str, shape: str) -> None:
    text = left + shape.format(d=day.day, m=day.month, y=day.year) + right
    assert nz.partial_date(text) == day.isoformat()


@given(DAYS, st.data())
def test_indonesian_words_with_day(day: dt.date, data: st.DataObject) -> None:
    word = data.draw(st.sampled_from([MONTH_NAMES[day.month - 1], *ABBREVIATIONS[day.month]]))
    text = f"{day.day} {recase(word, data)} {day.year}"
    assert nz.partial_date(text) == day.isoformat()


@given(DAYS, st.data())
def test_month_and_year_never_invent_a_day(day: dt.date, data: st.DataObject) -> None:
    word = data.draw(st.sampled_from([MONTH_NAMES[day.month - 1], *ABBREVIATIONS[day.month]]))
    assert nz.partial_date(f"{recase(word, data)} {day.year}") == f"{day.year}-{day.month:02d}"
    assert nz.partial_date(f"{day.month:02d}/{day.year}") == f"{day.year}-{day.month:02d}"
    assert nz.partial_date(str(day.year)) == str(day.year)
    assert nz.partial_date(float(day.year)) == str(day.year)


@given(DAYS)
def test_real_excel_dates(day: dt.date) -> None:
    assert nz.partial_date(day) == day.isoformat()
    assert nz.partial_date(dt.datetime(day.year, day.month, day.day)) == day.isoformat()
    assert nz.full_date(dt.datetime(day.year, day.month, day.day)) == day


@given(st.text(max_size=30))
@example("31/02/2024")
@example("kemarin")
@example("13/13/2024")
@pytest.mark.slow
def test_anything_else_is_kept_as_text_not_iso(text: str) -> None:
    out = nz.partial_date(text)
    if out is not None and nz.ISO_PARTIAL.match(out):
        # whatever was accepted must round-trip to the same date
        assert nz.partial(out) is not None
    else:
        assert out == nz.to_text(text)


CHOICE_FIELDS = [
    f for s in (form_schema(), approval_schema()) for f in s.fields if f.type == "choice"
]


@pytest.mark.parametrize("f", CHOICE_FIELDS, ids=lambda f: f.key)
@given(data=st.data())
def test_every_variant_maps_to_its_canonical_value(f, data: st.DataObject) -> None:
    choice = data.draw(st.sampled_from(f.choices))
    spelling = data.draw(st.sampled_from([choice.value, *choice.variants]))
    noisy = (
        data.draw(SPACE) + recase(spelling, data) + data.draw(st.sampled_from(["", ".", " ", "\n"]))
    )
    assert nz.choice(noisy, f.choice_lookup()) == choice.value


@pytest.mark.parametrize("f", CHOICE_FIELDS, ids=lambda f: f.key)
@given(text=st.text(min_size=1, max_size=20))
def test_unknown_spellings_are_kept_for_the_error_message(f, text: str) -> None:
    out = nz.choice(text, f.choice_lookup())
    if out in f.choice_values:
        assert nz.label_key(text) in f.choice_lookup()
    else:
        assert out == nz.to_text(text)


@given(
    st.integers(1, 100),
    st.sampled_from(["{n}", "{n} Tahun", "{n} tahun", "{n} thn", "{n} th", "{n}  TAHUN"]),
)
def test_retensi_years(n: int, shape: str) -> None:
    assert nz.retensi(shape.format(n=n)) == f"{n} Tahun"


@given(st.integers(1, 100), st.integers(1, 100))
def test_retensi_active_inactive(a: int, b: int) -> None:
    expected = f"{a} Tahun Aktif, {b} Tahun Inaktif"
    assert nz.retensi(f"{a} tahun aktif, {b} tahun inaktif") == expected
    assert nz.retensi(f"{a} Thn Aktif {b} Thn Inaktif") == expected
    assert nz.RETENSI_CANONICAL.match(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("permanen", "Permanen"),
        (" SELAMA  BERLAKU ", "Selama Berlaku"),
        (5.0, "5 Tahun"),
        ("0 tahun", "0 tahun"),
        ("seumur hidup", "seumur hidup"),
        ("", None),
    ],
)
def test_retensi_examples(raw, expected) -> None:
    assert nz.retensi(raw) == expected


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://jdih.kpu.go.id/lampung/mesuji", True),
        ("http://kpu.go.id", True),
        ("Lemari Arsip Subbag Hukum, Rak 2", True),
        ("Rak: 2", True),
        ("javascript:alert(1)", False),
        ("JavaScript :alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html;base64,AAAA", False),
        ("file:///C:/rahasia.xlsx", False),
        ("ftp://arsip", False),
        ("smb://server/share", False),
        ("gopher://x", False),
        ("https://", False),
        ("https:// spasi.com", False),
    ],
)
def test_link_schemes(text: str, ok: bool) -> None:
    assert nz.link_ok(text) is ok


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mesuji, 2025", ("Mesuji", "2025")),
        ("Maret 2025, Mesuji", ("Mesuji", "2025-03")),
        (
            "Kantor KPU Kabupaten Mesuji, 2 Januari 2025",
            ("Kantor KPU Kabupaten Mesuji", "2025-01-02"),
        ),
        ("Mesuji 12/03/2025", ("Mesuji", "2025-03-12")),
        ("Mesuji", ("Mesuji", None)),
        (dt.date(2025, 3, 1), (None, "2025-03-01")),
        ("", (None, None)),
    ],
)
def test_split_combined(raw, expected) -> None:
    assert nz.split_combined(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u00a0 Subbagian  Hukum \u00a0", "Subbagian Hukum"),
        ("baris satu \n  baris dua ", "baris satu\nbaris dua"),
        (2025.0, "2025"),
        (1.5, "1.5"),
        ("\u200b", None),
        (None, None),
    ],
)
def test_to_text(raw, expected) -> None:
    assert nz.to_text(raw) == expected


def test_nip_as_number_is_refused_and_text_is_kept() -> None:
    assert nz.nip(198609262015051001.0) is None
    assert nz.nip("19860926 201505 1 001") == "198609262015051001"
