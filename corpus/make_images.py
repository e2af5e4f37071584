"""Write the gallery's placeholder images from manifest.json, reproducibly.

    python corpus/make_images.py [OUT_DIR]

The original photos are not part of this corpus. Each photo gets a labelled
placeholder of the size the manifest gives, with its slide title drawn on it
and its title, caption and credit embedded the way a photo desk's files carry
them: IPTC IIM (in a JPEG APP13 Photoshop resource) and an XMP packet. The
output depends only on manifest.json and the Pillow version: no timestamps,
no randomness. OUT_DIR defaults to this folder; images go where the
manifest's "image" paths point, relative to it.
"""

from __future__ import annotations

import io
import json
import struct
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

# The IPTC IIM dataset numbers (record, number) the reader looks for.
from captionsearch.corpus.iptc import (
    CAPTION_ABSTRACT,
    CODED_CHARACTER_SET,
    CREDIT,
    DATE_CREATED,
    HEADLINE,
    KEYWORDS,
    OBJECT_NAME,
    UTF8_MARKERS,
)

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
JPEG_QUALITY = 80
PLACEHOLDER_LABEL = ("PLACEHOLDER", "original photo not available")
# One hue per photo so the placeholders are told apart at a glance.
BACKGROUNDS = ((18, 28, 58), (40, 22, 52), (16, 44, 48), (52, 36, 20))
AMBER = (255, 191, 64)
WHITE = (245, 245, 245)
GREY = (170, 176, 190)

RECORD_VERSION = (2, 0)
UTF8 = UTF8_MARKERS[0]  # ISO 2022 escape sequence for UTF-8, the value of 1:90


def iptc_segment(datasets: list[tuple[tuple[int, int], bytes]]) -> bytes:
    """A JPEG APP13 segment holding IPTC IIM ``datasets`` (in record order) as Photoshop resource 0x0404.

    Layout: marker FFED, length, "Photoshop 3.0\\0", then one image resource
    block: "8BIM", resource id, an empty Pascal name padded to even length,
    the data length and the IIM bytes (padded to even length). Each IIM
    dataset is 1C, record, number, a 2-byte length and the value.
    """
    iim = b""
    for (record, number), value in datasets:
        if len(value) > 0x7FFF:
            raise ValueError("IIM value longer than 32767 bytes needs the extended length form")
        iim += bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    block += b"\x00" * (len(iim) % 2)
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def photo_datasets(photo: dict) -> list[tuple[tuple[int, int], bytes]]:
    """The IIM datasets of one manifest photo: UTF-8 declared, date only where known."""
    datasets = [(CODED_CHARACTER_SET, UTF8), (RECORD_VERSION, b"\x00\x04")]
    datasets += [(OBJECT_NAME, photo["title"].encode()), (HEADLINE, photo["title"].encode())]
    datasets += [(KEYWORDS, keyword.encode()) for keyword in photo.get("keywords", [])]
    if photo.get("date"):
        datasets.append((DATE_CREATED, photo["date"].replace("-", "").encode()))
    datasets += [(CREDIT, photo["credit"].encode()), (CAPTION_ABSTRACT, photo["caption"].encode())]
    return datasets


def xmp_packet(photo: dict) -> bytes:
    """The XMP packet of one manifest photo (no accessibility fields: no real alt text exists)."""

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    subjects = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in photo.get("keywords", []))
    date = f"<photoshop:DateCreated>{photo['date']}</photoshop:DateCreated>" if photo.get("date") else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        f"<dc:title>{alt(photo['title'])}</dc:title>"
        f"<dc:description>{alt(photo['caption'])}</dc:description>"
        f"<dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>"
        f"<photoshop:Headline>{escape(photo['title'])}</photoshop:Headline>"
        f"<photoshop:Credit>{escape(photo['credit'])}</photoshop:Credit>{date}"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
    ).encode("utf-8")


def draw_placeholder(photo: dict, number: int, total: int) -> Image.Image:
    """A dark card: the placeholder label, the slide title large, and the photo's number."""
    width, height = photo["width"], photo["height"]
    background = BACKGROUNDS[(number - 1) % len(BACKGROUNDS)]
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    margin = width // 32
    draw.rectangle((margin // 2, margin // 2, width - margin // 2, height - margin // 2), outline=AMBER, width=6)
    # Text stays inside the centred 3:2 area, which survives a gallery's 3:2 crop.
    safe = min(width, height * 3 // 2)
    left = (width - safe) // 2 + margin
    draw.text((left, margin), PLACEHOLDER_LABEL[0], fill=AMBER, font=_font(safe // 20))
    draw.text((left, margin + safe // 16), PLACEHOLDER_LABEL[1], fill=AMBER, font=_font(safe // 40))
    _draw_title(draw, photo["title"], width, height, safe)
    footer = f"Photo {number} of {total}  |  {photo['credit']}"
    draw.text((left, height - margin - safe // 40), footer, fill=GREY, font=_font(safe // 48))
    return image


def _draw_title(draw: ImageDraw.ImageDraw, title: str, width: int, height: int, safe: int) -> None:
    """The slide title, centred, as large as fits in 85% of the safe width."""
    size = safe // 10
    while size > 12 and draw.textlength(title, font=_font(size)) > safe * 0.85:
        size -= 4
    draw.text((width / 2, height / 2), title, fill=WHITE, font=_font(size), anchor="mm")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def encode_jpeg(image: Image.Image, photo: dict) -> bytes:
    out = io.BytesIO()
    # Pillow writes ``extra`` bytes as they are, right after the JFIF header: our APP13.
    iptc = iptc_segment(photo_datasets(photo))
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, extra=iptc, xmp=xmp_packet(photo))
    return out.getvalue()


def write_images(out_dir: Path, manifest: Path = MANIFEST) -> list[Path]:
    """Write every photo's placeholder under ``out_dir``; returns the files written."""
    photos = json.loads(manifest.read_text(encoding="utf-8"))["photos"]
    written = []
    for number, photo in enumerate(photos, start=1):
        target = out_dir / photo["image"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encode_jpeg(draw_placeholder(photo, number, len(photos)), photo))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else HERE
    for path in write_images(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
