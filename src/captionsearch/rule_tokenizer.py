"""spaCy's English tokenizer rules, applied in plain Python: a query needs no spaCy import.

Importing spaCy and building its blank English tokenizer takes about half a
second, longer than a one-off search takes without it. The tokenizer itself
is data (prefix, suffix and infix patterns, a URL pattern, special cases)
and a short algorithm; this module holds both, the data in
``rule_tokenizer.json``, written from the installed spaCy by
``nlp.tokenizer_rules()`` (``python scripts/tokenizer_rules.py``). The
algorithm follows spaCy's ``Tokenizer._split_affixes``, ``_attach_tokens``
and ``_apply_special_cases`` (spaCy 3.8, MIT licence); the tests compare its
tokens with spaCy's on the bundled corpus and on hard cases.

The rules are used only with the spaCy release they were written from: with
another, ``load()`` returns None and the caller uses spaCy itself.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

RULES_FILE = Path(__file__).with_name("rule_tokenizer.json")
_NONE = re.compile("a^")  # matches nothing: a rule the language does not have
_CHUNK = re.compile(r"\S+")
_VERSION = re.compile(r"""__version__\s*=\s*["']([^"']+)["']""")

Piece = tuple[int, str]  # (offset in the text, token text)


class RuleTokenizer:
    """Splits a text into the tokens spaCy's tokenizer with the same rules would make."""

    def __init__(self, rules: dict[str, Any]):
        self.rules = rules
        self.prefix_search = _compiled(rules["prefix"]).search
        self.suffix_search = _compiled(rules["suffix"]).search
        self.token_match = _compiled(rules["token_match"]).match
        self.specials: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in rules["special_cases"].items()}
        self.longest_special = max((len(k) for k in self.specials), default=0)
        self.chunk = lru_cache(maxsize=200_000)(self._chunk)
        self.affix_special = lru_cache(maxsize=None)(self._affix_special)

    # The infix and URL patterns take most of the compiling (~60 ms): compiled when
    # first needed, and not needed at all for text they cannot match.

    @cached_property
    def _infix_finditer(self) -> Callable[[str], Iterator[re.Match[str]]]:
        return _compiled(self.rules["infix"]).finditer

    @cached_property
    def _url_match(self) -> Callable[[str], re.Match[str] | None]:
        return _compiled(self.rules["url_match"]).match

    def infix_finditer(self, text: str) -> Iterator[re.Match[str]]:
        # Every infix is punctuation or a symbol, never a letter or digit.
        return iter(()) if text.isalnum() else self._infix_finditer(text)

    def url_match(self, text: str) -> re.Match[str] | None:
        # A URL's host always has a dot (name.tld or an IPv4 address).
        return self._url_match(text) if "." in text else None

    def __call__(self, text: str) -> list[Piece]:
        pieces: list[Piece] = []
        for match in _CHUNK.finditer(text):
            start = match.start()
            pieces.extend((start + offset, token) for offset, token in self.chunk(match.group()))
        return pieces

    def _chunk(self, chunk: str) -> tuple[Piece, ...]:
        """One run of non-space characters: its tokens and their offsets (spaCy caches by chunk too)."""
        tokens = self._apply_affix_specials(self._chunk_tokens(chunk, with_specials=True))
        pieces, offset = [], 0
        for token in tokens:
            pieces.append((offset, token))
            offset += len(token)
        return tuple(pieces)

    def _chunk_tokens(self, chunk: str, with_specials: bool) -> list[str]:
        if with_specials and chunk in self.specials:
            return list(self.specials[chunk])
        prefixes: list[str] = []
        suffixes: list[str] = []
        rest = self._split_affixes(chunk, prefixes, suffixes, with_specials)
        return prefixes + self._attach(rest, with_specials) + suffixes[::-1]

    def _split_affixes(self, text: str, prefixes: list[str], suffixes: list[str], with_specials: bool) -> str:
        specials = self.specials if with_specials else {}
        last_size = -1
        while text and len(text) != last_size:
            if self.token_match(text) or text in specials:
                break
            last_size = len(text)
            pre_len = _end(self.prefix_search(text))
            if pre_len and text[pre_len:] in specials:
                prefixes.append(text[:pre_len])
                return text[pre_len:]
            suf_len = _suffix_length(self.suffix_search(text[pre_len:]), len(text) - pre_len)
            if suf_len and text[:-suf_len] in specials:
                suffixes.append(text[-suf_len:])
                return text[:-suf_len]
            if pre_len and suf_len and pre_len + suf_len <= len(text):
                prefixes.append(text[:pre_len])
                suffixes.append(text[-suf_len:])
                text = text[pre_len:-suf_len]
            elif pre_len:
                prefixes.append(text[:pre_len])
                text = text[pre_len:]
            elif suf_len:
                suffixes.append(text[-suf_len:])
                text = text[:-suf_len]
            if text in specials:
                break
        return text

    def _attach(self, text: str, with_specials: bool) -> list[str]:
        if not text:
            return []
        if with_specials and text in self.specials:
            return list(self.specials[text])
        if self.token_match(text) or self.url_match(text):
            return [text]
        tokens, start = [], 0
        for match in self.infix_finditer(text):
            if match.start() == 0:
                continue  # an infix at the very start is not a split
            if match.start() != start:
                tokens.append(text[start : match.start()])
            if match.start() != match.end():
                tokens.append(match.group())
            start = match.end()
        if text[start:]:
            tokens.append(text[start:])
        return tokens

    def _affix_special(self, key: str) -> tuple[str, ...] | None:
        """The tokens affixes split a special case into, if they split it (spaCy looks for those again)."""
        if self.prefix_search(key) or self.suffix_search(key) or any(self.infix_finditer(key)):
            return tuple(self._chunk_tokens(key, with_specials=False))
        return None

    def _apply_affix_specials(self, tokens: list[str]) -> list[str]:
        """Runs of tokens that spell a special case with affixes become its tokens (longest first)."""
        if len(tokens) < 2:
            return tokens
        spans = []
        for start in range(len(tokens)):
            text = tokens[start]
            for end in range(start + 2, len(tokens) + 1):
                text += tokens[end - 1]
                if len(text) > self.longest_special:
                    break
                if text in self.specials and self.affix_special(text) == tuple(tokens[start:end]):
                    spans.append((start, end, text))
        if not spans:
            return tokens
        chosen: dict[int, tuple[int, str]] = {}
        seen: set[int] = set()
        for start, end, key in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
            # As spaCy filters them: a span is kept unless its first or last token was seen.
            if start not in seen and end - 1 not in seen:
                chosen[start] = (end, key)
            seen.update(range(start, end))
        result, at = [], 0
        while at < len(tokens):
            if at in chosen:
                end, key = chosen[at]
                result.extend(self.specials[key])
                at = end
            else:
                result.append(tokens[at])
                at += 1
        return result


def _compiled(pattern: str | None) -> re.Pattern[str]:
    return re.compile(pattern) if pattern else _NONE


def _end(match: re.Match[str] | None) -> int:
    return match.end() if match else 0


def _suffix_length(match: re.Match[str] | None, length: int) -> int:
    return length - match.start() if match else 0


def installed_spacy_version() -> str | None:
    """The installed spaCy's version, read from its source (importing it is what is being avoided)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin:
        return None
    about = Path(spec.origin).with_name("about.py")
    try:
        found = _VERSION.search(about.read_text(encoding="utf-8"))
    except OSError:
        return None
    return found.group(1) if found else None


@lru_cache(maxsize=1)
def load() -> RuleTokenizer | None:
    """The shipped rules as a tokenizer (built once), or None when they do not fit the installed spaCy."""
    return read_rules(RULES_FILE)


def read_rules(path: Path) -> RuleTokenizer | None:
    """The rules in ``path`` as a tokenizer, or None if unreadable or written from another spaCy release."""
    try:
        rules = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rules, dict) or rules.get("spacy") != installed_spacy_version():
        return None
    return RuleTokenizer(rules)
