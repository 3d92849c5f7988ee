"""Image-quality metrics shared by training and evaluation.

All pictures are uint8 RGB arrays (H, W, 3); masks are bool (H, W); sketches are
uint8 (H, W) with dark lines on white.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab
from skimage.metrics import structural_similarity

from colorizer.regions import line_regions



def psnr(output: np.ndarray, target: np.ndarray) -> float:
    """PSNR in dB (inf when identical)."""
    mse = np.mean((output.astype(np.float64) - target.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def ssim(output: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity on RGB, in [-1, 1] (1 when identical)."""
    return float(structural_similarity(output, target, channel_axis=2, data_range=255))


def ciede2000(output: np.ndarray, target: np.ndarray) -> float:
    """Mean CIEDE2000 colour difference (0 when identical)."""
    return ciede2000_lab(rgb2lab(output), rgb2lab(target))


def ciede2000_lab(output_lab: np.ndarray, target_lab: np.ndarray) -> float:
    """Mean CIEDE2000 between two Lab pictures (float (H, W, 3), from :func:`lab`)."""
    return float(deltaE_ciede2000(output_lab, target_lab).mean())


REGION_GAP = 2  # the regions of the region metrics close line gaps as the app's region fill does
STREAK_MARGIN = 3  # px around a stroke that belong to neither side of the streak measure (its halo counts)
MIN_REST = 20  # a region needs this many pixels away from its strokes for a streak score
CHANGED = 10.0  # CIEDE2000 above which a pixel counts as another colour (one-stroke coverage and leakage)
NEAR = 12  # px (chessboard distance: a square of 2 NEAR + 1) around the stroked region where leakage is its halo


def lab(image: np.ndarray) -> np.ndarray:
    """CIE Lab float64 (H, W, 3) of a uint8 RGB picture (compute once, reuse for every measure)."""
    return rgb2lab(image)


def stroke_regions(sketch: np.ndarray, hint_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sketch's line-bounded regions (:func:`colorizer.regions.line_regions`, gap REGION_GAP) and
    the numbers of those that hold a painted pixel: (int32 (H, W) labels, int array of region numbers)."""
    labels = line_regions(sketch, gap=REGION_GAP)
    hinted = np.unique(labels[hint_mask & (labels > 0)])
    return labels, hinted


def region_ciede2000(output_lab: np.ndarray, target_lab: np.ndarray, labels: np.ndarray,
                     hinted: np.ndarray) -> float:
    """Mean CIEDE2000 between output and target over every pixel of the regions that hold a stroke
    (not only under the stroke); nan without strokes."""
    inside = np.isin(labels, hinted) & (labels > 0)
    if not inside.any():
        return float("nan")
    return float(deltaE_ciede2000(output_lab[inside], target_lab[inside]).mean())


def streak(output_lab: np.ndarray, labels: np.ndarray, hinted: np.ndarray, hint_mask: np.ndarray) -> float:
    """How far the output under the strokes differs from the rest of their regions: per hinted region,
    CIEDE2000 between the mean Lab under its strokes and the mean Lab of its pixels more than
    STREAK_MARGIN px from any stroke; the median over regions (nan where no region has MIN_REST such
    pixels). 0 when a stroke only sets its region's colour; large for a stroke stamped on top."""
    near = cv2.dilate(hint_mask.astype(np.uint8), np.ones((2 * STREAK_MARGIN + 1,) * 2, np.uint8)) > 0
    scores = []
    for region in hinted:
        inside = labels == region
        under, rest = inside & hint_mask, inside & ~near
        if under.any() and rest.sum() >= MIN_REST:
            means = np.stack([output_lab[under].mean(axis=0), output_lab[rest].mean(axis=0)])
            scores.append(float(deltaE_ciede2000(means[:1], means[1:])[0]))
    return float(np.median(scores)) if scores else float("nan")


def one_stroke_region(sketch: np.ndarray, mask: np.ndarray | None) -> np.ndarray | None:
    """bool (H, W): the largest line-bounded region inside the character ``mask`` (at least 95 % of it
    inside), or without a mask the largest one that does not touch the picture's border; None if none."""
    labels = line_regions(sketch, gap=REGION_GAP)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    if mask is not None:
        inside = np.bincount(labels.ravel(), weights=mask.ravel(), minlength=len(sizes))
        sizes[inside < 0.95 * sizes] = 0
    else:
        border = np.unique(np.r_[labels[0], labels[-1], labels[:, 0], labels[:, -1]])
        sizes[border] = 0
    return labels == sizes.argmax() if sizes.max() > 0 else None


def one_stroke(region: np.ndarray, target: np.ndarray, palette: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One stroke through the middle of ``region``, in the ``palette`` colour (uint8 (K, 3)) farthest
    (CIEDE2000) from the target's mean colour there: a horizontal bar 6 px thick and at most 120 px
    long through the region's innermost point, kept 2 px off its lines.

    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)).
    """
    distance = cv2.distanceTransform(region.astype(np.uint8), cv2.DIST_L2, 5)
    y, x = np.unravel_index(distance.argmax(), distance.shape)
    mask = np.zeros(region.shape, bool)
    mask[max(0, y - 3):y + 3, max(0, x - 60):x + 60] = True
    mask &= cv2.erode(region.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    mask[y, x] = True
    mean = rgb2lab(target[region].mean(axis=0).reshape(1, 1, 3) / 255.0)[0]
    colour = palette[np.argmax(deltaE_ciede2000(rgb2lab(palette[None] / 255.0)[0], mean))]
    rgb = np.zeros(region.shape + (3,), np.uint8)
    rgb[mask] = colour
    return rgb, mask


def stroke_coverage(output_lab: np.ndarray, region: np.ndarray, colour: np.ndarray) -> float:
    """Share (0-1) of ``region``'s pixels within CHANGED (CIEDE2000) of the stroke ``colour`` (uint8 RGB)."""
    reference = rgb2lab(colour.reshape(1, 1, 3).astype(np.uint8))[0]
    return float((deltaE_ciede2000(output_lab[region], reference) <= CHANGED).mean())


def paper_kept(output_lab: np.ndarray, paper: np.ndarray) -> float:
    """Share (0-1) of the ``paper`` pixels (bool (H, W): a sticker's white background) within CHANGED
    (CIEDE2000) of white in the output: 1 when the model leaves white paper white; nan without paper."""
    if not paper.any():
        return float("nan")
    return float((deltaE_ciede2000(output_lab[paper], np.array([[100.0, 0.0, 0.0]])) <= CHANGED).mean())


def stroke_leakage(with_lab: np.ndarray, without_lab: np.ndarray, target_lab: np.ndarray, region: np.ndarray,
                   where: np.ndarray | None = None) -> dict[str, float]:
    """One stroke's reach outside ``region`` (all Lab float (H, W, 3); ``where`` bool (H, W) or None).

    Returns:
        {"leakage": share (0-1) of the pixels outside the region that the stroke changed by more than
        CHANGED; "harmful_leakage": the part of them left farther (CIEDE2000) from ``target_lab`` than
        without the stroke, not a guess the stroke corrected; "near_harmful_leakage": the part of that
        within NEAR px of the region (the stroke's halo); "background_leakage": the part of the leakage
        inside ``where`` (nan without it); "far_shift": the mean CIEDE2000 by which the stroke moved the
        pixels farther than NEAR px (a tone shift of the whole picture, no threshold; nan if none)}.
        Parts are over every pixel outside the region, so the leakage inside ``where`` and outside it
        add up to the total.
    """
    outside = ~region
    after, before, target = with_lab[outside], without_lab[outside], target_lab[outside]
    shift = deltaE_ciede2000(after, before)
    changed = shift > CHANGED
    worse = np.zeros_like(changed)  # compared only where changed: a few % of the pixels
    worse[changed] = deltaE_ciede2000(after[changed], target[changed]) > deltaE_ciede2000(before[changed], target[changed])
    near = cv2.dilate(region.astype(np.uint8), np.ones((2 * NEAR + 1,) * 2, np.uint8))[outside] > 0
    part = float("nan") if where is None else float((changed & where[outside]).mean())
    return {"leakage": float(changed.mean()), "harmful_leakage": float(worse.mean()),
            "near_harmful_leakage": float((worse & near).mean()), "background_leakage": part,
            "far_shift": float(shift[~near].mean()) if (~near).any() else float("nan")}
