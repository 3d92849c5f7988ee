"""Colour palettes: k-means (scikit-learn) over a picture's pixels."""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans


def kmeans_colours(image: np.ndarray, k: int, rng: np.random.Generator, sample: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The k dominant colours of a picture and their pixel shares.

    Args:
        image: uint8 (H, W, 3).
        k: number of colours (fewer distinct colours are repeated to fill k rows).
        rng: generator for the pixel subsample and the k-means start.
    Returns:
        (colours float32 (k, 3) in 0..255, shares float32 (k,) summing to 1), most common first.
    """
    pixels = image.reshape(-1, 3).astype(np.float32)
    if len(pixels) > sample:
        pixels = pixels[rng.choice(len(pixels), sample, replace=False)]
    codes, counts = np.unique(pixels.astype(np.int64) @ np.array([65536, 256, 1]), return_counts=True)
    distinct = np.stack([codes // 65536, codes // 256 % 256, codes % 256], 1).astype(np.float32)
    if len(distinct) <= k:
        order = np.argsort(-counts)
        colours, shares = distinct[order], counts[order] / counts.sum()
        repeat = np.arange(k) % len(distinct)
        return colours[repeat].astype(np.float32), np.where(np.arange(k) < len(distinct), shares[repeat], 0).astype(np.float32)
    fitted = KMeans(n_clusters=k, n_init=1, max_iter=30, random_state=int(rng.integers(2**31 - 1))).fit(pixels)
    shares = np.bincount(fitted.labels_, minlength=k) / len(pixels)
    order = np.argsort(-shares)
    return fitted.cluster_centers_[order].astype(np.float32), shares[order].astype(np.float32)


def suggest_palette(image, k: int = 8, seed: int = 0) -> list[str]:
    """Hex swatches ("#rrggbb") of a PIL picture's k dominant colours, most common first, no repeats."""
    array = np.asarray(image.convert("RGB"))
    colours, shares = kmeans_colours(array, k, np.random.default_rng(seed))
    swatches = [f"#{int(r):02x}{int(g):02x}{int(b):02x}" for (r, g, b), share in zip(np.round(colours), shares) if share > 0]
    return list(dict.fromkeys(swatches))
