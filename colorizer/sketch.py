"""Edge sketches: the one edge extractor shared by the app and by training."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum

import cv2
import numpy as np
from PIL import Image, ImageOps

from .images import fit_long_side, to_rgb

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


ERASE_FAINT = Range(0.0, 0.6, 0.02, (0.0, 0.0))  # line art's *Erase faint marks* (a share of black)
FAINT_MARKS = 0.05  # a share of faint marks (faint_marks) above this gets *Erase faint marks* suggested
LINE_ART_SETTINGS = ("even_lighting", "erase_faint")  # the SketchSettings fields only line art reads


def _check_settings(kernel_size, blur, strength, threshold, line_width) -> None:
    if kernel_size not in KERNEL_SIZES:
        raise ValueError(f"kernel_size must be one of {KERNEL_SIZES}, got {kernel_size}.")
    for name, value in (("blur", blur), ("strength", strength), ("threshold", threshold), ("line_width", line_width)):
        allowed = SETTING_RANGES[name]
        if not allowed.contains(value):
            raise ValueError(f"{name} must be between {allowed.low} and {allowed.high}, got {value}.")


def _check_erase_faint(erase_faint: float) -> None:
    if not ERASE_FAINT.contains(erase_faint):
        raise ValueError(f"erase_faint must be between {ERASE_FAINT.low} and {ERASE_FAINT.high}, got {erase_faint}.")


@dataclass(frozen=True)
class SketchSettings:
    """The Sketch page's settings: :func:`sobel_sketch`'s, and for line art :func:`line_art_sketch`'s (invert and the
    two below); defaults give a clean sketch of an anime frame. Out-of-range values raise a ValueError.

    kernel_size: Sobel aperture, one of KERNEL_SIZES (larger = smoother, bolder edges).
    blur: Gaussian sigma in pixels applied before the Sobel filter (0 = none).
    strength: contrast gain on the normalised edge magnitude.
    threshold: edge magnitudes below this fraction of the strong edges vanish.
    line_width: lines are thickened to this many pixels.
    (Ranges: SETTING_RANGES.)
    binarize: pure black lines instead of grey shades.
    invert: white lines on black instead of dark lines on white.
    even_lighting: line art only: even out uneven lighting of the paper (:func:`paper_lighting`).
    erase_faint: line art only: marks lighter than this share of black vanish (ERASE_FAINT, 0 = none).
    """

    kernel_size: int = 3
    blur: float = 0.8
    strength: float = 1.6
    threshold: float = 0.12
    line_width: int = 1
    binarize: bool = False
    invert: bool = False
    even_lighting: bool = True
    erase_faint: float = 0.0

    def __post_init__(self):
        _check_settings(self.kernel_size, self.blur, self.strength, self.threshold, self.line_width)
        _check_erase_faint(self.erase_faint)

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
            return line_art_sketch(picture, settings.invert, settings.even_lighting, settings.erase_faint)
        return sobel_sketch(picture, **{name: getattr(settings, name) for name in self.setting_names})

    @property
    def setting_names(self) -> tuple[str, ...]:
        """The SketchSettings fields this kind's sketch reads (the Sobel sketch the model sees is never inverted)."""
        if self is SketchKind.LINE_ART:
            return ("invert", *LINE_ART_SETTINGS)
        return tuple(name for name in SketchSettings().as_dict() if name not in ("invert", *LINE_ART_SETTINGS))

    def changed_settings(self, settings: SketchSettings) -> dict:
        """{field: value} of ``settings`` that this kind reads and that differ from the defaults."""
        default = SketchSettings()
        return {name: getattr(settings, name) for name in self.setting_names
                if getattr(settings, name) != getattr(default, name)}

    @property
    def lines_on_top(self) -> bool:
        """Whether the sketch's own crisp lines go over the colours by default (for real line art)."""
        return self is SketchKind.LINE_ART


def shown_sketch(sketch: Image.Image, kind: SketchKind, settings: SketchSettings) -> Image.Image:
    """A sketch ("L", as ``kind.sketch`` made it with ``settings``) as the Sketch page shows and downloads it: the
    Sobel sketch inverted (white lines on black) when ``settings.invert`` says so; line art as it is (its invert
    only says how the upload is to be read)."""
    return ImageOps.invert(sketch) if settings.invert and kind is SketchKind.SOBEL else sketch


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


def line_art_sketch(image: Image.Image, invert: bool = False, even_lighting: bool = True,
                    erase_faint: float = 0.0) -> Image.Image:
    """Use an uploaded picture that already is line art as the sketch.

    Args:
        image: PIL image of line art, any mode.
        invert: set for light lines on a dark background.
        even_lighting: divide by the paper's lighting where it is uneven (a photo of a drawing,
            :func:`paper_lighting`), and whiten the paper's noise (:func:`_paper_white`); line art on
            evenly lit paper is left as it is.
        erase_faint: in ERASE_FAINT; marks lighter than this share of black (pencil smudges, erased
            lines, paper grain) become paper, and darker ones are stretched back to full strength.
    Returns:
        PIL image, mode "L", same size, dark lines on white, levels stretched so
        the paper is white and the darkest line is black.
    """
    _check_erase_faint(erase_faint)
    gray = _line_art_gray(image, invert)
    paper = paper_lighting(gray) if even_lighting else None
    if paper is not None:
        gray = gray / paper * 255.0
    low = np.percentile(gray, 0.5)
    high = np.percentile(gray, 99.5) if paper is None else _paper_white(gray)
    if high - low < 1.0:
        return Image.fromarray(np.full(gray.shape, 255, np.uint8), "L")
    stretched = np.clip((gray - low) / (high - low) * 255.0, 0, 255)
    if erase_faint > 0:
        darkness = np.clip((1.0 - stretched / 255.0 - erase_faint) / (1.0 - erase_faint), 0.0, 1.0)
        stretched = (1.0 - darkness) * 255.0
    return Image.fromarray(np.round(stretched).astype(np.uint8), "L")


def uneven_paper(image: Image.Image, invert: bool = False) -> bool:
    """Whether :func:`line_art_sketch` evens out the paper's lighting of this line art (PIL, any mode;
    ``invert`` as there): a photo of a drawing under uneven light."""
    return _uneven_lighting(_line_art_gray(image, invert)) is not None


def looks_like_line_art(image: Image.Image, invert: bool = False) -> bool:
    """Whether a picture (PIL, any mode) looks like line art (``invert``: light lines on dark, as
    :func:`line_art_sketch` takes it) rather than a picture to sketch: hardly any
    colour (under 2 % of pixels with a chroma over LINE_ART_CHROMA once the paper is white-balanced, so a
    photo's tint does not count), at least 60 % paper (within 15 % of the paper's brightness, after
    :func:`paper_lighting`) and 0.5-40 % dark lines (under 60 % of it). A black-and-white picture on white
    (a manga page, a grey sticker) can pass too: the Sketch page only suggests the line-art path."""
    small = fit_long_side(to_rgb(image), 512)
    rgb = np.asarray(small, dtype=np.float32)
    balanced = rgb / np.maximum(np.percentile(rgb.reshape(-1, 3), 99.5, axis=0), 1.0) * 255.0  # a photo's tint
    if ((balanced.max(axis=2) - balanced.min(axis=2)) > LINE_ART_CHROMA).mean() >= 0.02:
        return False
    gray = _line_art_gray(small, invert)
    paper = paper_lighting(gray)
    level = gray / (paper if paper is not None else max(float(np.percentile(gray, 99.5)), 1.0))
    return bool((level >= 0.85).mean() >= 0.6 and 0.005 <= (level < 0.6).mean() <= 0.4)


def faint_marks(sketch: Image.Image) -> float:
    """The share of a sketch ("L", dark lines on white) covered by faint marks away from its lines: pixels
    6-25 % of black more than 3 px from anything half black (smudges, construction lines, grain). Clean
    line art has under FAINT_MARKS; *Erase faint marks* clears them."""
    darkness = 1.0 - np.asarray(sketch.convert("L"), dtype=np.float32) / 255.0
    near_line = cv2.dilate((darkness >= 0.5).astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    return float(((darkness >= 0.06) & (darkness < 0.25) & ~near_line).mean())


def _line_art_gray(image: Image.Image, invert: bool) -> np.ndarray:
    """float32 (H, W) in [0, 255]: line art's grey levels, dark lines on light paper."""
    gray = np.asarray(to_rgb(image).convert("L"), dtype=np.float32)
    return 255.0 - gray if invert else gray


def _paper_white(gray: np.ndarray) -> float:
    """The grey level (of float32 (H, W) evened line art, paper near 255) from which a photo's paper is
    white: the median of its bright pixels (the paper) less PAPER_NOISE times their spread, so that the
    photo's noise and paper grain do not reach the model as texture."""
    step = max(1, max(gray.shape) // 1024)  # a sample of a million pixels or so tells the paper's level
    sample = gray[::step, ::step]
    bright = sample[sample > 0.75 * np.percentile(sample, 99.5)]
    median = float(np.median(bright))
    return median - PAPER_NOISE * 1.4826 * float(np.median(np.abs(bright - median)))


LINE_ART_CHROMA = 24.0  # max - min of R, G, B above which a pixel counts as coloured
PAPER_NOISE = 3.0  # standard deviations of the paper's noise below its median that still count as white
PAPER_CELLS = 32  # the paper's lighting is sampled in about this many cells along the long side
UNEVEN_PAPER = 24.0  # grey levels (of 255) the lighting must change by across the picture to be evened out
DARK_CELL = 12.0  # a cell this far below the fitted lighting holds no paper (a solid fill, dense hatching)


def paper_lighting(gray: np.ndarray) -> np.ndarray | None:
    """The paper's brightness under uneven lighting (a phone photo of a drawing: a gradient, a vignette).

    The brightest pixel of each of about 32x32 cells is the paper there; a quadratic surface in x and y
    is fitted through them, then fitted again without the cells well below it, so that solid black
    fills and dense hatching stay dark instead of being taken for shadow.

    Args:
        gray: float32 array (H, W) in [0, 255], dark lines on light paper.
    Returns:
        float32 array (H, W) in [16, 255], the fitted paper brightness, or None when it changes by
        less than UNEVEN_PAPER grey levels across the picture (evenly lit paper, a scan).
    """
    coefficients = _uneven_lighting(gray)
    if coefficients is None:
        return None
    return np.clip(_quadratic(coefficients, *_centres(gray.shape, (1, 1))), 16.0, 255.0)


def _uneven_lighting(gray: np.ndarray) -> np.ndarray | None:
    """The coefficients (6,) of :func:`paper_lighting`'s fit, or None where the fitted lighting changes by less
    than UNEVEN_PAPER across the picture; the full-size surface is not built (uneven_paper needs only the answer)."""
    cells, (y, x) = _brightest_cells(gray)
    coefficients = _fit_paper(cells, y, x)
    return coefficients if np.ptp(_quadratic(coefficients, y, x)) >= UNEVEN_PAPER else None


def _brightest_cells(gray: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The brightest value of each cell (float32 (rows, columns), about PAPER_CELLS along the long side),
    and the cells' centres (_centres)."""
    height, width = gray.shape
    side = max(1, max(height, width) // PAPER_CELLS)
    rows, columns = max(1, height // side), max(1, width // side)
    cell = (height // rows, width // columns)
    blocks = gray[:rows * cell[0], :columns * cell[1]].reshape(rows, cell[0], columns, cell[1])
    return blocks.max(axis=(1, 3)), _centres(gray.shape, cell)


def _centres(shape: tuple[int, int], cell: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """float32 column (rows, 1) and row (1, columns): the centres of ``cell``-sized cells tiling a picture
    of ``shape`` from its top left, in [0, 1] across it (cells of (1, 1) are its pixels)."""
    y, x = ((np.arange(n // c, dtype=np.float32) + 0.5) * c / n for n, c in zip(shape, cell))
    return y[:, None], x[None, :]


def _fit_paper(cells: np.ndarray, y: np.ndarray, x: np.ndarray, rounds: int = 4) -> np.ndarray:
    """Coefficients (6,) of the quadratic through ``cells``, refitted without cells DARK_CELL below it."""
    y, x = (np.broadcast_to(a, cells.shape).reshape(-1).astype(np.float64) for a in (y, x))
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)
    values = cells.reshape(-1).astype(np.float64)
    paper = np.ones(values.shape, bool)
    for _ in range(rounds):
        coefficients = np.linalg.lstsq(terms[paper], values[paper], rcond=None)[0]
        paper = values > terms @ coefficients - DARK_CELL
    return coefficients


def _quadratic(coefficients: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """float32 (len(y), len(x)): c0 + c1 x + c2 y + c3 x² + c4 xy + c5 y² (as in _fit_paper)."""
    c = coefficients.astype(np.float32)
    return (c[0] + c[1] * x + c[3] * x * x) + y * (c[2] + c[4] * x + c[5] * y)
