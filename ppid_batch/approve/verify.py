"""Checks a returned approval sheet against what the batch issued, and who signed it.

`verify_sheet` answers, before anything is applied:
- the whole sheet: issued by this workspace's batch (number, date, integrity code), signed
  by someone allowed to sign as Atasan PPID on its Tanggal Persetujuan;
- each row: issued on that sheet, its Sidik Isi as issued, its item unchanged since;
- the Atasan PPID's own changes to an item's fields on the sheet, validated like a form's
  cells: applied on a YA row ("disetujui dengan perubahan"), reported on any other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..dates import format_date_id
from ..forms import normalize as nz
from ..forms.rules import ITEM_ID, message
from ..forms.schema import Field, SheetSchema, approval_schema, for_office, form_schema
from ..models import Finding, RegisterItem, SheetReport
from ..store.approvals import IssuedSheet, issued_sheet, issued_snapshots
from ..store.core import Store
from ..store.filing import filed_after, filing_dates
from .identity import (
    code_matches,
    content_of,
    content_text,
    fingerprint,
    fingerprint_matches,
    load_secret,
)
from .issuing import change_text
from .plausible import approval_date_error
from .sheet import EDITABLE

if TYPE_CHECKING:
    from ..config import Config, OfficeForm, Signers

LATEST = "Isi lembar terbaru dari folder output/persetujuan/."

# Academic and honorific titles left out when names are compared (Dr., S.H., M.Si., …).
_PREFIX_TITLES = {"dr", "drs", "dra", "ir", "prof", "h", "hj", "hc", "kh"}
_DEGREE = re.compile(r"^[a-z]{1,4}(\.[a-z]{1,4})*\.?$")


def name_key(name: object) -> str:
    """A person's name for comparison: no titles, no case, no punctuation, single spaces.

    `Drs. H. Ahmad  Fauzi, S.H., M.Si.` and `ahmad fauzi` give the same key. Everything
    after the first comma is a degree in Indonesian usage; titles before the name are
    dropped while they are known ones.
    """
    text = str(name or "").split(",")[0].casefold()
    words = [w for w in re.split(r"\s+", text) if w]
    while words and words[0].strip(".") in _PREFIX_TITLES:
        words.pop(0)
    # a degree written without comma at the end: "Ahmad Fauzi S.H"
    while len(words) > 1 and "." in words[-1] and _DEGREE.match(words[-1]):
        words.pop()
    return " ".join(re.sub(r"[^\w]", "", w) for w in words if re.sub(r"[^\w]", "", w))


@dataclass
class SheetCheck:
    """What verify_sheet found; `sheet_error` refuses the whole sheet."""

    issued: IssuedSheet | None = None
    sheet_error: Finding | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    stale: set[str] = field(default_factory=set)
    edits: dict[int, dict[str, Any]] = field(default_factory=dict)  # row → key → new value
    verdict: str = "genuine"  # genuine / stale / forged, for `validate`


def _meta_finding(report: SheetReport, key: str, type_: str, text: str) -> Finding:
    label = approval_schema().field(key).label
    return Finding(
        type=type_, message=text, field=key, column=label, sheet=report.sheet,
        value=report.meta.get(key),
    )  # fmt: skip


def _row_finding(
    row: Mapping[str, Any], key: str, type_: str, text: str, severity: str = "error"
) -> Finding:
    schema = approval_schema()
    cells = row.get("_cells") or {}
    return Finding(
        type=type_,
        message=text,
        severity=severity,  # type: ignore[arg-type]
        field=key,
        column=schema.field(key).label,
        sheet=row.get("_sheet"),
        cell=cells.get(key) if key in cells else None,
        row=row.get("_row"),
        value=row.get(key),
    )


def _identity_error(
    report: SheetReport, issued: IssuedSheet | None, secret: bytes, number: str
) -> Finding | None:
    from .identity import integrity_code

    meta = report.meta
    if not number or not str(meta.get("kode_keutuhan") or "").strip():
        return _meta_finding(
            report,
            "nomor_lembar",
            "sheet_unissued",
            "Lembar ini tidak memuat Nomor Lembar dan Kode Keutuhan dari ppid-batch, jadi "
            "tidak diterima: hanya Lembar Persetujuan yang dibuat proses malam yang berlaku. "
            + LATEST,
        )
    if issued is None:
        return _meta_finding(
            report,
            "nomor_lembar",
            "sheet_unknown",
            f"Nomor Lembar {number} tidak pernah diterbitkan oleh ppid-batch di ruang kerja "
            "ini (lembar buatan sendiri atau dari kantor lain); lembar ditolak seluruhnya. "
            + LATEST,
        )
    rows = [(r.item_id, r.fingerprint) for r in issued.rows]
    expected = integrity_code(secret, issued.number, issued.issued_on, rows)
    dibuat = meta.get("tanggal_dibuat")
    if (
        not code_matches(meta.get("kode_keutuhan"), expected)
        or expected != issued.code
        or dibuat != issued.issued_on
    ):
        return _meta_finding(
            report,
            "kode_keutuhan",
            "sheet_code",
            f"Kode Keutuhan lembar {number} tidak cocok: Nomor Lembar, Tanggal Dibuat atau "
            "Kode Keutuhan telah diubah, atau lembar ini berasal dari ruang kerja lain; "
            "lembar ditolak seluruhnya. " + LATEST,
        )
    return None


def signer_error(report: SheetReport, signers: Signers) -> Finding | None:
    """The Nama Atasan PPID is not someone allowed to sign on the Tanggal Persetujuan."""
    atasan = str(report.meta.get("atasan") or "").strip()
    tanggal = report.meta.get("tanggal_persetujuan")
    if not atasan or not isinstance(tanggal, dt.date):
        return None  # missing: the required-when-decided rule reports it
    allowed = signers.officers_for("atasan_ppid", on=tanggal)
    if any(name_key(o.nama) == name_key(atasan) for o in allowed):
        return None
    names = ", ".join(o.nama for o in allowed) or "(tidak ada yang tercatat)"
    return _meta_finding(
        report,
        "atasan",
        "signer",
        f"Nama Atasan PPID '{atasan}' bukan pejabat yang berwenang menyetujui pada "
        f"{format_date_id(tanggal)}; yang berwenang menurut ppid.toml: {names}. Lembar "
        "ditolak seluruhnya. Minta Atasan PPID (atau Plh/Plt yang tercatat) mengisi dan "
        "menandatanganinya.",
    )


def _form_field(key: str, schema: SheetSchema | None = None) -> Field:
    return (schema or form_schema()).field(key)


def office_form_schema(form: OfficeForm) -> SheetSchema:
    """The form as this office reads it (its bentuk set and retention wording)."""
    return for_office(form_schema(), form.office.kota, form.vocabulary)


def normalise_edit(key: str, value: object, schema: SheetSchema | None = None) -> Any:
    """A value typed on the sheet, normalised as the form's reader would (with the office's
    vocabulary when `schema` is the office's form)."""
    f = _form_field(key, schema)
    if f.type == "choice":
        return nz.choice(value, f.choice_lookup())
    if f.type == "retensi":
        return nz.retensi(value)
    if f.type == "partial_date":
        return nz.partial_date(value)
    return nz.to_text(value)


def _same(a: object, b: object) -> bool:
    if type(a) is type(b) and a == b:  # most cells are as issued
        return True
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def edit_problems(
    row: Mapping[str, Any],
    changed: Mapping[str, Any],
    base: Mapping[str, Any],
    schema: SheetSchema | None = None,
) -> list[Finding]:
    """The form's rules over the changed values (and the rules linking them to the rest)."""
    schema = schema or form_schema()
    out: list[Finding] = []
    merged = {**base, **changed}

    def bad(key: str, slug: str, about: str | None = None, **fmt: Any) -> None:
        """A finding at `key`'s cell; its message names field `about` (default `key`)."""
        f = _form_field(about or key, schema)
        text = message(slug, column=f.label, value=row.get(about or key), **fmt)
        out.append(_row_finding(row, key if key in EDITABLE else "persetujuan", slug, text))

    for key, value in changed.items():
        f = _form_field(key, schema)
        if value is None:
            if f.required:
                bad(key, "required")
            continue
        if f.min_length is not None or f.max_length is not None:
            lo, hi = f.min_length or 0, f.max_length or 10**9
            if not lo <= len(value) <= hi:
                bad(key, "length", min=lo, max=hi, n=len(value))
        if f.type == "choice" and value not in f.choice_values:
            bad(key, "choice", choices=", ".join(f.choice_values))
        if f.type == "retensi" and not nz.RETENSI_CANONICAL.match(value):
            bad(key, "retensi")
    for f in schema.fields:
        for cond_key, cond_value in f.required_when:
            if cond_key in changed or f.key in changed:
                if merged.get(cond_key) == cond_value and not merged.get(f.key):
                    cond_label = _form_field(cond_key, schema).label
                    bad(f.key if f.key in EDITABLE else cond_key, "required_if", f.key,
                        cond_column=cond_label, cond_value=cond_value)  # fmt: skip
        for cond_key, cond_value in f.only_when:
            if cond_key in changed or f.key in changed:
                if merged.get(f.key) and merged.get(cond_key) != cond_value:
                    cond_label = _form_field(cond_key, schema).label
                    bad(f.key if f.key in EDITABLE else cond_key, "not_applicable", f.key,
                        cond_column=cond_label, cond_value=cond_value)  # fmt: skip
    return out


def _filing_dates(store: Store, report: SheetReport, ids: Sequence[str]) -> dict[str, dt.date]:
    """`filing_dates` of `ids` as the approval date check asks it: with a Tanggal Persetujuan,
    only the items filed after it (the only ones it looks at), found without listing every ID."""
    tanggal = report.meta.get("tanggal_persetujuan")
    if not isinstance(tanggal, dt.date):
        return filing_dates(store, ids)
    wanted = set(ids)
    return {i: day for i, day in filed_after(store, tanggal).items() if i in wanted}


def _whole_sheet(
    store: Store, report: SheetReport, config: Config, secret: bytes | None, decision_of: Any
) -> SheetCheck:
    """The checks that refuse a sheet as a whole: issued here, rightly signed and dated."""
    check = SheetCheck()
    number = str(report.meta.get("nomor_lembar") or "").strip().upper()
    # Every row's ID and fingerprint; the values it was issued with are read only for the
    # rows that changed since (their message says what changed).
    issued = issued_sheet(store, number, snapshots=False) if number else None
    check.issued = issued
    secret = secret if secret is not None else load_secret(config.var_dir, create=False)
    check.sheet_error = _identity_error(report, issued, secret, number)
    if check.sheet_error is not None:
        check.verdict = "forged"
        return check
    assert issued is not None
    decided_any = any(decision_of(r.get("persetujuan")) for r in report.items)
    if decided_any:
        check.sheet_error = signer_error(report, config.signers)
        if check.sheet_error is not None:
            check.verdict = "forged"
            return check
        # A genuine sheet, but dated before it existed or before its items were filed.
        check.sheet_error = approval_date_error(
            report,
            number=issued.number,
            issued_on=issued.issued_on,
            decision_of=decision_of,
            filing_dates=lambda ids: _filing_dates(store, report, ids),
        )
    return check


def verify_sheet(
    store: Store,
    report: SheetReport,
    config: Config,
    *,
    current: Mapping[str, RegisterItem],
    decision_of: Any,
    secret: bytes | None = None,
    whole_sheet_only: bool = False,
    counted: SheetCheck | None = None,
) -> SheetCheck:
    """Identity, signer, and each row against the issued sheet; see the module docstring.

    `whole_sheet_only` stops after the checks that refuse the sheet as a whole
    (`sheet_error`), before the rows: whether the sheet counts at all. `counted` is such
    a check of this very report that found no whole-sheet error (apply.sheet_counts
    earlier the same night): those checks are not made again, only the rows'.
    """
    check = SheetCheck()
    office_schema = office_form_schema(config.form)
    if counted is not None and counted.sheet_error is None and counted.issued is not None:
        issued = check.issued = counted.issued
    else:
        whole = _whole_sheet(store, report, config, secret, decision_of)
        if whole.sheet_error is not None or whole_sheet_only:
            return whole
        assert whole.issued is not None
        issued = check.issued = whole.issued
    by_id = issued.by_id
    # A value typed on the sheet, normalised once per column and spelling: most rows are as
    # issued. Keyed by type as well (True == 1 == 1.0 as dict keys).
    normalised: dict[tuple[str, type, Any], Any] = {}
    stale_decided: list[tuple[int, Mapping[str, Any], str, RegisterItem]] = []

    def edit_value(key: str, value: Any) -> Any:
        memo = (key, type(value), value)
        if memo not in normalised:
            normalised[memo] = normalise_edit(key, value, office_schema)
        return normalised[memo]

    for row in report.items:
        raw_id = "".join(str(row.get("id") or "").split()).upper()
        if not raw_id or not ITEM_ID.match(raw_id):
            continue  # the reader or the register check reports it
        decision = decision_of(row.get("persetujuan"))
        issued_row = by_id.get(raw_id)
        if issued_row is None:
            check.errors.append(
                _row_finding(
                    row,
                    "id",
                    "not_issued",
                    f"{raw_id} tidak tercantum pada lembar {issued.number} saat lembar "
                    "dibuat; baris tambahan tidak diterima. Bila masih menunggu, informasi "
                    "ini ada pada lembar persetujuan berikutnya.",
                )
            )
            check.verdict = "forged"
            continue
        if not fingerprint_matches(row.get("sidik"), issued_row.fingerprint):
            check.errors.append(
                _row_finding(
                    row,
                    "sidik",
                    "fingerprint",
                    f"Sidik Isi baris {raw_id} tidak sesuai dengan lembar {issued.number} "
                    "saat dibuat (kolom ID Informasi atau Sidik Isi diubah); baris ini tidak "
                    "diterapkan.",
                )
            )
            check.verdict = "forged"
            continue
        item = current.get(raw_id)
        if item is None:
            continue
        if item.status == "pending" and fingerprint(item) != issued_row.fingerprint:
            check.stale.add(raw_id)
            if check.verdict == "genuine":
                check.verdict = "stale"
            if decision in ("YA", "TIDAK"):
                # the message, which quotes what changed, is written after the loop
                stale_decided.append((len(check.errors), row, raw_id, item))
                check.errors.append(_row_finding(row, "persetujuan", "stale", ""))
            continue
        if item.status != "pending":
            continue  # a Tindakan Ubah/Hapus row: its cells show the request, not the item
        cells = row.get("_cells") or {}
        changed: dict[str, Any] = {}
        # The item's content is the one the sheet was issued with (same fingerprint), so
        # a cell is compared with the item's own value, as the issued snapshot holds it.
        for key in EDITABLE:
            if key not in cells:
                continue  # the column is not on the sheet
            new = edit_value(key, row.get(key))
            if not _same(new, content_text(getattr(item, key, None)) or None):
                changed[key] = new
        if not changed:
            continue
        if decision != "YA":
            labels = ", ".join(_form_field(k, office_schema).label for k in changed)
            check.warnings.append(
                _row_finding(
                    row,
                    next(iter(changed)),
                    "edit_not_applied",
                    f"Perubahan {labels} pada {raw_id} tidak diterapkan karena baris ini "
                    "tidak disetujui (YA); perubahan Atasan PPID hanya berlaku pada baris YA.",
                    severity="warning",
                )
            )
            continue
        base = {k: getattr(item, k, None) for k in (f.key for f in form_schema().fields)}
        problems = edit_problems(row, changed, base, office_schema)
        if problems:
            check.errors += problems
            continue
        check.edits[int(row.get("_row") or 0)] = changed
    if stale_decided:
        snapshots = issued_snapshots(store, issued.number, [i for _, _, i, _ in stale_decided])
        for at, row, raw_id, item in stale_decided:
            check.errors[at] = _row_finding(
                row,
                "persetujuan",
                "stale",
                f"{raw_id} berubah sejak lembar dibuat "
                f"({change_text(snapshots.get(raw_id, {}), content_of(item))}); keputusan "
                "pada baris ini tidak diterapkan. Informasi ini tercantum lagi, "
                "bertanda berubah, pada lembar persetujuan berikutnya.",
            )
    return check


def describe_verdict(check: SheetCheck, report: SheetReport) -> str:
    """One Indonesian line for `validate`: asli, basi or palsu."""
    number = str(report.meta.get("nomor_lembar") or "").strip() or "(tanpa nomor)"
    if check.sheet_error is not None and check.verdict == "genuine":
        return f"Lembar {number}: asli, tetapi {check.sheet_error.message}"
    if check.sheet_error is not None or check.verdict == "forged":
        return f"Lembar {number}: TIDAK ASLI atau diubah — tidak akan diterapkan seluruhnya."
    if check.verdict == "stale":
        return (
            f"Lembar {number}: asli, tetapi {len(check.stale)} informasi berubah sejak lembar "
            "dibuat; baris itu tidak akan diterapkan."
        )
    return f"Lembar {number}: asli (dibuat ppid-batch ruang kerja ini)."


__all__ = [
    "SheetCheck",
    "describe_verdict",
    "edit_problems",
    "name_key",
    "signer_error",
    "verify_sheet",
]
