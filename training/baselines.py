"""Non-learned baselines the model must beat."""
from __future__ import annotations

import numpy as np

from .hint_sim import region_labels

NO_HINT_GREY = 128


def bucket_fill(sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
    """Paint-bucket colouring: each line-bounded region takes the mean colour of its hints.

    Regions without a hint take the mean of all hint colours (mid grey without any hint);
    the sketch's lines are then drawn on top (multiplied in).

    Args:
        sketch: uint8 (H, W), dark lines on white.
        hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W).
    Returns:
        uint8 (H, W, 3).
    """
    labels = region_labels(sketch)
    count = labels.max() + 1
    hinted = labels[hint_mask]
    fallback = hint_rgb[hint_mask].mean(axis=0) if hint_mask.any() else np.full(3, NO_HINT_GREY, np.float64)
    totals = np.bincount(hinted, minlength=count).astype(np.float64)
    colours = np.tile(fallback, (count, 1))
    for channel in range(3):
        sums = np.bincount(hinted, weights=hint_rgb[..., channel][hint_mask], minlength=count)
        colours[:, channel] = np.where(totals > 0, sums / np.maximum(totals, 1), fallback[channel])
    colours[0] = fallback  # line pixels: filled, then darkened by the lines below
    filled = colours[labels]
    return np.clip(np.round(filled * (sketch[..., None] / 255.0)), 0, 255).astype(np.uint8)
