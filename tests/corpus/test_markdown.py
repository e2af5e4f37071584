"""Markdown reader: inline and reference images, raw HTML and shortcodes, captions, code, lines and columns."""

from __future__ import annotations

from pathlib import Path

from captionsearch.corpus.markdown import read_markdown

DOC = """---
title: front matter is skipped
---
# Far Side Gallery

![Grey plain under a black sky](images/plain.jpg "The Lunar Surface")
*The probe returned this image after landing.*

Text with an inline ![icon](icons/i.png) in it.

![](images/rover.jpg)

The rover drives off the ramp,
onto the surface.

```
![not an image](code.jpg)
```

Use `![nor this](span.jpg)` in prose.

  ![Crater \\[rim\\]][crater]

## Next section

![Shortcut]

[crater]: <images/crater rim.jpg> 'Crater Rim'
[shortcut]: https://example.org/s.jpg
"""


def read(tmp_path: Path, text: str, errors: list) -> list:
    path = tmp_path / "gallery.md"
    path.write_text(text, encoding="utf-8")
    return list(read_markdown(path, errors.append))


def test_images_fields_lines_and_columns(tmp_path, errors):
    plain, icon, rover, crater, shortcut = read(tmp_path, DOC, errors)
    assert errors == []
    assert plain.image == (tmp_path / "images" / "plain.jpg").resolve().as_posix()
    assert (plain.alt, plain.title) == ("Grey plain under a black sky", "The Lunar Surface")
    assert plain.caption == "The probe returned this image after landing."
    assert (plain.origin.line, plain.origin.column, plain.origin.kind) == (6, 1, "markdown")
    assert plain.gallery == "Far Side Gallery" and plain.page == str(tmp_path / "gallery.md")
    assert (icon.origin.line, icon.origin.column, icon.caption) == (9, 21, "")
    assert rover.alt is None
    assert rover.caption == "The rover drives off the ramp, onto the surface."
    assert crater.image.endswith("/images/crater rim.jpg")
    assert (crater.alt, crater.title, crater.origin.line, crater.origin.column) == ("Crater [rim]", "Crater Rim", 22, 3)
    assert crater.caption == ""  # the next paragraph is a heading
    assert shortcut.image == "https://example.org/s.jpg" and shortcut.origin.line == 26


def test_code_fences_and_spans_hide_images(tmp_path, errors):
    records = read(tmp_path, DOC, errors)
    assert not any(Path(r.image).name in ("code.jpg", "span.jpg") for r in records)


def test_undefined_reference_is_reported(tmp_path, errors):
    records = read(tmp_path, "Intro.\n\n![Lander][nowhere]\n\n![ok](ok.jpg)\n", errors)
    assert [Path(r.image).name for r in records] == ["ok.jpg"]
    (error,) = errors
    assert error.line == 3 and "[nowhere] is not defined" in str(error)


def test_caption_rules(tmp_path, errors):
    text = (
        "![a](a.jpg)\n_Emphasised caption_\n\n"
        "![b](b.jpg)\n\n- a list is not a caption\n\n"
        "![c](c.jpg) ![d](d.jpg)\n\nShared paragraph.\n\n"
        "![e](e.jpg)\n\nSee [the mission page](https://example.org) for **more**.\n"
    )
    a, b, c, d, e = read(tmp_path, text, errors)
    assert a.caption == "Emphasised caption"
    assert b.caption == "" and c.caption == "" and d.caption == ""
    assert e.caption == "See the mission page for more."  # the text a reader sees, emphasis and link resolved


def test_root_relative_sources_are_relative_to_the_page(tmp_path, errors):
    (record,) = read(tmp_path, "![Crater](/images/c%20d.jpg?v=2)\n", errors)
    assert record.image == (tmp_path / "images" / "c d.jpg").resolve().as_posix()


def test_not_utf8(tmp_path, errors):
    path = tmp_path / "old.md"
    path.write_bytes("![Café](c.jpg)\n".encode("cp1252"))
    assert list(read_markdown(path, errors.append)) == []
    assert "not UTF-8" in str(errors[0])


def test_raw_html_shortcodes_and_hostile_brackets(tmp_path, errors):
    text = ('# Tour\n\n<figure><img src="tram.jpg" alt="A tram in the snow"><figcaption>Line 4 at dawn.</figcaption>'
            '</figure>\n\n{{< figure src="harbour.jpg" alt="The harbour at dusk" caption="From the pier." >}}\n\n'
            + "![" + "[" * 50_000 + "\n")
    tram, harbour = read(tmp_path, text, errors)
    assert (tram.alt, tram.caption, tram.origin.line, tram.origin.column) == ("A tram in the snow", "Line 4 at dawn.", 3, 9)
    assert (harbour.alt, harbour.caption, harbour.origin.line, harbour.origin.column) == (
        "The harbour at dusk", "From the pier.", 5, 1)
    assert errors == []
