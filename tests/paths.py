"""Where the tests find the project: its root and the tests' own folder.

Test modules live in folders that mirror the package (tests/forms, tests/store, ...), so a
path computed from a test file's own location would depend on how deep it sits. Every test
takes these two instead.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = ROOT.parent / "shared"
