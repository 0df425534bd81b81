"""The register database: tables, migrations, every SQL query; the only importer of sqlalchemy."""

from .core import Store
from .engine import database_exists, database_reason

__all__ = ["Store", "database_exists", "database_reason"]
