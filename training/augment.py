"""Sample augmentations: sketch settings, foreign line extractors and recolouring.

Random functions take an explicit ``numpy.random.Generator``; every array is uint8.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from colorizer.palette import kmeans_colours
from colorizer.sketch import KERNEL_SIZES, SETTING_RANGES, line_art_sketch, sobel_sketch

from .extractors import canny_sketch, xdog_sketch


def random_sketch_settings(rng: np.random.Generator) -> dict:
    """Sketch settings as an artist sets the sliders: each numeric one from the common part of its
    range (colorizer.sketch.SETTING_RANGES), any kernel size, pure black lines a quarter of the time."""
    return {"kernel_size": int(rng.choice(KERNEL_SIZES)), **{name: allowed.sample(rng) for name, allowed in
                                                              SETTING_RANGES.items()},
            "binarize": bool(rng.random() < 0.25)}


def random_sketch(image: np.ndarray, rng: np.random.Generator, foreign: float = 0.0) -> np.ndarray:
    """The sketch a training sample sees: uint8 (H, W), dark lines on white.

    Usually the app's Sobel sketch with random slider settings; with probability ``foreign``
    (no generator draw when 0) a Canny or XDoG drawing passed through the app's
    *already line art* path, so the model also learns line art it did not make itself.
    """
    if foreign > 0 and rng.random() < foreign:
        return random_foreign_sketch(image, rng)
    return np.asarray(sobel_sketch(Image.fromarray(image), **random_sketch_settings(rng)))


def random_foreign_sketch(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Canny or XDoG line art with random settings, a third of it with thicker lines.

    Args:
        image: uint8 RGB (H, W, 3).
    Returns:
        uint8 (H, W), dark lines on white, as ``line_art_sketch`` hands it to the model.
    """
    if rng.random() < 0.5:
        high = float(rng.uniform(90, 220))
        lines = canny_sketch(image, low=int(high * rng.uniform(0.3, 0.6)), high=int(high),
                             blur=float(rng.uniform(0.6, 1.6)))
    else:
        lines = xdog_sketch(image, sigma=float(rng.uniform(0.5, 1.3)), tau=float(rng.uniform(0.95, 0.99)),
                            phi=float(rng.uniform(8, 40)))
    if rng.random() < 1 / 3:
        lines = cv2.erode(lines, np.ones((2, 2), np.uint8))
    return np.asarray(line_art_sketch(Image.fromarray(lines)))


def rotate_hue(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate the hue of a uint8 RGB picture by ``degrees`` (lines and greys unchanged)."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV_FULL)
    hsv[..., 0] = (hsv[..., 0].astype(np.int32) + round(degrees / 360 * 256)) % 256
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB_FULL)


def recolour_clusters(image: np.ndarray, rng: np.random.Generator, k: int = 8,
                      min_saturation: float = 0.15, hue_width: float = 25.0) -> np.ndarray:
    """Give one or two of a picture's colours a new hue each (hair blue, skin kept).

    A global hue rotation keeps the colours' relations (skin and hair move together), so a
    model can still read a hinted region's colour from its neighbour's. Turning one colour
    alone makes the hints the only source of each part's colour. A colour is the group of
    k-means clusters within ``hue_width`` degrees of hue of a picked one, so the lit and the
    shadowed part of a head of hair turn together.

    Args:
        image: uint8 RGB (H, W, 3).
        k: k-means clusters; only those with saturation (HSV, 0..1) >= ``min_saturation`` change.
    Returns:
        uint8 RGB (H, W, 3); the input unchanged where no cluster is coloured enough.
    """
    centres, _ = kmeans_colours(image, k, rng)
    labels = nearest_centre(image, centres)
    hsv = cv2.cvtColor(np.clip(centres, 0, 255).astype(np.uint8)[None], cv2.COLOR_RGB2HSV_FULL)[0].astype(int)
    coloured = np.intersect1d(np.flatnonzero(hsv[:, 1] >= min_saturation * 255), labels)
    out = image.copy()
    for _ in range(int(rng.integers(1, 3)) if len(coloured) else 0):
        picked = hsv[rng.choice(coloured), 0]
        apart = np.abs((hsv[coloured, 0] - picked + 128) % 256 - 128) * 360 / 256
        turned = np.zeros(len(centres), bool)
        turned[coloured[apart <= hue_width]] = True
        where = turned[labels]
        out[where] = rotate_hue(image[where][None], rng.uniform(60, 300))[0]
    return out


def nearest_centre(image: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of each pixel's nearest colour: int (H, W) into ``centres`` float32 (k, 3), 0..255.

    |p - c|^2 = |p|^2 - 2 p.c + |c|^2, and |p|^2 is the same for every centre, so one small
    matrix product ranks them (3.6 ms against 10.8 ms for a 256 px crop, profiled here). Data
    workers run it on one BLAS thread (:func:`training.train.one_thread_per_worker`).
    """
    pixels = image.reshape(-1, 3).astype(np.float32)
    scores = (centres * centres).sum(1)[None] - 2.0 * pixels @ centres.T
    return np.argmin(scores, axis=1).reshape(image.shape[:2])
