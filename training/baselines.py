"""Non-learned baselines the model must beat."""
from __future__ import annotations

import numpy as np

from colorizer.regions import line_regions, region_means

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
    labels = line_regions(sketch)
    fallback = hint_rgb[hint_mask].mean(axis=0) if hint_mask.any() else np.full(3, NO_HINT_GREY, np.float64)
    sizes, means = region_means(hint_rgb[hint_mask][None], labels[hint_mask][None], labels.max() + 1)
    colours = np.where(sizes[:, None] > 0, means, fallback)
    colours[0] = fallback  # line pixels: filled, then darkened by the lines below
    filled = colours[labels]
    return np.clip(np.round(filled * (sketch[..., None] / 255.0)), 0, 255).astype(np.uint8)
