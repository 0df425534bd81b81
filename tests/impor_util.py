"""A DIP as an office publishes it (title rows, jenis headings, Bentuk ticks), for `impor`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADER = [
    "No", "Ringkasan Isi Informasi", "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "Waktu dan Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia", "", "",
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
]  # fmt: skip
TICKS = ["", "", "", "", "", "Cetak", "Rekam", "Online", ""]
KEU = "Subbagian Keuangan, Umum dan Logistik"
HUKUM = "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum"


def published_rows() -> list[list[Any]]:
    """Title rows, a two-row header, the column numbers, then three jenis groups."""
    return [
        ["DAFTAR INFORMASI PUBLIK"],
        ["KOMISI PEMILIHAN UMUM KABUPATEN MESUJI TAHUN 2025"],
        [],
        HEADER,
        TICKS,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "", "", "(7)"],
        ["A.", "Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala"],
        [1, "Profil KPU Kabupaten Mesuji", KEU, "Sekretaris KPU Kabupaten Mesuji",
         "Mesuji, Januari 2025", "v", "", "v", "Selama Berlaku"],
        [2, "Rencana Strategis KPU Kabupaten Mesuji 2025-2029", KEU, "Sekretaris",
         "Mesuji, 2025", "", "", "v", "5 Tahun"],
        ["B.", "Informasi yang Wajib Diumumkan Secara Serta Merta"],
        [1, "Informasi bencana yang mengganggu tahapan pemilihan", HUKUM, "Kepala Subbagian",
         "Kantor KPU Kabupaten Mesuji, 2 Januari 2025", "", "", "v", "2 Tahun"],
        ["C.", "Informasi yang Wajib Tersedia Setiap Saat"],
        [1, "Keputusan KPU Kabupaten Mesuji tentang Penetapan DPT", HUKUM, "Ketua",
         "Maret 2025, Mesuji", "v", "", "", "Permanen"],
    ]  # fmt: skip


def write_published(path: Path, rows: list[list[Any]] | None = None) -> Path:
    """The table as Excel saves it, with the Bentuk header merged over its three ticks."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DIP 2025"
    for r, row in enumerate(rows if rows is not None else published_rows(), start=1):
        for c, value in enumerate(row, start=1):
            if value not in ("", None):
                ws.cell(r, c, value)
    ws.merge_cells("F4:H4")
    for col in "ABCDEI":
        ws.merge_cells(f"{col}4:{col}5")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
