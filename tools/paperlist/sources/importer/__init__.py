"""Import hand-written paper lists (Markdown or text) into paper files, losing nothing silently.

One module per step:

- ``markdown``: the CommonMark block pass (tables, HTML, code) with source lines;
- ``lexer``: what one line of a list is; ``parse``: entries from lines and table rows;
- ``urls``: what a link is (by URL first, whole-word labels second);
- ``ledger``: what became of every non-blank line; ``recall``: the id-recall guard;
- ``group``: entries naming one paper become one; ``plan``: writes planned and validated (applied as one
  ``paperlist.infra.writeplan.WritePlan``);
- ``run``: ``run_import`` ties them together.
"""

from __future__ import annotations

from paperlist.sources.importer.group import FALLBACK_TAG, title_keys
from paperlist.sources.importer.parse import parse_authors
from paperlist.sources.importer.plan import ImportedPaper, ImportPlan
from paperlist.sources.importer.run import ImportResult, ImportSettings, import_list, parse_list, run_import

__all__ = [
           "FALLBACK_TAG",
           "ImportPlan",
           "ImportResult",
           "ImportSettings",
           "ImportedPaper",
           "import_list",
           "parse_authors",
           "parse_list",
           "run_import",
           "title_keys",
]
