from __future__ import annotations

# Placeholder until the render command lands; replaced by its implementation.
COMMANDS: list[object] = []
