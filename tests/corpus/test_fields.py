"""The field mapping: key paths, aliases, configured paths and where the mapping is set."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from captionsearch.corpus.field_paths import PathSyntaxError, lookup, parse_path, split_paths
from captionsearch.corpus.fields import FIELD_SETTINGS, FIELDS, FieldMap, load_fields, parse_map_option
from captionsearch.corpus.photo_entry import EntryProblem, ignored_keys, mapped_values, record_from_entry
from captionsearch.errors import ConfigError
from captionsearch.records import Origin

ROOT = Path(__file__).resolve().parents[2]
HERE = Origin("m.json", 1, 1, "manifest")


def record(entry: dict, **mapping: tuple[str, ...]):
    return record_from_entry(entry, Path("/c/m.json"), HERE, "", FieldMap.from_mapping(mapping))


@pytest.mark.parametrize(
    "text, steps",
    [
        ("images.0.image_url", ("images", 0, "image_url")),
        ("creator.*.full_name", ("creator", "*", "full_name")),
        ('"dc:title"', ("dc:title",)),
        ('meta."a.b".c', ("meta", "a.b", "c")),
        ('"0"', ("0",)),
    ],
)
def test_paths_parse_into_keys_indexes_and_wildcards(text, steps):
    parsed = parse_path(text).steps
    assert tuple("*" if s is not None and not isinstance(s, (str, int)) else s for s in parsed) == steps


@pytest.mark.parametrize("text", ["", "a..b", "a.", '"open', '"a"b'])
def test_bad_paths_say_what_is_wrong(text):
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_commas_inside_quotes_do_not_split_paths():
    assert split_paths('a.b, "x,y".c ,d') == ["a.b", '"x,y".c', "d"]


def test_lookup_follows_indexes_wildcards_and_keys_in_any_case():
    value = {"Images": [{"Image_URL": "a.jpg"}], "creator": [{"full_name": "Ann"}, {"full_name": "Bo"}, {}]}
    assert lookup(value, parse_path("images.0.imageUrl").steps) == "a.jpg"
    assert lookup(value, parse_path("creator.*.full_name").steps) == ["Ann", "Bo"]
    assert lookup(value, parse_path("images.3.image_url").steps) is None
    assert lookup(value, parse_path("creator.name").steps) is None


def test_common_aliases_fill_the_fields_without_a_mapping():
    photo = record({"objectID": "o-7", "thumbnailUrl": "https://example.org/o7.jpg", "headline": "Harbour",
                    "description": "Boats at dawn.", "altText": "Three boats", "creditLine": "Gift of A. Smith",
                    "dc:date": "1921", "tags": ["boats", "dawn"], "url": "https://example.org/objects/7"})
    assert (photo.id, photo.image, photo.title, photo.caption) == ("o-7", "https://example.org/o7.jpg", "Harbour",
                                                                   "Boats at dawn.")
    assert (photo.alt, photo.credit, photo.date, photo.keywords) == ("Three boats", "Gift of A. Smith", "1921",
                                                                    ("boats", "dawn"))
    assert photo.page == "https://example.org/objects/7"


def test_url_is_the_image_only_when_it_names_an_image_file():
    assert record({"title": "a", "url": "https://example.org/a.jpg"}).image == "https://example.org/a.jpg"
    page_only = record({"title": "a", "url": "https://example.org/objects/1"})
    assert page_only.image == "" and page_only.page == "https://example.org/objects/1"


def test_a_mapping_replaces_the_fields_paths_and_the_first_non_empty_wins():
    entry = {"images": [{"image_url": ""}, {"image_url": "b.jpg"}], "image": "ignored.jpg",
             "creator": [{"full_name": "Ann"}, {"full_name": "Bo"}], "dc:title": "", "name": "Second choice"}
    photo = record(entry, image=("images.0.image_url", "images.1.image_url"), credit=("creator.*.full_name",),
                   title=('"dc:title"', "name"))
    assert Path(photo.image).name == "b.jpg"
    assert (photo.credit, photo.title) == ("Ann, Bo", "Second choice")


def test_a_list_of_strings_joins_or_becomes_keywords():
    photo = record({"image": "a.jpg", "title": ["Harbour", "Boats"], "caption": ["One.", "Two."],
                    "subjects": ["sea", "boats"]})
    assert (photo.title, photo.caption, photo.keywords) == ("Harbour; Boats", "One. Two.", ("sea", "boats"))


def test_html_in_text_fields_is_reduced_to_its_words():
    photo = record({"image": "a.jpg", "description": "<p>Boats &amp; nets<br>\nat dawn</p>"})
    assert photo.caption == "Boats & nets at dawn"
    assert record({"image": "a.jpg", "caption": "5 < 6 and 7 > 2"}).caption == "5 < 6 and 7 > 2"


def test_an_unusable_value_under_an_alias_is_passed_over_but_not_under_the_fields_own_name():
    # "subjects" in a museum export is a tree of objects, not keywords: the alias means something else there.
    assert record({"image": "a.jpg", "subjects": {"children": []}}).keywords == ()
    with pytest.raises(EntryProblem, match="'keywords' is not a list of words"):
        record({"image": "a.jpg", "keywords": {"children": []}})
    with pytest.raises(EntryProblem, match=re.escape("'title' (from meta.title) is not text")):
        record({"image": "a.jpg", "meta": {"title": {"en": "x"}}}, title=("meta.title",))


def test_alt_given_as_empty_stays_decorative_and_missing_stays_none():
    assert record({"image": "a.jpg", "alt": ""}).alt == ""
    assert record({"image": "a.jpg"}).alt is None
    assert record({"image": "a.jpg", "alt": "", "alt_text": "Boats"}).alt == "Boats"


def test_an_empty_mapping_switches_a_field_off():
    assert record({"image": "a.jpg", "width": "394"}, width=()).width is None


def test_explain_names_the_path_of_each_value_and_the_keys_not_read():
    entry = {"id": 3, "thumbnailUrl": "t.jpg", "title": "T", "medium": "Oil", "contributors": [{"fc": "X"}]}
    found = mapped_values(entry)
    assert {name: str(m.path) for name, m in found.items()} == {"id": "id", "image": "thumbnail_url", "title": "title"}
    assert ignored_keys(entry, found) == ["medium", "contributors"]


def test_unknown_fields_are_refused_naming_the_valid_ones():
    with pytest.raises(ConfigError, match="the field one of id, image, title"):
        parse_map_option("headline=title")
    with pytest.raises(ConfigError, match="the fields are id, image"):
        FieldMap.from_mapping({"colour": ("c",)})


def test_mapping_precedence_flag_then_environment_then_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.captionsearch.fields]\ntitle = ["headline"]\ncaption = ["body"]\n'
                         'credit = "by"\n', encoding="utf-8")
    sources: dict[str, str] = {}
    fields = load_fields({"credit": "creator.*.name"}, pyproject=pyproject,
                         environ={"CAPTIONSEARCH_FIELDS_CAPTION": "summary,abstract"}, sources=sources)
    paths = {f.name: [p.text for p in f.paths] for f in fields.fields}
    assert paths["title"] == ["headline"] and paths["caption"] == ["summary", "abstract"]
    assert paths["credit"] == ["creator.*.name"] and paths["id"][0] == "id"
    assert sources["title"] == "[tool.captionsearch.fields] title"
    assert sources["caption"] == "CAPTIONSEARCH_FIELDS_CAPTION" and sources["credit"] == "--map credit"


def test_a_bad_path_or_field_in_pyproject_names_where(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.captionsearch.fields]\ntitle = ["a..b"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid value for \[tool.captionsearch.fields\] title"):
        load_fields(pyproject=pyproject, environ={})
    pyproject.write_text('[tool.captionsearch.fields]\nheadline = ["a"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'headline'.*known settings: .*long-description"):
        load_fields(pyproject=pyproject, environ={})


def test_every_field_is_a_setting():
    assert tuple(s.name for s in FIELD_SETTINGS) == FIELDS


def test_the_documented_example_mapping_reads_the_documented_record(tmp_path):
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = docs.split("## Field mapping", 1)[1]
    example = re.search(r"records such as\n`(\{.*?\})`", section, re.DOTALL).group(1)
    toml = re.search(r"```toml\n(.*?)```", section, re.DOTALL).group(1)
    tomllib.loads(toml)  # valid TOML as written
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    fields = load_fields(pyproject=tmp_path / "pyproject.toml", environ={})
    entry = json.loads(example.replace('"..."', '"x"'))
    found = mapped_values(entry, fields)
    assert {name: str(m.path) for name, m in found.items()} == {
        "id": "objectID", "image": "images.0.image_url", "title": '"dc:title"', "credit": "creator.*.full_name"}
