"""Duplicate detection: verbatim, reworded and renamed re-submissions, against the archive and within a batch.

- ``fingerprints``: shingles, word sets, MinHash; ``names``: case-name and unit similarity;
- ``compare``: one pair of texts -> kind, score, passages side by side;
- ``index``: the archive made searchable (LSH, vectors, units), kept current on writes;
- ``rules``: which eligibility rule of the call a match breaks, and its severity;
- ``check``: ``run(ctx)`` for one material, ``cross_batch(items)`` for a batch.
"""

from .check import BatchItem, cross_batch, run
from .compare import KIND_LABELS, Sample, compare
from .index import DuplicateIndex, get_index

__all__ = ["KIND_LABELS", "BatchItem", "DuplicateIndex", "Sample", "compare", "cross_batch", "get_index", "run"]
