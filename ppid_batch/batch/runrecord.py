"""The record of each night (SOP records): run.json, the morning summary page, the rolling log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import DEFAULT_TEMPLATES
from ..files import atomic_write_text, log_text

RUNS_DIR = "runs"
LOG_DIR = "logs"
LOG_NAME = "ppid-batch.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 10
TEMPLATE = "ringkasan.html.j2"
LOGGER = "ppid_batch"

# Verdicts staff see for each input file.
ACCEPTED = "diterima"
REJECTED = "ditolak"
PARTIAL = "diterima sebagian"
ALREADY = "sudah diterima"
WAITING = "menunggu"
FAILED = "gagal"  # the program failed on it; left in input/ for the next night


@dataclass(frozen=True)
class InputResult:
    """One file of input/ and what the night made of it."""

    name: str
    sha256: str | None
    kind: str | None
    verdict: str
    note: str = ""
    rows: int = 0
    archived_to: str | None = None
    feedback: str | None = None
    errors: tuple[Mapping[str, Any], ...] = ()
    warnings: int = 0


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    version: str
    started: dt.datetime
    finished: dt.datetime
    business_date: dt.date
    dry_run: bool
    exit_code: int
    summary: str
    inputs: tuple[InputResult, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    durations: Mapping[str, float] = field(default_factory=dict)
    # Tonight's changes to the published lists (changelog.change_rows: Indonesian keys).
    changes: tuple[Mapping[str, Any], ...] = ()
    # What an earlier night asked for and is still not done (shown apart from tonight's).
    still_open: tuple[str, ...] = ()
    # What stays open after this night, for the next quiet night's page.
    open: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        # asdict deep-copies every row; tonight's changes (10,000 on a national night)
        # are rebuilt below anyway.
        data = asdict(replace(self, changes=()))
        data["started"] = self.started.isoformat(timespec="seconds")
        data["finished"] = self.finished.isoformat(timespec="seconds")
        data["business_date"] = self.business_date.isoformat()
        data["durations"] = {k: round(v, 3) for k, v in self.durations.items()}
        data["changes"] = [
            {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            for row in self.changes
        ]
        return data


SUMMARY_LINK = " Ringkasan: "
# Count keys (pipeline) whose plain reading would differ from the words of the documents.
COUNT_LABELS = {
    "ditolak_atasan_malam_ini": "tidak disetujui malam ini",
    "berkas_menunggu": "berkas menunggu diproses",
    "proses_terputus": "proses malam terputus yang dilaporkan di sini",
}


def count_label(key: str) -> str:
    return COUNT_LABELS.get(key, key.replace("_", " "))


def seconds_text(seconds: float) -> str:
    """`1,47 detik`: the Indonesian decimal comma, as in the report's `7,5 hari`."""
    return f"{seconds:.2f}".replace(".", ",") + " detik"


def new_run_id(runs_dir: Path, when: dt.datetime) -> str:
    """`YYYYMMDD-HHMMSS` of the run's date, with a suffix if that folder already exists."""
    base = when.strftime("%Y%m%d-%H%M%S")
    run_id, n = base, 2
    while (Path(runs_dir) / run_id).exists():
        run_id, n = f"{base}-{n}", n + 1
    return run_id


def _environment(extra_dir: Path | None) -> Any:
    import jinja2

    dirs = [str(d) for d in (extra_dir, DEFAULT_TEMPLATES) if d is not None]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _link(target: str, run_dir: Path, workspace: Path) -> str:
    rel = os.path.relpath(workspace / target, run_dir)
    return Path(rel).as_posix()


CHANGES_SHOWN = 100


def render_summary(
    record: RunRecord, run_dir: Path, workspace: Path, templates_dir: Path | None = None
) -> str:
    """ringkasan.html: the verdict first, then what needs action, then the outputs and inputs."""
    env = _environment(templates_dir)
    from ..dates import format_count_id, format_date_id

    env.filters["link"] = lambda target: _link(target, run_dir, workspace)
    # A date in a table cell reads as staff write it (24 November 2026), never ISO.
    env.filters["teks"] = lambda v: format_date_id(v) if isinstance(v, dt.date) else v
    env.filters["label"] = count_label
    env.filters["detik"] = seconds_text

    changes = record.changes
    return env.get_template(TEMPLATE).render(
        r=record,
        # A national night changes the DIP by tens of thousands of rows: the page shows the
        # first CHANGES_SHOWN (a page to read on a phone, not 70 MB of table) and says where
        # the rest are; run.json keeps them all.
        perubahan=changes[:CHANGES_SHOWN],
        perubahan_lain=format_count_id(max(0, len(changes) - CHANGES_SHOWN)),
        perubahan_semua=format_count_id(len(changes)),
        # The CLI line ends by naming this very page; on the page that would point at itself.
        putusan=record.summary.split(SUMMARY_LINK)[0].rstrip(),
        tanggal=format_date_id(record.business_date),
        mulai=record.started.strftime("%H.%M.%S"),
        selesai=record.finished.strftime("%H.%M.%S"),
    )


QUIET = "Malam tenang: tidak ada berkas baru di input/; tidak ada yang berubah."


def pending_note(counts: Mapping[str, int], outputs: Sequence[str], approval_dir: str) -> str:
    """The approval still awaited after a night, or '' when nothing waits for the Atasan PPID."""
    pending = counts.get("menunggu_persetujuan", 0)
    sheets = [o for o in outputs if o.startswith(f"output/{approval_dir}/")]
    if not pending:
        return ""
    where = f" ({sheets[-1]})" if sheets else ""
    return f"{pending} informasi menunggu persetujuan Atasan PPID{where}."


def previous_open(runs_dir: Path) -> tuple[str, ...]:
    """What the newest real (not dry-run) night left open, from its run.json."""
    folder = Path(runs_dir)
    if not folder.is_dir():
        return ()
    for run_dir in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
        try:
            data = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and not data.get("dry_run"):
            return tuple(str(x) for x in data.get("open") or ())
    return ()


def write_quiet_record(
    *,
    runs_dir: Path,
    workspace: Path,
    templates_dir: Path | None,
    started: dt.datetime,
    when: dt.datetime,
    version: str,
    summary: str,
    inputs: tuple[InputResult, ...],
    counts: Mapping[str, int],
    actions: tuple[str, ...],
) -> tuple[str, Path]:
    """A quiet night's run.json and ringkasan.html: the morning sees the night did run.

    Nothing new was read, so what is still open comes from the last night's record.
    Returns the run id and its folder.
    """
    still = previous_open(runs_dir)
    run_id = new_run_id(runs_dir, when)
    record = RunRecord(
        run_id=run_id,
        version=version,
        started=started,
        finished=dt.datetime.now().astimezone(),
        business_date=when.date(),
        dry_run=False,
        exit_code=0,
        summary=summary,
        inputs=inputs,
        counts=dict(counts),
        actions=actions,
        still_open=still,
        open=still,
    )
    return run_id, write_run_record(record, runs_dir, workspace, templates_dir)


def write_run_record(
    record: RunRecord, runs_dir: Path, workspace: Path, templates_dir: Path | None = None
) -> Path:
    """Write output/runs/<run-id>/run.json and ringkasan.html; return the folder."""
    run_dir = Path(runs_dir) / record.run_id
    text = json.dumps(record.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write_text(run_dir / "run.json", text)
    html = render_summary(record, run_dir, Path(workspace), templates_dir)
    atomic_write_text(run_dir / "ringkasan.html", html)
    return run_dir


class _OneLineFormatter(logging.Formatter):
    """A message stays one line (a newline in a file name would forge a log line); only a
    traceback, appended after it, spans several."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = log_text(record.message)
        return super().formatMessage(record)


@contextmanager
def run_log(var_dir: Path) -> Iterator[logging.Logger]:
    """Attach the rolling log var/logs/ppid-batch.log to the package logger for one run."""
    folder = Path(var_dir) / LOG_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # backslashreplace: a file name that is not valid UTF-8 must not make a log line vanish.
    handler = logging.handlers.RotatingFileHandler(
        folder / LOG_NAME,
        maxBytes=LOG_BYTES,
        backupCount=LOG_BACKUPS,
        encoding="utf-8",
        errors="backslashreplace",
    )
    handler.setFormatter(_OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()
