"""A generated corpus of hostile and odd uploads (nothing is downloaded).

``corpus()`` returns entries (name, bytes, expect, check): expect is "ok" (must load, and
``check(image)`` must hold), "error" (must raise ImageLoadError) or "either" (random damage:
loads or raises ImageLoadError, nothing else).
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from tests.synthetic import anime_frame, encode

RED, BLUE, WHITE = (230, 30, 30), (30, 30, 230), (255, 255, 255)


def _close(pixel, colour, tolerance=40) -> bool:
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(pixel, colour))


def png_with_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height with no pixel data (decompression bomb)."""
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def animation(fmt: str) -> bytes:
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def exif_rotated() -> bytes:
    """A 60x30 JPEG, red on its left half, stored with EXIF orientation 6 (turn 90 degrees clockwise)."""
    array = np.full((30, 60, 3), 255, np.uint8)
    array[:, :30] = RED
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(Image.fromarray(array), "JPEG", exif=exif, quality=95)


def palette_with_transparency() -> bytes:
    image = Image.new("P", (32, 32), 0)
    image.putpalette([*RED, *BLUE] + [0] * 762)
    image.paste(1, (16, 0, 32, 32))
    return encode(image, "PNG", transparency=0)


def sixteen_bit() -> bytes:
    return encode(Image.fromarray(np.linspace(0, 65535, 48 * 48).reshape(48, 48).astype(np.uint16)))


def special_files() -> list[tuple]:
    frame = anime_frame(np.random.default_rng(0), 96, 64)
    return [
        ("zero.png", b"", "error", None),
        ("page.png", b"<!DOCTYPE html><html><body>hello</body></html>", "error", None),
        ("notes.png", b"just some text\n" * 20, "error", None),
        ("one.png", encode(Image.new("RGB", (1, 1))), "error", None),
        ("bomb.png", png_with_header(20000, 20000), "error", None),
        ("strip.png", encode(Image.new("RGB", (10000, 10), RED)), "error", None),
        ("deep.png", sixteen_bit(), "ok", lambda im: np.asarray(im).max() > 200 and np.asarray(im).min() < 10),
        ("cmyk.jpg", encode(Image.new("CMYK", (40, 40), (0, 255, 255, 0)), "JPEG"), "ok",
         lambda im: im.mode == "RGB"),
        ("palette.png", palette_with_transparency(), "ok",
         lambda im: _close(im.getpixel((5, 5)), WHITE, 1) and _close(im.getpixel((25, 5)), BLUE, 1)),
        ("moving.gif", animation("GIF"), "ok", lambda im: _close(im.getpixel((5, 5)), RED)),
        ("moving.webp", animation("WEBP"), "ok", lambda im: _close(im.getpixel((5, 5)), RED)),
        ("turned.jpg", exif_rotated(), "ok",
         lambda im: im.size == (30, 60) and _close(im.getpixel((15, 5)), RED) and _close(im.getpixel((15, 55)), WHITE)),
        ("gray.png", encode(frame.convert("L")), "ok", lambda im: im.size == (96, 64)),
        ("gray_alpha.png", encode(frame.convert("LA")), "ok", lambda im: im.size == (96, 64)),
        ("bilevel.png", encode(frame.convert("1")), "ok", lambda im: im.size == (96, 64)),
        ("frame.webp", encode(frame, "WEBP"), "ok", lambda im: im.size == (96, 64)),
        ("frame.bmp", encode(frame, "BMP"), "ok", lambda im: im.size == (96, 64)),
        ("huge.jpg", encode(Image.new("RGB", (6000, 3000), BLUE), "JPEG"), "ok", lambda im: max(im.size) == 2048),
    ]


def truncated_files() -> list[tuple]:
    frame = anime_frame(np.random.default_rng(1), 128, 96)
    entries = []
    for fmt in ("PNG", "JPEG"):
        data = encode(frame, fmt)
        for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
            entries.append((f"cut_{fraction}.{fmt.lower()}", data[: int(len(data) * fraction)], "error", None))
    return entries


def flipped_files(count: int = 180) -> list[tuple]:
    """Valid PNG, JPEG and WebP files with a few random bytes overwritten."""
    rng = np.random.default_rng(2)
    sources = [encode(anime_frame(rng, 80, 64), fmt) for fmt in ("PNG", "JPEG", "WEBP")]
    entries = []
    for index in range(count):
        data = bytearray(sources[index % len(sources)])
        for position in rng.integers(0, len(data), size=int(rng.integers(1, 6))):
            data[position] = int(rng.integers(256))
        entries.append((f"flip_{index:03d}.png", bytes(data), "either", None))
    return entries


def corpus() -> list[tuple]:
    return special_files() + truncated_files() + flipped_files()
