"""Image-quality metrics shared by training and evaluation."""
from __future__ import annotations

import math

import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab


def psnr(output: np.ndarray, target: np.ndarray) -> float:
    """PSNR in dB between two uint8 pictures of the same shape (inf when identical)."""
    mse = np.mean((output.astype(np.float64) - target.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def ciede2000(output: np.ndarray, target: np.ndarray) -> float:
    """Mean CIEDE2000 colour difference between two uint8 (H, W, 3) RGB pictures."""
    return float(deltaE_ciede2000(rgb2lab(output), rgb2lab(target)).mean())
