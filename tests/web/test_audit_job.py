"""A large collection's audit is made by a background process; /audit says so (503, Retry-After) until it is ready."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from captionsearch.app import audit_job, create_app, findings

from .conftest import FAST_AUDIT

READY_WITHIN = 60  # seconds: the job starts a Python process and audits eight photos


def test_the_audit_of_a_large_collection_is_prepared_off_the_request_path(
    client_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = create_app({"INDEX_DIR": str(client_index), "CACHE_DIR": str(tmp_path / "a"), "AUDIT_CONFIG": FAST_AUDIT})
    with inline.test_client() as client:
        expected = client.get("/audit.json").get_json()
    findings._COLLECTION_CACHE.clear()
    monkeypatch.setattr(findings, "AUDIT_INLINE_PHOTOS", 0)  # every collection counts as large
    app = create_app({"INDEX_DIR": str(client_index), "CACHE_DIR": str(tmp_path / "b"), "AUDIT_CONFIG": FAST_AUDIT})
    with app.test_client() as client:
        first = client.get("/audit.json")
        assert first.status_code == 503 and first.headers["Retry-After"] == "30"
        assert first.get_json()["error"]["code"] == "audit-pending"
        assert client.get("/audit").status_code == 503  # asked again: the same job, not a second one
        assert len(list((tmp_path / "b").glob("*.running"))) == 1
        deadline = time.monotonic() + READY_WITHIN
        while client.get("/audit.json").status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        ready = client.get("/audit.json")
    audit_job.finish_jobs(READY_WITHIN)
    assert ready.status_code == 200 and ready.get_json() == expected
    assert not list((tmp_path / "b").glob("*.running"))
