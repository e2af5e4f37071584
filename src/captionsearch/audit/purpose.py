"""What an image does on its page, after W3C WAI's alt decision tree.

A good alt depends on the image's job: "Search" is right for a search
button's icon and wrong for a news photo. Each image gets one purpose (see
``model.PURPOSES``) from what the markup says about it, first match wins:

1. decorative: marked so (alt="", a presentational role);
2. content, when it is plainly a photo of a collection: a manifest entry, an
   image file's metadata, an image in a <figure> or a gallery, a linked
   thumbnail whose link opens the image itself;
3. logo: "logo", "brand", "wordmark" or "avatar" in its file name, class or
   id, or an alt ending in "logo";
4. functional: the only content of a link or button, an image button, an
   image-map area;
5. text: a badge from a badge service, "badge" or "shield" in its name;
6. icon: "icon", "glyph", "emoji", "status" in its file name, class or id, a
   size of 48 px or less, or an image alone in a table cell;
7. content: everything else.

The reason travels with the finding, so a reviewer sees why an alt was held
to a photo's standard or an icon's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z]+")
LOGO_WORDS = frozenset({"logo", "logos", "logotype", "brand", "brandmark", "wordmark", "avatar", "avatars"})
ICON_WORDS = frozenset({"icon", "icons", "glyph", "glyphs", "emoji", "emojis", "twemoji", "sprite", "favicon",
                        "status", "octicon", "octicons", "fa", "symbol", "symbols", "bullet", "arrow", "chevron"})
TEXT_WORDS = frozenset({"badge", "badges", "shield", "shields"})
BADGE_HOSTS = re.compile(r"^(?:https?:)?//(?:img\.shields\.io|badgen\.net|badge\.fury\.io|travis-ci\.\w+|"
                         r"circleci\.com|codecov\.io|coveralls\.io|api\.netlify\.com|github\.com/.+/badge\.svg)", re.I)
GALLERY_WORDS = frozenset({"gallery", "carousel", "slideshow", "slides", "slide", "lightbox", "photos", "photo"})
IMAGE_LINK = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|tiff?|heic)(?:[?#].*)?$", re.I)
PHOTO_FILE = re.compile(r"\.(?:jpe?g|webp|avif|tiff?|heic|heif)(?:[?#].*)?$", re.I)
ICON_SIZE = 48


@dataclass(frozen=True)
class ImageFacts:
    """What the markup says about one image, as the classification needs it."""

    decorative: bool = False
    record: bool = False  # a manifest entry or an image file's metadata
    in_figure: bool = False
    in_gallery: bool = False
    control: str = ""  # "link" or "button" when inside one (or being one)
    control_text: str = ""  # the control's own text, images excluded
    control_href: str = ""
    image_control: bool = False  # an image button or an image-map area
    names: str = ""  # the image's src, class and id, and its parent's class and id, as one text
    src: str = ""
    alt: str = ""
    width: int | None = None
    height: int | None = None
    alone_in_cell: bool = False


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def classify(facts: ImageFacts) -> tuple[str, str]:
    """(purpose, reason) for one image."""
    words = tokens(facts.names)
    if facts.decorative:
        return "decorative", "marked decorative"
    photo = _photo_reason(facts, words)
    if photo:
        return "content", photo
    if words & LOGO_WORDS or facts.alt.lower().rstrip(" .").endswith(" logo"):
        return "logo", "named as a logo" if words & LOGO_WORDS else "alt names a logo"
    if facts.image_control:
        return "functional", "an image button or image-map link"
    if facts.control and not facts.control_text:
        return "functional", f"the only content of a {facts.control}"
    if BADGE_HOSTS.match(facts.src) or words & TEXT_WORDS:
        return "text", "a badge"
    if words & ICON_WORDS:
        return "icon", "named as an icon"
    if _small(facts):
        return "icon", f"{ICON_SIZE} px or smaller"
    if facts.alone_in_cell:
        return "icon", "alone in a table cell"
    return "content", "an image in the page's content"


def is_photo(facts: ImageFacts) -> bool:
    """A photo rather than a drawing, diagram or screenshot: a record, in a gallery, or a photo file.

    A figure alone does not make one: documentation puts screenshots and diagrams in figures.
    """
    if facts.record or facts.in_gallery or tokens(facts.names) & GALLERY_WORDS:
        return True
    return bool(PHOTO_FILE.search(facts.src))


def _photo_reason(facts: ImageFacts, words: set[str]) -> str:
    if facts.record:
        return "a photo of a collection"
    if facts.in_figure:
        return "in a figure"
    if facts.in_gallery or words & GALLERY_WORDS:
        return "in a gallery"
    if facts.control == "link" and IMAGE_LINK.search(facts.control_href):
        return "a thumbnail linking to its image"
    return ""


def _small(facts: ImageFacts) -> bool:
    sizes = [size for size in (facts.width, facts.height) if size]
    return bool(sizes) and max(sizes) <= ICON_SIZE
