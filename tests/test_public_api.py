"""The public API: every name in __all__ resolves, and heavy stages load only on use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ppid_batch

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_resolves() -> None:
    for name in ppid_batch.__all__:
        assert getattr(ppid_batch, name) is not None, name
    assert ppid_batch.run.__module__ == "ppid_batch.batch.pipeline"
    assert ppid_batch.validate_file.__module__ == "ppid_batch.forms.validate"


@pytest.mark.slow
def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, ppid_batch, ppid_batch.cli\n"
        "heavy = {'pandas', 'pandera', 'openpyxl', 'docxtpl', 'sqlalchemy', 'matplotlib', 'PIL'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"
