from __future__ import annotations

# Placeholder until the import command lands; replaced by its implementation.
COMMANDS: list[object] = []
