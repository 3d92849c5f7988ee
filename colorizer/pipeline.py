"""High-level inference: sketch + hints in, colour picture out."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .checkpoint import load_model
from .compose import compose
from .hints import empty_hints, hint_arrays, pack_arrays, resize_hints
from .model import count_parameters, fuse_for_inference
from .onednn import available as onednn_available, checked_runner
from .regions import RegionFill, brush_edges, fill_labels, fill_regions, on_blank_paper, paper_hints
from .scales import WORK_SIDE, working_size
from .shipped import default_checkpoint
from .sketch import SketchKind

# Largest sketch colorize takes (the app's uploads are at most 2048 px): the full-size result and
# its layers cost memory in proportion, about 2.25 GB and 4.5 s for 6000 x 6000 on the 2-core CPU.
MAX_SKETCH_SIDE = 4096
PRECISIONS = ("auto", "float32", "bfloat16")
# The app averages the network over the sketch and its left-right mirror: +0.03 to +0.14 dB at ten strokes
# for twice the network's time (docs/experiments.md, "Averaging the network over a mirrored sketch").
FLIP_AVERAGE = True


def native_bfloat16() -> bool:
    """True when this CPU does bfloat16 maths in hardware (AVX512-BF16 or AMX), where oneDNN's
    bfloat16 convolutions run 2-4x faster than float32 (python -m colorizer.bench --precision)."""
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def pick_dtype(precision: str, device: torch.device) -> torch.dtype:
    """The dtype the network runs in: "auto" is bfloat16 on a CPU with native bfloat16, else float32.

    Raises:
        ValueError: ``precision`` is not one of PRECISIONS.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"Unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}.")
    if precision == "auto":
        return torch.bfloat16 if device.type == "cpu" and native_bfloat16() else torch.float32
    return getattr(torch, precision)


class Colorizer:
    """A loaded model. Holds no per-request state, so one instance can serve all users."""

    def __init__(self, model, checkpoint: dict, path: Path, device: torch.device, work_side: int = WORK_SIDE,
                 precision: str = "auto", fused: bool = True, flip_average: bool = FLIP_AVERAGE):
        self.parameter_count = count_parameters(model)
        self.flip_average = flip_average
        self.dtype = pick_dtype(precision, device)
        model = fuse_for_inference(model.to(device).eval())
        # Fused oneDNN kernels: ReLU, skip concatenation and upsampling folded into the convs
        # (colorizer/onednn.py), about 1.4x faster at 512 px (python -m colorizer.bench --eager).
        use_fused = fused and device.type == "cpu" and onednn_available()
        self.fused = checked_runner(model, self.dtype) if use_fused else None
        # Channels-last (NHWC) lets oneDNN run the convolutions without layout reorders: 1.4x to
        # 1.8x faster on the 2-core CPU, depending on size and run (python -m colorizer.bench).
        self.model = model.to(dtype=self.dtype, memory_format=torch.channels_last)
        self.meta = dict(checkpoint.get("meta", {}))
        self.config = model.config
        self.path = Path(path)
        self.device = device
        self.work_side = work_side

    @property
    def dtype_name(self) -> str:
        """The dtype the network runs in, as people write it: "bfloat16" or "float32"."""
        return str(self.dtype).removeprefix("torch.")

    @property
    def kernels(self) -> str:
        """How the network runs, for people: "oneDNN fused" or "PyTorch eager"."""
        return "oneDNN fused" if self.fused is not None else "PyTorch eager"

    @classmethod
    def load(cls, path=None, device=None, precision: str = "auto", fused: bool = True,
             kind: SketchKind = SketchKind.SOBEL, flip_average: bool = FLIP_AVERAGE) -> "Colorizer":
        """Load ``path`` onto ``device`` (default CPU).

        Without ``path``, the shipped model for the ``kind`` of sketch: ``models/colorizer.pt`` for
        the app's Sobel sketches, ``models/colorizer_line_art.pt`` for line art.

        ``precision`` (see PRECISIONS) is the dtype the network runs in; "auto" picks bfloat16 on
        CPUs with native bfloat16 maths (outputs within a few 8-bit levels of float32's), else float32.
        ``fused`` runs the U-Net through fused oneDNN kernels on CPU (:mod:`colorizer.onednn`;
        same outputs up to rounding); False, or another network or device, runs it eagerly.
        ``flip_average`` averages the network's output with its output on the mirrored inputs
        (FLIP_AVERAGE, the app's default); False runs it once.

        Raises:
            CheckpointError: the file is missing, corrupt or not a colorizer checkpoint.
            ValueError: unknown ``precision``.
        """
        path = Path(path) if path is not None else default_checkpoint(kind)
        model, checkpoint = load_model(path)
        return cls(model, checkpoint, path, torch.device(device or "cpu"), precision=precision, fused=fused,
                   flip_average=flip_average)

    def colorize(self, sketch: Image.Image, hints: Image.Image | None = None, lines_on_top: bool = False,
                 region_fill: RegionFill | None = None, white_paper: bool = False) -> Image.Image:
        """Colour a sketch following the hints.

        Args:
            sketch: PIL image (converted to "L"), 1 to MAX_SKETCH_SIDE px on each side, any aspect
                ratio; dark lines on white.
            hints: PIL "RGBA" image, alpha > 0 marks painted pixels; any size, stretched over
                the sketch (resized once, straight to the working size). None means no hints.
            lines_on_top: draw the sketch's own lines over flat colours (for real line art).
            region_fill: carry each hint's colour through its line-bounded region after the
                network (:func:`colorizer.regions.fill_regions`); None leaves the output as is.
        Returns:
            PIL "RGB" image of the sketch's size.
        Raises:
            ValueError: an empty sketch or hint picture, or one over MAX_SKETCH_SIDE px (downscale it
                first, e.g. with colorizer.images.fit_long_side).
        """
        return self._run(sketch, hints, lines_on_top, [region_fill], False, white_paper)[0]["result"]

    def colorize_each(self, sketch: Image.Image, hints: Image.Image | None = None, lines_on_top: bool = False,
                      fills: list[RegionFill | None] = (None,), white_paper: bool = False) -> list[Image.Image]:
        """:meth:`colorize` once for each region fill in ``fills`` (None: none), sharing one network pass:
        for comparing the app's output with and without region fill. Returns "RGB" images, in order."""
        return [layers["result"] for layers in self._run(sketch, hints, lines_on_top, list(fills), False, white_paper)]

    def colorize_layers(self, sketch: Image.Image, hints: Image.Image | None = None, lines_on_top: bool = False,
                        region_fill: RegionFill | None = None, white_paper: bool = False) -> dict[str, Image.Image]:
        """Like :meth:`colorize`, also returning the flat colour layer.

        Returns:
            {"result": RGB composite, "flat": RGB colours without lines}, both the sketch's size.
            The model runs at a working size (long side <= work_side); colours are upsampled
            guided by the full-resolution sketch (see :func:`colorizer.compose.compose`).
        """
        return self._run(sketch, hints, lines_on_top, [region_fill], True, white_paper)[0]

    def _run(self, sketch: Image.Image, hints: Image.Image | None, lines_on_top: bool, fills: list[RegionFill | None],
             with_flat: bool, white_paper: bool) -> list[dict[str, Image.Image]]:
        """One network pass, then per region fill in ``fills`` the full-size layers (White paper's regions are the
        first fill's)."""
        first = next((fill for fill in fills if fill is not None), None)
        network = self.network_pass(sketch, hints, white_paper, first)
        return [finish_layers(network, fill, lines_on_top, with_flat) for fill in fills]

    def network_pass(self, sketch: Image.Image, hints: Image.Image | None = None, white_paper: bool = False,
                     region_fill: RegionFill | None = None) -> NetworkPass:
        """The network's colours for a sketch and its hints, kept with what :func:`finish_layers` needs to make
        the layers with any region fill and lines (``colorize_layers`` is the two in one). With ``white_paper``
        the paper's regions are ``region_fill``'s (gap and line level; None: the defaults'). Checks and
        Raises as :meth:`colorize`."""
        check_size(sketch.size, "sketch")
        if hints is not None:
            check_size(hints.size, "hint picture")
        sketch = sketch.convert("L")  # hints of another size go straight to the working size
        sketch_array, hint_rgb, hint_mask = shrink_inputs(sketch, hints, working_size(sketch.size, self.work_side))
        network = NetworkPass(sketch_array, hint_rgb, hint_mask, np.asarray(sketch), strokes=hint_mask)
        if white_paper:
            network.paper = paper_regions(region_fill)
            hint_rgb, hint_mask = paper_hints(sketch_array, hint_rgb, hint_mask, labels=network.regions(*network.paper),
                                              edges=network.stroke_edges(*network.paper))
            network.hint_rgb, network.hint_mask = hint_rgb, hint_mask
        labels = network.regions(*paper_regions(None)) if self.config.region_hints else None  # at the defaults
        network.colour = self.colour_arrays(sketch_array, hint_rgb, hint_mask, labels)
        return network

    def colour_arrays(self, sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray,
                      labels: np.ndarray | None = None) -> np.ndarray:
        """The network's colours for a sketch and its hints, at their own size (one pass).

        Args:
            sketch: uint8 (H, W), dark lines on white; hint_rgb: uint8 (H, W, 3); hint_mask: bool (H, W).
            labels: the sketch's :func:`~colorizer.model.fine_labels`, int (H, W), where the caller has
                them (a network with region hints labels the sketch itself otherwise).
        Returns:
            uint8 (H, W, 3) RGB.
        """
        return self.predict(pack_arrays(sketch, hint_rgb, hint_mask), labels)

    @torch.inference_mode()
    def predict(self, packed: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Run the network on one packed input, at its own size: once, or with ``flip_average`` on it and
        its left-right mirror in one batch, the mirrored output mirrored back and the two averaged.

        Args:
            packed: float32 (4, H, W) from :func:`pack_inputs`.
            labels: int (H, W) region labels of its sketch, or None (see :meth:`colour_arrays`); the
                mirror's are their mirror.
        Returns:
            uint8 (H, W, 3) RGB.
        """
        x = torch.from_numpy(packed).unsqueeze(0)
        labels = None if labels is None else np.asarray(labels)[None]
        if self.flip_average:
            mirrored = None if labels is None else np.concatenate([labels, labels[..., ::-1]])
            both = self.network(torch.cat([x, x.flip(-1)]), mirrored)
            y = ((both[0] + both[1].flip(-1)) / 2).clamp(-1, 1)
        else:
            y = self.network(x, labels)[0].clamp(-1, 1)
        return ((y + 1.0) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()

    @torch.inference_mode()
    def network(self, x: torch.Tensor, labels: np.ndarray | None = None) -> torch.Tensor:
        """The bare network: float32 (N, 4, H, W) packed inputs (and optionally their int (N, H, W)
        region labels) -> float32 (N, 3, H, W) in [-1, 1]."""
        x = x.to(self.device, self.dtype, memory_format=torch.channels_last)
        network = self.fused if self.fused is not None else self.model
        return network(x, labels).float()


@dataclass(eq=False)
class NetworkPass:
    """One network pass (:meth:`Colorizer.network_pass`), kept so that the region fill and the lines can be
    done again without the network (:func:`finish_layers`): a fill slider moved shows at once. Per request:
    the shared Colorizer keeps none of it.

    sketch: uint8 (h, w) the sketch at the working size; hint_rgb uint8 (h, w, 3) and hint_mask bool (h, w):
    the hints the network saw there, White paper's included; full_sketch: uint8 (H, W) the sketch at its own
    size; paper: (gap, line level) of the regions White paper painted, None without it; colour: uint8
    (h, w, 3) the network's colours; strokes: bool (h, w) the artist's own painted pixels (None: hint_mask).
    """

    sketch: np.ndarray
    hint_rgb: np.ndarray
    hint_mask: np.ndarray
    full_sketch: np.ndarray
    paper: tuple[int, int] | None = None
    colour: np.ndarray | None = None
    strokes: np.ndarray | None = None
    labelled: dict = field(default_factory=dict, repr=False)  # fill_labels by (gap, line level), each done once
    edged: dict = field(default_factory=dict, repr=False)  # brush_edges likewise

    def regions(self, gap: int, line_level: int) -> np.ndarray:
        """The sketch's fill regions (:func:`colorizer.regions.fill_labels`) for ``gap`` and ``line_level``."""
        if (gap, line_level) not in self.labelled:
            self.labelled[gap, line_level] = fill_labels(self.sketch, RegionFill(gap=gap, line_level=line_level))
        return self.labelled[gap, line_level]

    def stroke_edges(self, gap: int, line_level: int) -> np.ndarray:
        """The artist's paint that only a brush's edge put in a region (:func:`colorizer.regions.brush_edges`)
        of :meth:`regions` for ``gap`` and ``line_level``: bool (h, w)."""
        if (gap, line_level) not in self.edged:
            strokes = self.hint_mask if self.strokes is None else self.strokes
            self.edged[gap, line_level] = brush_edges(self.regions(gap, line_level), strokes)
        return self.edged[gap, line_level]

    def finishes(self, fill: RegionFill | None) -> bool:
        """Whether :func:`finish_layers` with ``fill`` gives what a new pass would: True unless White paper
        painted other regions than ``fill``'s (another gap or line level), which the network then needs to see."""
        return self.paper is None or self.paper == paper_regions(fill)


def paper_regions(fill: RegionFill | None) -> tuple[int, int]:
    """(gap, line level) of the regions White paper paints with ``fill`` (None: the region fill's defaults)."""
    fill = RegionFill() if fill is None else fill
    return fill.gap, fill.line_level


def finish_layers(network: NetworkPass, fill: RegionFill | None, lines_on_top: bool = False,
                  with_flat: bool = True) -> dict[str, Image.Image]:
    """The layers of a :class:`NetworkPass` with a region fill (None: none) and lines: {"result": RGB composite,
    "flat": RGB colours without lines (with ``with_flat``)}, both at the sketch's own size
    (:func:`colorizer.compose.compose`). The same as :meth:`Colorizer.colorize_layers` where
    ``network.finishes(fill)``."""
    colour = network.colour
    if fill is not None:
        colour = fill_regions(colour, network.sketch, network.hint_rgb, network.hint_mask, fill,
                              network.regions(fill.gap, fill.line_level), network.strokes,
                              network.stroke_edges(fill.gap, fill.line_level))
    layers = compose(colour, network.sketch, network.full_sketch, lines_on_top, with_flat)
    return {name: Image.fromarray(layer, "RGB") for name, layer in layers.items()}


def white_paper_default(sketch: Image.Image, kind: SketchKind, work_side: int = WORK_SIDE) -> bool:
    """The app's default for *White paper*: on for an edge sketch that, at the working size, looks like a
    character on blank paper (:func:`colorizer.regions.on_blank_paper`); off for line art, whose model
    keeps paper white itself (docs/experiments.md, "White paper")."""
    if kind is not SketchKind.SOBEL:
        return False
    sketch = sketch.convert("L")
    size = working_size(sketch.size, work_side)
    return on_blank_paper(np.asarray(sketch.resize(size, Image.Resampling.BOX) if size != sketch.size else sketch))


def check_size(size: tuple[int, int], what: str) -> None:
    """Raise a ValueError that says what to do for an empty picture or one over MAX_SKETCH_SIDE px."""
    if min(size) < 1:
        raise ValueError(f"The {what} is {size[0]}x{size[1]} pixels; it needs at least 1 pixel on each side.")
    if max(size) > MAX_SKETCH_SIDE:
        raise ValueError(f"The {what} is {size[0]}x{size[1]} pixels, over the {MAX_SKETCH_SIDE} px limit; downscale "
                         "it first (colorizer.images.fit_long_side; the studio works at up to 2048 px).")


def shrink_inputs(sketch: Image.Image, hints: Image.Image | None,
                  size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sketch ("L", area-averaged) and its hints (:func:`resize_hints`, None for none) at ``size``.

    Returns:
        (sketch uint8 (h, w), hint_rgb uint8 (h, w, 3), hint_mask bool (h, w)), (w, h) = ``size``.
    """
    small_sketch = sketch.resize(size, Image.Resampling.BOX) if size != sketch.size else sketch
    small_hints = resize_hints(hints, size) if hints is not None else empty_hints(size)
    return (np.asarray(small_sketch), *hint_arrays(small_hints))
