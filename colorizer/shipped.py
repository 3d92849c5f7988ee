"""Where the shipped models lie (no PyTorch here, so the app's first page can ask cheaply)."""
from __future__ import annotations

from pathlib import Path

from .sketch import SketchKind

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_CHECKPOINT = MODELS_DIR / "colorizer.pt"  # for the app's Sobel sketches
LINE_ART_CHECKPOINT = MODELS_DIR / "colorizer_line_art.pt"  # for uploads that already are line art


def default_checkpoint(kind: SketchKind = SketchKind.SOBEL) -> Path:
    """The shipped model for a kind of sketch: the app's Sobel sketches, or uploaded line art."""
    return LINE_ART_CHECKPOINT if kind is SketchKind.LINE_ART else DEFAULT_CHECKPOINT
