"""Safe intake: every refused kind with its exact slug and message; hostile files stay cheap."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from badfiles import REFUSED, Form, write_form, write_refused, write_too_large
from paths import ROOT

from ppid_batch.forms.intake import check_file

BY_NAME = {case.name: case for case in REFUSED}


def refusal(path: Path, **limits) -> tuple[str, str] | None:
    result = check_file(path, **limits)
    return None if result.refusal is None else (result.refusal.type, result.refusal.message)


def test_accepted_file_is_read_once_and_hashed(tmp_path: Path) -> None:
    import hashlib

    path = write_form(Form(), tmp_path / "f.xlsx")
    result = check_file(path)
    assert result.refusal is None
    assert result.data == path.read_bytes()
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "Berkas kosong (0 byte). Simpan ulang formulir dari Excel, lalu kirim kembali."),
        (
            "csv",
            "Berkas ini bukan buku kerja Excel .xlsx atau LibreOffice .ods (tampaknya berkas "
            "teks/CSV). Isi formulir resmi (ppid-batch form) di Excel, simpan sebagai 'Buku "
            "Kerja Excel (*.xlsx)', lalu kirim kembali.",
        ),
        (
            "xls-renamed",
            "Berkas ini tampaknya buku kerja Excel lama (.xls). Buka di Excel lalu simpan sebagai "
            "'Buku Kerja Excel (*.xlsx)', lalu kirim kembali.",
        ),
        (
            "encrypted",
            "Berkas ini dilindungi kata sandi sehingga tidak dapat dibaca. Buka di Excel, hapus "
            "kata sandinya (File > Info > Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, "
            "kosongkan), simpan sebagai 'Buku Kerja Excel (*.xlsx)', lalu kirim kembali.",
        ),
        (
            "macro-bin",
            "Berkas ini buku kerja bermakro (.xlsm); demi keamanan makro tidak diterima. Buka di "
            "Excel, simpan sebagai 'Buku Kerja Excel (*.xlsx)' tanpa makro, lalu kirim kembali.",
        ),
    ],
)
def test_refusal_messages_say_what_to_do(name: str, message: str, tmp_path: Path) -> None:
    assert refusal(write_refused(BY_NAME[name], tmp_path)) == (BY_NAME[name].type, message)


def test_ole_kinds_are_told_apart(tmp_path: Path) -> None:
    assert refusal(write_refused(BY_NAME["xls-renamed"], tmp_path))[0] == "xls"
    assert refusal(write_refused(BY_NAME["encrypted"], tmp_path))[0] == "encrypted"


def test_too_large_file(tmp_path: Path) -> None:
    path = write_too_large(tmp_path)
    assert refusal(path) == (
        "too_large",
        "Berkas berukuran 21.0 MB, melebihi batas 20 MB. Hapus gambar atau lembar yang tidak "
        "perlu, lalu kirim kembali.",
    )
    assert refusal(path, max_file_bytes=30 * 1024 * 1024)[0] != "too_large"


def test_unpacked_limit_is_a_parameter(tmp_path: Path) -> None:
    path = write_form(Form(), tmp_path / "f.xlsx")
    assert refusal(path, max_unpacked_bytes=1000)[0] == "unpacked_too_large"
    assert refusal(path) is None


def test_lying_zip_bomb_is_caught_by_real_bytes_not_headers(tmp_path: Path) -> None:
    import zipfile

    path = write_refused(BY_NAME["zip-bomb-lying"], tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 200 * 1024 * 1024
    assert refusal(path)[0] == "unpacked_too_large"


HOSTILE = [
    "zip-bomb",
    "zip-bomb-lying",
    "billion-laughs",
    "huge-sheet-area",
    "encrypted",
    "truncated",
]


@pytest.mark.slow
def test_hostile_files_answered_by_the_cli_without_traceback_under_1_gib(tmp_path: Path) -> None:
    paths = [str(write_refused(BY_NAME[name], tmp_path)) for name in HOSTILE]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "ppid_batch", "validate", "--json", *paths],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(o["file"], o["errors"][0]["type"]) for o in lines] == [
        (BY_NAME[n].filename, BY_NAME[n].type) for n in HOSTILE
    ]
    # ru_maxrss is in KiB on Linux; the peak of any child so far must stay under 1 GiB
    assert max(before, peak_kib) < 1024 * 1024


def test_content_types_read_again_give_the_same_answer_each_time(tmp_path: Path) -> None:
    # [Content_Types].xml parsed once per distinct bytes: a hostile or macro one is refused
    # every time it comes, between good forms with the same or other bytes
    good = write_form(Form(), tmp_path / "f.xlsx")
    cases = [BY_NAME[n] for n in ("entity-content-types", "macro-type")]
    hostile = [write_refused(case, tmp_path) for case in cases]
    for _ in range(2):
        assert refusal(good) is None
        for case, path in zip(cases, hostile, strict=True):
            found = refusal(path)
            assert found is not None and found[0] == case.type


def test_a_part_met_again_counts_its_real_size_and_a_dtd_in_it_is_refused_each_time(
    tmp_path: Path,
) -> None:
    # Parts already scanned whole (a template's theme, styles) are not inflated again; their
    # real size still counts against the limit, and a part with a DTD is never taken as seen.
    import io
    import zipfile

    from badfiles import _members, _rezip

    from ppid_batch.forms import intake

    data = write_form(Form(), tmp_path / "f.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        real = sum(len(zf.read(n)) for n in zf.namelist())
        for _ in range(2):  # the second time from what the first one kept
            assert intake._scan_members(zf, data, real) is None
            assert intake._scan_members(zf, data, real - 1) == (
                "unpacked_too_large",
                {"limit": (real - 1) / intake.MB},
            )
    dtd = b'<?xml version="1.0"?><!DOCTYPE a []>' + b"<a/>"
    # the same bytes first in a part that is not XML (not looked into), then as XML
    members = {"docProps/thumb.bin": dtd, **_members(data), "docProps/app.xml": dtd}
    hostile = tmp_path / "dtd.xlsx"
    hostile.write_bytes(_rezip(members))
    for _ in range(2):
        assert refusal(hostile) is not None and refusal(hostile)[0] == "xml_unsafe"
        assert refusal(tmp_path / "f.xlsx") is None
