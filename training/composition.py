"""Training pictures composed on canvases: characters on white, on flat colours and on busy frames.

Artists upload full-body characters on white or busy backgrounds, not only face crops. A share
of the training samples is therefore composed: a sticker (full-body character, RGBA) or a face
frame, scaled, placed on a canvas whose background is white, a flat colour, or another frame.
Random functions take an explicit generator; pictures are uint8 RGB, backgrounds bool masks.
"""
from __future__ import annotations

import cv2
import numpy as np

BACKGROUNDS = {"white": 0.45, "light": 0.2, "flat": 0.1, "frame": 0.25}  # share of each canvas background


def random_background(rng: np.random.Generator, side: int, frames: list[np.ndarray]) -> np.ndarray:
    """A side x side RGB background: white, a light or any flat colour, or a random frame (enlarged to fit)."""
    kind = rng.choice(list(BACKGROUNDS), p=list(BACKGROUNDS.values()))
    if kind == "frame" and frames:
        frame = frames[int(rng.integers(len(frames)))]
        return cv2.resize(frame, (side, side), interpolation=cv2.INTER_CUBIC)
    colour = {"white": (255, 255, 255), "light": rng.integers(200, 256, 3), "flat": rng.integers(0, 256, 3)}
    return np.full((side, side, 3), colour.get(kind, (255, 255, 255)), np.uint8)


def paste(canvas: np.ndarray, rgba: np.ndarray, rng: np.random.Generator,
          fill: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``rgba`` scaled so its long side is ``fill`` (low, high) of the canvas side, alpha-blended at a random
    position where it fits. Returns (a new uint8 RGB canvas, bool (side, side) background: True where the
    pasted picture's alpha is below one half)."""
    side = canvas.shape[0]
    height, width = rgba.shape[:2]
    scale = rng.uniform(*fill) * side / max(height, width)
    size = (max(1, min(side, round(width * scale))), max(1, min(side, round(height * scale))))
    scaled = cv2.resize(rgba, size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    top, left = int(rng.integers(side - size[1] + 1)), int(rng.integers(side - size[0] + 1))
    alpha = scaled[..., 3:].astype(np.float32) / 255.0
    out = canvas.copy()
    window = out[top:top + size[1], left:left + size[0]].astype(np.float32)
    out[top:top + size[1], left:left + size[0]] = np.round(scaled[..., :3] * alpha + window * (1 - alpha)).astype(np.uint8)
    background = np.ones((side, side), bool)
    background[top:top + size[1], left:left + size[0]] = alpha[..., 0] < 0.5
    return out, background


def composed_picture(row: dict, rng: np.random.Generator, frames: list[np.ndarray],
                     side: int) -> tuple[np.ndarray, np.ndarray]:
    """A training picture made from a row: a sticker row ("rgba") always on a canvas; a frame row
    ("full_colour") pasted on a canvas as an opaque picture. Returns (uint8 RGB (side, side, 3),
    bool (side, side) background: the canvas pixels the row does not cover, see :func:`paste`)."""
    canvas = random_background(rng, side, frames)
    if "rgba" in row:
        return paste(canvas, row["rgba"], rng, (0.35, 0.95))
    frame = row["full_colour"]
    opaque = np.dstack([frame, np.full(frame.shape[:2], 255, np.uint8)])
    return paste(canvas, opaque, rng, (0.4, 0.9))
