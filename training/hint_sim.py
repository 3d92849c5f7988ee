"""Simulated artist scribbles for training and evaluation.

Two styles, as in the field: strokes whose pixels copy the target under them (the
dataset's own ``scribbles`` style), and strokes kept inside one line-bounded region
and painted with that region's mean colour (how artists scribble; it teaches the
net that one hint colours a whole region).
"""
from __future__ import annotations

import cv2
import numpy as np

from colorizer.regions import line_regions, region_means


def stroke_mask(shape: tuple[int, int], rng: np.random.Generator, start: tuple[int, int], radius: int) -> np.ndarray:
    """A short random polyline stroke of the given radius (1 px radius = 1 px wide).

    Returns:
        bool (H, W) mask of the stroke.
    """
    height, width = shape
    points = [np.array(start, dtype=np.float64)]
    for _ in range(int(rng.integers(1, 4))):
        angle = rng.uniform(0, 2 * np.pi)
        length = rng.uniform(3, max(4.0, 0.15 * min(height, width)))
        step = points[-1] + length * np.array([np.cos(angle), np.sin(angle)])
        points.append(np.clip(step, 0, [width - 1, height - 1]))
    mask = np.zeros(shape, np.uint8)
    polyline = np.round(np.array(points)).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(mask, [polyline], False, 1, thickness=2 * radius - 1)
    return mask.astype(bool)


def simulate_hints(target: np.ndarray, sketch: np.ndarray, rng: np.random.Generator,
                   count: int | None = None, max_strokes: int = 30, no_hint_fraction: float = 0.1,
                   region_fraction: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Draw simulated strokes coloured from the target.

    Args:
        target: uint8 (H, W, 3) colour picture.
        sketch: uint8 (H, W) its sketch, dark lines on white.
        rng: the random generator (same seed, same strokes).
        count: exact number of strokes; None draws 0..max_strokes (log-uniform, with
            ``no_hint_fraction`` of samples getting none).
        region_fraction: share of strokes kept inside one region and painted with its mean colour.
    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)) ready for ``pack_arrays``.
    """
    if count is None:
        count = 0 if rng.random() < no_hint_fraction else int(np.exp(rng.uniform(0, np.log(max_strokes + 1))))
    hint_rgb = np.zeros_like(target)
    hint_mask = np.zeros(sketch.shape, bool)
    labels = line_regions(sketch)
    paper = np.flatnonzero(labels.ravel() > 0)
    if count == 0 or paper.size == 0:
        return hint_rgb, hint_mask
    means = region_means(target, labels)[1].astype(np.float32)
    for _ in range(count):
        y, x = np.unravel_index(paper[rng.integers(paper.size)], sketch.shape)
        stroke = stroke_mask(sketch.shape, rng, (x, y), int(rng.integers(1, 10)))
        if rng.random() < region_fraction:
            stroke &= labels == labels[y, x]
            hint_rgb[stroke] = np.round(means[labels[y, x]]).astype(np.uint8)
        else:
            hint_rgb[stroke] = target[stroke]
        hint_mask |= stroke
    return hint_rgb, hint_mask


def region_hints(target: np.ndarray, sketch: np.ndarray, rng: np.random.Generator,
                 ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """Hints placed per region, largest regions first (as the Hint-AUC protocol places them): one short
    stroke inside each of the largest ``ratio`` (0-1) of the sketch's line-bounded regions, painted with
    the region's mean colour.

    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)).
    """
    labels = line_regions(sketch)
    sizes, means = region_means(target, labels)
    starts = np.concatenate([[0], np.cumsum(sizes)])  # region r's pixels: by_region[starts[r]:starts[r + 1]]
    sizes[0] = 0
    order = np.argsort(-sizes, kind="stable")[:max(1, round(ratio * (len(sizes) - 1)))]
    hint_rgb, hint_mask = np.zeros_like(target), np.zeros(sketch.shape, bool)
    by_region = np.argsort(labels.ravel(), kind="stable")  # pixel indices grouped by region, ascending
    for region in order[sizes[order] > 0]:
        pixels = by_region[starts[region]:starts[region + 1]]
        y, x = np.unravel_index(pixels[rng.integers(pixels.size)], sketch.shape)
        stroke = stroke_mask(sketch.shape, rng, (x, y), int(rng.integers(2, 10))) & (labels == region)
        hint_rgb[stroke] = np.round(means[region]).astype(np.uint8)
        hint_mask |= stroke
    return hint_rgb, hint_mask
