"""SOP step 3, optional: PDF copies of the generated documents through LibreOffice headless."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_bytes, os_reason
from ..models import Finding

SOFFICE_NAMES = ("soffice", "libreoffice")
# One LibreOffice start converts the whole batch; 500 drafts take a few minutes at most.
DEFAULT_TIMEOUT = 900
NOT_INSTALLED = (
    "Salinan PDF tidak dibuat: LibreOffice tidak terpasang di komputer ini. "
    "Pasang paket 'libreoffice-writer' (Debian/Ubuntu) atau LibreOffice untuk Windows, "
    "atau matikan 'pdf' di ppid.toml; "
    "dokumen Word dan Excel tetap dibuat."
)


@dataclass(frozen=True)
class PdfResult:
    """The PDFs written, and a note for the run summary when some or all could not be made."""

    pdfs: tuple[Path, ...] = ()
    notes: tuple[Finding, ...] = ()


# The Windows installer puts LibreOffice here and not on PATH.
WINDOWS_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


# Where LibreOffice is when neither PATH nor the usual folders have it (a portable copy),
# or 'tidak' for a computer where the night must not start it (no PDF copies, no print pack).
LIBREOFFICE_ENV = "PPID_BATCH_LIBREOFFICE"
OFF = ("tidak", "0", "false", "no")


def find_soffice(search_path: str | None = None, *, windows: bool | None = None) -> str | None:
    """The LibreOffice executable on PATH (or on `search_path`), or None.

    On Windows (where shutil.which adds .exe itself) also its usual install folders.
    PPID_BATCH_LIBREOFFICE, when set, decides instead: a path to soffice, or 'tidak'.
    """
    chosen = os.environ.get(LIBREOFFICE_ENV)
    if chosen is not None and chosen.strip():
        if chosen.strip().lower() in OFF:
            return None
        return chosen if os.path.isfile(chosen) else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    if windows if windows is not None else sys.platform == "win32":
        for candidate in WINDOWS_SOFFICE:
            if os.path.isfile(candidate):
                return candidate
    return None


def _note(kind: str, message: str, path: Path | None = None) -> Finding:
    return Finding(
        type=kind, message=message, severity="warning", value=str(path) if path else None
    )


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """End LibreOffice and its children: soffice is a wrapper around soffice.bin."""
    if hasattr(os, "killpg"):
        os.killpg(proc.pid, signal.SIGKILL)
        return
    # Windows has no process groups to signal; taskkill /T ends the tree.
    subprocess.run(
        ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    proc.kill()


def _run(cmd: list[str], timeout: float) -> str | None:
    """Run LibreOffice in its own process group; None when it finished, else the reason."""
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError as exc:
        return os_reason(exc)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        proc.wait()
        return "terlalu lama"
    return None


def convert_to_pdf(
    documents: Sequence[Path],
    out_dir: Path,
    *,
    soffice: str | None = None,
    search_path: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PdfResult:
    """Convert every document with a single headless LibreOffice process.

    LibreOffice writes into a private temporary folder; each PDF then reaches `out_dir`
    through an atomic write, so a half-converted file is never left where staff look.
    """
    documents = [Path(d) for d in documents]
    if not documents:
        return PdfResult()
    exe = soffice or find_soffice(search_path)
    if exe is None:
        return PdfResult(notes=(_note("pdf_unavailable", NOT_INSTALLED),))
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="ppid-pdf-") as tmp:
        work = Path(tmp)
        # A private profile: a LibreOffice already open on the desktop would otherwise
        # swallow the request and convert nothing.
        profile = (work / "profil").as_uri()
        cmd = [
            exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work / "pdf"),
            *(str(d) for d in documents),
        ]  # fmt: skip
        failure = _run(cmd, timeout)
        if failure:
            message = f"Salinan PDF tidak dibuat: LibreOffice gagal dijalankan ({failure})."
            return PdfResult(notes=(_note("pdf_failed", message),))
        pdfs, notes = [], []
        for doc in documents:
            made = work / "pdf" / f"{doc.stem}.pdf"
            if made.is_file() and made.stat().st_size > 0:
                pdfs.append(atomic_write_bytes(out_dir / made.name, made.read_bytes()))
            else:
                message = f"Salinan PDF untuk {doc.name} tidak dapat dibuat oleh LibreOffice."
                notes.append(_note("pdf_failed", message, doc))
    return PdfResult(tuple(pdfs), tuple(notes))
