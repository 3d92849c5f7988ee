"""Speed benchmark of the colorizer on this machine's CPU.

    python -m colorizer.bench                      # shipped model, 256 to 2048 px
    python -m colorizer.bench --sizes 256 512 --repeats 10
    python -m colorizer.bench --precision float32  # force float32 on a CPU with native bfloat16

Prints median and 95th-percentile latency of ``Colorizer.colorize`` (sketch + 10 strokes in,
full-size RGB out) per size, the model's parameters and multiply-adds, peak memory, the time
to a first result in a fresh process, and the original prototype U-Net's latency at 256 and
512 px with the speed ratio: as it shipped (float32, default layout), and like for like (the
served precision and channels-last layout). Compare figures only within one run: a busy
machine is slower.
"""
from __future__ import annotations

import argparse
import copy
import os
import resource
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np
import torch
from PIL import Image

from .checkpoint import DEFAULT_CHECKPOINT
from .model import UNetConfig, build_model, count_parameters
from .pipeline import PRECISIONS, Colorizer


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


def cold_start_seconds(checkpoint: str, precision: str = "auto") -> float:
    """Fresh process: import, load the checkpoint, colour one 512 px sketch."""
    code = ("import time; t = time.perf_counter(); from colorizer import Colorizer; "
            "from colorizer.bench import sample_inputs; "
            f"c = Colorizer.load({checkpoint!r}, precision={precision!r}); c.colorize(*sample_inputs(512)); "
            "print(time.perf_counter() - t)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def forward_latency(network, size: int, repeats: int, channels_last: bool = False,
                    dtype: torch.dtype = torch.float32) -> tuple[float, float]:
    """(median, p95) seconds of ``network`` on a (1, 4, size, size) input of ``dtype``."""
    x = torch.zeros(1, 4, size, size, dtype=dtype)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        return latency(lambda: network(x), repeats)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="dtype the network runs in (auto: bfloat16 where the CPU has it natively)")
    parser.add_argument("--no-prototype", action="store_true", help="skip timing the 31M prototype U-Net")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    colorizer = Colorizer.load(args.checkpoint, precision=args.precision)
    figures = {"threads": args.threads, "parameters": colorizer.parameter_count,
               "macs_256": multiply_adds(colorizer.model, 256, 256), "dtype": str(colorizer.dtype)}
    print(f"model {args.checkpoint}: {figures['parameters'] / 1e6:.2f} M parameters, "
          f"{figures['macs_256'] / 1e9:.2f} G multiply-adds at 256x256; {args.threads} threads; "
          f"working size {colorizer.work_side} px; runs in {figures['dtype']} (--precision {args.precision})")
    for size in args.sizes:
        sketch, hints = sample_inputs(size)
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints), args.repeats)
        figures[f"colorize_{size}"] = median
        print(f"colorize {size}x{size}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS of this process): {figures['peak_rss_mb']:.0f} MB")
    figures["cold_start"] = cold_start_seconds(args.checkpoint, args.precision)
    print(f"first result in a fresh process (import + load + 512 px colorize): {figures['cold_start']:.2f} s")
    if not args.no_prototype:
        figures |= compare_prototype(colorizer, args.repeats)
    return figures


def compare_prototype(colorizer: Colorizer, repeats: int) -> dict:
    """Network-only latency of ours (as served) and of the prototype U-Net at 256 and 512 px.

    The prototype runs as it shipped (plain PyTorch, float32, default memory layout) and, for a
    fair second figure, like for like: in the dtype and channels-last layout ours is served in.
    """
    prototype = build_model(UNetConfig(arch="prototype")).eval()
    prototype_alike = copy.deepcopy(prototype).to(dtype=colorizer.dtype, memory_format=torch.channels_last)
    figures = {}
    for size in (256, 512):
        ours, _ = forward_latency(colorizer.network, size, repeats)
        theirs, _ = forward_latency(prototype, size, max(3, repeats // 4))
        alike, _ = forward_latency(prototype_alike, size, max(3, repeats // 4), True, colorizer.dtype)
        figures |= {f"network_{size}": ours, f"prototype_{size}": theirs, f"speedup_{size}": theirs / ours,
                    f"prototype_alike_{size}": alike, f"speedup_alike_{size}": alike / ours}
        print(f"network only {size}x{size}: ours {ours * 1000:.1f} ms; prototype ({count_parameters(prototype) / 1e6:.1f} M) "
              f"{theirs * 1000:.1f} ms -> {theirs / ours:.1f}x faster; prototype like for like "
              f"({colorizer.dtype_name}, channels-last) {alike * 1000:.1f} ms -> {alike / ours:.1f}x")
    return figures


if __name__ == "__main__":
    main()
