"""Scribbles that follow a cut's motion: move the strokes painted on one frame onto the next frame.

Frames of one cut show the same character, moved a little: a pan, a zoom, an arm or the hair
swinging. Scribbles saved on one frame and laid unchanged on the next land partly on the wrong
parts. Here dense optical flow (OpenCV's DIS) between the two frames' sketches says where each
pixel of the new frame was in the old one, and the strokes are carried along it. Each stroke piece
(the strokes inside one region of the old frame) is then kept inside the one region of the new frame
where most of it lands, so a stroke that lands across a line does not paint the part beside it.
Figures: docs/experiments.md, "Scribbles that follow the motion".
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .hints import resize_hints
from .regions import RegionFill, fill_labels

WORK_SIDE = 512  # long side (px) the flow is computed at
LINE_BLUR = 2.0  # sigma (px at WORK_SIDE) that spreads thin lines so the flow can grip them


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
    work = (max(8, round(current.width * scale)), max(8, round(current.height * scale)))
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(
        line_density(current, work), line_density(previous, work), None)
    flow = cv2.resize(flow, current.size, interpolation=cv2.INTER_LINEAR)
    grid_y, grid_x = np.mgrid[0:current.height, 0:current.width].astype(np.float32)
    at_x = (grid_x + 0.5 + flow[..., 0] * current.width / work[0]) * previous.width / current.width - 0.5
    at_y = (grid_y + 0.5 + flow[..., 1] * current.height / work[1]) * previous.height / current.height - 0.5
    return np.stack([at_x, at_y], axis=-1)


def sketch_regions(sketch: Image.Image) -> np.ndarray:
    """The regions the app's default region fill colours: int32 (H, W), 0 on lines."""
    return fill_labels(np.asarray(sketch.convert("L")), RegionFill())


def keep_in_one_region(moved: np.ndarray, pieces: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Clear the moved stroke pixels that fall outside the region where most of their piece landed.

    Args:
        moved: uint8 (H, W, 4) moved strokes (changed in place and returned).
        pieces: int32 (H, W) the old frame's region each moved pixel came from (0: none, or a line: left as
            it is).
        labels: int32 (H, W) the new frame's regions (0 on lines: left as they are).
    """
    painted = (moved[..., 3] > 0) & (pieces > 0) & (labels > 0)
    if not painted.any():
        return moved
    width = int(labels.max()) + 1
    keys, counts = np.unique(pieces[painted].astype(np.int64) * width + labels[painted], return_counts=True)
    piece, region = keys // width, keys % width
    order = np.lexsort((counts, piece))  # by piece, then by how many pixels landed in the region
    last = np.r_[piece[order][1:] != piece[order][:-1], True]  # each piece's most common region
    home = np.zeros(int(pieces.max()) + 1, np.int32)
    home[piece[order][last]] = region[order][last]
    moved[painted & (labels != home[pieces])] = 0
    return moved


def follow_motion(hints: Image.Image, previous: Image.Image, current: Image.Image) -> Image.Image:
    """Move scribbles painted over ``previous`` onto ``current``, the next frame of the cut.

    Args:
        hints: RGBA scribbles (any size: scaled to ``previous``), transparent where unpainted.
        previous, current: the two frames' sketches ("L", dark lines on white), any sizes.
    Returns:
        RGBA scribbles at ``current``'s size; strokes moved out of the frame are dropped.
    """
    strokes = np.asarray(resize_hints(hints, previous.size))
    pieces = np.where(strokes[..., 3] > 0, sketch_regions(previous), 0).astype(np.float32)
    where = motion_map(previous, current)
    moved = cv2.remap(strokes, where[..., 0], where[..., 1], cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
    moved_pieces = cv2.remap(pieces, where[..., 0], where[..., 1], cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT)
    return Image.fromarray(keep_in_one_region(moved, moved_pieces.astype(np.int32), sketch_regions(current)), "RGBA")
