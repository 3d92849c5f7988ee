"""A penalty on hint leakage: one stroke should change its own region and pixels of its colour, nothing else.

The benchmark's one-stroke test counts the pixels outside the stroked region that a stroke changes
(``training.metrics.stroke_leakage``). Training sees the same thing as a pair: each hinted sample
also goes through the network with one of its strokes taken out, and the output with the stroke is
pulled towards the output without it (no gradient through the latter) wherever that stroke has no
business: outside the line-bounded regions it touches and away from pixels whose target colour is
near the stroke's.
"""
from __future__ import annotations

from contextlib import contextmanager

import cv2
import numpy as np
import torch

from colorizer.hints import pack_arrays
from colorizer.regions import line_regions

SAME_COLOUR = 40.0  # RGB distance (0-441) from the stroke's colour within which a pixel may take it anywhere
REGION_MARGIN = 2  # px around the stroke's regions (their lines) left out of the penalty


def leak_pair(sketch: np.ndarray, target: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray,
              rng: np.random.Generator) -> dict:
    """The same sample with one random stroke (connected piece of ``hint_mask``) taken out, and where
    that stroke must not change the output.

    Args:
        sketch: uint8 (H, W), dark lines on white; target: uint8 (H, W, 3);
        hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W).
    Returns:
        {"input_without": float32 (4, H, W) tensor (``pack_arrays`` without the stroke),
         "leak_mask": float32 (1, H, W) tensor, 1 where the penalty applies}; without strokes the
        input unchanged and an all-zero mask.
    """
    count, pieces = cv2.connectedComponents(hint_mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return _no_pair(sketch, hint_rgb, hint_mask)
    stroke = pieces == int(rng.integers(1, count))
    labels = line_regions(sketch)
    touched = np.isin(labels, np.unique(labels[stroke & (labels > 0)])) & (labels > 0)
    own = cv2.dilate((touched | stroke).astype(np.uint8), np.ones((2 * REGION_MARGIN + 1,) * 2, np.uint8)) > 0
    colour = hint_rgb[stroke].astype(np.float32).mean(axis=0)
    same = np.linalg.norm(target.astype(np.float32) - colour, axis=2) <= SAME_COLOUR
    return {"input_without": torch.from_numpy(pack_arrays(sketch, hint_rgb, hint_mask & ~stroke)),
            "leak_mask": torch.from_numpy((~own & ~same).astype(np.float32)[None])}


def _no_pair(sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray) -> dict:
    return {"input_without": torch.from_numpy(pack_arrays(sketch, hint_rgb, hint_mask)),
            "leak_mask": torch.zeros((1,) + sketch.shape, dtype=torch.float32)}


def leak_penalty(output: torch.Tensor, reference: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between ``output`` and ``reference`` (both (N, 3, H, W) in [-1, 1]) over
    the pixels where ``mask`` ((N, 1, H, W), 0 or 1) is 1; 0 when the mask is empty."""
    weight = mask.expand_as(output)
    return ((output - reference).abs() * weight).sum() / weight.sum().clamp(min=1.0)


@contextmanager
def frozen_batch_norm_stats(model: torch.nn.Module):
    """Within the block, batch norm layers in training mode still normalise by the batch's own
    statistics but leave their running statistics as they were (momentum 0), so an extra forward
    pass for a reference output does not count twice towards them."""
    layers = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    saved = [(m.momentum, m.num_batches_tracked.clone()) for m in layers]
    for layer in layers:
        layer.momentum = 0.0
    try:
        yield
    finally:
        for layer, (momentum, tracked) in zip(layers, saved):
            layer.momentum = momentum
            layer.num_batches_tracked.copy_(tracked)
