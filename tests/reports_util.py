"""Hand-made register items and facts for the SOP-records tests (matrix, report, charts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from factories import register_item

from ppid_batch.models import RegisterItem
from ppid_batch.reports.facts import (
    AnnualFacts,
    ChangeFact,
    DecisionFact,
    FormFact,
    NotaDinasFact,
    RunFact,
    build_facts,
)
from ppid_batch.store.nota_dinas import number_nota_dinas

HUKUM = "Subbagian Hukum dan SDM"
KEUANGAN = "Subbagian Keuangan, Umum dan Logistik"
TEKNIS = "Subbagian Teknis Penyelenggaraan Pemilu"
D = dt.date


def item(n: int, unit: str, ringkasan: str | None = None, **kw: Any) -> RegisterItem:
    return register_item(
        f"DIP-2025-{n:04d}", unit, ringkasan or f"Informasi nomor {n} milik {unit}", **kw
    )


def year_2025() -> AnnualFacts:
    """Three nights of a small office year.

    Night 1 (3 March): Hukum sends 3 items, Keuangan 2; a Teknis form is rejected.
    Night 2 (10 March): the Atasan PPID decides 4 (3 YA, 1 TIDAK), one Nota Dinas per unit.
    Night 3 (2 June): Teknis resends (2 items, one a duplicate refused at intake);
    one Hukum item still pending; Teknis items decided 20 June in night 4.
    """
    items = [
        item(1, HUKUM, received_on=D(2025, 3, 3), status="approved", decided_on=D(2025, 3, 10),
             nota_dinas="1/HM.02-ND/1811/2025"),
        item(2, HUKUM, received_on=D(2025, 3, 3), status="refused", decided_on=D(2025, 3, 10),
             jenis="Setiap Saat", arahan="Ringkasan kurang jelas, mohon dirinci."),
        item(3, HUKUM, received_on=D(2025, 3, 3), jenis="Setiap Saat", bentuk="Hardcopy"),
        item(4, KEUANGAN, received_on=D(2025, 3, 3), status="approved", decided_on=D(2025, 3, 10),
             nota_dinas="2/HM.02-ND/1811/2025"),
        item(5, KEUANGAN, received_on=D(2025, 3, 3), status="approved", decided_on=D(2025, 3, 10),
             jenis="Dikecualikan", dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
             nota_dinas="2/HM.02-ND/1811/2025"),
        item(6, TEKNIS, received_on=D(2025, 6, 2), status="approved", decided_on=D(2025, 6, 20),
             jenis="Serta Merta", bentuk="Softcopy dan Hardcopy",
             nota_dinas="3/HM.02-ND/1811/2025"),
        item(7, TEKNIS, received_on=D(2025, 6, 2), status="refused", decided_on=D(2025, 6, 20),
             arahan="Sudah terdaftar oleh Subbagian Hukum."),
    ]  # fmt: skip
    nd1 = NotaDinasFact("1/HM.02-ND/1811/2025", D(2025, 3, 10), HUKUM, 1, run_id=2)
    nd2 = NotaDinasFact("2/HM.02-ND/1811/2025", D(2025, 3, 10), KEUANGAN, 2, run_id=2)
    nd3 = NotaDinasFact("3/HM.02-ND/1811/2025", D(2025, 6, 20), TEKNIS, 1, run_id=4)
    runs = [
        RunFact(1, D(2025, 3, 3), registered=5, forms=(
            FormFact("Form-DIP-Hukum.xlsx", "form_dip", D(2025, 3, 3), True, HUKUM, 3),
            FormFact("Form-DIP-Keuangan.xlsx", "form_dip", D(2025, 3, 3), True, KEUANGAN, 2),
            FormFact("Form-DIP-Teknis.xlsx", "form_dip", D(2025, 3, 3), False, TEKNIS, 2,
                     errors=3, error_types=("choice", "required")),
        )),
        RunFact(2, D(2025, 3, 10), forms=(
            FormFact("Lembar-Persetujuan-2025-03-03.xlsx", "persetujuan", D(2025, 3, 10), True,
                     None, 4),
        ), decisions=(
            DecisionFact("Lembar-Persetujuan-2025-03-03.xlsx", "Ahmad Atasan", D(2025, 3, 10),
                         3, 1, (7, 7, 7, 7)),
        ), nota_dinas=(nd1, nd2)),
        RunFact(3, D(2025, 6, 2), registered=2, forms=(
            FormFact("Form-DIP-Teknis-revisi.xlsx", "form_dip", D(2025, 6, 2), True, TEKNIS, 3,
                     duplicates=1),
        )),
        RunFact(4, D(2025, 6, 20), forms=(
            FormFact("Lembar-Persetujuan-2025-06-02.xlsx", "persetujuan", D(2025, 6, 20), True,
                     None, 2),
        ), decisions=(
            DecisionFact("Lembar-Persetujuan-2025-06-02.xlsx", "Ahmad Atasan", D(2025, 6, 20),
                         1, 1, (18, 18)),
        ), nota_dinas=(nd3,)),
    ]  # fmt: skip
    changes = [
        ChangeFact(2, D(2025, 3, 10), "Ditambahkan ke Daftar Informasi Publik", "DIP-2025-0001",
                   HUKUM, items[0].ringkasan, "Berkala"),
        ChangeFact(2, D(2025, 3, 10), "Ditambahkan ke Daftar Informasi Publik", "DIP-2025-0004",
                   KEUANGAN, items[3].ringkasan, "Berkala"),
        ChangeFact(2, D(2025, 3, 10), "Dipindahkan ke Daftar Usulan Informasi yang Dikecualikan",
                   "DIP-2025-0005", KEUANGAN, items[4].ringkasan, "Dikecualikan"),
        ChangeFact(4, D(2025, 6, 20), "Ditambahkan ke Daftar Informasi Publik", "DIP-2025-0006",
                   TEKNIS, items[5].ringkasan, "Serta Merta"),
    ]  # fmt: skip
    return build_facts(
        2025,
        items=items,
        runs=runs,
        nota_dinas=[nd3, nd1, nd2],
        changes=changes,
        near_duplicates=1,
        today=D(2026, 1, 15),
    )


def library_year(store: Any, config: Any) -> None:
    """The same four nights as year_2025(), through the register's own functions.

    register_form / apply_approval / issue_nota_dinas with the nights' dates: what
    `ppid-batch run` does each night, without the files.
    """
    from store_util import approval_report, form_report
    from store_util import item as row

    from ppid_batch.approve.apply import apply_approval
    from ppid_batch.models import Finding
    from ppid_batch.register.items import register_form

    def night(day: dt.date, work: Any) -> None:
        run_id = store.start_run()
        work(run_id, day)
        store.finish_run(run_id, "ok", {})

    def n1(run_id: int, day: dt.date) -> None:
        register_form(
            store,
            form_report(
                "Form-DIP-Hukum.xlsx",
                [
                    row("Laporan Keuangan Tahunan KPU Kabupaten Mesuji 2024"),
                    row("Daftar Pemilih Tetap per kecamatan", jenis="Setiap Saat"),
                    row("Notula rapat pleno penetapan", jenis="Setiap Saat", bentuk="Hardcopy"),
                ],
                unit=HUKUM,
                tanggal=day,
            ),
            received=day,
            run_id=run_id,
        )
        register_form(
            store,
            form_report(
                "Form-DIP-Keuangan.xlsx",
                [
                    row("Rencana Kerja dan Anggaran 2025", penguasa=KEUANGAN),
                    row(
                        "Data gaji pegawai",
                        jenis="Dikecualikan",
                        dasar_pengecualian="Pasal 17 huruf h UU 14/2008",
                    ),
                ],
                unit=KEUANGAN,
                tanggal=day,
            ),
            received=day,
            run_id=run_id,
        )
        bad = [
            Finding(
                "choice",
                "Jenis Informasi harus salah satu dari: …",
                field="jenis",
                cell="J8",
                row=8,
            ),
            Finding(
                "choice",
                "Jenis Informasi harus salah satu dari: …",
                field="jenis",
                cell="J9",
                row=9,
            ),
            Finding("required", "Ringkasan wajib diisi", field="ringkasan", cell="C9", row=9),
        ]
        register_form(
            store,
            form_report(
                "Form-DIP-Teknis.xlsx",
                [
                    row("Jadwal tahapan", jenis="Rahasia"),
                    row("", jenis="Rahasia"),
                ],
                unit=TEKNIS,
                tanggal=day,
                errors=bad,
            ),
            received=day,
            run_id=run_id,
        )

    def n2(run_id: int, day: dt.date) -> None:
        apply_approval(
            store,
            approval_report(
                [
                    ("DIP-2025-0001", "YA", None),
                    ("DIP-2025-0002", "TIDAK", "Ringkasan kurang jelas, mohon dirinci."),
                    ("DIP-2025-0004", "YA", None),
                    ("DIP-2025-0005", "YA", None),
                ],
                name="Lembar-Persetujuan-2025-03-03.xlsx",
                atasan="Ahmad Atasan",
                tanggal=day,
            ),
            run_id=run_id,
            received=day,
        )
        number_nota_dinas(
            store,
            2025,
            HUKUM,
            ["DIP-2025-0001"],
            day,
            run_id,
            lambda u: config.nota_number(u, 2025, day.month),
        )
        number_nota_dinas(
            store,
            2025,
            KEUANGAN,
            ["DIP-2025-0004", "DIP-2025-0005"],
            day,
            run_id,
            lambda u: config.nota_number(u, 2025, day.month),
        )

    def n3(run_id: int, day: dt.date) -> None:
        register_form(
            store,
            form_report(
                "Form-DIP-Teknis-revisi.xlsx",
                [
                    row(
                        "Pengumuman penetapan hasil pemilu",
                        jenis="Serta Merta",
                        bentuk="Softcopy dan Hardcopy",
                    ),
                    row("laporan keuangan tahunan KPU Kab. Mesuji 2024"),
                    row(
                        "Pengumuman penetapan hasil pemilu",
                        jenis="Serta Merta",
                        bentuk="Softcopy dan Hardcopy",
                    ),
                ],
                unit=TEKNIS,
                tanggal=day,
            ),
            received=day,
            run_id=run_id,
        )

    def n4(run_id: int, day: dt.date) -> None:
        apply_approval(
            store,
            approval_report(
                [
                    ("DIP-2025-0006", "YA", None),
                    ("DIP-2025-0007", "TIDAK", "Sudah terdaftar oleh Subbagian Hukum."),
                ],
                name="Lembar-Persetujuan-2025-06-02.xlsx",
                atasan="Ahmad Atasan",
                tanggal=day,
            ),
            run_id=run_id,
            received=day,
        )
        number_nota_dinas(
            store,
            2025,
            TEKNIS,
            ["DIP-2025-0006"],
            day,
            run_id,
            lambda u: config.nota_number(u, 2025, day.month),
        )

    night(D(2025, 3, 3), n1)
    night(D(2025, 3, 10), n2)
    night(D(2025, 6, 2), n3)
    night(D(2025, 6, 20), n4)


FORM_HEADER = (
    "No", "Ringkasan Isi Informasi", "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi", "Waktu Pembuatan Informasi",
    "Tempat Pembuatan Informasi", "Bentuk Informasi yang Tersedia",
    "Jangka Waktu Penyimpanan atau Retensi Arsip", "Jenis Informasi",
    "Dasar Hukum Pengecualian",
)  # fmt: skip


def write_form(path: Path, unit: str, filled: dt.date, rows: list[tuple[Any, ...]]) -> Path:
    """A Form Daftar Informasi Publik as a clerk fills it in Excel (openpyxl)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form DIP"
    ws.append(["FORMULIR DAFTAR INFORMASI PUBLIK"])
    ws.append([])
    ws.append(["Unit Kerja / Subbagian", unit])
    ws.append(["Nama Petugas", "Rina Marlina"])
    ws.append(["Tanggal Pengisian", dt.datetime.combine(filled, dt.time())])
    ws.append([])
    ws.append(list(FORM_HEADER))
    for n, (ringkasan, jenis, *rest) in enumerate(rows, 1):
        bentuk = rest[0] if rest else "Softcopy"
        dasar = rest[1] if len(rest) > 1 else None
        ws.append([n, ringkasan, unit, f"Kepala {unit}", "Februari 2025", "Mesuji", bentuk,
                   "5 Tahun", jenis, dasar])  # fmt: skip
    wb.save(path)
    return path


def cli_year(ws: Path, scratch: Path) -> list[Any]:
    """Four nights of 2025 through `ppid-batch run --now …`, with the sheets filled by hand.

    Night 1 (3 March): Hukum sends 3 items, Keuangan 2 (one Dikecualikan); a Teknis
    form with a wrong jenis and a missing ringkasan is rejected. Night 2 (10 March):
    the Atasan PPID's sheet, dated 7 March, approves all but the last row. Night 3
    (2 June): Teknis sends again (one row twice, one nearly the same as a Hukum
    item). Night 4 (20 June): the new sheet, dated 16 June, approves all but its
    last row.
    """
    from batch_util import drop, run_cli

    from ppid_batch.batch.demo import fill_approval_sheet

    results = []

    def night(day: str, files: list[Path]) -> None:
        drop(ws, files)
        result = run_cli(ws, now=f"{day}T01:00:00")
        assert result.exit_code in (0, 1), result.output
        results.append(result)

    def sheet(made: str, decided: dt.date) -> Path:
        generated = ws / "output" / "persetujuan" / f"Lembar-Persetujuan-{made}.xlsx"
        target = scratch / f"Lembar-Persetujuan-{made}-diisi.xlsx"
        fill_approval_sheet(generated, target, atasan="Ahmad Atasan", day=decided, refuse=1)
        return target

    scratch.mkdir(parents=True, exist_ok=True)
    night("2025-03-03", [
        write_form(scratch / "Form-DIP-Hukum.xlsx", HUKUM, D(2025, 3, 1), [
            ("Laporan Keuangan Tahunan KPU Kabupaten Mesuji 2024", "Berkala"),
            ("Daftar Pemilih Tetap per kecamatan", "Setiap Saat"),
            ("Notula rapat pleno penetapan", "Setiap Saat", "Hardcopy"),
        ]),
        write_form(scratch / "Form-DIP-Keuangan.xlsx", KEUANGAN, D(2025, 3, 1), [
            ("Data gaji pegawai", "Dikecualikan", "Softcopy", "Pasal 17 huruf h UU 14/2008"),
            ("Rencana Kerja dan Anggaran 2025", "Berkala"),
        ]),
        write_form(scratch / "Form-DIP-Teknis.xlsx", TEKNIS, D(2025, 3, 1), [
            ("Jadwal tahapan pemilihan", "Rahasia"),
            (None, "Berkala"),
        ]),
    ])  # fmt: skip
    night("2025-03-10", [sheet("2025-03-03", D(2025, 3, 7))])
    night("2025-06-02", [
        write_form(scratch / "Form-DIP-Teknis-revisi.xlsx", TEKNIS, D(2025, 5, 28), [
            ("Pengumuman penetapan hasil pemilu", "Serta Merta", "Softcopy dan Hardcopy"),
            ("laporan keuangan tahunan KPU Kab. Mesuji 2024", "Berkala"),
            ("Pengumuman penetapan hasil pemilu", "Serta Merta", "Softcopy dan Hardcopy"),
        ]),
    ])  # fmt: skip
    night("2025-06-20", [sheet("2025-06-02", D(2025, 6, 16))])
    return results
