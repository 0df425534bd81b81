"""A full SOP cycle on the bundled examples: forms → night 1 → Atasan PPID approves → night 2."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import PACKAGE_ROOT, load_config
from ..errors import UsageError
from ..files import atomic_write_bytes
from ..forms.schema import approval_schema, label_key
from .console import Progress
from .pipeline import APPROVAL_DIR, RunReport, run
from .workspace import init_workspace

EXAMPLES = PACKAGE_ROOT / "examples"
MARKER = ".ppid-demo"
# Fixed dates make the demo deterministic: the examples were filled 9–20 November 2026.
NIGHT_1 = dt.datetime(2026, 11, 23, 1, 0)
NIGHT_2 = dt.datetime(2026, 11, 24, 1, 0)
DECIDED_ON = dt.date(2026, 11, 23)
FILLED_NAME = "Lembar-Persetujuan-diisi-Atasan-PPID.xlsx"
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


def run_demo(directory: Path, *, progress: Progress | None = None) -> DemoReport:
    """Both nights of the cycle in a fresh workspace; the forms wait no settle time."""
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
    night2 = run(config, now=NIGHT_2, progress=progress)
    return DemoReport(ws, night1, night2, filled, approved, refused)


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
        f"Daftar Informasi Publik      output/register/: {listing('register')}",
        f"Lembar Persetujuan           output/persetujuan/: {listing('persetujuan')}",
        f"Disposisi Atasan PPID        output/disposisi/: {listing('disposisi')}",
        f"Draft Nota Dinas             output/nota-dinas/: {listing('nota-dinas')}",
        f"Umpan balik untuk unit       output/umpan-balik/: {listing('umpan-balik')}",
        f"Ringkasan tiap malam         output/runs/: {', '.join(runs)} (buka ringkasan.html)",
        "Berkas masukan yang diproses: input/arsip/ dan input/ditolak/",
    ]
