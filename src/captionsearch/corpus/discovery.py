"""Which files make up a corpus.

A path given explicitly is read if its type is supported. A folder means
every supported file below it, in sorted order, except:

* hidden files and folders (names starting with "."), which hold editor,
  VCS and OS litter (macOS "._photo.jpg" files would read as corrupt images);
* folders holding a search index (the backend tells: ``holds_index``), so an
  index built inside the corpus folder is never read back as input;
* XML files that are not an export captionsearch reads (a site's sitemap.xml,
  an RSS feed, an SVG sprite): named explicitly, such a file is reported.

``include`` and ``exclude`` are glob patterns (fnmatch, case-sensitive) for
files found in folders; a pattern matches a file's path relative to the folder
given, its name, or (for ``exclude``) one of its folders, so ``*.csv``,
``drafts`` and ``drafts/*`` all do what they say.
"""

from __future__ import annotations

import errno
import os
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Iterator, Sequence

from ..errors import CorpusError
from ..records import SourceKind
from ..search.whoosh import holds_index
from .registry import SUPPORTED_EXTENSIONS, extensions
from .textfile import Report

MANIFEST_EXTENSIONS = extensions(SourceKind.MANIFEST)
HTML_EXTENSIONS = extensions(SourceKind.HTML)
MARKDOWN_EXTENSIONS = extensions(SourceKind.MARKDOWN)
IMAGE_EXTENSIONS = extensions(SourceKind.METADATA)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def iter_corpus_files(
    paths: Sequence[str | Path],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    report: Report | None = None,
) -> Iterator[Path]:
    """The corpus files named by ``paths``, each once, in order.

    A path that does not exist, or a file of an unsupported type, is a
    CorpusError: passed to ``report`` if given, raised otherwise.
    """
    seen: set[str] = set()
    for given in paths:
        for found in _files_of(Path(given), include, exclude, report):
            key = os.path.realpath(found)  # unlike Path.resolve, never raises on a link loop
            if key in seen:
                continue
            seen.add(key)
            if is_link_loop(found):
                _complain(CorpusError(found, "symbolic link loop: it leads back to itself",
                                      hint="remove or fix the link"), report)
                continue
            yield found


def is_link_loop(path: Path) -> bool:
    """A symbolic link that leads back to itself (a.json -> b.json -> a.json): nothing to read."""
    if not path.is_symlink():
        return False
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def corpus_root(paths: Sequence[str | Path]) -> str:
    """The common folder of ``paths`` (resolved, POSIX): what generated ids are relative to."""
    folders = [_folder_of(Path(p)) for p in paths if Path(p).exists()]
    return Path(os.path.commonpath(folders)).as_posix() if folders else ""


def _folder_of(path: Path) -> str:
    resolved = Path(os.path.realpath(path))
    return str(resolved if resolved.is_dir() else resolved.parent)


def _files_of(path: Path, include: Sequence[str], exclude: Sequence[str], report: Report | None) -> Iterator[Path]:
    if path.is_dir():
        yield from _files_below(path, include, exclude)
    elif is_link_loop(path):
        yield path  # reported as a loop by the caller, once
    elif not path.exists():
        _complain(CorpusError(path, "no such file or folder", hint="check the path"), report)
    elif is_supported(path):
        yield path
    else:
        kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        _complain(CorpusError(path, f"unsupported file type '{path.suffix}'", hint=f"give one of {kinds}"), report)


def _complain(error: CorpusError, report: Report | None) -> None:
    if report is None:
        raise error
    report(error)


def _files_below(folder: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[Path]:
    found = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not holds_index(Path(current, d)))
        for name in names:
            path = Path(current, name)
            if not name.startswith(".") and is_supported(path):
                found.append(path)
    for path in sorted(found, key=lambda p: p.relative_to(folder).as_posix()):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if selected(relative, include, exclude) and not _other_xml(path):
            yield path


def _other_xml(path: Path) -> bool:
    """XML of a kind no reader reads (looked at in folders only; broken XML is kept: its reader reports it)."""
    if path.suffix.lower() != ".xml":
        return False
    from .xml_formats import is_other_xml  # the XML readers load only when a folder holds XML

    return is_other_xml(path)


def selected(relative: PurePosixPath, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether a file found in a folder passes the include and exclude globs (see the module docstring)."""
    candidates = (str(relative), relative.name)
    if include and not any(fnmatchcase(c, p) for p in include for c in candidates):
        return False
    folders = [parent for parent in relative.parents if str(parent) != "."]
    excluded = candidates + tuple(str(f) for f in folders) + tuple(f.name for f in folders)
    return not any(fnmatchcase(c, p) for p in exclude for c in excluded)
