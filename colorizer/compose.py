"""Full-resolution output from the model's working-size colours.

The model runs at a working size; its colours are brought back to the sketch's size with a
fast guided filter (He & Sun 2015) whose guide is the full-resolution sketch, so colour edges
follow the lines instead of blurring across them. For an artist's own line art, the flat
colours (model lines removed) can be multiplied by the crisp full-resolution lines instead.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

LINE_LEVEL = 200  # sketch values below this count as line when removing the model's own lines
WHOLE_PIXELS = 2048 * 2048  # full-size pictures up to this many pixels are built at once (OpenCV's resize) ...
BAND_ROWS = 256  # ... larger ones in bands of this many rows, to keep memory down


def remove_lines(colour: np.ndarray, sketch: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    """Flat colours: line pixels refilled from nearby paper pixels (normalised convolution).

    Args:
        colour: uint8 (H, W, 3) model output at working size.
        sketch: uint8 (H, W) sketch at the same size, dark lines on white.
    Returns:
        float32 (H, W, 3) in [0, 1], without the dark line strokes.
    """
    paper = (sketch >= LINE_LEVEL).astype(np.float32)
    paper = cv2.erode(paper, np.ones((3, 3), np.uint8))  # line edges are mixed colours too
    weight = cv2.GaussianBlur(paper, (0, 0), sigma)
    refill = (paper == 0) & (weight > 1e-3)  # line pixels with paper nearby
    flat = colour.astype(np.float32) / 255.0
    for channel in range(flat.shape[2]):  # one at a time: a 2048 px picture's temporaries stay small
        values = flat[..., channel]
        filled = cv2.GaussianBlur(values * paper, (0, 0), sigma) / np.maximum(weight, 1e-4)
        values[refill] = filled[refill]
    return flat


def guided_coefficients(flat: np.ndarray, guide_small: np.ndarray, radius: int = 2,
                        eps: float = 1e-2) -> tuple[np.ndarray, np.ndarray]:
    """Fast guided filter's fit at working size: colour = a * guide + b locally (box-averaged a and b).

    Args:
        flat: float32 (h, w, 3) in [0, 1]; guide_small: float32 (h, w) sketch in [0, 1].
    Returns:
        (a, b): float32 (h, w, 3) each, to be upsampled and applied to the full-size guide.
    """
    box = lambda x: cv2.boxFilter(x, -1, (2 * radius + 1, 2 * radius + 1), borderType=cv2.BORDER_REFLECT)
    mean_i = box(guide_small)
    var_i = box(guide_small * guide_small) - mean_i * mean_i
    a, b = np.empty_like(flat, np.float32), np.empty_like(flat, np.float32)
    for channel in range(flat.shape[2]):  # one at a time: a 2048 px picture's temporaries stay small
        mean_p = box(flat[..., channel])
        slope = (box(flat[..., channel] * guide_small) - mean_i * mean_p) / (var_i + eps)
        a[..., channel], b[..., channel] = box(slope), box(mean_p - slope * mean_i)
    return a, b


def row_taps(size_in: int, size_out: int, rows: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bilinear resizing's source rows (low, high) and weights of ``high`` for output rows ``rows`` (pixel
    centres aligned, edges clamped, as OpenCV's INTER_LINEAR)."""
    position = (np.arange(rows.start, rows.stop) + 0.5) * (size_in / size_out) - 0.5
    low = np.floor(position)
    weight = (position - low).astype(np.float32)
    weight[(low < 0) | (low >= size_in - 1)] = 0.0
    low = np.clip(low, 0, size_in - 1).astype(np.intp)
    return low, np.minimum(low + 1, size_in - 1), weight


def upsample_rows(small: np.ndarray, size: tuple[int, int], rows: range) -> np.ndarray:
    """Rows ``rows`` of ``small`` (h, w, 3) resized bilinearly to ``size`` (W, H): float32 (len(rows), W, 3), as
    the same rows of ``cv2.resize(small, size)``; built band by band, the full size never is in memory at once."""
    if len(rows) == size[1]:  # the whole picture at once
        return cv2.resize(small, size, interpolation=cv2.INTER_LINEAR)
    low, high, weight = row_taps(small.shape[0], size[1], rows)
    first, last = low[0], high[-1] + 1
    across = cv2.resize(small[first:last], (size[0], last - first), interpolation=cv2.INTER_LINEAR)
    weight = weight[:, None, None]
    return across[low - first] * (1 - weight) + across[high - first] * weight


def guided_band(a: np.ndarray, b: np.ndarray, guide_rows: np.ndarray, rows: range, height: int) -> np.ndarray:
    """Rows ``rows`` of the guided filter's output at full size (``height`` rows; the guide's rows ``guide_rows``,
    float32 (len(rows), W) in [0, 1]): float32 (len(rows), W, 3) in [0, 1]."""
    size = (guide_rows.shape[1], height)
    return np.clip(upsample_rows(a, size, rows) * guide_rows[..., None] + upsample_rows(b, size, rows), 0.0, 1.0)


def compose(colour_small: np.ndarray, sketch_small: np.ndarray, sketch_full: np.ndarray,
            lines_on_top: bool = False, with_flat: bool = True) -> dict[str, np.ndarray]:
    """Full-resolution result and flat colour layer from the model's working-size output.

    Args:
        colour_small: uint8 (h, w, 3) model output.
        sketch_small: uint8 (h, w) the sketch the model saw.
        sketch_full: uint8 (H, W) the full-resolution sketch.
        lines_on_top: multiply the full-resolution sketch over the flat colours (right for an
            artist's own line art); otherwise keep the model's own rendering of the lines, which
            matches the original picture better for Sobel sketches of colour frames.
        with_flat: also return the flat layer (it is only built when asked for or needed).
    Returns:
        {"result": uint8 (H, W, 3), "flat": uint8 (H, W, 3) colours without lines, if with_flat}.
        Pictures over WHOLE_PIXELS are built in bands of rows, so a 4096 px result needs no full-size float arrays.
    """
    sources = {"flat": remove_lines(colour_small, sketch_small)} if lines_on_top or with_flat else {}
    if not lines_on_top:
        sources["colour"] = colour_small.astype(np.float32) / 255.0
    same_size = sketch_small.shape == sketch_full.shape
    guide_small = sketch_small.astype(np.float32) / 255.0
    fits = {} if same_size else {name: guided_coefficients(source, guide_small) for name, source in sources.items()}
    layers = {name: np.empty((*sketch_full.shape, 3), np.uint8) for name in ["result", "flat"][:1 + with_flat]}
    band = sketch_full.shape[0] if sketch_full.size <= WHOLE_PIXELS else BAND_ROWS
    for start in range(0, sketch_full.shape[0], band):
        rows = range(start, min(start + band, sketch_full.shape[0]))
        guide = sketch_full[rows.start:rows.stop].astype(np.float32) / 255.0
        full = {name: sources[name][rows.start:rows.stop] if same_size
                else guided_band(*fits[name], guide, rows, sketch_full.shape[0]) for name in sources}
        if with_flat:
            layers["flat"][rows.start:rows.stop] = to_uint8(full["flat"])
        layers["result"][rows.start:rows.stop] = to_uint8(full["flat"] * guide[..., None] if lines_on_top
                                                          else full["colour"])
    return layers


def to_uint8(values: np.ndarray) -> np.ndarray:
    """float in [0, 1] (clipped) -> uint8 0-255, rounded."""
    return np.round(np.clip(values, 0, 1) * 255.0).astype(np.uint8)


def enlarge(result: Image.Image, flat: Image.Image, sketch: Image.Image, sketch_full: Image.Image,
            lines_on_top: bool) -> dict[str, Image.Image]:
    """A result made at a working size, brought to the size of a larger sketch of the same picture (for the
    downloads at the upload's own size): colours upsampled guided by the larger sketch, as :func:`compose` does
    with the network's, and with ``lines_on_top`` the larger sketch's crisp lines over the flat colours.

    Args:
        result, flat: RGB, the result and its flat colour layer at ``sketch``'s size.
        sketch, sketch_full: the sketch they were made from and the larger one ("L", dark lines on white).
    Returns:
        {"result": RGB, "flat": RGB colours without lines}, both at ``sketch_full``'s size.
    """
    small, full = np.asarray(sketch.convert("L")), np.asarray(sketch_full.convert("L"))
    layers = compose(np.asarray(flat.convert("RGB")), small, full, lines_on_top, with_flat=True)
    if not lines_on_top:  # the model's own lines, brought up with the colours
        layers["result"] = compose(np.asarray(result.convert("RGB")), small, full, with_flat=False)["result"]
    return {name: Image.fromarray(layer, "RGB") for name, layer in layers.items()}
