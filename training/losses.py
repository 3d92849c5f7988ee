"""Losses: L1 plus a k-means palette penalty that keeps outputs on the target's flat colours."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from colorizer.palette import kmeans_colours


def kmeans_palette(image: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """The k-means palette of a target picture for the palette penalty.

    Args:
        image: uint8 (H, W, 3).
    Returns:
        float32 (k, 3) colours in [-1, 1]; rows repeat when fewer than k colours exist.
    """
    colours, _ = kmeans_colours(image, k, rng)
    return (colours / 127.5 - 1.0).astype(np.float32)


def palette_penalty(output: torch.Tensor, palette: torch.Tensor) -> torch.Tensor:
    """Mean distance from each output pixel to its nearest palette colour.

    Args:
        output: (N, 3, H, W) colours in [-1, 1].
        palette: (N, K, 3) per-image palettes in [-1, 1].
    Returns:
        scalar tensor >= 0; zero exactly when every pixel is one of its image's palette colours.
    """
    pixels = output.flatten(2).transpose(1, 2)  # (N, HW, 3)
    distances = torch.cdist(pixels.float(), palette.float())  # (N, HW, K)
    return distances.min(dim=2).values.mean()


def line_weights(sketch: torch.Tensor, line_weight: float, reach: int = 2) -> torch.Tensor:
    """Per-pixel L1 weights: 1 + ``line_weight`` within ``reach`` px of a line, 1 elsewhere.

    Args:
        sketch: (N, 1, H, W) packed sketch channel in [-1, 1] (lines below 0).
    Returns:
        (N, 1, H, W) float weights >= 1.
    """
    lines = (sketch < 0).float()
    near = F.max_pool2d(lines, 2 * reach + 1, stride=1, padding=reach)
    return 1.0 + line_weight * near


def colorization_loss(output: torch.Tensor, target: torch.Tensor, palette: torch.Tensor,
                      palette_lambda: float, weights: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
    """L1 (weighted per pixel when ``weights`` is given) + lambda * palette penalty.

    Returns the total and both terms for logging. Weighted L1 is normalised by the mean weight,
    so it stays on the plain L1's scale.
    """
    error = (output - target).abs()
    l1 = error.mean() if weights is None else (error * weights).mean() / weights.mean()
    penalty = palette_penalty(output, palette) if palette_lambda > 0 else output.new_zeros(())
    total = l1 + palette_lambda * penalty
    return total, {"l1": float(l1.detach()), "palette": float(penalty.detach()), "loss": float(total.detach())}
