"""The morning after an interrupted night (SOP records): what it decided is reported tonight.

A night killed (power cut, kill -9) or stopped by an error after it applied an approval
sheet committed the Atasan PPID's decisions but never wrote its summary. The next night
the same sheet is 'sudah diterima' and decides nothing, so without this its morning page
would say "0 disetujui" and list no Nota Dinas to sign nor arahan to pass on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..dates import format_date_id


@dataclass(frozen=True)
class Interrupted:
    """The runs still `running` in the register besides tonight's (see store.unfinished)."""

    runs: tuple[Any, ...] = ()  # store.unfinished.UnfinishedRun

    @property
    def run_ids(self) -> tuple[int, ...]:
        return tuple(r.id for r in self.runs)

    @property
    def approved(self) -> int:
        return sum(r.approved for r in self.runs)

    @property
    def refused(self) -> int:
        return sum(r.refused for r in self.runs)

    @property
    def refused_units(self) -> frozenset[str]:
        return frozenset().union(*(r.refused_units for r in self.runs))


def find(store: Any, own_run: int) -> Interrupted:
    from ..store.unfinished import unfinished_runs

    return Interrupted(tuple(unfinished_runs(store, own_run)))


def nota_dinas_names(store: Any, run_ids: Sequence[int]) -> tuple[str, ...]:
    """File names of the Nota Dinas these runs numbered (tonight's and the interrupted)."""
    from ..dates import db_day
    from ..documents.nota_dinas import NotaDinas, file_name
    from ..store.unfinished import nota_dinas_of_runs

    return tuple(
        file_name(NotaDinas(r["number"], db_day(r["date"]), r["unit"], (), r["urut"]))
        for r in nota_dinas_of_runs(store, run_ids)
    )


def _started(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text).astimezone()
    except ValueError:
        return text
    return f"{format_date_id(moment.date())} pukul {moment:%H.%M}"


def note(interrupted: Interrupted) -> str:
    """The morning page's first action line, or '' when no night was interrupted."""
    if not interrupted.runs:
        return ""
    names = ", ".join(f"#{r.id} (mulai {_started(r.started)})" for r in interrupted.runs)
    decided = [f"{interrupted.approved} disetujui", f"{interrupted.refused} tidak disetujui"]
    changes = sum(r.changes_decided for r in interrupted.runs)
    if changes:
        decided.append(f"{changes} permintaan Ubah/Hapus diputus")
    which = "Proses malam" if len(interrupted.runs) == 1 else "Proses-proses malam"
    return (
        f"{which} {names} terhenti sebelum selesai dan tidak sempat menulis ringkasannya. "
        f"Keputusan Atasan PPID yang sudah diterapkannya ({', '.join(decided)}) dihitung "
        "dalam ringkasan ini, beserta Nota Dinas dan arahan yang perlu ditindaklanjuti."
    )
