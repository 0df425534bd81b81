"""Errors that stop a command outright; invalid input is reported as data, not raised."""

from __future__ import annotations


class PpidError(Exception):
    """Base class: the message is one Indonesian line a clerk or PPID can act on."""

    exit_code = 2


class ConfigError(PpidError):
    """ppid.toml is missing, unreadable or holds a wrong value."""


class SchemaError(PpidError):
    """A YAML definition in schemas/ is malformed (a maintainer's mistake)."""


class TemplateError(PpidError):
    """A document template is not a valid docx or needs an unknown variable."""


class UsageError(PpidError):
    """A command was called with arguments it cannot work with."""


class LockedError(PpidError):
    """Another run holds the workspace lock."""

    exit_code = 3


class StoreError(PpidError):
    """The register database cannot be opened or is newer than this program."""
