"""Shared machinery that knows nothing of papers: text rules, escaping, files, parallelism, caches, git."""
