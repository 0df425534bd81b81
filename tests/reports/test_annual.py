"""One year's facts for the SOP records: counts, outcomes at year end, durations, themes."""

from __future__ import annotations

import datetime as dt

import pytest
from reports_util import HUKUM, KEUANGAN, TEKNIS, item, year_2025

from ppid_batch.reports.facts import OTHER_THEME, arahan_theme, build_facts, error_label

D = dt.date


def test_counts_per_unit_jenis_bentuk_and_month() -> None:
    facts = year_2025()
    assert facts.items_total == 7
    assert facts.per_unit == ((HUKUM, 3), (KEUANGAN, 2), (TEKNIS, 2))
    assert facts.per_jenis == (
        ("Berkala", 3), ("Serta Merta", 1), ("Setiap Saat", 2), ("Dikecualikan", 1),
    )  # fmt: skip
    assert facts.per_bentuk == (("Softcopy", 5), ("Hardcopy", 1), ("Softcopy dan Hardcopy", 1))
    months = dict(facts.per_month_jenis)
    assert sorted(months) == list(range(1, 13))
    assert months[3] == (
        ("Berkala", 2),
        ("Serta Merta", 0),
        ("Setiap Saat", 2),
        ("Dikecualikan", 1),
    )
    assert months[6] == (
        ("Berkala", 1),
        ("Serta Merta", 1),
        ("Setiap Saat", 0),
        ("Dikecualikan", 0),
    )
    assert sum(n for _, counts in facts.per_month_jenis for _, n in counts) == 7


def test_outcomes_durations_and_nota_dinas() -> None:
    facts = year_2025()
    assert (facts.approved, facts.refused, facts.pending) == (4, 2, 1)
    assert facts.outcomes == (("Disetujui", 4), ("Tidak disetujui", 2), ("Belum diputuskan", 1))
    # decided: 7,7,7,7 (March) and 18,18 (June) days after submission
    assert facts.median_days_to_decision == 7.0
    # documented by Nota Dinas: items 1, 4, 5 after 7 days, item 6 after 18 → median 7
    assert facts.median_days_to_documentation == 7.0
    assert [n.number for n in facts.nota_dinas] == [
        "1/HM.02-ND/1811/2025", "2/HM.02-ND/1811/2025", "3/HM.02-ND/1811/2025",
    ]  # fmt: skip
    assert facts.arahan_themes == (
        ("Duplikat atau sudah terdaftar", 1), ("Ringkasan kurang jelas atau tidak lengkap", 1),
    )  # fmt: skip


def test_forms_rejected_errors_duplicates_and_changes() -> None:
    facts = year_2025()
    assert (facts.forms_received, facts.forms_rejected) == (6, 1)
    assert [f.file for f in facts.rejected_forms] == ["Form-DIP-Teknis.xlsx"]
    assert facts.common_errors == (
        ("Kolom wajib tidak diisi", 1), ("Nilai di luar pilihan yang diizinkan", 1),
    )  # fmt: skip
    assert facts.duplicates == 1
    assert facts.near_duplicates == 1
    assert [(c.run_id, c.item_id) for c in facts.changes] == [
        (2, "DIP-2025-0001"), (2, "DIP-2025-0004"), (2, "DIP-2025-0005"), (4, "DIP-2025-0006"),
    ]  # fmt: skip
    assert [r.run_id for r in facts.runs] == [1, 2, 3, 4]


def test_a_decision_after_year_end_counts_as_pending_that_year() -> None:
    items = [
        item(1, HUKUM, received_on=D(2025, 12, 20), status="approved",
             decided_on=D(2026, 1, 5), nota_dinas="1/X/2026"),
    ]  # fmt: skip
    facts = build_facts(2025, items=items, today=D(2026, 2, 1))
    assert (facts.approved, facts.refused, facts.pending) == (0, 0, 1)
    assert facts.median_days_to_decision is None
    assert facts.median_days_to_documentation is None
    assert facts.as_of == D(2025, 12, 31)


def test_the_running_year_is_taken_as_of_today() -> None:
    items = [
        item(1, HUKUM, received_on=D(2025, 4, 1), status="approved", decided_on=D(2025, 4, 4)),
        item(2, HUKUM, received_on=D(2025, 4, 1), status="approved", decided_on=D(2025, 4, 9)),
    ]
    facts = build_facts(2025, items=items, today=D(2025, 4, 5))
    assert facts.as_of == D(2025, 4, 5)
    assert (facts.approved, facts.pending) == (1, 1)
    assert facts.median_days_to_decision == 3.0


def test_a_year_without_activity_has_zero_counts_not_errors() -> None:
    facts = build_facts(2024, items=[], today=D(2026, 1, 1))
    assert not facts.has_activity
    assert facts.items_total == 0 and facts.per_unit == () and facts.arahan_themes == ()
    assert facts.median_days_to_decision is None
    assert len(facts.per_month_jenis) == 12
    assert facts.per_month_jenis[0][1] == (
        ("Berkala", 0), ("Serta Merta", 0), ("Setiap Saat", 0), ("Dikecualikan", 0),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("arahan", "theme"),
    [
        ("Ringkasan terlalu umum, mohon diperjelas", "Ringkasan kurang jelas atau tidak lengkap"),
        ("Informasi ini sudah ada di daftar Subbag Hukum", "Duplikat atau sudah terdaftar"),
        ("Memuat DATA PRIBADI pemilih", "Pengecualian informasi"),
        ("Jenisnya seharusnya Berkala", "Jenis atau klasifikasi informasi"),
        ("Retensi tidak sesuai JRA", "Retensi atau penyimpanan arsip"),
        ("Tautan tidak bisa dibuka", "Bentuk, tautan atau lokasi dokumen"),
        ("Bukan kewenangan subbagian ini", "Bukan informasi publik unit"),
        ("Tunda dulu", OTHER_THEME),
        (None, OTHER_THEME),
        # whole words only: "jenisnya" is not "jenis", "perjelasan" is not "perjelas"
        ("jenisnya perjelasan", OTHER_THEME),
    ],
)
def test_arahan_themes_by_keyword(arahan: str | None, theme: str) -> None:
    assert arahan_theme(arahan) == theme


def test_error_label_keeps_unknown_slugs_visible() -> None:
    assert error_label("required") == "Kolom wajib tidak diisi"
    assert error_label("something_new") == "something_new"


def test_every_slug_of_intake_and_validation_has_an_indonesian_label() -> None:
    from ppid_batch.forms.intake import MESSAGES
    from ppid_batch.forms.validate import TEMPLATES
    from ppid_batch.reports.facts import ERROR_LABELS

    assert (set(TEMPLATES) | set(MESSAGES)) - set(ERROR_LABELS) == set()
