"""Edits that set an image's alt: found in HTML, JSX and Markdown, applied, diffed and written.

Every edit is checked by parsing the result with an independent parser:
html.parser for tags, markdown-it-py (CommonMark) for Markdown.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from captionsearch.audit.fixes import Edit, EditMismatch, alt_edit, apply_edits, fix_files, unified_diff
from captionsearch.audit.sources import scan_text

NEW = 'Yutu 2 rover on the "far side" & more'


class _StartTags(HTMLParser):
    """Start tags with their 1-based line and code-point column, as html.parser reports them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[tuple[int, int], tuple[str, list[tuple[str, str | None]]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        self.tags[(line, offset + 1)] = (tag, attrs)

    handle_startendtag = handle_starttag


def start_tags(source: str) -> dict[tuple[int, int], tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of ``source`` by (line, column), with its name and attributes."""
    parser = _StartTags()
    parser.feed(source)
    parser.close()
    return parser.tags


def html_alt(source: str, line: int, column: int) -> str | None:
    """The alt html.parser gives the tag at line:column (the first one, as browsers do)."""
    _, attrs = start_tags(source)[(line, column)]
    return next((value for name, value in attrs if name == "alt"), None)


def markdown_alts(source: str) -> list[str | None]:
    """Alts of the images CommonMark finds, in order."""
    html = MarkdownIt("commonmark").render(source)
    return [next((v for n, v in attrs if n == "alt"), None) for tag, attrs in start_tags(html).values() if tag == "img"]


def edited(source: str, line: int = 1, column: int = 1, new_alt: str = NEW) -> str:
    """``source`` with the edit alt_edit() makes for the markup at line:column."""
    edit = alt_edit("page.html", source, line, column, new_alt)
    assert edit is not None, source
    return apply_edits(source, [edit])


# -- HTML and JSX -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "new_alt", "expected"),
    [
        ('<img src="a.jpg" alt="photo">', "Rover", '<img src="a.jpg" alt="Rover">'),
        ("<img src='a.jpg' alt='photo'>", "Rover", "<img src='a.jpg' alt='Rover'>"),
        ("<img src=a.jpg alt=photo>", "Yutu_2", "<img src=a.jpg alt=Yutu_2>"),
        ("<img src=a.jpg alt=photo>", "Yutu 2", '<img src=a.jpg alt="Yutu 2">'),
        ('<img alt="" src="a.jpg">', "Rover", '<img alt="Rover" src="a.jpg">'),
        ("<img alt='' src='a.jpg'>", "Rover", "<img alt='Rover' src='a.jpg'>"),
        ('<img alt src="a.jpg">', "Rover", '<img alt="Rover" src="a.jpg">'),
        ('<img src="a.jpg" alt=>', "Rover", '<img src="a.jpg" alt="Rover">'),
        ('<img src="a.jpg" ALT="photo">', "Rover", '<img src="a.jpg" ALT="Rover">'),
        ('<IMG SRC="a.jpg" Alt = "photo">', "Rover", '<IMG SRC="a.jpg" Alt = "Rover">'),
    ],
)
def test_replaces_just_the_alt_value_in_its_own_quote_style(source, new_alt, expected):
    assert edited(source, new_alt=new_alt) == expected
    assert html_alt(expected, 1, 1) == new_alt


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<img src="a.jpg">', '<img alt="Rover" src="a.jpg">'),
        ("<img>", '<img alt="Rover">'),
        ("<img/>", '<img alt="Rover"/>'),
        ('<area shape="rect" href="/r">', '<area alt="Rover" shape="rect" href="/r">'),
        ('<input type="image" src="go.png">', '<input alt="Rover" type="image" src="go.png">'),
        ('<INPUT TYPE=IMAGE SRC="go.png">', '<INPUT alt="Rover" TYPE=IMAGE SRC="go.png">'),
        ('<Image src={rover} width={800} />', '<Image alt="Rover" src={rover} width={800} />'),
        ('<Illustration\n  src="r.svg"\n/>', '<Illustration alt="Rover"\n  src="r.svg"\n/>'),
    ],
)
def test_inserts_an_alt_right_after_the_tag_name_when_there_is_none(source, expected):
    assert edited(source, new_alt="Rover") == expected


def test_an_alt_inside_another_attributes_value_is_not_the_alt():
    source = '<img data-x="alt=1" title=\'alt="x"\' data-alt="photo" src=a.jpg alt="photo">'
    result = edited(source, new_alt="Rover")
    assert result == '<img data-x="alt=1" title=\'alt="x"\' data-alt="photo" src=a.jpg alt="Rover">'
    no_alt = '<img data-x="alt=1" title=\'alt="x"\'>'
    assert edited(no_alt, new_alt="Rover") == '<img alt="Rover" data-x="alt=1" title=\'alt="x"\'>'


def test_a_start_tag_over_several_lines_with_tabs_and_greater_than_signs_in_values():
    source = '<figure>\n  <img\n\tsrc="a.jpg"\n\ttitle="1 > 0"\n\talt="photo"\n\twidth=800>\n</figure>\n'
    edit = alt_edit("g.html", source, 2, 3, NEW)
    assert edit is not None and (edit.start_line, edit.start_column, edit.end_line, edit.end_column) == (5, 7, 5, 12)
    assert edit.old_text == "photo"
    assert html_alt(apply_edits(source, [edit]), 2, 3) == NEW


def test_columns_count_code_points_after_tabs_and_non_ascii():
    # "é" and "🚀" are one code point each (two and four bytes in UTF-8, "🚀" two UTF-16 units).
    source = '<p>\tCafé 🚀 — <img src="a.jpg" alt="photo"> et <img src="b.jpg"></p>\n'
    columns = sorted(column for (line, column), (tag, _) in start_tags(source).items() if tag == "img")
    assert columns == [source.index("<img") + 1, source.index('<img src="b') + 1] == [14, 47]
    result = source
    for column in reversed(columns):  # the second first, so the first column still holds
        result = edited(result, 1, column, "Rover")
    assert [html_alt(result, 1, c) for c in columns] == ["Rover", "Rover"]


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize(
    "new_alt",
    ['Say "cheese" & smile', "It's 5 > 4 < 6", "&amp; stays &amp;", "Tom &amp Jerry", "Kármán crater 🚀", ""],
)
def test_the_new_alt_round_trips_through_html_parser(quote, new_alt):
    source = f"<img src={quote}a.jpg{quote} alt={quote}photo{quote}>"
    assert html_alt(edited(source, new_alt=new_alt), 1, 1) == new_alt


def test_whitespace_in_the_new_alt_becomes_single_spaces():
    assert html_alt(edited("<img>", new_alt="  Two\n\tlines  "), 1, 1) == "Two lines"


@pytest.mark.parametrize(
    "source",
    [
        '<Image src="r.png" alt="photo" />',
        "<Image src={rover} alt='photo' />",
        '<Image {...props} src={a > b ? "}" : c} alt="photo" />',
        '<Image\n  src={require("./r.png")}\n  {/* the draft alt */}\n  alt="photo"\n/>',
        '<img src={logo} style={{ width: "50%" }} alt="photo" />',
    ],
)
def test_jsx_components_and_expressions_around_the_alt(source):
    result = edited(source, new_alt='Rover "2"')
    assert 'alt="Rover &quot;2&quot;"' in result or "alt='Rover \"2\"'" in result
    assert result.replace('Rover &quot;2&quot;', "photo").replace('Rover "2"', "photo") == source


@pytest.mark.parametrize(
    "source",
    [
        '<img src="a.jpg" alt="{{ photo.alt }}">',
        '<img src="a.jpg" alt="{% trans %}Rover{% endtrans %}">',
        '<img src="a.jpg" alt="<?= $alt ?>">',
        '<img src="a.jpg" alt="${alt}">',
        '<Image src="a.jpg" alt={caption} />',
        '<img {% if lazy %}loading="lazy"{% endif %} alt="photo">',
        '<img src="a.jpg" {{ attrs }}>',
        '<img src="a.jpg" <?php echo $alt ?>>',
        '<img alt="a" alt="b">',
        '<img src="a.jpg" :alt="caption">',
        '<img src="a.jpg" v-bind:alt="caption" alt="">',
        '<img src="a.jpg" [alt]="caption">',
        "<Image src={a} {...props} />",
        '<Image alt="photo" {...props} />',
        '<Image ALT="photo" />',
        '<img alt= src="a.jpg">',
        '<img src="a.jpg" alt="photo"',
        '<img src="a.jpg alt="photo">',
        '<input type="text" name="q">',
        '<input type={kind} src="go.png">',
        "<picture><source srcset=a.webp></picture>",
        '<svg role="img"><title>Chart</title></svg>',
        "plain text",
    ],
)
def test_returns_none_when_the_markup_cannot_be_edited_safely(source):
    assert alt_edit("page.html", source, 1, 1, "Rover") is None


@pytest.mark.parametrize(("line", "column"), [(1, 2), (1, 5), (2, 1), (3, 1), (0, 1), (1, 0), (1, 40)])
def test_returns_none_when_the_position_does_not_start_an_image(line, column):
    assert alt_edit("page.html", '<p><img src="a.jpg"></p>\n', line, column, "Rover") is None


def test_crlf_lines_and_a_bom_are_kept_byte_for_byte():
    source = '\ufeff<html>\r\n<body>\r\n  <img\r\n    src="a.jpg"\r\n    alt="photo">\r\n</body>\r\n'
    result = edited(source, 3, 3, "Rover")
    assert result == source.replace("photo", "Rover")
    assert html_alt(result, 3, 3) == "Rover"


def test_every_image_of_the_bundled_gallery_at_the_positions_the_reader_reports(corpus_dir):
    source = (corpus_dir / "chang-e-4-gallery.html").read_text(encoding="utf-8")
    images = [e for e in scan_text(source, "gallery.html").subjects if e.tag == "img"]
    edits = [alt_edit("gallery.html", source, e.line, e.column, f"Photo {i} & co") for i, e in enumerate(images)]
    assert len(images) == 11 and all(edits)
    result = apply_edits(source, edits)
    assert [html_alt(result, e.line, e.column) for e in images] == [f"Photo {i} & co" for i in range(11)]


# -- Markdown ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("![photo](a.jpg)", "![Rover](a.jpg)"),
        ('![photo](a.jpg "The rover")', '![Rover](a.jpg "The rover")'),
        ("![photo](<my a.jpg>)", "![Rover](<my a.jpg>)"),
        ("![](a.jpg)", "![Rover](a.jpg)"),
        ("![a [nested] \\] photo](a.jpg)", "![Rover](a.jpg)"),
        ("![a `]` code span](a.jpg)", "![Rover](a.jpg)"),
        ("![photo][r]\n\n[r]: a.jpg\n", "![Rover][r]\n\n[r]: a.jpg\n"),
        ("![][r]\n\n[r]: a.jpg\n", "![Rover][r]\n\n[r]: a.jpg\n"),
        ("![Photo][]\n\n[photo]: a.jpg\n", "![Rover][Photo]\n\n[photo]: a.jpg\n"),
        ("![Photo]\n\n[photo]: a.jpg\n", "![Rover][Photo]\n\n[photo]: a.jpg\n"),
        ("Text ![photo\nover lines](a.jpg) text", "Text ![Rover](a.jpg) text"),
    ],
)
def test_markdown_image_forms(source, expected):
    result = edited(source, 1, source.index("![") + 1, new_alt="Rover")
    assert result == expected
    assert markdown_alts(result) == ["Rover"]


@pytest.mark.parametrize(
    "new_alt",
    [
        "A [bracketed] word",
        "Back\\slash and \\[escaped\\]",
        "*Not emphasis* and _not_ either",
        "`not code` <not-html> &amp; | pipe",
        "Ends with a backslash \\",
        "Kármán crater 🚀",
    ],
)
def test_the_new_alt_round_trips_through_commonmark(new_alt):
    for source in ("![photo](a.jpg)", "![photo [x]][r]\n\n[r]: a.jpg\n", "![Photo]\n\n[photo]: a.jpg\n"):
        assert markdown_alts(edited(source, new_alt=new_alt)) == [new_alt]


@pytest.mark.parametrize(
    "source",
    [
        "\\![photo](a.jpg)",
        "![photo]",
        "![photo][]",
        "![photo][nowhere]\n\n[photo]: a.jpg\n",
        "![photo\n\nstill open](a.jpg)",
        "![never closed(a.jpg)",
    ],
)
def test_markdown_that_is_not_an_image_is_left_alone(source):
    assert alt_edit("page.md", source, 1, 1, "Rover") is None
    assert markdown_alts(source) == []


def test_markdown_images_at_the_positions_the_reader_reports(tmp_path):
    page = tmp_path / "photos.md"
    page.write_bytes(
        "# Gallery\r\n\r\nSee\t![rover \\[1\\]](r.jpg) — and ![](l.jpg)\r\n\r\n"
        "Ünïcödé ![lander][l]\r\n\r\n[l]: l.jpg\r\n".encode("utf-8")
    )
    source = page.read_bytes().decode("utf-8")  # "\r\n" kept
    images = scan_text(source, str(page)).subjects
    edits = [alt_edit(str(page), source, i.line, i.column, f"Image {n}") for n, i in enumerate(images)]
    assert len(images) == 3 and all(edits)
    result = apply_edits(source, edits)
    assert markdown_alts(result) == ["Image 0", "Image 1", "Image 2"]
    assert result.count("\r\n") == source.count("\r\n")


# -- applying edits ----------------------------------------------------------------


def test_edit_to_dict_has_the_sarif_like_fields():
    edit = alt_edit("docs/page.html", '<img alt="photo">', 1, 1, "Rover")
    assert edit is not None
    assert edit.to_dict() == {
        "path": "docs/page.html",
        "start_line": 1,
        "start_column": 11,
        "end_line": 1,
        "end_column": 16,
        "text": "Rover",
        "old_text": "photo",
    }


def test_apply_edits_in_any_order_and_counts_duplicates_once():
    source = '<img src="a.jpg">\n<img alt="x">\n<img alt="y">\n'
    edits = [alt_edit("p", source, n, 1, f"Image {n}") for n in (1, 2, 3)]
    assert all(edits)
    expected = '<img alt="Image 1" src="a.jpg">\n<img alt="Image 2">\n<img alt="Image 3">\n'
    assert apply_edits(source, edits) == expected
    assert apply_edits(source, list(reversed(edits)) + edits[:1]) == expected


def test_apply_edits_refuses_overlaps_and_stale_edits():
    source = "abcdef\n"
    with pytest.raises(ValueError, match="overlap"):
        apply_edits(source, [Edit("p", 1, 1, 1, 4, "X"), Edit("p", 1, 3, 1, 5, "Y")])
    with pytest.raises(ValueError, match="overlap"):
        apply_edits(source, [Edit("p", 1, 2, 1, 2, "X"), Edit("p", 1, 2, 1, 2, "Y")])
    assert apply_edits(source, [Edit("p", 1, 1, 1, 3, "X"), Edit("p", 1, 3, 1, 3, "Y")]) == "XYcdef\n"
    with pytest.raises(EditMismatch, match="no longer holds 'abc'"):
        apply_edits("xyzdef\n", [Edit("p", 1, 1, 1, 4, "X", "abc")])
    with pytest.raises(EditMismatch, match="not in the file"):
        apply_edits(source, [Edit("p", 3, 1, 3, 2, "X")])


def test_unified_diff_has_git_style_headers_and_marks_a_missing_final_newline():
    diff = unified_diff("docs/page.html", '<img alt="photo">', '<img alt="Rover">')
    assert diff == (
        "--- a/docs/page.html\n+++ b/docs/page.html\n@@ -1 +1 @@\n"
        '-<img alt="photo">\n\\ No newline at end of file\n'
        '+<img alt="Rover">\n\\ No newline at end of file\n'
    )
    assert unified_diff("p", "same\n", "same\n") == ""


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch program")
def test_the_diff_applies_with_patch_byte_for_byte(tmp_path):
    before = '\ufeffone\r\ntwo\u2028still two\r\n<img alt="photo">\r\n' + "".join(f"l{n}\r\n" for n in range(9)) + "end"
    after = before.replace("photo", "Rover").replace("end", "END")
    (tmp_path / "page.html").write_bytes(before.encode("utf-8"))
    diff = unified_diff("page.html", before, after)
    assert diff.count("@@ -") == 2
    subprocess.run(["patch", "-p1", "--quiet", "--binary"], input=diff.encode("utf-8"), cwd=tmp_path, check=True)
    assert (tmp_path / "page.html").read_bytes() == after.encode("utf-8")


# -- fixing files -------------------------------------------------------------------


def write_page(path: Path, text: str, mode: int = 0o640) -> Path:
    """Write ``text`` as UTF-8 to ``path`` with the file mode ``mode``."""
    path.write_bytes(text.encode("utf-8"))
    path.chmod(mode)
    return path


def test_fix_files_shows_the_diff_without_writing_then_writes_atomically(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = '\ufeff<p>\r\n<img src="a.jpg">\r\n<img alt="photo" src="b.jpg">\r\n'
    (tmp_path / "site").mkdir()
    page = write_page(tmp_path / "site" / "page.html", source)
    edits = [alt_edit("site/page.html", source, 2, 1, "Rover"), alt_edit("./site/page.html", source, 3, 1, "Lander")]
    assert all(edits)

    diff, problems = fix_files(edits, write=False)
    assert problems == [] and page.read_bytes() == source.encode("utf-8")
    assert diff.startswith("--- a/site/page.html\n+++ b/site/page.html\n")
    assert '+<img alt="Lander" src="b.jpg">\r\n' in diff

    assert fix_files(edits, write=True) == (diff, [])
    expected = '\ufeff<p>\r\n<img alt="Rover" src="a.jpg">\r\n<img alt="Lander" src="b.jpg">\r\n'
    assert page.read_bytes() == expected.encode("utf-8")
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert sorted(p.name for p in page.parent.iterdir()) == ["page.html"]  # no temporary file left


def test_a_file_changed_since_is_skipped_and_named_while_others_are_fixed(tmp_path):
    first = write_page(tmp_path / "a.html", '<img alt="photo">\n<img>\n')
    second = write_page(tmp_path / "b.md", "![photo](b.jpg)\n")
    edits = [
        alt_edit(str(first), first.read_text(encoding="utf-8"), 1, 1, "Rover"),
        alt_edit(str(first), first.read_text(encoding="utf-8"), 2, 1, "Lander"),
        alt_edit(str(second), second.read_text(encoding="utf-8"), 1, 1, "Rover"),
    ]
    assert all(edits)
    first.write_text('<img alt="moved">\n<img>\n', encoding="utf-8")  # edited since the audit

    diff, problems = fix_files(edits, write=True)
    assert problems == [f"{first}: not changed: line 1 column 11 no longer holds 'photo'"]
    assert first.read_text(encoding="utf-8") == '<img alt="moved">\n<img>\n'
    assert second.read_text(encoding="utf-8") == "![Rover](b.jpg)\n"
    assert "b.md" in diff and "a.html" not in diff


def test_fix_files_reports_unreadable_and_conflicting_files(tmp_path):
    latin = tmp_path / "latin.html"
    latin.write_bytes('<img alt="caf\xe9">'.encode("latin-1"))
    twice = write_page(tmp_path / "twice.html", '<img alt="photo">')
    edits = [
        Edit(str(latin), 1, 11, 1, 15, "Rover"),
        Edit(str(tmp_path / "gone.html"), 1, 1, 1, 1, "x"),
        Edit(str(twice), 1, 11, 1, 16, "Rover", "photo"),
        Edit(os.path.join(tmp_path, ".", "twice.html"), 1, 11, 1, 16, "Lander", "photo"),
    ]
    diff, problems = fix_files(edits, write=True)
    assert diff == ""
    assert problems == [
        f"{tmp_path / 'gone.html'}: cannot read: No such file or directory",
        f"{latin}: not changed: not UTF-8 text",
        f"{twice}: not changed: edits overlap at line 1",
    ]
    assert twice.read_text(encoding="utf-8") == '<img alt="photo">'


def test_writing_through_a_symlink_changes_the_file_it_points_to(tmp_path):
    target = write_page(tmp_path / "real.html", "<img>", mode=0o600)
    link = tmp_path / "link.html"
    link.symlink_to(target)
    edit = alt_edit(str(link), "<img>", 1, 1, "Rover")
    assert edit is not None
    assert fix_files([edit], write=True)[1] == []
    assert link.is_symlink() and target.read_text(encoding="utf-8") == '<img alt="Rover">'
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
