"""Shared fixtures: a fresh workspace with the project's ppid.toml."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from ppid_batch.batch.workspace import init_workspace
from ppid_batch.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"


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
