"""Losses: L1 plus a k-means palette penalty that keeps outputs on the target's flat colours."""
from __future__ import annotations

import numpy as np
import torch

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


def colorization_loss(output: torch.Tensor, target: torch.Tensor, palette: torch.Tensor,
                      palette_lambda: float) -> tuple[torch.Tensor, dict]:
    """L1 + lambda * palette penalty; returns the total and both terms for logging."""
    l1 = (output - target).abs().mean()
    penalty = palette_penalty(output, palette) if palette_lambda > 0 else output.new_zeros(())
    total = l1 + palette_lambda * penalty
    return total, {"l1": float(l1.detach()), "palette": float(penalty.detach()), "loss": float(total.detach())}
