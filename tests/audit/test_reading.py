"""What the audit reads, and how it treats trees as real sites have them.

Site-root paths, built sites, declared encodings, files it does not read,
broken and looping symbolic links, image files with and without metadata:
each is read, skipped or reported as the docs say, and none stops the run.
(Inputs made to be slow or huge: tests/hostile/test_audit_hostile.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
{fields}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""
ALT = ('<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt>'
       "</Iptc4xmpCore:AltTextAccessibility>")
TITLE = '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></dc:title>'
STATIC = AuditConfig(ignore=("alt-vague", "caption-vague"))


def image(path: Path, fields: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.new("RGB", (8, 8)) as picture:
        picture.save(path, xmp=XMP.format(fields=fields).encode("utf-8") if fields else None)
    return path


def run_cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "captionsearch.cli", "audit", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_a_site_root_path_and_the_image_file_are_one_photo(tmp_path):
    image(tmp_path / "static" / "img" / "rover.jpg", ALT.format("Yutu 2 rover on grey lunar soil"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "post.md").write_text("# Post\n\n![rover.jpg](/img/rover.jpg)\n", encoding="utf-8")
    result = audit_paths([tmp_path], STATIC)
    (finding,) = result.findings  # the page's image; the file is not a second photo to audit
    assert (finding.rule, finding.suggestion, finding.suggestion_source) == (
        "alt-filename", "Yutu 2 rover on grey lunar soil", "metadata")
    assert finding.fix is not None and finding.fix.text.startswith("Yutu 2 rover")


def test_a_configured_site_root_is_where_site_root_paths_point(tmp_path):
    image(tmp_path / "assets" / "x.jpg", ALT.format("A red tram in the snow"))
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text('<img src="/x.jpg" alt="photo">', encoding="utf-8")
    without = audit_paths([tmp_path], STATIC)  # the default root is the folder audited: no x.jpg there
    configured = audit_paths([tmp_path], AuditConfig(ignore=("alt-vague",), site_root=(str(tmp_path / "assets"),)))
    on_page = [f for f in without.findings if f.path.endswith("a.html")]
    assert [(f.rule, f.suggestion) for f in on_page] == [("alt-placeholder", "")]
    assert [f.suggestion for f in configured.findings if f.path.endswith("a.html")] == ["A red tram in the snow"]


def test_bare_image_files_are_not_findings_but_a_photo_desks_are(tmp_path):
    image(tmp_path / "screenshot.png")
    image(tmp_path / "export.png", TITLE.format("layer-3-final"))  # a design tool's title alone
    image(tmp_path / "desk.jpg", '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Crowds on the square'
                                 '</rdf:li></rdf:Alt></dc:description>')
    result = audit_paths([tmp_path], STATIC)
    assert [(Path(f.path).name, f.rule) for f in result.findings if f.severity != "notice"] == [("desk.jpg", "alt-missing")]
    assert result.coverage.records == 1


def test_a_built_site_is_audited_when_named_and_skipped_inside_its_sources(tmp_path):
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text('<img src="a.png">', encoding="utf-8")
    (tmp_path / "index.md").write_text("# Home\n\n![Home page hero: a lighthouse at dusk](a.png)\n", encoding="utf-8")
    assert audit_paths([tmp_path], STATIC).findings == ()
    built = audit_paths([tmp_path / "_site"], STATIC)
    assert [f.rule for f in built.findings] == ["alt-missing"]


def test_pages_are_read_in_the_encoding_they_declare(tmp_path):
    (tmp_path / "ja.html").write_bytes('<html lang="ja"><meta charset="shift_jis"><img src="a.jpg" alt="月面.jpg">'.encode("shift_jis"))
    (tmp_path / "old.html").write_bytes('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
                                        '<img src="b.jpg" alt="caf\xe9.jpg">'.encode("latin-1"))
    result = audit_paths([tmp_path], STATIC)
    assert not result.errors
    assert sorted(f.message for f in result.findings) == ['alt text "café.jpg" is a file name', 'alt text "月面.jpg" is a file name']
    assert result.coverage.by_language["ja"] == 1


def test_files_the_audit_does_not_read_are_skipped_and_broken_links_are_warnings(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "site"}', encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text("{", encoding="utf-8")  # not even valid JSON
    (tmp_path / "data.csv").write_text("name,count\nx,1\n", encoding="utf-8")
    (tmp_path / "font.woff2").write_bytes(b"\0\1")
    (tmp_path / "fake.jpg").write_bytes(b"not an image")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")  # a loop
    (tmp_path / "page.html").write_text('<img src="x.png" alt="A map of the tram lines">', encoding="utf-8")
    run = run_cli(".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "gone.md: broken symbolic link" in run.stderr and "fake.jpg: cannot read image" in run.stderr
    assert "package.json" not in run.stderr + run.stdout and "Traceback" not in run.stderr


def test_xml_in_a_site_is_read_only_when_it_is_an_export_captionsearch_reads(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "utf-8")
    (tmp_path / "feed.xml").write_text('<rss version="2.0"><channel><title>News</title></channel></rss>', "utf-8")
    (tmp_path / "icons.xml").write_text("<svg><symbol id=", encoding="utf-8")  # not even well-formed
    (tmp_path / "media.xml").write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>Pier</title>'
        "<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://example.org/pier.jpg</wp:attachment_url>"
        "</item></channel></rss>", encoding="utf-8")
    (tmp_path / "page.html").write_text('<img src="x.png" alt="A map of the tram lines">', encoding="utf-8")
    run = run_cli(".", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "media.xml:1:1: error [alt-missing]" in run.stdout
    assert "sitemap.xml" not in run.stderr + run.stdout and "feed.xml" not in run.stderr + run.stdout
    assert "icons.xml" not in run.stderr + run.stdout and "Traceback" not in run.stderr


def test_a_file_the_audit_should_read_and_cannot_exits_2_and_the_rest_is_audited(tmp_path):
    (tmp_path / "photos.json").write_text('[{"image": "a.jpg", "alt": "IMG_0001"}, {"image": ', encoding="utf-8")
    (tmp_path / "page.html").write_text('<img src="b.jpg">', encoding="utf-8")
    run = run_cli(".", cwd=tmp_path)
    assert run.returncode == 2
    assert "photos.json:1: invalid JSON" in run.stderr and "page.html:1:1: error [alt-missing]" in run.stdout


def test_exit_zero_statistics_and_per_file_ignores(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.html").write_text('<img src="a.jpg">', encoding="utf-8")
    (tmp_path / "new.html").write_text('<img src="b.jpg" alt="image">', encoding="utf-8")
    run = run_cli(".", "--statistics", cwd=tmp_path)
    assert run.returncode == 1 and "1  alt-missing" in run.stdout and "1  alt-placeholder" in run.stdout
    assert run_cli(".", "--exit-zero", cwd=tmp_path).returncode == 0
    ignored = run_cli(".", "--per-file-ignores", "legacy/*:alt-missing", "--extend-ignore", "alt-placeholder", cwd=tmp_path)
    assert ignored.returncode == 0 and "(1 suppressed)" in ignored.stdout  # an ignored rule does not run at all
