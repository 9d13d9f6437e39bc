"""One exception family: the CLI prints these as `Error: message` with exit 2; anything else is a bug."""

from __future__ import annotations


class PaperlistError(Exception):
    """A problem the user can fix (bad arguments, missing files, bad configuration)."""


class ConfigError(PaperlistError):
    """A project file (vocabulary, schema, link config) is missing or invalid."""


class UsageError(PaperlistError):
    """The command was called with arguments that cannot work."""


class PlanError(PaperlistError):
    """A plan of writes cannot be applied (it has errors, or names a path it may not write); nothing
    was written. Every writer (``paperlist new``, ``import``, the issue form) raises this family."""


class StaleTarget(PlanError):
    """A planned write no longer fits the files on disk (the message says which and why)."""
