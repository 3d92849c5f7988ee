"""Layered export: composite, flat colours, lines and scribbles, as a ZIP of PNGs (any paint program) or as one
OpenRaster file (.ora: Krita, GIMP and MyPaint open it with the layers stacked)."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import quoteattr

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


ORA_THUMBNAIL = 256  # px: the longest side OpenRaster allows its thumbnail


def layers_ora(result: Image.Image, flat: Image.Image, sketch: Image.Image, hints: Image.Image | None,
               lines_on_top: bool) -> bytes:
    """The layers of :func:`layers_zip` as one OpenRaster file (the baseline of openraster.org: ``mimetype`` first
    and stored, ``stack.xml``, ``data/*.png``, ``Thumbnails/thumbnail.png``, ``mergedimage.png``).

    Top to bottom: Scribbles (hidden), Lines and Flat colours (shown for a result made with the sketch's lines on
    top, which they make up exactly; hidden otherwise), Result (hidden when the two above show it). All at the
    sketch's size; the merged image is the result.
    """
    hints = empty_hints(sketch.size) if hints is None else resize_hints(hints, sketch.size)
    stack = [("Scribbles", "scribbles", hints, False), ("Lines", "lines", line_layer(sketch), lines_on_top),
             ("Flat colours", "flat", colour_layer(flat), lines_on_top),
             ("Result", "result", colour_layer(result), not lines_on_top)]
    thumbnail = colour_layer(result).copy()
    thumbnail.thumbnail((ORA_THUMBNAIL, ORA_THUMBNAIL))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "image/openraster", compress_type=zipfile.ZIP_STORED)
        archive.writestr("stack.xml", stack_xml(sketch.size, [(name, f"data/{file}.png", shown)
                                                              for name, file, _, shown in stack]))
        for _, file, image, _ in stack:
            archive.writestr(f"data/{file}.png", png_bytes(image))
        archive.writestr("Thumbnails/thumbnail.png", png_bytes(thumbnail))
        archive.writestr("mergedimage.png", png_bytes(colour_layer(result)))
    return buffer.getvalue()


def stack_xml(size: tuple[int, int], layers: list[tuple[str, str, bool]]) -> str:
    """OpenRaster's layer stack for ``layers`` (name, file in the archive, shown), top first, at ``size`` (w, h)."""
    rows = [f'  <layer name={quoteattr(name)} src={quoteattr(src)} x="0" y="0" opacity="1.0" '
            f'visibility="{"visible" if shown else "hidden"}" composite-op="svg:src-over"/>'
            for name, src, shown in layers]
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                      f'<image version="0.0.5" w="{size[0]}" h="{size[1]}">', " <stack>", *rows, " </stack>",
                      "</image>", ""])


def colour_layer(image: Image.Image) -> Image.Image:
    """A colour layer as saved: RGBA kept (its transparency), any other mode as RGB."""
    return image if image.mode == "RGBA" else image.convert("RGB")


def zip_pngs(images: dict[str, Image.Image], files: dict[str, bytes] | None = None) -> bytes:
    """A ZIP archive holding each picture as a PNG under its file name, and ``files`` (file name: bytes) as they
    are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, image in images.items():
            archive.writestr(file_name, png_bytes(image))
        for file_name, data in (files or {}).items():
            archive.writestr(file_name, data)
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
