"""The add-paper issue form → a checked pull request: ``form`` (the template and the untrusted body),
``plan`` (the same library as ``paperlist new``), ``reply`` (what the bot writes), ``flow`` (the run)."""
