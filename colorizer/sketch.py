"""Edge sketches: the one edge extractor shared by the app and by training."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum

import cv2
import numpy as np
from PIL import Image

from .images import to_rgb

KERNEL_SIZES = (1, 3, 5, 7)


@dataclass(frozen=True)
class Range:
    """What a numeric sketch setting may be (``low`` to ``high`` in ``step``s): the Sketch page's
    slider and :func:`sobel_sketch`'s check; training draws from ``common`` (low, high), the part
    that gives clean sketches of anime pictures."""

    low: float
    high: float
    step: float
    common: tuple[float, float]

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def sample(self, rng: np.random.Generator) -> float:
        """A value drawn uniformly from ``common``, on the slider's steps."""
        value = self.low + round((rng.uniform(*self.common) - self.low) / self.step) * self.step
        return int(value) if isinstance(self.step, int) else round(float(value), 6)


SETTING_RANGES = {  # the one definition of the Sobel settings' ranges: sliders, training, validation
    "blur": Range(0.0, 4.0, 0.1, (0.0, 1.6)),
    "strength": Range(0.5, 5.0, 0.1, (1.0, 2.8)),
    "threshold": Range(0.0, 0.9, 0.01, (0.03, 0.3)),
    "line_width": Range(1, 7, 1, (1, 3)),
}


@dataclass(frozen=True)
class SketchSettings:
    """Settings of :func:`sobel_sketch`; defaults give a clean sketch of an anime frame.

    kernel_size: Sobel aperture, one of KERNEL_SIZES (larger = smoother, bolder edges).
    blur: Gaussian sigma in pixels applied before the Sobel filter (0 = none).
    strength: contrast gain on the normalised edge magnitude.
    threshold: edge magnitudes below this fraction of the strong edges vanish.
    line_width: lines are thickened to this many pixels.
    (Ranges: SETTING_RANGES.)
    binarize: pure black lines instead of grey shades.
    invert: white lines on black instead of dark lines on white.
    """

    kernel_size: int = 3
    blur: float = 0.8
    strength: float = 1.6
    threshold: float = 0.12
    line_width: int = 1
    binarize: bool = False
    invert: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


class SketchKind(str, Enum):
    """What an upload is, decided once per upload: a picture to sketch with Sobel, or line art
    that is its own sketch. Each kind has its own shipped model (colorizer.default_checkpoint)."""

    SOBEL = "sobel"
    LINE_ART = "line art"

    def sketch(self, picture: Image.Image, settings: SketchSettings = SketchSettings()) -> Image.Image:
        """The sketch the model sees ("L", dark lines on white, the picture's size); ``settings.invert``
        says the line art has light lines on dark (the Sobel sketch is never inverted for the model)."""
        if self is SketchKind.LINE_ART:
            return line_art_sketch(picture, invert=settings.invert)
        return sobel_sketch(picture, **{**settings.as_dict(), "invert": False})

    @property
    def lines_on_top(self) -> bool:
        """Whether the sketch's own crisp lines go over the colours by default (for real line art)."""
        return self is SketchKind.LINE_ART


def sobel_sketch(image: Image.Image, kernel_size: int = 3, blur: float = 0.8,
                 strength: float = 1.6, threshold: float = 0.12, line_width: int = 1,
                 binarize: bool = False, invert: bool = False) -> Image.Image:
    """Turn a picture into an edge sketch with the Sobel operator.

    Args:
        image: PIL image of any mode and size.
        kernel_size .. invert: see :class:`SketchSettings`.
    Returns:
        PIL image, mode "L", same size as ``image``; dark lines (0) on white (255)
        unless ``invert``.
    """
    _check_settings(kernel_size, blur, strength, threshold, line_width)
    gray = np.asarray(to_rgb(image).convert("L"), dtype=np.float32) / 255.0
    edges = edge_strength(gray, kernel_size, blur)
    edges = np.clip((edges - threshold) / (1.0 - threshold) * strength, 0.0, 1.0)
    if binarize:
        edges = (edges >= 0.5).astype(np.float32)
    if line_width > 1:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (line_width, line_width))
        edges = cv2.dilate(edges, kernel)
    lines = edges if invert else 1.0 - edges
    return Image.fromarray(np.round(lines * 255.0).astype(np.uint8), "L")


def edge_strength(gray: np.ndarray, kernel_size: int = 3, blur: float = 0.8) -> np.ndarray:
    """Sobel gradient magnitude normalised by its 99th percentile.

    Args:
        gray: float32 array (H, W) in [0, 1].
    Returns:
        float32 array (H, W), about 1 on strong edges, 0 on flat areas (can exceed 1).
        Normalising by the picture's own strong edges makes dark or low-contrast
        pictures give lines as clear as bright ones.
    """
    if blur > 0:
        gray = cv2.GaussianBlur(gray, (0, 0), sigmaX=blur, borderType=cv2.BORDER_REPLICATE)
    dx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=kernel_size, borderType=cv2.BORDER_REPLICATE)
    dy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=kernel_size, borderType=cv2.BORDER_REPLICATE)
    magnitude = cv2.magnitude(dx, dy)
    scale = float(np.percentile(magnitude, 99))
    if scale < 1e-6:  # a flat picture has no edges at all
        return np.zeros_like(magnitude)
    return magnitude / scale


def line_art_sketch(image: Image.Image, invert: bool = False) -> Image.Image:
    """Use an uploaded picture that already is line art as the sketch.

    Args:
        image: PIL image of line art, any mode.
        invert: set for light lines on a dark background.
    Returns:
        PIL image, mode "L", same size, dark lines on white, levels stretched so
        the paper is white and the darkest line is black.
    """
    gray = np.asarray(to_rgb(image).convert("L"), dtype=np.float32)
    if invert:
        gray = 255.0 - gray
    low, high = np.percentile(gray, 0.5), np.percentile(gray, 99.5)
    if high - low < 1.0:
        return Image.fromarray(np.full(gray.shape, 255, np.uint8), "L")
    stretched = np.clip((gray - low) / (high - low) * 255.0, 0, 255)
    return Image.fromarray(np.round(stretched).astype(np.uint8), "L")


def _check_settings(kernel_size, blur, strength, threshold, line_width) -> None:
    if kernel_size not in KERNEL_SIZES:
        raise ValueError(f"kernel_size must be one of {KERNEL_SIZES}, got {kernel_size}.")
    for name, value in (("blur", blur), ("strength", strength), ("threshold", threshold), ("line_width", line_width)):
        allowed = SETTING_RANGES[name]
        if not allowed.contains(value):
            raise ValueError(f"{name} must be between {allowed.low} and {allowed.high}, got {value}.")
