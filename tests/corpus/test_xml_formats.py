"""XML exports: WordPress WXR and OAI-PMH Dublin Core, written from their specifications; other XML refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from captionsearch.corpus import read_corpus, read_file
from captionsearch.corpus.limits import ReadLimits

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Harbour Photo Desk</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:category><wp:term_id>3</wp:term_id><wp:cat_name><![CDATA[Coast]]></wp:cat_name></wp:category>
  <item>
    <title>A post about boats</title>
    <content:encoded><![CDATA[<p>Not a photo.</p><img src="https://example.org/boats.jpg" alt="">]]></content:encoded>
    <wp:post_id>10</wp:post_id><wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>Lighthouse at dusk</title>
    <link>https://example.org/lighthouse-at-dusk/</link>
    <dc:creator><![CDATA[editor]]></dc:creator>
    <content:encoded><![CDATA[<p>Taken from the <em>north</em> pier.</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[The lighthouse &amp; the pier]]></excerpt:encoded>
    <wp:post_id>42</wp:post_id>
    <wp:post_date><![CDATA[2019-07-04 20:15:00]]></wp:post_date>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <category domain="post_tag" nicename="coast"><![CDATA[coast]]></category>
    <wp:attachment_url><![CDATA[https://example.org/uploads/2019/07/lighthouse.jpg]]></wp:attachment_url>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>
      <wp:meta_value><![CDATA[A white lighthouse against an orange sky]]></wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_metadata]]></wp:meta_key>
      <wp:meta_value><![CDATA[a:2:{s:5:"width";i:1600;s:6:"height";i:1067;s:10:"image_meta";a:2:{s:6:"credit";s:8:"Ada Lens";s:9:"copyright";s:0:"";}}]]></wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>Untitled upload</title>
    <wp:post_id>43</wp:post_id><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://example.org/uploads/2019/07/pier.png</wp:attachment_url>
    <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value></wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>Timetable</title>
    <wp:post_id>44</wp:post_id><wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://example.org/uploads/timetable.pdf</wp:attachment_url>
  </item>
</channel>
</rss>
"""

OAI_PMH = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <responseDate>2026-01-01T00:00:00Z</responseDate>
  <request verb="ListRecords" metadataPrefix="oai_dc">https://example.org/oai</request>
  <ListRecords>
    <record>
      <header><identifier>oai:example.org:photo/17</identifier><datestamp>2025-05-01</datestamp></header>
      <metadata>
        <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
                   xmlns:dc="http://purl.org/dc/elements/1.1/">
          <dc:title>Net menders on the quay</dc:title>
          <dc:title>Second title, not used</dc:title>
          <dc:creator>Ada Lens</dc:creator>
          <dc:subject>fishing; nets</dc:subject>
          <dc:subject>harbours</dc:subject>
          <dc:description>Two women mend nets.</dc:description>
          <dc:description>Glass negative.</dc:description>
          <dc:date>1931</dc:date>
          <dc:rights>Public domain</dc:rights>
          <dc:identifier>https://example.org/objects/17</dc:identifier>
          <dc:identifier>https://example.org/iiif/17/full/max/0/default.jpg</dc:identifier>
        </oai_dc:dc>
      </metadata>
    </record>
    <record><header status="deleted"><identifier>oai:example.org:photo/18</identifier></header></record>
    <record>
      <header><identifier>oai:example.org:photo/19</identifier></header>
      <metadata>
        <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
                   xmlns:dc="http://purl.org/dc/elements/1.1/">
          <dc:title>A letter</dc:title><dc:identifier>https://example.org/objects/19</dc:identifier>
        </oai_dc:dc>
      </metadata>
    </record>
    <resumptionToken cursor="0" completeListSize="3"></resumptionToken>
  </ListRecords>
</OAI-PMH>
"""

BARE_DC = """<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Boats at anchor</dc:title><dc:identifier>https://example.org/img/boats.tif</dc:identifier>
</oai_dc:dc>
"""


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wxr_attachments_that_are_images_are_photos(tmp_path, errors):
    path = write(tmp_path, "export.xml", WXR)
    lighthouse, pier = read_file(path, errors.append)
    assert errors == []
    assert (lighthouse.id, lighthouse.image) == ("wp-42", "https://example.org/uploads/2019/07/lighthouse.jpg")
    assert (lighthouse.title, lighthouse.caption) == ("Lighthouse at dusk", "The lighthouse & the pier")
    assert lighthouse.long_description == "Taken from the north pier."
    assert lighthouse.alt == "A white lighthouse against an orange sky"
    assert (lighthouse.date, lighthouse.credit, lighthouse.keywords) == ("2019-07-04 20:15:00", "Ada Lens", ("coast",))
    assert (lighthouse.width, lighthouse.height) == (1600, 1067)
    assert (lighthouse.page, lighthouse.gallery) == ("https://example.org/lighthouse-at-dusk/", "Harbour Photo Desk")
    assert lighthouse.origin.line == line_of(WXR, "<title>Lighthouse at dusk</title>") - 1  # its <item>
    assert lighthouse.origin.kind == "manifest"
    assert pier.alt is None  # an empty alt meta: never written, not decorative


def test_oai_pmh_records_map_dublin_core_skip_deleted_ones_and_keep_those_without_an_image(tmp_path, errors):
    path = write(tmp_path, "harvest.xml", OAI_PMH)
    record, letter = read_file(path, errors.append)
    assert errors == []
    assert (letter.title, letter.image, letter.page) == ("A letter", "", "https://example.org/objects/19")
    assert record.image == "https://example.org/iiif/17/full/max/0/default.jpg"
    assert record.page == "https://example.org/objects/17"
    assert record.title == "Net menders on the quay"
    assert record.caption == "Two women mend nets.\nGlass negative."
    assert (record.credit, record.date) == ("Ada Lens; Public domain", "1931")
    assert record.keywords == ("fishing", "nets", "harbours")
    assert record.id.startswith("17-")  # the header's identifier holds "/", which an id cannot


def test_a_getrecord_response_is_read_like_a_list_of_one(tmp_path, errors):
    one = OAI_PMH.replace("<ListRecords>", "<GetRecord>").replace("</ListRecords>", "</GetRecord>")
    one = one[: one.index("<record><header status")] + "</GetRecord>\n</OAI-PMH>\n"
    (record,) = read_file(write(tmp_path, "get.xml", one), errors.append)
    assert record.title == "Net menders on the quay" and errors == []


def test_a_bare_dublin_core_record_and_an_oai_error_response(tmp_path, errors):
    (record,) = read_file(write(tmp_path, "one.xml", BARE_DC), errors.append)
    assert (record.title, record.image) == ("Boats at anchor", "https://example.org/img/boats.tif")
    error = ('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="noRecordsMatch">'
             "No records</error></OAI-PMH>")
    assert list(read_file(write(tmp_path, "empty.xml", error), errors.append)) == []
    assert "the OAI-PMH response is an error: noRecordsMatch No records" in str(errors[-1])


@pytest.mark.parametrize("name, text, message", [
    ("sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url/></urlset>',
     "XML of another kind: its document element is <urlset> in namespace http://www.sitemaps.org/schemas/sitemap/0.9"),
    ("feed.xml", '<rss version="2.0"><channel><item><title>t</title></item></channel></rss>',
     "XML of another kind: its document element is <rss>"),
    ("broken.xml", '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel></rss>', "invalid XML: mismatched tag"),
    ("empty.xml", "", "invalid XML: no element found"),
])
def test_other_xml_is_named_and_not_read(tmp_path, errors, name, text, message):
    path = write(tmp_path, name, text)
    assert list(read_file(path, errors.append)) == []
    assert len(errors) == 1 and str(errors[0]).startswith(f"{path}") and message in str(errors[0])


def test_a_doctype_is_refused_before_any_entity_expands(tmp_path, errors):
    laughs = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&b;</title></channel></rss>')
    assert list(read_file(write(tmp_path, "laughs.xml", laughs), errors.append)) == []
    assert "declares a DOCTYPE, which is refused" in str(errors[0])


def test_an_oversized_record_and_deep_nesting_cost_that_record_or_the_rest_of_the_file(tmp_path, errors):
    big = WXR.replace("The lighthouse &amp; the pier", "x" * 5000)
    limits = ReadLimits(record_bytes=2000, json_depth=8)
    records = list(read_file(write(tmp_path, "big.xml", big), errors.append, limits))
    assert [r.id for r in records] == ["wp-43"]
    assert len(errors) == 1 and errors[0].line == line_of(big, "<title>Lighthouse at dusk</title>") - 1
    assert "bytes, over max-record-bytes (2,000)" in errors[0].problem
    errors.clear()
    deep = WXR.replace("<title>Untitled upload</title>", "<x>" * 20 + "</x>" * 20)
    records = list(read_file(write(tmp_path, "deep.xml", deep), errors.append, limits))
    assert [r.id for r in records] == ["wp-42"]  # read before the nesting was met
    assert "nest more than max-json-depth (8) deep" in errors[0].problem


def test_other_xml_in_a_folder_is_passed_over_and_named_when_given_itself(tmp_path):
    write(tmp_path, "export.xml", WXR)
    sitemap = write(tmp_path, "sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
    write(tmp_path, "feed.xml", '<rss version="2.0"><channel><title>News</title></channel></rss>')
    write(tmp_path, "broken.xml", '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>')
    result = read_corpus([tmp_path])
    assert sorted(r.id for r in result.records) == ["wp-42", "wp-43"]
    assert [Path(e.path).name for e in result.errors] == ["broken.xml"]  # broken XML is said, never passed over
    assert [Path(e.path).name for e in read_corpus([tmp_path / "export.xml", sitemap]).errors] == ["sitemap.xml"]
