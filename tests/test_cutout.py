"""Transparent paper (colorizer.cutout): the paper around a character goes clear, the character stays."""
import io
import zipfile

import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer import RegionFill
from colorizer.cutout import (clear_paper, cut_out, on_checkerboard, outer_part, paper_mask, paper_share,
                              region_medians, scaled_gap, transparent_paper)
from colorizer.images import to_rgb
from colorizer.layers import layers_zip

SKIN, HAIR = (240, 190, 160), (90, 60, 200)


def character(size: int = 256, colour_paper=(255, 255, 255)) -> tuple[Image.Image, Image.Image]:
    """(sketch "L", result RGB) of a character on paper: a skin ellipse outlined in black holding a white shirt
    (enclosed) and a hair cap, on paper of ``colour_paper``."""
    sketch = np.full((size, size), 255, np.uint8)
    result = np.zeros((size, size, 3), np.uint8)
    result[:] = colour_paper
    centre, axes = (size // 2, size // 2), (size // 4, size * 3 // 8)
    cv2.ellipse(result, centre, axes, 0, 0, 360, SKIN, -1)
    cv2.ellipse(result, (size // 2, size * 5 // 8), (size // 8, size // 8), 0, 0, 360, (255, 255, 255), -1)
    cv2.ellipse(result, (size // 2, size * 3 // 8), (size // 5, size // 10), 0, 0, 360, HAIR, -1)
    for image, ink in ((sketch, 0), (result, (20, 20, 20))):
        cv2.ellipse(image, centre, axes, 0, 0, 360, ink, 3, cv2.LINE_AA)
        cv2.ellipse(image, (size // 2, size * 5 // 8), (size // 8, size // 8), 0, 0, 360, ink, 2, cv2.LINE_AA)
        cv2.ellipse(image, (size // 2, size * 3 // 8), (size // 5, size // 10), 0, 0, 360, ink, 2, cv2.LINE_AA)
    return Image.fromarray(sketch, "L"), Image.fromarray(result, "RGB")


def alpha(image: Image.Image) -> np.ndarray:
    return np.asarray(image)[..., 3]


def test_the_paper_goes_clear_and_the_character_with_its_white_shirt_stays():
    sketch, result = character()
    cut = transparent_paper({"result": result}, sketch)["result"]
    assert cut.mode == "RGBA" and cut.size == result.size
    a = alpha(cut)
    assert a[0, 0] == 0 and a[-1, -1] == 0 and a[128, 5] == 0  # the paper
    assert a[140, 90] == 255 and a[160, 128] == 255  # the skin, and the white shirt it encloses
    assert a[96, 128] == 255  # the hair
    assert np.array_equal(np.asarray(cut)[140, 90, :3], SKIN)  # opaque pixels keep the result's colour
    assert 0.5 < paper_share(cut) < 0.8


def test_the_outline_stays_and_its_soft_edge_is_dark_ink_partly_clear():
    sketch, result = character()
    cut = np.asarray(transparent_paper({"result": result}, sketch)["result"])
    gray = np.asarray(sketch)
    row = gray[128, :64]  # from the paper into the outline at the left
    soft = np.flatnonzero((row > 160) & (row < 250))
    assert soft.size > 0
    for x in soft:
        assert 0 < cut[128, x, 3] < 255
        assert cut[128, x, :3].max() < 120  # un-mixed from the paper: ink, not a white fringe
    assert cut[128, np.argmin(row), 3] == 255  # the line itself


def test_paper_the_artist_coloured_is_not_cut():
    sketch, result = character(colour_paper=(120, 170, 230))
    cut = transparent_paper({"result": result}, sketch)["result"]
    assert paper_share(cut) == 0
    assert alpha(cut).min() == 255


def test_a_nearly_white_paper_with_a_faint_tint_is_still_paper():
    sketch, result = character(colour_paper=(236, 230, 228))
    assert paper_share(transparent_paper({"result": result}, sketch)["result"]) > 0.5


def test_a_white_part_the_paper_reaches_through_a_narrow_gap_in_the_outline_stays():
    sketch, result = (np.asarray(image).copy() for image in character())
    drawn = np.zeros(sketch.shape, bool)
    drawn[:, 122:134] = sketch[:, 122:134] < 255  # a 12 px break through the outline, top and bottom
    sketch[drawn], result[drawn] = 255, 255
    result[result[..., 0] == SKIN[0]] = 255  # the skin came out white: only the outline tells it from the paper
    paper = paper_mask(sketch, result, gap=2, narrow=12)
    assert paper[0, 0] and paper[128, 5]
    assert not paper[128, 100] and not paper[128, 150]  # the white body inside stays
    assert paper_mask(sketch, result, gap=2, narrow=3)[128, 100]  # cut apart only at passages narrower than 2 x narrow


def test_a_strip_of_paper_between_locks_of_hair_opening_onto_the_paper_goes_clear():
    candidates = np.ones((200, 200), bool)
    candidates[60:, 40:160] = False  # a head
    candidates[20:60, 90:96] = False  # two locks of hair, a 6 px strip of paper between them
    candidates[20:60, 104:110] = False
    outer = outer_part(candidates, narrow=8)
    assert outer[10, 10] and outer[40, 100]  # the strip is nearest to the paper it opens onto
    assert not outer[100, 100]


def test_a_coloured_part_that_runs_into_the_paper_keeps_its_colour():
    sketch, result = (np.asarray(image).copy() for image in character())
    cv2.rectangle(result, (2, 100), (40, 140), HAIR, -1)  # hair spilling past a missing outline
    paper = paper_mask(sketch, result)
    assert not paper[120, 20] and paper[20, 20]


def test_flat_colours_are_clear_on_the_paper_without_its_ink_and_other_layers_pass_through():
    sketch, result = character()
    layers = transparent_paper({"result": result, "flat": result, "sketch": sketch}, sketch, RegionFill(gap=3))
    flat = alpha(layers["flat"])
    assert layers["sketch"] is sketch
    assert set(np.unique(flat)) == {0, 255}
    assert np.array_equal(flat == 0, (alpha(layers["result"]) < 255) & (np.asarray(sketch) >= 160))
    assert flat[0, 0] == 0 and flat[128, 128] == 255


def test_a_larger_picture_closes_the_same_share_of_gaps():
    assert scaled_gap(2, (512, 300)) == 2 and scaled_gap(2, (200, 100)) == 2
    assert scaled_gap(2, (2048, 1024)) == 8 and scaled_gap(3, (1024, 4096)) == 24


def test_cut_out_without_paper_is_the_result_opaque():
    sketch, result = character()
    cut = cut_out(result, sketch, np.zeros((256, 256), bool))
    assert alpha(cut).min() == 255 and np.array_equal(np.asarray(cut)[..., :3], np.asarray(result))


def test_shown_on_a_checkerboard_and_laid_on_white():
    sketch, result = character(64)
    cut = transparent_paper({"result": result}, sketch)["result"]
    board = np.asarray(on_checkerboard(cut, square=8))
    assert board[0, 0].tolist() == [255] * 3 and board[0, 8].tolist() == [204] * 3  # clear paper shows the board
    assert np.array_equal(np.asarray(to_rgb(cut))[32, 32], np.asarray(result)[32, 32])
    assert np.asarray(to_rgb(cut))[0, 0].tolist() == [255] * 3
    assert on_checkerboard(result).mode == "RGB" and paper_share(result) == 0


def test_the_layers_zip_keeps_the_transparency():
    sketch, result = character(64)
    layers = transparent_paper({"result": result, "flat": result}, sketch)
    data = layers_zip("pic", layers["result"], layers["flat"], sketch, None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        composite = Image.open(io.BytesIO(archive.read("pic_composite.png")))
        flat = Image.open(io.BytesIO(archive.read("pic_flat.png")))
    assert composite.mode == flat.mode == "RGBA"
    assert alpha(composite)[0, 0] == 0 and alpha(flat)[0, 0] == 0
    plain = layers_zip("pic", result, result, sketch, None)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        assert Image.open(io.BytesIO(archive.read("pic_composite.png"))).mode == "RGB"


def test_a_large_picture_is_cut_as_its_smaller_copy_shows_up_to_the_lines_own_edges():
    sketch, result = character(2400)
    cut = transparent_paper({"result": result}, sketch)["result"]
    a, gray = alpha(cut), np.asarray(sketch)
    assert a[0, 0] == 0 and a[1200, 700] == 255 and a[1500, 1200] == 255  # paper; the skin and the shirt
    small = transparent_paper({"result": result.resize((256, 256))}, sketch.resize((256, 256)))
    assert abs(paper_share(cut) - paper_share(small["result"])) < 0.01
    row = gray[1200, :700]  # from the paper to the outline at the left
    edge = np.flatnonzero(row < 250)[0]
    assert a[1200, edge - 1] == 0 and a[1200, :edge].max() == 0  # clear right up to the outline's ink


def test_odd_pictures_a_framed_one_has_no_paper_a_blank_one_is_all_paper_a_black_one_none():
    from tests.synthetic import three_region_frame

    framed = three_region_frame(120, 200).convert("L")  # a line runs round its edge: no region touches it
    blank, black, strip = Image.new("L", (8, 8), 255), Image.new("L", (64, 64), 0), Image.new("L", (3000, 20), 255)
    share = lambda sketch: paper_share(transparent_paper({"result": sketch.convert("RGB")}, sketch)["result"])
    assert share(framed) == 0 and share(black) == 0
    assert share(blank) == 1 and share(strip) == 1


def test_the_cut_is_anti_aliased_where_no_line_runs_along_it():
    sketch = Image.new("L", (200, 200), 255)  # no lines: the disc's edge is a colour edge only
    result = np.full((200, 200, 3), 255, np.uint8)
    cv2.circle(result, (100, 100), 50, HAIR, -1)
    a = alpha(transparent_paper({"result": Image.fromarray(result)}, sketch)["result"])
    distance = np.hypot(*np.mgrid[-100:100, -100:100]).astype(np.float32)
    assert np.all(a[distance < 48] == 255) and np.all(a[distance > 53] == 0)
    edge = a[(distance > 48) & (distance < 52)]
    assert ((edge > 0) & (edge < 255)).mean() > 0.15  # its outer ring partly clear (a hard cut: none)


@pytest.mark.parametrize("size", [256, 2400])
def test_paper_the_character_encloses_goes_clear_where_the_artist_clicks_it(size):
    sketch, result = character(size)  # the white shirt stands in for paper between an arm and the body
    shirt = (size // 2, size * 5 // 8)
    assert alpha(transparent_paper({"result": result}, sketch)["result"])[shirt[1], shirt[0]] == 255
    cut = alpha(transparent_paper({"result": result}, sketch, spots=[(0.5, 0.625)])["result"])
    assert cut[shirt[1], shirt[0]] == 0 and cut[0, 0] == 0
    assert cut[size * 140 // 256, size * 90 // 256] == 255 and cut[size * 96 // 256, size // 2] == 255  # skin, hair
    on_line = (0.5, (5 * size // 8 - size // 8) / size)  # the shirt's top outline: a region beside it is taken
    before = paper_share(transparent_paper({"result": result}, sketch)["result"])
    assert paper_share(transparent_paper({"result": result}, sketch, spots=[on_line])["result"]) > before


def test_a_picture_with_its_own_transparency_gets_it_back_colours_unmixed_from_the_white():
    from colorizer.cutout import own_transparency

    alpha = np.zeros((40, 60), np.uint8)
    alpha[10:30, 15:45], alpha[10:30, 14] = 255, 128  # a box, one column of its edge half clear
    colour = np.full((40, 60, 3), (200, 40, 40), np.uint8)
    on_white = np.round(colour * (alpha[..., None] / 255.0) + 255 * (1 - alpha[..., None] / 255.0)).astype(np.uint8)
    result, mask = Image.fromarray(on_white), Image.fromarray(alpha, "L")
    layers = own_transparency({"result": result, "flat": result, "sketch": "kept"}, mask)
    cut, flat = np.asarray(layers["result"]), np.asarray(layers["flat"])
    assert np.array_equal(cut[..., 3], alpha) and np.array_equal(flat[..., 3], alpha) and layers["sketch"] == "kept"
    assert np.abs(cut[20, 14, :3].astype(int) - (200, 40, 40)).max() <= 2  # the half-clear edge: red, not pink
    assert cut[0, 0, :3].tolist() == [255, 255, 255] and cut[20, 30, :3].tolist() == [200, 40, 40]
    larger = own_transparency({"result": result.resize((120, 80))}, mask)["result"]
    assert larger.size == (120, 80) and np.asarray(larger)[0, 0, 3] == 0 and np.asarray(larger)[40, 60, 3] == 255


def test_clear_paper_gives_a_pictures_own_transparency_else_finds_the_paper_and_takes_clicks():
    sketch, result = character()
    found = np.asarray(clear_paper({"result": result}, sketch)["result"])
    assert np.array_equal(found, np.asarray(transparent_paper({"result": result}, sketch)["result"]))
    shirt = (0.5, 5 / 8)  # the white shirt the character encloses: clicked, it goes clear too
    clicked = alpha(clear_paper({"result": result}, sketch, RegionFill(), spots=[shirt])["result"])
    assert clicked[160, 128] == 0 and alpha(Image.fromarray(found))[160, 128] == 255
    own = np.zeros((256, 256), np.uint8)
    own[100:150, 100:150] = 255  # the file's own alpha wins over paper found or clicked
    kept = clear_paper({"result": result}, sketch, spots=[shirt], alpha=Image.fromarray(own, "L"))["result"]
    assert np.array_equal(alpha(kept), own)


def test_region_medians_are_each_groups_lower_median_per_channel():
    pixels = np.array([[10, 200], [30, 100], [20, 0], [255, 7], [5, 9]], np.uint8)
    ids = np.array([0, 0, 0, 2, 2])
    assert region_medians(pixels, ids, 4).tolist() == [[20, 100], [0, 0], [5, 7], [0, 0]]
