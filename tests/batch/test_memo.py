"""The night skips rendering documents whose inputs and files are as the last night left them
(batch/memo.py): never at the price of a stale or tampered document."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from batch_util import ATASAN, contents, drop, examples, make_workspace

from ppid_batch.batch.demo import (
    CHANGE_FORM_NAME,
    CHANGES_DECIDED_ON,
    DECIDED_ON,
    FILLED_NAME,
    FILLED_NAME_3,
    NIGHT_1,
    NIGHT_2,
    NIGHT_3,
    fill_approval_sheet,
    write_change_form,
)
from ppid_batch.batch.memo import MEMO_FILE, OutputMemo, fingerprint
from ppid_batch.batch.pipeline import run
from ppid_batch.config_file import load_config
from ppid_batch.register import similar

NIGHT_4 = dt.datetime(2026, 11, 26, 1, 0)
NIGHT_5 = dt.datetime(2026, 11, 27, 1, 0)


class Renders:
    """Which memo slots each night rendered (OutputMemo.record) rather than kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.slots: list[str] = []
        real = OutputMemo.record

        def record(memo: OutputMemo, slot: str, key: str, written):  # type: ignore[no-untyped-def]
            self.slots.append(slot)
            return real(memo, slot, key, written)

        monkeypatch.setattr(OutputMemo, "record", record)
        real_count = similar.count_pairs

        def count_pairs(items, threshold):  # type: ignore[no-untyped-def]
            self.slots.append("count_pairs")
            return real_count(items, threshold)

        monkeypatch.setattr(similar, "count_pairs", count_pairs)

    def take(self) -> list[str]:
        slots, self.slots = self.slots, []
        return slots


def _night(ws: Path, now: dt.datetime, *, forget: bool) -> None:
    if forget:  # the workspace that renders everything every night, as before the memo
        (ws / "var" / MEMO_FILE).unlink(missing_ok=True)
    config = dataclasses.replace(load_config(ws), settle_seconds=0)
    run(config, now=now)


@pytest.mark.slow
def test_a_cycle_with_the_memo_writes_the_bytes_of_one_rendering_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workspaces, the same inputs (the demo's three nights, then a tampered Nota Dinas,
    then an edited template): one keeps its memo, the other forgets it before every night.
    After each night their outputs are the same bytes; the memo only skipped work."""
    memo_ws, fresh_ws = spaces = [make_workspace(tmp_path / n) for n in ("memo", "fresh")]
    renders = Renders(monkeypatch)

    def night(now: dt.datetime) -> list[str]:
        _night(fresh_ws, now, forget=True)
        renders.take()
        _night(memo_ws, now, forget=False)
        rendered = renders.take()
        outputs = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
        assert outputs[0] == outputs[1]
        return rendered

    for ws in spaces:
        drop(ws, examples())
    assert "count_pairs" in night(NIGHT_1)

    (sheet,) = (memo_ws / "output" / "persetujuan").glob("*.xlsx")
    filled = tmp_path / FILLED_NAME
    approved, _ = fill_approval_sheet(sheet, filled, atasan=ATASAN, day=DECIDED_ON)
    change_form = tmp_path / CHANGE_FORM_NAME
    changed, withdrawn = write_change_form(
        load_config(memo_ws), approved, change_form, day=DECIDED_ON
    )
    for ws in spaces:
        drop(ws, [filled, change_form])
    rendered = night(NIGHT_2)
    notas = sorted(p.name for p in (memo_ws / "output" / "nota-dinas").glob("*.docx"))
    assert len(notas) >= 2
    assert sum(s.startswith("nota-dinas/") for s in rendered) == len(notas)
    # Approvals change no ringkasan: the report's near-duplicate count is last night's.
    assert "count_pairs" not in rendered

    # Night 3 applies the Ubah/Hapus of one unit's two items: that unit's Nota Dinas and
    # the DIP change; the other units' drafts and night 2's Disposisi are kept.
    sheets = sorted((memo_ws / "output" / "persetujuan").glob("*.xlsx"))
    filled_3 = tmp_path / FILLED_NAME_3
    fill_approval_sheet(sheets[-1], filled_3, atasan=ATASAN, day=CHANGES_DECIDED_ON, refuse=0)
    for ws in spaces:
        drop(ws, [filled_3])
    rendered = night(NIGHT_3)
    assert "daftar/2026" in rendered
    assert "count_pairs" in rendered  # the Ubah revised a ringkasan: counted again
    assert 0 < sum(s.startswith("nota-dinas/") for s in rendered) < len(notas)
    memo = json.loads((memo_ws / "var" / MEMO_FILE).read_text("utf-8"))
    assert sum(s.startswith("nota-dinas/") for s in memo["slots"]) == len(notas)

    # A clerk overwrites a draft in output/ (or copies an old one back): it is rendered
    # again that night, and only it.
    target = memo_ws / "output" / "nota-dinas" / notas[-1]
    other = memo_ws / "output" / "nota-dinas" / notas[0]
    for ws in spaces:
        (ws / "output" / "nota-dinas" / notas[-1]).write_bytes(other.read_bytes())
    rendered = night(NIGHT_4)
    assert rendered == []  # a quiet night: nothing rendered, and nothing repaired either
    for ws in spaces:
        drop(ws, [filled])  # an old sheet again: not quiet, decides nothing
    rendered = night(NIGHT_5)
    assert [s for s in rendered if s.startswith("nota-dinas/")] != []
    assert target.read_bytes() != other.read_bytes()
    assert len([s for s in rendered if s.startswith("nota-dinas/")]) == 1


def test_an_edited_template_or_ppid_toml_changes_every_key(tmp_path: Path) -> None:
    import shutil

    from ppid_batch.config import DEFAULT_TEMPLATES

    ws = make_workspace(tmp_path / "ws")
    shutil.copytree(DEFAULT_TEMPLATES, ws / "templat")  # the office's own copy, edited in Word
    toml = ws / "ppid.toml"
    toml.write_text(toml.read_text("utf-8").replace('templat = ""', 'templat = "templat"'), "utf-8")
    config = load_config(ws)
    assert config.templates_dir == ws / "templat"
    before = fingerprint(config)
    assert fingerprint(load_config(ws)) == before  # the same files: the same fingerprint
    (config.templates_dir / "nota-dinas.docx").write_bytes(b"a template edited in Word")
    edited = fingerprint(config)
    assert edited != before
    toml.write_text(toml.read_text("utf-8") + "\n# catatan\n", "utf-8")
    assert fingerprint(load_config(ws)) != edited


def test_the_memo_keeps_only_files_still_written_and_inputs_unchanged(tmp_path: Path) -> None:
    path = tmp_path / MEMO_FILE
    out = tmp_path / "a.docx"
    calls: list[str] = []

    def write(text: str):  # type: ignore[no-untyped-def]
        def do() -> list[Path]:
            calls.append(text)
            out.write_text(text, "utf-8")
            return [out]

        return do

    first = OutputMemo(path, "salt")
    assert first.render("slot", ("x", 1), write("x1")) == [out]
    first.save()
    second = OutputMemo(path, "salt")
    assert second.render("slot", ("x", 1), write("again")) == [out]  # kept
    assert calls == ["x1"] and out.read_text("utf-8") == "x1"
    second.save()
    assert OutputMemo(path, "salt").render("slot", ("x", 2), write("x2")) == [out]  # new input
    assert calls == ["x1", "x2"]
    assert OutputMemo(path, "other code").render("slot", ("x", 2), write("y")) == [out]
    assert calls == ["x1", "x2", "y"]  # a new salt (code, templates, ppid.toml): rendered
    # A memo saved after "y" vouches for "y"'s bytes; the file edited by hand: rendered.
    third = OutputMemo(path, "s")
    third.render("slot", ("z",), write("z"))
    third.save()
    out.write_text("diubah", "utf-8")
    OutputMemo(path, "s").render("slot", ("z",), write("z"))
    assert calls[-1] == "z" and calls.count("z") == 2 and out.read_text("utf-8") == "z"
    out.unlink()  # deleted: rendered
    OutputMemo(path, "s").render("slot", ("z",), write("z"))
    assert calls.count("z") == 3
    path.write_text("{rusak", "utf-8")  # a damaged memo is only a missed shortcut
    OutputMemo(path, "s").render("slot", ("z",), write("z"))
    assert calls.count("z") == 4
    disabled = OutputMemo.disabled()
    disabled.render("slot", ("z",), write("z"))
    disabled.save()
    assert calls.count("z") == 5


@pytest.mark.slow
def test_the_dip_is_compared_with_the_last_keputusan_only_when_either_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settling the Keputusan replays every Keputusan recorded. A workspace that keeps its
    memo skips that on a night whose DIP items and last Keputusan are those of a night that
    compared them (or recorded the Keputusan that set it), and records and writes what a
    workspace that forgets it does."""
    from store_util import form_row, write_form_xlsx

    from ppid_batch.documents import keputusan
    from ppid_batch.store.core import Store
    from ppid_batch.store.keputusan import keputusan_list

    memo_ws, fresh_ws = spaces = [make_workspace(tmp_path / n) for n in ("memo", "fresh")]
    replays: list[int] = []
    real = keputusan.standing_list

    def standing_list(store, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not args and kwargs.get("upto") is None:  # the comparison's, not a document's
            replays.append(1)
        return real(store, *args, **kwargs)

    monkeypatch.setattr(keputusan, "standing_list", standing_list)

    def night(now: dt.datetime, files: list[Path]) -> tuple[int, int]:
        """(replays in the memo's workspace, Keputusan recorded in each)"""
        for ws in spaces:
            drop(ws, files)
        _night(fresh_ws, now, forget=True)
        replays.clear()
        _night(memo_ws, now, forget=False)
        outputs = [contents(ws / "output", skip=("runs/",)) for ws in spaces]
        assert outputs[0] == outputs[1]
        counts = set()
        for ws in spaces:
            with Store.open(load_config(ws).database_url) as store:
                counts.add(len(keputusan_list(store)))
        (recorded,) = counts
        return len(replays), recorded

    def form(n: int) -> list[Path]:
        rows = [form_row(f"Notulen Rapat Pleno KPU Mesuji Nomor {n}{k}") for k in (1, 2)]
        return [write_form_xlsx(tmp_path / f"Form-DIP-{n}.xlsx", rows)]

    assert night(NIGHT_1, examples()) == (1, 0)
    (sheet,) = (memo_ws / "output" / "persetujuan").glob("*.xlsx")
    fill_approval_sheet(sheet, tmp_path / FILLED_NAME, atasan=ATASAN, day=DECIDED_ON)
    assert night(NIGHT_2, [tmp_path / FILLED_NAME]) == (1, 1)  # the first Keputusan
    # Nights that bring only pending items leave the DIP as the last Keputusan set it.
    assert night(NIGHT_3, form(3)) == (0, 1)
    assert night(NIGHT_4, form(4)) == (0, 1)
    # The Atasan PPID approves them: the DIP changed, so it is compared and set again.
    sheets = sorted((memo_ws / "output" / "persetujuan").glob("*.xlsx"))
    filled = tmp_path / "Lembar-5.xlsx"
    fill_approval_sheet(sheets[-1], filled, atasan=ATASAN, day=NIGHT_4.date(), refuse=0)
    assert night(NIGHT_5, [filled]) == (1, 2)
    # A memo that is lost (or another code, templates, ppid.toml) only means comparing.
    (memo_ws / "var" / MEMO_FILE).unlink()
    assert night(dt.datetime(2026, 11, 28, 1, 0), form(6)) == (1, 2)


def test_a_noted_fact_holds_only_for_the_same_inputs_and_salt(tmp_path: Path) -> None:
    path = tmp_path / MEMO_FILE
    first = OutputMemo(path, "salt")
    assert not first.holds("fakta", ("dip", 1))  # nothing noted yet
    first.note("fakta", ("dip", 1))
    first.save()
    second = OutputMemo(path, "salt")
    assert second.holds("fakta", ("dip", 1)) and not second.holds("fakta", ("dip", 2))
    second.save()  # carried over by holds
    assert OutputMemo(path, "salt").holds("fakta", ("dip", 1))
    assert not OutputMemo(path, "other code").holds("fakta", ("dip", 1))
    third = OutputMemo(path, "salt")
    third.value("fakta", ("dip", 1), lambda: True)  # a value is not a note
    third.save()
    assert not OutputMemo(path, "salt").holds("fakta", ("dip", 1))
    OutputMemo.disabled().note("fakta", ("dip", 1))
    assert not OutputMemo.disabled().holds("fakta", ("dip", 1))
    path.write_text("{rusak", "utf-8")
    assert not OutputMemo(path, "salt").holds("fakta", ("dip", 1))


def test_an_item_hashed_once_a_night_gives_the_key_of_a_fresh_memo(tmp_path: Path) -> None:
    """The register's items are hashed once per night whichever inputs hold them; the key
    is the one a memo that never saw them computes, and any changed field changes it."""

    items = [_item(n, unit=f"Unit {n % 3}") for n in range(1200)]
    night = OutputMemo(tmp_path / MEMO_FILE, "salt")
    whole = night.key(items, 2026)
    some = night.key(tuple(items[:5]), "nota")  # the same items, another sequence
    assert night.key(list(items), 2026) == whole  # a new list of the same items
    fresh = OutputMemo(tmp_path / MEMO_FILE, "salt")
    assert fresh.key(tuple(items[:5]), "nota") == some
    assert fresh.key(items, 2026) == whole
    # One field of one item differs (a new object, as the next night reads it): a new key,
    # from the memo that hashed the old item too.
    edited = [*items[:7], dataclasses.replace(items[7], ringkasan="Laporan diubah"), *items[8:]]
    assert night.key(edited, 2026) != whole
    assert night.key(tuple(edited[:5]), "nota") == some
    moved = [*items[:5], dataclasses.replace(items[5], status="withdrawn"), *items[6:]]
    assert night.key(moved, 2026) != whole != night.key(edited, 2026)


def test_a_nota_dinas_key_follows_every_item_it_holds(tmp_path: Path) -> None:
    """A dataclass input (a Nota Dinas of 800 items) is fed field by field: its key is the
    same from a fresh memo, and changes with any item, its number or its date."""
    from ppid_batch.documents.nota_dinas import NotaDinas

    items = tuple(_item(n, unit="Unit A", nota_dinas="ND-1") for n in range(800))
    nota = NotaDinas(number="ND-1", date=dt.date(2026, 11, 24), unit="Unit A", items=items,
                     urut=1)  # fmt: skip
    night = OutputMemo(tmp_path / MEMO_FILE, "salt")
    key = night.key(nota, "folder")
    assert night.key(dataclasses.replace(nota, items=tuple(items)), "folder") == key
    assert OutputMemo(tmp_path / MEMO_FILE, "salt").key(nota, "folder") == key
    edited = (*items[:799], dataclasses.replace(items[799], tautan="https://kpu.go.id/a"))
    assert night.key(dataclasses.replace(nota, items=edited), "folder") != key
    assert night.key(dataclasses.replace(nota, number="ND-2"), "folder") != key
    assert night.key(dataclasses.replace(nota, date=dt.date(2026, 11, 25)), "folder") != key
    assert night.key(nota, "other folder") != key


def test_a_night_with_no_nota_dinas_to_render_does_not_open_its_template(
    config: Any, new_url: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most nights render no Nota Dinas (none issued yet, or all kept by the memo): the
    template is not read and parsed for nothing."""
    from ppid_batch.batch.outputs import _write_nota_dinas
    from ppid_batch.documents import nota_dinas
    from ppid_batch.store.core import Store

    opened: list[str] = []
    real = nota_dinas.cached_template
    monkeypatch.setattr(
        nota_dinas,
        "cached_template",
        lambda folder, name: opened.append(name) or real(folder, name),
    )
    with Store.open(new_url()) as store:
        written = _write_nota_dinas(
            store, [], config, tmp_path / "nd", wrote=Path, memo=OutputMemo.disabled()
        )
    assert written == [] and opened == []


def _item(n: int, **fields: Any) -> Any:
    """An approved register item numbered `n`, with `fields` set as given."""
    from ppid_batch.models import RegisterItem

    base = {
        "id": f"KPU-{n:04d}", "ringkasan": f"Laporan kegiatan {n}", "penguasa": "Sekretariat",
        "penanggung_jawab": "Kasubbag", "waktu_pembuatan": "2025", "tempat_pembuatan": "Kantor",
        "bentuk": "Softcopy", "retensi": "5 tahun", "jenis": "Berkala", "status": "approved",
        "received_on": dt.date(2026, 11, 23),
    }  # fmt: skip
    return RegisterItem(**{**base, **fields})


def test_the_dip_key_takes_every_field_of_every_change_of_the_year() -> None:
    """The DIP's lists are keyed by the year's changes themselves (their 'Riwayat
    Perubahan' rows are made only to be written): any field of any change, or their
    order, gives another key."""
    from ppid_batch.batch.outputs import _changes_digest
    from ppid_batch.models import ChangeFact

    changes = [
        ChangeFact(
            n % 3 or None,
            dt.date(2026, 11, 1 + n % 20),
            "Ditambahkan",
            f"DIP-2026-{n:04d}",
            f"Unit {n % 4}",
            f"Ringkasan {n}",
            "Berkala",
        )  # fmt: skip
        for n in range(1, 12001)
    ]
    digest = _changes_digest(changes)
    assert _changes_digest(list(changes)) == digest and len(digest) == 64
    for field, value in (
        ("run_id", 99), ("changed_on", dt.date(2026, 12, 1)), ("action", "Diubah"),
        ("item_id", "DIP-2026-9999"), ("unit", "Unit 9"), ("ringkasan", "Lain"),
        ("jenis", "Setiap Saat"),
    ):  # fmt: skip
        edited = [*changes[:10500], dataclasses.replace(changes[10500], **{field: value})]
        assert _changes_digest([*edited, *changes[10501:]]) != digest, field
    assert _changes_digest([changes[1], changes[0], *changes[2:]]) != digest
    assert _changes_digest(changes[:-1]) != digest
