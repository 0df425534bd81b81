"""Run the real CLI with a kill switch: the crash-safety test's stand-in for a power cut.

`python tests/killswitch.py STAGE:N ppid-batch-args…` SIGKILLs the process after the n-th
unit of that stage (0 = as the stage starts). The switch wraps the progress reporter the
night already calls at each step, so the library knows nothing of it.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import ppid_batch.batch.console as console
from ppid_batch.cli import main


class KillSwitch:
    """Wraps a Progress; kills this process at a chosen point."""

    def __init__(self, inner: Any, spec: str) -> None:
        stage, _, count = spec.partition(":")
        self.inner, self.stage_name, self.count = inner, stage, int(count or 0)
        self.current, self.done = "", 0

    def _maybe_die(self) -> None:
        if self.current == self.stage_name and self.done >= self.count:
            os.kill(os.getpid(), signal.SIGKILL)

    def stage(self, name: str, label: str, total: int | None = None) -> None:
        self.inner.stage(name, label, total)
        self.current, self.done = name, 0
        self._maybe_die()

    def advance(self, note: str | None = None) -> None:
        self.inner.advance(note)
        self.done += 1
        self._maybe_die()

    def info(self, message: str) -> None:
        self.inner.info(message)

    def close(self) -> None:
        self.inner.close()


if __name__ == "__main__":
    spec, *args = sys.argv[1:]
    real_pick = console.pick_progress
    console.pick_progress = lambda stream=None: KillSwitch(real_pick(stream), spec)
    sys.argv = ["ppid-batch", *args]
    main()
