"""Views over the papers and the findings: README and pages, reporters, the PR comment, the site."""
