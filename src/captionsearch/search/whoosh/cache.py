"""The process's cache of decoded per-segment arrays, kept in the narrowest types that hold them.

A segment's postings never change once written (deletions are kept apart),
so what was decoded for one searcher serves every later searcher over the
same segment, and a server's workers share what their master read before
forking. Most of a server's memory is these lists, and a segment's document
numbers, a caption's word positions and a word's count in one caption are
small numbers: lists are kept narrow and widened when a query reads them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, ContextManager, Hashable

import numpy as np

from ...settings import DEFAULT_QUERY_CACHE_MB
from ..engine import POSITION_BITS

ARRAY_CACHE_MB = DEFAULT_QUERY_CACHE_MB  # decoded posting lists kept per process, most recently used first
INT = np.int64
NARROW_KEY_BITS = 16  # a narrow position key is document << 16 | position, in 32 bits

CacheKey = tuple[Hashable, ...]
Arrays = tuple[Any, ...]  # numpy arrays, or objects with an ``nbytes``


class ArrayCache:
    """A least-recently-used cache of tuples of arrays, bounded in bytes."""

    def __init__(self, budget_mb: int):
        self.budget = budget_mb * 1024 * 1024
        self.used = 0
        self._entries: OrderedDict[CacheKey, Arrays] = OrderedDict()
        self._lock = threading.Lock()

    def resize(self, budget_mb: int) -> None:
        with self._lock:
            self.budget = budget_mb * 1024 * 1024
            self._evict()

    def __contains__(self, key: CacheKey) -> bool:
        with self._lock:
            return key in self._entries

    def _evict(self) -> None:
        while self.used > self.budget and len(self._entries) > 1:
            _, dropped = self._entries.popitem(last=False)
            self.used -= _size(dropped)

    def get(self, key: CacheKey, io: ContextManager[Any], load: Callable[[], Arrays]) -> Arrays:
        """The cached value for ``key``, else ``load()`` run while holding ``io``."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        with io:  # not under the cache's lock: other threads keep reading cached lists
            value = load()
        self.put(key, value)
        return value

    def put(self, key: CacheKey, value: Arrays) -> None:
        size = _size(value)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self.used += size
                self._evict()


def _size(value: Arrays) -> int:
    return sum(int(getattr(part, "nbytes", 0)) for part in value)


ARRAYS = ArrayCache(ARRAY_CACHE_MB)


def set_array_cache_size(megabytes: int) -> None:
    """Bound the process's cache of decoded posting lists (least recently used go first)."""
    ARRAYS.resize(megabytes)


def narrowest(largest: int) -> type[np.unsignedinteger[Any]] | type[np.int64]:
    """The smallest unsigned type holding 0..largest."""
    for kind in (np.uint8, np.uint16, np.uint32):
        if largest <= np.iinfo(kind).max:
            return kind
    return INT


def narrow_documents(docs: np.ndarray, segment_size: int) -> np.ndarray:
    return docs.astype(narrowest(segment_size))


def narrow_frequencies(weights: np.ndarray) -> np.ndarray:
    """Whole-number weights (a word's count in one document) as small integers; others as they are."""
    if len(weights) == 0 or not np.array_equal(weights, np.floor(weights)) or weights.min() < 0:
        return weights
    return weights.astype(narrowest(int(weights.max())))


def narrow_keys(keys: np.ndarray, segment_size: int) -> np.ndarray:
    """Position keys in 32 bits when the segment's documents and the positions fit in 16 each."""
    limit = 1 << NARROW_KEY_BITS
    mask = (1 << POSITION_BITS) - 1
    if segment_size > limit or (len(keys) and int((keys & mask).max()) >= limit):
        return keys
    return ((keys >> POSITION_BITS) << NARROW_KEY_BITS | (keys & mask)).astype(np.uint32)


def global_keys(keys: np.ndarray, offset: int) -> np.ndarray:
    """A segment's cached position keys as the engine's ``document << 32 | position``, documents offset."""
    if keys.dtype != np.uint32:
        return keys + (offset << POSITION_BITS)
    wide = keys.astype(INT)
    positions = wide & ((1 << NARROW_KEY_BITS) - 1)
    wide >>= NARROW_KEY_BITS
    wide += offset
    wide <<= POSITION_BITS
    wide |= positions
    return wide
