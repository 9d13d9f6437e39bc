"""paperlist: a curated paper list kept as data, and the tools that keep it honest."""

from __future__ import annotations

__version__ = "0.2.0"  # semantic versioning; CHANGELOG.md says what each release changed
