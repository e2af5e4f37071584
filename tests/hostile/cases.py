"""Hostile corpora, generated: what an attacker or a careless export can put in front of ``captionsearch index``.

Each ``Case`` is one hostile file (or link) beside good input, with the lines
the run must print about it (``expect``: substrings of one stderr line each)
and the ids of the photos around it that must be indexed all the same
(``good``). Cases are grouped in classes; a class is one corpus folder and
one run. Every manifest puts good photos before and after the bad entry, so
"a bad entry costs that entry" shows as good ids on both sides.
"""

from __future__ import annotations

import io
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PIL import Image

Writer = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    write: Writer  # makes the case's files under the class folder
    expect: tuple[str, ...] = ()  # each a substring of one "captionsearch: error/warning:" line
    good: tuple[str, ...] = ()  # ids that must be in the index afterwards
    env: dict[str, str] = field(default_factory=dict)


def entry(record_id: str, **fields: object) -> dict:
    return {"id": record_id, "image": f"https://photos.example.org/{record_id}.jpg",
            "caption": f"Photo {record_id} of the rover on the grey plain.", **fields}


def json_lines(*items: str) -> str:
    """A JSON list with one item per line, so each entry has its own line number."""
    return "[\n" + ",\n".join(items) + "\n]\n"


def write_text(name: str, text: str) -> Writer:
    def write(folder: Path) -> None:
        (folder / name).write_text(text, encoding="utf-8")
    return write


def write_bytes(name: str, data: bytes) -> Writer:
    def write(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return write


def around(prefix: str, bad: str) -> str:
    """A JSON list: a good entry, the bad one (on line 3), a good entry."""
    return json_lines(json.dumps(entry(f"{prefix}-before")), bad, json.dumps(entry(f"{prefix}-after")))


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# -- JSON --------------------------------------------------------------------------------

JSON_CASES = (
    Case("deep nesting", write_text("deep.json", around("deep", '{"id": "deep-bad", "image": "x.jpg", "extra": '
                                                         + deep(100_000) + "}")),
         ("deep.json:3: photo entry nests lists or objects thousands of levels deep, over max-json-depth (64)",),
         ("deep-before", "deep-after")),
    Case("long number in a used key", write_text("number.json", around("number", '{"id": "number-bad", "image": '
                                                                       '"x.jpg", "width": ' + "7" * 5000 + "}")),
         ("number.json:3: 'width' is a number of 5,000 digits, over max-number-digits (100)",),
         ("number-before", "number-bad", "number-after")),  # a size that cannot be read costs only itself
    Case("long number in an ignored key", write_text("ignored.json", around("ignored", json.dumps(entry("ignored-ok"))[:-1]
                                                                            + ', "views": ' + "9" * 5000 + "}")),
         (), ("ignored-before", "ignored-ok", "ignored-after")),
    Case("entry over max-record-bytes", write_text("big.json", around("big", json.dumps(entry("big-bad", caption="x" * 1_500_000)))),
         ("big.json:3: photo entry is 1,500,", "over max-record-bytes (1,048,576)"),
         ("big-before", "big-after")),
    Case("syntax error costs the file", write_text("syntax.json", '[\n{"id": "syntax-lost", "image": "a.jpg"},\n{"image": }\n]'),
         ("syntax.json:3: invalid JSON",), ()),
    Case("never closed", write_text("unclosed.json", "[" * 200_000),
         ("unclosed.json: invalid JSON: a list or object is never closed",), ()),
    Case("deep gallery", write_text("gallery.json", '{"gallery": {"title": "G", "x": ' + deep(50_000) + '},\n"photos": [\n'
                                    + json.dumps(entry("gallery-photo")) + "\n]}"),
         ("gallery.json: 'gallery' has no usable title",), ("gallery-photo",)),
    Case("not a list of photos", write_text("scalar.json", "12345"), ("scalar.json:1: no list of photos",), ()),
    Case("empty file", write_text("empty.json", ""), ("empty.json:1: invalid JSON",), ()),
)


# -- JSONL --------------------------------------------------------------------------------

def jsonl(*lines: bytes) -> bytes:
    return b"\n".join(lines) + b"\n"


def line(record_id: str, **fields: object) -> bytes:
    return json.dumps(entry(record_id, **fields), ensure_ascii=False).encode("utf-8")


JSONL_CASES = (
    Case("line separators inside strings", write_bytes("separators.jsonl", jsonl(
        line("sep-2028", caption="Rover\u2028on the plain"), line("sep-2029", caption="Rover\u2029tracks"),
        line("sep-0085", caption="Rover\x85crater"), line("sep-after"))),
         (), ("sep-2028", "sep-2029", "sep-0085", "sep-after")),
    Case("latin-1 line", write_bytes("latin1.jsonl", jsonl(
        line("latin-before"), json.dumps(entry("latin-bad", caption="Caf\u00e9"), ensure_ascii=False).encode("latin-1"),
        line("latin-after"))),
         ("latin1.jsonl:2: not UTF-8 text",), ("latin-before", "latin-after")),
    Case("line over max-record-bytes", write_bytes("long.jsonl", jsonl(
        line("long-before"), line("long-bad", caption="y" * 2_000_000), line("long-after"))),
         ("long.jsonl:2: line is 2,000,", "over max-record-bytes"), ("long-before", "long-after")),
    Case("deep line", write_bytes("deep.jsonl", jsonl(
        line("deepl-before"), b'{"id": "deepl-bad", "image": "x.jpg", "x": ' + deep(100_000).encode() + b"}",
        line("deepl-after"))),
         ("deep.jsonl:2: photo entry nests lists or objects thousands of levels deep",), ("deepl-before", "deepl-after")),
    Case("long number line", write_bytes("number.jsonl", jsonl(
        line("numl-before"), b'{"id": "numl-bad", "image": "x.jpg", "height": -' + b"1" * 4500 + b"}", line("numl-after"))),
         ("number.jsonl:2: 'height' is a number of 4,501 digits",), ("numl-before", "numl-bad", "numl-after")),
    Case("NUL and garbage line", write_bytes("garbage.jsonl", jsonl(
        line("garb-before"), b'{"id": "garb\x00bad"}', bytes(random.Random(3).randrange(256) for _ in range(300)).replace(b"\n", b" "),
        line("garb-after"))),
         ("garbage.jsonl:2: invalid JSON", "garbage.jsonl:3: "), ("garb-before", "garb-after")),
    Case("CRLF line ends", write_bytes("crlf.jsonl", line("crlf-one") + b"\r\n" + line("crlf-two") + b"\r\n"),
         (), ("crlf-one", "crlf-two")),
)


# -- CSV ---------------------------------------------------------------------------------

def csv_text(*rows: str) -> str:
    return "id,image,caption,width\n" + "\n".join(rows) + "\n"


def row(record_id: str, caption: str = "", width: str = "") -> str:
    return f"{record_id},https://photos.example.org/{record_id}.jpg,\"{caption or 'A rover on the grey plain.'}\",{width}"


CSV_CASES = (
    Case("cell over max-csv-cell", write_text("cell.csv", csv_text(row("cell-before"), row("cell-bad", "z" * 200_000),
                                                                   row("cell-after"))),
         ("cell.csv:3: cell 'caption' is 200,000 characters, over max-csv-cell (131,072); this row was skipped",),
         ("cell-before", "cell-after")),
    Case("cell over the csv module's limit, with line breaks", write_text("huge.csv", csv_text(
        row("huge-before"), row("huge-bad", ("w" * 100_000 + "\n") * 12), row("huge-after"))),
         ("huge.csv:3: unreadable CSV row: a cell is longer than",), ("huge-before", "huge-after")),
    Case("NUL byte (the csv module reads it since Python 3.11)", write_text("nul.csv", csv_text(
        row("nul-before"), row("nul-inside", "bad\x00cell"), row("nul-after"))),
         (), ("nul-before", "nul-inside", "nul-after")),
    Case("numbers int() refuses", write_text("numbers.csv", csv_text(
        row("num-before"), row("num-super", width="\u00b2"), row("num-long", width="9" * 5000), row("num-after", width="640"))),
         ("numbers.csv:3: 'width' is not a whole number of pixels", "numbers.csv:4: 'width' is not a whole number"),
         ("num-before", "num-super", "num-long", "num-after")),
    Case("quote never closed", write_text("unclosed.csv", csv_text(row("quote-before"), 'quote-bad,x.jpg,"never closed')),
         ("unclosed.csv:3:",), ("quote-before",)),
)


# -- ids -----------------------------------------------------------------------------------

ID_CASES = (
    Case("ids a page cannot have", write_text("ids.jsonl", "\n".join(json.dumps(e) for e in (
        entry("ids-before"), entry("a/b"), entry(".."), entry("bell\u0007"), entry("i" * 300), entry("ids-after")))),
         ("ids.jsonl:2: id 'a/b' contains '/'", "ids.jsonl:3: id '..' is not a usable name",
          "ids.jsonl:4: id 'bell\\x07' contains control characters", "ids.jsonl:5: id is 300 characters long"),
         ("ids-before", "ids-after")),
)


# -- text for spaCy ------------------------------------------------------------------------

LONG_CAPTION = "Rover " + "crater plain " * 40_000
LONG_ALT = "A rover " * 200_000

TEXT_CASES = (
    Case("fields cut at max-text-chars", write_text("text.jsonl", "\n".join(json.dumps(e) for e in (
        entry("text-before"), entry("text-long", caption=LONG_CAPTION, alt=LONG_ALT), entry("text-after")))),
         (f"text.jsonl:2: caption is {len(LONG_CAPTION.strip()):,} characters; only the first 50,000 are indexed "
          "(max-text-chars)", f"text.jsonl:2: alt is {len(LONG_ALT.strip()):,} characters; only the first 50,000"),
         ("text-before", "text-long", "text-after"),
         env={"CAPTIONSEARCH_MAX_RECORD_BYTES": str(4_000_000)}),
)


# -- files and links -------------------------------------------------------------------------

def link_loop(folder: Path) -> None:
    os.symlink("b.json", folder / "a.json")
    os.symlink("a.json", folder / "b.json")
    (folder / "good.json").write_text(json.dumps([entry("loop-good")]), encoding="utf-8")


def dangling(folder: Path) -> None:
    os.symlink("nowhere.json", folder / "dangling.json")


FILE_CASES = (
    Case("symbolic link loop between manifests", link_loop,
         ("a.json: symbolic link loop", "b.json: symbolic link loop"), ("loop-good",)),
    Case("dangling link", dangling, ("dangling.json: cannot read file",), ()),
)


# -- images ----------------------------------------------------------------------------------

def jpeg(size: tuple[int, int], seed: int = 1) -> bytes:
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)  # 400 MP in about 50 KB
    return out.getvalue()


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


def image_case(outside: Path) -> Case:
    """A manifest naming good and hostile images; the hostile files sit in the corpus, or outside it."""
    secrets = [outside / f"secret-{n}.jpg" for n in range(4)]

    def write(folder: Path) -> None:
        images = folder / "images"
        images.mkdir()
        good = jpeg((320, 240))
        (images / "good.jpg").write_bytes(good)
        (images / "bomb.png").write_bytes(bomb_png())
        (images / "not-an-image.jpg").write_bytes(b"<html>this is not an image</html>")
        (images / "truncated.jpg").write_bytes(jpeg((640, 480), 2)[:30_000])
        (images / "empty.jpg").write_bytes(b"")
        (images / "postscript.jpg").write_bytes(EPS)
        (images / "folder.jpg").mkdir()
        big = io.BytesIO()
        Image.frombytes("RGB", (800, 800), random.Random(4).randbytes(800 * 800 * 3)).save(big, "PNG")
        (images / "large-file.png").write_bytes(big.getvalue())  # about 1.9 MB, over image-max-mb = 1
        outside.mkdir(parents=True, exist_ok=True)
        for number, secret in enumerate(secrets):
            secret.write_bytes(jpeg((64, 48), 10 + number))
        os.symlink(secrets[0], images / "link-out.jpg")
        os.symlink(secrets[3], images / "stray-link.jpg")  # named by no manifest: an image file of the corpus
        os.symlink("loop-b.jpg", images / "loop-a.jpg")
        os.symlink("loop-a.jpg", images / "loop-b.jpg")
        photos = [
            ("img-good", "images/good.jpg"), ("img-bomb", "images/bomb.png"),
            ("img-not-image", "images/not-an-image.jpg"), ("img-truncated", "images/truncated.jpg"),
            ("img-empty", "images/empty.jpg"), ("img-postscript", "images/postscript.jpg"),
            ("img-folder", "images/folder.jpg"), ("img-large-file", "images/large-file.png"),
            ("img-link-out", "images/link-out.jpg"), ("img-absolute", str(secrets[1])),
            ("img-dot-dot", "../" * 12 + str(secrets[2]).lstrip("/")),
            ("img-loop", "images/loop-a.jpg"), ("img-missing", "images/not-there.jpg"),
        ]
        manifest = [{"id": i, "image": path, "caption": f"Photo {i} of the rover."} for i, path in photos]
        (folder / "manifest.json").write_text(json_lines(*(json.dumps(e) for e in manifest)), encoding="utf-8")

    outside_folders = "is outside the corpus folders"
    return Case(
        "images",
        write,
        (
            "manifest.json:3: image images/bomb.png has 400,000,000 pixels, over image-max-pixels (89,478,485)",
            "manifest.json:4: image images/not-an-image.jpg is not an image of a known type",
            "manifest.json:5: image images/truncated.jpg cannot be decoded",
            "manifest.json:6: image images/empty.jpg is empty",
            "manifest.json:7: image images/postscript.jpg is not an image of a known type",
            "manifest.json:8: image images/folder.jpg is not a regular file",
            "manifest.json:9: image images/large-file.png is 1.",
            f"manifest.json:10: image {secrets[0]} {outside_folders}",
            f"manifest.json:11: image {secrets[1]} {outside_folders}",
            f"manifest.json:12: image {secrets[2]} {outside_folders}",
            "manifest.json:13: image images/loop-a.jpg cannot be opened",
            f"images/stray-link.jpg: leads to {secrets[3]}, outside the corpus folders",
            "images/loop-a.jpg: symbolic link loop",
        ),
        ("img-good", "img-bomb", "img-not-image", "img-truncated", "img-empty", "img-postscript", "img-folder",
         "img-large-file", "img-link-out", "img-absolute", "img-dot-dot", "img-loop", "img-missing"),
        env={"CAPTIONSEARCH_IMAGE_MAX_MB": "1"},
    )


# -- XML exports --------------------------------------------------------------------------

WXR_OPEN = '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Desk</title>\n'
WXR_CLOSE = "</channel></rss>\n"


def attachment(post_id: int, caption: str = "A rover on the grey plain.", inside: str = "") -> str:
    """One WXR attachment item on a line of its own (its id is "wp-<post_id>")."""
    return (f"<item><title>Photo {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_type>attachment</wp:post_type><excerpt>{caption}</excerpt>{inside}"
            f"<wp:attachment_url>https://photos.example.org/{post_id}.jpg</wp:attachment_url></item>\n")


def wxr(*items: str) -> str:
    return WXR_OPEN + "".join(items) + WXR_CLOSE


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)) + "]>\n"
          + wxr(attachment(1, "&j;")))

XML_CASES = (
    Case("billion laughs", write_text("laughs.xml", LAUGHS),
         ("laughs.xml: the file declares a DOCTYPE, which is refused",), ()),
    Case("external entity", write_text("xxe.xml", '<!DOCTYPE rss [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                                       + wxr(attachment(2, "&e;"))),
         ("xxe.xml: the file declares a DOCTYPE, which is refused",), ()),
    Case("deep nesting costs the rest of the file", write_text("deep.xml", wxr(
        attachment(11), attachment(12, inside="<x>" * 100_000 + "</x>" * 100_000), attachment(13))),
         ("deep.xml:3: elements nest more than max-json-depth (64) deep",), ("wp-11",)),
    Case("record over max-record-bytes", write_text("big.xml", wxr(
        attachment(21), attachment(22, caption="x" * 1_500_000), attachment(23))),
         ("big.xml:3: record is 1,500,", "over max-record-bytes (1,048,576)"), ("wp-21", "wp-23")),
    Case("a huge channel title is cut, not held", write_text("title.xml", wxr(attachment(31)).replace(
        "<title>Desk</title>", "<title>" + "Desk " * 2_000_000 + "</title>")), (), ("wp-31",)),
    Case("never closed", write_text("unclosed.xml", WXR_OPEN + "<item>" * 200_000),
         ("unclosed.xml:2: elements nest more than max-json-depth (64) deep",), ()),
    Case("another kind of XML, passed over in a folder", write_text(
        "sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "<url><loc>https://example.org/</loc></url>" * 10_000 + "</urlset>"), (), ()),
    Case("a huge comment before any element", write_text("comment.xml", "<!--" + "x" * 5_000_000 + "-->" + wxr(
        attachment(41))), ("comment.xml: no XML element in the file's first 1,048,576 bytes",), ()),
)
