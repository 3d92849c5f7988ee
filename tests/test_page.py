"""Straightening a photo of a drawing on a table (colorizer.page), on pinhole-camera photos made here."""
import numpy as np
import pytest
from PIL import Image, ImageFilter

from colorizer import line_art_sketch
from colorizer.page import PAGE_INSET, find_page, order_corners, page_size, straighten_page
from tests.synthetic import anime_frame, line_art
from training.paper_eval import camera_corners, on_a_table

PHOTO = (900, 700)
TILTS = [(0.45, 0.0, 0.1), (0.3, -0.4, -0.25), (0.1, 0.55, 0.35), (0.0, 0.0, 0.05)]


def drawing(width: int = 420, height: int = 594) -> np.ndarray:
    """uint8 (height, width, 3) line art on white paper, with no frame drawn round it."""
    art = np.asarray(line_art(512).resize((width, height)))[8:-8, 8:-8]
    return np.pad(art, ((8, 8), (8, 8), (0, 0)), constant_values=255)


def photographed(tilt, rng, table=(95, 70, 55), aspect=420 / 594) -> tuple[Image.Image, np.ndarray]:
    """A photo of drawing() on a table, and the sheet's true corners (float32 (4, 2), shares of the photo)."""
    corners = camera_corners(aspect, tilt, PHOTO, focal=800, distance=1.7)
    photo = on_a_table(drawing(), corners, PHOTO, table, rng)
    return Image.fromarray(photo), corners / np.array(PHOTO, np.float32)


@pytest.mark.parametrize("tilt", TILTS)
def test_the_sheet_is_found_at_its_corners(tilt, rng):
    photo, corners = photographed(tilt, rng)
    found = find_page(photo)
    assert found is not None
    expected = corners + PAGE_INSET * (corners.mean(axis=0) - corners)
    assert np.abs((found - expected) * np.array(PHOTO)).max() < 6  # pixels of a 900 px photo


@pytest.mark.parametrize("tilt", TILTS)
def test_the_straightened_sheet_keeps_the_drawings_proportions_and_lines(tilt, rng):
    photo, _ = photographed(tilt, rng)
    page = straighten_page(photo, find_page(photo))
    assert page.size[0] / page.size[1] == pytest.approx(420 / 594, rel=0.03)
    truth = np.asarray(line_art_sketch(Image.fromarray(drawing()).resize(page.size))) < 128
    lines = np.asarray(line_art_sketch(page)) < 128
    near = lambda mask: np.asarray(Image.fromarray(mask).filter(ImageFilter.MaxFilter(9)))
    assert (lines & near(truth)).sum() / lines.sum() > 0.9  # its lines lie on the drawing's
    assert (truth & near(lines)).sum() / truth.sum() > 0.9  # and the drawing's are all there


def test_a_table_too_pale_to_tell_from_paper_or_no_sheet_at_all_finds_none(rng):
    assert find_page(photographed(TILTS[0], rng, table=(235, 232, 228))[0]) is None
    assert find_page(Image.fromarray(drawing())) is None  # a scan: the paper fills the picture
    assert find_page(line_art(300)) is None  # a frame drawn round the drawing is not a sheet
    assert find_page(anime_frame(rng, 300, 200)) is None
    assert find_page(Image.new("RGB", (40, 30), (20, 20, 20))) is None
    assert find_page(Image.new("L", (8, 8), 255)) is None


def test_a_sheet_seen_square_on_keeps_its_edge_lengths():
    corners = np.array([[0.2, 0.1], [0.7, 0.1], [0.7, 0.9], [0.2, 0.9]], np.float32)  # no perspective to read
    assert page_size((1000, 500), corners) == (500, 400)


def test_corners_are_ordered_clockwise_from_the_top_left():
    square = np.array([[10, 10], [90, 12], [88, 95], [8, 90]], np.float32)
    shuffled = square[[2, 0, 3, 1]]
    assert np.array_equal(order_corners(shuffled), square)


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_straighten_page_gives_the_asked_size_and_mode_also_when_it_shrinks(mode, rng):
    photo, _ = photographed(TILTS[1], rng)
    corners = find_page(photo)
    for size in [(123, 171), (40, 60)]:
        page = straighten_page(photo.convert(mode), corners, size)
        assert page.size == size and page.mode == mode
        assert np.median(np.asarray(page.convert("L"))) > 200  # paper, not table


def test_corners_marked_by_hand_are_ordered_and_checked():
    from colorizer.page import check_corners

    marked = np.array([[0.8, 0.85], [0.1, 0.1], [0.15, 0.9], [0.9, 0.2]], np.float32)
    assert np.array_equal(check_corners(marked), marked[[1, 3, 0, 2]])
    for bad in ([[0.1, 0.1], [0.9, 0.1], [0.4, 0.4], [0.1, 0.9]],  # one corner pushed inside: not convex
                [[0.1, 0.1], [0.2, 0.1], [0.2, 0.12], [0.1, 0.12]],  # a sliver
                [[0.1, 0.1], [0.1, 0.1], [0.9, 0.9], [0.1, 0.9]]):  # two corners on one spot
        with pytest.raises(ValueError, match="one handle on each corner"):
            check_corners(np.array(bad, np.float32))


def test_handles_on_the_canvas_give_back_their_corners_and_clicked_points_count_last_four():
    from pages.parts.corners import corner_handles, handle_corners

    size, corners = (400, 300), np.array([[0.2, 0.1], [0.8, 0.15], [0.85, 0.9], [0.1, 0.8]], np.float32)
    drawing = corner_handles(corners, size)
    assert np.allclose(handle_corners(drawing, size), corners)
    # the point tool's circles: origin left / center, the left edge of the stroke at x - (radius + stroke / 2)
    clicked = [{"type": "circle", "left": x - 10, "top": y, "radius": 9, "strokeWidth": 2, "originX": "left",
                "originY": "center"} for x, y in [(40, 30), (360, 40), (350, 280), (50, 270)]]
    drawing["objects"] += clicked[:3]
    assert np.allclose(handle_corners(drawing, size)[0], corners[3])  # three clicks: one handle still counts
    drawing["objects"] += clicked[3:] + [{"type": "path"}]
    assert np.allclose(handle_corners(drawing, size), [[0.1, 0.1], [0.9, 40 / 300], [0.875, 280 / 300], [0.125, 0.9]])
    assert handle_corners({"objects": clicked[:3]}, size) is None and handle_corners(None, size) is None
