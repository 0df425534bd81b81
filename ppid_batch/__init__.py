"""ppid-batch: the PPID documentation SOP of KPU Kabupaten Mesuji as a nightly batch."""

from .config import Config, load_config
from .errors import ConfigError, LockedError, PpidError, TemplateError, UsageError
from .models import Finding, RegisterItem, SheetReport
from .schema import approval_schema, form_schema, load_schema

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "LockedError",
    "PpidError",
    "RegisterItem",
    "SheetReport",
    "TemplateError",
    "UsageError",
    "__version__",
    "approval_schema",
    "form_schema",
    "load_config",
    "load_schema",
]
