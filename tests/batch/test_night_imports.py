"""What a night imports is what it uses: a first night of forms alone loads no module of
the steps it does not reach (applying a sheet, numbering a Nota Dinas, the Disposisi)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from batch_util import drop, examples, make_workspace

UNUSED_ON_A_NIGHT_OF_FORMS = (
    "ppid_batch.approve.apply",  # sheet_counts: asked of approval sheets only
    "ppid_batch.register.impor",  # PENETAPAN_SEBELUMNYA: when items wait for a Nota Dinas
    "ppid_batch.documents.disposisi",  # when an approval sheet was merged
)


def test_a_night_of_forms_does_not_import_the_steps_of_approved_items(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", settle=0)
    drop(ws, examples())
    code = (
        "import sys\n"
        "from ppid_batch.batch.pipeline import run\n"
        "from ppid_batch.config_file import load_config\n"
        f"run(load_config({str(ws)!r}))\n"
        f"print(sorted(m for m in {UNUSED_ON_A_NIGHT_OF_FORMS!r} if m in sys.modules))\n"
    )
    tests = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tests,
        env={"PYTHONPATH": str(tests), "PATH": "", "PPID_BATCH_LIBREOFFICE": "tidak"},
    )  # fmt: skip
    loaded = done.stdout.splitlines()[-1]
    assert (ws / "output" / "persetujuan").is_dir() and any(
        (ws / "output" / "persetujuan").iterdir()
    )
    assert loaded == "[]"
