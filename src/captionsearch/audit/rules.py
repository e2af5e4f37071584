"""The rules: one declarative entry each. Ids, severities and messages are public interface.

Semantics follow axe-core (image-alt, input-image-alt, area-alt, object-alt,
svg-img-alt, role-img-alt, image-redundant-alt, presentation-role-conflict),
the W3C ACT rules (23a2a8 image has non-empty accessible name, 46ca7f
decorative elements not exposed, 59796f image button has name) and WCAG's
techniques: F30 (file names and placeholders as alt), F38/F39 (decorative
images must be ignorable: alt="" and no title), F65 (missing alt), F89 (image
that is a link's only content without a name), H37 (alt on img), H67 (null
alt for decorative images).
"""

from __future__ import annotations

from . import checks
from .model import PURPOSES, Rule

NOT_DECORATIVE = tuple(p for p in PURPOSES if p != "decorative")

_ALL = (
    Rule(
        id="alt-missing",
        severity="error",
        wcag=("1.1.1", "4.1.2"),
        techniques=("F65", "F89", "H37", "H36", "H24"),
        description="An image exposed to assistive technology has no accessible name.",
        help="Images must have a text alternative",
        fix="Add an alt attribute that says what the image shows or does (alt=\"\" only if it is decorative); "
        "for role=\"img\", svg, object and input type=\"image\" use aria-label or aria-labelledby.",
        messages={
            "default": "<{tag}> has no text alternative: no alt, aria-label, aria-labelledby or title",
            "element": "<{tag}> is exposed as an image but has no accessible name (aria-label, aria-labelledby or title)",
            "whitespace": "alt contains only white space, which is not a text alternative",
            "labelledby": "aria-labelledby points to no element with text, so the image has no name",
            "object": "<object> has no text alternative: no aria-label, aria-labelledby or title "
            "(its fallback content is shown only when the object fails to load, and does not name it)",
            "only-content": "the image is the only content of a {control} but is marked decorative, "
            "so the {control} has no name",
            "markdown": "Markdown image with empty alt text: ![](...) gives a blind reader nothing "
            "(write <img src=\"...\" alt=\"\"> if the image is decorative)",
            "component": "<{tag}> has no alt attribute",
            "record": "photo record has no alt text",
        },
        check=checks.find_alt_missing,
        suggests_alt=True,
    ),
    Rule(
        id="decorative-exposed",
        severity="error",
        wcag=("1.1.1", "4.1.2"),
        techniques=("F38", "F39", "H67"),
        description="An image marked decorative (alt=\"\", role=\"presentation\" or \"none\") is still exposed.",
        help="Decorative images must be ignorable by assistive technology",
        fix="Remove tabindex, global ARIA attributes, aria-label/aria-labelledby and title from the decorative image, "
        "or give it a real alt if it carries meaning.",
        messages={"default": "image is marked decorative but is still exposed: {reasons}"},
        applies_to=("decorative",),
        check=checks.find_decorative_exposed,
    ),
    Rule(
        id="alt-filename",
        severity="error",
        wcag=("1.1.1",),
        techniques=("F30",),
        description="The alt text is a file name, a path or a URL.",
        help="Alt text must not be a file name or URL",
        fix="Replace the file name with a short description of what the image shows.",
        messages={
            "own": "alt text \"{alt}\" is the image's own file name ({file})",
            "file": "alt text \"{alt}\" is a file name",
            "path": "alt text \"{alt}\" is a file path",
            "url": "alt text \"{alt}\" is a URL",
        },
        applies_to=NOT_DECORATIVE,
        literal_only=True,
        check=checks.find_alt_filename,
        suggests_alt=True,
    ),
    Rule(
        id="alt-placeholder",
        severity="error",
        wcag=("1.1.1",),
        techniques=("F30",),
        description="The alt text is placeholder or generic text in place of a description.",
        help="Alt text must describe the image, not stand in for a description",
        fix="Write what the image shows (who, what, where) instead of the placeholder.",
        messages={
            "generic": "alt text \"{alt}\" is a generic placeholder, not a description",
            "camera": "alt text \"{alt}\" is a camera or export file name",
            "instruction": "alt text \"{alt}\" is an unfilled instruction or to-do",
            "symbols": "alt text \"{alt}\" holds only symbols",
        },
        applies_to=NOT_DECORATIVE,
        literal_only=True,
        check=checks.find_alt_placeholder,
        suggests_alt=True,
    ),
    Rule(
        id="alt-vague",
        severity="warning",
        wcag=("1.1.1",),
        techniques=("F30",),
        description="The alt text names nothing concrete (judged from parts of speech and lemmas).",
        help="Alt text should say what the photo shows",
        fix="Describe the subject: name the people, objects and place shown, not the photo's title or mood.",
        messages={"default": "alt text \"{alt}\" may be too vague to describe the photo: {reason}"},
        applies_to=("content",),
        literal_only=True,
        check=checks.find_alt_vague,
        heuristic=True,
        needs_language=True,
        suggests_alt=True,
    ),
    Rule(
        id="alt-redundant-prefix",
        severity="warning",
        wcag=("1.1.1",),
        techniques=("H37",),
        description="The alt text starts or ends with \"image of\", \"photo of\" and the like.",
        help="Alt text should not announce that it is an image",
        fix="Drop the phrase: screen readers already say \"image\" or \"graphic\".",
        messages={"default": "alt text \"{alt}\" contains \"{phrase}\"; screen readers already announce an image"},
        applies_to=NOT_DECORATIVE,
        check=checks.find_alt_redundant_prefix,
    ),
    Rule(
        id="alt-redundant-text",
        severity="warning",
        wcag=("1.1.1",),
        techniques=("H2", "H37"),
        description="The alt text repeats visible text next to the image, so it is read twice.",
        help="Alt text should not repeat the text around the image",
        fix="Make the alt add what the text does not say, or use alt=\"\" when the adjacent text already describes the image.",
        messages={"default": "alt text \"{alt}\" repeats the {where} (\"{text}\"), so it is read twice"},
        applies_to=NOT_DECORATIVE,
        literal_only=True,
        check=checks.find_alt_redundant_text,
    ),
    Rule(
        id="alt-too-long",
        severity="warning",
        wcag=("1.1.1",),
        techniques=("G92", "H37"),
        description="The alt text is longer than the configured limit.",
        help="Alt text should be short; long descriptions belong in visible text",
        fix="Keep the alt to a short description and move the details to a figcaption or an "
        "extended description linked with aria-describedby.",
        messages={"default": "alt text is {length} characters long (limit {limit}); "
                  "move the details to a figcaption or an extended description"},
        applies_to=NOT_DECORATIVE,
        check=checks.find_alt_too_long,
    ),
    Rule(
        id="alt-duplicate",
        severity="notice",
        wcag=("1.1.1",),
        techniques=(),
        description="Different images of one page or gallery share the same alt text.",
        help="Different images should have different alt text",
        fix="Say what distinguishes this image from the others.",
        messages={"default": "alt text \"{alt}\" is also used for a different image at {first} ({image})"},
        applies_to=("content", "functional"),
        literal_only=True,
        check=checks.find_alt_duplicate,
    ),
    Rule(
        id="image-unreadable",
        severity="warning",
        wcag=("1.1.1",),
        techniques=(),
        description="The image file a page or manifest shows cannot be shown: not an image, damaged, or too large.",
        help="The image file must be one a browser can show",
        fix="Re-export the image as a JPEG, PNG or WebP of a sensible size, or point the page at the right file.",
        messages={"default": "the image file {file} cannot be shown: {problem}"},
        check=checks.find_image_unreadable,
    ),
    Rule(
        id="caption-missing",
        severity="notice",
        wcag=("1.1.1",),
        techniques=("G74", "H45"),
        description="A gallery or manifest photo has no caption.",
        help="Gallery photos should have a caption",
        fix="Add a figcaption (or the manifest's caption) with what the photo shows and its context.",
        messages={"default": "gallery photo has no caption"},
        applies_to=("content",),
        check=checks.find_caption_missing,
    ),
    Rule(
        id="caption-vague",
        severity="notice",
        wcag=("1.1.1",),
        techniques=(),
        description="A caption is vague by the same judgement as alt-vague.",
        help="Captions should say what the photo shows",
        fix="Name the subject, place and moment in the caption.",
        messages={"default": "caption \"{caption}\" may be too vague: {reason}"},
        applies_to=("content",),
        check=checks.find_caption_vague,
        heuristic=True,
        needs_language=True,
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}

