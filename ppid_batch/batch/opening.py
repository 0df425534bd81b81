"""What the night opens around its stages: the register, and where it writes.

A dry run writes to a throw-away folder instead of output/ and does every database
step in one transaction that is thrown away; a real run first checks that the register
is the one this workspace used before (continuity.py) and clears the temp files a
killed night left in output/.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import continuity
from .stages import Night

log = logging.getLogger(__name__)


@contextmanager
def scratch_output(night: Night) -> Iterator[Night]:
    """The night writing to output/ itself, or for a dry run to a throw-away folder."""
    if not night.dry_run:
        yield night
        return
    with tempfile.TemporaryDirectory(prefix="ppid-uji-") as tmp:
        yield replace(night, out_root=Path(tmp))


@contextmanager
def open_store(night: Night) -> Iterator[Any]:
    """The register for this night (a Store); a dry run's is rolled back when it ends."""
    from ..store import Store, database_exists  # SQLAlchemy: not on a quiet night's path

    url = night.config.database_url
    exists = database_exists(url)
    if night.dry_run and not exists:
        # Not even an empty register may appear in var/ for a dry run.
        url = f"sqlite:///{night.out_root / 'uji-coba.sqlite'}"
    if not night.dry_run:
        continuity.check(night.config, exists=exists, has_runs=None)  # before creating one
    with Store.open(url) as store:
        if not night.dry_run:
            continuity.check(night.config, exists=True, has_runs=bool(store.runs()))
            yield store
            return
        # A dry run does every database step in one transaction and throws it away.
        try:
            with store.begin():
                yield store
                raise _Rollback
        except _Rollback:
            pass


class _Rollback(Exception):
    """Ends a dry run's transaction without committing it."""


def remove_orphan_temps(output_dir: Path) -> None:
    """Temp files of atomic writes a killed run left half-written (`.<name>.<random>.tmp`)."""
    if output_dir.is_dir():
        for path in output_dir.rglob(".*.tmp"):
            if path.is_file():
                log.info("removing a killed run's temp file %s", path)
                path.unlink()
