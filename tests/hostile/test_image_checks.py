"""images.image_problem(): the index-time check of one image file, as one line (the audit calls it too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from captionsearch.images import ImageLimits, image_problem, inspect_image

from . import cases

EXPECTED = {
    "good.jpg": None,
    "bomb.png": "has 400,000,000 pixels, over image-max-pixels (89,478,485)",
    "not-an-image.jpg": "is not an image of a known type (JPEG, PNG, WebP, TIFF or GIF)",
    "truncated.jpg": "cannot be decoded (",
    "empty.jpg": "is empty",
    "postscript.jpg": "is not an image of a known type",
    "folder.jpg": "is not a regular file",
    "loop-a.jpg": "cannot be opened (",
    "missing.jpg": "cannot be opened (",
}


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("images")
    cases.image_case(folder / "outside").write(folder)
    return folder / "images"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_image_problem_names_what_is_wrong_in_one_line(image_folder: Path, name: str) -> None:
    problem = image_problem(image_folder / name)
    if EXPECTED[name] is None:
        assert problem is None
    else:
        assert problem is not None and EXPECTED[name] in problem and "\n" not in problem


def test_the_limits_are_the_callers(image_folder: Path) -> None:
    assert image_problem(image_folder / "large-file.png") is None
    assert "over image-max-mb (1)" in image_problem(image_folder / "large-file.png", ImageLimits(max_bytes=1 << 20))
    assert "320 x 240 = 76,800 pixels, over image-max-pixels (1,000)" in image_problem(
        image_folder / "good.jpg", ImageLimits(max_pixels=1_000))


def test_a_good_image_comes_back_with_its_upright_size(image_folder: Path) -> None:
    assert (inspect_image(image_folder / "good.jpg").width, inspect_image(image_folder / "good.jpg").height) == (320, 240)
