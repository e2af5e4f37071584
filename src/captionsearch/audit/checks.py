"""Small checks: text predicates, and per-rule finders composed of them.

A finder takes a Subject and the run's context and yields Hits (a message
key and the values it names). Message text lives with the rule in rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterator, Mapping

from ..nlp import fold as fold  # runner.py uses checks.fold
from .language import judged_in
from .model import Hit, Subject

IMAGE_EXTENSIONS = "jpe?g|png|gif|webp|svg|tiff?|bmp|heic|heif|avif|ico|jxl|raw|cr2|nef|dng|psd|pdf"
_FILE_NAME = re.compile(rf"^[^\s/\\]+\.({IMAGE_EXTENSIONS})$", re.I)
_PATH = re.compile(r"^\S*[/\\]\S*$")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|data:)\S*$", re.I)
# Names cameras, phones and screenshot tools give files: IMG_1234, DSC_0042, PXL_20230101_...,
# "Screen Shot 2022-06-26 at 7.41.30 PM", "CleanShot 2023-05-01 at 10.22.33@2x".
_CAMERA_NAME = re.compile(
    r"^(?:dsc|dscn|dscf|img|image|pxl|gopr|dji|mvimg|sam|wp|p|vid|photo|pict?|screen[ _-]?shot|screenshot|"
    r"screen[ _-]?capture|screen[ _-]?recording|cleanshot|capture|snip|whatsapp image|signal)"
    r"[ _-]*\d{2,}[\w .@,:-]*$",
    re.I,
)
_NUMBERED_GENERIC = re.compile(
    r"^(?:an? |the )?(?:image|img|photo|photograph|picture|pic|graphic|figure|fig|slide|"
    r"screenshot|thumbnail|thumb|banner|icon|untitled|spacer|placeholder|item)s?[ _#.-]*\d*$",
    re.I,
)
_INSTRUCTION = re.compile(
    r"^(?:insert|add|enter|type|write|put)?\s*(?:your\s+)?(?:alt(?:ernative)?|alt[ -]?text|image description|description)"
    r"(?:\s+(?:text|here|goes here|tag))*$|^(?:todo|tbd|fixme|xxx)\b|^lorem ipsum",
    re.I,
)
# Whole texts that stand in for a description, for an image of any purpose (compared case- and
# space-insensitively).
PLACEHOLDER_PHRASES = frozenset(
    {
        "image", "photo", "photograph", "picture", "pic", "img", "graphic", "spacer", "blank",
        "untitled", "untitled image", "todo", "tbd", "fixme", "alt", "alt text", "alttext",
        "alternative text", "description", "image description", "placeholder", "null",
        "undefined", "nil", "insert alt text", "add alt text", "alt text here", "enter alt text",
        "click here", "logo", "icon", "photo 1", "thumbnail", "banner", "an image", "a photo",
        "a picture", "the image", "the photo", "the picture", "screenshot", "screen shot",
        "screen capture", "screencast", "screen recording", "a screenshot", "the screenshot",
        # says that a person is shown, never who: the name, or alt="" beside a caption that names them
        "avatar", "user avatar", "profile picture", "profile photo", "profile image", "profile pic", "headshot",
    }
)
# Texts that are placeholders for a photo but can be exactly right for an icon or a button:
# a status icon's "None" or "N/A", a button's "More".
CONTENT_PLACEHOLDERS = frozenset(
    {"none", "n/a", "na", "empty", "missing", "default", "test", "temp", "tmp", "read more", "more"}
)
REDUNDANT_MEDIA = r"image|img|photo|photograph|picture|pic|graphic"
_PREFIX = re.compile(
    rf"^(?:(?:this|here)\s+is\s+)?(?:an?\s+|the\s+)?(?:{REDUNDANT_MEDIA})s?\s+"
    r"(?:of|showing|shows|depicting|depicts|with|featuring)\b",
    re.I,
)
_SUFFIX = re.compile(rf"\s*[(\[\-,:–—]?\s*(?:an?\s+)?\b(?:{REDUNDANT_MEDIA})s?[)\].]?\s*$", re.I)
_WORD = re.compile(r"[^\W_]+", re.U)


# Professionally written alts of screenshots and diagrams run to 250 characters; beyond that
# the text is a long description, which belongs in the page (W3C's complex-images advice).
MAX_ALT_LENGTH = 250


@dataclass
class Context:
    """What the finders need beyond one subject: thresholds and the run's shared judgements."""

    max_alt_length: int = MAX_ALT_LENGTH
    extra_placeholders: frozenset[str] = frozenset()
    redundancy_threshold: float = 0.8
    vagueness: Mapping[str, Any] = field(default_factory=dict)  # text -> vague.Wording
    duplicate_of: Mapping[int, Subject] = field(default_factory=dict)  # id(subject) -> first with that alt


# -- text predicates ----------------------------------------------------------


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def file_stem(name: str) -> str:
    return fold(re.sub(r"[_\-.+%]+", " ", PurePosixPath(name.split("?")[0]).stem)).strip()


# Longer texts are neither file names nor placeholders: the patterns need not read them.
SHORT_TEXT = 300


def looks_like_file_name(alt: str) -> str:
    """'url', 'path', 'file' when the text is one of those, else ''."""
    text = alt.strip()
    if len(text) > SHORT_TEXT:
        return ""
    if _URL.match(text):
        return "url"
    if _FILE_NAME.match(text):
        return "file"
    if _PATH.match(text) and re.search(rf"\.({IMAGE_EXTENSIONS})$|^[./~]", text, re.I):
        return "path"
    return ""


def matching_file_name(alt: str, names: tuple[str, ...]) -> str:
    """The image's own file name when the alt is that name or its stem (separators ignored)."""
    if len(alt) > SHORT_TEXT:
        return ""
    folded = fold(alt).strip(" .")
    # The stem only counts when the alt is written like a file name ("yutu_rover_01"), so
    # alt="Rover" on rover.jpg is left to the other rules.
    # ("W3C" on w3c.svg is a name with a digit in it, not a file name.)
    compact = alt.strip()
    stem_like = " " not in compact and (bool(re.search(r"[_\-.]", compact)) or
                                        (bool(re.search(r"\d", compact)) and compact == compact.lower()))
    spaced = file_stem(alt)
    for name in names:
        base = PurePosixPath(name.split("?")[0]).name
        if base and (folded == fold(base) or (stem_like and spaced == file_stem(base))):
            return base
    return ""


def placeholder_kind(alt: str, extra: frozenset[str] = frozenset(), purpose: str = "content") -> str:
    """Why the text is a placeholder ('generic', 'camera', 'instruction', 'symbols'), or ''."""
    if len(alt) > SHORT_TEXT:
        return ""
    text = fold(alt).strip(" .:;!?")
    if not text:
        return ""
    if not any(ch.isalnum() for ch in text):
        return "symbols" if purpose == "content" else ""  # "+", "→" can be an icon's whole meaning
    if text in PLACEHOLDER_PHRASES or text in {fold(w) for w in extra}:
        return "generic"
    if text in CONTENT_PLACEHOLDERS and purpose == "content":
        return "generic"
    if _INSTRUCTION.match(text):
        return "instruction"
    if _CAMERA_NAME.match(text):
        return "camera"
    if _NUMBERED_GENERIC.match(text):
        return "generic"
    return ""


# Names of kinds of image, where "image" is part of what is shown, not an announcement of it.
IMAGE_COMPOUNDS = frozenset(
    "background cover hero header banner featured feature social preview container docker disk base "
    "system og".split()
)


def redundant_media_phrase(alt: str) -> str:
    """The 'image of ...' style phrase at the start or end of the text, or ''."""
    text = alt.strip()
    if len(text) > SHORT_TEXT:  # only its two ends can hold the phrase
        text = text[:100] + " … " + text[-100:]
    match = _PREFIX.match(text)
    if match:
        return match.group(0)
    match = _SUFFIX.search(text)
    before = words(text[: match.start()]) if match else []
    if match and before and before[-1] not in IMAGE_COMPOUNDS:
        return match.group(0).strip()
    return ""


def similarity(a: str, b: str) -> float:
    """Share of words in common, relative to the longer text (1.0: same words)."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    common = sum(min(left.count(w), right.count(w)) for w in set(left))
    return common / max(len(left), len(right))


# -- finders ------------------------------------------------------------------


def is_exposed(subject: Subject) -> bool:
    return not subject.hidden


def has_text_alternative(subject: Subject) -> bool:
    return subject.name is not None and bool(subject.name.strip())


def alt_text(subject: Subject) -> str:
    """The text alternative a reader hears, when the image has one."""
    return (subject.name or "").strip() if is_exposed(subject) and not subject.decorative else ""


def find_alt_missing(subject: Subject, ctx: Context) -> Iterator[Hit]:
    if not is_exposed(subject):
        return
    if subject.decorative:
        if subject.only_content and subject.in_control:
            yield Hit("only-content", {"control": subject.in_control})
        elif subject.source == "markdown" and not (subject.in_control and subject.link_text):
            # Markdown has no way to say "decorative" on purpose: ![](x) is an alt forgotten.
            yield Hit("markdown")
        return
    if subject.source in ("manifest", "metadata"):
        # A catalogue entry without alt is only a problem when nothing else gives the photo one.
        if not (subject.alt or "").strip() and not subject.alt_elsewhere:
            yield Hit("record")
        return
    if has_text_alternative(subject):
        return
    if subject.source == "component":
        yield Hit("component")
    elif subject.alt is not None and subject.tag == "img" and not subject.role:
        yield Hit("whitespace")
    elif "aria-labelledby" in subject.exposing_attributes:
        yield Hit("labelledby")
    elif subject.tag == "object":
        yield Hit("object")
    else:
        yield Hit("default" if subject.tag == "img" else "element")


def find_decorative_exposed(subject: Subject, ctx: Context) -> Iterator[Hit]:
    if not subject.decorative or not is_exposed(subject) or subject.source not in ("html", "markdown"):
        return
    reasons = []
    if subject.focusable:
        reasons.append("it is focusable")
    if subject.exposing_attributes:
        reasons.append("it has " + ", ".join(subject.exposing_attributes))
    if reasons:
        yield Hit("default", {"reasons": " and ".join(reasons)})


def find_alt_filename(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    if not text:
        return
    own = matching_file_name(text, subject.image_names)
    if own:
        yield Hit("own", {"file": own})
        return
    kind = looks_like_file_name(text)
    if kind:
        yield Hit(kind)


def find_alt_placeholder(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    if not text or matching_file_name(text, subject.image_names) or looks_like_file_name(text):
        return
    kind = placeholder_kind(text, ctx.extra_placeholders, subject.purpose)
    if kind:
        yield Hit(kind)


def find_alt_vague(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    if not text or placeholder_kind(text, ctx.extra_placeholders) or looks_like_file_name(text):
        return
    if matching_file_name(text, subject.image_names):
        return
    wording = ctx.vagueness.get(text)
    reasons = wording.reasons(subject.photo) if wording is not None and judged_in(subject.language, text) else ()
    if reasons:
        yield Hit("default", {"reason": "; ".join(reasons)})


def find_alt_redundant_prefix(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    phrase = redundant_media_phrase(text) if text else ""
    if phrase and not placeholder_kind(text, ctx.extra_placeholders, subject.purpose):
        yield Hit("default", {"phrase": phrase})


def find_alt_redundant_text(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    if not text:
        return
    neighbours = (
        ("figure caption", subject.figcaption),
        ("caption", subject.caption if subject.source in ("manifest", "metadata") else ""),
        (f"{subject.in_control} text", subject.link_text),
        ("text next to it", subject.adjacent_text),
    )
    for where, other in neighbours:
        if other and similarity(text, other) >= ctx.redundancy_threshold:
            yield Hit("default", {"where": where, "text": other})
            return


def find_alt_too_long(subject: Subject, ctx: Context) -> Iterator[Hit]:
    text = alt_text(subject)
    if len(text) > ctx.max_alt_length:
        yield Hit("default", {"length": len(text), "limit": ctx.max_alt_length})


def find_alt_duplicate(subject: Subject, ctx: Context) -> Iterator[Hit]:
    first = ctx.duplicate_of.get(id(subject))
    if first is not None:
        yield Hit("default", {"first": first.where, "image": first.image or first.selector})


def find_caption_missing(subject: Subject, ctx: Context) -> Iterator[Hit]:
    if subject.gallery_photo and is_exposed(subject) and not subject.decorative and not subject.caption.strip():
        yield Hit("default")


def find_caption_vague(subject: Subject, ctx: Context) -> Iterator[Hit]:
    caption = subject.caption.strip()
    wording = ctx.vagueness.get(caption) if subject.gallery_photo and caption else None
    reasons = wording.reasons(photo=True) if wording is not None and judged_in(subject.language, caption) else ()
    if reasons:
        yield Hit("default", {"caption": caption, "reason": "; ".join(reasons)})


def find_image_unreadable(subject: Subject, ctx: Context) -> Iterator[Hit]:
    if subject.image_problem and is_exposed(subject):
        yield Hit("default", {"file": PurePosixPath(subject.resolved_image).name, "problem": subject.image_problem})
