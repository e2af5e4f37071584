"""What indexing does to each record before it is written: bound it, check its image, hide server paths.

1. Text: a field longer than ``max_text_chars`` is cut there (spaCy's
   tokenizer and the trained pipeline take time and memory in proportion to
   the text, and a caption of a million characters describes no photo); the
   record is kept, with a warning.
2. Image: a local image must lie under one of the corpus roots (the folders
   given to ``index`` and the ``image-roots`` setting); the record's image is
   resolved, so a symbolic link leading out of them is caught too. An image
   inside is checked once per version of the file (images.inspect_image,
   cached by path and stamp in the index's result cache). A refused or
   unreadable image is a warning: the photo is indexed, shown with a placeholder.
3. Paths: every local path the record carries (image, srcset, page, where
   each value was read) becomes relative to its corpus root, so nothing
   the site or the JSON shows names a folder of the server. The one absolute
   path kept is the corpus root in ``image_file``, which only the server reads.

With no roots (``index_records`` from Python, where the caller hands over
records it trusts), each image's own folder is its root.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import images
from ..corpus.references import is_url
from ..errors import CorpusError
from ..records import CaptionRecord, ImageFile, Origin, id_problem
from .cache import ResultCache

CHECK_BATCH = 256  # records whose images are checked together (in CHECK_THREADS threads)
CHECK_THREADS = 2  # Pillow decodes without the GIL: both cores
BOUNDED_FIELDS = ("title", "caption", "alt", "credit", "long_description")

Report = Callable[[CorpusError], None]


@dataclass(frozen=True)
class IntakeOptions:
    roots: tuple[str, ...] = ()  # resolved corpus folders; () trusts every image where it is
    max_text_chars: int = 50_000
    image_limits: images.ImageLimits = images.DEFAULT_LIMITS


def image_cache_namespace(limits: images.ImageLimits) -> str:
    """Image checks are cached per limits: raising a limit checks the refused images again."""
    return f"image-check:{limits.max_pixels}:{limits.max_bytes}"


def corpus_roots(paths: Sequence[str | os.PathLike[str]], extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The resolved folders images may come from: each given folder (a file's own folder) and ``extra``."""
    roots = []
    for given in [*paths, *extra]:
        real = os.path.realpath(given)
        roots.append(real if os.path.isdir(real) or given in extra else os.path.dirname(real))
    return tuple(dict.fromkeys(roots))


class Intake:
    """Prepares records for the index; ``warn`` gets problems the record survives, ``refuse`` those it does not."""

    def __init__(self, options: IntakeOptions, cache: ResultCache | None, warn: Report, refuse: Report):
        self.options = options
        self.cache = cache
        self.warn = warn
        self.refuse = refuse
        self._roots = sorted(options.roots, key=len, reverse=True)  # the innermost root first
        self._paths = _PublicPaths(options.roots)

    def prepare(self, records: Iterable[CaptionRecord]) -> Iterator[CaptionRecord]:
        iterator = iter(records)
        with ThreadPoolExecutor(CHECK_THREADS) as pool:
            while batch := list(islice(iterator, CHECK_BATCH)):
                usable = [r for r in batch if self._acceptable(r)]
                files = self._image_files(usable, pool)
                for record in usable:
                    prepared = self._prepared(record, files.get(record.image))
                    if prepared is not None:
                        yield prepared

    def _acceptable(self, record: CaptionRecord) -> bool:
        problem = id_problem(record.id)
        if problem:
            self.refuse(
                CorpusError(
                    record.origin.path,
                    problem,
                    record.origin.line,
                    "use letters, digits, '-', '_' or '.'; the photo was not indexed",
                )
            )
        return problem is None

    def _prepared(self, record: CaptionRecord, image_file: ImageFile | None) -> CaptionRecord | None:
        record = self._bounded(record)
        if image_file is not None and not image_file.root and _only_from_the_image(record):
            # Everything known about this photo was read from a file outside the corpus
            # folders (an image file that is a symbolic link leading out): none of it is indexed.
            self.refuse(
                CorpusError(
                    record.origin.path,
                    f"leads to {self._shown(record.image)}, outside the corpus folders",
                    hint="the photo was not indexed; add its folder to image-roots to allow it",
                )
            )
            return None
        if image_file is not None and image_file.problem:
            self.warn(
                CorpusError(
                    record.origin.path,
                    f"image {self._shown(record.image)} {image_file.problem}",
                    record.origin.line,
                    "the photo is indexed without it; fix or replace the image",
                )
            )
        return self._public(record, image_file)

    # -- text -------------------------------------------------------------------------

    def _bounded(self, record: CaptionRecord) -> CaptionRecord:
        limit = self.options.max_text_chars
        long = {name: len(getattr(record, name) or "") for name in BOUNDED_FIELDS}
        long = {name: length for name, length in long.items() if length > limit}
        keywords = _keywords_within(record.keywords, limit)
        if not long and keywords == record.keywords:
            return record
        for name, length in long.items():
            self.warn(
                CorpusError(
                    record.origin.path,
                    f"{name} is {length:,} characters; only the first {limit:,} are indexed (max-text-chars)",
                    record.origin.line,
                    "shorten it",
                )
            )
        if keywords != record.keywords:
            self.warn(
                CorpusError(
                    record.origin.path,
                    f"keywords run past {limit:,} characters; the rest are not indexed (max-text-chars)",
                    record.origin.line,
                    "list fewer keywords",
                )
            )
        return _cut(record, limit, keywords)

    # -- images -----------------------------------------------------------------------

    def _image_files(self, records: list[CaptionRecord], pool: ThreadPoolExecutor) -> dict[str, ImageFile]:
        """image -> its ImageFile, for the local images of ``records``; checks what the cache lacks."""
        found: dict[str, ImageFile] = {}
        to_check: dict[str, tuple[str, str, str]] = {}  # image -> root, relative path, stamp
        for image in dict.fromkeys(r.image for r in records if r.image and not is_url(r.image)):
            placed = self._place(image)
            if placed is None:
                found[image] = ImageFile("", "", problem=self._outside_message())
                continue
            root, relative = placed
            try:
                stamp = images.stamp_of(os.stat(image)) or ""
            except FileNotFoundError:
                found[image] = ImageFile(root, relative)  # not there (yet): no warning, a placeholder
                continue
            except (OSError, ValueError):
                stamp = ""  # a link loop, no permission...: the check says which
            to_check[image] = (root, relative, stamp)
        for image, inspection in self._inspections(to_check, pool).items():
            root, relative, stamp = to_check[image]
            found[image] = ImageFile(root, relative, stamp, inspection.width, inspection.height, inspection.problem)
        return found

    def _inspections(
        self, wanted: dict[str, tuple[str, str, str]], pool: ThreadPoolExecutor
    ) -> dict[str, images.Inspection]:
        keys = {f"{image}|{stamp}": image for image, (_, _, stamp) in wanted.items()}
        cached = self.cache.get_many(list(keys)) if self.cache else {}
        results = {keys[key]: images.Inspection(*value) for key, value in cached.items()}
        missing = [image for key, image in keys.items() if key not in cached]
        limits = self.options.image_limits
        for image, inspection in zip(missing, pool.map(lambda i: images.inspect_image(i, limits), missing)):
            results[image] = inspection
        if self.cache and missing:
            stamped = {image: f"{image}|{wanted[image][2]}" for image in missing}
            self.cache.put_many(
                (stamped[i], [results[i].width, results[i].height, results[i].problem]) for i in missing if wanted[i][2]
            )  # a file without a stamp is checked again
        return results

    def _place(self, image: str) -> tuple[str, str] | None:
        """(root, path relative to it) for a local image, or None when it lies outside every root."""
        if not self._roots:
            folder, name = os.path.split(image)
            return folder, name
        for root in self._roots:
            if image.startswith(root.rstrip("/") + "/"):
                return root, image[len(root.rstrip("/")) + 1 :]
        return None

    def _outside_message(self) -> str:
        folders = ", ".join(self._roots[:3]) + (", ..." if len(self._roots) > 3 else "")
        return f"is outside the corpus folders ({folders}) and is not served; add its folder to image-roots to allow it"

    @staticmethod
    def _shown(image: str) -> str:
        """The image as the person running the index can find it: relative to the working directory if inside it."""
        try:
            return PurePosixPath(image).relative_to(os.getcwd()).as_posix()
        except ValueError:
            return image

    # -- paths --------------------------------------------------------------------------

    def _public(self, record: CaptionRecord, image_file: ImageFile | None) -> CaptionRecord:
        paths = self._paths
        origins: dict[int, Origin] = {}  # a record and its parts share their Origin objects: each is made once
        parts = tuple(replace(part, **paths.changes(part, origins)) for part in record.parts)
        return replace(record, **paths.changes(record, origins), parts=parts, image_file=image_file)


def _only_from_the_image(record: CaptionRecord) -> bool:
    return all(part.origin.kind == "metadata" for part in record.parts or (record,))


class _PublicPaths:
    """Local paths made relative to the innermost corpus root holding them (just the name when none does)."""

    def __init__(self, roots: Sequence[str]):
        self.roots = tuple(root.rstrip("/") + "/" for root in sorted(roots, key=len, reverse=True))
        self._files: dict[str, str] = {}  # origin path as given -> shown; few files give many records

    def changes(self, record: CaptionRecord, origins: dict[int, Origin]) -> dict[str, Any]:
        def shown(origin: Origin) -> Origin:
            if id(origin) not in origins:
                origins[id(origin)] = self.origin(origin)
            return origins[id(origin)]

        return {
            "image": self.path(record.image),
            "srcset": tuple(self.path(u) for u in record.srcset),
            "page": self.path(record.page),
            "origin": shown(record.origin),
            "field_origins": tuple((name, shown(o)) for name, o in record.field_origins),
        }

    def path(self, path: str) -> str:
        if not path or is_url(path):
            return path
        return self.relative(os.path.abspath(path))

    def origin(self, origin: Origin) -> Origin:
        shown = self._files.get(origin.path)
        if shown is None:
            shown = self._files[origin.path] = self.relative(os.path.realpath(origin.path))
        return Origin(shown, origin.line, origin.column, origin.kind)

    def relative(self, path: str) -> str:
        for root in self.roots:
            if path.startswith(root):
                return path[len(root) :]
        return PurePosixPath(path).name


def _keywords_within(keywords: tuple[str, ...], limit: int) -> tuple[str, ...]:
    total = 0
    for count, keyword in enumerate(keywords):
        total += len(keyword) + 1
        if total > limit:
            return keywords[:count]
    return keywords


def _cut(record: CaptionRecord, limit: int, keywords: tuple[str, ...]) -> CaptionRecord:
    def cut(part: CaptionRecord) -> CaptionRecord:
        changes = {
            name: getattr(part, name)[:limit] for name in BOUNDED_FIELDS if len(getattr(part, name) or "") > limit
        }
        return replace(part, keywords=_keywords_within(part.keywords, limit), **changes)

    return replace(cut(record), keywords=keywords, parts=tuple(cut(p) for p in record.parts))
