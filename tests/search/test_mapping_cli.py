"""`captionsearch index` on collection exports: --map, --records-at, --explain-fields, --require-image, has:image."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from captionsearch.cli import main
from captionsearch.search import querylang as ql

EXPORT = {
    "meta": {"total": 4, "exported": "2026-01-01"},
    "data": [
        {"objectID": "m-1", "images": [{"image_url": "https://example.org/m1.jpg"}], "dc:title": "Harbour at dawn",
         "description": "<p>Fishing boats leave the harbour.</p>", "creator": [{"full_name": "Ann Lee"}]},
        {"objectID": "m-2", "images": [{"image_url": "https://example.org/shared.jpg"}], "dc:title": "Lighthouse",
         "description": "The lighthouse from the pier."},
        {"objectID": "m-3", "images": [{"image_url": "https://example.org/shared.jpg"}], "dc:title": "Pier",
         "description": "The pier and its lighthouse, photographed together."},
        {"objectID": "m-4", "images": [], "dc:title": "Ship model", "description": "A ship model, not yet photographed."},
    ],
}
MAP = ["--map", "id=objectID", "--map", "image=images.0.image_url", "--map", 'title="dc:title"',
       "--map", "credit=creator.*.full_name"]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "export.json"
    path.write_text(json.dumps(EXPORT, indent=1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def export_index(export: Path) -> Path:
    index_dir = export.parent / "index"
    assert main(["index", str(export), "--index", str(index_dir), "--no-entities", "-q", *MAP]) == 0
    return index_dir


def search_json(index_dir: Path, *query: str, capsys: pytest.CaptureFixture[str]) -> dict:
    main(["search", "--index", str(index_dir), "--json", "--", *query])
    return json.loads(capsys.readouterr().out)


def test_every_record_of_a_nested_export_is_indexed_with_its_mapped_fields(export_index, capsys):
    everything = search_json(export_index, "", capsys=capsys)
    assert sorted(hit["id"] for hit in everything["hits"]) == ["m-1", "m-2", "m-3", "m-4"]
    harbour = search_json(export_index, "harbour", capsys=capsys)["hits"][0]
    assert harbour["title"] == "Harbour at dawn" and harbour["credit"] == "Ann Lee"
    assert harbour["caption"] == "Fishing boats leave the harbour."


def test_has_image_finds_records_with_and_without_one(export_index, capsys):
    with_image = search_json(export_index, "has:image", capsys=capsys)
    without = search_json(export_index, "-has:image", capsys=capsys)
    assert sorted(h["id"] for h in with_image["hits"]) == ["m-1", "m-2", "m-3"]
    assert [h["id"] for h in without["hits"]] == ["m-4"]
    assert [h["id"] for h in search_json(export_index, "lighthouse", "-has:image", capsys=capsys)["hits"]] == []
    counts = {f["value"]: f["count"] for f in with_image["facets"]["has"]}
    assert counts == {"image": 3}
    assert {f["value"]: f["count"] for f in search_json(export_index, "", capsys=capsys)["facets"]["has"]} == {
        "image": 3, "no-image": 1}


def test_the_text_output_says_a_record_has_no_image(export_index, capsys):
    assert main(["search", "--index", str(export_index), "ship", "model", "--color", "never"]) == 0
    assert "image: (none yet)   id: m-4" in capsys.readouterr().out


def test_require_image_skips_them_with_a_count_per_file(export, tmp_path, capsys):
    index_dir = tmp_path / "index"
    assert main(["index", str(export), "--index", str(index_dir), "--no-entities", "--require-image", *MAP]) == 0
    captured = capsys.readouterr()
    assert f"note: {export}: 1 record without an image skipped (--require-image)" in captured.err
    assert "indexed 3 photos" in captured.out


def test_explain_fields_shows_each_fields_path_and_writes_no_index(export, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["index", "--explain-fields", str(export), *MAP]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{export}: records in the list at data\n")
    assert "record 1 (" in out and "Harbour at dawn" in out and "from dc:title" in out
    assert "from creator.*.full_name" in out
    assert "image            images.0.image_url 3, (none) 1" in out
    assert "keys not read: images 1" in out  # the record with an empty list of images
    assert not (tmp_path / "index").exists()


def test_explain_fields_without_a_mapping_lists_the_keys_not_read(export, capsys):
    assert main(["index", "--explain-fields", str(export)]) == 0
    out = capsys.readouterr().out
    # objectID and dc:title are aliases; the images list and the creators (objects, not text) are not read.
    assert "id               objectID 4" in out and "caption          description 4" in out
    assert "image            (none) 4" in out and "keys not read: images 4, creator 1" in out


def test_an_unknown_field_is_a_usage_error_naming_the_fields(export, tmp_path, capsys):
    assert main(["index", str(export), "--index", str(tmp_path / "i"), "--map", "headline=title"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "id, image, title, caption, alt, credit" in err
    assert not (tmp_path / "i").exists()


def test_ambiguous_records_name_the_candidates_and_records_at_settles_it(tmp_path, capsys):
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"drafts": [{"title": "Draft"}], "published": [{"title": "Out"}]}), encoding="utf-8")
    assert main(["index", str(path), "--index", str(tmp_path / "i"), "--no-entities", "-q"]) == 2
    assert "several lists (drafts, published)" in capsys.readouterr().err
    assert main(["index", str(path), "--index", str(tmp_path / "i"), "--no-entities", "-q",
                 "--records-at", "published", "--rebuild"]) == 0
    assert [h["title"] for h in search_json(tmp_path / "i", "", capsys=capsys)["hits"]] == ["Out"]


def test_settings_show_the_field_map_and_where_each_came_from(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.captionsearch.fields]\ntitle = ["headline"]\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", "settings"], cwd=tmp_path, capture_output=True,
                         text=True, env={**_env(), "CAPTIONSEARCH_FIELDS_CAPTION": "summary"}, check=True)
    assert "[tool.captionsearch.fields]" in run.stdout
    assert "title" in run.stdout and "'headline'" in run.stdout and "from [tool.captionsearch.fields] title" in run.stdout
    assert "from CAPTIONSEARCH_FIELDS_CAPTION" in run.stdout


def test_index_help_names_the_new_options():
    run = subprocess.run([sys.executable, "-m", "captionsearch.cli", "index", "--help"], capture_output=True,
                         text=True, env=_env(), check=True)
    for option in ("--map FIELD=PATH[,PATH...]", "--records-at PATH", "--require-image", "--explain-fields FILE"):
        assert option in run.stdout


@pytest.mark.parametrize("query, tree", [
    ("has:image", ql.Filter("has:image")),
    ("-has:image", ql.Not(ql.Filter("has:image"))),
    ("boat has:image", ql.And((ql.Word("text", "boat"), ql.Filter("has:image")))),
])
def test_has_image_parses_to_a_filter(query, tree):
    assert ql.parse(query) == tree
    assert ql.parse(ql.unparse(tree)) == tree


def test_has_takes_only_image():
    with pytest.raises(ql.QuerySyntaxError, match="write has:image"):
        ql.parse("has:caption")


def _env() -> dict[str, str]:
    import os

    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src}
