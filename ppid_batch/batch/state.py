"""var/run-state.json: whether the last night finished, which file it was reading, what failed.

Read at the start of each night: a night that did not finish makes the next one repair
the outputs even when input/ is empty, and quarantine.py sets aside a file a night died
reading or failed on twice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

STATE_NAME = "run-state.json"
RUNNING, COMPLETE = "running", "complete"


def read_state(var_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((Path(var_dir) / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(var_dir: Path, state: Mapping[str, Any], *, durable: bool = True) -> None:
    """var/run-state.json; `durable=False` skips the fsync (a note for a killed process)."""
    from ..files import atomic_write_text

    text = json.dumps(dict(state), ensure_ascii=False, sort_keys=True)
    path = Path(var_dir) / STATE_NAME
    if durable:
        atomic_write_text(path, text)
        return
    tmp = path.with_name(f".{STATE_NAME}.reading")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def mark(
    var_dir: Path,
    started: dt.datetime,
    status: str,
    run_id: str | None = None,
    *,
    failed: Mapping[str, str] | None = None,
) -> None:
    """The night is `running` (writing outputs) or `complete`; `failed`: sha256 → name."""
    state: dict[str, Any] = {"status": status, "run_id": run_id, "pid_started": started.isoformat()}
    if failed:
        state["failed"] = dict(failed)
    write_state(var_dir, state)


def unfinished(previous: Mapping[str, Any]) -> bool:
    """A run killed after it began writing: this night repairs the outputs even if idle."""
    return bool(previous) and previous.get("status") != COMPLETE
