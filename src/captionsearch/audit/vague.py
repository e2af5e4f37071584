"""Is a text alternative vague? A judgement from spaCy's parts of speech and lemmas.

A description of a photo names what is in it. The judgement looks at the
content words (nouns, proper nouns, verbs, adjectives, numbers) by lemma:

* no concrete noun: no noun or proper noun other than generic ones
  ("view", "image", "scene", "art"...) and abstract ones (events and
  activities: "landing", "mission", "journey", nouns ending in -tion, -ment,
  -ness, -ity...), e.g. "Closing In" (a verb and a particle), "Down and Down",
  "The view", "A Soft Landing";
* too few distinct content words for a photo (fewer than the
  ``vague-min-words`` setting), e.g. "The Rover", "Touchdown". This one is held
  against photos only: a single concrete noun ("gopher") can be all a drawing
  or diagram needs.

Proper nouns are always concrete (they name someone or something), and so is
a word the lemmatizer's dictionary does not know ("Zensical", "Scrimba"),
which is a name even when the tagger takes it for a verb.

Titles in Title Case fool the tagger into proper nouns ("First Light"), so a
text whose words are all capitalised is tagged in lower case. spaCy is
imported only when a vague rule runs; texts go through ``nlp.pipe`` in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
GENERIC_NOUNS = frozenset(
    """image photo photograph picture pic img graphic illustration view scene shot snapshot
    thing stuff something anything everything object item detail part piece way moment time
    look glimpse sight closeup close-up overview panorama landscape background foreground
    spacer icon figure slide frame capture title caption description untitled art artwork
    photography""".split()
)
ABSTRACT_NOUNS = frozenset(
    """journey mission trip adventure history story moment day night event time success
    arrival departure approach return beginning end start finish goal dream idea memory
    feeling mood beauty wonder hope future past progress step milestone launch flight visit""".split()
)
ABSTRACT_SUFFIXES = ("ing", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "hood", "ism")
# Nouns with those endings that name things one can see.
CONCRETE_EXCEPTIONS = frozenset(
    """building painting drawing ring king wing string ceiling railing clothing bedding
    station nation ocean monument instrument equipment apartment compartment pavement
    basement document ornament city university fence lance"""
    .split()
)


SMALL_WORDS = frozenset("a an the and but or nor for so yet on at to from by of in into with as up out".split())


def is_title_case(text: str) -> bool:
    """A headline: every word but short function words starts with a capital."""
    words = [w for w in text.split() if w[:1].isalpha()]
    major = [w for w in words if w.lower() not in SMALL_WORDS or w is words[0]]
    return len(words) >= 2 and all(w[0].isupper() for w in major)


def prepare(text: str) -> str:
    return text.lower() if is_title_case(text) else text


def is_concrete(lemma: str, generic: frozenset[str]) -> bool:
    """A common noun that names something visible: not generic, not an event or quality."""
    if lemma in generic or lemma in ABSTRACT_NOUNS:
        return False
    return lemma in CONCRETE_EXCEPTIONS or not lemma.endswith(ABSTRACT_SUFFIXES)


@dataclass(frozen=True)
class Wording:
    """The judgement of one text: what it lacks to describe a picture.

    Only ``abstract`` is held against every informative image. A text with no
    noun at all, or with a single content word, is held against photos only:
    on a drawing, diagram or image of text, "Contact us" or "Gopher" can be
    exactly what the image says or shows.
    """

    no_noun: str = ""  # no noun at all: "Closing In", "Beautiful"
    abstract: str = ""  # only generic or listed abstract nouns: "The view", "Some Art for the Mission"
    abstract_by_ending: str = ""  # only nouns of events and qualities by their ending: "A Soft Landing"
    sparse: str = ""  # too few content words: "The Rover"

    def reasons(self, photo: bool) -> tuple[str, ...]:
        if self.abstract:
            return (self.abstract,)
        if photo:
            # On a screenshot "Navigation sections enabled" names what is shown; on a photo
            # "A Soft Landing" names an event, not what the camera saw.
            return tuple(r for r in (self.no_noun or self.abstract_by_ending or self.sparse,) if r)
        return ()


def known_words(nlp: Any) -> frozenset[str]:
    """The English words the pipeline's lemmatizer knows (its WordNet-derived index), or none."""
    try:
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, ValueError):
        return frozenset()
    return frozenset(word for words in index.values() for word in words)


def is_name(token: Any, known: frozenset[str]) -> bool:
    """A word no English dictionary has ("Zensical", "Yutu"): a name, whatever the tagger guessed."""
    if not known or not token.is_alpha or len(token.text) < 3 or token.is_stop:
        return False
    if token.pos_ not in ("NOUN", "PROPN", "VERB", "ADJ", "X", "INTJ"):
        return False
    return token.lower_ not in known and token.lemma_.lower() not in known


def judge_doc(doc: Any, min_words: int, generic: frozenset[str], known: frozenset[str] = frozenset()) -> Wording:
    """How vague a tagged text is (an empty Wording when it names enough that is concrete)."""
    names = [t for t in doc if is_name(t, known)]
    content = [t for t in doc if (t.pos_ in CONTENT_POS or t in names) and (t.is_alpha or t.like_num or "'" in t.text)]
    nouns = [t for t in content if (t.pos_ in NOUN_POS or t in names) and (t.is_alpha or "'" in t.text)]
    concrete = [t for t in nouns if t.pos_ == "PROPN" or t in names or is_concrete(t.lemma_.lower(), generic)]
    tagged = ", ".join(f"{t.text.lower()} ({t.pos_.lower()})" for t in doc if not t.is_punct)
    if not nouns:
        return Wording(no_noun=f"no noun names what is shown: {tagged}")
    if not concrete:
        judged = ", ".join(f"{n} ({'generic' if n in generic else 'abstract'})" for n in sorted({t.lemma_.lower() for t in nouns}))
        reason = f"no noun names a thing that can be seen: {judged}"
        listed = all(t.lemma_.lower() in generic or t.lemma_.lower() in ABSTRACT_NOUNS for t in nouns)
        return Wording(abstract=reason) if listed else Wording(abstract_by_ending=reason)
    lemmas = sorted({t.lemma_.lower() for t in content})
    if len(lemmas) < min_words:
        words = ", ".join(lemmas) if lemmas else "none"
        return Wording(sparse=f"{len(lemmas)} content word{'s' if len(lemmas) != 1 else ''} ({words}); "
                              f"a photo's description usually needs at least {min_words}")
    return Wording()


def judge_texts(
    texts: Iterable[str],
    pipeline: str,
    min_words: int = 2,
    extra_generic: Iterable[str] = (),
    batch_size: int = 256,
) -> dict[str, Wording]:
    """The judgement of each distinct text."""
    from ..nlp import load_pipeline

    unique = sorted({t for t in texts if t.strip()})
    if not unique:
        return {}
    nlp = load_pipeline(pipeline, COMPONENTS)
    generic = GENERIC_NOUNS | {w.lower() for w in extra_generic}
    known = known_words(nlp)
    docs = nlp.pipe((prepare(t) for t in unique), batch_size=batch_size)
    return {text: judge_doc(doc, min_words, generic, known) for text, doc in zip(unique, docs)}
