from __future__ import annotations

# Placeholder until the links command lands; replaced by its implementation.
COMMANDS: list[object] = []
