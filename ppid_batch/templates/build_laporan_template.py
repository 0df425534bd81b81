"""Builds templates/laporan-tahunan.docx (SOP record: laporan tahunan) reproducibly.

Run `python ppid_batch/templates/build_laporan_template.py` after changing this script and commit
the .docx. It reuses the letterhead, table and signature helpers of build_templates.py so
the annual report looks like the office's other documents. Variables are listed in
docs/reports.md and checked by ppid_batch.reports.laporan.TEMPLATE_VARIABLES.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))  # the checkout, for ppid_batch

from build_templates import (  # noqa: E402
    CENTER,
    _new_document,
    _save,
    body,
    field_table,
    keep_with_next,
    letterhead,
    loop_table,
    optional_table,
    para,
    ppid_signature,
)
from docx.shared import Cm  # noqa: E402

NAME = "laporan-tahunan.docx"


def heading(doc, text: str) -> None:
    p = para(doc, text, bold=True, after=4)
    p.paragraph_format.space_before = Cm(0.3)
    keep_with_next(p)  # a heading never ends a page without its first lines


def build_laporan() -> object:
    doc = _new_document()
    letterhead(doc)
    para(doc, "LAPORAN TAHUNAN", bold=True, align=CENTER, size=13)
    para(doc, "{{ sop.nama|upper }}", bold=True, align=CENTER, size=13)
    para(doc, "{{ kantor.nama_satker|upper }}", bold=True, align=CENTER)
    para(doc, "TAHUN {{ tahun }}", bold=True, align=CENTER, after=6)
    para(doc, "Keadaan per {{ per_tanggal }}", align=CENTER, after=12)

    para(doc, "{%p if ada_kegiatan %}")
    heading(doc, "A. Pendahuluan")
    body(
        doc,
        "Laporan ini disusun sebagai pelaksanaan {{ sop.judul }} dan memuat rekapitulasi "
        "pengumpulan, persetujuan dan pendokumentasian "
        "informasi publik di lingkungan {{ kantor.nama_satker }} selama tahun {{ tahun }}, "
        "disusun dari register ppid-batch.",
    )

    heading(doc, "B. Ringkasan")
    field_table(
        doc,
        [
            (
                "Berkas masuk",
                "{{ formulir_diterima }} berkas (formulir dan lembar persetujuan), "
                "{{ formulir_ditolak }} ditolak",
            ),
            ("Informasi didaftarkan", "{{ jumlah_informasi }} informasi"),
            ("Disetujui", "{{ disetujui }} informasi"),
            ("Tidak disetujui", "{{ ditolak }} informasi"),
            ("Belum diputuskan", "{{ menunggu }} informasi"),
            ("Median sampai keputusan", "{{ median_keputusan }}"),
            ("Median sampai pendokumentasian", "{{ median_dokumentasi }}"),
            ("Nota Dinas diterbitkan", "{{ jumlah_nota_dinas }} Nota Dinas"),
            ("Duplikat saat pendaftaran", "{{ duplikat }} informasi"),
            ("Kemiripan antar-unit", "{{ mirip }} pasang informasi"),
        ],
        label_cm=6.0,
    )
    para(doc, after=6)

    heading(doc, "C. Informasi per Unit Kerja")
    loop_table(
        doc, ["No", "Unit Kerja", "Jumlah Informasi"],
        ["{{ u.no }}", "{{ u.nama }}", "{{ u.jumlah }}"], "u in per_unit", [1.0, 11.0, 4.0],
    )  # fmt: skip
    para(doc, "{{ grafik_per_unit }}", align=CENTER, after=6)

    heading(doc, "D. Informasi per Jenis dan Bentuk")
    loop_table(
        doc, ["No", "Jenis Informasi", "Jumlah Informasi"],
        ["{{ j.no }}", "{{ j.nama }}", "{{ j.jumlah }}"], "j in per_jenis", [1.0, 11.0, 4.0],
    )  # fmt: skip
    para(doc, after=6)
    loop_table(
        doc, ["No", "Bentuk Informasi", "Jumlah Informasi"],
        ["{{ bt.no }}", "{{ bt.nama }}", "{{ bt.jumlah }}"], "bt in per_bentuk", [1.0, 11.0, 4.0],
    )  # fmt: skip
    para(doc, after=6)

    heading(doc, "E. Informasi per Bulan")
    loop_table(
        doc,
        ["Bulan", "Berkala", "Serta Merta", "Setiap Saat", "Dikecualikan", "Jumlah"],
        ["{{ m.bulan }}", "{{ m.berkala }}", "{{ m.serta_merta }}", "{{ m.setiap_saat }}",
         "{{ m.dikecualikan }}", "{{ m.jumlah }}"],
        "m in per_bulan",
        [3.5, 2.5, 2.5, 2.5, 2.5, 2.5],
    )  # fmt: skip
    para(doc, "{{ grafik_per_bulan }}", align=CENTER, after=6)

    heading(doc, "F. Keputusan Atasan PPID")
    body(
        doc,
        "Keadaan pada {{ per_tanggal }}: {{ disetujui }} informasi disetujui, {{ ditolak }} "
        "tidak disetujui dan {{ menunggu }} belum diputuskan. Median waktu dari penerimaan "
        "formulir sampai keputusan {{ median_keputusan }}; sampai pendokumentasian dalam Nota "
        "Dinas {{ median_dokumentasi }}.",
    )
    para(doc, "{{ grafik_keputusan }}", align=CENTER, after=6)
    keep_with_next(para(doc, "Pokok arahan atas informasi yang tidak disetujui:", after=4))
    optional_table(
        doc, "tema_arahan", "Tidak ada informasi yang tidak disetujui.",
        ["No", "Pokok Arahan", "Jumlah"], ["{{ t.no }}", "{{ t.nama }}", "{{ t.jumlah }}"],
        "t in tema_arahan", [1.0, 11.0, 4.0],
    )  # fmt: skip

    heading(doc, "G. Nota Dinas yang Diterbitkan")
    optional_table(
        doc, "nota_dinas", "Tidak ada Nota Dinas yang diterbitkan.",
        ["No", "Nomor", "Tanggal", "Unit Kerja", "Jumlah Informasi"],
        ["{{ nd.no }}", "{{ nd.nomor }}", "{{ nd.tanggal }}", "{{ nd.unit }}", "{{ nd.jumlah }}"],
        "nd in nota_dinas", [1.0, 5.6, 3.1, 4.4, 2.4],
    )  # fmt: skip

    heading(doc, "H. Berkas yang Ditolak")
    optional_table(
        doc, "formulir_ditolak_daftar", "Tidak ada berkas yang ditolak.",
        ["No", "Berkas", "Unit Kerja", "Tanggal Diterima", "Jumlah Kesalahan"],
        ["{{ f.no }}", "{{ f.berkas }}", "{{ f.unit }}", "{{ f.tanggal }}", "{{ f.jumlah }}"],
        "f in formulir_ditolak_daftar", [1.0, 5.0, 4.5, 3.5, 2.5],
    )  # fmt: skip
    keep_with_next(para(doc, "Kesalahan yang paling sering ditemukan:", after=4))
    optional_table(
        doc, "kesalahan", "Tidak ada kesalahan yang dicatat.",
        ["No", "Jenis Kesalahan", "Jumlah"], ["{{ k.no }}", "{{ k.nama }}", "{{ k.jumlah }}"],
        "k in kesalahan", [1.0, 11.0, 4.0],
    )  # fmt: skip

    heading(doc, "I. Riwayat Perubahan Daftar Informasi Publik")
    optional_table(
        doc, "perubahan", "Tidak ada perubahan Daftar Informasi Publik.",
        ["No", "Tanggal", "ID Informasi", "Unit Kerja", "Perubahan", "Ringkasan Isi Informasi"],
        ["{{ c.no }}", "{{ c.tanggal }}", "{{ c.id }}", "{{ c.unit }}", "{{ c.perubahan }}",
         "{{ c.ringkasan }}"],
        "c in perubahan", [1.2, 2.3, 2.9, 3.0, 2.7, 4.5],
    )  # fmt: skip
    para(doc, "{%p if perubahan_lain %}")
    body(doc, "{{ perubahan_lain }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p else %}")
    body(doc, "Tidak ada kegiatan pendokumentasian pada tahun {{ tahun }}.")
    para(doc, "{%p endif %}")

    body(doc, "Demikian laporan ini disusun untuk dipergunakan sebagaimana mestinya.", after=12)
    ppid_signature(doc, "{{ kantor.kota }}, {{ tanggal }}")
    return doc


def main() -> int:
    _save(build_laporan(), HERE / NAME)
    print(f"templat ditulis: {HERE / NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
