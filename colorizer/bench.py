"""Speed benchmark of the colorizer on this machine's CPU (run it as ``python -m colorizer bench``).

Prints median and 95th-percentile latency of ``Colorizer.colorize`` (sketch + 10 strokes in,
full-size RGB out) per size: alone, with the region fill the app applies by default, and with White
paper too; moving those strokes onto the next frame of a cut (``colorizer.motion.follow_motion``,
no model); the model's parameters and multiply-adds, the server's share of a live preview and of a
region fill slider moved (the result filled again without the network), the download at a large
picture's own size and its transparent paper, the Sketch page's sketches and notes for a 2048 px
photo of line art, peak memory and the time to a first result in a fresh process. Compare figures
only within one run: a busy machine is slower.
"""
from __future__ import annotations

import io
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from .compose import enlarge
from .layers import png_bytes
from .motion import follow_motion
from .cutout import transparent_paper
from .page import find_page, straighten_page
from .pipeline import FLIP_AVERAGE, Colorizer, finish_layers
from .regions import RegionFill
from .runtime import keep_freed_memory
from .sketch import faint_marks, line_art_sketch, looks_like_line_art, sobel_sketch, uneven_paper

ROOT = Path(__file__).resolve().parent.parent  # where ``python -m colorizer`` works


def full_size_seconds(colorizer: Colorizer, region_fill: RegionFill, repeats: int) -> float:
    """Median seconds of the Colorize page's *Download full size* for a 4096 px picture shown at 2048 px: the
    result and flat layer at 2048 px brought to the 4096 px sketch's size (lines on top), then PNG-encoded."""
    sketch, hints = sample_inputs(2048)
    layers = colorizer.colorize_layers(sketch, hints, lines_on_top=True, region_fill=region_fill)
    big = sketch.resize((4096, 4096), Image.Resampling.NEAREST)
    make = lambda: png_bytes(enlarge(layers["result"], layers["flat"], sketch, big, lines_on_top=True)["result"])
    return latency(make, repeats, warmup=1)[0]


def transparent_seconds(colorizer: Colorizer, region_fill: RegionFill, repeats: int) -> dict[str, float]:
    """Median seconds of *Transparent paper* (:func:`colorizer.cutout.transparent_paper`) on a result coloured with
    White paper: the Colorize page's preview (1024 px, once per result) and the extra step of a 4096 px full-size
    download (result and flat layer)."""
    sketch, hints = sample_inputs(1024)
    layers = colorizer.colorize_layers(sketch, hints, region_fill=region_fill, white_paper=True)
    big = {name: layer.resize((4096, 4096), Image.Resampling.NEAREST) for name, layer in layers.items()}
    big_sketch = sketch.resize((4096, 4096), Image.Resampling.NEAREST)
    return {"preview": latency(lambda: transparent_paper(layers, sketch, region_fill), repeats, warmup=1)[0],
            "download": latency(lambda: transparent_paper(big, big_sketch, region_fill), repeats, warmup=1)[0]}


SHEET = np.array([[0.2, 0.1], [0.8, 0.15], [0.85, 0.9], [0.15, 0.85]], np.float32)  # a sheet seen at an angle


def sketch_page_seconds(repeats: int) -> dict[str, float]:
    """Median seconds of the Sketch page's work on a 2048 px photo of line art (sample_inputs' shapes under light
    falling off by 40 % across the page): per slider move, the Sobel sketch, the evened line-art sketch and its
    notes (uneven_paper, faint_marks); once per upload, looks_like_line_art both ways and find_page; and
    straightening a 12 MP (4000x3000) photo's sheet at its own size (straighten_page)."""
    lines = np.asarray(sample_inputs(2048)[0], np.float32)
    photo = Image.fromarray(np.round(lines * (1 - 0.4 * np.linspace(0, 1, 2048, dtype=np.float32))).astype(np.uint8))
    sketch, big = line_art_sketch(photo), photo.convert("RGB").resize((4000, 3000))
    timed = {"sobel": lambda: sobel_sketch(photo), "line_art": lambda: line_art_sketch(photo),
             "notes": lambda: (uneven_paper(photo), faint_marks(sketch)),
             "looks": lambda: (looks_like_line_art(photo), looks_like_line_art(photo, invert=True)),
             "page": lambda: find_page(photo), "straighten": lambda: straighten_page(big, SHEET)}
    return {name: latency(function, repeats, warmup=1)[0] for name, function in timed.items()}


def sample_inputs(size: int, seed: int = 0) -> tuple[Image.Image, Image.Image]:
    """A size x size sketch of outlined shapes and 10 coloured strokes (RGBA) over it."""
    rng = np.random.default_rng(seed)
    sketch = np.full((size, size), 255, np.uint8)
    hints = np.zeros((size, size, 4), np.uint8)
    for _ in range(12):
        centre = tuple(int(v) for v in rng.integers(0, size, 2))
        axes = tuple(int(v) for v in rng.integers(size // 16, size // 4, 2))
        cv2.ellipse(sketch, centre, axes, 0, 0, 360, 0, max(1, size // 256))
    for _ in range(10):
        points = rng.integers(0, size, (3, 1, 2)).astype(np.int32)
        colour = (*(int(v) for v in rng.integers(0, 256, 3)), 255)
        cv2.polylines(hints, [points], False, colour, max(1, size // 100))
    return Image.fromarray(sketch, "L"), Image.fromarray(hints, "RGBA")


def latency(function, repeats: int, warmup: int = 2) -> tuple[float, float]:
    """(median, 95th percentile) wall time of ``function()`` in seconds."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), float(np.percentile(times, 95))


def multiply_adds(model: torch.nn.Module, height: int, width: int) -> int:
    """Multiply-adds of one forward pass on a (1, 4, height, width) input (conv layers)."""
    total = 0

    def count(module, inputs, output):
        nonlocal total
        kernel = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
        total += kernel * output.numel()

    hooks = [m.register_forward_hook(count) for m in model.modules()
             if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    with torch.inference_mode():
        model(torch.zeros(1, 4, height, width, dtype=next(model.parameters()).dtype))
    for hook in hooks:
        hook.remove()
    return total


def preview_jpeg(image: Image.Image) -> bytes:
    """The picture as the Colorize page sends it to the browser (JPEG, Streamlit's default quality)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=75)
    return buffer.getvalue()


def cold_start_seconds(checkpoint: str, precision: str = "auto", tune_malloc: bool = True,
                       fused: bool = True, flip_average: bool = FLIP_AVERAGE) -> float:
    """Fresh process: import, load the checkpoint, colour one 512 px sketch."""
    code = ("import time; t = time.perf_counter(); from colorizer import Colorizer; "
            "from colorizer.bench import sample_inputs; from colorizer.runtime import keep_freed_memory; "
            f"{tune_malloc} and keep_freed_memory(); "
            f"c = Colorizer.load({checkpoint!r}, precision={precision!r}, fused={fused}, flip_average={flip_average}); "
            "c.colorize(*sample_inputs(512)); "
            "print(time.perf_counter() - t)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def run(checkpoint, sizes=(256, 512, 1024, 2048), repeats: int = 20, precision: str = "auto",
        region_fill: RegionFill = RegionFill(), tune_malloc: bool = True, fused: bool = True,
        flip_average: bool = FLIP_AVERAGE) -> dict:
    """Time everything this module's docstring lists and print it; returns the figures (seconds, MB).

    ``tune_malloc`` calls :func:`keep_freed_memory` as the app does; ``fused`` runs the fused oneDNN
    kernels as the app does; ``flip_average`` averages over the mirrored sketch as the app does.
    """
    threads = torch.get_num_threads()
    kept = tune_malloc and keep_freed_memory()
    colorizer = Colorizer.load(checkpoint, precision=precision, fused=fused, flip_average=flip_average)
    figures = {"threads": threads, "parameters": colorizer.parameter_count,
               "macs_256": multiply_adds(colorizer.model, 256, 256), "dtype": str(colorizer.dtype),
               "kernels": colorizer.kernels}
    print(f"model {checkpoint}: {figures['parameters'] / 1e6:.2f} M parameters, "
          f"{figures['macs_256'] / 1e9:.2f} G multiply-adds at 256x256; {threads} threads; "
          f"working size {colorizer.work_side} px; "
          f"runs in {figures['dtype']} (--precision {precision}), {colorizer.kernels} kernels, "
          f"{'averaged over the mirrored sketch' if flip_average else 'one pass'}; "
          f"malloc {'keeps freed memory' if kept else 'as glibc sets it'}")
    for size in sizes:
        sketch, hints = sample_inputs(size)
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints), repeats)
        figures[f"colorize_{size}"] = median
        print(f"colorize {size}x{size}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints, region_fill=region_fill), repeats)
        figures[f"colorize_fill_{size}"] = median
        print(f"colorize {size}x{size} + region fill: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints, region_fill=region_fill, white_paper=True),
                              repeats)
        figures[f"colorize_paper_{size}"] = median
        print(f"colorize {size}x{size} + region fill + white paper: median {median * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms")
        moved = Image.fromarray(np.roll(np.asarray(sketch), (size // 50, size // 40), axis=(0, 1)), "L")
        median, p95 = latency(lambda: follow_motion(hints, sketch, moved), repeats)
        figures[f"follow_motion_{size}"] = median
        print(f"scribbles moved onto the next frame {size}x{size}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    sketch, hints = sample_inputs(512)
    median, p95 = latency(lambda: preview_jpeg(colorizer.colorize(sketch, hints, region_fill=region_fill)), repeats)
    figures["preview_512"] = median
    print(f"live preview, server side (512 px colorize + region fill + the JPEG the page shows): "
          f"median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (in the browser: python -m tests.latency)")
    network = colorizer.network_pass(sketch, hints, region_fill=region_fill)
    flatter = replace(region_fill, flatness=min(1.0, region_fill.flatness + 0.4))  # only the slider moved
    median, p95 = latency(lambda: preview_jpeg(finish_layers(network, flatter)["result"]), repeats)
    figures["refill_512"] = median
    print(f"a region fill slider moved (the 512 px result filled again without the network, and its JPEG): "
          f"median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    figures["full_size_4096"] = full_size_seconds(colorizer, region_fill, min(repeats, 3))
    print(f"full-size download (a 2048 px result brought to 4096 px with its sketch's own lines, and the PNG): "
          f"median {figures['full_size_4096'] * 1000:.0f} ms")
    cut = transparent_seconds(colorizer, region_fill, min(repeats, 3))
    figures.update({f"transparent_{name}": seconds for name, seconds in cut.items()})
    print(f"transparent paper: the Colorize page's 1024 px preview {cut['preview'] * 1000:.0f} ms (once per "
          f"result); a 4096 px download's cut-out {cut['download'] * 1000:.0f} ms more")
    page = sketch_page_seconds(min(repeats, 5))
    figures.update({f"sketch_page_{name}": seconds for name, seconds in page.items()})
    print(f"Sketch page, a 2048 px photo of line art: per slider move, Sobel sketch {page['sobel'] * 1000:.0f} ms, or "
          f"line-art sketch evened {page['line_art'] * 1000:.0f} ms + its notes {page['notes'] * 1000:.0f} ms; "
          f"the line-art check once per upload {page['looks'] * 1000:.0f} ms, the sheet check "
          f"{page['page'] * 1000:.0f} ms; a 12 MP photo's sheet straightened {page['straighten'] * 1000:.0f} ms")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS of this process): {figures['peak_rss_mb']:.0f} MB")
    figures["cold_start"] = cold_start_seconds(str(checkpoint), precision, tune_malloc, fused, flip_average)
    print(f"first result in a fresh process (import + load + 512 px colorize): {figures['cold_start']:.2f} s")
    return figures
