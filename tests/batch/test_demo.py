"""`ppid-batch demo`: the whole SOP cycle on the bundled examples, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from batch_util import examples, last_line
from click.testing import CliRunner

from ppid_batch.batch.demo import (
    ARAHAN,
    CHANGE_FORM_NAME,
    FILLED_NAME,
    FILLED_NAME_3,
    REVISED,
    WITHDRAWAL_REASON,
)
from ppid_batch.cli import cli

pytestmark = pytest.mark.slow


def _docx_text(path: Path) -> str:
    from docs_util import docx_text

    return docx_text(path.read_bytes())


def test_demo_runs_both_nights_and_says_where_everything_is(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "Malam 1: Selesai: 4 berkas diterima, 1 ditolak; 49 informasi baru, 0 disetujui, "
        "49 menunggu persetujuan. Ringkasan: output/runs/20261123-010000/ringkasan.html"
    ) in lines
    assert f"Atasan PPID mengisi {FILLED_NAME}: 48 YA, 1 TIDAK (DIP-2026-0049)." in lines
    assert (
        "Malam 2: Selesai: 2 berkas diterima, 0 ditolak; 0 informasi baru, 48 disetujui, "
        "1 tidak disetujui, 2 menunggu persetujuan. "
        "Ringkasan: output/runs/20261124-010000/ringkasan.html"
    ) in lines
    assert (
        f"Pemutakhiran dari unit ({CHANGE_FORM_NAME}): Ubah DIP-2026-0001, Hapus DIP-2026-0002; "
        "Atasan PPID menyetujui keduanya."
    ) in lines
    assert (
        "Keputusan PPID tentang DIP   output/keputusan/: Keputusan-PPID-DIP-2026-001.docx, "
        "Keputusan-PPID-DIP-2026-002.docx"
    ) in lines
    assert (
        last_line(result.output) == "Berkas masukan yang diproses: input/arsip/ dan input/ditolak/"
    )

    # The morning summary tells the PPID to pass the arahan on to the unit.
    (record,) = (target / "output" / "runs" / "20261124-010000").glob("run.json")
    actions = json.loads(record.read_text(encoding="utf-8"))["actions"]
    assert (
        "1 informasi tidak disetujui Atasan PPID: sampaikan arahannya kepada unit "
        "(output/umpan-balik/Arahan-teknis-penyelenggaraan-pemilu-dan-hukum.xlsx)."
    ) in actions

    # The register holds the Atasan PPID's decisions.
    with closing(sqlite3.connect(target / "var" / "ppid.sqlite")) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM items GROUP BY status"))
        refused = conn.execute("SELECT id, arahan FROM items WHERE status='refused'").fetchall()
        numbers = [r[0] for r in conn.execute("SELECT number FROM nota_dinas ORDER BY urut")]
    assert statuses == {"approved": 47, "refused": 1, "withdrawn": 1}
    assert refused == [("DIP-2026-0049", ARAHAN)]
    assert numbers == [f"{n}/HM.02-ND/1811/2026" for n in range(1, 5)]

    # One Nota Dinas per unit, each carrying its number; the Disposisi carries the arahan.
    notas = sorted((target / "output" / "nota-dinas").glob("*.docx"))
    assert [f"NOMOR {n}" in _docx_text(p) for p, n in zip(notas, numbers, strict=True)] == [
        True
    ] * 4
    # the change decisions (night 3's sheet) have their own Disposisi
    first, changes = sorted((target / "output" / "disposisi").glob("*.docx"))
    assert ARAHAN in _docx_text(first)
    text = _docx_text(changes)
    assert "Permintaan perubahan dan pencabutan" in text and "DIP-2026-0002" in text

    # The published register: approved, non-exempt items only.
    data = json.loads(
        (target / "output" / "register" / "Daftar-Informasi-Publik-2026.json").read_text("utf-8")
    )
    published = json.dumps(data, ensure_ascii=False)
    assert "DIP-2026-0001" in published and "DIP-2026-0049" not in published
    # Night 3: the Ubah is in the DIP, the Hapus is out of it (and still in the register).
    assert REVISED in published and "DIP-2026-0002" not in published
    with closing(sqlite3.connect(target / "var" / "ppid.sqlite")) as conn:
        keputusan = conn.execute("SELECT number, date, items_count FROM keputusan").fetchall()
        changes = conn.execute("SELECT item_id, change FROM keputusan_items WHERE keputusan_id = 2")
        second = changes.fetchall()
    assert keputusan == [
        ("1/PPID/1811/2026", "2026-11-24", 46),
        ("2/PPID/1811/2026", "2026-11-25", 45),
    ]
    assert second == [("DIP-2026-0001", "ubah"), ("DIP-2026-0002", "hapus")]
    text = _docx_text(target / "output" / "keputusan" / "Keputusan-PPID-DIP-2026-002.docx")
    assert "NOMOR 2/PPID/1811/2026" in text and f"Dicabut: {WITHDRAWAL_REASON}" in text
    with closing(sqlite3.connect(target / "var" / "ppid.sqlite")) as conn:
        (old,) = conn.execute(
            "SELECT old_values FROM item_history WHERE item_id = 'DIP-2026-0002'"
        ).fetchone()
    assert json.loads(old)["alasan"] == WITHDRAWAL_REASON

    # Nothing pending: no approval sheet left; inputs archived by night.
    assert list((target / "output" / "persetujuan").glob("*.xlsx")) == []
    archived = sorted(
        p.relative_to(target / "input").as_posix() for p in (target / "input").rglob("*.xlsx")
    )
    assert archived == sorted(
        [f"arsip/2026-11-23/{p.name}" for p in examples() if "perlu-koreksi" not in p.name]
        + [
            "ditolak/2026-11-23/Form-DIP-Hukum-perlu-koreksi.xlsx",
            f"arsip/2026-11-24/{FILLED_NAME}",
            f"arsip/2026-11-24/{CHANGE_FORM_NAME}",
            f"arsip/2026-11-25/{FILLED_NAME_3}",
        ]
    )


def test_demo_refuses_a_folder_with_other_work(tmp_path: Path) -> None:
    (tmp_path / "catatan.txt").write_text("penting")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Galat: Folder {tmp_path} sudah berisi berkas lain; pilih folder kosong untuk demo.\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["catatan.txt"]
