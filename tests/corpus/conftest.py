"""Fixtures for the corpus readers: image files written for real with Pillow."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType
from typing import Callable

import pytest
from PIL import Image

from captionsearch.errors import CorpusError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def make_images() -> ModuleType:
    """corpus/make_images.py as a module (its IPTC writer doubles as a fixture tool)."""
    spec = importlib.util.spec_from_file_location("make_images", ROOT / "corpus" / "make_images.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def errors() -> list[CorpusError]:
    """Collects what a reader reports; pass ``errors.append`` as ``report``."""
    return []


@pytest.fixture
def write_jpeg(make_images: ModuleType) -> Callable[..., Path]:
    """write_jpeg(path, size=(64, 48), iptc=[((2, 120), b"...")], xmp="<x:xmpmeta...>", exif={270: "..."})."""

    def write(path: Path, size=(64, 48), iptc=None, xmp=None, exif=None) -> Path:
        options = {}
        if iptc is not None:
            options["extra"] = make_images.iptc_segment(iptc)
        if xmp is not None:
            options["xmp"] = xmp.encode("utf-8") if isinstance(xmp, str) else xmp
        if exif:
            exif_data = Image.Exif()
            for tag, value in exif.items():
                exif_data[tag] = value
            options["exif"] = exif_data
        out = io.BytesIO()
        Image.new("RGB", size, (90, 90, 90)).save(out, "JPEG", **options)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(out.getvalue())
        return path

    return write


def xmp_description(inner: str, attributes: str = "") -> str:
    """An XMP packet with one rdf:Description holding ``inner``."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        f'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" {attributes}>'
        f"{inner}</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


@pytest.fixture(scope="session")
def xmp() -> Callable[..., str]:
    return xmp_description
