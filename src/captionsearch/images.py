"""Display sizes of collection images: made with Pillow, cached on disk, EXIF orientation applied.

The web front end asks for an image by record and size name; this module
never sees a path a user typed. A cached file's name is a digest of the
source path, its modification time and size, and the width, so an edited
photo gets a new file and a stale one is never served.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps

# Size name -> longest width in pixels. Images are never enlarged.
SIZES = {"thumb": 320, "medium": 640, "large": 1280}
JPEG_QUALITY = 82
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_ORIENTATION_TAG = 0x0112


def is_local_image(image: str) -> bool:
    """True when ``image`` names a file on this machine that can be resized."""
    if not image or "://" in image:
        return False
    return Path(image).is_file()


def version(source: str | os.PathLike[str]) -> str:
    """A short token that changes whenever the source file does (for cache-busting URLs)."""
    stat = os.stat(source)
    return hashlib.sha1(f"{stat.st_mtime_ns}:{stat.st_size}".encode()).hexdigest()[:10]


def display_size(source: str | os.PathLike[str], size: str) -> tuple[int, int]:
    """Width and height of the ``size`` rendition of ``source``, without making it."""
    stat = os.stat(source)
    width, height = _oriented_size(str(source), stat.st_mtime_ns)
    return _fit(width, height, SIZES[size])


@lru_cache(maxsize=4096)
def _oriented_size(source: str, mtime_ns: int) -> tuple[int, int]:
    """The upright size of an image: only the header is read."""
    with Image.open(source) as image:
        width, height = image.size
        if image.getexif().get(_ORIENTATION_TAG) in _ROTATED:
            width, height = height, width
    return width, height


def _fit(width: int, height: int, longest_width: int) -> tuple[int, int]:
    if width <= longest_width:
        return width, height
    return longest_width, max(1, round(height * longest_width / width))


def rendition(source: str | os.PathLike[str], size: str, cache_dir: str | os.PathLike[str]) -> Path:
    """The cached JPEG of ``source`` at ``size``, made on first request."""
    if size not in SIZES:
        raise KeyError(size)
    stat = os.stat(source)
    key = hashlib.sha1(f"{Path(source).resolve()}|{stat.st_mtime_ns}|{stat.st_size}|{SIZES[size]}".encode())
    digest = key.hexdigest()
    target = Path(cache_dir) / digest[:2] / f"{digest}.jpg"
    if not target.exists():
        _write_rendition(Path(source), SIZES[size], target)
    return target


def _write_rendition(source: Path, longest_width: int, target: Path) -> None:
    """Resize, upright and save as JPEG; written to a temporary name and renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail((longest_width, longest_width * 4), Image.Resampling.LANCZOS)
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
