"""Posting lists and field lengths decoded from one Whoosh segment, as arrays.

Whoosh's block reader is driven a block at a time (its per-posting interface
costs a Python call per posting); the format is frozen with the pinned
whoosh-reloaded 2.7.5.
"""

from __future__ import annotations

import pickle
from itertools import chain
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from ..engine import POSITION_BITS
from .cache import INT

# Decodes the length byte Whoosh stores per document and field.
BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def read_postings(reader: Any, field: str, term: str, positions: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(documents, weights, position keys) of a term in one segment."""
    empty = (np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, INT))
    btext = term.encode("utf-8")
    if (field, btext) not in reader:
        return empty
    matcher = reader.postings(field, btext)
    values: list[Any] = []
    if isinstance(matcher, W3LeafMatcher):
        id_blocks, weight_blocks = [], []
        while True:
            ids, weights = _block_arrays(matcher)
            id_blocks.append(ids)
            weight_blocks.append(weights)
            if positions:
                matcher._read_values()
                values.extend(matcher._values)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        docs, frequencies = np.concatenate(id_blocks), np.concatenate(weight_blocks)
    else:  # a short list kept inline in the term's entry
        inline_ids, inline_weights = [], []
        while matcher.is_active():
            inline_ids.append(matcher.id())
            inline_weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
        docs, frequencies = np.array(inline_ids, dtype=np.int32), np.array(inline_weights, dtype=np.float32)
    keys = _position_keys(docs, values) if positions else empty[2]
    return docs, frequencies, keys


def _block_arrays(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """One block's documents and weights, decoded with array arithmetic.

    The block holds its documents as deltas and its weights as None (all
    1.0), one float (all the same) or an array of floats; Whoosh's own
    decoding is a Python step per posting, most of the time of reading a
    long list.
    """
    if matcher._data is None:
        matcher._read_data()
    stored_ids, stored_weights = matcher._data[0], matcher._data[1]
    ids = np.cumsum(np.array(stored_ids, dtype=np.int64)).astype(np.int32)
    if stored_weights is None:
        weights = np.ones(len(ids), dtype=np.float32)
    elif isinstance(stored_weights, float):
        weights = np.full(len(ids), stored_weights, dtype=np.float32)
    else:  # an array of floats, or a tuple
        weights = np.asarray(stored_weights, dtype=np.float32)
    return ids, weights


def _position_keys(docs: np.ndarray, values: list[bytes]) -> np.ndarray:
    """Sorted keys ``document << 32 | position`` from Whoosh's Positions values.

    Each value is a 4-byte count and a pickled list of position deltas (the
    format's encode(), its final STOP opcode dropped by the block writer):
    unpickled here, then summed back into positions with array arithmetic
    rather than Whoosh's per-position Python loop.
    """
    lists = [pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".") for value in values]
    counts = np.fromiter(map(len, lists), dtype=INT, count=len(lists))
    running = np.cumsum(np.fromiter(chain.from_iterable(lists), dtype=INT, count=int(counts.sum())))
    ends = np.cumsum(counts)
    before = np.concatenate([[0], running[ends[:-1] - 1]]) if len(ends) else np.zeros(0, INT)
    positions = running - np.repeat(before, counts)
    return (np.repeat(docs.astype(INT), counts) << POSITION_BITS) | positions


def read_lengths(reader: Any, field: str) -> np.ndarray:
    """Each document's field length, byte-encoded as Whoosh stores it (``BYTE_TO_LENGTH`` decodes)."""
    size = reader.doc_count_all()
    encoded = np.zeros(size, dtype=np.uint8)
    perdoc = reader._perdoc
    column_name = f"_{field}_len"
    if perdoc.has_column(column_name):
        column = perdoc.column_reader(column_name, LENGTHS_COLUMN)
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        encoded[: len(stored)] = stored
    return encoded
