"""Draft alt texts from captions, with the trained English pipeline.

The expected drafts (tests/audit/drafting/cases.json) were read as a picture
editor would: what the photo shows, in the caption's own words, or '' when
the caption does not say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from captionsearch.audit.drafting import clean_caption, draft_alts
from captionsearch.errors import PipelineUnavailable

CASES = json.loads((Path(__file__).parent / "drafting" / "cases.json").read_text(encoding="utf-8"))
ARTWORK = "Artist's impression of "


def case_id(case: dict) -> str:
    """A readable test id: the caption's first words."""
    return re.sub(r"\W+", "-", case["caption"][:48]).strip("-").lower()


@pytest.fixture(scope="module")
def drafts() -> dict[str, str]:
    """All the written captions drafted in one call, as the audit drafts a collection."""
    return draft_alts(case["caption"] for case in CASES["captions"])


@pytest.fixture(scope="module")
def gallery(corpus_dir) -> list[dict]:
    """The photos of the bundled gallery, as the manifest lists them."""
    return json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["photos"]


def test_drafts_for_the_bundled_gallery(gallery):
    drafted = draft_alts(photo["caption"] for photo in gallery)
    assert {photo["id"]: drafted[photo["caption"]] for photo in gallery} == CASES["gallery"]


@pytest.mark.parametrize("case", CASES["captions"], ids=case_id)
def test_drafts_for_news_and_museum_captions(case, drafts):
    assert drafts[case["caption"]] == case["draft"]


def test_drafts_use_only_the_captions_own_words(drafts, gallery):
    captions = [case["caption"] for case in CASES["captions"]] + [photo["caption"] for photo in gallery]
    drafted = {**drafts, **draft_alts(photo["caption"] for photo in gallery)}
    for caption in captions:
        said = set(re.findall(r"[\w'-]+", caption.lower()))
        draft = drafted[caption].removeprefix(ARTWORK)
        assert set(re.findall(r"[\w'-]+", draft.lower())) <= said, caption


def test_drafts_start_with_a_capital_and_end_without_punctuation(drafts):
    for draft in filter(None, drafts.values()):
        assert draft[0].isupper() or draft[0].isdigit(), draft
        assert not re.search(r"[,;:!?\u2014-]$", draft), draft
        # A final period only where it belongs to an abbreviation ("Calif.", "U.S.").
        assert not draft.endswith(".") or re.search(r"\b(?:[A-Z][a-z]{0,4}|(?:[A-Z]\.)+[A-Z])\.$", draft), draft


@pytest.mark.parametrize(
    ("photo_id", "max_length", "expected"),
    [
        ("rolling-out", 150, "The Chinese Yutu 2 lunar rover takes its first drive on the far side of the moon"),
        ("rolling-out", 60, "The Chinese Yutu 2 lunar rover takes its first drive"),
        ("rolling-out", 40, "The Chinese Yutu 2 lunar rover"),
        ("rolling-out", 20, ""),
        ("a-soft-landing", 60, "China's Chang'e-4 probe views the far side of the moon"),
        ("yutu-2-on-moons-far-side", 80, "The Chang'e 4 lunar rover, called Yutu 2, begins the short descent"),
        ("the-rover", 60, "Artist's impression of the Chang'e-4 probe's rover"),
    ],
)
def test_long_drafts_are_cut_at_the_end_of_a_phrase(gallery, photo_id, max_length, expected):
    caption = next(photo["caption"] for photo in gallery if photo["id"] == photo_id)
    assert draft_alts([caption], max_length=max_length) == {caption: expected}


def test_every_distinct_caption_gets_an_entry():
    caption = "A humpback whale breaches off the coast of Maui. (Photo: NOAA)"
    assert draft_alts(["", "  ", caption, caption]) == {
        "": "",
        "  ": "",
        caption: "A humpback whale breaches off the coast of Maui",
    }


def test_captions_with_nothing_to_draft_do_not_load_a_pipeline():
    captions = ["", "(AP Photo/Evan Vucci)", "IMG_0042.jpg", "Lorem ipsum dolor sit amet", "Photo: Getty Images"]
    assert draft_alts(captions, pipeline="no_such_pipeline") == dict.fromkeys(captions, "")


def test_an_unknown_pipeline_is_reported():
    with pytest.raises(PipelineUnavailable, match="no_such_pipeline"):
        draft_alts(["A humpback whale breaches off the coast of Maui"], pipeline="no_such_pipeline")


@pytest.mark.parametrize(
    ("caption", "cleaned"),
    [
        ("BEIJING, Jan. 3 (Xinhua) -- The rover leaves the lander.", "The rover leaves the lander."),
        ("KYIV, Ukraine (AP) \u2014 A man walks past.", "A man walks past."),
        ("NEW YORK \u2013 Crowds gather in Times Square.", "Crowds gather in Times Square."),
        ("FILE - A worker walks past a sign.", "A worker walks past a sign."),
        ("The Yutu-2 rover. (Photo: CNSA)", "The Yutu-2 rover."),
        ("Elephants cross a river. Xinhua via AP", "Elephants cross a river."),
        ("A penguin chick. Image credit: NASA/JPL-Caltech", "A penguin chick."),
        ("Fans cheer. REUTERS/Hannah McKay", "Fans cheer."),
        ("A tank in Estonia [Photo/Xinhua]", "A tank in Estonia"),
        ("The Starry Night (1889) hangs in MoMA.", "The Starry Night hangs in MoMA."),
        ("Hokusai, The Great Wave, ca. 1830\u201332.", "Hokusai, The Great Wave."),
        ("See photos here! This Image: On Jan. 3, the probe descends.", "On Jan. 3, the probe descends."),
        ("Pictured: The new train at Paddington.", "The new train at Paddington."),
        ("Image: A whale breaches off Maui.", "A whale breaches off Maui."),
        ("A rally in Bolivia (center) and Peru.", "A rally in Bolivia (center) and Peru."),
        ("NASA's rover - seen here - climbs a hill.", "NASA's rover - seen here - climbs a hill."),
        ("Photo: Getty Images", ""),
        ("Courtesy of the artist.", ""),
        ("DSC_0042.JPG", ""),
    ],
)
def test_clean_caption_takes_away_datelines_credits_and_labels(caption, cleaned):
    assert clean_caption(caption) == cleaned
