"""A caption's text without what is not about the picture, before it is parsed.

Datelines ("BEIJING, Jan. 3 (Xinhua) --"), "FILE -", credits ("(Photo: CNSA)",
"Xinhua via AP", "Image credit: ..."), years in parentheses, and labels such as
"This image:" (the text after one is the description, wherever it stands) are
taken away by patterns; ``drafting`` reads what is left.
"""

from __future__ import annotations

import re

from .checks import looks_like_file_name, placeholder_kind

_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\u2019-]+(?:\s+[A-Z][A-Z.'\u2019-]+)*"  # BEIJING, NEW YORK, KYIV
    r"(?:,\s*[^()\u2014\u2013]{1,40}?)?(?:\s*\([^()]{1,40}\))?\s*(?:--|\u2014|\u2013|-)\s+"
)
_FILE_LABEL = re.compile(r"^\s*(?:FILE(?:\s+PHOTO)?|EDITOR'S NOTE)\s*(?:--|[-\u2014\u2013:])\s*")
_LABEL = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:this\s+(?:image|photo|photograph|picture)|pictured(?:\s+(?:above|here|below))?|"
    r"shown(?:\s+(?:above|here|below))?|above|below|left|right|top|bottom|in\s+the\s+photo)\s*:\s+",
    re.I,
)
_LEADING_MEDIA = re.compile(r"^\s*(?:image|photo|picture)\s*:\s+(?=\S+\s+\S+\s+\S+\s+\S)", re.I)
_CREDIT_WORDS = (
    r"(?:\b(?i:photo|image|picture|credit|courtesy|handout|via)\b"
    r"|\b(?:AP|AFP|Reuters|REUTERS|Xinhua|Getty|EPA|NASA|ESA|CNSA)\b|\u00a9|/)"
)
_CREDITS = (
    re.compile(r"\s*[(\[][^()\[\]]*" + _CREDIT_WORDS + r"[^()\[\]]*[)\]]"),  # (AP Photo/Noah Berger), [Photo/Xinhua]
    re.compile(r"\s*\((?:c\.|ca\.|circa)?\s*\d{3,4}(?:\s*[\u2013-]\s*\d{2,4})?\s*\)"),  # (1889)
    re.compile(r",\s*(?:c\.|ca\.|circa)\s*\d{3,4}(?:\s*[\u2013-]\s*\d{2,4})?"),  # , ca. 1830-32
    re.compile(r"(?:^|\s)(?:(?:image|photo|picture|video)\s+)?(?:credits?|courtesy)\b\s*(?::|of\b).*$", re.I | re.S),
    re.compile(r"(?:^|(?<=[.!?]))\s*(?:photo(?:graph)?s?|images?|pictures?)\s*(?::|by\b).*$", re.I | re.S),
    re.compile(r"(?:^|(?<=[.!?]))\s*[^.!?]{0,60}\bvia\s+(?:AP|AFP|REUTERS|Reuters|Getty Images)\b.*$", re.S),
    re.compile(r"(?:^|\s)(?:REUTERS|AP Photo|AFP PHOTO|EPA-EFE)\s*/.*$", re.S),
    re.compile(r"\s*\u00a9.*$", re.S),
)

def clean_caption(caption: str) -> str:
    """The caption without its dateline, credits and labels (plain text in, plain text out)."""
    text = " ".join(caption.split())
    label = _LABEL.search(text)
    if label:  # "See photos ... This image: X": X is the description
        text = text[label.end() :]
    text = _FILE_LABEL.sub("", text)
    text = _DATELINE.sub("", text)
    text = _LEADING_MEDIA.sub("", text)
    for pattern in _CREDITS:
        text = pattern.sub("", text)
    text = text.strip()
    return "" if placeholder_kind(text) or looks_like_file_name(text) else text
