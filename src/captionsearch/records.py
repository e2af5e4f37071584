"""CaptionRecord: one photo, as the corpus describes it.

Plain, immutable data. Every reader produces these; the indexer, the
search results, the web front end and the audit all consume them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import PurePosixPath
from typing import Any

TEXT_FIELDS = ("title", "caption", "alt", "credit", "long_description")


class SourceKind(str, Enum):
    """The kind of source a record was read from (a str, so it compares and serialises as its value)."""

    MANIFEST = "manifest"  # a list of photos: JSON, JSONL, CSV, or a standard export (IIIF, WXR, Dublin Core)
    HTML = "html"  # a page
    MARKDOWN = "markdown"  # a Markdown or MDX page
    METADATA = "metadata"  # the image file's own IPTC, XMP and EXIF

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value was read: a file, and the line/column in it when known."""

    path: str
    line: int | None = None
    column: int | None = None
    kind: str = ""  # a SourceKind; "" when not read from a corpus file

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "kind": self.kind}

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class ImageFile:
    """The local file behind a record's ``image``, as indexing found it (see images.inspect_image).

    ``root`` is the corpus folder the file is served from and ``path`` the
    file relative to it; ``stamp`` ("mtime_ns:size") says which version of
    the file was checked. ``problem`` says why it cannot be shown (refused,
    unreadable, too large); a file that does not exist has no stamp and no
    problem. ``root`` is the only absolute path a stored record keeps, and
    nothing the site shows includes it.
    """

    root: str
    path: str
    stamp: str = ""
    width: int = 0
    height: int = 0
    problem: str = ""

    @property
    def usable(self) -> bool:
        return bool(self.stamp and not self.problem and self.width and self.height)

    @property
    def location(self) -> str:
        """The file's absolute path, or "" for a refused image."""
        return f"{self.root.rstrip('/')}/{self.path}" if self.root else ""

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ("root", "path", "stamp", "width", "height", "problem")}


@dataclass(frozen=True)
class CaptionRecord:
    """One photo.

    ``alt`` distinguishes absent (None) from empty ("", decorative). ``image``
    is the image's absolute POSIX path for a local file, or its URL. A record
    merged from several sources lists them in ``parts`` (one record per
    source, as read) and says in ``field_origins`` where each value came from.
    """

    id: str
    image: str
    origin: Origin
    title: str = ""
    caption: str = ""
    alt: str | None = None
    credit: str = ""
    date: str = ""
    keywords: tuple[str, ...] = ()
    gallery: str = ""
    page: str = ""
    srcset: tuple[str, ...] = ()
    long_description: str = ""
    width: int | None = None
    height: int | None = None
    field_origins: tuple[tuple[str, Origin], ...] = ()
    parts: tuple["CaptionRecord", ...] = field(default=(), compare=False)
    image_file: ImageFile | None = None  # set by indexing; readers leave it None

    def origin_of(self, name: str) -> Origin:
        """Where the value of field ``name`` came from."""
        return dict(self.field_origins).get(name, self.origin)

    def part(self, kind: str) -> "CaptionRecord | None":
        """The per-source record of one kind ("html", "metadata", ...), if any."""
        for part in self.parts or (self,):
            if part.origin.kind == kind:
                return part
        return None

    def content_hash(self) -> str:
        """A digest of everything that is indexed: unchanged hash, nothing to redo."""
        payload = json.dumps(self.to_dict(with_parts=False), sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]

    def to_dict(self, with_parts: bool = True) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies ``parts`` only for them to be
        # dropped, and this runs for every record of every indexing run.
        data: dict[str, Any] = {name: getattr(self, name) for name in _SCALAR_FIELDS}
        data["origin"] = self.origin.to_dict()
        data["keywords"] = list(self.keywords)
        data["srcset"] = list(self.srcset)
        data["field_origins"] = {name: o.to_dict() for name, o in self.field_origins}
        data["parts"] = [p.to_dict(with_parts=False) for p in self.parts] if with_parts else []
        if self.image_file is not None:  # absent, not null: the hash of a record without one is unchanged
            data["image_file"] = self.image_file.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CaptionRecord":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["origin"] = Origin(**data["origin"])
        values["keywords"] = tuple(data.get("keywords") or ())
        values["srcset"] = tuple(data.get("srcset") or ())
        values["field_origins"] = tuple(
            (name, Origin(**o)) for name, o in (data.get("field_origins") or {}).items()
        )
        values["parts"] = tuple(cls.from_dict(p) for p in data.get("parts") or ())
        if data.get("image_file"):
            values["image_file"] = ImageFile(**data["image_file"])
        return cls(**values)

    def with_changes(self, **changes: Any) -> "CaptionRecord":
        return replace(self, **changes)


_SCALAR_FIELDS = (
    "id", "image", "title", "caption", "alt", "credit", "date",
    "gallery", "page", "long_description", "width", "height",
)  # fmt: skip


MAX_ID_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def id_problem(record_id: str) -> str | None:
    """Why ``record_id`` cannot name a photo page (/photo/<id>), or None.

    A "/" would split the address into two path segments (the page could
    never be reached), "." and ".." are folded away by browsers, and control
    characters cannot be typed or shown.
    """
    if "/" in record_id:
        return f"id {record_id[:60]!r} contains '/', which a web address cannot hold in one part"
    if record_id in (".", ".."):
        return f"id {record_id!r} is not a usable name"
    if _CONTROL.search(record_id):
        return f"id {record_id[:60]!r} contains control characters"
    if len(record_id) > MAX_ID_LENGTH:
        return f"id is {len(record_id):,} characters long, over {MAX_ID_LENGTH}"
    return None


def slugify(text: str, max_length: int = 48) -> str:
    """ASCII, lowercase, hyphen-separated: 'Chang'e 4 Rover!' -> 'change-4-rover'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r"['\u2019]", "", folded.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:max_length].strip("-") or "photo"


def image_record_id(image: str, root: str = "") -> str:
    """A stable id for an image that no manifest names.

    The readable part is the file's stem; the hash is of the image's path
    relative to ``root`` (the corpus folder), so ids survive moving the
    corpus and differ for same-named files in different folders.
    """
    relative = image
    if root and image.startswith(root.rstrip("/") + "/"):
        relative = image[len(root.rstrip("/")) + 1 :]
    stem = PurePosixPath(relative.split("?")[0]).stem
    digest = hashlib.sha1(relative.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(stem, 40)}-{digest}"


def position_record_id(record: CaptionRecord, root: str = "") -> str:
    """A stable id for a record that has neither an id nor an image of its own: its file and position.

    The readable part is the file's stem; the hash is of the file's path
    relative to ``root`` and the line and column the record starts at, so
    the id stays while the file does not change there.
    """
    path = record.origin.path
    if root and path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")) + 1 :]
    where = f"{path}:{record.origin.line or 0}:{record.origin.column or 0}"
    digest = hashlib.sha1(where.encode("utf-8")).hexdigest()[:12]
    return f"{slugify(PurePosixPath(path).stem, 40)}-{digest}"
