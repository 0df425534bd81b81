"""Reads one workbook in a child process (safe intake): exit 0 when reading survives it.

`python -m ppid_batch.forms.probe FILE MAX_FILE_BYTES MAX_UNPACKED_BYTES`; the nightly batch
runs it, under a memory limit, on a file a night died while reading.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .validate import validate_file


def main(argv: list[str]) -> int:
    path, max_file, max_unpacked = argv
    validate_file(Path(path), max_file_bytes=int(max_file), max_unpacked_bytes=int(max_unpacked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
