"""Colour palettes: k-means (scikit-learn) over a picture's pixels, and palette files (GIMP .gpl, hex lists)."""
from __future__ import annotations

import re

import numpy as np
from sklearn.cluster import KMeans


def kmeans_colours(image: np.ndarray, k: int, rng: np.random.Generator, sample: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The k dominant colours of a picture and their pixel shares.

    Args:
        image: uint8 (H, W, 3).
        k: number of colours (fewer distinct colours are repeated to fill k rows).
        rng: generator for the pixel subsample and the k-means start.
    Returns:
        (colours float32 (k, 3) in 0..255, shares float32 (k,) summing to 1), most common first.
    """
    pixels = image.reshape(-1, 3).astype(np.float32)
    if len(pixels) > sample:
        pixels = pixels[rng.choice(len(pixels), sample, replace=False)]
    codes, counts = np.unique(pixels.astype(np.int64) @ np.array([65536, 256, 1]), return_counts=True)
    distinct = np.stack([codes // 65536, codes // 256 % 256, codes % 256], 1).astype(np.float32)
    if len(distinct) <= k:
        order = np.argsort(-counts)
        colours, shares = distinct[order], counts[order] / counts.sum()
        repeat = np.arange(k) % len(distinct)
        return colours[repeat].astype(np.float32), np.where(np.arange(k) < len(distinct), shares[repeat], 0).astype(np.float32)
    fitted = KMeans(n_clusters=k, n_init=1, max_iter=30, random_state=int(rng.integers(2**31 - 1))).fit(pixels)
    shares = np.bincount(fitted.labels_, minlength=k) / len(pixels)
    order = np.argsort(-shares)
    return fitted.cluster_centers_[order].astype(np.float32), shares[order].astype(np.float32)


def hex_colour(rgb) -> str:
    """The "#rrggbb" code of three channel values in 0..255 (ints, or floats already rounded)."""
    red, green, blue = (int(value) for value in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"


def suggest_palette(image, k: int = 8, seed: int = 0) -> list[str]:
    """Hex swatches ("#rrggbb") of a PIL picture's k dominant colours, most common first, no repeats."""
    array = np.asarray(image.convert("RGB"))
    colours, shares = kmeans_colours(array, k, np.random.default_rng(seed))
    swatches = [hex_colour(rgb) for rgb, share in zip(np.round(colours), shares) if share > 0]
    return list(dict.fromkeys(swatches))


def colour_at(picture, x: float, y: float, radius: int = 2) -> str:
    """The colour of a PIL picture around pixel (x, y) as "#rrggbb": the per-channel median of the
    (2 * radius + 1)-pixel square there (clipped to the picture), so one stray pixel or line does not decide."""
    array = np.asarray(picture.convert("RGB"))
    col = int(np.clip(round(x), 0, array.shape[1] - 1))
    row = int(np.clip(round(y), 0, array.shape[0] - 1))
    window = array[max(0, row - radius):row + radius + 1, max(0, col - radius):col + radius + 1]
    return hex_colour(np.median(window.reshape(-1, 3), axis=0).round())


MAX_PALETTE = 64  # colours a palette file may hold
MAX_PALETTE_BYTES = 256_000  # a palette file larger than this is something else
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")  # a hex colour as typed or listed, "#" optional
GPL_LINE = re.compile(r"^\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?:\s.*)?$")


class PaletteFileError(ValueError):
    """A palette file the studio cannot read; the message says what it accepts."""


def palette_file(colours: list[str], name: str) -> str:
    """A GIMP palette (.gpl text, which Krita, Inkscape and Aseprite also read) of hex swatches ("#rrggbb")."""
    rows = [f"{int(c[1:3], 16):3d} {int(c[3:5], 16):3d} {int(c[5:7], 16):3d}\t{c}" for c in colours]
    clean_name = " ".join(name.split()) or "Palette"
    return "\n".join(["GIMP Palette", f"Name: {clean_name}", "Columns: 4", "#", *rows]) + "\n"


def read_palette_file(data: bytes) -> list[str]:
    """Hex swatches ("#rrggbb", in file order, no repeats) from a GIMP palette (.gpl) or a list of hex codes
    (one per line, with or without "#", as Lospec's .hex files). Raises PaletteFileError on anything else,
    on an empty palette, on more than MAX_PALETTE colours and on files over MAX_PALETTE_BYTES."""
    if len(data) > MAX_PALETTE_BYTES:
        raise PaletteFileError(f"This file is {len(data) / 1e6:.1f} MB: too big for a palette of at most "
                               f"{MAX_PALETTE} colours.")
    try:
        lines = [line.strip() for line in data.decode("utf-8-sig").splitlines()]
    except UnicodeDecodeError:
        raise PaletteFileError(_NOT_A_PALETTE) from None
    lines = [line for line in lines if line and not line.startswith("#") or HEX_COLOUR.match(line)]
    if lines and lines[0] == "GIMP Palette":
        colours = [_gpl_colour(line) for line in lines[1:] if not _gpl_header(line)]
    else:
        colours = [_hex_colour(line) for line in lines]
    colours = list(dict.fromkeys(colours))
    if not colours:
        raise PaletteFileError("This palette file holds no colours.")
    if len(colours) > MAX_PALETTE:
        raise PaletteFileError(f"This palette holds {len(colours)} colours; the studio takes at most {MAX_PALETTE}.")
    return colours


_NOT_A_PALETTE = ("Not a palette file: load a GIMP palette (.gpl, as Krita and GIMP save them) or a text file "
                  "with one hex colour per line, such as #f2c9a0.")


def _gpl_header(line: str) -> bool:
    return line.split(":")[0] in ("Name", "Columns")


def _gpl_colour(line: str) -> str:
    match = GPL_LINE.match(line)
    if not match or any(int(value) > 255 for value in match.groups()):
        raise PaletteFileError(f"{_NOT_A_PALETTE} (A colour line reads {line[:40]!r}.)")
    return hex_colour(match.groups())


def _hex_colour(line: str) -> str:
    match = HEX_COLOUR.match(line)
    if not match:
        raise PaletteFileError(f"{_NOT_A_PALETTE} (A line reads {line[:40]!r}.)")
    return f"#{match.group(1).lower()}"
