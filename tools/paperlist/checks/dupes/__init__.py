"""Duplicate detection: is this paper already in the list, and where?

Evidence, strongest first:

* **error** (certain): the same normalized arXiv id, DOI or CVF open-access paper.
* **warning** (likely): titles equal after normalization, equal but for a ``Name:`` prefix, cut
  short by one word, or differing only by inflections ("Dynamical"/"Dynamic") and small words
  ("Towards a …") — and, where both list authors, sharing at least one author. The same code
  repository (same GitHub repo and sub-folder) is a warning too.
* **notice**: the title evidence above between papers whose arXiv ids (or DOIs) differ: two ids
  mean two papers unless a human says otherwise, but a typo in an id is worth a look.

Scale: comparing every pair is O(n²). Papers are *blocked* instead: an exact-key index for
identifiers and folded titles, and an inverted index of title words in which each paper only
looks up its four rarest and keeps the papers holding two of them (a title called a duplicate
differs in at most two words, so nothing is lost). The features and postings live in an SQLite
cache (``.paperlist-cache/``) kept fresh by content (git blob ids, never mtimes), so checking one
new paper against 100,000 reads one file and a few index pages.

One module per job: ``features`` (what is compared), ``matching`` (two papers), ``index``
(blocking), ``store`` (the SQLite cache), ``check`` (the run and its findings).
"""

from __future__ import annotations

from paperlist.checks.dupes.check import ALLOW_FILE, DupesSettings, find_duplicates, load_allowed, run_dupes
from paperlist.checks.dupes.features import STOPWORDS, Features, features_from_data, features_of
from paperlist.checks.dupes.index import Index
from paperlist.checks.dupes.matching import Match, compare, compare_data

__all__ = ["ALLOW_FILE", "STOPWORDS", "DupesSettings", "Features", "Index", "Match", "compare", "compare_data",
           "features_from_data", "features_of", "find_duplicates", "load_allowed", "run_dupes"]
