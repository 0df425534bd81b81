"""Builds the example filled forms (SOP step 1) the demo and the tests read.

Each form is written the way a clerk of KPU Kabupaten Mesuji would fill it: own
title rows, a metadata block (sometimes with a lone ':' cell), label variants,
mixed date styles and category spellings. Most are written with openpyxl (as
Excel would), one with xlsxwriter. The output is byte-identical on every run:

    python examples/make_examples.py
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2026, 11, 20, 8, 0, 0)
ZIP_TIME = (2026, 11, 20, 8, 0, 0)

FULL_HEADER = (
    "No",
    "Ringkasan Isi Informasi",
    "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi",
    "Penanggung Jawab Pembuatan atau Penerbitan Informasi",
    "Waktu Pembuatan Informasi",
    "Tempat Pembuatan Informasi",
    "Bentuk Informasi yang Tersedia",
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
    "Jenis Informasi",
    "Dasar Hukum Pengecualian",
    "Konsekuensi Jika Dibuka",
    "Tautan/Lokasi Dokumen",
    "Keterangan",
)

# ---------------------------------------------------------------- the forms' contents
# fmt: off

KUL = "Subbagian Keuangan, Umum dan Logistik"
KASUBAG_KUL = "Kepala Subbagian Keuangan, Umum dan Logistik"
KEUANGAN = {
    "file": "Form-DIP-Keuangan-Umum-Logistik.xlsx",
    "meta": (
        ("Unit Kerja / Subbagian", "Keuangan, Umum dan Logistik"),
        ("Nama Petugas", "Rina Marlina, S.E."),
        ("NIP", "19880514 201101 2 003"),
        ("Tanggal Pengisian", "14 November 2026"),
    ),
    "rows": [
        # ringkasan, penguasa, penanggung jawab, waktu, tempat, bentuk, retensi, jenis,
        # dasar, konsekuensi, tautan, keterangan
        ("Daftar Isian Pelaksanaan Anggaran (DIPA) KPU Kabupaten Mesuji Tahun Anggaran 2025",
         KUL, "Sekretaris KPU Kabupaten Mesuji", "Desember 2024", "Mesuji",
         "Softcopy dan Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Informasi Berkala",
         None, None, "Lemari Arsip Subbag KUL, Rak 1", None),
        ("Rencana Kerja dan Anggaran (RKA) Satuan Kerja KPU Kabupaten Mesuji Tahun 2026",
         KUL, "Sekretaris KPU Kabupaten Mesuji", "Agustus 2025", "Mesuji",
         "soft copy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None, None, None),
        ("Laporan Realisasi Anggaran Semester I Tahun 2025",
         KUL, KASUBAG_KUL, dt.date(2025, 7, 15), "Mesuji",
         "Softcopy dan Hardcopy", "5 thn", "Informasi Berkala", None, None, None, None),
        ("Laporan Keuangan KPU Kabupaten Mesuji Tahun 2024 (sudah direviu)",
         KUL, "Sekretaris KPU Kabupaten Mesuji", "Maret 2025", "Mesuji",
         "softcopy/hardcopy", "2 Tahun Aktif, 8 Tahun Inaktif", "Berkala", None, None, None,
         "Laporan tahunan"),
        ("Laporan Harta Kekayaan Penyelenggara Negara (LHKPN) Ketua dan Anggota KPU Kabupaten "
         "Mesuji Tahun Pelaporan 2024",
         KUL, KASUBAG_KUL, "31 Maret 2025", "Mesuji",
         "Softcopy", "5 Tahun", "Informasi Berkala", None, None,
         "https://elhkpn.kpk.go.id/", "Pengumuman LHKPN di laman KPK"),
        ("Laporan Barang Milik Negara (BMN) Semester II Tahun 2024",
         KUL, "Pengelola BMN", "Januari 2025", "Mesuji",
         "Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None, None, None),
        ("Dokumen Pengadaan Barang Logistik Pemilihan Bupati dan Wakil Bupati Mesuji Tahun "
         "2024 (surat suara, formulir, tinta dan perlengkapan TPS)",
         KUL, "Pejabat Pembuat Komitmen", "2024", "Mesuji",
         "Softcopy dan Hardcopy", "5 thn", "Tersedia Setiap Saat", None, None,
         "Lemari Arsip Subbag KUL, Rak 3", "Kontrak dan berita acara pemeriksaan"),
        ("Berita Acara Serah Terima Logistik Pemilihan 2024 dari KPU Kabupaten Mesuji kepada "
         "PPK se-Kabupaten Mesuji",
         KUL, KASUBAG_KUL, "02/11/2024", "Gudang Logistik KPU Kabupaten Mesuji",
         "Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None,
         "Gudang Logistik, Lemari 2", None),
        ("Rencana Umum Pengadaan (RUP) KPU Kabupaten Mesuji Tahun Anggaran 2025",
         KUL, "Pejabat Pembuat Komitmen", "15 Januari 2025", "Mesuji",
         "online", "5 Tahun", "Informasi Berkala", None, None,
         "https://sirup.lkpp.go.id/", None),
        ("Laporan Persediaan Barang Triwulan III Tahun 2025",
         KUL, "Pengelola Persediaan", "Okt 2025", "Mesuji",
         "soft copy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None, None, None),
        ("Keputusan Sekretaris KPU Kabupaten Mesuji tentang Penetapan Pejabat Pengelola "
         "Keuangan Tahun Anggaran 2025",
         KUL, "Sekretaris KPU Kabupaten Mesuji", dt.date(2025, 1, 2), "Mesuji",
         "Softcopy dan Hardcopy", "Selama Berlaku", "Setiap Saat", None, None, None, None),
        ("Laporan Pertanggungjawaban Penggunaan Dana Hibah Pemilihan Bupati dan Wakil Bupati "
         "Mesuji Tahun 2024",
         KUL, "Sekretaris KPU Kabupaten Mesuji", "Maret 2025", "Mesuji",
         "Cetak/Online", "10", "Berkala", None, None, None, "Diserahkan ke Pemkab Mesuji"),
        ("Naskah Perjanjian Hibah Daerah (NPHD) Pemilihan Bupati dan Wakil Bupati Mesuji "
         "Tahun 2024",
         KUL, "Sekretaris KPU Kabupaten Mesuji", "10 November 2023", "Mesuji",
         "Hardcopy", "Permanen", "Tersedia Setiap Saat", None, None,
         "Lemari Arsip Subbag KUL, Rak 1", None),
        ("Daftar Inventaris Kendaraan Dinas dan Peralatan Kantor Tahun 2025",
         KUL, "Pengelola BMN", "2025", "Mesuji",
         "cetak", "5 Tahun", "Setiap Saat", None, None, None, None),
    ],
}

TEKNIS = "Subbagian Teknis Penyelenggaraan Pemilu dan Hukum"
KASUBAG_TEKNIS = "Kepala Subbagian Teknis Penyelenggaraan Pemilu dan Hukum"
JDIH = "https://jdih.kpu.go.id/lampung/mesuji"
TEKNIS_FORM = {
    "file": "Form-DIP-Teknis-Penyelenggaraan-Hukum.xlsx",
    "meta": (
        ("Unit Kerja / Subbagian", "Teknis Penyelenggaraan Pemilu dan Hukum"),
        ("Nama Petugas", "Ahmad Fauzi, S.H."),
        ("NIP", "199003122014031002"),
        ("Tanggal Pengisian", dt.date(2026, 11, 10)),
    ),
    "rows": [
        ("Keputusan KPU Kabupaten Mesuji tentang Penetapan Pasangan Calon Bupati dan Wakil "
         "Bupati Mesuji Tahun 2024",
         TEKNIS, "Ketua KPU Kabupaten Mesuji", "22 September 2024", "Mesuji",
         "Softcopy dan Hardcopy", "Permanen", "Informasi Berkala", None, None, JDIH, None),
        ("Berita Acara dan Sertifikat Rekapitulasi Hasil Penghitungan Suara Pemilihan Bupati "
         "dan Wakil Bupati Mesuji Tahun 2024 Tingkat Kabupaten",
         TEKNIS, "Ketua KPU Kabupaten Mesuji", dt.date(2024, 12, 5), "Mesuji",
         "Softcopy dan Hardcopy", "Permanen", "serta-merta", None, None,
         "https://pilkada2024.kpu.go.id/", "Model D.HASIL KABUPATEN/KOTA"),
        ("Berita Acara Rapat Pleno Terbuka Rekapitulasi Daftar Pemilih Tetap (DPT) Pemilihan "
         "Tahun 2024",
         TEKNIS, KASUBAG_TEKNIS, "Sep 2024", "Aula KPU Kabupaten Mesuji",
         "soft copy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None, None, None),
        ("Rekapitulasi Daftar Pemilih Tetap (DPT) Pemilihan 2024 per Kecamatan dan Desa",
         TEKNIS, KASUBAG_TEKNIS, "2024", "Mesuji",
         "Softcopy", "5 Tahun", "Tersedia Setiap Saat", None, None,
         "https://cekdptonline.kpu.go.id/", "Tanpa NIK dan NKK"),
        ("Salinan Daftar Pemilih Tetap (DPT) Pemilihan 2024 dengan NIK dan NKK lengkap",
         TEKNIS, KASUBAG_TEKNIS, "20/09/2024", "Mesuji",
         "Softcopy", "5 Tahun", "Dikecualikan",
         "Pasal 17 huruf h UU Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik "
         "jo. UU Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi",
         "Membuka NIK, NKK dan alamat pemilih dapat mengungkap data pribadi dan "
         "disalahgunakan untuk penipuan atau pemalsuan identitas",
         "Server Subbag Teknis (akses terbatas)", "Diberikan hanya kepada peserta pemilihan"),
        ("Rekapitulasi Pemutakhiran Data Pemilih Berkelanjutan (PDPB) Triwulan III Tahun 2025",
         TEKNIS, KASUBAG_TEKNIS, "Oktober 2025", "Mesuji",
         "Softcopy dan Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Informasi Berkala",
         None, None, None, None),
        ("Laporan Dana Kampanye Pasangan Calon Bupati dan Wakil Bupati Mesuji Tahun 2024 "
         "(LADK, LPSDK dan LPPDK) beserta Hasil Audit Kantor Akuntan Publik",
         TEKNIS, KASUBAG_TEKNIS, "Desember 2024", "Mesuji",
         "Softcopy dan Hardcopy", "5 thn", "Berkala", None, None,
         "https://sikadeka.kpu.go.id/", None),
        ("Produk Hukum Keputusan KPU Kabupaten Mesuji Tahun 2025 yang dimuat dalam JDIH",
         TEKNIS, KASUBAG_TEKNIS, "2025", "Mesuji",
         "Softcopy", "Selama Berlaku", "Setiap Saat", None, None, JDIH, None),
        ("Salinan Peraturan KPU (PKPU) tentang Pemutakhiran Data Pemilih Berkelanjutan yang "
         "berlaku",
         TEKNIS, "Kepala Subbagian Teknis Penyelenggaraan Pemilu dan Hukum", "Februari 2025",
         "Jakarta", "Softcopy", "Selama Berlaku", "Tersedia Setiap Saat", None, None,
         "https://jdih.kpu.go.id/", "Diterbitkan KPU RI"),
        ("Laporan Penanganan Dugaan Pelanggaran Kode Etik Anggota Badan Ad Hoc Pemilihan 2024",
         TEKNIS, KASUBAG_TEKNIS, "Desember 2024", "Mesuji",
         "Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None,
         "Lemari Arsip Subbag Hukum, Rak 2", None),
        ("Keputusan KPU Kabupaten Mesuji tentang Penetapan Pasangan Calon Bupati dan Wakil "
         "Bupati Mesuji Terpilih Tahun 2024",
         TEKNIS, "Ketua KPU Kabupaten Mesuji", "Februari 2025", "Mesuji",
         "Softcopy dan Hardcopy", "Permanen", "Serta Merta", None, None, JDIH, None),
        ("Dokumen Jawaban KPU Kabupaten Mesuji dalam Perkara Perselisihan Hasil Pemilihan "
         "Bupati dan Wakil Bupati Mesuji Tahun 2024",
         TEKNIS, KASUBAG_TEKNIS, "Januari 2025", "Jakarta",
         "Softcopy dan Hardcopy", "Permanen", "Setiap Saat", None, None,
         "Lemari Arsip Subbag Hukum, Rak 1", None),
    ],
}

RENDATIN = "Subbagian Perencanaan, Data dan Informasi"
KASUBAG_RENDATIN = "Kepala Subbagian Perencanaan, Data dan Informasi"
RENDATIN_FORM = {
    "file": "Form-DIP-Perencanaan-Data-Informasi.xlsx",
    "meta": (
        ("Unit Kerja", "Perencanaan, Data dan Informasi"),
        ("Nama Petugas", "Dedi Kurniawan, S.Kom."),
        ("NIP", "19920807 201902 1 004"),
        ("Tanggal Pengisian", "09/11/2026"),
    ),
    "rows": [
        ("Rencana Strategis (Renstra) KPU Kabupaten Mesuji Tahun 2025-2029",
         RENDATIN, "Sekretaris KPU Kabupaten Mesuji", "2025", "Mesuji",
         "Softcopy dan Hardcopy", "Selama Berlaku", "Setiap Saat", None, None, None, None),
        ("Laporan Kinerja Instansi Pemerintah (LKjIP) KPU Kabupaten Mesuji Tahun 2024",
         RENDATIN, KASUBAG_RENDATIN, "Februari 2025", "Mesuji",
         "Softcopy dan Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None,
         None, None),
        ("Perjanjian Kinerja KPU Kabupaten Mesuji Tahun 2025",
         RENDATIN, "Sekretaris KPU Kabupaten Mesuji", dt.date(2025, 1, 31), "Mesuji",
         "Softcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Informasi Berkala", None, None,
         None, None),
        ("Rencana Kerja (Renja) KPU Kabupaten Mesuji Tahun 2026",
         RENDATIN, KASUBAG_RENDATIN, "Juli 2025", "Mesuji",
         "Softcopy", "5 Tahun", "Berkala", None, None, None, None),
        ("Data dan Statistik Hasil Pemilihan Bupati dan Wakil Bupati Mesuji Tahun 2024 per "
         "Kecamatan",
         RENDATIN, KASUBAG_RENDATIN, dt.date(2025, 1, 20), "Mesuji",
         "Softcopy", "Permanen", "Setiap Saat", None, None,
         "https://pilkada2024.kpu.go.id/", None),
        ("Data Jumlah TPS dan Pemilih per Desa Pemilihan Tahun 2024",
         RENDATIN, KASUBAG_RENDATIN, "2024", "Mesuji",
         "Softcopy", "5 Tahun", "Setiap Saat", None, None, None, None),
        ("Laporan Evaluasi Penyelenggaraan Pemilihan Umum Tahun 2024 di Kabupaten Mesuji",
         RENDATIN, KASUBAG_RENDATIN, "Juni 2024", "Mesuji",
         "Softcopy dan Hardcopy", "Permanen", "Berkala", None, None, None, None),
        ("Daftar Informasi Publik KPU Kabupaten Mesuji Tahun 2025",
         RENDATIN, "PPID KPU Kabupaten Mesuji", "Desember 2025", "Mesuji",
         "Softcopy dan Hardcopy", "Selama Berlaku", "Setiap Saat", None, None,
         "https://ppid.kpu.go.id/", None),
        ("Laporan Layanan Informasi Publik PPID KPU Kabupaten Mesuji Tahun 2025",
         RENDATIN, "PPID KPU Kabupaten Mesuji", "Januari 2026", "Mesuji",
         "Softcopy", "5 Tahun", "Berkala", None, None, None, None),
        ("Publikasi Hasil Hitung Sirekap Pemilihan 2024 pada hari pemungutan suara",
         RENDATIN, KASUBAG_RENDATIN, dt.date(2024, 11, 27), "Mesuji",
         "Softcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Serta Merta", None, None,
         "https://pilkada2024.kpu.go.id/", "Hasil sementara, bukan hasil resmi"),
        ("Indikator Kinerja Utama (IKU) KPU Kabupaten Mesuji Tahun 2025-2029",
         RENDATIN, KASUBAG_RENDATIN, "Maret 2025", "Mesuji",
         "Softcopy dan Hardcopy", "Selama Berlaku", "Setiap Saat", None, None, None, None),
    ],
}

PARMAS = "Subbagian Partisipasi, Hubungan Masyarakat dan SDM"
KASUBAG_PARMAS = "Kepala Subbagian Partisipasi, Hubungan Masyarakat dan SDM"
PARMAS_FORM = {
    "file": "Form-DIP-Partisipasi-Humas-SDM.xlsx",
    "meta": (
        ("Subbagian", "Partisipasi, Hubungan Masyarakat dan SDM"),
        ("Petugas Pengisi", "Siti Nurhalimah, S.Sos."),
        ("NIP", "19850721 200903 2 001"),
        ("Tanggal", "16 Nov 2026"),
    ),
    # This unit uses the combined column "Waktu dan Tempat Pembuatan Informasi".
    "rows": [
        ("Laporan Kegiatan Sosialisasi dan Pendidikan Pemilih Pemilihan Bupati dan Wakil "
         "Bupati Mesuji Tahun 2024",
         PARMAS, KASUBAG_PARMAS, "Mesuji, Oktober 2024",
         "Softcopy dan Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None,
         None, None),
        ("Keputusan KPU Kabupaten Mesuji tentang Pembentukan Relawan Demokrasi Pemilu 2024",
         PARMAS, "Ketua KPU Kabupaten Mesuji", "Kantor KPU Kabupaten Mesuji, 15 Desember 2023",
         "Softcopy dan Hardcopy", "Selama Berlaku", "Setiap Saat", None, None, JDIH, None),
        ("Laporan Tingkat Partisipasi Pemilih Pemilihan Bupati dan Wakil Bupati Mesuji "
         "Tahun 2024",
         PARMAS, KASUBAG_PARMAS, "Desember 2024, Mesuji",
         "Softcopy", "5 Tahun", "Informasi Berkala", None, None, None, None),
        ("Siaran Pers Penetapan Hasil Rekapitulasi Pemilihan Bupati dan Wakil Bupati Mesuji "
         "Tahun 2024",
         PARMAS, KASUBAG_PARMAS, "Mesuji, 5 Desember 2024",
         "online", "2 Tahun Aktif, 3 Tahun Inaktif", "Serta Merta", None, None,
         "https://kab-mesuji.kpu.go.id/", None),
        ("Daftar Urut Kepangkatan (DUK) Pegawai Sekretariat KPU Kabupaten Mesuji Tahun 2025",
         PARMAS, KASUBAG_PARMAS, "Mesuji, Januari 2025",
         "Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None, None, None),
        ("Berkas Kepegawaian Perorangan Pegawai (riwayat kesehatan, data keluarga dan "
         "penilaian kinerja individu)",
         PARMAS, KASUBAG_PARMAS, "Mesuji, 2025",
         "Hardcopy", "Permanen", "Informasi yang Dikecualikan",
         "Pasal 17 huruf h UU Nomor 14 Tahun 2008",
         "Mengungkap rahasia pribadi pegawai, termasuk kondisi kesehatan dan keluarga",
         "Lemari Arsip Kepegawaian, terkunci", None),
        ("Pengumuman Hasil Seleksi Anggota PPK dan PPS Pemilihan Tahun 2024",
         PARMAS, "Ketua KPU Kabupaten Mesuji", "Mesuji, Mei 2024",
         "Softcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Serta Merta", None, None,
         "https://kab-mesuji.kpu.go.id/", None),
        ("Laporan Pelaksanaan Pendidikan Pemilih Berkelanjutan melalui Rumah Pintar Pemilu "
         "Tahun 2025",
         PARMAS, KASUBAG_PARMAS, "Mesuji, Agt 2025",
         "Softcopy dan Hardcopy", "5 thn", "Berkala", None, None, None, None),
        ("Materi Sosialisasi dan Publikasi Media Sosial KPU Kabupaten Mesuji Tahun 2025",
         PARMAS, KASUBAG_PARMAS, "Mesuji, 2025",
         "elektronik", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None,
         "https://www.instagram.com/kpu_mesuji/", None),
        ("Dokumentasi Foto dan Video Debat Publik Pasangan Calon Bupati dan Wakil Bupati "
         "Mesuji Tahun 2024",
         PARMAS, KASUBAG_PARMAS, "Hotel di Bandar Lampung, 8 November 2024",
         "rekam", "Permanen", "Setiap Saat", None, None, None, "Flashdisk arsip humas"),
        ("Rencana Pengembangan Kompetensi Pegawai Sekretariat KPU Kabupaten Mesuji Tahun 2025",
         PARMAS, KASUBAG_PARMAS, "Mesuji, 10/02/2025",
         "Softcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None, None, None),
        ("Notula Rapat Koordinasi Sosialisasi dengan Pemangku Kepentingan Tahun 2025",
         PARMAS, KASUBAG_PARMAS, "Aula KPU Kabupaten Mesuji, 12 Maret 2025",
         "Hardcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Setiap Saat", None, None,
         "Lemari Arsip Subbag Parmas, Rak 1", None),
    ],
}

# The demo's form with mistakes: one of each kind a clerk typically makes.
PERLU_KOREKSI = {
    "file": "Form-DIP-Hukum-perlu-koreksi.xlsx",
    "meta": (
        ("Unit Kerja / Subbagian", "Teknis Penyelenggaraan Pemilu dan Hukum"),
        ("Nama Petugas", "Yusuf Hidayat"),
        ("NIP", "19881345 201101 1 001"),  # month 13: not a valid NIP
        ("Tanggal Pengisian", "20 November 2026"),
    ),
    "rows": [
        ("Keputusan KPU Kabupaten Mesuji tentang Penetapan Jumlah Kursi dan Daerah Pemilihan "
         "Anggota DPRD Kabupaten Mesuji",
         TEKNIS, "Ketua KPU Kabupaten Mesuji", "Februari 2023", "Mesuji",
         "Softcopy dan Hardcopy", "Permanen", "Berkala", None, None, JDIH, None),
        ("Notulen Rapat Pleno Tertutup Pembahasan Klarifikasi Laporan Masyarakat",
         TEKNIS, KASUBAG_TEKNIS, "Agustus 2025", "Mesuji",
         "Hardcopy", "5 Tahun", "Rahasia", None, None, None, None),  # jenis not in the list
        ("Laporan Pelaksanaan Pengawasan Produk Hukum Tahun 2025",
         TEKNIS, None, "September 2025", "Mesuji",  # no penanggung jawab
         "Softcopy", "5 Tahun", "Berkala", None, None, None, None),
        ("Berita Acara Rapat Pleno Rekapitulasi Daftar Pemilih Berkelanjutan Triwulan IV "
         "Tahun 2026",
         TEKNIS, KASUBAG_TEKNIS, "15 Desember 2026", "Mesuji",  # after tanggal pengisian
         "Softcopy", "2 Tahun Aktif, 3 Tahun Inaktif", "Berkala", None, None, None, None),
        ("Salinan Keputusan KPU Kabupaten Mesuji Tahun 2025 yang dimuat dalam JDIH",
         TEKNIS, KASUBAG_TEKNIS, "2025", "Mesuji",
         "Softcopy", "Selama Berlaku", "Setiap Saat", None, None,
         "javascript:alert('jdih')", None),  # not an http(s) link
        ("Data Pemilih Disabilitas Pemilihan 2024 beserta NIK dan Jenis Disabilitas",
         TEKNIS, KASUBAG_TEKNIS, "Oktober 2024", "Mesuji",
         "Softcopy", "5 Tahun", "Dikecualikan", None, None, None, None),  # no dasar hukum
        ("Laporan Advokasi dan Penyelesaian Sengketa Proses Pemilihan Tahun 2024",
         TEKNIS, KASUBAG_TEKNIS, "Desember 2024", "Mesuji",
         "soft copy", "5 thn", "Berkala", None, None, None, None),
        ("Daftar Produk Hukum KPU Kabupaten Mesuji Tahun 2024",
         TEKNIS, KASUBAG_TEKNIS, "Januari 2025", "Mesuji",
         "Softcopy", "Selama Berlaku", "Setiap Saat", None, None, JDIH, None),
    ],
}

# fmt: on
# ---------------------------------------------------------------- writers


def _stable_xlsx(data: bytes) -> bytes:
    """Re-pack an xlsx with fixed zip timestamps and a fixed 'modified' time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _openpyxl_form(
    form: dict,
    *,
    header: tuple[str, ...],
    colon: bool,
    widths: tuple[int, ...],
    sheet_title: str,
) -> bytes:
    wb = openpyxl.Workbook()
    wb.properties.creator = "Petugas Tim Penghubung"
    wb.properties.created = FIXED
    ws = wb.active
    ws.title = sheet_title
    ws["A1"] = "DAFTAR INFORMASI PUBLIK"
    ws["A2"] = "KOMISI PEMILIHAN UMUM KABUPATEN MESUJI"
    for cell in ("A1", "A2"):
        ws[cell].font = Font(bold=True, size=12)
    row = 4
    for label, value in form["meta"]:
        ws.cell(row, 2, label).font = Font(bold=True)
        value_col = 3
        if colon:
            ws.cell(row, 3, ":")
            value_col = 4
        cell = ws.cell(row, value_col, value)
        if isinstance(value, dt.date):
            cell.number_format = "d mmmm yyyy"
        row += 1
    header_row = row + 1
    for col, (label, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = ws.cell(header_row, col, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = BOX
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
    for n, item in enumerate(form["rows"], start=1):
        r = header_row + n
        values = (n, *item)
        if len(values) != len(header):
            raise ValueError(f"{form['file']} row {n}: {len(values)} values, {len(header)} columns")
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_xlsx(buffer.getvalue())


def _xlsxwriter_form(form: dict) -> bytes:
    """A unit that keeps its own template, columns in its own order, dates as real dates."""
    order = (0, 1, 8, 6, 4, 5, 2, 3, 7, 9, 10, 11, 12)  # No, Ringkasan, Jenis, Bentuk, ...
    header = tuple(FULL_HEADER[i] for i in order)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.set_properties({"author": "Subbag Rendatin", "created": FIXED})
    ws = wb.add_worksheet("DIP Rendatin 2026")
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#E2EFDA"})
    cell = wb.add_format({"text_wrap": True, "border": 1, "valign": "top"})
    day = wb.add_format({"num_format": "d mmmm yyyy", "border": 1, "valign": "top"})
    ws.write(0, 0, "FORM DAFTAR INFORMASI PUBLIK", bold)
    ws.write(1, 0, "KPU KABUPATEN MESUJI - SUBBAGIAN PERENCANAAN, DATA DAN INFORMASI", bold)
    for i, (label, value) in enumerate(form["meta"]):
        ws.write(3 + i, 1, label, bold)
        ws.write(3 + i, 2, value)
    header_row = 3 + len(form["meta"]) + 1
    widths = {"No": 5, "Ringkasan Isi Informasi": 50}
    for col, label in enumerate(header):
        ws.write(header_row, col, label, head)
        ws.set_column(col, col, widths.get(label, 22))
    for n, item in enumerate(form["rows"], start=1):
        values = (n, *item)
        for col, src in enumerate(order):
            value = values[src]
            if isinstance(value, dt.date):
                ws.write_datetime(header_row + n, col, dt.datetime.combine(value, dt.time()), day)
            elif value is None:
                ws.write_blank(header_row + n, col, None, cell)
            else:
                ws.write(header_row + n, col, value, cell)
    ws.freeze_panes(header_row + 1, 2)
    wb.close()
    return buffer.getvalue()


def build() -> dict[str, bytes]:
    """File name → bytes of every example form."""
    standard_widths = (5, 48, 28, 28, 16, 16, 18, 22, 16, 28, 28, 28, 20)
    combined_header = (
        "No.",
        "Ringkasan Informasi",
        "Pejabat atau Unit yang Menguasai Informasi",
        "Penanggung Jawab",
        "Waktu dan Tempat Pembuatan Informasi",
        "Bentuk Informasi",
        "Retensi Arsip",
        "Kategori Informasi",
        "Dasar Pengecualian",
        "Uji Konsekuensi",
        "Link",
        "Ket.",
    )
    # A clerk's own header with line breaks typed with Alt+Enter.
    wrapped_header = tuple(
        label.replace(" atau ", "\natau ").replace(" yang ", "\nyang ") for label in FULL_HEADER
    )
    return {
        KEUANGAN["file"]: _openpyxl_form(
            KEUANGAN, header=wrapped_header, colon=True, widths=standard_widths,
            sheet_title="Sheet1",
        ),
        TEKNIS_FORM["file"]: _openpyxl_form(
            TEKNIS_FORM, header=FULL_HEADER, colon=False, widths=standard_widths,
            sheet_title="DIP Teknis Hukum",
        ),
        RENDATIN_FORM["file"]: _xlsxwriter_form(RENDATIN_FORM),
        PARMAS_FORM["file"]: _openpyxl_form(
            PARMAS_FORM, header=combined_header, colon=True,
            widths=(5, 48, 28, 28, 30, 18, 22, 16, 28, 28, 28, 20), sheet_title="Form",
        ),
        PERLU_KOREKSI["file"]: _openpyxl_form(
            PERLU_KOREKSI, header=FULL_HEADER, colon=False, widths=standard_widths,
            sheet_title="Sheet1",
        ),
    }  # fmt: skip


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"ditulis: examples/{name}")


if __name__ == "__main__":
    main()
