"""Transparent paper: a result with the white paper around a character cut away, for stickers and for
stacking over a background in Krita or Photoshop.

The paper is found in the line-bounded regions (the region fill's gap and line threshold) that touch the
picture's edge and came out white, and cut from any white part of the character it reaches through a gap in
the outline (:func:`outer_part`). On it the sketch's ink (faint lines, the soft outer edge of the outline)
stays as partly transparent ink; the lines themselves and everything they enclose stay opaque, white parts
of the character included. docs/experiments.md, "Transparent paper", has the measurements.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .images import fitted_size
from .regions import FILL_LINE_LEVEL, LINE_LEVEL, RegionFill, absorb_faint_lines, edge_regions, line_regions
from .scales import WORK_SIDE

PAPER_LIGHT = 220  # an edge region with a median colour this light in every channel is paper (some keep a tint)
PAPER_NEAR = 24  # ... its pixels within this of that colour (any channel): a part that leaks into it keeps its own
INK = 250  # sketch pixels darker than this on the paper are ink, kept as partly transparent ink
NARROW = 12  # px at the working size: the paper is cut from the rest at passages narrower than twice this
ANALYSIS_SIDE = 1024  # px: the paper is found on a copy at most this long (the page's preview size)
EDGE_SOFTNESS = 0.7  # px: the Gaussian that anti-aliases the edge of the cut
SPOT_REACH = 3  # px: a click on a line takes the region around it
CHECKER = 8  # px: the squares of the checkerboard a cut-out is shown on


def scaled_gap(gap: int, size: tuple[int, int], work_side: int = WORK_SIDE) -> int:
    """The region fill's ``gap`` (px at the working size, long side at most ``work_side``) at a picture of ``size``
    (width, height): the same share of a larger picture, so a larger download closes the same gaps."""
    return round(gap * max(1.0, max(size) / work_side))


def paper_mask(sketch: np.ndarray, colour: np.ndarray, gap: int = RegionFill.gap,
               line_level: int = FILL_LINE_LEVEL, narrow: int = NARROW, spots: tuple = ()) -> np.ndarray:
    """Where the paper is: in the regions touching the picture's edge whose median colour is white or nearly so
    (every channel at least PAPER_LIGHT), the pixels of that colour (within PAPER_NEAR) or with ink (the sketch
    darker than INK), kept where they belong to the paper around the picture (:func:`outer_part`); and the
    regions the artist clicked as paper (``spots``: (x, y) shares of the width and height, 0-1), such as paper
    enclosed between an arm and the body, their pixels of their own median colour or with ink.

    Args:
        sketch: uint8 (H, W), dark lines on white; colour: uint8 (H, W, 3) the result at the same size.
        gap, line_level: the region fill's; ``gap`` and ``narrow`` in px of this picture (see :func:`scaled_gap`).
    Returns:
        bool (H, W): True on paper (faint ink in it included), False on lines and on the character.
    """
    labels = absorb_faint_lines(line_regions(sketch, gap, line_level), sketch)
    return outer_part(edge_paper(labels, sketch, colour), narrow) | clicked_paper(labels, sketch, colour, spots)


def edge_paper(labels: np.ndarray, sketch: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """bool (H, W): the candidates for paper among the regions of ``labels`` that touch the picture's edge (see
    :func:`paper_mask`)."""
    return paper_pixels(labels, sketch, colour, edge_regions(labels), light_only=True)


def clicked_paper(labels: np.ndarray, sketch: np.ndarray, colour: np.ndarray, spots: tuple) -> np.ndarray:
    """bool (H, W): the regions of ``labels`` under ``spots`` ((x, y) shares, 0-1; one on a line takes the region
    most of the SPOT_REACH px around it belong to), their pixels within PAPER_NEAR of the region's median colour
    or with ink."""
    clicked = np.zeros(labels.max() + 1, bool)
    height, width = labels.shape
    for x, y in spots:
        col, row = min(int(x * width), width - 1), min(int(y * height), height - 1)
        around = labels[max(row - SPOT_REACH, 0):row + SPOT_REACH + 1, max(col - SPOT_REACH, 0):col + SPOT_REACH + 1]
        clicked[labels[row, col] or (np.bincount(around[around > 0]).argmax() if (around > 0).any() else 0)] = True
    clicked[0] = False  # lines
    return paper_pixels(labels, sketch, colour, clicked, light_only=False)


def paper_pixels(labels: np.ndarray, sketch: np.ndarray, colour: np.ndarray, chosen: np.ndarray,
                 light_only: bool) -> np.ndarray:
    """bool (H, W): in the regions ``chosen`` (bool (R + 1,) over ``labels``), the pixels within PAPER_NEAR of their
    region's median colour or with ink (the sketch darker than INK); with ``light_only``, only in regions whose
    median is at least PAPER_LIGHT in every channel."""
    inside = chosen[labels]
    ids = (np.cumsum(chosen) - 1)[labels[inside]]  # each chosen region numbered 0, 1, ...
    pixels = colour[inside]
    white = region_medians(pixels, ids, int(chosen.sum()))
    keep = (np.abs(pixels.astype(np.int16) - white[ids]).max(axis=1) <= PAPER_NEAR) | (sketch[inside] < INK)
    if light_only:
        keep &= (white.min(axis=1) >= PAPER_LIGHT)[ids]
    paper = np.zeros(labels.shape, bool)
    paper[inside] = keep
    return paper


def region_medians(pixels: np.ndarray, ids: np.ndarray, count: int) -> np.ndarray:
    """Per-channel median of each group: ``pixels`` uint8 (N, C), ``ids`` int (N,) in 0..count-1 -> int16
    (count, C) (the lower median; 0 for an empty group), from one histogram per channel."""
    medians = np.zeros((count, pixels.shape[1]), np.int16)
    for channel in range(pixels.shape[1]):
        histogram = np.bincount(ids * 256 + pixels[:, channel], minlength=count * 256).reshape(count, 256)
        cumulative = histogram.cumsum(axis=1)
        medians[:, channel] = (cumulative >= (cumulative[:, -1:] + 1) // 2).argmax(axis=1)
    return medians


def outer_part(candidates: np.ndarray, narrow: int) -> np.ndarray:
    """The part of ``candidates`` (bool (H, W)) that is the paper around the picture, not a white part of the
    character that the paper reaches through a gap in its outline: the candidates are cut apart at passages
    narrower than 2 * ``narrow`` px (erosion by a disc, through a distance transform), each piece grows back over
    the candidates nearest to it (watershed), and the pieces touching the picture's border are kept. Narrow strips
    of paper (between locks of hair) stay paper, since they are nearest to the paper they open onto.
    Returns bool (H, W)."""
    cores = (cv2.distanceTransform(candidates.astype(np.uint8), cv2.DIST_L2, 5) > narrow).astype(np.uint8)
    _, pieces = cv2.connectedComponents(cores, connectivity=4)
    outer = np.r_[False, edge_regions(pieces)]  # by marker: 0 unassigned, 1 not paper, 2... the pieces
    markers = np.where(candidates, np.where(cores > 0, pieces + 1, 0), 1).astype(np.int32)
    markers = np.pad(markers, 1, constant_values=1)  # watershed draws a frame of -1 round its picture
    walls = np.repeat(np.where(markers == 1, 255, 0).astype(np.uint8)[..., None], 3, axis=2)  # 1 grows last
    cv2.watershed(walls, markers)
    grown = outer[np.maximum(markers[1:-1, 1:-1], 0)]
    return candidates & cv2.dilate(grown.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)  # its -1 seams


def cut_out(result: Image.Image, sketch: Image.Image, paper: np.ndarray) -> Image.Image:
    """The result with its paper made transparent, keeping the sketch's ink on it as partly transparent ink.

    On paper, alpha is the ink's darkness against the paper's own level (the sketch's median there), and the
    colour is the result's with the paper colour taken out (colour to alpha), so the soft edge of an outline
    shows over any background without a white fringe. Clear paper keeps the paper's colour.

    Args:
        result: RGB; sketch: "L" at the same size, dark lines on white; paper: bool (H, W) from :func:`find_paper`.
    Returns:
        RGBA, the result's size: opaque off the paper.
    """
    rgba = np.array(result.convert("RGBA"))
    if not paper.any():
        return Image.fromarray(rgba, "RGBA")
    gray = np.asarray(sketch.convert("L"))
    level = max(float(median_of(gray[paper])), 1.0)
    white = np.array([median_of(rgba[..., channel][paper]) for channel in range(3)], np.float32)
    inked = paper & (gray < level * (1 - 1 / 255))  # the rest of the paper is clear
    rgba[paper & ~inked] = (*np.round(white).astype(np.uint8), 0)
    ink = (level - gray[inked].astype(np.float32)) / level
    rgba[inked] = np.column_stack([unmixed(rgba[inked][:, :3], white, ink), np.round(ink * 255.0).astype(np.uint8)])
    smooth_edge(rgba, paper)
    return Image.fromarray(rgba, "RGBA")


def unmixed(colours: np.ndarray, background, share: np.ndarray) -> np.ndarray:
    """Colours (uint8 (N, 3)) seen laid ``share`` (float (N,), 0-1] opaque over ``background`` (a colour, 0-255),
    with the background taken back out (colour to alpha): uint8 (N, 3), clipped to 0-255."""
    colour = background - (background - colours.astype(np.float32)) / share[:, None]
    return np.round(np.clip(colour, 0.0, 255.0)).astype(np.uint8)


def smooth_edge(rgba: np.ndarray, paper: np.ndarray) -> None:
    """Anti-alias the cut: the opaque pixels touching the paper take the coverage of a softened mask (a Gaussian of
    EDGE_SOFTNESS px) as alpha, so the edge does not show the pixel grid where it runs along a colour edge or a
    line's outer side. ``rgba``: uint8 (H, W, 4), its alpha changed in place; ``paper``: bool (H, W)."""
    opaque = np.where(paper, 0, 255).astype(np.uint8)
    coverage = cv2.GaussianBlur(opaque, (0, 0), EDGE_SOFTNESS)  # 0-255, rounded
    touching = cv2.erode(opaque, cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))) < opaque
    rgba[..., 3][touching] = np.minimum(rgba[..., 3][touching], coverage[touching])


def median_of(values: np.ndarray) -> int:
    """The (lower) median of uint8 values (N,), from their histogram."""
    return int(region_medians(values[:, None], np.zeros(values.size, np.intp), 1)[0, 0])


def find_paper(sketch: np.ndarray, colour: np.ndarray, fill: RegionFill, work_side: int = WORK_SIDE,
               spots: tuple = ()) -> np.ndarray:
    """bool (H, W): the paper of a result, found by :func:`paper_mask` on a copy at most ANALYSIS_SIDE long (the
    fill's gap and NARROW scaled to it) and followed at the picture's own size by :func:`follow_paper`, so a 4096
    px download costs little memory and clears what the page's preview shows.

    Args:
        sketch: uint8 (H, W), dark lines on white; colour: uint8 (H, W, 3) the result at the same size.
    """
    size = (sketch.shape[1], sketch.shape[0])
    small = fitted_size(size, ANALYSIS_SIDE)
    if small != size:
        sketch_small = cv2.resize(sketch, small, interpolation=cv2.INTER_AREA)
        colour_small = cv2.resize(colour, small, interpolation=cv2.INTER_AREA)
    else:
        sketch_small, colour_small = sketch, colour
    narrow = max(1, round(NARROW * max(small) / work_side))  # a share of the picture, small ones too
    paper = paper_mask(sketch_small, colour_small, scaled_gap(fill.gap, small, work_side), fill.line_level, narrow,
                       spots)
    if small == size or not paper.any():
        return paper if small == size else np.zeros(sketch.shape, bool)
    white = np.array([median_of(colour_small[..., channel][paper]) for channel in range(3)])
    return follow_paper(paper, sketch, colour, white, max(size) / max(small))


def follow_paper(paper: np.ndarray, sketch: np.ndarray, colour: np.ndarray, white: np.ndarray,
                 scale: float) -> np.ndarray:
    """The paper found on a smaller copy (bool (h, w)) at the picture's own size: enlarged, kept on the pixels
    that can be paper (not lines darker than LINE_LEVEL; within PAPER_NEAR of the paper's colour ``white`` or
    with ink), and grown over such pixels by ``scale`` px (one step at a time, so never across a line) to reach
    the lines' own edges. Args: sketch uint8 (H, W); colour uint8 (H, W, 3). Returns bool (H, W)."""
    height, width = sketch.shape
    could = sketch < INK
    for channel in range(3):  # one at a time: a 4096 px picture's temporaries stay small
        could |= np.abs(colour[..., channel].astype(np.int16) - int(white[channel])) <= PAPER_NEAR
    could = (could & (sketch >= LINE_LEVEL)).astype(np.uint8)
    grown = cv2.resize(paper.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) & could
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    for _ in range(int(np.ceil(scale))):
        grown = cv2.dilate(grown, cross) & could
    return grown.astype(bool)


def transparent_paper(layers: dict[str, Image.Image], sketch: Image.Image, fill: RegionFill | None = None,
                      work_side: int = WORK_SIDE, spots: tuple = ()) -> dict[str, Image.Image]:
    """A result's layers with the paper transparent: {"result": RGBA composite, "flat": RGBA flat colours (no ink
    on the paper: the line layer carries it)}, the paper found by :func:`find_paper` on ``layers["result"]`` (RGB)
    and ``sketch`` ("L", its size) with ``fill``'s gap and line threshold (default RegionFill()), and the regions
    under ``spots`` ((x, y) shares of the picture, 0-1: paper the artist clicked). Other layers pass through
    unchanged."""
    paper = find_paper(np.asarray(sketch.convert("L")), np.asarray(layers["result"].convert("RGB")),
                       fill or RegionFill(), work_side, tuple(spots))
    cut = {"result": cut_out(layers["result"], sketch, paper)}
    if "flat" in layers:
        flat = np.array(layers["flat"].convert("RGBA"))
        flat[paper, 3] = 0
        cut["flat"] = Image.fromarray(flat, "RGBA")
    return {**layers, **cut}


def own_transparency(layers: dict[str, Image.Image], alpha: Image.Image) -> dict[str, Image.Image]:
    """A result's layers with the transparency of the picture they were coloured from, for an upload that had its
    own (a character cut out in advance): {"result": RGBA, its colours un-mixed from the white the picture was laid
    on where partly clear, "flat": RGBA}; ``alpha``: "L" (0 clear), brought to each layer's size. Other layers pass
    through unchanged."""
    cut = {}
    for name in ("result", "flat"):
        if name not in layers:
            continue
        rgba = np.array(layers[name].convert("RGBA"))
        rgba[..., 3] = a = np.asarray(alpha.convert("L").resize(layers[name].size, Image.Resampling.BILINEAR))
        if name == "result":  # laid on white where partly clear: take the white back out
            partial = (a > 0) & (a < 255)
            rgba[partial, :3] = unmixed(rgba[partial][:, :3], 255.0, a[partial].astype(np.float32) / 255.0)
            rgba[a == 0, :3] = 255
        cut[name] = Image.fromarray(rgba, "RGBA")
    return {**layers, **cut}


def clear_paper(layers: dict[str, Image.Image], sketch: Image.Image, fill: RegionFill | None = None,
                spots: tuple = (), alpha: Image.Image | None = None) -> dict[str, Image.Image]:
    """``layers`` with the paper transparent: the picture's own transparency where it had one (``alpha``, "L", any
    size: :func:`own_transparency`), else the paper found around it with ``fill``'s gap and line threshold, and
    clicked (``spots``: :func:`transparent_paper`)."""
    if alpha is not None:
        return own_transparency(layers, alpha)
    return transparent_paper(layers, sketch, fill, spots=spots)


def paper_share(image: Image.Image) -> float:
    """Share (0-1) of an RGBA picture that is fully transparent; 0 for a picture without alpha."""
    if image.mode != "RGBA":
        return 0.0
    return float((np.asarray(image)[..., 3] == 0).mean())


def on_checkerboard(image: Image.Image, square: int = CHECKER) -> Image.Image:
    """An RGBA picture over a light grey checkerboard (as paint programs show transparency): RGB, its size (a
    picture without alpha comes back as it is, in RGB)."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    y, x = np.indices((image.height, image.width))
    board = np.where(((y // square + x // square) % 2 == 0)[..., None], 255, 204).astype(np.uint8)
    background = Image.fromarray(np.repeat(board, 3, axis=2), "RGB").convert("RGBA")
    return Image.alpha_composite(background, image).convert("RGB")
