import argparse

import cv2

import numpy as np
import pytest

from colorizer.__main__ import add_fill_arguments, fill_from_args
from colorizer.regions import (HINT_TOLERANCE, RegionFill, absorb_faint_lines, brush_edges, fill_labels, fill_means,
                               fill_regions, group_medians, line_regions, near_colour, on_blank_paper, paper_hints,
                               region_means, stray_paint)

RED = (230, 30, 40)


def split_sketch(gap_width: int = 0) -> np.ndarray:
    """64 x 64 white sketch, a 2-px vertical line at x = 31-32 with a gap of ``gap_width`` px at y 30+."""
    sketch = np.full((64, 64), 255, np.uint8)
    sketch[:, 31:33] = 0
    sketch[30:30 + gap_width, 31:33] = 255
    return sketch


def shaded(rng_seed: int = 0) -> np.ndarray:
    """A network-like output: grey-brown with a horizontal shading ramp and noise, uint8 (64, 64, 3)."""
    ramp = np.linspace(-20, 20, 64)[None, :, None]
    noise = np.random.default_rng(rng_seed).normal(0, 3, (64, 64, 3))
    return np.clip(np.array([150, 120, 100]) + ramp + noise, 0, 255).astype(np.uint8)


def stroke(colour=RED, rows=slice(10, 14), cols=slice(5, 20)) -> tuple[np.ndarray, np.ndarray]:
    rgb, mask = np.zeros((64, 64, 3), np.uint8), np.zeros((64, 64), bool)
    mask[rows, cols] = True
    rgb[mask] = colour
    return rgb, mask


def test_line_regions_split_at_lines_and_number_regions_from_one():
    labels = line_regions(split_sketch())
    assert labels.dtype == np.int32 and labels.shape == (64, 64)
    assert np.all(labels[:, 31:33] == 0)
    assert len(np.unique(labels[:, :31])) == 1 and len(np.unique(labels[:, 33:])) == 1
    assert labels[0, 0] != labels[0, 63]
    assert sorted(np.unique(labels)) == [0, 1, 2]


def test_gap_closing_cuts_regions_at_narrow_openings_only():
    sketch = split_sketch(gap_width=3)
    assert line_regions(sketch, gap=0)[5, 5] == line_regions(sketch, gap=0)[5, 60]  # leaks through
    closed = line_regions(sketch, gap=2)
    assert closed[5, 5] != closed[5, 60]
    assert len(np.unique(closed[:, :20])) == 1 and len(np.unique(closed[:, 45:])) == 1
    assert np.all(closed[sketch >= 160] > 0)  # every paper pixel keeps a region
    wide = split_sketch(gap_width=12)  # an opening wider than 2 * gap stays open
    assert line_regions(wide, gap=2)[5, 5] == line_regions(wide, gap=2)[5, 60]


def test_strip_thinner_than_the_gap_stays_a_region_of_its_own():
    sketch = np.full((64, 64), 255, np.uint8)
    sketch[:, 20], sketch[:, 23] = 0, 0  # a 2-px-wide strip between two lines
    labels = line_regions(sketch, gap=2)
    strip = np.unique(labels[:, 21:23])
    assert len(strip) == 1 and strip[0] not in (labels[0, 0], labels[0, 60])
    assert sorted(np.unique(labels)) == [0, 1, 2, 3]


def test_hint_colour_fills_its_whole_region_and_keeps_shading():
    sketch, colour = split_sketch(), shaded()
    rgb, mask = stroke()
    out = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, flatness=0.0, unhinted=False))
    left = out[:, :31].reshape(-1, 3).astype(float)
    assert np.allclose(left.mean(axis=0), RED, atol=2.0)
    ramp = lambda image: image[30:, 25, 0].astype(float).mean() - image[30:, 2, 0].astype(float).mean()
    assert ramp(out) == pytest.approx(ramp(colour), abs=1.0)  # shading kept away from the stroke
    assert np.array_equal(out[:, 31:], colour[:, 31:])  # lines and the other region untouched


def test_the_stroke_sets_its_regions_colour_and_leaves_no_streak_or_halo():
    colour = shaded()
    rgb, mask = stroke()
    streaked = colour.copy()
    streaked[8:16, 3:22] = (255, 180, 180)  # the network copied the stroke, brighter, with a halo around it
    out = fill_regions(streaked, split_sketch(), rgb, mask, RegionFill(gap=0, flatness=0.3, unhinted=False)).astype(float)
    under, rest = out[10:14, 5:20].reshape(-1, 3).mean(axis=0), out[30:, :31].reshape(-1, 3).mean(axis=0)
    assert np.allclose(under, RED, atol=2) and np.abs(under - rest).max() < 8  # rest: RED + 70 % of the ramp


def test_flatness_one_paints_one_flat_colour():
    rgb, mask = stroke()
    out = fill_regions(shaded(), split_sketch(), rgb, mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.all(out[:, :31] == RED)
    half = fill_regions(shaded(), split_sketch(), rgb, mask, RegionFill(gap=0, flatness=0.5, unhinted=False))
    assert 0 < half[:, :31].astype(float).std(axis=(0, 1)).max() < shaded()[:, :31].astype(float).std(axis=(0, 1)).max()


def test_closed_gap_stops_the_fill():
    sketch, colour = split_sketch(gap_width=3), shaded()
    rgb, mask = stroke()
    leaking = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    closed = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=2, flatness=1.0, unhinted=False))
    assert np.all(leaking[:, 45:] == RED)
    assert np.array_equal(closed[:, 45:], colour[:, 45:]) and np.all(closed[:, :20] == RED)


def test_two_colours_in_one_region_leave_it_to_the_network():
    rgb, mask = stroke()
    blue_rgb, blue_mask = stroke((20, 60, 220), rows=slice(40, 44))
    out = fill_regions(shaded(), split_sketch(), rgb + blue_rgb, mask | blue_mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.array_equal(out, shaded())


def test_unhinted_regions_even_out_only_when_asked():
    colour = shaded()
    no_rgb, no_mask = np.zeros((64, 64, 3), np.uint8), np.zeros((64, 64), bool)
    assert np.array_equal(fill_regions(colour, split_sketch(), no_rgb, no_mask, RegionFill(unhinted=False)), colour)
    flat = fill_regions(colour, split_sketch(), no_rgb, no_mask, RegionFill(gap=0, flatness=1.0, unhinted=True))
    right = flat[:, 33:].reshape(-1, 3)
    assert np.all(right == right[0])
    assert np.allclose(right[0], colour[:, 33:].reshape(-1, 3).mean(axis=0), atol=1.0)


def test_specks_keep_the_network_colours():
    sketch = split_sketch()
    sketch[50:54, 5:9] = 0
    sketch[51:53, 6:8] = 255  # a 4-px speck enclosed by lines
    rgb, mask = stroke(rows=slice(51, 53), cols=slice(6, 8))
    out = fill_regions(shaded(), sketch, rgb, mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.array_equal(out, shaded())


@pytest.mark.parametrize("settings", [dict(gap=-1), dict(gap=9), dict(flatness=1.5), dict(flatness=-0.1),
                                      dict(line_level=0), dict(line_level=256), dict(leak_guard=-1),
                                      dict(leak_guard=101)])
def test_bad_settings_are_refused_with_the_allowed_range(settings):
    with pytest.raises(ValueError, match="gap must be 0-8|between 0 and 1|level must be 1-255|guard must be 0-100"):
        RegionFill(**settings)


def test_stray_stroke_edge_pixels_are_outvoted():
    rgb, mask = stroke(rows=slice(10, 16))
    rgb[10] = (120, 20, 30)  # one edge row of six blended with the paper, as a browser canvas does
    out = fill_regions(shaded(), split_sketch(), rgb, mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.all(out[:, :31] == RED)


def test_a_dominant_colour_wins_a_region_only_by_a_clear_majority():
    rgb, mask = stroke(rows=slice(10, 20))  # 150 red pixels
    blue_rgb, blue_mask = stroke((20, 60, 220), rows=slice(40, 42))  # 30 blue: red has 83 %
    out = fill_regions(shaded(), split_sketch(), rgb + blue_rgb, mask | blue_mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.all(out[:, :31] == RED)
    blue_rgb, blue_mask = stroke((20, 60, 220), rows=slice(40, 45))  # 75 blue: red has 67 %
    out = fill_regions(shaded(), split_sketch(), rgb + blue_rgb, mask | blue_mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.array_equal(out, shaded())


def faint_split_sketch(grey: int = 210) -> np.ndarray:
    """split_sketch with its line drawn faint (``grey``) in rows 32+, dark above."""
    sketch = split_sketch()
    sketch[32:, 31:33] = grey
    return sketch


def test_a_faint_line_stops_the_fill_at_the_default_line_level_only():
    sketch, colour = faint_split_sketch(), shaded()
    rgb, mask = stroke()
    low = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, flatness=1.0, line_level=160, unhinted=False))
    assert np.all(low[40:, 40:] == RED)  # the faint line is paper at level 160: colour runs through
    stopped = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, flatness=1.0, unhinted=False))
    assert np.all(stopped[:, :31] == RED) and np.array_equal(stopped[:, 33:], colour[:, 33:])


def test_faint_line_pixels_join_the_nearest_region_and_dark_ones_stay_lines():
    sketch = faint_split_sketch()
    labels = absorb_faint_lines(line_regions(sketch, line_level=230), sketch)
    assert np.all(labels[:32, 31:33] == 0)  # dark line
    assert np.all(labels[32:, 31] == labels[40, 5]) and np.all(labels[32:, 32] == labels[40, 60])
    assert labels[40, 5] != labels[40, 60] and labels.min() == 0
    plain = line_regions(split_sketch())
    assert np.array_equal(absorb_faint_lines(plain, split_sketch()), plain)  # nothing faint: unchanged


def fill_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tool", exit_on_error=False)
    add_fill_arguments(parser)
    return parser


def test_fill_options_default_to_the_app_and_take_both_spellings():
    parser = fill_parser()
    assert fill_from_args(parser, parser.parse_args([])) == RegionFill()
    wanted = RegionFill(gap=4, flatness=1.0, line_level=200, unhinted=True, leak_guard=8.0)
    dashed = ["--fill-gap", "4", "--fill-flatness", "1", "--fill-line-level", "200", "--fill-unhinted",
              "--fill-leak-guard", "8"]
    underscored = ["--fill_gap=4", "--fill_flatness=1", "--fill_line_level=200", "--fill_unhinted", "--fill_leak_guard=8"]
    assert fill_from_args(parser, parser.parse_args(dashed)) == wanted
    assert fill_from_args(parser, parser.parse_args(underscored)) == wanted
    assert fill_from_args(parser, parser.parse_args(["--no-fill-unhinted"])) == RegionFill(unhinted=False)


def test_fill_options_out_of_range_end_the_program_with_the_allowed_range(capsys):
    parser = fill_parser()
    with pytest.raises(SystemExit):
        fill_from_args(parser, parser.parse_args(["--fill_gap=9"]))
    assert "gap must be 0-8 px" in capsys.readouterr().err


def test_a_region_all_near_its_stroke_still_takes_the_hint_colour():
    sketch = np.full((64, 64), 255, np.uint8)
    sketch[:, 10:12] = 0  # a 10 px strip on the left, all of it within the stroke's halo
    rgb, mask = stroke(rows=slice(20, 40), cols=slice(3, 7))
    out = fill_regions(shaded(), sketch, rgb, mask, RegionFill(gap=0, flatness=0.3, unhinted=False))
    assert np.abs(out[:, :10].reshape(-1, 3).astype(int) - RED).max() <= 12


def ringed_sketch() -> np.ndarray:
    """64 x 64 white sketch: a closed ring (a character) at the centre, a line from the top edge to the
    right edge cutting off the top-right corner."""
    sketch = np.full((64, 64), 255, np.uint8)
    cv2.circle(sketch, (32, 36), 14, 0, 2)
    cv2.line(sketch, (48, 0), (63, 15), 0, 2)
    return sketch


def test_white_paper_hints_every_unpainted_region_at_the_border_and_nothing_inside():
    rgb, mask = stroke(colour=RED, rows=slice(34, 38), cols=slice(28, 36))  # inside the ring
    paper_rgb, paper_mask = paper_hints(ringed_sketch(), rgb, mask)
    assert paper_mask[0, 0] and paper_mask[0, 63] and np.all(paper_rgb[0, 0] == 255)  # both border regions
    inside = np.zeros((64, 64), np.uint8)
    cv2.circle(inside, (32, 36), 12, 1, -1)
    assert not paper_mask[(inside > 0) & ~mask].any()  # the ring's inside keeps only the stroke
    assert np.array_equal(paper_rgb[mask], rgb[mask]) and paper_mask[mask].all()
    assert not paper_mask[ringed_sketch() < 128].any()  # lines are never hinted


def test_white_paper_leaves_a_border_region_the_artist_painted():
    blue_rgb, blue_mask = stroke(colour=(40, 60, 220), rows=slice(2, 4), cols=slice(56, 60))  # the corner
    paper_rgb, paper_mask = paper_hints(ringed_sketch(), blue_rgb, blue_mask)
    assert paper_mask[0, 0] and not paper_mask[1, 62]
    assert np.all(paper_rgb[2, 57] == (40, 60, 220))


def test_white_paper_takes_a_border_region_painted_white_whole_but_not_one_also_painted_a_colour():
    white_rgb, white_mask = stroke(colour=(250, 250, 250), rows=slice(2, 4), cols=slice(56, 60))  # the corner
    paper_rgb, paper_mask = paper_hints(ringed_sketch(), white_rgb, white_mask)
    assert paper_mask[0, 63] and paper_mask[8, 62] and np.all(paper_rgb[8, 62] == 255)  # all of it, told white
    assert np.all(paper_rgb[2, 57] == 255) and not paper_mask[ringed_sketch() < 128].any()  # lines stay unhinted
    white_rgb[2, 56] = 200  # a stray grey edge pixel of the canvas is outvoted, as in the fill
    assert paper_hints(ringed_sketch(), white_rgb, white_mask)[1][8, 62]
    blue_rgb, blue_mask = stroke(colour=(40, 60, 220), rows=slice(5, 7), cols=slice(60, 62))
    paper_mask = paper_hints(ringed_sketch(), white_rgb + blue_rgb, white_mask | blue_mask)[1]
    assert not paper_mask[0, 63] and not paper_mask[8, 62]  # a colour painted there too: only the strokes


def test_white_paper_stops_at_line_gaps_the_fill_closes():
    sketch = ringed_sketch()
    sketch[20:24, 30:35] = 255  # a 4 px break at the top of the ring
    none = np.zeros((64, 64, 3), np.uint8), np.zeros((64, 64), bool)
    leaking = paper_hints(sketch, *none, RegionFill(gap=0))[1]
    closed = paper_hints(sketch, *none, RegionFill(gap=3))[1]
    assert leaking[36, 32] and not closed[36, 32]  # the ring's inside joins the paper only through the open break
    assert closed[0, 0]


def boxed_sketch(box: tuple[int, int, int, int] = (20, 20, 44, 44), side: int = 64) -> np.ndarray:
    """A white sketch with a closed box (x0, y0, x1, y1) drawn in black: a character on blank paper."""
    sketch = np.full((side, side), 255, np.uint8)
    cv2.rectangle(sketch, box[:2], box[2:], 0, 2)
    return sketch


def test_blank_paper_is_a_sketch_with_no_line_at_its_edge_and_wide_edge_regions():
    assert on_blank_paper(boxed_sketch())
    assert not on_blank_paper(ringed_sketch())  # a line runs to the edge: a scene, not paper
    assert not on_blank_paper(boxed_sketch((3, 3, 60, 60)))  # the paper around the box is under 30 %
    faint_edge = boxed_sketch()
    faint_edge[:, 0] = 200  # a faint line (darker than the fill's 230) along the edge
    assert not on_blank_paper(faint_edge)
    assert not on_blank_paper(np.full((4, 4), 255, np.uint8))  # too small to have a ring and an inside


def leaky_box(side: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """A character on blank paper whose outline has a 6 px break at the bottom (wider than any gap the
    fill closes here), and a network output that kept the paper white and the box dark grey:
    (sketch uint8 (side, side), colour uint8 (side, side, 3))."""
    sketch = boxed_sketch(side=side)
    sketch[43:46, 29:35] = 255
    colour = np.full((side, side, 3), 250, np.uint8)
    colour[22:43, 22:43] = 90
    return sketch, colour


@pytest.mark.parametrize("guard", [12.0, 20.0])
def test_the_leak_guard_keeps_a_stroke_from_flooding_the_paper_through_a_gap(guard):
    assert RegionFill().leak_guard > 0  # the app's default
    sketch, colour = leaky_box()
    rgb, mask = stroke(rows=slice(30, 33), cols=slice(30, 33))
    flooded = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, leak_guard=0.0))
    guarded = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, leak_guard=guard))
    assert tuple(flooded[5, 5]) == RED  # without the guard the stroke's region runs out into the paper
    assert tuple(guarded[5, 5]) == (250, 250, 250)  # with it the paper keeps the network's white...
    assert np.abs(guarded[25, 25].astype(int) - RED).max() <= 2  # ...and the box still takes the stroke


def test_the_leak_guard_leaves_regions_inside_and_sketches_not_on_blank_paper_alone():
    sketch, colour = leaky_box()
    inside_only = boxed_sketch()  # closed outline: the stroked region does not reach the border
    rgb, mask = stroke(rows=slice(30, 33), cols=slice(30, 33))
    for drawing in (inside_only, np.where(np.arange(64)[None, :] < 2, 0, sketch).astype(np.uint8)):  # edge line
        plain = fill_regions(colour, drawing, rgb, mask, RegionFill(gap=0, leak_guard=0.0))
        assert np.array_equal(fill_regions(colour, drawing, rgb, mask, RegionFill(gap=0, leak_guard=12.0)), plain)


def test_the_leak_guard_lets_a_white_stroke_whiten_the_paper_it_runs_into():
    sketch, colour = leaky_box()
    colour[5:12, 5:12] = (90, 120, 200)  # a smear the network left on the paper
    rgb, mask = stroke(colour=(255, 255, 255), rows=slice(30, 33), cols=slice(30, 33))
    plain = fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0, leak_guard=0.0))
    assert np.array_equal(fill_regions(colour, sketch, rgb, mask, RegionFill(gap=0)), plain)
    assert plain[8, 8].min() > colour[8, 8].min() + 60  # the smear is evened out towards white


def pale_box() -> tuple[np.ndarray, np.ndarray]:
    """A closed box on blank paper (:func:`boxed_sketch`, lines at 20-21 and 43-44) and a network output as
    pale inside the box as on the paper, so the leak guard cannot tell them apart: (sketch, colour)."""
    colour = np.full((64, 64, 3), 250, np.uint8)
    colour[22:43, 22:43] = 238
    return boxed_sketch(), colour


def test_a_brush_that_runs_over_the_outline_onto_the_paper_does_not_paint_the_paper():
    sketch, colour = pale_box()
    rgb, mask = stroke(rows=slice(28, 36), cols=slice(17, 28))  # 3 px on the paper, 6 px inside the box
    labels = fill_labels(sketch, RegionFill())
    overrun = stray_paint(labels, rgb, mask)
    assert overrun.any() and np.array_equal(overrun, mask & (labels == labels[0, 0]))  # exactly the part on the paper
    out = fill_regions(colour, sketch, rgb, mask, RegionFill(flatness=1.0, unhinted=False, leak_guard=0.0))
    assert tuple(out[30, 30]) == RED  # the box takes the stroke...
    assert tuple(out[5, 5]) == (250, 250, 250) and tuple(out[30, 10]) == (250, 250, 250)  # ...the paper stays
    assert tuple(out[30, 17]) == (250, 250, 250)  # under the overrun too
    paper_rgb, paper_mask = paper_hints(sketch, rgb, mask)
    assert paper_mask[0, 0] and np.all(paper_rgb[30, 17] == 255)  # White paper: still paper, the overrun whitened


def test_a_stroke_mostly_on_the_paper_still_paints_it_and_scenes_keep_every_stroke():
    sketch, colour = pale_box()
    settings = RegionFill(flatness=1.0, unhinted=False, leak_guard=0.0)
    rgb, mask = stroke(rows=slice(28, 36), cols=slice(8, 24))  # 12 px on the paper, 2 inside the box
    assert not stray_paint(fill_labels(sketch, RegionFill()), rgb, mask).any()
    assert tuple(fill_regions(colour, sketch, rgb, mask, settings)[5, 5]) == RED  # the artist painted the paper
    blue_rgb, blue_mask = stroke(colour=(40, 60, 220), rows=slice(28, 36), cols=slice(11, 19))  # on the paper...
    red_rgb, red_mask = stroke(rows=slice(28, 36), cols=slice(19, 40))  # ...touching a long red stroke in the box
    both = fill_regions(colour, sketch, blue_rgb + red_rgb, blue_mask | red_mask, settings)
    assert tuple(both[5, 5]) == (40, 60, 220) and tuple(both[30, 30]) == RED  # each colour is its own stroke
    scene = sketch.copy()
    scene[:, :2] = 0  # a line along the edge: not blank paper, so no stroke part is an overrun
    rgb, mask = stroke(rows=slice(28, 36), cols=slice(17, 28))
    assert not on_blank_paper(scene)
    assert tuple(fill_regions(colour, scene, rgb, mask, settings)[5, 5]) == RED


def strands_sketch(widths: list[int], line: int = 2) -> np.ndarray:
    """64 x 64 white sketch cut by full-height vertical lines ``line`` px wide, the strips between them ``widths``
    px wide from x = 4 (the lines reach the top and bottom edges, so this is not blank paper)."""
    sketch = np.full((64, 64), 255, np.uint8)
    x = 4
    for width in widths:
        sketch[:, x:x + line] = 0
        x += line + width
    sketch[:, x:x + line] = 0
    return sketch


FLAT = RegionFill(gap=0, flatness=1.0, unhinted=False, leak_guard=0.0)


def test_a_brushs_edge_over_a_line_does_not_colour_the_region_beyond(monkeypatch):
    from colorizer import regions

    sketch, colour = split_sketch(), shaded()
    rgb, mask = stroke(rows=slice(20, 32), cols=slice(18, 35))  # a 12 px brush; its edge runs 2 px past the line
    colour[20:32, 33:35] = RED  # the network's copy of the paint under the edge
    labels = fill_labels(sketch, FLAT)
    edges = brush_edges(labels, mask)
    assert np.array_equal(edges, mask & (labels == labels[25, 50]))  # exactly the part beyond the line
    out = fill_regions(colour, sketch, rgb, mask, FLAT)
    assert tuple(out[50, 10]) == RED and np.array_equal(out[:, 52:], colour[:, 52:])  # the far side keeps its colours
    right_mean = colour[:, 40:].reshape(-1, 3).mean(axis=0)
    assert np.abs(out[20:32, 33:35] - right_mean).max() <= 3  # and the copy of the paint under the edge goes
    monkeypatch.setattr(regions, "BRUSH_CORE", 0.0)  # every painted pixel counts: the edge paints the far side
    assert tuple(fill_regions(colour, sketch, rgb, mask, FLAT)[50, 50]) == RED


def test_strokes_across_narrow_regions_colour_each_of_them():
    strands = strands_sketch([4, 4, 4, 4, 4])  # five 4 px strands, as hair in a Sobel sketch
    rgb, mask = stroke(rows=slice(30, 33), cols=slice(2, 40))  # a thin stroke across all of them
    out = fill_regions(shaded(), strands, rgb, mask, FLAT)
    assert all(tuple(out[10, x]) == RED for x in (7, 13, 19, 25, 31))
    strip = strands_sketch([24, 3, 24])  # a 3 px strip between two wide parts
    labels = fill_labels(strip, FLAT)
    for rows, cols in ((slice(26, 38), slice(20, 46)), (slice(10, 50), slice(28, 40))):  # across it, along it
        rgb, mask = stroke(rows=rows, cols=cols)
        assert not (brush_edges(labels, mask) & (labels == labels[5, 33])).any()  # a 12 px brush still fills it
        assert tuple(fill_regions(shaded(), strip, rgb, mask, FLAT)[5, 33]) == RED


def test_a_thin_stroke_beside_a_broad_one_keeps_its_region():
    sketch = strands_sketch([30, 20])  # a wide part (x 6-35) and a narrower one (x 38-57)
    labels = fill_labels(sketch, FLAT)
    broad_rgb, broad = stroke(colour=(40, 60, 220), rows=slice(10, 40), cols=slice(6, 36))  # 30 px of paint
    thin_rgb, thin = stroke(rows=slice(20, 40), cols=slice(39, 42))  # 3 px wide, 3 px from the broad paint
    assert not brush_edges(labels, broad | thin).any()
    out = fill_regions(shaded(), sketch, broad_rgb + thin_rgb, broad | thin, FLAT)
    assert tuple(out[50, 20]) == (40, 60, 220) and tuple(out[50, 50]) == RED


def test_group_medians_are_numpys_medians_for_odd_and_even_counts():
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 40, 2000)
    groups[groups == 7] = 8  # group 7 stays empty
    values = rng.integers(0, 256, (2000, 3)).astype(np.uint8)
    values[groups == 9] = values[groups == 9] // 64 * 64  # many equal values
    sizes = np.bincount(groups, minlength=40)
    medians = group_medians(values, groups, sizes)
    assert {size % 2 for size in sizes[sizes > 0]} == {0, 1}
    for group in range(40):
        expected = np.median(values[groups == group], axis=0) if sizes[group] else np.zeros(3)
        np.testing.assert_array_equal(medians[group], expected)


def test_near_colour_is_within_the_tolerance_as_a_euclidean_distance():
    centres = np.array([[100.0, 100.0, 100.0]] * 4 + [[100.5, 100.0, 100.0]] * 2)
    values = np.array([[100 + HINT_TOLERANCE, 100, 100], [118, 124, 100], [131, 100, 100], [100, 100, 100],
                       [131, 100, 100], [130, 100, 100]], np.uint8)  # 30, 30, 31, 0, 30.5, 29.5 away
    assert near_colour(values, centres).tolist() == [True, True, False, True, False, True]
    rng = np.random.default_rng(0)
    values = rng.integers(0, 256, (5000, 3)).astype(np.uint8)
    centres = np.clip(values + rng.integers(-40, 41, (5000, 3)) + rng.integers(0, 2, (5000, 1)) / 2, 0, 255)
    expected = np.linalg.norm(values - centres, axis=1) <= HINT_TOLERANCE
    np.testing.assert_array_equal(near_colour(values, centres), expected)


def test_fill_means_are_the_means_over_each_narrower_set_of_pixels_that_has_any():
    rng = np.random.default_rng(1)
    colour = rng.integers(0, 256, (48, 48, 3)).astype(np.uint8)
    labels = np.repeat(np.arange(1, 7), 48 * 8).reshape(48, 48).astype(np.int32)
    labels[:, 20] = 0
    weight = np.where(rng.random((48, 48)) < 0.3, np.float32(0.5), np.float32(1.0))
    weight[labels == 2] = 0.0  # all near a stroke: the region's mean is over all of it
    take = rng.random((48, 48)).astype(np.float32)
    take[labels == 3] = 0.2  # none takes half the fill
    means = fill_means(colour, labels, weight, take)
    for region in range(1, 7):
        inside = labels == region
        for narrower in (inside & (take >= 0.5) & (weight == 1), inside & (take >= 0.5), inside):
            if narrower.any():
                break
        np.testing.assert_array_equal(means[region], region_means(colour, narrower.astype(np.int32), 2)[1][1])
        np.testing.assert_allclose(means[region], colour[narrower].mean(axis=0))
