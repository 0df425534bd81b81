"""The office's units ([kantor] unit in ppid.toml): a form's Unit Kerja must name one of them.

Matched tolerantly: case, spacing and punctuation do not count, `Subbag`/`Sub Bagian`
read as `Subbagian`, `&` as `dan`, and the leading `Subbagian`/`Bagian`/`Unit` may be
left out ("Keuangan, Umum dan Logistik" is "Subbagian Keuangan, Umum dan Logistik").
The register then records the office's own spelling, so that "another unit's item" is
decided on the office's list, not on free text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..models import Finding, SheetReport
from .schema import form_schema, label_key

_GENERIC = ("subbagian", "bagian", "unit", "seksi", "sub bagian")
_ABBREVIATIONS = ((r"\bsub ?bag\b\.?", "subbagian"), (r"\bsub bagian\b", "subbagian"),
                  (r"\bbag\b\.?", "bagian"), (r"&", " dan "))  # fmt: skip


def unit_key(text: object) -> str:
    key = str(text or "").casefold()
    for pattern, replacement in _ABBREVIATIONS:
        key = re.sub(pattern, replacement, key)
    return label_key(key)


def _bare(key: str) -> str:
    for word in _GENERIC:
        if key.startswith(word + " "):
            return key[len(word) + 1 :]
    return key


def match_unit(written: object, units: Sequence[str]) -> str | None:
    """The office's spelling of the unit `written` names, or None."""
    key = unit_key(written)
    if not key:
        return None
    for unit in units:
        if unit_key(unit) == key:
            return unit
    found = [u for u in units if _bare(unit_key(u)) == _bare(key)]
    return found[0] if len(found) == 1 else None


def check_unit(report: SheetReport, units: Sequence[str]) -> SheetReport:
    """A form whose Unit Kerja is not one of `units` gets one error; a match is canonicalised.

    Without a configured list (`units` empty) the form is left as it is.
    """
    if report.kind != "form_dip" or not units:
        return report
    written = report.meta.get("unit")
    if written in (None, ""):
        return report  # the required rule has said so already
    unit = match_unit(written, units)
    if unit is not None:
        return dataclasses.replace(report, meta={**report.meta, "unit": unit})
    label = form_schema().field("unit").label
    finding = Finding(
        type="unknown_unit",
        message=(
            f"{label} '{written}' bukan unit kantor ini. Tulis salah satu: "
            + "; ".join(units)
            + " (daftar unit ada di ppid.toml, [kantor] unit)."
        ),
        field="unit",
        column=label,
        sheet=report.sheet,
        value=written,
    )
    return dataclasses.replace(report, errors=(finding, *report.errors))
