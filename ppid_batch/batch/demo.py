"""A full SOP cycle on the bundled examples: forms → night 1 → Atasan PPID approves → night 2
(with a unit's pemutakhiran form: one Ubah, one Hapus) → the Atasan approves both → night 3."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import PACKAGE_DIR
from ..config_file import load_config
from ..errors import UsageError
from ..files import atomic_write_bytes
from ..forms.schema import approval_schema, label_key
from .console import Progress
from .outputs import APPROVAL_DIR
from .pipeline import RunReport, run
from .workspace import init_workspace

EXAMPLES = PACKAGE_DIR / "examples"
MARKER = ".ppid-demo"
# Fixed dates make the demo deterministic: the examples were filled 9–20 November 2026.
NIGHT_1 = dt.datetime(2026, 11, 23, 1, 0)
NIGHT_2 = dt.datetime(2026, 11, 24, 1, 0)
NIGHT_3 = dt.datetime(2026, 11, 25, 1, 0)
DECIDED_ON = dt.date(2026, 11, 23)
CHANGES_DECIDED_ON = dt.date(2026, 11, 24)
FILLED_NAME = "Lembar-Persetujuan-diisi-Atasan-PPID.xlsx"
FILLED_NAME_3 = "Lembar-Persetujuan-Pemutakhiran-diisi-Atasan-PPID.xlsx"
CHANGE_FORM_NAME = "Form-DIP-Pemutakhiran.xlsx"
REVISED = " (Revisi)"
WITHDRAWAL_REASON = "Dokumen sudah diganti dengan versi terbaru dan tidak berlaku lagi."
ARAHAN = (
    "Belum dapat disetujui: lengkapi ringkasan dan sebutkan lokasi dokumennya, lalu ajukan kembali."
)


@dataclass(frozen=True)
class DemoReport:
    workspace: Path
    night1: RunReport
    night2: RunReport
    filled_sheet: Path
    approved: tuple[str, ...]
    refused: tuple[str, ...]
    night3: RunReport | None = None
    changed: str | None = None  # the item the unit's Tindakan Ubah changed
    withdrawn: str | None = None  # the item its Tindakan Hapus withdrew


def prepare_workspace(directory: Path, examples: Path = EXAMPLES) -> Path:
    """A fresh workspace in `directory` with the examples in input/.

    An earlier demo there (it carries a marker file) is cleared first; any other
    non-empty folder is refused, so the demo never touches an office's real work.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).is_file():
            raise UsageError(
                f"Folder {directory} sudah berisi berkas lain; pilih folder kosong untuk demo."
            )
        for name in ("input", "output", "var", "ppid.toml"):
            target = directory / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    init_workspace(directory)
    (directory / MARKER).write_text("Ruang kerja demo ppid-batch; boleh dihapus.\n", "utf-8")
    forms = sorted(Path(examples).glob("*.xlsx"))
    if not forms:
        raise UsageError(f"Contoh formulir tidak ditemukan di {examples}.")
    for form in forms:
        shutil.copyfile(form, directory / "input" / form.name)
    return directory


def _labels(key: str) -> set[str]:
    return {label_key(label) for label in approval_schema().field(key).labels}


def fill_approval_sheet(
    sheet: Path, target: Path, *, atasan: str, day: dt.date, refuse: int = 1
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Fill a generated Lembar Persetujuan as an Atasan PPID would, with openpyxl.

    Every item YA except the last `refuse` ones, which get TIDAK and an arahan; the
    name and date filled in. Returns (approved IDs, refused IDs).
    """
    from openpyxl import load_workbook

    wb = load_workbook(sheet)
    try:
        ws = wb.worksheets[0]
        wanted = {key: _labels(key) for key in ("atasan", "tanggal_persetujuan")}
        columns: dict[str, int] = {}
        header_row = None
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                key = label_key(cell.value)
                for meta, labels in wanted.items():
                    if key in labels:
                        value_col = cell.column + 1
                        if str(ws.cell(cell.row, value_col).value or "").strip() == ":":
                            value_col += 1
                        ws.cell(cell.row, value_col).value = (
                            atasan if meta == "atasan" else dt.datetime.combine(day, dt.time())
                        )
                for field in ("id", "persetujuan", "arahan"):
                    if key in _labels(field):
                        columns[field] = cell.column
                        header_row = cell.row
            if header_row is not None and len(columns) == 3:
                break
        if header_row is None or len(columns) != 3:
            raise UsageError(f"{sheet.name} bukan Lembar Persetujuan yang dikenali.")
        rows = [
            r
            for r in range(header_row + 1, ws.max_row + 1)
            if str(ws.cell(r, columns["id"]).value or "").strip()
        ]
        refused_rows = set(rows[-refuse:]) if refuse else set()
        approved: list[str] = []
        refused: list[str] = []
        for r in rows:
            item_id = str(ws.cell(r, columns["id"]).value).strip()
            if r in refused_rows:
                ws.cell(r, columns["persetujuan"]).value = "TIDAK"
                ws.cell(r, columns["arahan"]).value = ARAHAN
                refused.append(item_id)
            else:
                ws.cell(r, columns["persetujuan"]).value = "YA"
                approved.append(item_id)
        data = _workbook_bytes(wb, dt.datetime.combine(day, dt.time()))
    finally:
        wb.close()
    atomic_write_bytes(target, data)
    return tuple(approved), tuple(refused)


def _workbook_bytes(wb: Any, when: dt.datetime) -> bytes:
    """The workbook's bytes with fixed properties and zip times, so the demo is repeatable."""
    import io
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    from ..documents.docx import normalise_zip

    # workbook.save() would stamp the current time into docProps/core.xml.
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_zip(buf.getvalue())


def write_change_form(
    config: Any, approved: Sequence[str], target: Path, *, day: dt.date
) -> tuple[str, str]:
    """A unit's pemutakhiran form, filled on the blank form: Tindakan Ubah on its first
    approved item (the ringkasan revised), Hapus on its second. Returns the two IDs."""
    import io

    from openpyxl import load_workbook

    from ..documents.fields import waktu_text
    from ..forms.blank import LABEL_COL, VALUE_COL, build_blank_form, header_row
    from ..forms.schema import form_schema
    from ..models import DIKECUALIKAN
    from ..store.core import Store

    with Store.open(config.database_url) as store:
        items = [i for i in store.items_by_id(approved) if i.jenis != DIKECUALIKAN]
    unit = items[0].unit
    first, second = [i for i in items if i.unit == unit][:2]
    schema = form_schema()
    wb = load_workbook(io.BytesIO(build_blank_form(config.form, unit=unit)))
    try:
        ws = wb[schema.sheet_name]
        for row in ws.iter_rows():
            label = row[LABEL_COL].value
            if label == "Nama Petugas":
                row[VALUE_COL].value = "Tim Penghubung " + unit
            elif label == "Tanggal Pengisian":
                row[VALUE_COL].value = dt.datetime.combine(day, dt.time())
        col = {f.key: n + 1 for n, f in enumerate(schema.blank_form_fields)}
        top = header_row(schema) + 2  # 1-based first item row
        values = {k: getattr(first, k, None) for k in col}
        values.update(
            no=1,
            ringkasan=first.ringkasan + REVISED,
            waktu_pembuatan=waktu_text(first.waktu_pembuatan),
            tindakan="Ubah",
            id=first.id,
        )
        for key, value in values.items():
            if value not in (None, ""):
                ws.cell(top, col[key]).value = value
        hapus = {"no": 2, "tindakan": "Hapus", "id": second.id, "keterangan": WITHDRAWAL_REASON,
                 "ringkasan": second.ringkasan}  # fmt: skip
        for key, value in hapus.items():
            ws.cell(top + 1, col[key]).value = value
        data = _workbook_bytes(wb, dt.datetime.combine(day, dt.time()))
    finally:
        wb.close()
    atomic_write_bytes(target, data)
    return first.id, second.id


def run_demo(directory: Path, *, progress: Progress | None = None) -> DemoReport:
    """Three nights of the cycle in a fresh workspace; the forms wait no settle time."""
    ws = prepare_workspace(directory)
    config = dataclasses.replace(load_config(ws), settle_seconds=0)
    night1 = run(config, now=NIGHT_1, progress=progress)
    sheets = sorted((config.output_dir / APPROVAL_DIR).glob("*.xlsx"))
    if not sheets:
        raise UsageError("Malam pertama tidak menghasilkan Lembar Persetujuan; demo berhenti.")
    filled = config.input_dir / FILLED_NAME
    approved, refused = fill_approval_sheet(
        sheets[-1], filled, atasan=config.signer("atasan_ppid", DECIDED_ON).nama, day=DECIDED_ON
    )
    # A unit updates its list the same day: the night applies the sheet first, then the form.
    changed, withdrawn = write_change_form(
        config, approved, config.input_dir / CHANGE_FORM_NAME, day=DECIDED_ON
    )
    night2 = run(config, now=NIGHT_2, progress=progress)
    sheets = sorted((config.output_dir / APPROVAL_DIR).glob("*.xlsx"))
    if not sheets:
        raise UsageError("Malam kedua tidak menghasilkan Lembar Persetujuan; demo berhenti.")
    fill_approval_sheet(
        sheets[-1],
        config.input_dir / FILLED_NAME_3,
        atasan=config.atasan_ppid.nama,
        day=CHANGES_DECIDED_ON,
        refuse=0,
    )
    night3 = run(config, now=NIGHT_3, progress=progress)
    return DemoReport(ws, night1, night2, filled, approved, refused, night3, changed, withdrawn)


def describe(report: DemoReport) -> Sequence[str]:
    """Where each output is, in the words staff use."""
    out = report.workspace / "output"

    def listing(folder: str, pattern: str = "*") -> str:
        files = sorted(p.name for p in (out / folder).glob(pattern) if p.is_file())
        return ", ".join(files) if files else "(tidak ada)"

    runs = sorted(p.name for p in (out / "runs").iterdir()) if (out / "runs").is_dir() else []
    return [
        f"Ruang kerja demo: {report.workspace.resolve()}",
        f"Malam 1: {report.night1.summary}",
        f"Atasan PPID mengisi {report.filled_sheet.name}: {len(report.approved)} YA, "
        f"{len(report.refused)} TIDAK ({', '.join(report.refused)}).",
        f"Malam 2: {report.night2.summary}",
        f"Pemutakhiran dari unit ({CHANGE_FORM_NAME}): Ubah {report.changed}, "
        f"Hapus {report.withdrawn}; Atasan PPID menyetujui keduanya.",
        f"Malam 3: {report.night3.summary if report.night3 else '-'}",
        f"Daftar Informasi Publik      output/register/: {listing('register')}",
        f"Keputusan PPID tentang DIP   output/keputusan/: {listing('keputusan')}",
        f"Lembar Persetujuan           output/persetujuan/: {listing('persetujuan')}",
        f"Disposisi Atasan PPID        output/disposisi/: {listing('disposisi')}",
        f"Draft Nota Dinas             output/nota-dinas/: {listing('nota-dinas')}",
        f"Umpan balik untuk unit       output/umpan-balik/: {listing('umpan-balik')}",
        f"Ringkasan tiap malam         output/runs/: {', '.join(runs)} (buka ringkasan.html)",
        "Berkas masukan yang diproses: input/arsip/ dan input/ditolak/",
    ]
