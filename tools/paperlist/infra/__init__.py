"""Shared machinery that knows nothing of paper files: text rules, identifiers, escaping, files, parallelism,
caches, git, arXiv."""
