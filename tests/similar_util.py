"""The pairwise near-duplicate loop similar.py used to run, and Indonesian ringkasan to feed it.

Kept as the reference the vectorised ppid_batch.register.similar must agree with exactly
(tests/register/test_similar.py.py) and as the "before" of bench/bench_similar.py.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from reports_util import item as register_item

from ppid_batch.models import RegisterItem
from ppid_batch.register.similar import MAX_MATCHES_SHOWN, SAME, normalise
from ppid_batch.store.ids import fold

UNITS = [
    "Subbagian Hukum dan SDM",
    "Subbagian Keuangan, Umum dan Logistik",
    "Subbagian Teknis Penyelenggaraan Pemilu",
    "Subbagian Perencanaan, Data dan Informasi",
    "Sekretariat",
]
TITLES = [
    "Laporan Keuangan Tahunan KPU Kabupaten Mesuji {y}",
    "Daftar Pemilih Tetap Pemilu {y} Kecamatan {k}",
    "Keputusan KPU Kabupaten Mesuji Nomor {n} Tahun {y} tentang Penetapan Calon Terpilih",
    "Rencana Kerja dan Anggaran {y}",
    "Jadwal Tahapan Pemilihan Bupati dan Wakil Bupati Mesuji {y}",
    "Berita Acara Rekapitulasi Hasil Penghitungan Suara Kecamatan {k}",
    "Profil Singkat KPU Kabupaten Mesuji",
    "Daftar Riwayat Hidup Anggota KPU Kabupaten Mesuji periode {y}",
    "Surat Edaran Nomor {n} tentang Pembentukan PPK dan PPS",
    "Laporan Dana Kampanye Peserta Pemilu {y}",
]
KECAMATAN = ["Mesuji", "Mesuji Timur", "Tanjung Raya", "Simpang Pematang", "Way Serdang"]


def _vary(text: str, rnd: random.Random) -> str:
    """What a second clerk types for the same document: case, spacing, order, a typo."""
    words = text.split()
    if rnd.random() < 0.3:
        rnd.shuffle(words)
    if rnd.random() < 0.3 and len(words) > 3:
        words[rnd.randrange(len(words))] = rnd.choice(["Kab.", "Tahun", "Thn", "dan"])
    if rnd.random() < 0.4:
        w = rnd.randrange(len(words))
        chars = list(words[w])
        at = rnd.randrange(len(chars))
        chars[at] = rnd.choice("aeiouknrst") if rnd.random() < 0.7 else ""
        words[w] = "".join(chars) or words[w]
    text = rnd.choice([" ", "  ", " , "]).join(words) if rnd.random() < 0.3 else " ".join(words)
    case = rnd.random()
    if case < 0.2:
        text = text.upper()
    elif case < 0.4:
        text = text.lower()
    return text + ("." if rnd.random() < 0.1 else "")


def corpus(n: int, seed: int, *, pending: float = 1.0) -> list[RegisterItem]:
    """n register items of several units; many ringkasan are variants of one another."""
    rnd = random.Random(seed)
    out: list[RegisterItem] = []
    for i in range(n):
        if out and rnd.random() < 0.35:
            ringkasan = _vary(rnd.choice(out).ringkasan, rnd)
        else:
            ringkasan = rnd.choice(TITLES).format(
                y=rnd.choice([2019, 2023, 2024, 2025]),
                k=rnd.choice(KECAMATAN),
                n=rnd.randrange(1, 400),
            )
        unit = rnd.choice(UNITS)
        status = "pending" if rnd.random() < pending else "approved"
        out.append(
            register_item(
                i + 1, unit.upper() if rnd.random() < 0.1 else unit, ringkasan, status=status
            )
        )
    return out


# ---- the pairwise loop as it was (commit 96375a6), the reference ----


def reference_matches(
    queries: Sequence[RegisterItem], choices: Sequence[RegisterItem], threshold: int
) -> dict[str, list[tuple[float, bool, str, str]]]:
    if not queries or not choices:
        return {}
    scores = process.cdist(
        [normalise(i.ringkasan) for i in queries],
        [normalise(i.ringkasan) for i in choices],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=threshold,
        workers=1,
    )
    out: dict[str, list[tuple[float, bool, str, str]]] = {}
    for a, item in enumerate(queries):
        unit, text = item.unit.casefold(), fold(item.ringkasan)
        found = sorted(
            (-float(scores[a][b]), fold(other.ringkasan) != text, other.id, other.unit)
            for b, other in enumerate(choices)
            if scores[a][b] >= threshold and other.id != item.id and other.unit.casefold() != unit
        )
        if found:
            out[item.id] = found
    return out


def reference_note(found: Sequence[tuple[float, bool, str, str]]) -> str:
    parts = [
        f"Mirip {oid} ({unit}), {int(-neg)}%" if differs else f"{SAME} {oid} ({unit})"
        for neg, differs, oid, unit in found[:MAX_MATCHES_SHOWN]
    ]
    if len(found) > MAX_MATCHES_SHOWN:
        parts.append(f"dan {len(found) - MAX_MATCHES_SHOWN} lainnya")
    return "; ".join(parts)


def reference_near_duplicates(items: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    return {k: reference_note(v) for k, v in reference_matches(items, items, threshold).items()}


def reference_approval_notes(register: Sequence[RegisterItem], threshold: int) -> dict[str, str]:
    pending = [i for i in register if i.status == "pending"]
    return {
        k: reference_note(v) for k, v in reference_matches(pending, register, threshold).items()
    }


def reference_count_pairs(items: Sequence[RegisterItem], threshold: int) -> int:
    matches = reference_matches(items, items, threshold)
    return sum(len(found) for found in matches.values()) // 2


# ---- a realistic national-scale register: many units, each with its own documents ----

KABUPATEN = [
    "Mesuji", "Tulang Bawang", "Tulang Bawang Barat", "Way Kanan", "Lampung Utara",
    "Lampung Barat", "Lampung Tengah", "Lampung Timur", "Lampung Selatan", "Pesawaran",
    "Pringsewu", "Tanggamus", "Pesisir Barat", "Kota Bandar Lampung", "Kota Metro",
    "Ogan Komering Ilir", "Ogan Ilir", "Muara Enim", "Lahat", "Musi Rawas",
    "Musi Banyuasin", "Banyuasin", "Empat Lawang", "Penukal Abab Lematang Ilir",
    "Kota Palembang", "Kota Prabumulih", "Kota Pagar Alam", "Kota Lubuklinggau",
    "Bengkulu Selatan", "Rejang Lebong", "Bengkulu Utara", "Kaur", "Seluma", "Mukomuko",
    "Lebong", "Kepahiang", "Bengkulu Tengah", "Kota Bengkulu", "Batanghari", "Muaro Jambi",
    "Tanjung Jabung Timur", "Tanjung Jabung Barat", "Tebo", "Bungo", "Sarolangun",
    "Merangin", "Kerinci", "Kota Jambi", "Kota Sungai Penuh", "Bangka Barat",
]  # fmt: skip
DOKUMEN = [
    "Keputusan KPU {kab} Nomor {n} Tahun {y} tentang {topik}",
    "Berita Acara Rapat Pleno KPU {kab} Nomor {n}/PL.02-BA/{y} tentang {topik}",
    "Laporan {topik} KPU {kab} Tahun {y}",
    "Notulen Rapat Pleno KPU {kab} tanggal {tgl} {bulan} {y} tentang {topik}",
    "Surat Edaran Sekretaris KPU {kab} Nomor {n} tentang {topik}",
    "Rekapitulasi {topik} Kecamatan {kec} {kab} Tahun {y}",
    "Daftar Hadir Rapat Koordinasi {topik} KPU {kab} {tgl} {bulan} {y}",
    "Dokumentasi Kegiatan {topik} di Kecamatan {kec} {kab}",
    "Rencana Kerja {topik} KPU {kab} Tahun Anggaran {y}",
    "Surat Tugas Nomor {n}/{kode}/{y} dalam rangka {topik} di {kab}",
    # issued by KPU RI: every unit may list the same one
    "Standar Operasional Prosedur {topik}",
    "Petunjuk Teknis {topik} pada Pemilihan Serentak {y}",
]
DOKUMEN_WEIGHTS = [10, 10, 10, 8, 6, 8, 6, 6, 6, 8, 1, 1]
TOPIK = [
    "Penetapan Daftar Pemilih Tetap", "Pemutakhiran Data Pemilih Berkelanjutan",
    "Pembentukan Panitia Pemilihan Kecamatan", "Pembentukan Panitia Pemungutan Suara",
    "Rekapitulasi Hasil Penghitungan Suara", "Penetapan Calon Terpilih",
    "Pengadaan dan Distribusi Logistik Pemilu", "Sosialisasi dan Pendidikan Pemilih",
    "Penyusunan Laporan Keuangan", "Pengelolaan Barang Milik Negara", "Pengelolaan Arsip Dinamis",
    "Verifikasi Faktual Partai Politik", "Pencalonan Anggota DPRD", "Kampanye Pemilu",
    "Pelaporan Dana Kampanye", "Pemungutan dan Penghitungan Suara Ulang",
    "Rekrutmen Badan Ad Hoc", "Penyelesaian Sengketa Proses Pemilu",
    "Pelayanan Informasi Publik", "Pengadaan Barang dan Jasa", "Penyusunan Rencana Strategis",
    "Evaluasi Kinerja Pegawai", "Pengembangan Kompetensi Sumber Daya Manusia",
    "Penataan Daerah Pemilihan", "Penetapan Alokasi Kursi", "Pemeliharaan Gedung Kantor",
    "Perjalanan Dinas", "Pengelolaan Dana Hibah Pemilihan", "Audit Internal",
    "Penanganan Pengaduan Masyarakat", "Pemberian Santunan Kecelakaan Kerja Badan Ad Hoc",
    "Bimbingan Teknis Kelompok Penyelenggara Pemungutan Suara",
    "Penyusunan Daftar Pemilih Khusus", "Pendaftaran Pemantau Pemilu",
    "Uji Publik Rancangan Daerah Pemilihan", "Penggantian Antarwaktu Anggota DPRD",
]  # fmt: skip
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]  # fmt: skip
ARAH = ["Utara", "Selatan", "Barat", "Timur", "Tengah", "Raya", "Jaya", "Ilir", "Ulu"]
KODE = ["PP.01", "PL.02", "HK.03", "KU.04", "SDM.05", "TP.06", "KP.07"]


def national_unit(k: int) -> str:
    return f"KPU {KABUPATEN[k % len(KABUPATEN)]}"


def national_ringkasan(unit: int, rnd: random.Random) -> str:
    """One unit's own item: its kabupaten, its kecamatan, its numbers, a topic it favours."""
    kab = KABUPATEN[unit % len(KABUPATEN)]
    # Each unit favours a third of the topics and has its own kecamatan names.
    topics = TOPIK[unit % 3 :: 3] if rnd.random() < 0.8 else TOPIK
    return rnd.choices(DOKUMEN, DOKUMEN_WEIGHTS)[0].format(
        kab=kab if kab.startswith("Kota") else f"Kabupaten {kab}",
        n=rnd.randrange(1, 900),
        y=rnd.choice([2019, 2020, 2022, 2023, 2024, 2025]),
        topik=rnd.choice(topics),
        bulan=rnd.choice(BULAN),
        tgl=rnd.randrange(1, 29),
        kec=f"{rnd.choice(KABUPATEN).split()[-1]} {rnd.choice(ARAH)}",
        kode=rnd.choice(KODE),
    )


def national_corpus(
    n: int, seed: int, *, units: int = 50, pending: float = 1.0
) -> list[RegisterItem]:
    """n items of `units` units; about a third are another unit's variant of an item.

    The realistic corpus of docs/similar.md: every unit writes its own documents (its
    kabupaten, its numbers, its kecamatan, the topics of its work), and a third of the
    items are what a clerk of another unit typed for a document already listed elsewhere
    (tests' _vary: case, spacing, word order, a typo, a word changed).
    """
    rnd = random.Random(seed)
    out: list[RegisterItem] = []
    own: list[str] = []  # the items a unit wrote itself, which other units vary
    for i in range(n):
        unit = rnd.randrange(units)
        if own and rnd.random() < 1 / 3:
            ringkasan = _vary(rnd.choice(own), rnd)
        else:
            ringkasan = national_ringkasan(unit, rnd)
            own.append(ringkasan)
        status = "pending" if rnd.random() < pending else "approved"
        out.append(register_item(i + 1, national_unit(unit), ringkasan, status=status))
    return out
