"""Lays out a workspace: the drop folder, the output folder, var/ and ppid.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..config import CONFIG_NAME, PACKAGE_ROOT
from ..errors import UsageError

SAMPLE_CONFIG = PACKAGE_ROOT / "ppid.toml"
FOLDERS = ("input", "output", "var")


def init_workspace(directory: Path) -> list[Path]:
    """Create input/, output/, var/ and a commented ppid.toml; never overwrite an existing one."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} sudah ada dan bukan folder.")
    created: list[Path] = []
    for name in FOLDERS:
        folder = directory / name
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder)
    config = directory / CONFIG_NAME
    if not config.exists():
        shutil.copyfile(SAMPLE_CONFIG, config)
        created.append(config)
    return created
