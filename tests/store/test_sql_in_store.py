"""All SQL lives in ppid_batch/store: no module outside it imports sqlalchemy."""

from __future__ import annotations

import ast
from pathlib import Path

from paths import ROOT

PACKAGE = ROOT / "ppid_batch"


def sqlalchemy_imports(path: Path) -> list[int]:
    """Line numbers where `path` imports sqlalchemy (anywhere: top level, in a function, under
    TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in names):
            lines.append(node.lineno)
    return lines


def test_only_the_store_imports_sqlalchemy() -> None:
    outside = {
        str(path.relative_to(ROOT)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if "store" not in path.relative_to(PACKAGE).parts[:1]
        and (found := sqlalchemy_imports(path))
    }
    assert outside == {}


def test_the_store_does_import_it_and_the_scan_sees_every_form(tmp_path: Path) -> None:
    assert sqlalchemy_imports(PACKAGE / "store" / "core.py")
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "import os, sqlalchemy as sa\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.engine import Connection\n"
        "def f():\n"
        "    import sqlalchemy.exc\n"
        "from .sqlalchemy_like import x\n",
        encoding="utf-8",
    )
    assert sqlalchemy_imports(module) == [2, 4, 6]
