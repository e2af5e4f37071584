"""10,000 seeded, fuzzed requests through the real app and a real index: not one 5xx.

The requests mix every route with hostile values for each parameter (query
syntax, Unicode digits int() refuses, broken percent-escapes, huge numbers,
malformed filters), odd methods and Accept headers, and ids and paths that
are not there. Every answer must be below 500, carry the security headers,
and, when it is a JSON error, have the one documented shape.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from captionsearch.app import create_app
from captionsearch.app.security import HEADERS
from captionsearch.audit.config import AuditConfig
from captionsearch.indexing import IndexOptions, index_corpus

from . import cases

REQUESTS = 10_000
SEED = 20_190_103
FAST_AUDIT = AuditConfig(ignore=("alt-vague", "caption-vague"))  # the spaCy judgements are tested elsewhere

WORDS = ["rover", "moon", "far side", "Chang'e", "lander", "yutu-2", "crater", "Kármán", "路", "🚀", "rovr", ""]
QUERY_BITS = ['"', "(", ")", "-", "NOT", "OR", "AND", "title:", "caption:", "alt:", "entity:", "nosuch:", "*", "?", "\\",
              "'", "\u202e", "\u200b", "\x00", "\x7f", "%", "&", "<script>", "a" * 300, " ", "\ufffd", "\U0010ffff"]
NUMBERS = ["", "0", "1", "2", "-1", "\u00b2", "\u00b3", "\uff11", "\u0663", "1e3", "2.5", " 3 ", "+4", "0x10", "99999999",
           "9" * 5000, "NaN", "inf", "1_000", "\u00bd", "\u2167"]
FILTERS = ["place:China", "year:2019", "status:ok", "source:manifest", "nogroup", ":", "a:", ":b", "x" * 300 + ":y",
           "place:" + "\u0000", "status:alt-missing", "gallery:" + "g" * 50]
ESCAPES = ["%", "%zz", "%ff%fe", "%00", "%C0%AF", "%ED%A0%80", "%E2%80%AE", "&&", "==", "q", "q=%", ";", "\\"]
RULES = ["alt-missing", "alt-vague", "nope", "..", "%2e%2e", "alt-missing.json"]
SIZES = ["thumb", "medium", "large", "original", "", "thumb.jpg", ".."]
ACCEPTS = ["text/html", "application/json", "*/*", "application/json;q=0.1, text/html;q=0.2", "image/*", "garbage/;;;", ""]
METHODS = ["GET"] * 12 + ["HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """The bundled gallery and a manifest of hostile images, indexed for real (no entities)."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(corpus_dir, folder / "corpus")
    image_case = cases.image_case(folder / "outside")
    (folder / "corpus" / "hostile").mkdir()
    image_case.write(folder / "corpus" / "hostile")
    index_corpus([folder / "corpus"], folder / "index", IndexOptions(entities=False))
    app = create_app({"INDEX_DIR": str(folder / "index"), "CACHE_DIR": str(folder / "thumbnails"),
                      "AUDIT_CONFIG": FAST_AUDIT})
    return app, [line.split('"')[3] for line in (folder / "corpus" / "manifest.json").read_text().splitlines()
                 if line.strip().startswith('"id"')] + list(image_case.good)


def fuzzed_request(rng: random.Random, ids: list[str]) -> tuple[str, str, str, dict[str, str]]:
    """(method, path, raw query string, headers) of one request."""
    pick = rng.choice
    photo = pick([*ids, "no-such-photo", "a%2Fb", "..", "%00", "x" * 400, quote(pick(WORDS) or "_")])
    path = pick([
        "/", "/.json", "/search", "/search.json", f"/photo/{photo}", f"/photo/{photo}.json",
        f"/image/{photo}/{pick(SIZES)}.jpg", "/audit", "/audit.json", "/rules", "/rules.json",
        f"/rules/{pick(RULES)}", "/healthz", "/opensearch.xml", "/static/site.css", f"/static/{pick(ESCAPES)}",
        "//search", "/static//site.css", "/search/", f"/{quote(pick(QUERY_BITS))}", "/photo/", "/image//thumb.jpg",
    ])
    params = []
    for _ in range(rng.randrange(5)):
        name = pick(["q", "q", "page", "limit", "f", "f", pick(ESCAPES)])
        if name == "q":
            value = quote(" ".join(pick(WORDS + QUERY_BITS) for _ in range(rng.randrange(1, 6))), safe="")
        elif name in ("page", "limit"):
            value = quote(pick(NUMBERS), safe="")
        elif name == "f":
            value = quote(pick(FILTERS), safe="")
        else:
            value = pick(ESCAPES)
        params.append(f"{name}={value}" if rng.random() < 0.9 else pick(ESCAPES))
    headers = {"Accept": pick(ACCEPTS)} if rng.random() < 0.7 else {}
    return pick(METHODS), path, "&".join(params), headers


def test_ten_thousand_fuzzed_requests_get_no_server_error(fuzz_app) -> None:
    app, ids = fuzz_app
    rng = random.Random(SEED)
    failures: list[tuple[int, str, str, str]] = []
    statuses: dict[int, int] = {}
    with app.test_client() as client:
        for _ in range(REQUESTS):
            method, path, query, headers = fuzzed_request(rng, ids)
            response = client.open(path, method=method, query_string=query, headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            missing = [name for name in HEADERS if name not in response.headers]
            if response.status_code >= 500 or missing or not _error_shape_ok(response, method):
                failures.append((response.status_code, method, f"{path}?{query}", ",".join(missing)))
            response.close()
    assert failures == [], failures[:20]
    assert statuses.get(200, 0) > REQUESTS // 5 and statuses.get(400, 0) > REQUESTS // 50, statuses  # a real mix


def _error_shape_ok(response, method: str) -> bool:
    if response.status_code < 400 or not response.is_json or method == "HEAD":
        return True
    error = response.get_json().get("error", {})
    return set(error) == {"status", "code", "message"} and error["status"] == response.status_code


@pytest.mark.parametrize("value", ["\u00b2", "\u00b3", "\uff11", "\u0663", "9" * 5000, "-1", "1e3"])
def test_page_and_limit_take_ascii_whole_numbers_only(fuzz_app, value: str) -> None:
    app, _ = fuzz_app
    with app.test_client() as client:
        for name in ("page", "limit"):
            response = client.get("/search.json", query_string={"q": "rover", name: value})
            assert response.status_code == 400, (name, value)
            assert response.get_json()["error"]["code"] == "bad-request"
