"""Golden-file comparison for generated documents; `pytest --update-golden` rewrites them.

Registered as a plugin through `pytest_plugins` in tests/conftest.py. Tests store a
normalised text dump (never the binary file) so a diff shows what changed in words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """`golden(name, text)`: assert `text` equals tests/golden/<name> (or rewrite it)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        if not path.is_file():
            pytest.fail(f"tests/golden/{name} is missing; run pytest --update-golden and review it")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from tests/golden/{name}"

    return check
