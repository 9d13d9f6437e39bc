"""The pull-request loop on GitHub: the PR check, the client, posting, and the issue form."""
