"""The real app in Debian's Chromium: ``captionsearch serve`` (gunicorn) on 127.0.0.1, the bundled gallery."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths
from captionsearch.search import searching

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "/",
    "search": "/search?q=rover",
    "search-no-results": "/search?q=zzzqqqxxx",
    "browse-filtered": "/search?f=year:2019",
    "photo": "/photo/the-rover",
    "audit": "/audit",
    "rules": "/rules",
    "rule": "/rules/alt-vague",
    "not-found": "/photo/no-such-photo",
    "bad-query": "/search?q=%28rover",
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_search_rover_shows_rover_photos_with_highlights(page: Page, corpus_index: Path):
    expected = searching.search("rover", corpus_index)
    page.goto("/")
    page.get_by_label("Search captions, titles and alt text").fill("rover")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q=rover$"))
    expect(page.locator("#result-summary")).to_contain_text(f"{expected.total} photos match “rover”")
    titles = page.locator(".card-title a")
    expect(titles).to_have_count(len(expected.hits))
    assert titles.all_inner_texts() == [h.record.title for h in expected.hits]
    marks = page.locator(".card mark").all_inner_texts()
    assert marks and {m.lower() for m in marks} <= {"rover", "rovers"}


def test_apply_and_remove_a_facet(page: Page, corpus_index: Path):
    page.goto("/search?q=rover")
    unfiltered = searching.search("rover", corpus_index)
    value = unfiltered.facets["place"][0]
    page.locator("#facet-place + ul").get_by_role("link", name=re.compile(re.escape(value.value))).click()
    expect(page.locator("#result-summary")).to_contain_text(f"{value.count} photo")
    expect(page.locator(".card")).to_have_count(value.count)
    assert "f=place" in page.url
    remove = page.get_by_role("link", name=re.compile(r"Remove filter Places: " + re.escape(value.value)))
    remove.click()
    expect(page.locator(".card")).to_have_count(len(unfiltered.hits))
    assert "f=" not in page.url


def test_page_through_results(page: Page, corpus_index: Path):
    everything = searching.search("", corpus_index)
    assert everything.pages == 2
    page.goto("/search")
    first_titles = page.locator(".card-title a").all_inner_texts()
    page.get_by_role("navigation", name="Pages of results").get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".card")).to_have_count(everything.total - everything.limit)
    second_titles = page.locator(".card-title a").all_inner_texts()
    assert not set(first_titles) & set(second_titles)
    expect(page.locator('.pagination [aria-current="page"]')).to_have_text("Page 2")
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator(".card-title a")).to_have_text(first_titles)


def test_open_a_photo_page(page: Page, corpus_index: Path):
    photo = searching.get_photo("the-rover", corpus_index)
    page.goto("/search?q=rover")
    page.get_by_role("link", name=photo.record.title, exact=True).click()
    expect(page).to_have_url(re.compile(r"/photo/the-rover$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(photo.record.title)
    image = page.locator(".photo-image")
    expect(image).to_have_attribute("alt", photo.record.alt)
    # The first request makes the display size; wait for it to arrive and decode.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    expect(page.locator("figcaption")).to_have_text(photo.record.caption)
    expect(page.get_by_role("heading", name=re.compile("Accessibility findings"))).to_be_visible()
    expect(page.get_by_role("heading", name="More like this")).to_be_visible()
    for entity in photo.entities:
        expect(page.locator(".entities").get_by_role("link", name=re.compile(re.escape(entity.text)))).to_have_count(1)


def test_keyboard_only_search(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("name", "q")
    page.keyboard.type("lander")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=lander"))
    expect(page.locator("#result-summary")).to_have_attribute("role", "status")
    # Tab through to the first result link: focus stays visible all along.
    for _ in range(40):
        page.keyboard.press("Tab")
        active = page.evaluate("document.activeElement.className")
        if "card-link" in active:
            break
    else:
        pytest.fail("never reached a result by keyboard")
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('.card')).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/photo/"))


def test_slash_key_focuses_the_search_box(page: Page):
    page.goto("/photo/the-rover")
    page.keyboard.press("/")
    expect(page.locator(":focus")).to_have_attribute("name", "q")


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_violations(page: Page, axe: Axe, name: str):
    page.goto(PAGE_TYPES[name])
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_axe_in_both_colour_schemes_and_at_320px(page: Page, axe: Axe, scheme: str):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.set_viewport_size({"width": 320, "height": 640})
    for url in ("/", "/search?q=rover", "/photo/the-rover", "/audit", "/rules/alt-redundant-text"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways at 320px"
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()


def test_every_image_has_a_real_alt_and_our_audit_passes_on_rendered_pages(page: Page, tmp_path: Path):
    saved = []
    for name, url in PAGE_TYPES.items():
        page.goto(url)
        script = "els => els.map(e => [e.getAttribute('alt'), e.closest('.tile') ? e.closest('.tile').innerText : ''])"
        for alt, tile_text in page.eval_on_selector_all("img", script):
            assert alt is not None, f"{url}: image without alt"
            # Empty only for a tile whose visible title says the same; never a file name.
            assert alt.strip() or tile_text.strip(), f"{url}: empty alt outside a titled tile"
            assert not re.search(r"\.(jpe?g|png|gif|webp)$", alt, re.I), f"{url}: file name as alt"
        path = tmp_path / f"{name}.html"
        path.write_text(page.content(), encoding="utf-8")
        saved.append(path)
    # The markup must add no problems of its own; judging the collection's wording (vague) is the data's audit.
    config = AuditConfig(ignore=("alt-vague", "caption-vague"))
    result = audit_paths([str(p) for p in saved], config)
    page_findings = [f for f in result.findings if f.path.endswith(".html")]
    assert page_findings == [], [f.to_dict() for f in page_findings]


def test_json_twins_shapes(page: Page):
    def get(url: str, **headers: str):
        response = page.request.get(url, headers=headers or None)
        return response.status, response.headers["content-type"], json.loads(response.text())

    status, kind, home = get("/.json")
    assert status == 200 and kind.startswith("application/json")
    assert set(home) == {"photos", "facets", "recent"}
    status, _, results = get("/search.json?q=rover")
    assert set(results) == {"query", "corrected_query", "did_you_mean", "total", "page", "pages", "limit",
                            "elapsed_ms", "filters", "facets", "hits"}
    assert set(results["hits"][0]) >= {"id", "rank", "score", "title", "caption", "alt", "highlights", "links"}
    status, _, negotiated = get("/search?q=rover", Accept="application/json")
    assert negotiated["total"] == results["total"]
    status, _, photo = get("/photo/the-rover.json")
    assert set(photo) == {"photo", "findings", "more_like_this"}
    status, _, audit = get("/audit.json")
    assert set(audit) == {"photos", "total", "by_severity", "rules"}
    status, _, error = get("/search.json?q=%28rover")
    assert status == 400 and set(error) == {"error"} and set(error["error"]) == {"status", "code", "message"}


def test_production_server_and_headers(page: Page):
    response = page.request.get("/search?q=rover")
    assert response.headers["server"] == "captionsearch"  # gunicorn with waitress workers, not a development server
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/photo/the-rover")
    page.goto("/search?q=rover")
    assert errors == []  # no CSP violations, no missing files


def test_pages_work_without_javascript(browser, base_url: str):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/search?q=rover")
        expect(page.locator(".card").first).to_be_visible()
        page.locator(".facet-value").first.click()
        expect(page.locator(".chip-remove")).to_have_count(1)
    finally:
        context.close()
