"""Line-bounded regions of a sketch, and hint colours filled through them.

Anime colouring is flat: one colour per region between lines, plus a shadow tone or two. The
network spreads a hint only partly through its region, so :func:`fill_regions` finishes the job
after it: every region holding a hint takes the hint's colour, keeping the network's shading
(``flatness`` evens that shading out). :func:`line_regions` finds the regions, closing small gaps
in the lines as a paint bucket's "close gaps" setting does. Training uses the same regions to
colour its simulated strokes, and the bucket-fill baseline to fill.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

LINE_LEVEL = 160  # sketch pixels darker than this are lines
FILL_LINE_LEVEL = 230  # the fill also stops at faint grey lines, which LINE_LEVEL treats as paper (docs/experiments.md,
# "Faint lines stop the fill": +0.2-0.35 dB with ten strokes at 256 and 512 px)
MIN_AREA = 12  # regions smaller than this many pixels (specks between lines) are left alone
STROKE_HALO = (4.0, 16.0)  # px from a stroke: the network's shading is dropped within the first, fades back in by
# the second (there it copies the stroke as a streak with a halo)
HINT_TOLERANCE = 30.0  # RGB distance from a region's median hint colour that still counts as that colour
HINT_AGREEMENT = 0.8  # share of a region's hint pixels that must be that colour for the region to take it
BLANK_RING = 2  # px: no line in this outermost ring of a sketch on blank paper...
BLANK_AREA = 0.3  # ...and its regions at the edge cover at least this share of it (docs/experiments.md, "White paper")
LEAK_GUARD = 12.0  # CIE L*: the region fill's leak guard on blank paper (docs/experiments.md, "A leak guard")
PAPER_WHITE = 235  # a hint at least this bright in every channel is white: painting paper white keeps it paper
STRAY_SHARE = 0.5  # on blank paper, a stroke colours a region at the border only if this share of it lies there
# (docs/experiments.md, "A brush that runs over the outline onto the paper")
BRUSH_CORE = 0.5  # paint nearer a stroke's edge than this share of its half-width is its edge (docs/experiments.md,
# "A brush's edge over a line")


@dataclass(frozen=True)
class RegionFill:
    """Settings of :func:`fill_regions`, as the app's sliders set them.

    gap: close line gaps up to about 2 * gap px wide (0-8). flatness: 0 keeps the network's
    shading inside a hinted region, 1 paints it one flat colour. unhinted: also even out the
    shading of regions without hints (flatness applies there too). line_level:
    sketch pixels darker than this (1-255) are lines that stop a colour; higher also stops it at
    faint grey lines. leak_guard: on blank paper, the CIE L* distance (0-100) from the network's own
    lightness near a stroke beyond which a hint's fill fades out in a region that reaches the border
    (:func:`leak_weight`); 0 turns it off.
    """
    gap: int = 2
    flatness: float = 0.6  # 0.6 and evening out unhinted regions: tuned by the model card's flatness rule
    unhinted: bool = True
    line_level: int = FILL_LINE_LEVEL
    leak_guard: float = LEAK_GUARD

    def __post_init__(self):
        if not 0 <= self.gap <= 8:
            raise ValueError(f"Region fill gap must be 0-8 px, not {self.gap}.")
        if not 0.0 <= self.flatness <= 1.0:
            raise ValueError(f"Region fill flatness must be between 0 and 1, not {self.flatness}.")
        if not 1 <= self.line_level <= 255:
            raise ValueError(f"Region fill line level must be 1-255, not {self.line_level}.")
        if not 0.0 <= self.leak_guard <= 100.0:
            raise ValueError(f"Region fill leak guard must be 0-100 (CIE L*), not {self.leak_guard}.")


def line_regions(sketch: np.ndarray, gap: int = 0, line_level: int = LINE_LEVEL) -> np.ndarray:
    """Label the line-bounded regions of a sketch, treating line gaps up to ``2 * gap`` px as closed.

    The paper (non-line) area is eroded by a disc of radius ``gap``, which cuts regions apart at
    narrow openings; each eroded piece is a seed, and every paper pixel near a seed in its own
    gap-free area joins that seed's region. Paper no seed reaches (strips thinner than the gap)
    keeps its gap-free area as a region of its own.

    Args:
        sketch: uint8 (H, W), dark lines on white.
        gap: radius in px of the gaps to close; 0 gives the plain 4-connected areas.
        line_level: pixels darker than this (1-255) are lines.
    Returns:
        int32 (H, W): 0 on line pixels, 1..R for the regions.
    """
    _, plain = cv2.connectedComponents((sketch >= line_level).astype(np.uint8), connectivity=4)
    if gap <= 0:
        return plain.astype(np.int32)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * gap + 1, 2 * gap + 1))
    seed_mask = cv2.erode((plain > 0).astype(np.uint8), disc, borderType=cv2.BORDER_CONSTANT, borderValue=1)
    seed_count, seeds = cv2.connectedComponents(seed_mask, connectivity=4)
    if seed_count <= 1:
        return plain.astype(np.int32)
    distance, (seed_of, area_of) = values_at_nearest(seed_mask > 0, seeds, plain)  # nearest seed, its gap-free area
    reached = (plain > 0) & (distance <= gap + 1) & (area_of == plain)
    labels = np.where(reached, seed_of, np.where(plain > 0, plain + seed_count, 0))
    return consecutive_labels(labels)


def values_at_nearest(sources: np.ndarray, *values: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """For every pixel, the distance to the nearest ``sources`` pixel and each of ``values`` there.

    Args:
        sources: bool (H, W), at least one True; values: int arrays (H, W).
    Returns:
        (float32 (H, W) Euclidean distance in px, [int64 (H, W) for each of ``values``]).
    """
    distance, nearest = cv2.distanceTransformWithLabels((~sources).astype(np.uint8), cv2.DIST_L2, 5,
                                                        labelType=cv2.DIST_LABEL_PIXEL)
    picked = []
    for value in values:
        at_label = np.zeros(nearest.max() + 1, np.int64)  # nearest-source pixel label -> its value
        at_label[nearest[sources]] = value[sources]
        picked.append(at_label[nearest])
    return distance, picked


def absorb_faint_lines(labels: np.ndarray, sketch: np.ndarray) -> np.ndarray:
    """Give faint line pixels (LINE_LEVEL or lighter, but lines at a higher ``line_level``) to the
    nearest region, so they stop a colour without staying unfilled themselves.

    Args:
        labels: int32 (H, W) from :func:`line_regions`, 0 on lines; sketch: uint8 (H, W).
    Returns:
        int32 (H, W): the same regions, 0 only on lines darker than LINE_LEVEL.
    """
    faint = (labels == 0) & (sketch >= LINE_LEVEL)
    if not faint.any() or labels.max() == 0:
        return labels
    _, (region_of,) = values_at_nearest(labels > 0, labels)
    return np.where(faint, region_of, labels).astype(np.int32)


def consecutive_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber labels to 1..R keeping 0 (lines) at 0: int array (H, W) >= 0 -> int32 (H, W)."""
    present = np.bincount(labels.ravel()) > 0
    present[0] = True
    return (np.cumsum(present) - 1).astype(np.int32)[labels]


def region_sums(values: np.ndarray, labels: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel count and colour sum of each label: values (..., 3) any numeric dtype, labels int (...) in
    0..count - 1 -> (sizes int64 (count,), sums float64 (count, 3)). The sums of integer colours are exact,
    so sums over parts of a label add and subtract exactly."""
    flat = labels.ravel()
    channels = values.reshape(-1, 3).T.astype(np.float64)  # each channel contiguous: bincount reads it fastest
    sums = [np.bincount(flat, weights=channel, minlength=count) for channel in channels]
    return np.bincount(flat, minlength=count), np.stack(sums, axis=1)


def region_means(values: np.ndarray, labels: np.ndarray, count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pixel count and mean colour of each label.

    Args:
        values: (H, W, 3) colours, any numeric dtype.
        labels: int (H, W) labels >= 0.
        count: number of labels (default labels.max() + 1).
    Returns:
        (sizes int64 (count,), means float64 (count, 3); 0 for empty labels).
    """
    sizes, sums = region_sums(values, labels, labels.max() + 1 if count is None else count)
    return sizes, sums / np.maximum(sizes, 1)[:, None]


def group_medians(values: np.ndarray, groups: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per group, the per-channel median of its values, as ``np.median`` gives it (the mean of the two middle
    values of an even count), read from each group's histogram instead of sorting.

    Args:
        values: uint8 (N, 3); groups: int (N,) in 0..G - 1; sizes: int (G,), ``np.bincount(groups)``.
    Returns:
        float64 (G, 3); 0 for empty groups.
    """
    present = sizes > 0
    compact = (np.cumsum(present) - 1)[groups]  # the groups that have values, numbered 0..K - 1
    count = sizes[present][:, None]
    medians = np.zeros((len(sizes), 3))
    for channel in range(3):
        histogram = np.bincount(compact * 256 + values[:, channel], minlength=int(present.sum()) * 256)
        at_most = histogram.reshape(-1, 256).cumsum(axis=1)  # (K, 256): how many values are <= each level
        lower = (at_most <= (count - 1) // 2).sum(axis=1)  # the value of rank (n - 1) // 2, from 0
        upper = (at_most <= count // 2).sum(axis=1)  # of rank n // 2
        medians[present, channel] = (lower + upper) / 2
    return medians


def near_colour(values: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """bool (N,): which ``values`` (uint8 (N, 3)) lie within HINT_TOLERANCE (RGB distance) of their ``centres``
    (float (N, 3), or (1, 3) for one centre of all; whole or half levels, as medians are), in exact integer
    arithmetic."""
    offsets = 2 * values.astype(np.int32) - (2 * centres).astype(np.int32)
    return np.einsum("ij,ij->i", offsets, offsets) <= int(2 * HINT_TOLERANCE) ** 2


def painted_pixels(labels: np.ndarray, hint_rgb: np.ndarray,
                   hint_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The painted pixels off the lines: (flat indices int64 (N,), their regions int (N,), their colours uint8
    (N, 3)), gathered by index (np.take is faster than a boolean mask). labels int (H, W), 0 on lines;
    hint_rgb uint8 (H, W, 3); hint_mask bool (H, W)."""
    painted = np.flatnonzero(hint_mask & (labels > 0))
    return painted, np.take(labels, painted), np.take(hint_rgb.reshape(-1, 3), painted, axis=0)


def hint_colours(labels: np.ndarray, hint_rgb: np.ndarray,
                 hint_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per region: whether its hints agree on one colour, and that colour.

    A region's hints agree when at least HINT_AGREEMENT of its painted pixels lie within
    HINT_TOLERANCE of their per-channel median; the colour is the mean of those pixels. Stray
    pixels (a browser canvas blends stroke edges with the paper) are outvoted, while two colours
    painted into one region leave it unhinted, so neither wins by averaging.
    Returns:
        (hinted bool (R + 1,), colours float64 (R + 1, 3) in 0..255); line pixels (0) are never hinted.
    """
    count = labels.max() + 1
    _, where, values = painted_pixels(labels, hint_rgb, hint_mask)
    painted_count = np.bincount(where, minlength=count)
    if where.size == 0:
        return np.zeros(count, bool), np.zeros((count, 3))
    agree = near_colour(values, group_medians(values, where, painted_count)[where])
    agreeing, colours = region_means(values[agree][None], where[agree][None], count)
    hinted = (agreeing >= HINT_AGREEMENT * np.maximum(painted_count, 1)) & (agreeing > 0)
    return hinted, colours


def fill_regions(colour: np.ndarray, sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray,
                 settings: RegionFill = RegionFill(), labels: np.ndarray | None = None,
                 strokes: np.ndarray | None = None, edges: np.ndarray | None = None) -> np.ndarray:
    """Carry each hint's colour through its whole region of the network's output.

    In a region whose hints agree, every pixel becomes hint + (1 - flatness) * (pixel - region
    mean): the region's mean moves to the hint colour and its shading shrinks by ``flatness``.
    The stroke sets its region's colour and is not painted on top of it: near a stroke, where the
    network copies it as a streak with a halo, its shading fades out (:func:`shading_weight`), and
    the region's mean is taken away from the strokes. Unhinted regions are evened out the same way
    towards their own mean when ``settings.unhinted``. With ``settings.leak_guard`` on blank paper, a
    region that reaches the border and is hinted a colour (not PAPER_WHITE) fills only what the
    network sees as one area with its strokes (:func:`leak_weight`), and its mean is taken there. Paint that
    only a brush's edge put in a region, over a line (:func:`brush_edges`), hints nothing, and the network's
    copy of it there fades out as near a stroke in a hinted region; on blank paper, a brush's overrun onto the
    paper (:func:`stray_paint`) hints nothing either.
    Line pixels and specks under MIN_AREA pixels keep the network's colours.

    Args:
        colour: uint8 (H, W, 3) network output.
        sketch: uint8 (H, W) the sketch it saw, dark lines on white.
        hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W), True where painted.
        settings: gap, flatness, unhinted and line level (:class:`RegionFill`).
        labels: ``fill_labels(sketch, settings)`` where the caller already has it, else computed here.
        strokes: bool (H, W), the artist's own painted pixels where ``hint_mask`` also holds White paper's
            (:func:`paper_hints`); None: all of ``hint_mask``.
        edges: ``brush_edges(labels, strokes)`` where the caller already has it, else computed here.
    Returns:
        uint8 (H, W, 3).
    """
    labels = fill_labels(sketch, settings) if labels is None else labels
    edge = edge_regions(labels)
    blank = (hint_mask & edge[labels]).any() and on_blank_paper(sketch, settings, labels)
    edges = brush_edges(labels, hint_mask if strokes is None else strokes) if edges is None else edges
    kept = hint_mask & ~edges
    if blank:
        kept &= ~stray_paint(labels, hint_rgb, hint_mask)
    hinted, hints = hint_colours(labels, hint_rgb, kept)
    big = np.bincount(labels.ravel(), minlength=len(hinted)) >= MIN_AREA
    big[0] = False
    hinted &= big
    ignored = big & ~hinted & (np.bincount(labels[edges], minlength=len(hinted)) > 0)
    weight = shading_weight(hint_mask, labels, hinted | ignored)  # the network's copy of ignored paint goes too
    guarded = hinted & ~paper_white(hints) & edge  # a white stroke on the paper whitens all of it
    take = None  # the share of the fill each pixel takes, where the leak guard works
    if settings.leak_guard > 0 and guarded.any() and blank:
        take = leak_weight(colour, labels, hint_mask, guarded, settings.leak_guard)
    means = fill_means(colour, labels, weight, take)
    flattened = hinted | (big & settings.unhinted)
    filled = fill_colours(colour, labels, weight, flattened | ignored,
                          np.where(flattened, np.float32(1.0 - settings.flatness), np.float32(1.0)),
                          np.where(hinted[:, None], hints, means), means)
    if take is not None:
        filled = colour + take[..., None] * (filled - colour)
    return np.clip(np.round(filled, out=filled), 0, 255, out=filled).astype(np.uint8)


def fill_colours(colour: np.ndarray, labels: np.ndarray, weight: np.ndarray, changed: np.ndarray,
                 keep: np.ndarray, targets: np.ndarray, means: np.ndarray) -> np.ndarray:
    """float64 (H, W, 3): in the ``changed`` regions, target + keep * weight * (colour - mean) with each region's
    ``keep``, ``targets`` and ``means``; elsewhere the ``colour`` itself (exactly: 0 + 1 * (colour - 0)).

    Args:
        colour: uint8 (H, W, 3); labels: int (H, W); weight: float32 (H, W) in [0, 1], 1 outside changed regions;
        changed: bool (R + 1,); keep: float32 (R + 1,); targets, means: float64 (R + 1, 3).
    """
    keep = np.take(np.where(changed, keep, np.float32(1.0)), labels) * weight
    filled = colour.astype(np.float64)  # in place from here on; np.take gathers several times faster than indexing
    filled -= np.take(np.where(changed[:, None], means, 0.0), labels, axis=0)
    filled *= keep[..., None]
    filled += np.take(np.where(changed[:, None], targets, 0.0), labels, axis=0)
    return filled


def brush_edges(labels: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
    """bool (H, W): the painted pixels of regions that only a brush's edge reaches, where it ran over a line.

    A painted pixel is in a stroke's core when its distance to unpainted pixels is at least BRUSH_CORE of the
    stroke's half-width there (:func:`paint_half_width`); a region whose painted pixels hold no core pixel was
    touched only by an edge. Strokes up to 4 px wide are all core, and a stroke drawn across a region, however
    narrow, has its core there. A region that holds some stroke's core keeps all of its paint (counting the core
    per stroke instead lost Hint-AUC at dense hints: docs/experiments.md, "A brush's edge over a line").

    Args:
        labels: int (H, W) the fill's regions, 0 on lines; hint_mask: bool (H, W).
    """
    if not hint_mask.any():
        return np.zeros_like(hint_mask)
    depth = cv2.distanceTransform(hint_mask.astype(np.uint8), cv2.DIST_L2, 3)
    core = hint_mask & (depth >= BRUSH_CORE * paint_half_width(depth))
    cored = np.bincount(labels[core], minlength=labels.max() + 1) > 0
    return hint_mask & ~cored[labels] & (labels > 0)


HALF_WIDTHS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64)  # px: the half-widths paint_half_width tells apart


def paint_half_width(depth: np.ndarray) -> np.ndarray:
    """float32 (H, W): the half-width of the paint at each painted pixel: the largest of HALF_WIDTHS for which a
    pixel at least that deep lies within that many px (a square's reach), so a thin stroke beside a broad one
    keeps its own. ``depth``: float32 (H, W), each painted pixel's distance to unpainted ones (0 unpainted)."""
    half_width = np.zeros_like(depth)
    for width in HALF_WIDTHS:
        deep = (depth >= width).astype(np.uint8)
        if not deep.any():
            break
        reached = cv2.dilate(deep, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * width + 1, 2 * width + 1)))
        half_width[reached > 0] = width
    return half_width


def stray_paint(labels: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
    """bool (H, W): painted pixels in a region at the picture's border (the paper) whose stroke lies mostly
    elsewhere, less than STRAY_SHARE of it there: a brush that ran over a character's outline onto the paper.
    A stroke is the pixels of one colour (within HINT_TOLERANCE of the part's median) in a connected
    (8-neighbour) part of ``hint_mask``, so strokes of other colours touching it do not count; pixels on lines
    (label 0) count for neither.

    Args:
        labels: int (H, W) the fill's regions, 0 on lines; hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W).
    """
    edge = edge_regions(labels)
    if not (hint_mask & edge[labels]).any():
        return np.zeros_like(hint_mask)
    painted, regions, colours = painted_pixels(labels, hint_rgb, hint_mask)  # the pixels that count
    strokes = cv2.connectedComponents(hint_mask.astype(np.uint8), connectivity=8)[1].ravel()[painted]
    stray = np.zeros(hint_mask.size, bool)
    for stroke in np.unique(strokes[edge[regions]]).tolist():  # the strokes with a part on the paper
        ours = np.flatnonzero(strokes == stroke)
        where, rgb = regions[ours], colours[ours]
        for region in np.unique(where[edge[where]]).tolist():
            part = where == region
            alike = near_colour(rgb, np.median(rgb[part], axis=0)[None])
            if (part & alike).sum() < STRAY_SHARE * alike.sum():
                stray[painted[ours[part]]] = True
    return stray.reshape(hint_mask.shape)


def fill_means(colour: np.ndarray, labels: np.ndarray, weight: np.ndarray, take: np.ndarray | None) -> np.ndarray:
    """Each region's mean colour, the one the fill moves to its hint: over its pixels away from strokes
    (``weight`` 1) that take at least half of the fill (``take``, None: all do), else over those that
    take half of it, else over all of it.

    Args:
        colour: uint8 (H, W, 3); labels: int (H, W); weight, take: float32 (H, W) in [0, 1].
    Returns:
        float64 (R + 1, 3) in 0..255.
    """
    count = labels.max() + 1
    sizes, sums = region_sums(colour, labels, count)
    means = sums / np.maximum(sizes, 1)[:, None]
    left_out = np.zeros(labels.shape, bool)
    for leave_out in ([] if take is None else [take < 0.5]) + [weight < 1]:  # each narrower, where it has pixels, wins
        left_out |= leave_out
        out_sizes, out_sums = region_sums(colour[left_out], labels[left_out], count)
        kept = sizes - out_sizes  # the few pixels left out are summed and taken away, exactly
        means = np.where(kept[:, None] > 0, (sums - out_sums) / np.maximum(kept, 1)[:, None], means)
    return means


def shading_weight(hint_mask: np.ndarray, labels: np.ndarray, hinted: np.ndarray) -> np.ndarray:
    """float32 (H, W) in [0, 1]: how much of the network's shading a pixel keeps: 0 on and within
    STROKE_HALO[0] px of a stroke in a hinted region, rising linearly to 1 at STROKE_HALO[1] px, 1 elsewhere."""
    if not hint_mask.any():
        return np.ones(labels.shape, np.float32)
    distance = cv2.distanceTransform((~hint_mask).astype(np.uint8), cv2.DIST_L2, 3)
    near, far = STROKE_HALO
    weight = np.clip((distance - near) / (far - near), 0.0, 1.0).astype(np.float32)
    return np.where(hinted[labels], weight, np.float32(1.0))


def leak_weight(colour: np.ndarray, labels: np.ndarray, hint_mask: np.ndarray, guarded: np.ndarray,
                guard: float) -> np.ndarray:
    """How much of its hint's fill each pixel of a ``guarded`` region takes: a region that runs through a
    gap in the lines into the paper should colour only what the network sees as one area with the stroke.

    Reference: the network's mean lightness (CIE L*) in the region within STROKE_HALO[1] px of its
    strokes, not under them, counted along paths that cross no line (:func:`near_along_paper`), so
    that little of the paper beyond a gap counts. A pixel within ``guard`` of it takes all of the
    fill, one ``2 * guard`` away none. Regions with no such pixel take all of it.

    Args:
        colour: uint8 (H, W, 3) network output; labels: int (H, W) the fill's regions;
        hint_mask: bool (H, W); guarded: bool (R + 1,) the regions to guard; guard: L* units, > 0.
    Returns:
        float32 (H, W) in [0, 1]; 1 outside guarded regions.
    """
    lightness = cv2.cvtColor(colour, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32) * np.float32(100 / 255)
    ring = near_along_paper(hint_mask, labels > 0, int(STROKE_HALO[1])) & ~hint_mask
    sizes = np.bincount(labels[ring], minlength=len(guarded))
    reference = np.bincount(labels[ring], weights=lightness[ring], minlength=len(guarded)) / np.maximum(sizes, 1)
    weight = np.clip(2.0 - np.abs(lightness - reference[labels].astype(np.float32)) / guard, 0.0, 1.0)
    return np.where((guarded & (sizes > 0))[labels], weight, np.float32(1.0))


def near_along_paper(start: np.ndarray, paper: np.ndarray, steps: int) -> np.ndarray:
    """bool (H, W): the ``paper`` pixels (bool (H, W)) at most ``steps`` 8-connected steps from ``start``
    (bool (H, W)) along paths through paper only, and ``start`` itself."""
    reached, paper = start.astype(np.uint8), paper.astype(np.uint8)
    square = np.ones((3, 3), np.uint8)
    for _ in range(steps):
        reached = cv2.dilate(reached, square) & paper | start
    return reached.astype(bool)


def paper_white(colours: np.ndarray) -> np.ndarray:
    """bool (N,): which of ``colours`` (float or uint8 (N, 3), 0..255) are white, every channel at least PAPER_WHITE."""
    return colours.min(axis=1) >= PAPER_WHITE


def edge_regions(labels: np.ndarray) -> np.ndarray:
    """bool (R + 1,): the regions of ``labels`` (int (H, W), 0 on lines) with a pixel on the picture's border."""
    edge = np.zeros(labels.max() + 1, bool)
    edge[np.r_[labels[0], labels[-1], labels[:, 0], labels[:, -1]]] = True
    edge[0] = False  # lines
    return edge


def fill_labels(sketch: np.ndarray, settings: RegionFill) -> np.ndarray:
    """The regions :func:`fill_regions` colours: int32 (H, W), 0 only on lines darker than LINE_LEVEL."""
    return absorb_faint_lines(line_regions(sketch, settings.gap, settings.line_level), sketch)


def on_blank_paper(sketch: np.ndarray, settings: RegionFill = RegionFill(), labels: np.ndarray | None = None) -> bool:
    """Whether a sketch (uint8 (H, W), dark lines on white) looks like a character on blank paper: no
    pixel of its outermost BLANK_RING px darker than ``settings.line_level``, and the regions touching
    its edge covering at least BLANK_AREA of it. ``labels``: ``fill_labels(sketch, settings)`` where the
    caller already has it, else computed here."""
    ring = np.ones(sketch.shape, bool)
    ring[BLANK_RING:-BLANK_RING, BLANK_RING:-BLANK_RING] = False
    if min(sketch.shape) <= 2 * BLANK_RING or (sketch[ring] < settings.line_level).any():
        return False
    labels = fill_labels(sketch, settings) if labels is None else labels
    return bool(edge_regions(labels)[labels].mean() >= BLANK_AREA)


def paper_hints(sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray,
                settings: RegionFill = RegionFill(), labels: np.ndarray | None = None,
                edges: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hints that also paint white every region touching the picture's border that holds no painted pixel,
    or whose strokes agree on white (:func:`hint_colours`, every channel at least PAPER_WHITE, as the fill
    reads them; a brush's overrun onto it, :func:`stray_paint`, or its edge over the outline, :func:`brush_edges`,
    paints nothing and is whitened): the artist's "this is drawn on white paper", so that what surrounds a
    character stays white, and a white stroke on it whitens all of it.

    Regions are the fill's (``settings.gap`` and ``settings.line_level``), so a wider *Close line gaps*
    also keeps the paper from running into a character through breaks in its outline.

    Args:
        sketch: uint8 (H, W), dark lines on white; hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W).
        labels: ``fill_labels(sketch, settings)`` where the caller already has it, else computed here;
        edges: ``brush_edges(labels, hint_mask)`` likewise.
    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)): the artist's hints, plus white paper.
    """
    labels = fill_labels(sketch, settings) if labels is None else labels
    edges = brush_edges(labels, hint_mask) if edges is None else edges
    kept = hint_mask & ~stray_paint(labels, hint_rgb, hint_mask) & ~edges
    hinted, colours = hint_colours(labels, hint_rgb, kept)
    painted = np.bincount(labels[kept], minlength=len(hinted)) > 0
    white = hinted & paper_white(colours)
    paper = (edge_regions(labels) & (~painted | white))[labels]  # a region painted a colour keeps the artist's
    hint_rgb = hint_rgb.copy()
    hint_rgb.reshape(-1, 3)[np.flatnonzero(paper)] = 255  # by index: faster than by mask
    return hint_rgb, hint_mask | paper
