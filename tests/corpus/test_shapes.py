"""The shapes collection exports come in: JSON lists, objects, lists under a key; CSV and TSV with any columns."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from captionsearch.corpus import read_corpus, read_file
from captionsearch.corpus.limits import DEFAULT_LIMITS
from captionsearch.corpus.standard_json import STANDARD_JSON


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, records_at: str = ""):
    errors: list = []
    records = list(read_file(path, errors.append, replace(DEFAULT_LIMITS, records_at=records_at)))
    return records, errors


@pytest.mark.parametrize("key", ["data", "items", "results", "objects"])
def test_a_list_under_any_single_key_is_found_and_keeps_its_lines(tmp_path, key):
    text = '{\n  "meta": {"total": 2, "page": 1},\n  "%s": [\n    {"title": "One", "image": "a.jpg"},\n' \
           '    {"title": "Two"}\n  ]\n}\n' % key
    records, errors = read(write(tmp_path, "export.json", text))
    assert errors == []
    assert [(r.title, r.origin.line, r.origin.column) for r in records] == [("One", 4, 5), ("Two", 5, 5)]


def test_a_list_nested_under_objects_is_found(tmp_path):
    document = {"responseHeader": {"status": 0}, "response": {"numFound": 1, "docs": [{"headline": "Solr doc"}]}}
    records, errors = read(write(tmp_path, "solr.json", json.dumps(document)))
    assert errors == [] and [r.title for r in records] == ["Solr doc"]


def test_one_object_per_file_is_one_record_even_with_lists_inside(tmp_path):
    artwork = {"id": 1035, "title": "A Figure Bowing", "thumbnailUrl": "http://example.org/A00001_8.jpg",
               "contributors": [{"id": 38, "fc": "Robert Blake", "role": "artist"}],
               "subjects": {"children": [{"name": "people"}]}}
    records, errors = read(write(tmp_path, "a00001-1035.json", json.dumps(artwork, indent=2)))
    assert errors == []
    (photo,) = records
    assert (photo.id, photo.title, photo.image, photo.origin.line) == ("1035", "A Figure Bowing",
                                                                       "http://example.org/A00001_8.jpg", 1)


def test_the_gallery_manifest_still_reads_with_its_title(tmp_path):
    text = json.dumps({"gallery": {"title": "Moon"}, "photos": [{"image": "a.jpg"}], "items": [{"title": "x"}]})
    records, errors = read(write(tmp_path, "g.json", text))
    assert errors == [] and [(r.gallery, Path(r.image).name) for r in records] == [("Moon", "a.jpg")]


def test_several_candidate_lists_are_one_error_naming_them(tmp_path):
    text = json.dumps({"drafts": [{"title": "d"}], "published": [{"title": "p"}], "authors": [{"id": 1}]})
    path = write(tmp_path, "two.json", text)
    records, errors = read(path)
    assert records == []
    (error,) = errors
    assert "several lists (drafts, published)" in str(error) and "--records-at drafts" in str(error)
    records, errors = read(path, records_at="published")
    assert errors == [] and [r.title for r in records] == ["p"]


def test_records_at_follows_a_path_and_dot_is_the_whole_file(tmp_path):
    text = '{"hits": {"hits": [\n{"_source": {"title": "a"}}, {"_source": {"title": "b"}}]}}'
    path = write(tmp_path, "es.json", text)
    records, errors = read(path, records_at="hits.hits")
    assert errors == [] and len(records) == 2 and records[1].origin.line == 2
    records, errors = read(path, records_at="hits.nothing")
    assert records == [] and "nothing at --records-at hits.nothing" in str(errors[0])
    one = write(tmp_path, "one.json", '{"meta": {"x": 1}, "label": "The object"}')
    records, errors = read(one, records_at=".")
    assert errors == [] and [r.title for r in records] == ["The object"]


def test_an_object_with_no_records_says_how_to_name_them(tmp_path):
    records, errors = read(write(tmp_path, "cfg.json", '{"version": 2, "settings": {"dark": true}}'))
    assert records == [] and "no list of photos or records found" in str(errors[0]) and "--records-at" in str(errors[0])


def test_a_file_nested_too_deep_to_decode_still_reads_a_plain_list(tmp_path):
    deep = "[" * 3000 + "]" * 3000
    text = '[{"title": "fine"},\n{"title": "deep", "x": ' + deep + "}]"
    records, errors = read(write(tmp_path, "deep.json", text))
    assert [r.title for r in records] == ["fine"] and errors[0].line == 2


def test_tsv_and_other_delimiters_are_sniffed_from_the_header(tmp_path):
    tsv = write(tmp_path, "media.tsv", "mediaid\ttitle\timageurl\n7\tHarbour, at dawn\thttps://example.org/7.jpg\n")
    records, errors = read(tsv)
    assert errors == [] and [(r.id, r.title, r.image) for r in records] == [
        ("7", "Harbour, at dawn", "https://example.org/7.jpg")]
    piped = write(tmp_path, "bar.csv", "title|description\nA, B|C; D\n")
    records, errors = read(piped)
    assert errors == [] and [(r.title, r.caption) for r in records] == [("A, B", "C; D")]


def test_csv_header_with_a_quoted_comma_does_not_confuse_the_sniffer(tmp_path):
    path = write(tmp_path, "q.csv", 'title;"notes, internal"\nOne;x\n')
    records, errors = read(path)
    assert errors == [] and records[0].title == "One"


def test_no_standard_format_claims_a_generic_shape():
    shapes = [[{"title": "L"}], {"data": [{"title": "W"}]}, {"title": "O", "type": "Photograph"}, {"items": []}]
    assert not any(recognise(shape) for recognise, _ in STANDARD_JSON for shape in shapes)


def test_a_corpus_of_shapes_reads_every_record(tmp_path):
    write(tmp_path, "list.json", json.dumps([{"title": f"L{i}"} for i in range(3)]))
    write(tmp_path, "wrapped.json", json.dumps({"data": [{"title": f"W{i}"} for i in range(4)]}))
    write(tmp_path, "one.json", json.dumps({"title": "O", "image_url": "https://example.org/o.jpg"}))
    write(tmp_path, "lines.jsonl", "\n".join(json.dumps({"title": f"J{i}"}) for i in range(2)) + "\n")
    write(tmp_path, "rows.tsv", "title\tdescription\nT0\tx\nT1\ty\n")
    result = read_corpus([tmp_path])
    assert result.errors == ()
    assert sorted(r.title for r in result.records) == sorted(
        ["L0", "L1", "L2", "W0", "W1", "W2", "W3", "O", "J0", "J1", "T0", "T1"])
    assert len({r.id for r in result.records}) == 12


def test_line_and_column_counting_agree_with_counting_from_the_start():
    import random

    from captionsearch.corpus.textfile import LineCounter, column_of, line_of

    rng = random.Random(5)
    text = "".join(rng.choice("ab\n") for _ in range(3000))
    counter = LineCounter(text)
    for offset in sorted(rng.sample(range(3000), 300)):
        assert (counter.column(offset), counter.line(offset)) == (column_of(text, offset), line_of(text, offset))


def test_a_manifest_on_one_line_names_each_entrys_column(tmp_path):
    records, errors = read(write(tmp_path, "one-line.json", json.dumps([{"title": "a"}, {"title": "b"}, 7])))
    assert [(r.origin.line, r.origin.column) for r in records] == [(1, 2), (1, 18)]
    assert errors[0].line == 1 and "not an object" in str(errors[0])
