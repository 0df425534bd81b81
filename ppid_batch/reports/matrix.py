"""SOP record "matriks kegiatan dan penugasan": one row per batch run and SOP step, as an xlsx.

The rows mirror the SOP's own table (No, Uraian Prosedur, Pelaksana,
Kelengkapan, Waktu, Output, Keterangan) so the PPID can print it for the
year's file without retyping anything. As in the SOP, 'No' is the step's
number (1-3); the rows of one step in one run share a merged No/Uraian cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Letter, Signers, SopConfig
from ..dates import format_date_id
from ..files import atomic_write_bytes
from ..workbook import FONT, HEADER_COLOR, a4_landscape, fit_row, new_workbook
from .facts import AnnualFacts, RunFact

SHEET = "Matriks Kegiatan"
HEADERS = (
    "No",
    "Uraian Prosedur",
    "Pelaksana",
    "Kelengkapan",
    "Waktu",
    "Output",
    "Keterangan",
)
WIDTHS = (5, 34, 26, 44, 30, 40, 30)
FORM_NAME = "Form Daftar Informasi Publik"
SHEET_NAME = "Lembar Persetujuan Atasan PPID"


@dataclass(frozen=True)
class MatrixRow:
    run_id: int
    step: int
    uraian: str
    pelaksana: str
    kelengkapan: str
    waktu: str
    output: str
    keterangan: str

    def cells(self) -> tuple[object, ...]:
        return (
            self.step,
            self.uraian,
            self.pelaksana,
            self.kelengkapan,
            self.waktu,
            self.output,
            self.keterangan,
        )


def matrix_file_name(year: int) -> str:
    return f"Matriks-Kegiatan-{year}.xlsx"


def _days(values: Sequence[int]) -> str:
    """`7 hari`, or `5–9 hari` when the items of one step waited different times."""
    lo, hi = min(values), max(values)
    return f"{lo} hari" if lo == hi else f"{lo}–{hi} hari"


def _run_rows(run: RunFact, signers: Signers) -> list[tuple[int, str, str, str, str, str]]:
    """(step, pelaksana, kelengkapan, waktu, output, keterangan) for each step the run did."""
    ppid = f"PPID ({signers.signer('ppid', run.run_on).nama})"
    atasan = f"Atasan PPID ({signers.signer('atasan_ppid', run.run_on).nama})"
    label = f"Proses malam #{run.run_id}, {format_date_id(run.run_on)}"
    rows = []
    forms = [f for f in run.forms if f.kind == "form_dip"]
    if forms:
        accepted = [f for f in forms if f.accepted]
        rejected = [f for f in forms if not f.accepted]
        kelengkapan = "\n".join(
            f"{FORM_NAME}: {f.file} ({f.unit or 'unit tidak terbaca'}, {f.items} baris"
            + ("" if f.accepted else ", ditolak")
            + ")"
            for f in forms
        )
        received = sorted({f.received_on for f in forms})
        waktu = "Diterima " + ", ".join(format_date_id(d) for d in received)
        output = f"Daftar Informasi Publik (register): {run.registered} informasi baru dicatat"
        notes = [label]
        if rejected:
            notes.append(f"{len(rejected)} formulir ditolak, umpan balik dikirim ke unit")
        dupes = sum(f.duplicates for f in accepted)
        if dupes:
            notes.append(f"{dupes} informasi sudah terdaftar (duplikat)")
        rows.append((1, ppid, kelengkapan, waktu, output, "; ".join(notes)))
    for d in run.decisions:
        waktu = f"Diputuskan {format_date_id(d.decided_on)}"
        if d.days_since_received:
            waktu += f" ({_days(d.days_since_received)} sejak diterima)"
        note = label + (f"; ditandatangani {d.atasan}" if d.atasan else "")
        rows.append(
            (
                2,
                atasan,
                f"{SHEET_NAME}: {d.file}",
                waktu,
                f"Disposisi: {d.approved} disetujui (YA), {d.refused} tidak disetujui (TIDAK)",
                note,
            )
        )
    if run.nota_dinas:
        decided = [d.decided_on for d in run.decisions]
        for nd in run.nota_dinas:
            waktu = f"Didokumentasikan {format_date_id(nd.issued_on)}"
            if decided:
                waktu += f" ({_days([(nd.issued_on - d).days for d in decided])} sejak disetujui)"
            rows.append(
                (
                    3,
                    ppid,
                    f"Daftar informasi yang disetujui: {nd.unit}, {nd.items} informasi",
                    waktu,
                    f"Draft Nota Dinas Nomor {nd.number}",
                    label,
                )
            )
    return rows


def matrix_rows(facts: AnnualFacts, signers: Signers, sop: SopConfig) -> list[MatrixRow]:
    """The matrix in order: runs by date, steps 1–3 within a run."""
    rows: list[MatrixRow] = []
    for run in facts.runs:
        for step, pelaksana, kelengkapan, waktu, output, ket in _run_rows(run, signers):
            rows.append(
                MatrixRow(
                    run.run_id,
                    step,
                    sop.langkah[step - 1],  # the SOP's own wording of the step
                    pelaksana,
                    kelengkapan,
                    waktu,
                    output,
                    ket,
                )
            )
    return rows


def _step_groups(rows: Sequence[MatrixRow]) -> list[tuple[int, int]]:
    """(first, last) index of each run of rows with the same run and step."""
    groups: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        prev = rows[groups[-1][0]] if groups else None
        if prev is not None and (prev.run_id, prev.step) == (row.run_id, row.step):
            groups[-1] = (groups[-1][0], i)
        else:
            groups.append((i, i))
    return groups


def write_matrix(facts: AnnualFacts, letter: Letter, sop: SopConfig, out_dir: Path) -> Path:
    """Write Matriks-Kegiatan-<tahun>.xlsx (byte-identical for the same facts)."""
    rows = matrix_rows(facts, letter.signers, sop)
    buf = io.BytesIO()
    wb = new_workbook(
        buf,
        title=f"Matriks Kegiatan dan Penugasan {facts.year}",
        created=facts.as_of,
        company=letter.office.nama_satker,
    )
    title = wb.add_format({**FONT, "bold": True, "font_size": 13})
    text = wb.add_format(FONT)
    plain = wb.add_format({**FONT, "text_wrap": True, "valign": "top", "border": 1})
    centre = wb.add_format(
        {**FONT, "text_wrap": True, "valign": "top", "align": "center", "border": 1}
    )
    head = wb.add_format(
        {**FONT, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
         "border": 1, "bg_color": HEADER_COLOR}
    )  # fmt: skip
    ws = wb.add_worksheet(SHEET)
    ws.write(0, 0, f"MATRIKS KEGIATAN DAN PENUGASAN {sop.nama.upper()}", title)
    ws.set_row(0, 18)
    ws.write(1, 0, f"{letter.office.nama_satker} — Tahun {facts.year}", text)
    ws.write(2, 0, f"Keadaan per {format_date_id(facts.as_of)}", text)
    header_row = 4
    for col, (label, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        ws.set_column(col, col, width)
        ws.write(header_row, col, label, head)
    first_row = header_row + 1
    for r, row in enumerate(rows, first_row):
        fit_row(ws, r, row.cells(), WIDTHS)
        # write_string: file names and numbers such as '1/HM.02-ND/…' stay text.
        for col, value in enumerate(row.cells()[2:], 2):
            ws.write_string(r, col, str(value), plain)
    for lo, hi in _step_groups(rows):
        row = rows[lo]
        if lo == hi:
            ws.write_number(first_row + lo, 0, row.step, centre)
            ws.write_string(first_row + lo, 1, row.uraian, plain)
        else:
            ws.merge_range(first_row + lo, 0, first_row + hi, 0, row.step, centre)
            ws.merge_range(first_row + lo, 1, first_row + hi, 1, row.uraian, plain)
    if not rows:
        ws.write_string(
            header_row + 1, 0, f"Tidak ada kegiatan pendokumentasian pada tahun {facts.year}.", text
        )
    ws.freeze_panes(header_row + 1, 0)
    a4_landscape(ws, footer=f"Matriks Kegiatan dan Penugasan {facts.year}", header_row=header_row)
    wb.close()
    return atomic_write_bytes(Path(out_dir) / matrix_file_name(facts.year), buf.getvalue())
