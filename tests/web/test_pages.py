"""The app through Flask's test client: status codes, JSON twins, headers, escaping, limits."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from captionsearch.app import create_app
from captionsearch.app.security import CONTENT_SECURITY_POLICY
from captionsearch.audit.config import AuditConfig
from captionsearch.audit.docs import REQUIRED_SECTIONS, rule_page
from captionsearch.audit.rules import RULES
from captionsearch.errors import QuerySyntaxError
from captionsearch.search import querylang as ql
from captionsearch.search import searching

PAGES = ["/", "/search?q=rover", "/search?q=nothingmatcheszzz", "/photo/rover-one", "/audit", "/rules",
         "/rules/alt-vague"]


def hostile(collection):
    return next(r for r in collection if r.id == "hostile")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_html_and_its_json_twin(client, url):
    page = client.get(url)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    path, _, query = url.partition("?")
    twin = client.get(path.rstrip("/") + ".json" + ("?" + query if query else "") if path != "/" else "/.json")
    assert twin.status_code == 200
    assert twin.mimetype == "application/json"
    negotiated = client.get(url, headers={"Accept": "application/json"})
    assert negotiated.mimetype == "application/json"
    assert _timeless(negotiated.get_json()) == _timeless(twin.get_json())
    assert "Accept" in page.headers["Vary"]


def _timeless(data: dict) -> dict:
    """A JSON twin without the one field that differs between two answers to one question: the time taken."""
    return {key: value for key, value in data.items() if key != "elapsed_ms"}


def test_search_json_is_the_library_shape_plus_links(client, client_index):
    data = client.get("/search.json?q=rover&limit=3").get_json()
    direct = searching.search("rover", client_index, limit=3).to_dict()
    assert set(data) == set(direct)
    assert data["total"] == direct["total"] and data["pages"] == direct["pages"]
    assert [h["id"] for h in data["hits"]] == [h["id"] for h in direct["hits"]]
    for hit, expected in zip(data["hits"], direct["hits"]):
        assert {k: v for k, v in hit.items() if k != "links"} == expected
        assert hit["links"]["html"] == f"/photo/{hit['id']}"
    marked = [s["text"] for h in data["hits"] for s in h["highlights"]["caption"] if s["match"]]
    assert marked and all(word.lower().startswith("rover") for word in marked)


def test_photo_json_twin(client):
    data = client.get("/photo/rover-one.json").get_json()
    assert set(data) == {"photo", "findings", "more_like_this"}
    assert data["photo"]["id"] == "rover-one"
    assert data["photo"]["links"]["thumbnail"].startswith("/image/rover-one/thumb.jpg?v=")
    assert all(p["id"] != "rover-one" for p in data["more_like_this"])


def test_photo_page_shows_this_photos_findings_with_fix_advice(client):
    # rover-four has no alt text and lander's alt is a file name: the audit says so.
    page = client.get("/photo/lander").get_data(as_text=True)
    assert "alt-filename" in page and "How to fix" in page
    data = client.get("/photo/rover-four.json").get_json()
    assert "alt-missing" in {f["rule"] for f in data["findings"]}
    clean = client.get("/photo/rover-one.json").get_json()
    assert clean["findings"] == []
    assert "No problems found" in client.get("/photo/rover-one").get_data(as_text=True)


def test_audit_groups_findings_by_rule_and_links_photos(client):
    data = client.get("/audit.json").get_json()
    rules = {r["rule"]: r for r in data["rules"]}
    assert {"alt-missing", "alt-filename"} <= set(rules)
    assert {f["photo"] for f in rules["alt-missing"]["findings"]} == {"rover-four"}
    assert data["total"] == sum(r["count"] for r in data["rules"]) == sum(data["by_severity"].values())
    html = client.get("/audit").get_data(as_text=True)
    assert 'href="/photo/rover-four"' in html and 'href="/photo/lander"' in html


def test_every_rule_has_its_documentation_page_and_json_twin(client):
    listed = client.get("/rules.json").get_json()["rules"]
    assert [r["rule"] for r in listed] == list(RULES)
    index = client.get("/rules").get_data(as_text=True)
    for rule_id in RULES:
        assert f'href="/rules/{rule_id}"' in index
        html = client.get(f"/rules/{rule_id}").get_data(as_text=True)
        for section in REQUIRED_SECTIONS:
            assert f"<h2>{section.removeprefix('## ')}</h2>" in html, (rule_id, section)
        data = client.get(f"/rules/{rule_id}.json").get_json()
        assert data["rule"] == rule_id and data["wcag"] == list(RULES[rule_id].wcag)
        assert data["page_markdown"] == rule_page(rule_id).split("\n", 1)[1]
    missing = client.get("/rules/no-such-rule.json")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404
    assert client.get("/rules/no-such-rule").status_code == 404


def test_a_rule_pages_markup_examples_are_shown_not_run(client):
    html = client.get("/rules/alt-filename").get_data(as_text=True)
    assert "&lt;img" in html  # the page's examples, as text
    main = html[html.index("<main"):]
    assert not re.search(r"<img\b", main)


def test_rule_pages_show_the_sites_own_severities(client_index, tmp_path):
    app = create_app({"INDEX_DIR": str(client_index), "CACHE_DIR": str(tmp_path),
                      "AUDIT_CONFIG": AuditConfig(severity={"alt-vague": "notice"})})
    with app.test_client() as client:
        assert client.get("/rules/alt-vague.json").get_json()["severity"] == "notice"
        listed = {r["rule"]: r["severity"] for r in client.get("/rules.json").get_json()["rules"]}
    assert listed["alt-vague"] == "notice" and listed["alt-missing"] == RULES["alt-missing"].severity


def test_findings_link_to_the_sites_rule_pages(client):
    for url, rule_id in (("/audit", "alt-missing"), ("/photo/lander", "alt-filename")):
        html = client.get(url).get_data(as_text=True)
        assert f'href="/rules/{rule_id}"' in html, url
        assert client.get(f"/rules/{rule_id}").status_code == 200


def test_home_overview_counts_and_recent_photos(client, collection):
    data = client.get("/.json").get_json()
    assert data["photos"] == len(collection)
    assert data["recent"][0]["date"] == max(r.date for r in collection)
    html = client.get("/").get_data(as_text=True)
    assert f"{len(collection)} photos" in html
    assert 'role="search"' in html


def test_error_shape_is_the_same_everywhere(client):
    for url, status, code in [
        ("/search.json?q=(rover", 400, "bad-query"),
        ("/search.json?page=zero", 400, "bad-request"),
        ("/search.json?limit=1000", 400, "bad-request"),
        ("/photo/no-such-photo.json", 404, "not-found"),
        ("/nowhere.json", 404, "not-found"),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.get_json() == {"error": {"status": status, "code": code,
                                                 "message": response.get_json()["error"]["message"]}}
        assert response.get_json()["error"]["message"]


def test_error_pages_are_html_in_the_site_style(client):
    for url, status in [("/search?q=(rover", 400), ("/photo/no-such-photo", 404), ("/nowhere", 404)]:
        response = client.get(url)
        assert response.status_code == status
        html = response.get_data(as_text=True)
        assert f"Error {status}" in html and 'class="site-header"' in html
    bad = client.get("/search?q=(rover").get_data(as_text=True)
    with pytest.raises(QuerySyntaxError) as parse_error:
        ql.parse("(rover")
    assert str(escape(str(parse_error.value))) in bad  # the parser's message, which says how to fix the query


def test_500_has_no_stack_trace(client_index, tmp_path):
    app = create_app({"INDEX_DIR": str(client_index), "CACHE_DIR": str(tmp_path)})

    def broken():
        raise RuntimeError("secret detail in /srv/private/path")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/broken.json", view_func=broken, endpoint="broken_json")
    with app.test_client() as client:
        page = client.get("/broken")
        twin = client.get("/broken.json")
    assert page.status_code == twin.status_code == 500
    for body in (page.get_data(as_text=True), twin.get_data(as_text=True)):
        assert "secret detail" not in body and "Traceback" not in body
    assert twin.get_json()["error"]["code"] == "internal-error"
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_missing_index_is_503_with_advice(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "nothing"), "CACHE_DIR": str(tmp_path)})
    with app.test_client() as client:
        page = client.get("/search?q=rover")
        twin = client.get("/search.json?q=rover")
        health = client.get("/healthz")
    assert page.status_code == twin.status_code == health.status_code == 503
    assert "captionsearch index" in page.get_data(as_text=True)
    assert twin.get_json()["error"]["code"] == health.get_json()["error"]["code"] == "index-missing"


def test_security_headers_on_every_kind_of_response(client):
    for url in ["/", "/search.json?q=rover", "/nowhere", "/static/site.css", "/opensearch.xml", "/healthz"]:
        response = client.get(url)
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        response.close()
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_scripts_styles_or_handlers(client):
    for url in PAGES:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"<[a-z][^<>]*\son[a-z]+=", html)


def test_hostile_caption_and_title_are_escaped(client, collection):
    record = hostile(collection)
    for url in ["/search?q=crayon", "/photo/hostile", "/"]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>lander</b>" not in html, url
    html = client.get("/photo/hostile").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;caption&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    data = client.get("/photo/hostile.json").get_json()
    assert data["photo"]["caption"] == record.caption and data["photo"]["title"] == record.title


def test_highlights_are_built_safely(client):
    html = client.get("/search?q=rover+lander").get_data(as_text=True)
    card = html[html.index("&lt;script&gt;"):][:400]
    assert "<mark>rover</mark>" in card and "&lt;b&gt;<mark>lander</mark>&lt;/b&gt;" in card


def test_hostile_query_is_escaped_everywhere(client):
    query = '<script>alert("q")</script>'
    for url in ["/search", "/search.json"]:
        body = client.get(url, query_string={"q": query}).get_data(as_text=True)
        assert "<script>alert" not in body and "alert" in body
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in html


def test_query_length_and_filter_limits(client, app):
    limit = app.config["MAX_QUERY_LENGTH"]
    assert client.get("/search", query_string={"q": "a" * limit}).status_code == 200
    too_long = client.get("/search.json", query_string={"q": "a" * (limit + 1)})
    assert too_long.status_code == 400 and "too long" in too_long.get_json()["error"]["message"]
    many = [("f", f"year:{1900 + i}") for i in range(app.config["MAX_FILTERS"] + 1)]
    assert client.get("/search.json", query_string=many).status_code == 400
    assert client.get("/search.json?f=no-colon").status_code == 400
    assert client.get("/search.json?page=99999999").status_code == 400


def test_filters_narrow_and_pagination_keeps_query_and_filters(client, client_index):
    first = client.get("/search.json?q=rover").get_json()
    assert first["pages"] > 1
    html = client.get("/search?q=rover&f=gallery:Test+gallery").get_data(as_text=True)
    assert 'href="/search?q=rover&amp;f=gallery:Test+gallery&amp;page=2"' in html
    assert 'aria-current="page"' in html
    remove = re.search(r'<a class="chip chip-remove" href="([^"]+)"', html).group(1)
    assert remove == "/search?q=rover"
    year = searching.search("rover", client_index).facets["year"][0]
    narrowed = client.get(f"/search.json?q=rover&f={year.key}").get_json()
    assert narrowed["total"] == year.count < first["total"]
    assert narrowed["filters"] == [year.key]


def test_did_you_mean_and_correction(client):
    data = client.get("/search.json?q=rovr").get_json()
    assert data["corrected_query"] == "rover" and data["total"] > 0
    html = client.get("/search?q=rovr").get_data(as_text=True)
    assert "showing results for" in html.lower() or "results for “<a" in html


def test_result_images_have_sizes_lazy_loading_srcset_and_real_alt(client, collection):
    html = client.get("/search?q=rover&limit=10").get_data(as_text=True)
    images = re.findall(r"<img [^>]+>", html)
    assert images
    for tag in images:
        assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag)
        assert 'loading="lazy"' in tag and "srcset=" in tag
        alt = re.search(r'alt="([^"]*)"', tag).group(1)
        assert alt and not re.search(r"\.(jpe?g|png)$", alt)
    # lander's alt is its file name; the caption is shown as its alt instead.
    lander = next(r for r in collection if r.id == "lander")
    page = client.get("/photo/lander").get_data(as_text=True)
    assert f'alt="{lander.caption.replace(chr(39), "&#39;")}"' in page


def test_opensearch_and_healthz(client, collection):
    xml = client.get("/opensearch.xml")
    assert xml.mimetype == "application/opensearchdescription+xml"
    assert "http://localhost/search?q={searchTerms}" in xml.get_data(as_text=True)
    assert 'rel="search"' in client.get("/").get_data(as_text=True)
    health = client.get("/healthz")
    assert health.get_json() == {"status": "ok", "photos": len(collection)}
    assert "no-store" in health.headers["Cache-Control"]


def test_static_files_come_from_the_web_package(client):
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b"prefers-color-scheme" in css.data and b"prefers-reduced-motion" in css.data
    css.close()
    js = client.get("/static/site.js")
    assert js.mimetype in ("text/javascript", "application/javascript") and len(js.data) < 4000
    js.close()
