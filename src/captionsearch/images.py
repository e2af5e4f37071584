"""Collection images: checked once at index time, resized for the web behind a guard.

Every local image an indexed photo names is checked when it is indexed
(``inspect_image``): a type Pillow reads safely (JPEG, PNG, WebP, TIFF, GIF),
a file size and a pixel count under the limits, and pixel data that decodes.
What the check finds (the upright size, or the problem) is stored with the
photo, so pages are laid out without opening any image, and a photo whose
image failed shows a placeholder instead.

The web front end asks for a rendition by record and size name, never by a
path a user typed. A rendition is made once (``rendition``), from an image
that passed the check and has not changed since, at most RENDERING_AT_ONCE
at a time per process, decoding JPEGs at a reduced scale; the cached file's
name is a digest of the source path, its modification time and size, and
the width, so an edited photo gets a new file and a stale one is never served.

``image_problem(path)`` is the same check as one line of text, for the audit.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageOps, UnidentifiedImageError

from .records import ImageFile

# Size name -> longest width in pixels. Images are never enlarged.
SIZES = {"thumb": 320, "medium": 640, "large": 1280}
JPEG_QUALITY = 82
# The formats read: what photo collections hold. Pillow would also open EPS (by
# running Ghostscript), PSD, ICO and others; an image file is untrusted input.
# (A camera's multi-picture JPEG opens through JPEG, as Pillow's MPO.)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "GIF")
RENDERING_AT_ONCE = 2  # per process: a decode can take hundreds of MB, so few at once
RENDERING_WAIT = 10.0  # seconds a request waits for a turn before it is answered "busy"
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_ORIENTATION_TAG = 0x0112
_PIXELS_IN_MESSAGE = re.compile(r"\((\d+) pixels\)")

# Pillow's own decompression-bomb warning comes before our check, which
# replaces it (with the configured limit and a message naming the file).
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(frozen=True)
class ImageLimits:
    max_pixels: int = 89_478_485  # Pillow's own warning threshold
    max_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: dict) -> "ImageLimits":
        return cls(settings["image_max_pixels"], settings["image_max_mb"] * 1024 * 1024)


DEFAULT_LIMITS = ImageLimits()


@dataclass(frozen=True)
class Inspection:
    """What checking one image file found: its upright size, or why it cannot be shown."""

    width: int = 0
    height: int = 0
    problem: str = ""


class ImageRefused(Exception):
    """An image that must not be decoded; str() says why, in a few words."""


class RenderingBusy(Exception):
    """Every rendering slot stayed taken for RENDERING_WAIT seconds."""


def image_problem(path: str | os.PathLike[str], limits: ImageLimits = DEFAULT_LIMITS) -> str | None:
    """Why the image file at ``path`` cannot be indexed and shown, in one line; None if it can.

    The index-time check: a regular file, at most ``limits.max_bytes``, of a
    format in ALLOWED_FORMATS, at most ``limits.max_pixels``, and pixel data
    that decodes (JPEGs at 1/8 scale, which reads every byte but is cheap).
    Never raises for a bad file: every failure is the answer.
    """
    return inspect_image(path, limits).problem or None


def inspect_image(path: str | os.PathLike[str], limits: ImageLimits = DEFAULT_LIMITS) -> Inspection:
    """The check of image_problem(), with the upright size when the image passes."""
    try:
        _check_file(Path(path), limits)
        with _opened(Path(path), limits) as image:
            width, height = _upright_size(image)
            _decode(image)
    except ImageRefused as refused:
        return Inspection(problem=str(refused))
    except Exception as exc:  # noqa: BLE001 - a crafted file can make a decoder raise anything
        return Inspection(problem=f"cannot be decoded ({_reason(exc)})")
    return Inspection(width, height)


def file_stamp(path: str | os.PathLike[str]) -> str | None:
    """"mtime_ns:size" of a regular file (changes when the file does), or None."""
    try:
        return stamp_of(os.stat(path))
    except (OSError, ValueError):
        return None


def stamp_of(info: os.stat_result) -> str | None:
    """The stamp of a file from its stat(), or None when it is not a regular file."""
    return f"{info.st_mtime_ns}:{info.st_size}" if stat.S_ISREG(info.st_mode) else None


def version(stamp: str) -> str:
    """A short token that changes whenever the source file does (for cache-busting URLs)."""
    return hashlib.sha1(stamp.encode()).hexdigest()[:10]


def display_size(width: int, height: int, size: str) -> tuple[int, int]:
    """Width and height of the ``size`` rendition of an image of this upright size, without opening it."""
    return _fit(width, height, SIZES[size])


def _fit(width: int, height: int, longest_width: int) -> tuple[int, int]:
    if width <= longest_width:
        return width, height
    return longest_width, max(1, round(height * longest_width / width))


def _check_file(path: Path, limits: ImageLimits) -> None:
    try:
        info = path.stat()
    except OSError as exc:
        raise ImageRefused(f"cannot be opened ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImageRefused("is not a regular file")
    if info.st_size == 0:
        raise ImageRefused("is empty")
    if info.st_size > limits.max_bytes:
        raise ImageRefused(f"is {info.st_size / 1048576:,.1f} MB, over image-max-mb ({limits.max_bytes // 1048576:,})")


@contextmanager
def _opened(path: Path, limits: ImageLimits) -> Iterator[Image.Image]:
    """An untrusted image, open: allowed formats only, its pixel count checked before any pixel is read."""
    try:
        image = Image.open(path, formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # the warning, where warnings are errors
        raise ImageRefused(_too_many_pixels(_pixels_in(exc), limits)) from None
    except UnidentifiedImageError:
        raise ImageRefused("is not an image of a known type (JPEG, PNG, WebP, TIFF or GIF)") from None
    try:
        width, height = image.size
        if width * height > limits.max_pixels:
            raise ImageRefused(_too_many_pixels(width * height, limits, (width, height)))
        yield image
    finally:
        image.close()


def _too_many_pixels(pixels: int | None, limits: ImageLimits, size: tuple[int, int] | None = None) -> str:
    shown = f"{size[0]:,} x {size[1]:,} = " if size else ""
    count = f"{shown}{pixels:,} pixels" if pixels else "too many pixels"
    return f"has {count}, over image-max-pixels ({limits.max_pixels:,})"


def _pixels_in(exc: Exception) -> int | None:
    found = _PIXELS_IN_MESSAGE.search(str(exc))
    return int(found.group(1)) if found else None


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    if image.getexif().get(_ORIENTATION_TAG) in _ROTATED:
        width, height = height, width
    return width, height


def _decode(image: Image.Image) -> None:
    """Decode the pixel data (a JPEG at 1/8 scale), so a corrupt or truncated file shows now."""
    if image.format in ("JPEG", "MPO"):
        image.draft(None, (1, 1))
    image.load()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def servable_path(image_file: ImageFile) -> str | None:
    """The real path of an indexed image if it may be served now, else None.

    It must have passed its check at index time (which also confined it to
    the corpus roots and image-roots) and still lie under its root once every
    symbolic link is followed: a link swapped since is caught here. Whether
    the file still decodes is rendition()'s guard.
    """
    if not image_file.usable:
        return None
    root = os.path.realpath(image_file.root)
    real = os.path.realpath(os.path.join(root, image_file.path))
    if not real.startswith(root.rstrip("/") + "/") or file_stamp(real) is None:
        return None
    return real


# -- renditions --------------------------------------------------------------------------

_RENDERING = threading.BoundedSemaphore(RENDERING_AT_ONCE)


def rendition(
    source: str | os.PathLike[str], size: str, cache_dir: str | os.PathLike[str], limits: ImageLimits = DEFAULT_LIMITS
) -> Path:
    """The cached JPEG of ``source`` at ``size``, made on first request.

    ``source`` must have passed inspect_image(); it is opened under the same
    guard again (formats, pixel limit), so a file swapped since is refused,
    not decoded. Raises ImageRefused, RenderingBusy, or OSError.
    """
    if size not in SIZES:
        raise KeyError(size)
    info = os.stat(source)
    key = hashlib.sha1(f"{Path(source).resolve()}|{info.st_mtime_ns}|{info.st_size}|{SIZES[size]}".encode())
    digest = key.hexdigest()
    target = Path(cache_dir) / digest[:2] / f"{digest}.jpg"
    if not target.exists():
        if not _RENDERING.acquire(timeout=RENDERING_WAIT):
            raise RenderingBusy()
        try:
            if not target.exists():  # made by another thread while this one waited
                _write_rendition(Path(source), SIZES[size], target, limits)
        finally:
            _RENDERING.release()
    return target


def _write_rendition(source: Path, longest_width: int, target: Path, limits: ImageLimits) -> None:
    """Resize, upright and save as JPEG; written to a temporary name and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _check_file(source, limits)
    with _opened(source, limits) as opened:
        rotated = opened.getexif().get(_ORIENTATION_TAG) in _ROTATED
        box = (longest_width * 4, longest_width) if rotated else (longest_width, longest_width * 4)
        opened.thumbnail(box, Image.Resampling.LANCZOS)  # decodes a JPEG at the smallest scale that will do
        image = ImageOps.exif_transpose(opened)
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            os.replace(temporary, target)  # atomic: other workers see all or nothing
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent or palette images on a white background, as RGB."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
