"""Shared fixtures: a fresh workspace with the project's ppid.toml."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ppid_batch.batch.workspace import init_workspace
from ppid_batch.config import Config
from ppid_batch.config_file import load_config

# Every night with a new document would start LibreOffice for the morning's print pack
# (seconds each): tests run without it, in this process and in the CLI processes they
# start; the print-pack and PDF tests turn it back on (monkeypatch.delenv).
os.environ.setdefault("PPID_BATCH_LIBREOFFICE", "tidak")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "ppid_batch" / "examples"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    init_workspace(ws)
    return ws


@pytest.fixture
def config(workspace: Path) -> Config:
    return load_config(workspace)


pytest_plugins = ["golden_util", "pg_util"]


@pytest.fixture
def new_url(tmp_path: Path) -> Callable[[], str]:
    """Fresh, empty places for a register (test_store_postgres.py gives PostgreSQL ones)."""
    names = itertools.count()
    return lambda: f"sqlite:///{tmp_path / f'ppid-{next(names)}.sqlite'}"


@pytest.fixture
def libreoffice_as_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice found as the program finds it (PATH, Program Files), not turned off."""
    monkeypatch.delenv("PPID_BATCH_LIBREOFFICE", raising=False)
