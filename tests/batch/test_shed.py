"""The parsed rows of tonight's inputs are let go once the register stage took them in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from batch_util import EXAMPLES, drop, examples, make_workspace

from ppid_batch.batch.dropfolder import Candidate
from ppid_batch.batch.pipeline import run
from ppid_batch.batch.runrecord import ACCEPTED, PARTIAL, REJECTED
from ppid_batch.batch.stages import Outcome, Read, ReadInput
from ppid_batch.batch.verdicts import input_result
from ppid_batch.config_file import load_config
from ppid_batch.forms.validate import validate_file

GOOD = next(p for p in examples() if "perlu-koreksi" not in p.name)
BAD = EXAMPLES / "Form-DIP-Hukum-perlu-koreksi.xlsx"


def _outcome(path: Path, verdict: str) -> Outcome:
    report = validate_file(path)
    return Outcome(Candidate(path, report.sha256, path.stat().st_size, 0.0), report, verdict)


def test_an_accepted_form_keeps_its_count_not_its_rows(tmp_path: Path) -> None:
    outcome = _outcome(GOOD, ACCEPTED)
    assert len(outcome.report.items) == 14
    shed = outcome.shed()
    assert shed.report.items == ()
    assert shed.rows == 14
    assert shed.report.sha256 == outcome.report.sha256
    assert shed.report.warnings == outcome.report.warnings
    line = input_result(
        shed, feedback=None, archived_to=None, extra_note="", out_root=tmp_path,
        output_dir=tmp_path, workspace=tmp_path,
    )  # fmt: skip
    assert line.rows == 14


def test_a_rejected_form_keeps_its_rows_for_the_corrected_copy() -> None:
    for verdict in (REJECTED, PARTIAL):
        outcome = _outcome(BAD, verdict)
        assert outcome.shed() is outcome
        assert outcome.shed().report.items


def test_read_keeps_only_the_waiting_files() -> None:
    report = validate_file(GOOD)
    candidate = Candidate(GOOD, report.sha256, GOOD.stat().st_size, 0.0)
    read = Read((ReadInput(candidate, report),), (Path("menunggu.xlsx"),))
    assert read.registered() == Read((), (Path("menunggu.xlsx"),))


def test_the_run_record_counts_the_rows_of_every_input(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    drop(ws, [GOOD, BAD])
    report = run(load_config(ws), now=dt.datetime(2026, 11, 23, 1, 0))
    assert report.run_dir is not None
    record = json.loads((report.run_dir / "run.json").read_text("utf-8"))
    rows = {i["name"]: i["rows"] for i in record["inputs"]}
    assert rows == {GOOD.name: 14, BAD.name: validate_file(BAD).rows}
    assert rows[BAD.name] > 0
