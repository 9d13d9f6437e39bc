from __future__ import annotations

# Placeholder until the check command lands; replaced by its implementation.
COMMANDS: list[object] = []
