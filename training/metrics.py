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

LINE_LEVEL = 128  # sketch pixels darker than this are line pixels
LEAK_MIN_CONTRAST = 10.0  # only line points where the target changes colour this much count


def psnr(output: np.ndarray, target: np.ndarray) -> float:
    """PSNR in dB (inf when identical)."""
    mse = np.mean((output.astype(np.float64) - target.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def ssim(output: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity on RGB, in [-1, 1] (1 when identical)."""
    return float(structural_similarity(output, target, channel_axis=2, data_range=255))


def ciede2000(output: np.ndarray, target: np.ndarray) -> float:
    """Mean CIEDE2000 colour difference (0 when identical)."""
    return float(deltaE_ciede2000(rgb2lab(output), rgb2lab(target)).mean())


def hint_fidelity(output: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray) -> float:
    """Mean CIEDE2000 between each painted hint colour and the output under it (nan without hints)."""
    if not hint_mask.any():
        return float("nan")
    painted_out = output[hint_mask][None].astype(np.uint8)
    painted_hint = hint_rgb[hint_mask][None].astype(np.uint8)
    return float(deltaE_ciede2000(rgb2lab(painted_out), rgb2lab(painted_hint)).mean())


def line_sides(sketch: np.ndarray, distance: float = 3.0, limit: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Pixel pairs on the two sides of the sketch's lines, ``distance`` px along the line normal.

    Returns:
        (side_a, side_b): int arrays (P, 2) of (row, col), at most ``limit`` evenly spread pairs.
    """
    smooth = cv2.GaussianBlur(sketch.astype(np.float32), (0, 0), 1.5)
    gy, gx = cv2.Sobel(smooth, cv2.CV_32F, 0, 1), cv2.Sobel(smooth, cv2.CV_32F, 1, 0)
    rows, cols = np.nonzero((sketch < LINE_LEVEL) & (np.hypot(gx, gy) > 1e-3))
    if rows.size > limit:
        keep = np.linspace(0, rows.size - 1, limit).astype(int)
        rows, cols = rows[keep], cols[keep]
    norm = np.hypot(gx[rows, cols], gy[rows, cols])
    ny, nx = gy[rows, cols] / norm, gx[rows, cols] / norm
    height, width = sketch.shape
    side = lambda sign: np.stack([np.clip(np.round(rows + sign * distance * ny), 0, height - 1),
                                  np.clip(np.round(cols + sign * distance * nx), 0, width - 1)], 1).astype(int)
    return side(1), side(-1)


def leakage(output: np.ndarray, target: np.ndarray, sketch: np.ndarray) -> float:
    """Colour contrast lost across lines, in CIEDE2000 units (0 = no leak).

    At line points where the target's two sides differ by at least LEAK_MIN_CONTRAST, the
    mean of max(0, target contrast - output contrast); nan when no such points exist.
    """
    side_a, side_b = line_sides(sketch)
    if side_a.size == 0:
        return float("nan")
    contrast = lambda image: deltaE_ciede2000(rgb2lab(image[side_a[:, 0], side_a[:, 1]][None]),
                                              rgb2lab(image[side_b[:, 0], side_b[:, 1]][None]))[0]
    target_contrast = contrast(target)
    boundary = target_contrast >= LEAK_MIN_CONTRAST
    if not boundary.any():
        return float("nan")
    lost = np.maximum(0.0, target_contrast - contrast(output))
    return float(lost[boundary].mean())
