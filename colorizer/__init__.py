"""Anime line-art colorizer library: edge sketches, hint packing, the U-Net, checkpoints.

No Streamlit here: the app, training and scripts all call this package.
"""
from .checkpoint import (DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT, CheckpointError, default_checkpoint, load_model,
                          read_checkpoint, save_checkpoint)
from .hints import empty_hints, hint_arrays, pack_arrays, pack_inputs, resize_hints
from .images import ImageLoadError, load_image
from .model import UNet, UNetConfig
from .pipeline import Colorizer
from .regions import RegionFill, fill_regions, line_regions
from .runtime import keep_freed_memory
from .sketch import KERNEL_SIZES, SketchKind, SketchSettings, line_art_sketch, sobel_sketch

__all__ = [
    "CheckpointError", "Colorizer", "DEFAULT_CHECKPOINT", "ImageLoadError", "KERNEL_SIZES", "LINE_ART_CHECKPOINT",
    "RegionFill", "SketchKind", "SketchSettings", "UNet", "UNetConfig", "default_checkpoint", "empty_hints", "fill_regions",
    "hint_arrays", "keep_freed_memory",
    "line_art_sketch", "line_regions", "load_image", "load_model", "pack_arrays", "pack_inputs", "read_checkpoint", "resize_hints",
    "save_checkpoint", "sobel_sketch",
]
