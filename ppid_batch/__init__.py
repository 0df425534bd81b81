"""ppid-batch: the PPID documentation SOP of a KPU office as a nightly batch."""

from __future__ import annotations

import importlib
from typing import Any

from .config import Config
from .config_file import load_config
from .errors import ConfigError, LockedError, PpidError, StoreError, TemplateError, UsageError
from .forms.schema import approval_schema, form_schema, load_schema
from .models import Finding, RegisterItem, SheetReport

__version__ = "0.1.0"

# The stages pull in SQLAlchemy, numpy, docxtpl…; they load on first use so that
# `ppid-batch run` on a quiet night stays fast (bench/bench_noop.py).
_LAZY = {
    "validate_file": "forms.validate",
    "validate_files": "forms.validate",
    "write_corrected_copy": "forms.feedback",
    "Store": "store.core",
    "register_form": "register.items",
    "check_approval": "approve.apply",
    "apply_approval": "approve.apply",
    "write_approval_sheet": "approve.sheet",
    "write_register": "documents.register_list",
    "write_reports": "reports.laporan",
    "run": "batch.pipeline",
    "RunReport": "batch.report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "LockedError",
    "PpidError",
    "RegisterItem",
    "RunReport",
    "SheetReport",
    "Store",
    "StoreError",
    "TemplateError",
    "UsageError",
    "__version__",
    "apply_approval",
    "approval_schema",
    "check_approval",
    "form_schema",
    "load_config",
    "load_schema",
    "register_form",
    "run",
    "validate_file",
    "validate_files",
    "write_approval_sheet",
    "write_corrected_copy",
    "write_register",
    "write_reports",
]
