"""Layered export: composite, flat colours, lines and scribbles, for Krita or Photoshop."""
from __future__ import annotations

import io
import zipfile

import numpy as np
from PIL import Image

from .hints import empty_hints, resize_hints


def line_layer(sketch: Image.Image) -> Image.Image:
    """The sketch as black lines on a transparent background: RGBA, alpha = 255 - sketch value."""
    alpha = 255 - np.asarray(sketch.convert("L"))
    return Image.fromarray(np.dstack([np.zeros(alpha.shape + (3,), np.uint8), alpha]), "RGBA")


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def layers_zip(name: str, result: Image.Image, flat: Image.Image, sketch: Image.Image,
               hints: Image.Image | None) -> bytes:
    """A ZIP of ``<name>_composite.png``, ``_flat.png``, ``_lines.png`` and ``_scribbles.png``.

    All layers have the sketch's size; the scribbles are RGBA (transparent where unpainted), and the composite and
    flat colours too where they come as RGBA (transparent paper: :func:`colorizer.cutout.transparent_paper`).
    """
    hints = empty_hints(sketch.size) if hints is None else resize_hints(hints, sketch.size)
    layers = {"composite": colour_layer(result), "flat": colour_layer(flat),
              "lines": line_layer(sketch), "scribbles": hints}
    return zip_pngs({f"{name}_{layer}.png": image for layer, image in layers.items()})


def colour_layer(image: Image.Image) -> Image.Image:
    """A colour layer as saved: RGBA kept (its transparency), any other mode as RGB."""
    return image if image.mode == "RGBA" else image.convert("RGB")


def zip_pngs(images: dict[str, Image.Image]) -> bytes:
    """A ZIP archive holding each picture as a PNG under its file name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, image in images.items():
            archive.writestr(file_name, png_bytes(image))
    return buffer.getvalue()


def gif_bytes(frames: list[Image.Image], durations: list[int]) -> bytes:
    """An animated GIF of RGB frames (each quantised to 256 colours) that loops, ``durations`` in ms."""
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return buffer.getvalue()


def scribbles_over(sketch: Image.Image, hints: Image.Image | None) -> Image.Image:
    """The sketch (RGB) with the scribbles (RGBA, any size) drawn over it at its size."""
    view = sketch.convert("RGBA")
    if hints is not None:
        view = Image.alpha_composite(view, resize_hints(hints, sketch.size))
    return view.convert("RGB")
