"""Full-resolution output from the model's working-size colours.

The model runs at a working size; its colours are brought back to the sketch's size with a
fast guided filter (He & Sun 2015) whose guide is the full-resolution sketch, so colour edges
follow the lines instead of blurring across them. For an artist's own line art, the flat
colours (model lines removed) can be multiplied by the crisp full-resolution lines instead.
"""
from __future__ import annotations

import cv2
import numpy as np

LINE_LEVEL = 200  # sketch values below this count as line when removing the model's own lines


def remove_lines(colour: np.ndarray, sketch: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    """Flat colours: line pixels refilled from nearby paper pixels (normalised convolution).

    Args:
        colour: uint8 (H, W, 3) model output at working size.
        sketch: uint8 (H, W) sketch at the same size, dark lines on white.
    Returns:
        float32 (H, W, 3) in [0, 1], without the dark line strokes.
    """
    paper = (sketch >= LINE_LEVEL).astype(np.float32)
    paper = cv2.erode(paper, np.ones((3, 3), np.uint8))  # line edges are mixed colours too
    values = colour.astype(np.float32) / 255.0
    weight = cv2.GaussianBlur(paper, (0, 0), sigma)
    filled = cv2.GaussianBlur(values * paper[..., None], (0, 0), sigma) / np.maximum(weight, 1e-4)[..., None]
    known = paper[..., None] > 0
    flat = np.where(known, values, filled)
    return np.where(weight[..., None] > 1e-3, flat, values).astype(np.float32)


def guided_upsample(flat: np.ndarray, guide_small: np.ndarray, guide_full: np.ndarray,
                    radius: int = 2, eps: float = 1e-2) -> np.ndarray:
    """Fast guided filter: fit colour = a * guide + b locally at working size, apply at full size.

    Args:
        flat: float32 (h, w, 3) in [0, 1] at working size.
        guide_small: float32 (h, w) sketch in [0, 1] at working size.
        guide_full: float32 (H, W) sketch in [0, 1] at full size.
    Returns:
        float32 (H, W, 3) in [0, 1].
    """
    box = lambda x: cv2.boxFilter(x, -1, (2 * radius + 1, 2 * radius + 1), borderType=cv2.BORDER_REFLECT)
    mean_i = box(guide_small)
    var_i = box(guide_small * guide_small) - mean_i * mean_i
    mean_p = box(flat)
    cov = box(flat * guide_small[..., None]) - mean_i[..., None] * mean_p
    a = cov / (var_i[..., None] + eps)
    b = mean_p - a * mean_i[..., None]
    size = (guide_full.shape[1], guide_full.shape[0])
    a_full = cv2.resize(box(a), size, interpolation=cv2.INTER_LINEAR)
    b_full = cv2.resize(box(b), size, interpolation=cv2.INTER_LINEAR)
    return np.clip(a_full * guide_full[..., None] + b_full, 0.0, 1.0)


def to_full_size(colour: np.ndarray, sketch_small: np.ndarray, sketch_full: np.ndarray) -> np.ndarray:
    """float32 (h, w, 3) in [0, 1] at working size -> (H, W, 3), guided by the full-size sketch."""
    if sketch_small.shape == sketch_full.shape:
        return colour
    to_unit = lambda sketch: sketch.astype(np.float32) / 255.0
    return guided_upsample(colour, to_unit(sketch_small), to_unit(sketch_full))


def compose(colour_small: np.ndarray, sketch_small: np.ndarray, sketch_full: np.ndarray,
            lines_on_top: bool = False, with_flat: bool = True) -> dict[str, np.ndarray]:
    """Full-resolution result and flat colour layer from the model's working-size output.

    Args:
        colour_small: uint8 (h, w, 3) model output.
        sketch_small: uint8 (h, w) the sketch the model saw.
        sketch_full: uint8 (H, W) the full-resolution sketch.
        lines_on_top: multiply the full-resolution sketch over the flat colours (right for an
            artist's own line art); otherwise keep the model's own rendering of the lines, which
            matches the original picture better for Sobel sketches of colour frames.
        with_flat: also return the flat layer (it is only built when asked for or needed).
    Returns:
        {"result": uint8 (H, W, 3), "flat": uint8 (H, W, 3) colours without lines, if with_flat}.
    """
    to_uint8 = lambda x: np.round(np.clip(x, 0, 1) * 255.0).astype(np.uint8)
    layers = {}
    if lines_on_top or with_flat:
        flat = to_full_size(remove_lines(colour_small, sketch_small), sketch_small, sketch_full)
        if with_flat:
            layers["flat"] = to_uint8(flat)
    if lines_on_top:
        result = flat * (sketch_full.astype(np.float32)[..., None] / 255.0)
    else:
        result = to_full_size(colour_small.astype(np.float32) / 255.0, sketch_small, sketch_full)
    return {"result": to_uint8(result), **layers}
