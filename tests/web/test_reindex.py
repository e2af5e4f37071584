"""The app reuses one searcher across requests and threads, and sees a re-index without a restart."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from captionsearch.app import create_app
from captionsearch.indexing import IndexOptions, index_records


def test_a_reindexed_collection_is_served_without_restart(collection, tmp_path):
    index_dir = tmp_path / "index"
    first, second = collection[:2], collection[:3]
    index_records(first, index_dir, IndexOptions(entities=False))
    app = create_app({"INDEX_DIR": str(index_dir), "CACHE_DIR": str(tmp_path / "cache")})
    with app.test_client() as client:
        before = client.get("/search.json").get_json()
        assert before["total"] == len(first)
        assert client.get(f"/photo/{second[2].id}.json").status_code == 404
        index_records(second, index_dir, IndexOptions(entities=False))
        after = client.get("/search.json").get_json()
        assert after["total"] == len(second)
        assert client.get(f"/photo/{second[2].id}.json").status_code == 200
        assert client.get("/healthz").get_json()["photos"] == len(second)


def test_concurrent_requests_share_the_searcher_safely(app):
    queries = ["rover", "lander", "tracks", "crater", "camera", "rovr", "grey", ""] * 6

    def ask(query: str) -> tuple[int, int]:
        with app.test_client() as client:
            response = client.get("/search.json", query_string={"q": query})
            return response.status_code, response.get_json()["total"]

    with app.test_client() as client:
        expected = {q: client.get("/search.json", query_string={"q": q}).get_json()["total"] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, queries))
    assert [status for status, _ in results] == [200] * len(queries)
    assert [total for _, total in results] == [expected[q] for q in queries]
