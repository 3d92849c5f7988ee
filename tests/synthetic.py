"""Small generated pictures for tests: flat-coloured shapes with dark outlines, like anime cels."""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

PALETTE = np.array([[230, 80, 70], [70, 140, 220], [250, 210, 120], [120, 200, 110], [240, 190, 200]], np.uint8)


def anime_frame(rng: np.random.Generator, width: int = 96, height: int = 96, shapes: int = 4) -> Image.Image:
    """RGB picture: light background, ``shapes`` flat-colour ellipses outlined in near-black."""
    image = np.full((height, width, 3), 245, np.uint8)
    for _ in range(shapes):
        centre = (int(rng.integers(width)), int(rng.integers(height)))
        axes = (int(rng.integers(width // 8, width // 3)), int(rng.integers(height // 8, height // 3)))
        colour = PALETTE[rng.integers(len(PALETTE))].tolist()
        cv2.ellipse(image, centre, axes, 0, 0, 360, colour, -1)
        cv2.ellipse(image, centre, axes, 0, 0, 360, (20, 20, 30), 2)
    return Image.fromarray(image)


def three_region_frame(width: int = 300, height: int = 500) -> Image.Image:
    """White picture split by two dark lines into three horizontal bands (for stroke tests)."""
    image = np.full((height, width, 3), 255, np.uint8)
    for y in (height // 3, 2 * height // 3):
        cv2.line(image, (0, y), (width - 1, y), (0, 0, 0), 3)
    cv2.rectangle(image, (0, 0), (width - 1, height - 1), (0, 0, 0), 3)
    return Image.fromarray(image)


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()
