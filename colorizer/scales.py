"""Two-scale inference: a coarse pass sets the colours of whole regions, the fine pass the detail.

The models colour 256 px frames better than the same frames enlarged to the app's 512 px
working size. So a large input with hints can also run at a coarse size (long side
COARSE_SIDE), and the low frequencies of the coarse colours replace those of the fine ones:

    result = fine + upsample(blur(coarse - downsample(fine)))

The blur (COARSE_SIGMA coarse pixels) limits the hand-over to region-sized colour changes, so
lines and edges stay as sharp as the fine pass drew them. A checkpoint turns it on with
meta["inference"]["coarse_side"]; the shipped line-art model
does, the Sobel model does not (docs/experiments.md, "Two-scale inference").
"""
from __future__ import annotations

import cv2
import numpy as np

COARSE_SIDE = 256  # long side of the coarse pass, px
COARSE_FROM = 1.5  # two scales only when the working long side is at least this times COARSE_SIDE
COARSE_SIGMA = 8.0  # Gaussian blur of the coarse correction, in coarse pixels


def working_size(size: tuple[int, int], work_side: int) -> tuple[int, int]:
    """(width, height) scaled down so the long side is at most ``work_side``; never up."""
    width, height = size
    scale = min(1.0, work_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def coarse_size(size: tuple[int, int], coarse_side: int) -> tuple[int, int] | None:
    """(width, height) of the coarse pass for an input of ``size``, or None for one pass.

    None when ``coarse_side`` is 0 (two scales off) or the long side is below
    COARSE_FROM x ``coarse_side``, as 256 px inputs are.
    """
    if coarse_side <= 0 or max(size) < COARSE_FROM * coarse_side:
        return None
    return working_size(size, coarse_side)


def describe_passes(coarse_side: int) -> str:
    """For people: "one pass", or the coarse pass and when it runs."""
    if coarse_side <= 0:
        return "one pass"
    return f"coarse pass at {coarse_side} px for hinted inputs of {round(COARSE_FROM * coarse_side)} px or more"


def merge_scales(fine: np.ndarray, coarse: np.ndarray, sigma: float = COARSE_SIGMA) -> np.ndarray:
    """Fine colours with their low frequencies taken from the coarse colours.

    Args:
        fine: uint8 (H, W, 3) network colours at the working size.
        coarse: uint8 (h, w, 3) network colours at the coarse size (h <= H, w <= W).
        sigma: Gaussian blur of the correction, in coarse pixels (> 0).
    Returns:
        uint8 (H, W, 3).
    """
    height, width = coarse.shape[:2]
    fine_float = fine.astype(np.float32)
    shrunk = cv2.resize(fine_float, (width, height), interpolation=cv2.INTER_AREA)
    correction = cv2.GaussianBlur(coarse.astype(np.float32) - shrunk, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    correction = cv2.resize(correction, (fine.shape[1], fine.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(np.round(fine_float + correction), 0, 255).astype(np.uint8)
