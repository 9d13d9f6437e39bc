"""What a list is made of: paper files and their loader, keys, identity, settings, vocabularies, writing."""
