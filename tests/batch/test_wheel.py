"""ppid-batch installed from a wheel, with no checkout around it: the templates, schemas,
sample ppid.toml and example forms ship inside the package, so init and the demo work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT

from ppid_batch.cli import cli

pytestmark = pytest.mark.slow  # builds a wheel (pip fetches setuptools) and runs the demo

SAMPLE = "ppid_batch/ppid.toml"
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "demo", "tests", "bench", "docs", "build", "*.egg-info", "__pycache__"
)


def test_a_wheel_install_runs_init_and_the_demo(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: building writes build/ and egg-info beside it
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path),
         str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("ppid_batch-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    for shipped in (
        "ppid_batch/ppid.toml",
        "ppid_batch/templates/nota-dinas.docx",
        "ppid_batch/templates/daftar-informasi-publik.html.j2",
        "ppid_batch/schemas/form_dip.yaml",
        "ppid_batch/schemas/kka.yaml",
        "ppid_batch/examples/Form-DIP-Keuangan-Umum-Logistik.xlsx",
    ):
        assert shipped in names
    assert not any("build_templates" in name for name in names)  # maintainers' tools stay out

    def ppid_batch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c",
             "import sys, ppid_batch.cli as c; "
             f"assert c.__file__.startswith({str(site)!r}), c.__file__; c.main()", *args],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)},
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    init = ppid_batch("init", str(tmp_path / "kantor"))
    assert init.returncode == 0, init.stderr
    # the sample ppid.toml and the templates came out of the wheel, as in a checkout
    assert (tmp_path / "kantor" / "ppid.toml").read_bytes() == (ROOT / SAMPLE).read_bytes()
    demo = ppid_batch("demo", str(tmp_path / "demo"))
    assert demo.returncode == 0, demo.stdout + demo.stderr
    # the wheel's demo writes what the checkout's writes, byte for byte: the same examples,
    # schemas and templates went in
    assert CliRunner().invoke(cli, ["demo", str(tmp_path / "checkout")]).exit_code == 0
    for kind in ("register/*.csv", "register/*.json", "keputusan/*.docx", "nota-dinas/*.docx"):
        wheel_files = sorted((tmp_path / "demo" / "output").glob(kind))
        checkout_files = sorted((tmp_path / "checkout" / "output").glob(kind))
        assert [p.name for p in wheel_files] == [p.name for p in checkout_files] != []
        for ours, theirs in zip(wheel_files, checkout_files, strict=True):
            assert ours.read_bytes() == theirs.read_bytes(), ours.name
