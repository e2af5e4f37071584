"""The bundled gallery: the audit finds what a careful reviewer would, and nothing else.

Each photo's alt is the slide title (shown as an h2 outside the figure); the
figcaption holds the long caption. The verdict per photo, and why:
"""

from __future__ import annotations

from captionsearch.audit import RULES
from captionsearch.audit.config import AuditConfig
from captionsearch.audit.runner import audit_paths

VAGUE, FINE = "alt-vague", None
VERDICTS = {
    # an event, not what is shown (the probe's view of the far side while descending)
    "01-a-soft-landing.jpg": VAGUE,
    # a slogan: no noun names anything in the photo of the lunar surface
    "02-exploring-the-unexplored.jpg": VAGUE,
    # names what the photo shows, the Moon's surface; the figcaption gives the context
    "03-the-lunar-surface.jpg": FINE,
    # a verb and a particle; the photo shows the Yutu 2 rover driving off
    "04-rolling-out.jpg": VAGUE,
    # names the rover and where it is: descriptive
    "05-yutu-2-on-moons-far-side.jpg": FINE,
    # one bare noun: which probe, doing what? (the photo is a simulated landing)
    "06-the-probe.jpg": VAGUE,
    # "art" and "mission" name no visible thing (an artist's view of the probe landing)
    "07-some-art-for-the-mission.jpg": VAGUE,
    # one bare noun; does not say it is an artist's image of the rover on the surface
    "08-the-rover.jpg": VAGUE,
    # an activity and an abstract noun; the photo is a landing simulation in a control centre
    "09-preparing-for-the-journey.jpg": VAGUE,
    # a verb and a particle; the photo shows a simulation on a monitor
    "10-closing-in.jpg": VAGUE,
    # no noun at all; the photo shows a simulated probe descending
    "11-down-and-down.jpg": VAGUE,
}


def test_gallery_findings_match_a_careful_review(corpus_dir):
    result = audit_paths([corpus_dir], AuditConfig(pipeline="en_core_web_sm"))
    assert not result.errors
    found = {(f.image.rsplit("/", 1)[-1], f.rule) for f in result.findings}
    expected = {(image, rule) for image, rule in VERDICTS.items() if rule}
    assert found == expected
    assert all(f.path.endswith("chang-e-4-gallery.html") for f in result.findings)
    assert all(f.severity == RULES["alt-vague"].severity == "warning" for f in result.findings)
    assert all(f.heuristic and "too vague to describe the photo: " in f.message for f in result.findings)


def test_gallery_passes_ci_at_the_default_fail_on(corpus_dir):
    result = audit_paths([corpus_dir], AuditConfig(pipeline="en_core_web_sm"))
    assert result.failing("error") == () and len(result.failing("warning")) == 9
