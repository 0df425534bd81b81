"""Run records: run.json, the morning summary page and the rolling log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from ppid_batch.batch.runrecord import (
    ACCEPTED,
    REJECTED,
    WAITING,
    InputResult,
    RunRecord,
    new_run_id,
    run_log,
    write_run_record,
)

STARTED = dt.datetime(2025, 11, 26, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.labels: list[str] = []  # the card labels narrow screens show, kept apart
        self._label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        self._label = tag == "span" and ("class", "label") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._label = False

    def handle_data(self, data: str) -> None:
        if self._label:
            self.labels.append(data)
        elif data.strip():
            self.text.append(" ".join(data.split()))


def _record(ws: Path) -> RunRecord:
    (ws / "output" / "register").mkdir(parents=True)
    (ws / "output" / "register" / "Daftar-Informasi-Publik-2025.xlsx").write_bytes(b"x")
    (ws / "output" / "umpan-balik").mkdir(parents=True)
    (ws / "output" / "umpan-balik" / "Form <Hukum>-koreksi.xlsx").write_bytes(b"x")
    (ws / "input" / "arsip" / "2025-11-26").mkdir(parents=True)
    (ws / "input" / "arsip" / "2025-11-26" / "Form Teknis.xlsx").write_bytes(b"x")
    return RunRecord(
        run_id="20251126-010000",
        version="0.1.0",
        started=STARTED,
        finished=STARTED + dt.timedelta(seconds=12),
        business_date=dt.date(2025, 11, 26),
        dry_run=False,
        exit_code=1,
        summary="Selesai: 1 berkas diterima, 1 ditolak.",
        inputs=(
            InputResult(
                name="Form Teknis.xlsx",
                sha256="ab" * 32,
                kind="form_dip",
                verdict=ACCEPTED,
                rows=12,
                archived_to="input/arsip/2025-11-26/Form Teknis.xlsx",
            ),
            InputResult(
                name="Form <Hukum>.xlsx",
                sha256="cd" * 32,
                kind="form_dip",
                verdict=REJECTED,
                note="Jenis Informasi harus salah satu dari: Berkala, …",
                feedback="output/umpan-balik/Form <Hukum>-koreksi.xlsx",
                errors=(
                    {"sheet": "Form DIP", "cell": "I14", "message": "<script>alert(1)</script>"},
                ),
            ),
            InputResult(name="baru.xlsx", sha256=None, kind=None, verdict=WAITING),
        ),
        counts={"berkas_diterima": 1, "berkas_ditolak": 1, "ditolak_atasan_malam_ini": 2},
        changes=(
            {
                "Tanggal": dt.date(2025, 11, 26),
                "Perubahan": "Ditambahkan ke Daftar Informasi Publik",
                "ID Informasi": "DIP-2025-0007",
            },
        ),
        actions=("Berkas Form <Hukum>.xlsx ditolak: kembalikan ke unitnya.",),
        outputs=("output/register/Daftar-Informasi-Publik-2025.xlsx",),
        durations={"baca": 1.23456, "register": 0.5},
    )


def test_run_json_holds_inputs_counts_outputs_durations_and_version(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run_dir = write_run_record(_record(ws), ws / "output" / "runs", ws)
    assert run_dir == ws / "output" / "runs" / "20251126-010000"
    data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert data["version"] == "0.1.0"
    assert data["started"] == "2025-11-26T01:00:00+07:00"
    assert data["business_date"] == "2025-11-26"
    assert data["exit_code"] == 1
    assert [(i["name"], i["sha256"], i["verdict"]) for i in data["inputs"]] == [
        ("Form Teknis.xlsx", "ab" * 32, "diterima"),
        ("Form <Hukum>.xlsx", "cd" * 32, "ditolak"),
        ("baru.xlsx", None, "menunggu"),
    ]
    assert data["counts"] == {
        "berkas_diterima": 1,
        "berkas_ditolak": 1,
        "ditolak_atasan_malam_ini": 2,
    }
    assert data["changes"][0]["Tanggal"] == "2025-11-26"  # machine record: ISO
    assert data["outputs"] == ["output/register/Daftar-Informasi-Publik-2025.xlsx"]
    assert data["durations"] == {"baca": 1.235, "register": 0.5}


def test_summary_page_verdict_first_escaped_self_contained_links_resolve(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run_dir = write_run_record(_record(ws), ws / "output" / "runs", ws)
    html = (run_dir / "ringkasan.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    text = page.text
    # The verdict comes right after the title lines, before anything else.
    assert text.index("Selesai: 1 berkas diterima, 1 ditolak.") < text.index("Perlu tindakan")
    assert "26 November 2025" in text[0]
    assert "Berkas Form <Hukum>.xlsx ditolak: kembalikan ke unitnya." in text
    # Hostile text is shown, never run.
    assert "<script>alert(1)</script>" not in html
    assert "script" not in page.tags
    # Self-contained: no external stylesheet, script or image.
    assert not re.search(r"<(link|img|script)\b", html)
    # Every link is relative and points at a real file.
    assert page.links
    for href in page.links:
        assert not href.startswith(("http", "/"))
        assert (run_dir / href).resolve().is_file(), href


def test_run_ids_never_collide(tmp_path: Path) -> None:
    when = dt.datetime(2025, 11, 26, 1, 0, 5)
    assert new_run_id(tmp_path, when) == "20251126-010005"
    (tmp_path / "20251126-010005").mkdir()
    assert new_run_id(tmp_path, when) == "20251126-010005-2"


def test_rolling_log_records_and_detaches(tmp_path: Path) -> None:
    logger = logging.getLogger("ppid_batch.batch.pipeline")
    with run_log(tmp_path / "var"):
        logger.info("malam pertama")
    logger.info("not recorded after the run")
    text = (tmp_path / "var" / "logs" / "ppid-batch.log").read_text(encoding="utf-8")
    assert re.fullmatch(r"\S+ \S+ INFO ppid_batch.batch.pipeline: malam pertama\n", text)


def test_summary_page_does_not_point_at_itself(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    record = replace(
        _record(ws),
        summary="Selesai: 1 berkas diterima, 1 ditolak; 3 informasi baru, 0 disetujui, "
        "3 menunggu persetujuan. Ringkasan: output/runs/20251126-010000/ringkasan.html",
    )
    run_dir = write_run_record(record, ws / "output" / "runs", ws)
    html = (run_dir / "ringkasan.html").read_text(encoding="utf-8")
    assert "ringkasan.html" not in html
    assert (
        '<div class="verdict warn">Selesai: 1 berkas diterima, 1 ditolak; 3 informasi baru, '
        "0 disetujui, 3 menunggu persetujuan.</div>" in html
    )
    data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert data["summary"] == record.summary  # the record keeps the CLI's line whole


def test_summary_page_writes_dates_numbers_and_counts_in_the_documents_words(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    run_dir = write_run_record(_record(ws), ws / "output" / "runs", ws)
    html = (run_dir / "ringkasan.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert "2025-11-26" not in page.text
    change = page.text.index("DIP-2025-0007")
    assert page.text[change - 2 : change] == [
        "26 November 2025",
        "Ditambahkan ke Daftar Informasi Publik",
    ]
    counts = page.text[page.text.index("Rincian") + 1 :]
    assert counts[counts.index("tidak disetujui malam ini") + 1] == "2"
    assert counts[counts.index("waktu baca") + 1] == "1,23 detik"


def test_a_national_nights_changes_are_capped_on_the_page_and_all_kept_in_run_json(
    tmp_path: Path,
) -> None:
    """10,000 approvals made a 7 MB morning page (70 MB at 100,000): it shows the first
    CHANGES_SHOWN rows and says how many more there are and where they all are."""
    from dataclasses import replace

    from ppid_batch.batch.runrecord import CHANGES_SHOWN

    ws = tmp_path / "ws"
    total = CHANGES_SHOWN + 1234
    changes = tuple(
        {"Tanggal": dt.date(2025, 11, 26), "Perubahan": "Ditambahkan ke Daftar Informasi Publik",
         "ID Informasi": f"DIP-2025-{n:05d}"}
        for n in range(1, total + 1)
    )  # fmt: skip
    run_dir = write_run_record(replace(_record(ws), changes=changes), ws / "output" / "runs", ws)
    page = (run_dir / "ringkasan.html").read_text(encoding="utf-8")
    shown = f"DIP-2025-{CHANGES_SHOWN:05d}<"
    assert shown in page and f"DIP-2025-{CHANGES_SHOWN + 1:05d}<" not in page
    assert f"{total:,}".replace(",", ".") + " perubahan; 100 yang pertama" in page
    assert "… dan 1.234 perubahan lainnya" in page
    data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert len(data["changes"]) == total  # the machine record keeps every one
    # A night with fewer changes than the cap lists them all and says nothing more.
    few = write_run_record(_record(tmp_path / "ws2"), tmp_path / "ws2" / "output" / "runs",
                           tmp_path / "ws2")  # fmt: skip
    text = (few / "ringkasan.html").read_text(encoding="utf-8")
    assert "DIP-2025-0007" in text and "perubahan lainnya" not in text
