from __future__ import annotations

from paperlist.cli import main

main()
