"""Alt texts a careful author writes, per image purpose, pass; the classic mistakes are caught.

The examples (examples/alt-examples.json) were written for this project, a
set for each purpose an image can have on a page. Each is audited
as a page of its own, with every rule on, as a user runs the audit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths
from captionsearch.audit.sources import scan_text

EXAMPLES = json.loads((Path(__file__).parent / "examples" / "alt-examples.json").read_text(encoding="utf-8"))
PAGE = '<!doctype html><html lang="en"><head><title>Example</title></head><body>\n<main>\n{}\n</main>\n</body></html>\n'
MOST_FLAGGED = 0.04  # of the good examples, at most this share may get a warning or an error


def write(folder: Path, name: str, example: str | dict) -> Path:
    if isinstance(example, dict) and "markdown" in example or isinstance(example, str) and example.startswith(("!", "[")):
        text = example["markdown"] if isinstance(example, dict) else example
        path = folder / f"{name}.md"
        path.write_text(f"# Example\n\nThe page's own words come first.\n\n{text}\n", encoding="utf-8")
    else:
        path = folder / f"{name}.html"
        path.write_text(PAGE.format(example["html"] if isinstance(example, dict) else example), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("examples")
    good = {str(write(folder, f"good-{purpose}-{n}", example)): (purpose, example)
            for purpose, examples in EXAMPLES["good"].items() for n, example in enumerate(examples)}
    bad = {str(write(folder, f"bad-{n}", example)): example for n, example in enumerate(EXAMPLES["bad"])}
    result = audit_paths([folder], AuditConfig(pipeline="en_core_web_sm"))
    assert not result.errors
    return good, bad, result


def test_good_alts_for_every_purpose_are_rarely_flagged(audited):
    good, _, result = audited
    flagged = {f.path: f for f in result.findings if f.path in good and f.severity != "notice"}
    share = len(flagged) / len(good)
    listing = "\n".join(f"{good[p][0]}: {good[p][1]} -> [{f.rule}] {f.message}" for p, f in flagged.items())
    assert share <= MOST_FLAGGED, f"{len(flagged)} of {len(good)} good examples flagged:\n{listing}"


def test_every_classic_mistake_is_caught_by_its_rule(audited):
    _, bad, result = audited
    missed = [example for path, example in bad.items()
              if not any(f.path == path and f.rule == example["rule"] for f in result.findings)]
    assert not missed


def test_images_are_given_the_purpose_their_markup_shows(audited):
    good, _, _ = audited
    wrong = []
    for path, (purpose, _) in good.items():
        subjects = scan_text(Path(path).read_text(encoding="utf-8"), path).subjects
        if subjects[-1].purpose != purpose:
            wrong.append(f"{purpose} taken for {subjects[-1].purpose} ({subjects[-1].purpose_reason}): {good[path][1]}")
    # Markup cannot always tell an image of text from a photo, or a status icon from content;
    # the wording rules are written to be right either way, and this keeps the guess honest.
    assert len(wrong) <= len(good) // 10, "\n".join(wrong)
