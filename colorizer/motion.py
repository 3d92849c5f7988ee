"""Scribbles that follow a cut's motion: move the strokes painted on one frame onto the next frame.

Frames of one cut show the same character, moved a little: a pan, a zoom, an arm or the hair
swinging. Scribbles saved on one frame and laid unchanged on the next land partly on the wrong
parts. Here dense optical flow (OpenCV's DIS) between the two frames' sketches says where each
pixel of the new frame was in the old one, and the strokes are carried along it (nearest neighbour:
no new colours). Keeping each moved stroke inside one region of the new frame lost on Sobel sketches
of illustrations and was dropped. Figures: docs/experiments.md, "Scribbles that follow the motion".
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

WORK_SIDE = 512  # long side (px) the flow is computed at
LINE_BLUR = 2.0  # sigma (px at WORK_SIDE) that spreads thin lines so the flow can grip them
MIN_WORK = 16  # px: DIS needs 12 or more on a side; smaller frames are enlarged for the flow


def line_density(sketch: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The sketch's lines as bright, blurred strokes at ``size`` (width, height): uint8 (H, W), 0-255."""
    lines = 255 - np.asarray(sketch.convert("L").resize(size, Image.Resampling.BOX), np.float32)
    return np.clip(cv2.GaussianBlur(lines, (0, 0), LINE_BLUR), 0, 255).astype(np.uint8)


def motion_map(previous: Image.Image, current: Image.Image) -> np.ndarray:
    """Where each pixel of ``current`` was in ``previous``, from the optical flow between their sketches.

    Args:
        previous, current: sketches ("L" or any mode, dark lines on white), any sizes.
    Returns:
        float32 (H, W, 2) at ``current``'s size: (x, y) in ``previous``'s pixel coordinates.
    """
    scale = min(1.0, WORK_SIDE / max(current.size))
    work = (max(MIN_WORK, round(current.width * scale)), max(MIN_WORK, round(current.height * scale)))
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(
        line_density(current, work), line_density(previous, work), None)
    flow = cv2.resize(flow, current.size, interpolation=cv2.INTER_LINEAR)
    grid_y, grid_x = np.mgrid[0:current.height, 0:current.width].astype(np.float32)
    at_x = (grid_x + 0.5 + flow[..., 0] * current.width / work[0]) * previous.width / current.width - 0.5
    at_y = (grid_y + 0.5 + flow[..., 1] * current.height / work[1]) * previous.height / current.height - 0.5
    return np.stack([at_x, at_y], axis=-1)


def follow_motion(hints: Image.Image, previous: Image.Image, current: Image.Image,
                  size: tuple[int, int] | None = None) -> Image.Image:
    """Move scribbles painted over ``previous`` onto ``current``, the next frame of the cut.

    Args:
        hints: RGBA scribbles over ``previous`` (any size, e.g. the canvas's), transparent where unpainted.
        previous, current: the two frames' sketches ("L", dark lines on white), any sizes.
        size: (width, height) of the scribbles returned; default ``current``'s size. The canvas's size
            keeps strokes as thin as they were painted.
    Returns:
        RGBA scribbles at ``size``, over ``current``; strokes moved out of the frame are dropped.
    """
    size = size or current.size
    strokes = np.asarray(hints.convert("RGBA"))
    where = cv2.resize(motion_map(previous, current), size, interpolation=cv2.INTER_LINEAR)
    where = ((where + 0.5) * (np.array(hints.size) / previous.size) - 0.5).astype(np.float32)  # in the scribbles' pixels
    moved = cv2.remap(strokes, where[..., 0], where[..., 1], cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
    return Image.fromarray(moved, "RGBA")
