"""The static, searchable, bilingual site built from the papers (``paperlist site``)."""

from __future__ import annotations

from paperlist.output.site.build import SiteSettings, run_site

__all__ = ["SiteSettings", "run_site"]
