"""Safe image decoding for uploads and training data.

Every image that enters the studio goes through :func:`load_image`, so the
app, the training loader and scripts treat odd files the same way: EXIF
rotation applied, transparency composited on white, first frame of an
animation (:func:`load_frames` gives them all), huge images refused or downscaled to a working size.
"""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from .hints import resize_hints

# Largest picture we decode at all (about 8000 x 6000). Bigger headers are refused
# before any pixel is decoded, which also stops decompression bombs.
MAX_PIXELS = 48_000_000
# Long side of the pictures the studio works with; larger ones are downscaled.
MAX_SIDE = 2048
# Smallest side that still makes a meaningful sketch, and the most elongated shape accepted.
MIN_SIDE = 8
MAX_ASPECT = 16
# An animation's frames are coloured one by one and all kept: at most this many, and this many
# pixels in all once each frame fits MAX_SIDE (60 frames of 1000 x 1000, 240 of 500 x 500): 180 MB of RGB.
MAX_FRAMES = 300
MAX_ANIMATION_PIXELS = 60_000_000
ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")  # PIL modes with an alpha band


class ImageLoadError(ValueError):
    """The file is not an image the studio can use; the message says why and what to do."""


def load_image(source, max_side: int = MAX_SIDE) -> Image.Image:
    """Decode an uploaded file into an RGB picture of a workable size.

    Args:
        source: bytes, a path, or a binary file object (such as a Streamlit upload).
        max_side: pictures whose long side exceeds this are downscaled to it.
    Returns:
        PIL image, mode "RGB", long side <= ``max_side``; ``image.info["original_size"]``
        holds the (width, height) before any downscale, ``image.info["frames"]`` the file's frame
        count (more than 1 for an animation, of which this is the first frame).
    Raises:
        ImageLoadError: empty, corrupt, non-image, too large, too small or too elongated files.
    """
    return _first_picture(_open_upload(source), max_side)


def _open_upload(source) -> Image.Image:
    """The opened, fully decoded first frame of a picture file (see :func:`_open_checked`)."""
    data = _read_bytes(source)
    if not data:
        raise ImageLoadError("The file is empty. Upload a PNG, JPEG or WebP picture.")
    return _open_checked(data)


def _first_picture(image: Image.Image, max_side: int) -> Image.Image:
    """:func:`load_image`'s picture from a file :func:`_open_upload` opened."""
    try:
        original_size, frames = _display_size(image), getattr(image, "n_frames", 1)
        image = _first_frame_rgb(image)
    except Exception as error:  # broken EXIF, odd modes: anything PIL raises while converting
        raise ImageLoadError(_unreadable(error)) from error
    _check_shape(image)
    image = fit_long_side(image, max_side)
    image.info["original_size"], image.info["frames"] = original_size, frames
    return image


def load_frames(source, max_side: int = MAX_SIDE) -> list[tuple[Image.Image, int]]:
    """Decode every frame of an animated GIF, WebP or PNG (a cut), or the one frame of a still picture.

    Args:
        source: bytes, a path, or a binary file object.
        max_side: frames whose long side exceeds this are downscaled to it.
    Returns:
        [(PIL "RGB" frame, its duration in ms; 0 for a still picture)], in order.
    Raises:
        ImageLoadError: as :func:`load_image`, and for more than MAX_FRAMES frames or MAX_ANIMATION_PIXELS
            pixels in all.
    """
    image = _open_upload(source)
    count = getattr(image, "n_frames", 1)
    if count <= 1:
        return [(_first_picture(image, max_side), 0)]
    scale = min(1.0, max_side / max(image.size))
    if count > MAX_FRAMES or count * image.width * image.height * scale ** 2 > MAX_ANIMATION_PIXELS:
        raise ImageLoadError(f"The animation has {count} frames of {image.width}x{image.height}; the studio colours "
                             f"at most {MAX_FRAMES} frames and {MAX_ANIMATION_PIXELS // 1_000_000} megapixels at "
                             "once. Split it into shorter parts or scale it down.")
    frames = [_frame_at(image, index, max_side) for index in range(count)]
    _check_shape(frames[0][0])
    return frames


def load_frame(source, index: int, max_side: int = MAX_SIDE) -> Image.Image:
    """Decode frame ``index`` (0-based) of an animated GIF, WebP or PNG, as :func:`load_frames` gives it.

    Returns:
        PIL "RGB" frame, long side at most ``max_side``.
    Raises:
        ImageLoadError: as :func:`load_image`, and for an index past the animation's last frame.
    """
    return _frame_of(_open_upload(source), index, max_side)


def load_image_and_alpha(source, max_side: int = MAX_SIDE) -> tuple[Image.Image, Image.Image | None]:
    """:func:`load_image` and the picture's own transparency (see :func:`load_frame_and_alpha`), from one decode."""
    image = _open_upload(source)
    return _first_picture(image, max_side), _frame_alpha(image, 0, max_side)


def load_frame_and_alpha(source, index: int, max_side: int = MAX_SIDE) -> tuple[Image.Image, Image.Image | None]:
    """:func:`load_frame` and that frame's own transparency, from one decode of the file: mode "L" (0 clear, 255
    opaque) at the frame's size, or None where the file has no transparency or the frame is opaque all over.

    Raises:
        ImageLoadError: as :func:`load_frame`.
    """
    image = _open_upload(source)
    return _frame_of(image, index, max_side), _frame_alpha(image, index, max_side)


def load_alphas(source, max_side: int = MAX_SIDE) -> list[Image.Image | None]:
    """The own transparency (see :func:`load_frame_and_alpha`) of every frame of a picture file, in order, from one
    pass over the file (an animation's frames are decoded once, not once per frame)."""
    image = _open_upload(source)
    return [_frame_alpha(image, index, max_side) for index in range(getattr(image, "n_frames", 1))]


def _frame_of(image: Image.Image, index: int, max_side: int) -> Image.Image:
    """:func:`load_frame` of an opened picture file."""
    count = getattr(image, "n_frames", 1)
    if not 0 <= index < count:
        raise ImageLoadError(f"The picture has {count} frame(s); there is no frame {index}. Pick one from 0 to "
                             f"{count - 1}.")
    if count == 1:
        return _first_picture(image, max_side)
    frame = _frame_at(image, index, max_side)[0]
    _check_shape(frame)
    return frame


def _frame_alpha(image: Image.Image, index: int, max_side: int) -> Image.Image | None:
    """The own transparency of frame ``index`` of an opened picture file (see :func:`load_frame_and_alpha`)."""
    try:
        image.seek(index)
        if image.mode not in ALPHA_MODES and image.mode != "P" and "transparency" not in image.info:
            return None  # no transparency to read (a JPEG, say): nothing to copy or turn
        frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
        alpha = alpha_channel(frame)
    except Exception as error:  # a frame broken after the first, odd modes
        raise ImageLoadError(_unreadable(error)) from error
    if alpha is None or alpha.getextrema()[0] == 255:
        return None
    return fit_long_side(alpha, max_side)


def alpha_channel(image: Image.Image) -> Image.Image | None:
    """A picture's alpha as mode "L" (palette transparency included), or None for a mode without one."""
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode not in ALPHA_MODES:
        return None
    return image.convert("RGBA").getchannel("A")


def _frame_at(image: Image.Image, index: int, max_side: int) -> tuple[Image.Image, int]:
    """Frame ``index`` of an opened animation (RGB, long side at most ``max_side``) and its duration in ms."""
    try:
        image.seek(index)
        return fit_long_side(to_rgb(image.copy()), max_side), int(image.info.get("duration") or 100)
    except Exception as error:  # a frame broken after the first
        raise ImageLoadError(_unreadable(error)) from error


def frame_count(source) -> int:
    """How many frames a picture file holds, read from its header: 1 for a still picture, and for a file that cannot
    be read (:func:`load_frames` says why when it is loaded)."""
    try:
        with Image.open(source) as image:
            return max(1, int(getattr(image, "n_frames", 1)))
    except Exception:  # anything PIL raises on a broken header
        return 1


def _display_size(image: Image.Image) -> tuple[int, int]:
    """(width, height) as stored in the header, swapped when EXIF says the picture is turned."""
    size = image.info.get("header_size", image.size)
    return size[::-1] if image.getexif().get(0x0112) in (5, 6, 7, 8) else size


def _check_shape(image: Image.Image) -> None:
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        raise ImageLoadError(f"The picture is {width}x{height} pixels; it needs at least "
                             f"{MIN_SIDE} pixels on each side. Upload a larger picture.")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageLoadError(f"The picture is {width}x{height} pixels; sides more than {MAX_ASPECT} times "
                             "longer than the other are not supported. Crop it and upload again.")


def _unreadable(error: Exception) -> str:
    return ("This file could not be read as a picture (it may be corrupt, truncated or "
            f"not an image: {type(error).__name__}). Upload a PNG, JPEG or WebP file.")


def load_hints(source, size: tuple[int, int] | None = None) -> Image.Image:
    """Read a saved scribble file (an RGBA PNG, transparent where unpainted).

    Args:
        source: bytes, path or binary file object.
        size: (width, height) to scale the scribbles to (strokes kept, see ``resize_hints``).
    Returns:
        PIL "RGBA" image.
    Raises:
        ImageLoadError: unreadable, too large, or without transparency (not a scribble file).
    """
    data = _read_bytes(source)
    if not data:
        raise ImageLoadError("The scribble file is empty. Upload a PNG saved with 'Download scribbles'.")
    image = _open_checked(data)
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        raise ImageLoadError("This picture has no transparency, so it cannot hold scribbles. Upload a PNG "
                             "saved with 'Download scribbles' (transparent where nothing is painted).")
    hints = image.convert("RGBA")
    return resize_hints(hints, size) if size is not None else hints


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        return source.read()
    with open(source, "rb") as handle:
        return handle.read()


def _open_checked(data: bytes) -> Image.Image:
    """Open the header, refuse bombs, then decode fully so truncation shows now."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            image.info["header_size"] = image.size
            if width * height > MAX_PIXELS:
                raise ImageLoadError(_too_large(f"{width}x{height} pixels"))
            if image.format == "JPEG" and max(width, height) > 2 * MAX_SIDE:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode JPEGs at a reduced scale
            image.load()
    except ImageLoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageLoadError(_too_large("too large to open safely")) from error
    except Exception as error:  # PIL raises many types for broken files
        raise ImageLoadError(_unreadable(error)) from error
    return image


def _too_large(what: str) -> str:
    return (f"The picture is {what}, more than the {MAX_PIXELS // 1_000_000} megapixel limit. "
            "Downscale it and upload again.")


def _first_frame_rgb(image: Image.Image) -> Image.Image:
    """First frame, EXIF orientation applied, alpha composited on white, mode RGB."""
    try:
        image.seek(0)
    except EOFError:
        pass
    image = ImageOps.exif_transpose(image)
    return to_rgb(image)


def to_rgb(image: Image.Image) -> Image.Image:
    """Any PIL mode to 8-bit RGB; transparency is composited on white.

    16- and 32-bit integer and float modes are scaled into 0..255 rather than clipped: integer
    pictures by the range of the bit depth their largest value needs (8, 16 or 32 bits), so a
    16-bit scan stored as a 32-bit TIFF keeps its tones; negative values count as black.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = next(limit for limit in (255.0, 65535.0, 2147483647.0) if array.max() <= limit)  # "I" is int32
        image = Image.fromarray(np.round(np.clip(array * (255.0 / top), 0, 255)).astype(np.uint8), "L")
    elif image.mode == "F":
        array = np.asarray(image, dtype=np.float64)
        scale = 255.0 if array.max() <= 1.0 else 1.0
        image = Image.fromarray(np.clip(array * scale, 0, 255).astype(np.uint8), "L")
    if image.mode == "P" or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ALPHA_MODES:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image).convert("RGB")
    return image.convert("RGB")


def fit_long_side(image: Image.Image, max_side: int) -> Image.Image:
    """Downscale (never upscale) so the long side is at most ``max_side``; keeps aspect."""
    size = fitted_size(image.size, max_side)
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def fitted_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """(width, height) of :func:`fit_long_side`'s output for a picture of ``size``."""
    if max(size) <= max_side:
        return size
    scale = max_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))
