"""A per-collection gazetteer: the trained model's entities, found again by matching their words.

A collection names the same people, places and organisations over and over,
and the trained pipeline (a few hundred captions a second) finds them anew in
every caption. The gazetteer learns from the model's own results on the
first captions of a run (and on every sentence it sends the model later):
which word sequences the model called an entity, with which label, and how
reliably, and which words it leaves out of entities. Digits are matched by
their shape (12 November 2019 and 3 November 2019 are one entry).

A caption is read sentence by sentence. A sentence is settled without the
model when every word of it is accounted for: a reliable entry, an entry
the model almost never called an entity, or a word it almost always leaves
out of entities (or a lowercase word or punctuation it has never seen). Any
other word (a capitalised word it does not know, a word that is sometimes
part of an entity and sometimes not) leaves the sentence to the model, and
the model's answer is learnt from in turn. Only those sentences go to the
model, not the whole caption.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

from .. import nlp

LEARN_FROM = 2_000  # captions the model reads before the gazetteer settles any
MIN_RELIABILITY = 0.95  # share of the sentences holding an entry's words in which the model found that entity
MIN_SEEN = 2  # sentences an entry must have been seen in to be relied on
MAX_ENTITY_SHARE = 0.05  # a word or entry counts as plain if at most this share of its uses were in entities
MAX_EXAMPLES = 100_000  # texts kept to learn from (and recounted at each rebuild)
MIN_NAME_USES = 3  # entities a capitalised word was part of before it makes names with others of its group

Words = tuple[str, ...]
_DIGITS = re.compile(r"\d")
_SENTENCE_END = frozenset({".", "!", "?"})


@dataclass
class _Entry:
    groups: Counter[str] = field(default_factory=Counter)  # entity group -> times the model gave it
    seen: int = 0  # sentences in which the words occur (matched longest first)
    confirmed: int = 0  # of those, sentences in which the model found this entity with the main group

    @property
    def group(self) -> str:
        return self.groups.most_common(1)[0][0]


@dataclass(frozen=True)
class Reading:
    """A caption as the gazetteer read it: its sentences, each settled (its entities) or left to the model (None)."""

    sentences: tuple[str, ...]
    found: tuple[tuple[nlp.Entity, ...] | None, ...]

    def for_model(self) -> list[str]:
        return [sentence for sentence, entities in zip(self.sentences, self.found) if entities is None]

    def entities(self, from_model: Iterator[tuple[nlp.Entity, ...]]) -> tuple[nlp.Entity, ...]:
        """The caption's entities in text order, once each; ``from_model`` answers for_model() in order."""
        merged: dict[tuple[str, str], nlp.Entity] = {}
        for settled in self.found:
            for entity in settled if settled is not None else next(from_model):
                merged.setdefault((entity.group, entity.text.casefold()), entity)
        return tuple(merged.values())


class Gazetteer:
    """Learns from (text, the model's entities) pairs; reads captions, settling the sentences it can."""

    def __init__(self, learn_from: int = LEARN_FROM):
        self.learn_from = learn_from
        self.learnt = 0
        self._examples: list[tuple[list[tuple[int, str]], str, tuple[nlp.Entity, ...]]] = []
        self._entries: dict[Words, _Entry] = {}
        self._longest = 0
        self._reliable: set[Words] = set()
        self._rarely: set[Words] = set()  # entries the model almost never called an entity
        self._in_entities: Counter[str] = Counter()
        self._outside: Counter[str] = Counter()
        self._word_groups: dict[str, Counter[str]] = {}  # word -> the groups of the entities it was part of
        self._stale = True

    @property
    def ready(self) -> bool:
        return self.learnt >= self.learn_from

    def still_to_learn(self) -> int:
        return max(0, self.learn_from - self.learnt)

    def learn(self, results: Iterable[tuple[str, Sequence[nlp.Entity]]]) -> None:
        """Take in the model's entities of some texts (captions or sentences)."""
        for text, entities in results:
            if len(self._examples) >= MAX_EXAMPLES:
                return  # enough to judge by; memory and each rebuild stay bounded
            self._examples.append((nlp.pieces(text), text, tuple(entities)))
            for entity in entities:
                key = _shaped_words(entity.text)
                if key:
                    self._entries.setdefault(key, _Entry()).groups[entity.group] += 1
                    self._longest = max(self._longest, len(key))
                for word in key:
                    self._word_groups.setdefault(word, Counter())[entity.group] += 1
            self.learnt += 1
        self._stale = True

    def read(self, text: str) -> Reading:
        """``text``'s sentences, with the entities of those the gazetteer can settle."""
        if self._stale:
            self._rebuild()
        sentences, found = [], []
        for pieces in _sentences(nlp.pieces(text)):
            start, end = pieces[0][0], pieces[-1][0] + len(pieces[-1][1])
            sentences.append(text[start:end])
            found.append(self._settle([(offset - start, piece) for offset, piece in pieces], sentences[-1]))
        return Reading(tuple(sentences), tuple(found))

    def summary(self) -> dict[str, int]:
        """What it holds, for reports: texts learnt from, entries, and the reliable ones."""
        if self._stale:
            self._rebuild()
        return {"learnt": self.learnt, "entries": len(self._entries), "reliable": len(self._reliable)}

    def _settle(self, pieces: list[tuple[int, str]], text: str) -> tuple[nlp.Entity, ...] | None:
        words = [_shape(piece) for _, piece in pieces]
        found: list[nlp.Entity] = []
        at = 0
        while at < len(words):
            key = self._match(words, at)
            if key is None and not self._plain(words[at]):
                key, group = self._name(words, at)
                if key is None or group is None:
                    return None
                found.append(nlp.Entity(group, _span_text(text, pieces, at, len(key))))
                at += len(key)
                continue
            if key is None:
                at += 1
                continue
            if key in self._rarely:  # words the model almost never calls an entity
                at += len(key)
                continue
            if key not in self._reliable:
                return None
            span = _span_text(text, pieces, at, len(key))
            if span:
                found.append(nlp.Entity(self._entries[key].group, span))
            at += len(key)
        return tuple(found)

    def _name(self, words: Sequence[str], at: int) -> tuple[Words | None, str | None]:
        """A run of capitalised words the model only ever put in entities of one group (John + Smith), and it."""
        end = at
        while end < len(words) and words[end][:1].isupper() and self._match(words, end) is None:
            end += 1
        groups = {self._name_group(word) for word in words[at:end]}
        if len(groups) != 1 or None in groups:
            return None, None
        return tuple(words[at:end]), groups.pop()

    def _name_group(self, word: str) -> str | None:
        groups = self._word_groups.get(word)
        if not groups or self._outside[word] > MAX_ENTITY_SHARE * self._in_entities[word]:
            return None
        group, count = groups.most_common(1)[0]
        return group if count >= MIN_NAME_USES and count >= MIN_RELIABILITY * sum(groups.values()) else None

    def _match(self, words: Sequence[str], at: int) -> Words | None:
        """The longest entry starting at ``at``."""
        for size in range(min(self._longest, len(words) - at), 0, -1):
            key = tuple(words[at : at + size])
            if key in self._entries:
                return key
        return None

    def _plain(self, word: str) -> bool:
        """Whether the model leaves this word out of entities (so far as the texts learnt from show)."""
        if not any(c.isalnum() for c in word):
            return True  # punctuation alone makes no entity
        inside, outside = self._in_entities[word], self._outside[word]
        if inside + outside == 0:
            return word.islower()
        return inside <= MAX_ENTITY_SHARE * (inside + outside)

    def _rebuild(self) -> None:
        """Count, over every text learnt from, how reliably each entry is an entity, and each word is not."""
        for entry in self._entries.values():
            entry.seen = entry.confirmed = 0
        self._in_entities.clear()
        self._outside.clear()
        for pieces, text, entities in self._examples:
            self._count(pieces, text, entities)
        self._reliable = {
            key
            for key, entry in self._entries.items()
            if entry.seen >= MIN_SEEN
            and entry.confirmed >= MIN_RELIABILITY * entry.seen
            and entry.groups[entry.group] >= MIN_RELIABILITY * sum(entry.groups.values())
        }
        self._rarely = {
            key
            for key, entry in self._entries.items()
            if entry.seen >= MIN_SEEN and entry.confirmed <= MAX_ENTITY_SHARE * entry.seen
        }
        self._stale = False

    def _count(self, pieces: list[tuple[int, str]], text: str, entities: tuple[nlp.Entity, ...]) -> None:
        words = [_shape(piece) for _, piece in pieces]
        named = {(e.group, e.text.casefold()) for e in entities}
        inside = [False] * len(words)
        for entity in entities:
            wanted = _shaped_words(entity.text)
            for start in range(len(words) - len(wanted) + 1):
                if wanted and tuple(words[start : start + len(wanted)]) == wanted:
                    inside[start : start + len(wanted)] = [True] * len(wanted)
        for word, is_inside in zip(words, inside):
            (self._in_entities if is_inside else self._outside)[word] += 1
        seen: dict[Words, bool] = {}
        at = 0
        while at < len(words):
            key = self._match(words, at)
            if key is None:
                at += 1
                continue
            span = _span_text(text, pieces, at, len(key))
            entry = self._entries[key]
            seen[key] = seen.get(key, False) or (entry.group, span.casefold()) in named
            at += len(key)
        for key, confirmed in seen.items():
            self._entries[key].seen += 1
            self._entries[key].confirmed += confirmed


def _span_text(text: str, pieces: list[tuple[int, str]], at: int, size: int) -> str:
    """The entity text of ``size`` tokens from ``at``, as the model's results write it."""
    last = pieces[at + size - 1]
    return nlp.entity_text(text[pieces[at][0] : last[0] + len(last[1])])


def _sentences(pieces: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Runs of tokens ending at . ! or ? before a capitalised word."""
    start = 0
    for at in range(1, len(pieces)):
        if pieces[at - 1][1] in _SENTENCE_END and pieces[at][1][:1].isupper():
            yield pieces[start:at]
            start = at
    if start < len(pieces):
        yield pieces[start:]


def _shape(word: str) -> str:
    """Digits matched by shape: every number of the same length is one word to the gazetteer."""
    return _DIGITS.sub("0", word) if any(c.isdigit() for c in word) else word


@lru_cache(maxsize=100_000)
def _shaped_words(text: str) -> Words:
    """The tokens of an entity's text, digits by shape (entities repeat: each is tokenized once)."""
    return tuple(_shape(piece) for _, piece in nlp.pieces(text))
