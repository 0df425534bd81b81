"""The optional approval folder ([lokasi] persetujuan): signed sheets come only from there.

When ppid.toml names it, the folder is meant to be writable by the Atasan PPID's account
only (README explains how). A sheet found in input/ is then refused as a whole, and a
unit's form dropped into the approval folder is refused too: each folder has one use.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..models import Finding, SheetReport


def from_approval_folder(path: Path, folder: Path | None) -> bool:
    """Whether `path` sits in the approval folder (`folder`, None when there is none)."""
    return folder is not None and Path(path).resolve().parent == folder.resolve()


def place_check(report: SheetReport, folder: Path | None) -> SheetReport:
    """`report` with a whole-file error when it arrived through the wrong folder
    (`folder`: [lokasi] persetujuan, None when the office has none)."""
    if folder is None or report.kind is None:
        return report
    inside = from_approval_folder(report.path, folder)
    if report.kind == "persetujuan" and not inside:
        message = (
            f"Lembar persetujuan hanya diterima dari folder {folder.name}/ (folder khusus "
            "Atasan PPID, lokasi.persetujuan di ppid.toml), bukan dari input/; lembar ini "
            "ditolak seluruhnya. Bila lembar ini memang diisi Atasan PPID, minta beliau "
            f"menaruhnya sendiri di {folder}."
        )
    elif report.kind != "persetujuan" and inside:
        message = (
            f"Folder {folder.name}/ hanya untuk lembar persetujuan yang diisi Atasan PPID; "
            "formulir unit ditaruh di input/."
        )
    else:
        return report
    finding = Finding(type="wrong_folder", message=message, sheet=report.sheet)
    return dataclasses.replace(report, errors=(finding, *report.errors))
