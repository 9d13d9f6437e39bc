"""Where papers come from: ``paperlist new`` and the importer."""
