"""Draft an alt text from a photo's caption: what the photo shows, its subject and what it does.

A caption says more than an alt text should: who took the photo and when, how
it was made, what happened before and after. The draft keeps the first
sentence that describes the picture and takes the rest away:

* before parsing (patterns): datelines ("BEIJING, Jan. 3 (Xinhua) --"), "FILE -",
  credits ("(Photo: CNSA)", "Xinhua via AP", "Image credit: ..."), years in
  parentheses, and labels such as "This image:" (the text after one is the
  description, wherever it stands);
* after parsing (spaCy's dependency parse and entities): the photo's framing
  ("This photo taken on ... shows X" -> X, "X, in this photo from the lander"
  -> X, "X is seen in this image" -> X, "<someone> took this image of X" -> X,
  an artist's -> "Artist's impression of X"), phrases and clauses before the
  subject ("On this historic first landing ..., X"), dates and times, and
  trailing context ("after ...", ", which ...", ", capital of China").

It is subtractive: the draft is the caption's own words, fewer of them, so a
misparse costs words rather than inventing any (the one addition is "Artist's
impression of"). A draft the audit itself would flag (vague, a placeholder, a
file name) is not offered, and one that would lose the fact that the picture is
a simulation or a model gives way to the phrase that says so: "" asks a person
to write the alt.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, NamedTuple

from ..nlp import load_pipeline
from ..settings import DEFAULT_PIPELINE
from .caption_text import clean_caption
from .checks import looks_like_file_name, placeholder_kind, redundant_media_phrase
from .vague import CONTENT_POS, GENERIC_NOUNS, is_concrete

# The parser finds the framing, NER the dates, the lemmatizer the verbs' lemmas.
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
META_NOUNS = frozenset(
    "image photo photograph picture pic shot snapshot view frame still screenshot screengrab grab "
    "handout selfie panorama mosaic closeup close-up photomontage video footage".split()
)
ARTWORK_NOUNS = frozenset("illustration impression concept rendering render drawing animation depiction".split())
ARTIST_NOUNS = frozenset("artist illustrator painter animator".split())
SHOW_VERBS = frozenset("show depict feature illustrate portray capture present reveal".split())
MAKE_VERBS = frozenset("take capture create make shoot snap draw paint produce acquire record".split())
SEEN_VERBS = frozenset("see picture show photograph depict capture".split())
IMAGE_SOURCE_VERBS = frozenset("return release send provide".split())
# Prepositions and clause openers that tell what happened around the picture, not what it shows.
CONTEXT_PREPOSITIONS = frozenset("after before following ahead amid despite since prior".split())
CONTEXT_MARKERS = frozenset("after before since because although though once until unless".split())
# Words that say the picture is not of the real thing; a draft must not lose them.
NOT_REAL = re.compile(r"^(?:simulat|animat|render|model|mock|replica|reconstruct)", re.I)
REQUIRED_DEPENDENTS = frozenset("dobj pobj attr acomp oprd xcomp ccomp dative pcomp agent prt".split())
POSITION_WORDS = frozenset("left right center centre middle top bottom front rear foreground background".split())
DATE_WORDS = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\.?$|^(?:january|february|march|april|june|july|"
    r"august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|yesterday|tonight|morning|afternoon|evening|night|undated|\d{1,4}(?:st|nd|rd|th|s)?|a\.m\.|p\.m\.)$",
    re.I,
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]}])")
_DANGLING = re.compile(r"[\s,;:\u2014\u2013-]+$")


class Reading(NamedTuple):
    """What a sentence says about the picture."""

    verdict: str  # "draft": ``tokens`` describe it; "skip": meta talk, read on; "none": nothing to draft
    tokens: list[Any]
    artwork: bool = False  # an artist's picture: the draft says so


SKIP = Reading("skip", [])
NOTHING = Reading("none", [])


def draft_alts(captions: Iterable[str], pipeline: str = DEFAULT_PIPELINE, max_length: int = 150) -> dict[str, str]:
    """For each distinct caption, a draft alt text saying what the photo shows: its subject and what it does. '' when none can be drafted."""
    drafts = {caption: "" for caption in captions}
    cleaned = {caption: clean_caption(caption) for caption in drafts}
    todo = [caption for caption, text in cleaned.items() if text]
    if not todo:
        return drafts  # without loading the pipeline: nothing to parse
    nlp = load_pipeline(pipeline, COMPONENTS)
    for caption, doc in zip(todo, nlp.pipe(cleaned[caption] for caption in todo)):
        drafts[caption] = draft_from_doc(doc, max_length)
    return drafts


def draft_from_doc(doc: Any, max_length: int = 150) -> str:
    """The draft of a parsed caption: from its first sentence that describes the picture."""
    for sentence in doc.sents:
        reading = describe(sentence)
        if reading.verdict == "skip":
            continue
        tokens = reading.tokens
        if tokens and _loses_not_real(tokens, sentence):
            tokens = _not_real_phrase(sentence)
        return finish(tokens, reading.artwork, max_length)
    return ""


# -- which words describe the picture -------------------------------------------------------


def describe(sentence: Any) -> Reading:
    """Which words of a parsed sentence describe the picture, once its framing is taken away."""
    root = sentence.root
    if not any(t.is_alpha for t in sentence):
        return SKIP
    if root.tag_ == "VB" and not _subject(root) and root.i == sentence.start:
        return SKIP  # an imperative: "See more photos here"
    for frame in (_shown_by_image, _image_made_of, _seen_in_image, _image_noun_phrase, _this_is):
        reading = frame(sentence, root)
        if reading is not None:
            return reading
    return Reading("draft", _without_context(list(sentence), root))


def _subject(verb: Any) -> Any | None:
    """The subject of a verb, or None."""
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")), None)


def _is_meta(token: Any) -> bool:
    """A word for the picture itself: photo, image, view, handout..."""
    return token.lemma_.lower() in META_NOUNS or token.text.lower() in META_NOUNS


def _is_artwork(noun: Any) -> bool:
    """An artist's picture: "artist's concept", "an illustration", "image, created by an artist"."""
    if noun.lemma_.lower() in ARTWORK_NOUNS:
        return True
    return any(t.lemma_.lower() in ARTIST_NOUNS for t in noun.subtree if t.i != noun.i)


def _shown_by_image(sentence: Any, root: Any) -> Reading | None:
    """ "This photo (taken on ...) shows X" -> X."""
    # The parser reads "Photo taken on Jan. 3 shows X" as "taken", and "shows" as its conjunct.
    verbs = [root] + [c for c in root.children if c.dep_ == "conj"]
    show = next((v for v in verbs if v.lemma_.lower() in SHOW_VERBS), None)
    if show is None:
        return None
    subject = _subject(show) or _subject(root)
    if subject is None or not (_is_meta(subject) or _is_artwork(subject)):
        return None
    shown = [t for t in show.rights if t.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd")]
    if not shown:
        return SKIP
    return Reading("draft", _without_context(_after(shown[0], show), show), _is_artwork(subject))


def _image_made_of(sentence: Any, root: Any) -> Reading | None:
    """ "<someone> created/took this image of X" -> X; an artist's image is an artwork."""
    image = next((c for c in root.children if c.dep_ == "dobj" and _is_meta(c)), None)
    if root.lemma_.lower() not in MAKE_VERBS | IMAGE_SOURCE_VERBS or image is None:
        return None
    if not any(c.lower_ in ("this", "these") for c in image.children):
        return None  # "Visitors take photos of the Mona Lisa" is about the visitors
    of = next((c for c in image.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return SKIP  # "The probe returned this image": what it shows is elsewhere
    # "... using data from the telescope" is how it was made, not what it shows.
    tokens = _after(of, root, ("advcl", "conj", "cc", "ccomp", "xcomp"))[1:]
    subject = _subject(root)
    artwork = subject is not None and subject.lemma_.lower() in ARTIST_NOUNS
    return Reading("draft", _without_context(tokens, root), artwork)


def _after(start: Any, root: Any, without: tuple[str, ...] = ()) -> list[Any]:
    """``start``'s phrase and the rest of the sentence, less the main verb's ``without`` clauses."""
    drop = {t.i for c in root.rights if c.dep_ in without for t in c.subtree}
    return [t for t in root.sent if t.i >= start.left_edge.i and t.i not in drop]


def _seen_in_image(sentence: Any, root: Any) -> Reading | None:
    """ "X is seen/pictured (in this image)" -> X and where it is; "X is visible ..." likewise."""
    passive = root.lemma_.lower() in SEEN_VERBS and any(c.dep_ == "auxpass" for c in root.children)
    visible = root.lemma_ == "be" and any(c.dep_ == "acomp" and c.lower_ == "visible" for c in root.children)
    if not (passive or visible):
        return None
    cut = {t.i for t in root.children if t.dep_ in ("aux", "auxpass", "neg") or t.lower_ == "visible"} | {root.i}
    cut |= {t.i for c in root.children if c.dep_ == "agent" for t in c.subtree}  # "by photographer X"
    return Reading("draft", _without_context([t for t in sentence if t.i not in cut], root))


def _image_noun_phrase(sentence: Any, root: Any) -> Reading | None:
    """A caption that is a noun phrase about the picture: "A view of X", "An image from <event>"."""
    if root.pos_ not in ("NOUN", "PROPN") or not (_is_meta(root) or root.lemma_.lower() in ARTWORK_NOUNS):
        return None
    for prep in (c for c in root.rights if c.dep_ == "prep"):
        object_ = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if object_ is None:
            continue
        # "of X" is what it shows; "from <event>" too, but "from <a camera, a lander>" is its source.
        if prep.lower_ == "of" or (prep.lower_ == "from" and not _is_concrete(object_)):
            # "An illustration of the telescope unfolding in space": the parser hangs the participle on "illustration".
            described = [c for c in root.rights if c.i > prep.i and c.dep_ in ("acl", "relcl")]
            indexes = _subtree(object_).union(*(_subtree(c) for c in described))
            tokens = [t for t in sentence if t.i in indexes]
            return Reading("draft", _without_context(tokens, object_), _is_artwork(root))
    return SKIP


def _this_is(sentence: Any, root: Any) -> Reading | None:
    """ "Here is X", "This is X" -> X when X is a thing; "This is the first landing" is not a picture."""
    if root.lemma_ != "be":
        return None
    if any(c.lower_ in ("here", "there") and c.i < root.i for c in root.children):  # "Here is X on Y"
        return Reading("draft", _without_context([t for t in sentence if t.i > root.i], root))
    subject = _subject(root)
    if subject is None or subject.lower_ not in ("this", "it"):
        return None
    attribute = next((c for c in root.rights if c.dep_ == "attr"), None)
    if attribute is None or not _is_concrete(attribute):
        return NOTHING
    return Reading("draft", _without_context(list(attribute.subtree), attribute))


def _is_concrete(noun: Any) -> bool:
    """A name, or a common noun for something one can see (vague.py's judgement)."""
    return noun.pos_ == "PROPN" or (noun.pos_ == "NOUN" and is_concrete(noun.lemma_.lower(), GENERIC_NOUNS))


# -- taking the context away -----------------------------------------------------------------


def _without_context(tokens: list[Any], root: Any) -> list[Any]:
    """``tokens`` without fronted phrases, framing, dates and trailing context."""
    keep = {t.i for t in tokens}
    drop: set[int] = set()
    drop |= _fronted(root)
    for token in tokens:
        drop |= _context_phrase(token)
    for token in tokens:  # "in this image from the lander": the parser may hang "from ..." on the verb
        if token.dep_ == "prep" and token.lower_ in ("from", "by") and token.i - 1 in drop:
            drop |= _subtree(token)
    return [t for t in tokens if t.i in keep - drop]


def _fronted(root: Any) -> set[int]:
    """Phrases and clauses before the subject of the main verb ("On Jan. 3, X ...")."""
    subject = _subject(root)
    if subject is None or root.pos_ not in ("VERB", "AUX"):
        return set()
    start = subject.left_edge.i
    fronted = [c for c in root.children if c.i < start and c.dep_ in ("prep", "advcl", "npadvmod", "advmod", "intj", "dep", "punct")]
    return {t.i for c in fronted for t in c.subtree}


def _context_phrase(token: Any) -> set[int]:
    """The tokens of a phrase headed by ``token`` that does not describe the picture, with its comma."""
    dep, lower = token.dep_, token.lower_
    phrase: set[int] = set()
    if dep == "prep" and (lower in CONTEXT_PREPOSITIONS or _is_frame_phrase(token) or _is_date_phrase(token)):
        phrase = _subtree(token)
    elif dep == "prep" and lower == "in" and any(c.lower_ == "advance" for c in token.children):
        phrase = _subtree(token)
    elif dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONTEXT_MARKERS for c in token.children):
        phrase = _subtree(token)
    elif dep == "relcl" and _after_comma(token.left_edge):
        phrase = _subtree(token)
    elif dep in ("appos", "npadvmod", "nmod", "dep", "conj") and _is_date(token) and _stands_apart(token):
        phrase = _subtree(token)  # "Kyiv, Tuesday, March 1", but not "a 17th-century painting"
    elif dep == "appos" and _is_description_of_place(token):
        phrase = _subtree(token)  # "Beijing, capital of China"
    elif dep == "acl" and token.lemma_.lower() in ("take", "release", "provide", "obtain", "date"):
        parts = [c for c in token.children if c.dep_ in ("prep", "agent")]
        if _is_meta(token.head) or (parts and all(c.dep_ == "prep" and _is_date_phrase(c) for c in parts)):
            phrase = _subtree(token)  # "photo released by the agency", "... taken on Jan. 3"
    if phrase and _after_comma(token.left_edge):
        phrase.add(token.left_edge.i - 1)
    return phrase


def _stands_apart(token: Any) -> bool:
    """A phrase of its own: hung on the verb or set off by a comma."""
    return token.head.pos_ in ("VERB", "AUX") or _after_comma(token.left_edge)


def _is_description_of_place(token: Any) -> bool:
    """An appositive common noun that describes a name: "capital of China" (not "Anhui province", "center")."""
    if token.pos_ != "NOUN" or token.head.pos_ != "PROPN" or token.lower_ in POSITION_WORDS:
        return False
    return not any(c.dep_ in ("compound", "amod", "nmod") or c.pos_ == "PROPN" for c in token.children)


def _subtree(token: Any) -> set[int]:
    """Indexes of ``token`` and the words that depend on it."""
    return {t.i for t in token.subtree}


def _after_comma(token: Any) -> bool:
    """Whether ``token`` follows a comma or a dash of its sentence."""
    return token.i > token.sent.start and token.doc[token.i - 1].text in (",", "\u2014", "\u2013", "-")


def _is_frame_phrase(prep: Any) -> bool:
    """ "in this photo (from the lander)", "in an undated handout image"."""
    return any(c.dep_ == "pobj" and _is_picture_noun(c) for c in prep.children)


def _is_picture_noun(noun: Any) -> bool:
    """ "this photo", "an undated handout image"; but not the idiom "on view"."""
    if not (_is_meta(noun) or noun.lemma_.lower() in ARTWORK_NOUNS):
        return False
    return any(c.dep_ in ("det", "amod", "compound", "poss", "nummod") for c in noun.children)


def _is_date_phrase(prep: Any) -> bool:
    """A preposition whose objects are all dates or times ("on Jan. 3, 2019")."""
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return bool(objects) and all(_is_date(o) for o in objects)


def _is_date(token: Any) -> bool:
    """A date or time phrase: NER says so, or every word is a month, weekday, number or time word."""
    words = [t for t in token.subtree if not t.is_punct and t.lower_ not in ("the", "of", "on", "in", "at", "and")]
    if words and all(t.ent_type_ in ("DATE", "TIME") for t in words):
        return True
    return bool(words) and all(DATE_WORDS.match(t.text) for t in words)


# -- the finished draft ---------------------------------------------------------------------


def finish(tokens: list[Any], artwork: bool, max_length: int) -> str:
    """Render the kept tokens as a draft of at most ``max_length``, or '' if it would not tell what is shown."""
    tokens = _strip_edges(tokens)
    for candidate in _shorter(tokens):  # the longest complete phrase that fits
        text = _with_prefix(_render(candidate), candidate[0]) if artwork else _render(candidate)
        if len(text) <= max_length:
            return text if _names_something(candidate) and not _flagged_by_audit(text) else ""
    return ""


def _flagged_by_audit(text: str) -> bool:
    """A draft the audit's own rules would flag (a placeholder, a file name, "image of ...") is no help."""
    return bool(placeholder_kind(text) or looks_like_file_name(text) or redundant_media_phrase(text))


def _shorter(tokens: list[Any]) -> Iterator[list[Any]]:
    """``tokens``, then its complete beginnings from the longest, then the subject alone."""
    if tokens:
        yield tokens
    for end in range(len(tokens) - 1, 0, -1):
        head = _strip_edges(tokens[:end])
        if head and _is_complete(head, tokens):
            yield head
    subject = next((t for t in tokens if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"), None)
    if subject is not None:  # "The Chinese Yutu 2 lunar rover" is a phrase, without what it does
        yield _strip_edges([t for t in tokens if t.i in _subtree(subject)])


def _with_prefix(text: str, first: Any) -> str:
    """``text`` as what "Artist's impression of" is of."""
    if first.pos_ != "PROPN" and not first.text.isupper():
        text = text[:1].lower() + text[1:]  # "Artist's impression of the probe", not "of The probe"
    return "Artist's impression of " + text


def _is_complete(head: list[Any], tokens: list[Any]) -> bool:
    """Whether a cut keeps whole phrases.

    No kept word lost its head ("The Chinese Yutu 2 lunar" without "rover"), nor
    a word it needs: a verb its object ("The rover takes"), a preposition its object.
    """
    kept = {t.i for t in head}
    cut = {t.i for t in tokens} - kept
    if any(t.head.i in cut for t in head):
        return False
    return not any(c.i in cut and c.dep_ in REQUIRED_DEPENDENTS for t in head for c in t.children)


def _strip_edges(tokens: list[Any]) -> list[Any]:
    """Without leading and trailing punctuation, conjunctions and prepositions left by the cuts."""
    weak = ("PUNCT", "CCONJ", "ADP", "SCONJ")
    while tokens and tokens[0].pos_ in weak and not (tokens[0].is_left_punct or tokens[0].is_quote):
        tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ in weak + ("DET",) or tokens[-1].is_punct):
        if tokens[-1].is_right_punct or tokens[-1].is_quote:
            break  # a closing bracket or quote stays if its partner does (see _balance)
        tokens = tokens[:-1]
    return tokens


def _names_something(tokens: list[Any]) -> bool:
    """The alt-vague rule's bar: a name or a concrete noun, and at least two content words.

    Words count if they hold a letter or digit, so names like "Yutu-2" count.
    """
    content = {t.lemma_.lower() for t in tokens if t.pos_ in CONTENT_POS and any(c.isalnum() for c in t.text)}
    return len(content) >= 2 and any(_is_concrete(t) for t in tokens)


def _loses_not_real(tokens: list[Any], sentence: Any) -> bool:
    """True when the sentence says the picture is a simulation or model and the kept words do not."""
    return any(NOT_REAL.match(t.text) for t in sentence) and not any(NOT_REAL.match(t.text) for t in tokens)


def _not_real_phrase(sentence: Any) -> list[Any]:
    """The noun phrase that says what is simulated: "Using a simulation at X, ..." -> "a simulation at X"."""
    word = next(t for t in sentence if NOT_REAL.match(t.text))
    noun = word if word.pos_ in ("NOUN", "PROPN") else word.head
    if noun.pos_ not in ("NOUN", "PROPN"):
        return []
    return _without_context([t for t in sentence if t.i in _subtree(noun)], noun)


def _render(tokens: list[Any]) -> str:
    """The tokens as text: their own spacing, the punctuation the cuts left tidied."""
    parts = [t.text_with_ws if i + 1 < len(tokens) and tokens[i + 1].i == t.i + 1 else t.text + " " for i, t in enumerate(tokens)]
    text = _balance("".join(parts))
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)  # ", ," left where a phrase went
    text = _DANGLING.sub("", text)
    if text.endswith((".", "!", "?")) and not _ends_with_abbreviation(tokens):
        text = text[:-1]
    text = re.sub(r"[.!?]+([\"'\u201d\u2019])$", r"\1", text)  # nicknamed "Rochette."
    return text[:1].upper() + text[1:]


def _balance(text: str) -> str:
    """Remove a lone dash or bracket whose partner was cut with the phrase between them."""
    for open_, close in (("(", ")"), ("[", "]"), ("\u201c", "\u201d")):
        if text.count(open_) != text.count(close):
            text = text.replace(open_, "").replace(close, "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    if text.count("\u2014") == 1:
        text = text.replace(" \u2014 ", ", ").replace("\u2014", "")
    return text


def _ends_with_abbreviation(tokens: list[Any]) -> bool:
    """ "Calif." and "U.S." keep their period: it belongs to the word, not the sentence."""
    last = tokens[-1].text
    return len(last) > 1 and last.endswith(".") and not tokens[-1].is_punct
