"""What a list is made of: paper files, their loader and index, keys, settings, vocabularies, writing."""
