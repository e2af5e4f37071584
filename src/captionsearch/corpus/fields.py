"""Which keys of a record fill which field of a CaptionRecord: the field mapping.

Every field has a list of key paths (field_paths.py) tried in order; the
first that holds a usable, non-empty value wins. The defaults are the
field's own name and the names collections commonly use for it
(``description``, ``thumbnailUrl``, ``dc:title``...), so most exports need
no mapping. A mapping replaces a field's list: ``--map title=headline,name``
on the command line, ``title = ["headline", "name"]`` in
``[tool.captionsearch.fields]``, or ``CAPTIONSEARCH_FIELDS_TITLE``; an empty
list switches a field off (``--map width=``).

A value under the field's own name or under a path someone configured must
be usable (a title that is an object is reported); one found under a
built-in alias that is not usable is passed over, since the alias may mean
something else in that collection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError
from ..settings import Setting, find_pyproject, read_table, resolve
from .field_paths import KeyPath, PathSyntaxError, parse_path, split_paths

# The built-in paths of each field, its own name first. Keys compare without case, "_", "-" or spaces.
DEFAULT_PATHS: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifier", '"dc:identifier"', "object_id", "object_number", "accession_number",
           "media_id", "record_id", "uuid", "guid"),
    "image": ("image", "image_url", "img", "image_src", "src", "content_url", "thumbnail_url", "thumbnail",
              "thumb", "media_url", "photo", "picture", "file", "filename", "url"),
    "title": ("title", "headline", "name", "label", '"dc:title"', "object_title"),
    "caption": ("caption", "description", '"dc:description"', "summary", "abstract", "excerpt", "caption_text"),
    "alt": ("alt", "alt_text", "alternative_text", "image_alt", "_wp_attachment_image_alt"),
    "credit": ("credit", "credit_line", "credit_text", "byline", "photographer", "creator", '"dc:creator"',
               "artist", "all_artists", "author", "copyright", "copyright_notice", "rights", '"dc:rights"',
               "attribution"),
    "date": ("date", "date_created", "date_taken", "datetime", "created", "date_text", "display_date",
             '"dc:date"', "date_published", "year"),
    "keywords": ("keywords", "tags", "subjects", "subject", '"dc:subject"', "categories"),
    "long_description": ("long_description", "long_desc", "full_description", "extended_description", "transcript"),
    "page": ("page", "page_url", "link", "permalink", "web_url", "landing_page", "object_url", "url"),
    "width": ("width", "image_width", "pixel_width"),
    "height": ("height", "image_height", "pixel_height"),
}
FIELDS = tuple(DEFAULT_PATHS)
# "url" names the image in a media export and the web page in a collection export:
# it fills ``image`` only when it looks like an image file, ``page`` only when it does not.
_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|tiff?|bmp|avif|heic|svg)([?#].*)?$", re.IGNORECASE)
_URL_ALIAS = "url"


def looks_like_image(value: Any) -> bool:
    return isinstance(value, str) and bool(_IMAGE_FILE.search(value.strip()))


@dataclass(frozen=True)
class FieldPaths:
    """The paths one field is read from, and whether a value under each must be usable."""

    name: str
    paths: tuple[KeyPath, ...]
    configured: bool = False  # set by a mapping: every path is strict

    def strict(self, path: KeyPath) -> bool:
        return self.configured or path.text == self.name

    def accepts(self, path: KeyPath, value: Any) -> bool:
        """Whether a found value may be used from this path (the "url" alias only where it fits)."""
        if self.configured or path.text != _URL_ALIAS:
            return True
        return looks_like_image(value) == (self.name == "image")


@dataclass(frozen=True)
class FieldMap:
    """Every field's paths: the defaults, with the configured ones in their place."""

    fields: tuple[FieldPaths, ...]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, tuple[str, ...]] | None = None) -> "FieldMap":
        """``{"title": ("headline", "name")}`` -> the map; the fields not named keep their defaults."""
        mapping = mapping or {}
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ConfigError(f"unknown field {', '.join(unknown)}: the fields are {', '.join(FIELDS)}")
        return cls(tuple(
            FieldPaths(name, tuple(parse_path(p) for p in mapping.get(name, DEFAULT_PATHS[name])), name in mapping)
            for name in FIELDS
        ))

    def get(self, name: str) -> FieldPaths:
        return self.fields[FIELDS.index(name)]

    def heads(self) -> frozenset[str]:
        """The top-level keys any path starts from: what makes an object look like a record."""
        return frozenset(path.head for field in self.fields for path in field.paths if path.head)


DEFAULT_FIELDS = FieldMap.from_mapping()


# -- the settings: [tool.captionsearch.fields], CAPTIONSEARCH_FIELDS_<NAME>, --map ----------------


def parse_field_paths(value: Any) -> tuple[str, ...]:
    """A TOML array of paths, or "path,path" from the environment or --map; checked here."""
    paths = [str(v) for v in value] if isinstance(value, (list, tuple)) else split_paths(str(value))
    for path in paths:
        try:
            parse_path(path)
        except PathSyntaxError as exc:
            raise ValueError(str(exc)) from exc
    return tuple(paths)


_FIELD_HELP = {
    "id": "The photo's id (its address on the site); without one, an id is made from the image, "
          "or from the file and the record's position.",
    "image": "The image's path or URL; a record without one is indexed without an image.",
    "title": "The title.",
    "caption": "The caption.",
    "alt": "The alt text (an empty string means decorative).",
    "credit": "The credit or byline.",
    "date": "The date.",
    "keywords": "Keywords: a list of strings, or one string separated by commas or semicolons.",
    "long_description": "A long description.",
    "page": "The page that shows the photo.",
    "width": "The image's width in pixels.",
    "height": "The image's height in pixels.",
}

FIELD_SETTINGS: tuple[Setting, ...] = tuple(
    Setting(name, DEFAULT_PATHS[name], _FIELD_HELP[name], parse_field_paths, table="fields") for name in FIELDS
)


def parse_map_option(text: str) -> tuple[str, str]:
    """``--map FIELD=PATH[,PATH...]`` -> (field, paths); raises ConfigError naming the valid fields."""
    name, sep, paths = text.partition("=")
    name = name.strip().lower().replace("-", "_")
    if not sep or name not in FIELDS:
        raise ConfigError(f"--map {text!r}: write FIELD=PATH[,PATH...], the field one of {', '.join(FIELDS)}")
    return name, paths


def load_fields(
    mapped: Mapping[str, str] | None = None,
    pyproject: Path | None = None,
    environ: Mapping[str, str] | None = None,
    sources: dict[str, str] | None = None,
) -> FieldMap:
    """The run's field map: --map (``mapped``) > environment > [tool.captionsearch.fields] > the defaults."""
    path = pyproject if pyproject is not None else find_pyproject()
    table = read_table(path, "tool.captionsearch.fields")
    found: dict[str, str] = {}
    values = resolve(FIELD_SETTINGS, table, mapped, environ, where="[tool.captionsearch.fields]", sources=found)
    for name in mapped or {}:
        found[name] = f"--map {name}"
    if sources is not None:
        sources.update(found)
    return FieldMap.from_mapping({name: values[name] for name in FIELDS if found[name] != "default"})
