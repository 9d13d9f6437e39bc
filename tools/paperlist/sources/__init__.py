"""Where papers come from: arXiv, ``paperlist new``, and the importer."""
