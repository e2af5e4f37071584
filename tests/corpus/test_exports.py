"""Real collection exports (pinned samples, see exports/SOURCES.md): every record read, the fields where they belong."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from captionsearch.corpus import read_corpus
from captionsearch.corpus.fields import FieldMap
from captionsearch.corpus.limits import DEFAULT_LIMITS

TATE = Path(__file__).parent / "exports" / "tate"


def test_tate_one_object_per_file_with_the_built_in_aliases():
    result = read_corpus([TATE])
    records = {r.id: r for r in result.records}
    assert sorted(records) == ["1035", "1509", "98671"]
    blake = records["1035"]
    assert blake.image == "http://www.tate.org.uk/art/images/work/A/A00/A00001_8.jpg"
    assert blake.title.startswith("A Figure Bowing before a Seated Old Man")
    assert blake.credit == "Presented by Mrs John Richmond 1922" and blake.date == "date not known"
    assert blake.page.startswith("http://www.tate.org.uk/art/artworks/blake-a-figure-bowing")
    assert records["1509"].image == ""  # not photographed: kept, without an image
    # Tate's width is in millimetres, and sometimes "(each):": reported, the record kept without it.
    (problem,) = result.errors
    assert problem.path.endswith("ar00690-98671.json") and "'width' is not a whole number of pixels" in str(problem)
    assert records["98671"].width is None and records["98671"].title == "Untitled"


def test_tate_with_a_mapping_for_its_artists_and_subject_tree():
    fields = FieldMap.from_mapping({
        "credit": ("contributors.*.fc", "creditLine"),
        "keywords": ("subjects.children.*.children.*.children.*.name",),
        "width": (), "height": (),
    })
    result = read_corpus([TATE], limits=replace(DEFAULT_LIMITS, fields=fields))
    assert result.errors == ()
    blake = next(r for r in result.records if r.id == "1035")
    assert blake.credit == "Robert Blake" and blake.width is None
    assert blake.keywords == ("arm/arms raised", "kneeling", "sitting", "man", "man, old", "blessing")
