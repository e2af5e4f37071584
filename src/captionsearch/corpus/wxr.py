"""WordPress eXtended RSS (WXR), the export of a WordPress site: its media library's images.

Every ``<item>`` of the channel is a post; those of ``wp:post_type``
"attachment" are uploaded files, and an uploaded image is a photo:

    image             wp:attachment_url
    title             title
    caption           excerpt:encoded (the caption field of the media library)
    long_description  content:encoded (its description field), HTML stripped
    alt               the _wp_attachment_image_alt post meta
    date              wp:post_date
    credit            the "credit" and "copyright" the upload's metadata read from the file
    width, height     the upload's metadata
    keywords          the item's categories and tags
    page              link (the attachment's page)
    gallery           the channel's title

Posts, pages, menu items and uploads that are not images (a PDF, a video)
are not photos and are passed over.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from ..records import CaptionRecord, Origin, SourceKind
from .html_tree import parse_html, squash, visible_text
from .photo_entry import EntryProblem
from .references import resolve_image
from .xml_stream import Format, Found, Root

WXR_NAMESPACE = "wordpress.org/export/"  # versions 1.0 to 1.2, over http or https
CONTENT_NAMESPACE = "purl.org/rss/1.0/modules/content/"
IMAGE_SUFFIXES = frozenset(".jpg .jpeg .jpe .png .gif .webp .avif .heic .tif .tiff .bmp .svg".split())
FORMAT = Format(is_record=lambda tag, depth: tag == "item" and depth == 2, context=frozenset({"title"}))
# _wp_attachment_metadata is a PHP-serialised array; these are the few scalars a photo needs.
_SERIALISED_TEXT = re.compile(r's:\d+:"(credit|copyright)";s:\d+:"([^"]*)"')
_SERIALISED_SIZE = re.compile(r's:\d+:"(width|height)";i:(\d{1,9});')


def recognises(root: Root) -> bool:
    return root.local == "rss" and any(WXR_NAMESPACE in ns for ns in root.namespaces)


def record(found: Found, path: Path) -> CaptionRecord | None:
    """The photo an attachment item describes; None for any other item."""
    fields = _fields(found.element)
    if fields.get("wp:post_type", "") != "attachment":
        return None
    url = fields.get("wp:attachment_url", "")
    if not url:
        raise EntryProblem("attachment has no wp:attachment_url", "export the media library with its files' addresses")
    if PurePosixPath(urlsplit(url).path).suffix.lower() not in IMAGE_SUFFIXES:
        return None
    meta = _post_meta(found.element)
    upload = meta.get("_wp_attachment_metadata", "")
    sizes = dict(_SERIALISED_SIZE.findall(upload))
    return CaptionRecord(
        id=f"wp-{fields['wp:post_id']}" if fields.get("wp:post_id", "").isdigit() else "",
        image=resolve_image(url, path),
        origin=Origin(str(path), found.line, None, SourceKind.MANIFEST),
        title=squash(fields.get("title", "")),
        caption=_plain(fields.get("excerpt:encoded", "")),
        long_description=_plain(fields.get("content:encoded", "")),
        # WordPress keeps an empty alt meta for an image whose alt was never written: no alt, not decorative.
        alt=squash(meta.get("_wp_attachment_image_alt", "")) or None,
        date=fields.get("wp:post_date", ""),
        credit="; ".join(dict.fromkeys(v for _, v in _SERIALISED_TEXT.findall(upload) if v.strip())),
        keywords=tuple(dict.fromkeys(squash(c.text or "") for c in found.element if c.tag == "category" and c.text)),
        page=fields.get("link", ""),
        gallery=found.context.get("title", ""),
        width=int(sizes["width"]) if int(sizes.get("width", 0)) else None,
        height=int(sizes["height"]) if int(sizes.get("height", 0)) else None,
    )


def _fields(item: Element) -> dict[str, str]:
    """The item's child elements by prefixed name ("wp:post_type", "title"), first of each kept."""
    fields: dict[str, str] = {}
    for child in item:
        fields.setdefault(_prefixed(child.tag), (child.text or "").strip())
    return fields


def _prefixed(tag: str) -> str:
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    if WXR_NAMESPACE in namespace:
        return f"{'excerpt' if namespace.rstrip('/').endswith('excerpt') else 'wp'}:{local}"
    if CONTENT_NAMESPACE in namespace:
        return f"content:{local}"
    return f"{namespace}:{local}"


def _post_meta(item: Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for entry in item:
        if _prefixed(entry.tag) == "wp:postmeta":
            values = {_prefixed(child.tag): (child.text or "") for child in entry}
            meta.setdefault(values.get("wp:meta_key", ""), values.get("wp:meta_value", ""))
    return meta


def _plain(html: str) -> str:
    """The text of a WordPress field, which may hold HTML (and shortcodes, left as written)."""
    return visible_text(parse_html(html).root) if "<" in html or "&" in html else squash(html)
