"""The hub dataset's own sketch and scribbles, turned into the app's hint format.

``pawlo2013/anime_diffusion_full`` stores, per row, ``sketch`` (line art), ``scribbles``
(colour strokes) and ``sketch_and_scribbles_merged`` (the strokes drawn over the sketch).
The scribbles' background is not documented, so painted pixels are found in the most
reliable way the row allows:

1. ``scribbles`` with transparency: painted where alpha > 0;
2. else, where ``sketch_and_scribbles_merged`` differs from ``sketch`` (colours taken from it);
3. else, where ``scribbles`` differs from its own most common (background) colour.
"""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageOps

from colorizer.sketch import sobel_sketch

PAINT_DIFFERENCE = 40  # max channel difference (0..255) that counts as paint, not noise/JPEG


def decode_cell(cell, size: tuple[int, int]) -> np.ndarray:
    """A dataset image cell (PIL image, bytes, or {'bytes': ...}) as uint8 RGB or RGBA.

    Args:
        size: (width, height) to resize to (nearest neighbour, so stroke colours stay exact).
    Returns:
        uint8 (H, W, 4) when the picture has transparency, else uint8 (H, W, 3).
    """
    if isinstance(cell, dict):
        cell = cell["bytes"]
    image = cell if isinstance(cell, Image.Image) else Image.open(io.BytesIO(cell))
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    if image.size != tuple(size):
        image = image.resize(size, Image.Resampling.NEAREST)
    return np.asarray(image)


def dataset_sketch(cell, size: tuple[int, int]) -> np.ndarray:
    """The row's ``sketch`` as the app's format: uint8 (H, W), dark lines on white.

    A sketch stored as light lines on black (mean below mid grey) is inverted.
    """
    rgb = decode_cell(cell, size)[..., :3]
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    return 255 - grey if grey.mean() < 128 else grey


def dataset_hints(scribbles, sketch=None, merged=None, *, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Hints from a row's ``scribbles`` (and ``sketch`` / merged cells when present).

    Args:
        scribbles, sketch, merged: image cells of one row (sketch and merged may be None).
        size: (width, height) of the row's ``full_colour``.
    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)), as ``simulate_hints`` returns.
    """
    strokes = decode_cell(scribbles, size)
    rgb = np.ascontiguousarray(strokes[..., :3])
    if strokes.shape[-1] == 4 and (strokes[..., 3] < 255).any():
        mask = strokes[..., 3] > 0
    elif sketch is not None and merged is not None:
        painted = decode_cell(merged, size)[..., :3]
        lines = decode_cell(sketch, size)[..., :3]
        mask = np.abs(painted.astype(np.int16) - lines).max(axis=2) > PAINT_DIFFERENCE
        rgb = np.ascontiguousarray(painted)  # the merged picture holds the paint where it differs
    else:
        mask = _differs_from_background(rgb)
    rgb = np.where(mask[..., None], rgb, 0).astype(np.uint8)
    return rgb, mask


def row_sketch_and_hints(row: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A :func:`training.data.load_rows` row's own sketch and hints, at its picture's size.

    Without a ``sketch`` column the app's default Sobel sketch of the picture stands in.
    Returns:
        (sketch uint8 (H, W) dark lines on white, hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)).
    """
    image = row["full_colour"]
    size = (image.shape[1], image.shape[0])
    if "sketch" in row:
        sketch = dataset_sketch(row["sketch"], size)
    else:
        sketch = np.asarray(sobel_sketch(Image.fromarray(image)))
    rgb, mask = dataset_hints(row["scribbles"], row.get("sketch"), row.get("sketch_and_scribbles_merged"), size=size)
    return sketch, rgb, mask


def _differs_from_background(rgb: np.ndarray) -> np.ndarray:
    """bool (H, W): pixels far from the picture's most common colour."""
    colours, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    background = colours[counts.argmax()].astype(np.int16)
    return np.abs(rgb.astype(np.int16) - background).max(axis=2) > PAINT_DIFFERENCE
