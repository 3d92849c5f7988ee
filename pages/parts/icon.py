"""The studio's favicon, drawn here, so the browser never fetches an icon from outside."""
from __future__ import annotations

from PIL import Image, ImageDraw

DABS = ((18, 20, "#e04a3f"), (40, 16, "#f2c14e"), (48, 38, "#3f8fe0"), (24, 44, "#5cb85c"))


def palette_icon(size: int = 64) -> Image.Image:
    """A painter's palette: a cream disc with four colour dabs (RGBA, ``size`` px square)."""
    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.ellipse((2, 4, 62, 60), fill="#f6ead2", outline="#8a6d3b", width=3)
    for x, y, colour in DABS:
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=colour)
    return icon.resize((size, size), Image.Resampling.LANCZOS)
