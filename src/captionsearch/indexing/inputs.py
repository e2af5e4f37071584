"""What a run's input looked like, kept beside the index: a re-run over the same files reads none of them.

A clean run (every file read, no problem reported, nothing left for the
enrichment pass) writes the stamps of its input into the index it published:

* each corpus file's size, modification and change times and (but for
  image files, whose metadata is all that is read of them, and which may be
  large) its SHA-1, taken before the file was read (a file changed while
  the run read it fails the stat check at the end: no stamps). The change
  time cannot be set back the way the modification time can;
* each local image a record names: its own stamp if it exists, else the
  stamp of its folder (a new file changes its folder's stamp), so a photo
  whose image appears, changes or goes is indexed again;
* a fingerprint of everything else the index depends on: the options, the
  paths given, the schema and captionsearch's version.

The next run compares: same fingerprint, same files (stat first, then the
hash, so an edit within one tick of the clock is still seen) and the same
image stamps means there is nothing to do, and the run ends without opening
a single corpus file or the index.

A corpus of one JSONL manifest (a photo per line, merged with nothing) is
also stamped line by line: a hash of each line and the id it gave. When
only some lines changed (at most ``PARTIAL_SHARE`` of them), the run
decodes just those; a line unchanged at the same number gives the same
record, so its photo counts as read and unchanged.

Anything else (a changed file of another kind, a new file, a missing stamp
file) is a normal run, which reads every file and skips unchanged records
by their content hash.

The file goes through the run's staging copy like the index itself
(publishing.py), so it always describes the index it sits in; a run that
does not write it (index_records, a run with problems) leaves none.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .. import __version__
from ..corpus.discovery import IMAGE_EXTENSIONS
from ..images import stamp_of
from ..records import CaptionRecord
from ..search.backend import schema_version
from .options import IndexOptions

INPUTS_FILE = "INPUTS"
FORMAT = 2
PARTIAL_SHARE = 0.1  # of a manifest's lines: above it, reading the whole file costs little more
_HASH_BLOCK = 1 << 20
_LINE_DIGEST = 8  # bytes of BLAKE2b per line

FileStamp = tuple[str, int, int, int, str]  # real path, size, mtime_ns, ctime_ns, sha1 ("" for an image)


def fingerprint(paths: Sequence[str | os.PathLike[str]], options: IndexOptions) -> str:
    """Everything besides the files' content that decides what a run indexes."""
    given = [os.path.realpath(path) for path in paths]
    # What only decides how a run goes (rebuilt or updated, in how many processes, in what
    # chunks, with a progress line) is left out: the index it leaves is the same.
    how = IndexOptions()
    settings = repr(
        replace(
            options,
            show_progress=how.show_progress,
            rebuild=how.rebuild,
            procs=how.procs,
            batch_size=how.batch_size,
            commit_every=how.commit_every,
        )
    )
    return hashlib.sha1(
        json.dumps([FORMAT, __version__, schema_version(), given, settings]).encode("utf-8")
    ).hexdigest()


def stamp_files(files: Sequence[Path]) -> list[FileStamp]:
    """Each file's real path, size, times and content hash (not an image's), as it is now."""
    stamps = []
    for path in files:
        real = os.path.realpath(path)
        info = os.stat(real)
        digest = "" if path.suffix.lower() in IMAGE_EXTENSIONS else _sha1(real)
        stamps.append((real, info.st_size, info.st_mtime_ns, info.st_ctime_ns, digest))
    return stamps


def _sha1(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as stream:
        while block := stream.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def line_digests(path: Path) -> bytes:
    """A short hash of each line of a JSONL file (split at "\\n" only, as it is read), end to end."""
    with open(path, "rb") as stream:
        return b"".join(hashlib.blake2b(line, digest_size=_LINE_DIGEST).digest() for line in stream)


def _stat_stamp(path: str) -> str:
    try:
        return stamp_of(os.stat(path)) or ""
    except OSError:
        return ""


@dataclass
class InputWatch:
    """A run's input as it was when the run started, and the images its records named."""

    fingerprint: str
    files: list[FileStamp]
    images: dict[str, str] = field(default_factory=dict)  # existing image -> its stamp
    folders: dict[str, str] = field(default_factory=dict)  # folder of a missing image -> its stamp
    manifest: Path | None = None  # the corpus's one file, if a JSONL manifest: stamped line by line
    lines: bytes | None = None  # its line digests (line_digests), once stamp_lines() has run
    line_ids: list[str] = field(default_factory=list)  # the id each of its lines gave ("" for none)

    @classmethod
    def start(
        cls,
        files: Sequence[Path],
        paths: Sequence[str | os.PathLike[str]],
        options: IndexOptions,
        single_jsonl: Path | None = None,
    ) -> InputWatch:
        return cls(fingerprint(paths, options), stamp_files(files), manifest=single_jsonl)

    def stamp_lines(self) -> None:
        """Hash the single JSONL manifest's lines: before it is read, once the run is known to read it.

        A run whose whole input is unchanged never needs them (a tenth of a
        second per 100,000 lines, most of such a run's time).
        """
        if self.manifest is not None and self.lines is None:
            self.lines = line_digests(self.manifest)
            self.line_ids = [""] * (len(self.lines) // _LINE_DIGEST)

    def saw(self, record: CaptionRecord) -> None:
        """Remember the image a record names, as the intake found it (and the line it came from)."""
        line = record.origin.line
        if self.lines is not None and line is not None and 0 < line <= len(self.line_ids):
            self.line_ids[line - 1] = record.id
        image = record.image_file
        if image is None or not image.root:
            return
        path = os.path.join(image.root, image.path)
        if image.stamp:
            self.images[path] = image.stamp
        else:
            folder = os.path.dirname(path)
            if folder not in self.folders:
                self.folders[folder] = _stat_stamp(folder)

    def unchanged_records(self, index_dir: Path) -> int | None:
        """How many records the index holds, if its last run read exactly this input; else None."""
        saved = self._comparable(index_dir)
        if saved is None or [tuple(stamp) for stamp in saved["files"]] != self.files:
            return None
        records: int = saved["records"]
        return records

    def changed_lines(self, index_dir: Path) -> tuple[set[int], list[str]] | None:
        """For a single JSONL manifest: (the lines that changed, the ids of the unchanged ones), or None.

        None when the last run's stamps do not allow it (another input, other
        options, a changed image) or when too many lines changed.
        """
        saved = self._comparable(index_dir)
        if self.lines is None or saved is None or not saved.get("lines") or len(self.files) != 1:
            return None
        if [stamp[0] for stamp in saved["files"]] != [self.files[0][0]]:
            return None
        before, ids = base64.b64decode(saved["lines"]), saved["line_ids"]
        width, count = _LINE_DIGEST, len(self.line_ids)
        changed, unchanged = set(), []
        for number in range(count):
            digest = self.lines[number * width : (number + 1) * width]
            if number < len(ids) and before[number * width : (number + 1) * width] == digest:
                self.line_ids[number] = ids[number]
                if ids[number]:
                    unchanged.append(ids[number])
            else:
                changed.add(number + 1)
        if len(changed) > PARTIAL_SHARE * max(count, 1):
            return None
        # The unchanged lines' images were checked unchanged: the new stamps keep them.
        self.images.update(saved["images"])
        self.folders.update(saved["folders"])
        return changed, unchanged

    def _comparable(self, index_dir: Path) -> dict[str, Any] | None:
        """The last run's stamps, if they were taken with these settings and every image is as it was."""
        saved = _read(index_dir / INPUTS_FILE)
        if saved is None or saved["fingerprint"] != self.fingerprint:
            return None
        images, folders = saved["images"], saved["folders"]
        if any(_stat_stamp(path) != stamp for path, stamp in images.items()):
            return None
        if any(_stat_stamp(folder) != stamp for folder, stamp in folders.items()):
            return None
        return saved

    def write(self, folder: Path, records: int) -> None:
        """Save the stamps into ``folder`` (an index), unless a file changed since the run started."""
        if any(_changed_since(stamp) for stamp in self.files):
            return
        data = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "files": self.files,
            "records": records,
            "images": self.images,
            "folders": self.folders,
            "lines": base64.b64encode(self.lines).decode("ascii") if self.lines is not None else None,
            "line_ids": self.line_ids,
        }
        temporary = folder / f".{INPUTS_FILE}.tmp"
        temporary.write_bytes(zlib.compress(json.dumps(data).encode("utf-8"), 1))
        os.replace(temporary, folder / INPUTS_FILE)


def _changed_since(stamp: FileStamp) -> bool:
    path, size, mtime, ctime, _ = stamp
    try:
        info = os.stat(path)
    except OSError:
        return True
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns) != (size, mtime, ctime)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(zlib.decompress(path.read_bytes()))
    except (OSError, ValueError, zlib.error):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def forget(folder: Path) -> None:
    """Remove the stamps from ``folder``: what it holds no longer matches them."""
    (folder / INPUTS_FILE).unlink(missing_ok=True)
