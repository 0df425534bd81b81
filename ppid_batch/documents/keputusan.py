"""SOP step 3: the Keputusan PPID tentang Penetapan Daftar Informasi Publik that sets the DIP.

Each night the DIP (approved, not exempt, not withdrawn items) differs from the one
the last Keputusan set, a new Keputusan is recorded: Lampiran I the whole DIP,
Lampiran II what was added, changed and withdrawn since. A night that changes
nothing records none. Every Keputusan is kept in the register, so any earlier
DIP can be printed again (`ppid-batch keputusan --nomor …`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import Config, KeputusanConfig, Letter, Numbering
from ..dates import format_date_id
from ..models import RegisterItem
from ..store.core import Store
from ..store.ids import id_order
from ..store.keputusan import (
    HAPUS,
    TAMBAH,
    UBAH,
    iter_keputusan_entries,
    keputusan_list,
    record_keputusan,
    standing_list,
)
from ..store.schema import ITEM_FIELDS
from .docx import cached_template, office_images, render_to
from .fields import office_fields, officer_fields
from .register_list import published, register_groups

TEMPLATE = "keputusan.docx"
FOLDER = "keputusan"
PUBLISHED_KEYS = ("unit", *ITEM_FIELDS)
CHANGE_TEXT = {TAMBAH: "Ditambahkan", UBAH: "Diubah", HAPUS: "Dicabut"}
ORDINALS = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH")
HURUF = "abcdefghijklmnopqrstuvwxyz"


def published_values(item: RegisterItem) -> dict[str, Any]:
    return {k: getattr(item, k) for k in PUBLISHED_KEYS}


def as_item(item_id: str, values: Mapping[str, Any]) -> RegisterItem:
    fields: dict[str, Any] = {k: values.get(k) for k in PUBLISHED_KEYS}
    return RegisterItem(id=item_id, status="approved", **fields)


def settle_keputusan(
    store: Store, everything: Sequence[RegisterItem], numbering: Numbering, *, today: dt.date,
    run_id: int | None,
) -> dict[str, Any] | None:  # fmt: skip
    """Record tonight's Keputusan when the DIP differs from the one the last Keputusan set.

    Derived from the database alone: a run killed after this commit finds nothing to
    set the next night, and the document is written from the record.
    """
    from ..register.changes import HAPUS as TINDAKAN_HAPUS
    from ..register.changes import decided_changes

    current = {i.id: published_values(i) for i in published(everything)}
    before = standing_list(store)
    entries: list[tuple[str, str, Mapping[str, Any] | None]] = []
    reasons: dict[str, str | None] | None = None
    for item_id in sorted(current.keys() | before.keys(), key=id_order):
        now, was = current.get(item_id), before.get(item_id)
        if was is None:
            entries.append((item_id, TAMBAH, now))
        elif now is None:
            if reasons is None:
                reasons = {
                    c["item_id"]: c["alasan"]
                    for c in decided_changes(store)
                    if c["tindakan"] == TINDAKAN_HAPUS
                }
            # kept for Lampiran II: what was withdrawn and why (the replay ignores it)
            entries.append((item_id, HAPUS, {**was, "alasan": reasons.get(item_id)}))
        elif now != was:
            entries.append((item_id, UBAH, now))
    if not entries:
        return None
    return record_keputusan(
        store,
        date=today,
        run_id=run_id,
        number=lambda urut: numbering.keputusan_number(urut, today.year, today.month),
        entries=entries,
        items_count=len(current),
    )


def file_name(record: Mapping[str, Any]) -> str:
    return f"Keputusan-PPID-DIP-{record['year']}-{record['urut']:03d}.docx"


def _menimbang(keputusan: KeputusanConfig, satker: str) -> list[str]:
    if keputusan.menimbang:
        return list(keputusan.menimbang)
    return [
        "bahwa berdasarkan ketentuan Pasal 11 ayat (1) huruf a Undang-Undang Nomor 14 Tahun "
        "2008 tentang Keterbukaan Informasi Publik, Badan Publik wajib menyediakan Informasi "
        "Publik setiap saat yang meliputi daftar seluruh Informasi Publik yang berada di bawah "
        "penguasaannya, tidak termasuk informasi yang dikecualikan;",
        f"bahwa Daftar Informasi Publik di lingkungan {satker} perlu dimutakhirkan sesuai "
        "dengan informasi yang telah disetujui oleh Atasan Pejabat Pengelola Informasi dan "
        "Dokumentasi;",
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu "
        "menetapkan Keputusan Pejabat Pengelola Informasi dan Dokumentasi tentang Penetapan "
        "Daftar Informasi Publik;",
    ]


def _diktum(satker: str, previous: Mapping[str, Any] | None) -> list[dict[str, str]]:
    texts = [
        f"Menetapkan Daftar Informasi Publik di lingkungan {satker} sebagaimana tercantum dalam "
        "Lampiran I yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
        (
            "Perubahan Daftar Informasi Publik sejak Keputusan Pejabat Pengelola Informasi dan "
            f"Dokumentasi Nomor {previous['number']} berupa penambahan, perubahan dan "
            "pencabutan informasi tercantum dalam Lampiran II yang merupakan bagian tidak "
            "terpisahkan dari Keputusan ini."
            if previous
            else "Informasi yang untuk pertama kali ditetapkan dalam Daftar Informasi Publik "
            "tercantum dalam Lampiran II yang merupakan bagian tidak terpisahkan dari "
            "Keputusan ini."
        ),
        "Daftar Informasi Publik sebagaimana dimaksud dalam Diktum KESATU dimutakhirkan setiap "
        "terdapat perubahan dan disediakan bagi masyarakat melalui layanan informasi publik.",
    ]
    if previous:
        texts.append(
            "Pada saat Keputusan ini mulai berlaku, Keputusan Pejabat Pengelola Informasi dan "
            f"Dokumentasi Nomor {previous['number']} dicabut dan dinyatakan tidak berlaku."
        )
    texts.append("Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    return [{"label": ORDINALS[n], "isi": text} for n, text in enumerate(texts)]


def _changed_labels(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    from ..forms.schema import form_schema

    labels = {f.key: f.label for f in form_schema().fields}
    labels["unit"] = "Unit Kerja"
    names = [labels.get(k, k) for k in PUBLISHED_KEYS if old.get(k) != new.get(k)]
    return "Diubah: " + ", ".join(names) if names else ""


def keputusan_context(
    record: Mapping[str, Any],
    entries: Iterable[Mapping[str, Any]],
    standing: Mapping[str, Mapping[str, Any]],
    before: Mapping[str, Mapping[str, Any]],
    previous: Mapping[str, Any] | None,
    letter: Letter,
    keputusan: KeputusanConfig,
) -> dict[str, Any]:
    """Every variable the Keputusan template may use (docs/documents.md lists them).

    At national scale each of `entries`, `standing` and `before` holds some 100,000
    items: `entries` may be an iterator (the night streams it from the store), and each is
    let go as soon as its part of the context is made (the caller passes them as
    temporaries, so that they are freed here), not all held with the rows made from them.
    """
    date = record["date"]
    changes = []
    for no, entry in enumerate(entries, 1):
        item_id = entry["item_id"]
        values = entry["item_values"] or before.get(item_id) or {}
        if entry["change"] == UBAH:
            note = _changed_labels(before.get(item_id) or {}, values)
        elif entry["change"] == HAPUS:
            reason = (entry["item_values"] or {}).get("alasan")
            note = f"Dicabut: {reason}" if reason else "Dicabut dari Daftar Informasi Publik"
        else:
            note = ""
        changes.append(
            {
                "no": no,
                "id": item_id,
                "perubahan": CHANGE_TEXT[entry["change"]],
                "ringkasan": values.get("ringkasan") or "",
                "unit": values.get("unit") or "",
                "keterangan": note,
            }
        )
    del entries, before
    items = [as_item(i, v) for i, v in standing.items()]
    del standing
    groups = register_groups(items)
    jumlah = len(items)
    del items
    satker = letter.office.nama_satker
    return {
        "kantor": office_fields(letter.office),
        "logo": "",
        "ppid": officer_fields(letter.signers.signer("ppid", date)),
        "atasan_ppid": officer_fields(letter.signers.signer("atasan_ppid", date)),
        "tahun": date.year,
        "tanggal": format_date_id(date),
        "nomor": record["number"],
        "judul": "KEPUTUSAN PEJABAT PENGELOLA INFORMASI DAN DOKUMENTASI "
        f"{satker.upper()} TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK",
        "menimbang": [
            {"huruf": HURUF[n], "isi": t} for n, t in enumerate(_menimbang(keputusan, satker))
        ],
        "mengingat": [
            {"huruf": str(n + 1), "isi": t + ";"} for n, t in enumerate(keputusan.dasar_hukum)
        ],
        "diktum": _diktum(satker, previous),
        "jumlah": jumlah,
        "kelompok": [
            {"huruf": g.letter, "judul": g.heading, "butir": list(g.rows)} for g in groups
        ],
        "sejak": (
            f"sejak Keputusan Nomor {previous['number']} tanggal {format_date_id(previous['date'])}"
            if previous
            else "penetapan pertama"
        ),
        "perubahan": changes,
    }


def write_keputusan(
    store: Store, letter: Letter, keputusan: KeputusanConfig, out_dir: Path, *,
    only_missing: bool = True, number: str | None = None,
) -> list[Path]:  # fmt: skip
    """Write the document of each recorded Keputusan not yet in `out_dir` (or of `number`).

    A Keputusan's document never changes once written: it is what was signed.
    """
    records = keputusan_list(store)
    written = []
    tpl = None
    for n, record in enumerate(records):
        path = Path(out_dir) / file_name(record)
        if number is not None and record["number"] != number:
            continue
        if number is None and only_missing and path.exists():
            continue
        tpl = tpl or cached_template(letter.templates_dir, TEMPLATE)
        previous = records[n - 1] if n else None
        context = keputusan_context(
            record,
            iter_keputusan_entries(store, record["id"]),
            standing_list(store, upto=record["id"]),
            standing_list(store, upto=previous["id"]) if previous else {},
            previous,
            letter,
            keputusan,
        )
        when = dt.datetime.combine(record["date"], dt.time())
        written.append(
            render_to(
                tpl,
                context,
                path,
                when=when,
                title=f"Keputusan PPID {record['number']}",
                images=office_images(letter.office),
            )
        )
    return written


def keputusan_in_force(store: Store, on: dt.date) -> dict[str, Any] | None:
    """The last Keputusan set on or before `on` (the DIP in force that day)."""
    found = None
    for record in keputusan_list(store):
        if record["date"] <= on:
            found = record
    return found


def dip_as_set(store: Store, record: Mapping[str, Any]) -> list[RegisterItem]:
    """The DIP exactly as Keputusan `record` set it (for reprinting an earlier DIP)."""
    return [as_item(i, v) for i, v in standing_list(store, upto=record["id"]).items()]


def reprint(
    config: Config, out_dir: Path, *, nomor: str | None = None, on: dt.date | None = None
) -> list[Path]:
    """Print an earlier Keputusan again (by number, or the one in force `on` a date) with
    the DIP exactly as it set it (xlsx, html, csv, json), into `out_dir`. Writes nothing
    to the register."""
    from ..errors import UsageError
    from ..store.engine import database_exists
    from .register_list import write_register

    if not database_exists(config.database_url):
        raise UsageError("Register belum ada di ruang kerja ini; jalankan 'ppid-batch run' dulu.")
    with Store.open(config.database_url, migrate_schema=False) as store:
        records = keputusan_list(store)
        if nomor is not None:
            found = [r for r in records if r["number"] == nomor.strip()]
            record = found[0] if found else None
            missing = f"Keputusan nomor {nomor} tidak ada di register"
        else:
            record = keputusan_in_force(store, on or dt.date.today())
            missing = f"Belum ada Keputusan yang ditetapkan pada atau sebelum {on}"
        if record is None:
            known = ", ".join(r["number"] for r in records) or "belum ada"
            raise UsageError(f"{missing}; Keputusan yang ada: {known}.")
        written = write_keputusan(
            store, config.letter, config.keputusan, out_dir, number=record["number"]
        )
        written += write_register(
            dip_as_set(store, record), record["year"], config, out_dir, today=record["date"],
            exemptions=False,
        )  # fmt: skip
    return written


def listing(database_url: str) -> list[dict[str, Any]]:
    """Every Keputusan in the register, oldest first (for `ppid-batch keputusan`)."""
    from ..store.engine import database_exists

    if not database_exists(database_url):
        return []
    with Store.open(database_url, migrate_schema=False) as store:
        return keputusan_list(store)
