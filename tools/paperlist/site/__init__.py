"""The static, searchable, bilingual site built from the papers (``paperlist site``)."""

from __future__ import annotations

from .build import SiteSettings, build_site

__all__ = ["SiteSettings", "build_site"]
