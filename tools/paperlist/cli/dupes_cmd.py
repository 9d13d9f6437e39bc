from __future__ import annotations

# Placeholder until the dupes command lands; replaced by its implementation.
COMMANDS: list[object] = []
