"""HTML pages: records for the indexer (corpus.html) and image subjects for the audit (audit.sources)."""

from __future__ import annotations

from pathlib import Path

from captionsearch.audit.sources import scan_text
from captionsearch.corpus.html import read_html

PAGE = """<!doctype html><html><head><title>Lander Gallery</title></head><body>
<h1>Lander Gallery</h1>
<section><h2>Closing In</h2>
<figure id="f1"><img src="images/a%20b.jpg?v=2" alt="Closing In" width="800" height="600"
  srcset="images/a-400.jpg 400w, images/a-800.jpg 800w">
<figcaption>The lander   approaches.</figcaption></figure></section>
<p><a href="/x"><img src="b.png" alt=""></a></p>
<!-- captionsearch-ignore alt-vague -->
<img src="https://example.org/c.jpg" title="Crater" aria-hidden="true">
<div style="display: none"><svg role="img"><title>Chart</title></svg></div>
<picture><source srcset="d.webp"><img alt="Dune"></picture>
<img src="e.jpg" aria-labelledby="lbl" id="e"><span id="lbl">Earthrise</span>
</body></html>
"""


def write(tmp_path: Path, text: str = PAGE, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_records_carry_resolved_images_titles_and_captions(tmp_path):
    path = write(tmp_path)
    records = list(read_html(path, report=lambda e: None))
    first = records[0]
    assert first.image == (tmp_path / "images/a b.jpg").resolve().as_posix()
    assert first.origin.line == 4 and first.origin.column == 17 and first.origin.kind == "html"
    assert first.title == "Closing In"  # the section's h2, not the page's h1
    assert first.caption == "The lander approaches."
    assert first.gallery == "Lander Gallery" and first.page == str(path)
    assert first.srcset == tuple((tmp_path / n).resolve().as_posix() for n in ("images/a-400.jpg", "images/a-800.jpg"))
    assert (first.width, first.height, first.id) == (800, 600, "")
    assert [r.alt for r in records] == ["Closing In", "", None, "Dune", None]
    assert records[2].image == "https://example.org/c.jpg" and records[2].title == "Crater"
    assert records[3].image == (tmp_path / "d.webp").resolve().as_posix()


def test_scan_computes_names_visibility_context_and_suppression(tmp_path):
    images = scan_text(PAGE, "page.html").subjects
    assert [i.tag for i in images] == ["img", "img", "img", "svg", "img", "img"]
    first, linked, hidden, svg, _, labelled = images
    assert first.selector == "#f1 > img" and first.figcaption == "The lander approaches."
    assert (linked.in_control, linked.only_content, linked.decorative) == ("link", True, True)
    assert hidden.hidden and hidden.name == "Crater" and hidden.name_source == "title"
    assert hidden.suppressed == frozenset({"alt-vague"})
    assert svg.hidden and (svg.name, svg.name_source) == ("Chart", "svg-title")
    assert (labelled.name, labelled.name_source, labelled.selector) == ("Earthrise", "aria-labelledby", "#e")


def test_pages_are_decoded_as_a_browser_would_and_a_missing_one_is_reported(tmp_path):
    errors = []
    declared = tmp_path / "declared.html"
    declared.write_bytes('<meta charset="shift_jis"><img src="a.jpg" alt="月面">'.encode("shift_jis"))
    undeclared = tmp_path / "latin1.html"
    undeclared.write_bytes("<img src='b.jpg' alt='caf\xe9'>".encode("latin-1"))
    bom = tmp_path / "bom.html"
    bom.write_bytes(b"\xef\xbb\xbf<img src='c.jpg' alt='na\xc3\xafve'>")
    alts = [r.alt for page in (declared, undeclared, bom) for r in read_html(page, errors.append)]
    assert alts == ["月面", "café", "naïve"]
    assert list(read_html(tmp_path / "missing.html", errors.append)) == []
    assert [str(e).split(":")[0] for e in errors] == [str(tmp_path / "missing.html")]
