"""Anime line-art colorizer library: edge sketches, hint packing, the U-Net, checkpoints.

No Streamlit here: the app, training and scripts all call this package. Names are imported on
first use, so ``import colorizer.report`` (the app's first page) does not wait for PyTorch.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "checkpoint": ("CheckpointError", "load_model", "read_checkpoint", "save_checkpoint"),
    "hints": ("empty_hints", "hint_arrays", "pack_arrays", "pack_inputs", "resize_hints"),
    "images": ("ImageLoadError", "load_image"),
    "model": ("UNet", "UNetConfig"),
    "pipeline": ("Colorizer",),
    "regions": ("RegionFill", "fill_regions", "line_regions"),
    "runtime": ("keep_freed_memory",),
    "shipped": ("DEFAULT_CHECKPOINT", "LINE_ART_CHECKPOINT", "default_checkpoint"),
    "sketch": ("KERNEL_SIZES", "SketchKind", "SketchSettings", "line_art_sketch", "sobel_sketch"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'colorizer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value
