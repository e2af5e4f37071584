"""Records without an image: nothing to audit, and the run says how many there were."""

from __future__ import annotations

import json

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.reporters import coverage_line, render_json
from captionsearch.audit.runner import audit_paths

STATIC = AuditConfig(ignore=("alt-vague", "caption-vague"))


def test_records_without_an_image_are_counted_not_audited(tmp_path):
    photos = [{"image": "a.jpg", "title": "Harbour"}, {"title": "Ship model"}, {"title": "Vase", "alt": ""}]
    (tmp_path / "photos.json").write_text(json.dumps(photos), encoding="utf-8")
    result = audit_paths([tmp_path], STATIC)
    assert {f.image.rsplit("/", 1)[-1] for f in result.findings} == {"a.jpg"}  # alt-missing on a.jpg only
    assert result.coverage.records == 1 and result.coverage.without_image == 2
    assert "2 records without an image (nothing to audit)" in coverage_line(result)
    assert json.loads(render_json(result, STATIC))["summary"]["records_without_image"] == 2
