"""Indexing: a corpus's records brought into the search index, incrementally, in two passes.

    pipeline.py     index_corpus / index_records: a run, all or nothing
    options.py      IndexOptions (what a run is asked) and IndexReport (what it did)
    inputs.py       the stamps of a run's input: an unchanged input is not read again
    tally.py        what a run has seen, and the problems its input had
    intake.py       what a record goes through before it is written: text bounds, image checks
    search_tier.py  pass 1: records tokenised and written, no trained model
    enrichment.py   pass 2: entities and language judgements from the trained model, in workers
    documents.py    a record as an index document: terms, facets, state
    status.py       the audit's findings as "status:" facets
    spill.py        records waiting for pass 2, in a temporary file
    cache.py        the content-addressed cache of the model's results and image checks
    publishing.py   a run's staging copy of the index, swapped in whole
    progress.py     the progress line on a terminal

The index itself is written through the search backend (search/backend.py).
"""

from .options import IndexOptions, IndexReport
from .pipeline import index_corpus, index_records

__all__ = ["IndexOptions", "IndexReport", "index_corpus", "index_records"]
