"""The near-duplicate index of tonight's register, computed ahead in a child process.

On a big register the approval sheet's notes ask the candidate index of every distinct
text of the register (similar._text_hits: about 1.5 s of CPU for 40,000 items). Those
texts are known as soon as the forms are read: the register's ringkasan and those of
tonight's forms. So while the register stage records the forms (SQLite and Python, one
core), a child process builds the index on the other core, and the write stage takes
its answer when the register it loaded has those very texts.

The child's answer is only ever a cache fill, never a different answer:
similar._cached_text_hits offers it the key it would have computed the index for (a
digest of the sorted distinct texts and the settings) and the limit; the answer is
used only when the child indexed the same texts with the same settings and its bucket
count is within that limit (then _text_hits in-process gives the same pairs). Any
other case, a form refused at registration, a duplicate dropped, a text corrected, is
computed in-process as before. So is a child that fails (crashed, out of memory,
killed): its failure goes to the log, never to the clerk.

The child is `python -m ppid_batch.register.prefetch PARENT_PID PACKAGE`: it reads the
settings and the texts from its stdin, writes the key and each text's sorted words
(which the parent hands to the notes at once: similar.remember_sorted_texts), then the
answer, to its stdout, and touches no database nor file. On Linux it dies with the
night (PR_SET_PDEATHSIG); elsewhere a night killed meanwhile leaves it to finish its sum
and exit on the closed pipe. A night whose notes score every pair (a small register or
few pending items) starts no child.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import similar

if TYPE_CHECKING:
    from ..store import Store
    from .similar import TextHits

log = logging.getLogger(__name__)

MODULE = "ppid_batch.register.prefetch"
# Bytes of one hit in the answer: two text numbers (int64) and a score (float32).
HIT_BYTES = 8 + 8 + 4


def _command(parent: int, package: str) -> list[str]:
    """The child's command line (tests put a failing one in its place)."""
    return [sys.executable, "-m", MODULE, str(parent), package]


def _package() -> Path:
    """This package's folder, resolved: the child must run the parent's very code."""
    return Path(__file__).resolve().parent.parent


class Warm:
    """A child started while the forms are still read, once they hold enough rows for the
    notes to use the index (its interpreter and imports, about 0.25 s, then overlap the
    reading, not the registering): `start` gives it the texts, or stops it."""

    def __init__(self) -> None:
        self.rows = 0
        self.spawned: tuple[subprocess.Popen[bytes], IO[bytes]] | None = None
        self.tried = False

    def read(self, report: Any) -> None:
        """Count a form just read; start the child when tonight's rows alone would make
        the notes use the index (the test of similar._hits with only these rows pending)."""
        if self.tried:
            return
        if getattr(report, "kind", None) == "form_dip" and not report.errors:
            self.rows += len(report.items or ())
        if self.rows > similar.EXACT_QUERIES and self.rows * self.rows > similar.EXACT_PAIRS:
            self.tried = True
            self.spawned = _spawn()

    def take(self) -> tuple[subprocess.Popen[bytes], IO[bytes]] | None:
        """The child started, if it still waits for its texts (then it is the caller's)."""
        spawned, self.spawned = self.spawned, None
        if spawned is not None and spawned[0].poll() is not None:
            _stop(*spawned)  # (gone already: the caller starts another)
            return None
        return spawned

    def close(self) -> None:
        """Stop a child nobody took."""
        spawned, self.spawned = self.spawned, None
        if spawned is not None:
            _stop(*spawned)


@contextlib.contextmanager
def warming() -> Iterator[Warm]:
    """A Warm for the read stage; its child, if `start` did not take it, is stopped when
    the block ends."""
    warm = Warm()
    try:
        yield warm
    finally:
        warm.close()


def _spawn() -> tuple[subprocess.Popen[bytes], IO[bytes]] | None:
    """The child started, waiting for its texts on stdin; None if it could not start."""
    errors = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(
            _command(os.getpid(), str(_package())),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=_package().parent,  # (`-m` imports the package from there first)
        )
    except OSError as exc:
        errors.close()
        log.warning("near-duplicate index not computed ahead: %s", exc)
        return None
    return proc, errors


def _stop(proc: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
    """A child that was never given its texts, stopped and let go."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    errors.close()


@contextlib.contextmanager
def index_ahead(
    store: Store,
    reports: Sequence[Any],
    threshold: int,
    counts: Mapping[str, int],
    warm: Warm | None = None,
) -> Iterator[Ahead | None]:
    """While the block runs, the near-duplicate index of the register these forms are
    about to give is computed in a child process (when the notes will ask for it: the
    one `warm` started while they were read, else a new one); the child is stopped, if
    still running, when the block ends."""
    try:
        ahead = start(store, reports, threshold, counts, warm)
    except Exception:  # only ever a speed-up: the notes compute the index themselves
        log.exception("near-duplicate index not computed ahead")
        ahead = None
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.close()


def tonight_texts(reports: Sequence[Any]) -> tuple[int, list[str]]:
    """(new items, ringkasan) that tonight's forms bring: the rows of each form without
    errors, but for Tindakan Ubah/Hapus (a request, decided later); a row with an ID
    corrects its item's ringkasan. What registration then refuses or drops only means
    the texts are not those the night ends with (the index is computed in-process)."""
    from ..forms.validate import RowColumns
    from .changes import HAPUS, UBAH

    new = 0
    texts: list[str] = []
    for report in reports:
        if getattr(report, "kind", None) != "form_dip" or report.errors or not report.items:
            continue
        rows = RowColumns(report.items)
        for ringkasan, item_id, tindakan in zip(
            rows.get("ringkasan"), rows.get("id"), rows.get("tindakan"), strict=True
        ):
            if tindakan in (UBAH, HAPUS) or ringkasan is None:
                continue
            new += not item_id
            texts.append(str(ringkasan).strip())  # (as the register keeps it)
    return new, texts


def tonight_decisions(reports: Sequence[Any]) -> int:
    """Rows of tonight's approval sheets that carry a decision: at most the items they
    take out of pending (a sheet refused later takes none; the index is then computed
    in-process, as for any other night the child was not started for)."""
    from ..forms.validate import RowColumns

    decided = 0
    for report in reports:
        if getattr(report, "kind", None) != "persetujuan" or report.errors or not report.items:
            continue
        column = RowColumns(report.items).get("persetujuan")
        decided += sum(1 for v in column if v is not None and str(v).strip())
    return decided


def start(
    store: Store,
    reports: Sequence[Any],
    threshold: int,
    counts: Mapping[str, int],
    warm: Warm | None = None,
) -> Ahead | None:
    """The child computing tonight's index (the one `warm` started, if any), or None
    when the notes will not use the index (`counts`: the register's items by status
    before tonight) or the child could not be started."""
    from ..store.registration import ringkasan_values

    spawned = warm.take() if warm is not None else None
    settings = similar._deletions(threshold)
    new, texts = tonight_texts(reports)
    # The notes' test (similar._hits), with tonight's new rows pending in the register
    # and the items tonight's approval sheets decide no longer pending.
    pending = max(counts.get("pending", 0) + new - tonight_decisions(reports), 0)
    everything = sum(counts.values()) + new
    if (
        settings is None
        or pending * everything <= similar.EXACT_PAIRS
        or pending <= similar.EXACT_QUERIES
    ):
        if spawned is not None:  # (started for rows that turn out not to need it)
            _stop(*spawned)
        return None
    # (NUL is no word and the register keeps none: a ringkasan has the same words without)
    distinct = {r.replace("\0", "") for r in ringkasan_values(store)}
    distinct.update(r.replace("\0", "") for r in texts)
    ringkasan = list(distinct)
    del distinct, texts
    deletions, together = settings
    header = {
        "threshold": threshold,
        "deletions": deletions,
        "together": together,
        "limit": int(pending * everything * similar.INDEX_PAIR_FACTOR),
        "count": len(ringkasan),
    }
    body = "\0".join(ringkasan).encode("utf-8", "surrogatepass")
    payload = json.dumps(header).encode() + b"\n" + body
    if spawned is None:
        spawned = _spawn()
    if spawned is None:
        return None
    proc, errors = spawned
    log.info("near-duplicate index of %d texts computed ahead (pid %d)", len(ringkasan), proc.pid)
    ahead = Ahead(proc, payload, errors, ringkasan)
    similar.ahead = ahead.take
    return ahead


class Ahead:
    """A child computing the index, and its answer once given (`take`)."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        payload: bytes,
        errors: IO[bytes],
        ringkasan: Sequence[str] = (),
    ):
        self.proc = proc
        self.errors = errors
        self.key: str | None = None  # the repr of the key of the child's texts
        self.answer = b""
        self.keyed = threading.Event()
        self.failure: str | None = None
        # One thread feeds the child and reads its answer: neither side waits on a full pipe.
        self.payload: bytes | None = payload  # (let go once written)
        self.ringkasan: Sequence[str] = ringkasan  # what the payload holds, in its order
        self.talk = threading.Thread(target=self._talk, daemon=True)
        self.talk.start()

    def _talk(self) -> None:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        try:
            with stdin:
                payload, self.payload = self.payload or b"", None
                stdin.write(payload)
                del payload
            line = stdout.readline()
            if line:
                self.key = line.decode("utf-8", "replace").rstrip("\n")
                self._remember(stdout.readline())
            self.keyed.set()
            self.answer = stdout.read()
        except (OSError, ValueError) as exc:  # a child gone, or stopped by close()
            self.failure = f"{exc.__class__.__name__}: {exc}"
        finally:
            self.keyed.set()

    def _remember(self, line: bytes) -> None:
        """The sorted words of each ringkasan sent, made by the child, given to the notes
        (similar.remember_sorted_texts) while the night registers the forms: the write
        stage then does not make them again. Words the child did not give whole are made
        there as before."""
        ringkasan, self.ringkasan = self.ringkasan, ()
        if not line.endswith(b"\n"):
            return
        words = line[:-1].decode("utf-8", "surrogatepass").split("\0") if len(line) > 1 else []
        if len(words) == len(ringkasan):
            similar.remember_sorted_texts(ringkasan, words)

    def take(self, key: tuple[object, ...], limit: int) -> tuple[int, int, TextHits | None] | None:
        """The child's answer for `key` within `limit`, as _text_hits would give it; None
        (the caller computes it) when the child indexed other texts, failed, or counted
        more bucket pairs than `limit`. Asked once: the first index of the night is the
        one it was started for."""
        if similar.ahead == self.take:
            similar.ahead = None
        self.keyed.wait()
        if self.key is not None and self.key != repr(key):
            log.info("near-duplicate index computed ahead not used: the register's texts differ")
            self.close()
            return None
        self.talk.join()
        code = self.proc.wait()
        found = self._answer() if code == 0 else None
        self.answer = b""  # (the arrays are copies)
        if found is None:
            self._failed(code)
            return None
        least, most, hits = found
        if hits is None or most > limit:
            log.info("near-duplicate index computed ahead not used: more pairs than allowed")
            return None
        return least, most, hits

    def _answer(self) -> tuple[int, int, TextHits | None] | None:
        """The answer the child wrote, checked whole; None if it is not one."""
        import numpy as np

        head, _, body = self.answer.partition(b"\n")
        try:
            got = json.loads(head)
            least, most, n, texts = int(got["least"]), int(got["most"]), got["hits"], got["texts"]
        except (ValueError, KeyError, TypeError):
            return None
        if n is None:
            return (least, most, None) if not body else None
        if not isinstance(n, int) or not isinstance(texts, int) or len(body) != n * HIT_BYTES:
            return None
        a = np.frombuffer(body, "<i8", n, 0).astype(np.int64)
        b = np.frombuffer(body, "<i8", n, 8 * n).astype(np.int64)
        s = np.frombuffer(body, "<f4", n, 16 * n).astype(np.float32)
        if n and not (
            0 <= min(int(a.min()), int(b.min())) and max(int(a.max()), int(b.max())) < texts
        ):
            return None
        return least, most, (a, b, s)

    def _failed(self, code: int) -> None:
        self.errors.seek(0)
        told = self.errors.read()[-2000:].decode("utf-8", "replace")
        log.warning(
            "near-duplicate index computed ahead failed (exit %s%s); computed in-process. %s",
            code,
            f", {self.failure}" if self.failure else "",
            told,
        )

    def close(self) -> None:
        """Stop the child if it still runs and let go of its answer."""
        if similar.ahead == self.take:
            similar.ahead = None
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.talk.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.errors.close()
        self.answer = b""


# ---- the child ----


def die_with_parent(parent: int) -> None:
    """Linux: be killed when the night's process ends, however it ends."""
    if not sys.platform.startswith("linux"):
        return  # (on Windows a venv's python.exe starts the interpreter as its own child)
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent already gone before that
        sys.exit(4)


def main(argv: Sequence[str]) -> int:
    """The child: settings and texts from stdin; the key, the texts' sorted words, then
    the answer, to stdout. What it imports comes first: a child started while the forms
    are read (Warm) imports meanwhile, then waits for its texts."""
    import numpy as np
    from rapidfuzz import fuzz, process  # noqa: F401  (the index scores with them)

    parent, package = int(argv[0]), argv[1]
    die_with_parent(parent)
    if str(_package()) != package:
        print(f"prefetch: this is {_package()}, the night runs {package}", file=sys.stderr)
        return 3
    head = json.loads(sys.stdin.buffer.readline())
    body = sys.stdin.buffer.read()
    ringkasan = body.decode("utf-8", "surrogatepass").split("\0") if body else []
    if len(ringkasan) != head["count"]:
        print(f"prefetch: {len(ringkasan)} texts, {head['count']} sent", file=sys.stderr)
        return 2
    words = similar._sorted_texts(ringkasan)
    # As similar._index_hits sorts the register's texts: the distinct sorted words.
    texts = sorted(set(words))
    del ringkasan, body
    threshold, deletions, together = head["threshold"], head["deletions"], head["together"]
    out = sys.stdout.buffer
    out.write(repr(similar._index_key(texts, threshold, deletions, together)).encode() + b"\n")
    # each ringkasan's words, in the order sent (\w+ joined by spaces: no NUL, no newline)
    out.write("\0".join(words).encode("utf-8", "surrogatepass") + b"\n")
    out.flush()
    del words
    similar._TEXTS = {}  # (the child's copy of them, not needed here)
    least, most, hits = similar._text_hits(texts, threshold, deletions, head["limit"], together)
    n = None if hits is None else len(hits[0])
    answer = {"least": least, "most": most, "hits": n, "texts": len(texts)}
    out.write(json.dumps(answer).encode() + b"\n")
    if hits is not None:
        a, b, s = hits
        out.write(np.ascontiguousarray(a, "<i8").tobytes())
        out.write(np.ascontiguousarray(b, "<i8").tobytes())
        out.write(np.ascontiguousarray(s, "<f4").tobytes())
    out.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - runs in the child
    sys.exit(main(sys.argv[1:]))
