"""Which language a page (or an image's text) is in, so wording is judged only where it can be.

The wording rules (alt-vague, caption-vague) use an English pipeline; on a
page in another language they would judge words they do not know. The
language comes from, first to last: the ``lang`` of the image or an ancestor,
the page's front matter (``lang``, ``language``, ``locale``), then the page's
own text (the script its letters are in, then the share of common function
words of English and a few other languages) together with the file's path (a
folder or a suffix named after a language: ``fr/``, ``page.ja.md``), which
wins unless the text is plainly English.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

ENGLISH = "en"
# Primary subtags of languages sites are commonly translated into (English left out on purpose:
# an "en" folder says nothing the default does not).
LANGUAGE_CODES = frozenset(
    """ar az be bg bn bs ca cs cy da de el eo es et eu fa fi fil fr ga gl gu he hi hr hu hy id is it ja
    ka kk km kn ko ky lo lt lv mk ml mn mr ms my nb ne nl nn no pa pl ps pt ro ru si sk sl sq sr sv sw
    ta te th tl tr uk ur uz vi zh""".split()
)
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{2,4}|\d{3}))?$", re.I)
_FUNCTION_WORDS = {
    "en": "the and of to a in is that for it with as on are this be by or from an at which you your can not".split(),
    "fr": "le la les de des et un une est que pour dans qui sur pas par avec sont vous ce cette du au".split(),
    "de": "der die das und ist nicht ein eine zu den mit von sie auf für dem sich des im auch wird werden".split(),
    "es": "el la los las de y que en un una es por para con no se del al su como más pero".split(),
    "it": "il la di che e un una per non con sono gli del della le si al come anche questo".split(),
    "pt": "o a os as de e que em um uma para com não do da se por mais como ao dos você".split(),
    "nl": "de het een en van is dat op te in niet met voor zijn je die er ook aan".split(),
}
SAMPLE = 5_000  # characters of a text read to tell its language
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.U)


def primary(tag: str) -> str:
    """The primary subtag of a language tag, lower case ('en-GB' -> 'en'); '' when not one."""
    match = _CODE.match(tag.strip())
    return match.group(1).lower() if match else ""


def language_of_path(path: str) -> str:
    """A language named by a folder (``docs/fr/…``) or a suffix (``index.ja.md``) of the path, or ''."""
    pure = PurePosixPath(path.replace("\\", "/"))
    suffixes = pure.name.split(".")[1:-1]
    for part in [*suffixes, *pure.parts[:-1]]:
        code = primary(part)
        if code in LANGUAGE_CODES and (part == code or "-" in part or "_" in part):
            return code
    return ""


def language_of_text(text: str, minimum_words: int = 8) -> str:
    """The language the text's words suggest: 'en', another code, 'und' (undetermined) or ''.

    '' when there is too little text to tell. Text mostly in a non-Latin
    script is 'und' unless its script names the language (kana: ja, hangul: ko).
    The first SAMPLE characters are enough to tell.
    """
    text = text[:SAMPLE]
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return ""
    latin = sum(1 for ch in letters if ch < "\u0250")
    if latin < len(letters) / 2:
        return _script_language(letters)
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < minimum_words:
        return ""
    counts = Counter(words)
    scores = {code: sum(counts[w] for w in listed) / len(words) for code, listed in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    if scores[best] < 0.05:
        return "und"
    return best


def _script_language(letters: list[str]) -> str:
    kana = sum(1 for ch in letters if "\u3040" <= ch <= "\u30ff")
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7af")
    han = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if kana:
        return "ja"
    if hangul:
        return "ko"
    if han:
        return "zh"
    if cyrillic > len(letters) / 2:
        return "ru" if any(ch in "ыэъё" for ch in letters) else "und"
    return "und"


def resolve_language(declared: str, front_matter: str, path: str, text: str) -> str:
    """A page's language from what it declares, its front matter, its path, then its text ('' unknown)."""
    for candidate in (declared, front_matter):
        code = primary(candidate or "")
        if code:
            return code
    by_text = language_of_text(text)
    by_path = language_of_path(path)
    if by_path and by_text != ENGLISH:  # a folder named "my" or "id" is not always a language
        return by_path
    return by_text


def judged_in(language: str, text: str) -> bool:
    """Whether English wording rules may judge ``text`` on a page in ``language``.

    A page in English, or of unknown language whose text itself is not
    recognisably another language (a short alt is too short to tell, so it is
    judged unless it is in a non-Latin script).
    """
    if language == ENGLISH:
        return True
    if language:
        return False
    own = language_of_text(text, minimum_words=4)
    if own:
        return own == ENGLISH
    return all(ch < "\u0250" for ch in text[:SAMPLE] if ch.isalpha())
