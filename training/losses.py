"""Losses: L1 plus a k-means palette penalty that keeps outputs on the target's flat colours,
and an optional cross-line contrast term against colour leaking over lines."""
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


# Pixel offsets (dy, dx) to either side of a line pixel: across vertical, horizontal and both
# diagonal lines, about 3 px each way like the leakage metric (training.metrics.leakage).
CROSS_OFFSETS = ((0, 3), (3, 0), (2, 2), (2, -2))
BOUNDARY_CONTRAST = 0.15  # target colour difference (RGB distance in [-1, 1] units) that makes a line a boundary


def _shift(image: torch.Tensor, dy: int, dx: int, pad: int) -> torch.Tensor:
    """image (N, C, H, W) read at (y + dy, x + dx), edges repeated; |dy|, |dx| <= pad."""
    height, width = image.shape[-2:]
    padded = F.pad(image, (pad, pad, pad, pad), mode="replicate")
    return padded[..., pad + dy:pad + dy + height, pad + dx:pad + dx + width]


def cross_line_contrast(output: torch.Tensor, target: torch.Tensor, sketch: torch.Tensor) -> torch.Tensor:
    """Colour contrast across lines that the output loses against the target (a hinge).

    For every line pixel (sketch < 0) and each offset d of CROSS_OFFSETS, the colour step
    between the pixels at -d and +d is measured (RGB distance); where the target's step is at
    least BOUNDARY_CONTRAST, the penalty is max(0, target step - output step), averaged over
    those (pixel, offset) pairs. Like the leakage metric it asks for distinct colours on the
    two sides of a boundary, whichever colours they are: a loss on the signed difference would
    teach an unsure model to make both sides alike.

    Args:
        output, target: (N, 3, H, W) colours in [-1, 1].
        sketch: (N, 1, H, W) the input's sketch channel in [-1, 1] (-1 = black line).
    Returns:
        scalar tensor >= 0; zero when no output step across a line is smaller than the target's.
    """
    pad = max(max(abs(dy), abs(dx)) for dy, dx in CROSS_OFFSETS)
    lines = sketch < 0
    lost, weights = [], []
    for dy, dx in CROSS_OFFSETS:
        step = lambda image: _shift(image, dy, dx, pad) - _shift(image, -dy, -dx, pad)
        size = lambda image: (step(image).square().sum(1, keepdim=True) + 1e-6).sqrt()
        target_step = size(target)
        boundary = lines & (target_step >= BOUNDARY_CONTRAST)
        lost.append(((target_step - size(output)).clamp(min=0) * boundary).sum())
        weights.append(boundary.sum())
    return torch.stack(lost).sum() / torch.stack(weights).sum().clamp(min=1)


def colorization_loss(output: torch.Tensor, target: torch.Tensor, palette: torch.Tensor,
                      palette_lambda: float, sketch: torch.Tensor | None = None,
                      contrast_lambda: float = 0.0) -> tuple[torch.Tensor, dict]:
    """L1 + palette_lambda * palette penalty (+ contrast_lambda * cross-line contrast).

    Args:
        output, target: (N, 3, H, W) in [-1, 1]; palette: (N, K, 3) in [-1, 1].
        sketch: (N, 1, H, W) sketch channel in [-1, 1]; needed when contrast_lambda > 0.
    Returns:
        (total loss, {"l1", "palette", "contrast", "loss"} as floats for logging).
    """
    l1 = (output - target).abs().mean()
    penalty = palette_penalty(output, palette) if palette_lambda > 0 else output.new_zeros(())
    contrast = output.new_zeros(())
    if contrast_lambda > 0:
        if sketch is None:
            raise ValueError("contrast_lambda > 0 needs the sketch channel to find the lines.")
        contrast = cross_line_contrast(output, target, sketch)
    total = l1 + palette_lambda * penalty + contrast_lambda * contrast
    return total, {"l1": float(l1.detach()), "palette": float(penalty.detach()),
                   "contrast": float(contrast.detach()), "loss": float(total.detach())}
