"""What a run has seen and what went wrong with its input: kept apart so a run that ends early loads no more."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import CorpusError


@dataclass
class Problems:
    """What a run's intake found: warnings (the record was indexed) and refusals (it was not)."""

    warnings: list[CorpusError] = field(default_factory=list)
    refused: list[CorpusError] = field(default_factory=list)


@dataclass
class Tally:
    """What a run has seen so far; ``seen`` is the one thing that grows with the input."""

    records: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    seen: set[str] = field(default_factory=set)
