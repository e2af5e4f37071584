"""The image file's own IPTC Alt Text (Accessibility) is suggested when the page's alt falls short."""

from __future__ import annotations

from PIL import Image

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">
<Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-default">Yutu 2 rover on grey lunar soil</rdf:li></rdf:Alt>
</Iptc4xmpCore:AltTextAccessibility></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def test_missing_and_placeholder_alts_suggest_the_files_alt_text(tmp_path):
    (tmp_path / "images").mkdir()
    with Image.new("RGB", (8, 8)) as image:
        image.save(tmp_path / "images" / "rover.jpg", xmp=XMP.encode("utf-8"))
    (tmp_path / "page.html").write_text(
        '<img src="images/rover.jpg">\n<img src="images/rover.jpg" alt="photo">\n'
        '<img src="images/rover.jpg" alt="Yutu 2 rover on grey lunar soil">\n',
        encoding="utf-8",
    )
    result = audit_paths([tmp_path], AuditConfig(select=("alt-missing", "alt-placeholder")))
    assert [(f.rule, f.line, f.suggestion) for f in result.findings] == [
        ("alt-missing", 1, "Yutu 2 rover on grey lunar soil"),
        ("alt-placeholder", 2, "Yutu 2 rover on grey lunar soil"),
    ]
    assert all("IPTC Alt Text (Accessibility)" in f.message for f in result.findings)


def test_audit_records_reports_per_photo_for_the_web_front_end(corpus_dir):
    from captionsearch.audit import audit_records
    from captionsearch.corpus import read_corpus

    records = read_corpus([corpus_dir]).records
    findings = audit_records(records, AuditConfig(pipeline="en_core_web_sm"))
    by_image = {f.image.rsplit("/", 1)[-1] for f in findings if f.rule == "alt-vague"}
    assert "10-closing-in.jpg" in by_image and "05-yutu-2-on-moons-far-side.jpg" not in by_image
    assert all(set(f.to_dict()) >= {"rule", "severity", "path", "message", "help_url"} for f in findings)
