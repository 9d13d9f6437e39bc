"""What can be wrong with a paper: schema and rules (validate), duplicates, links."""
