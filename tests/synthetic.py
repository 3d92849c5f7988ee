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


def line_art(size: int = 512) -> Image.Image:
    """Clean black line art on white, size x size: a hill line, a sun at the right edge, a house, a tree."""
    image = np.full((size, size, 3), 255, np.uint8)
    s = size / 512
    line = lambda points: cv2.polylines(image, [np.array(points, np.int32)], False, (0, 0, 0), max(2, round(3 * s)))
    line([(0, int(330 * s)), (int(180 * s), int(290 * s)), (int(340 * s), int(320 * s)), (size - 1, int(300 * s))])
    cv2.circle(image, (int(470 * s), int(90 * s)), int(60 * s), (0, 0, 0), max(2, round(3 * s)))
    cv2.rectangle(image, (int(70 * s), int(190 * s)), (int(200 * s), int(305 * s)), (0, 0, 0), max(2, round(3 * s)))
    line([(int(60 * s), int(195 * s)), (int(135 * s), int(120 * s)), (int(210 * s), int(195 * s))])
    cv2.rectangle(image, (int(120 * s), int(240 * s)), (int(155 * s), int(304 * s)), (0, 0, 0), max(2, round(3 * s)))
    cv2.ellipse(image, (int(330 * s), int(200 * s)), (int(55 * s), int(70 * s)), 0, 0, 360, (0, 0, 0), max(2, round(3 * s)))
    cv2.rectangle(image, (int(322 * s), int(270 * s)), (int(338 * s), int(318 * s)), (0, 0, 0), max(2, round(3 * s)))
    cv2.rectangle(image, (0, 0), (size - 1, size - 1), (0, 0, 0), max(2, round(3 * s)))
    return Image.fromarray(image)
