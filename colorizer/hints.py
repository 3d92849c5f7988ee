"""The one hint format and the one packing function, shared by the app and training.

Hints are RGBA pictures: alpha > 0 marks a painted pixel, RGB is its colour.
The model sees 4 channels: the sketch in [-1, 1], then the hint RGB in [-1, 1]
where painted and 0 where not.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def empty_hints(size: tuple[int, int]) -> Image.Image:
    """Fully transparent hint picture. ``size`` is (width, height)."""
    return Image.new("RGBA", size, (0, 0, 0, 0))


def hint_arrays(hints: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Split an RGBA hint picture into colours and a painted mask.

    Returns:
        rgb: uint8 array (H, W, 3); mask: bool array (H, W), True where alpha > 0.
    """
    array = np.asarray(hints.convert("RGBA"))
    return np.ascontiguousarray(array[..., :3]), array[..., 3] > 0  # contiguous: reshaped without a copy


def hints_image(hint_rgb: np.ndarray, hint_mask: np.ndarray) -> Image.Image:
    """The RGBA hint picture of colours uint8 (H, W, 3) and a painted mask bool (H, W);
    the inverse of :func:`hint_arrays` (alpha 255 where painted, 0 elsewhere)."""
    return Image.fromarray(np.dstack([hint_rgb, hint_mask * np.uint8(255)]), "RGBA")


def resize_hints(hints: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize an RGBA hint picture without losing or blurring strokes.

    Downscaling pools colour weighted by alpha over each output pixel's footprint,
    so a 1-px stroke survives at full colour and painted colour never mixes with
    "no hint"; any painted coverage marks the output pixel painted (alpha 255).
    Upscaling repeats pixels (nearest), so no new colours appear.

    Args:
        hints: PIL "RGBA" image.
        size: target (width, height).
    Returns:
        PIL "RGBA" image of ``size``; alpha is 0 or 255.
    """
    if hints.size == tuple(size):
        return hints.convert("RGBA")
    array = np.asarray(hints.convert("RGBA"), dtype=np.float32)
    weight = array[..., 3] / 255.0
    small = (min(hints.width, size[0]), min(hints.height, size[1]))
    colour_sum = cv2.resize(array[..., :3] * weight[..., None], small, interpolation=cv2.INTER_AREA)
    weight_sum = cv2.resize(weight, small, interpolation=cv2.INTER_AREA)
    painted = weight_sum > 1e-6
    colour = np.where(painted[..., None], colour_sum / np.maximum(weight_sum, 1e-6)[..., None], 0)
    pooled = np.dstack([np.clip(np.round(colour), 0, 255), painted * 255.0]).astype(np.uint8)
    if small != tuple(size):
        pooled = cv2.resize(pooled, tuple(size), interpolation=cv2.INTER_NEAREST)
    return Image.fromarray(pooled, "RGBA")


def pack_arrays(sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
    """Pack a sketch and hints into the model's 4-channel input.

    Args:
        sketch: uint8 (H, W), 0 = black line, 255 = white paper.
        hint_rgb: uint8 (H, W, 3) hint colours.
        hint_mask: bool (H, W), True where painted.
    Returns:
        float32 (4, H, W): channel 0 sketch in [-1, 1]; channels 1-3 hint RGB in
        [-1, 1] where painted, 0 elsewhere.
    """
    if sketch.shape != hint_mask.shape or hint_rgb.shape[:2] != sketch.shape:
        raise ValueError(f"Sketch {sketch.shape} and hints {hint_rgb.shape} must have the same size.")
    packed = np.empty((4,) + sketch.shape, np.float32)
    packed[0] = sketch.astype(np.float32) / 127.5 - 1.0
    colour = hint_rgb.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0
    packed[1:] = colour * hint_mask[None].astype(np.float32)
    return packed


def pack_inputs(sketch: Image.Image, hints: Image.Image | None) -> np.ndarray:
    """Pack PIL inputs; hints of another size are resized with :func:`resize_hints`.

    Args:
        sketch: PIL image, converted to "L".
        hints: PIL "RGBA" image or None for no hints.
    Returns:
        float32 (4, H, W) as :func:`pack_arrays`, H x W being the sketch's size.
    """
    hints = empty_hints(sketch.size) if hints is None else resize_hints(hints, sketch.size)
    rgb, mask = hint_arrays(hints)
    return pack_arrays(np.asarray(sketch.convert("L")), rgb, mask)
