"""Speed benchmark of the colorizer on this machine's CPU.

    python -m colorizer.bench                      # shipped model, 256 to 2048 px
    python -m colorizer.bench --sizes 256 512 --repeats 10
    python -m colorizer.bench --precision float32  # force float32 on a CPU with native bfloat16
    python -m colorizer.bench --default-malloc     # leave glibc's malloc settings alone
    python -m colorizer.bench --eager              # run the network eagerly, not through fused oneDNN kernels

Prints median and 95th-percentile latency of ``Colorizer.colorize`` (sketch + 10 strokes in,
full-size RGB out) per size, without and with the region fill the app applies by default; the
model's parameters and multiply-adds, peak memory, the time to a first result in a fresh process,
and the original prototype U-Net's latency at 256 and 512 px with the speed ratio: as it shipped (a
process of its own with every default: float32, default layout, glibc's malloc settings), and like
for like (the served precision, channels-last layout and malloc settings; run eagerly, as the
prototype has no fused runner). The networks are timed in turn, round by round, and each ratio is
the median of the rounds' ratios, so a slow spell of a shared machine slows both sides alike.
Compare other figures only within one run: a busy machine is slower.
"""
from __future__ import annotations

import argparse
import contextlib
import json
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
from .regions import add_fill_arguments, fill_from_args
from .runtime import keep_freed_memory
from .scales import add_coarse_argument, describe_passes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where ``python -m colorizer`` works


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
    times = interleaved_times({"only": function}, repeats, warmup)["only"]
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


def cold_start_seconds(checkpoint: str, precision: str = "auto", tune_malloc: bool = True,
                       fused: bool = True, coarse_side: int | None = None) -> float:
    """Fresh process: import, load the checkpoint, colour one 512 px sketch."""
    code = ("import time; t = time.perf_counter(); from colorizer import Colorizer; "
            "from colorizer.bench import sample_inputs; from colorizer.runtime import keep_freed_memory; "
            f"{tune_malloc} and keep_freed_memory(); "
            f"c = Colorizer.load({checkpoint!r}, precision={precision!r}, fused={fused}, coarse_side={coarse_side}); "
            "c.colorize(*sample_inputs(512)); "
            "print(time.perf_counter() - t)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def forward_inputs(size: int, dtype: torch.dtype = torch.float32, channels_last: bool = False) -> torch.Tensor:
    """A zero (1, 4, size, size) network input of ``dtype``, optionally in channels-last layout."""
    x = torch.zeros(1, 4, size, size, dtype=dtype)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def interleaved_times(calls: dict[str, object], rounds: int, warmup: int = 1) -> dict[str, list[float]]:
    """Wall seconds of each ``calls[name]()``, called in turn once per round.

    Timing the contenders round by round, instead of one after the other, puts a slow spell
    of a shared machine on all of them alike, so per-round ratios stay fair.
    """
    for _ in range(warmup):
        for call in calls.values():
            call()
    times = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return times


def median_ratio(slower: list[float], faster: list[float]) -> float:
    """Median over rounds of slower[i] / faster[i]."""
    return statistics.median(s / f for s, f in zip(slower, faster))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="dtype the network runs in (auto: bfloat16 where the CPU has it natively)")
    parser.add_argument("--no-prototype", action="store_true", help="skip timing the 31M prototype U-Net")
    add_fill_arguments(parser)
    parser.add_argument("--default-malloc", action="store_true",
                        help="skip colorizer.runtime.keep_freed_memory (the app calls it), to see what it buys")
    parser.add_argument("--eager", action="store_true",
                        help="run the U-Net eagerly instead of through fused oneDNN kernels, to see what they buy")
    add_coarse_argument(parser)
    parser.add_argument("--prototype-worker", metavar="CONFIG_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.region_fill = fill_from_args(parser, args)
    return args


def main(argv: list[str] | None = None) -> dict:
    """Time everything this module's docstring lists; returns the figures (seconds, MB, ratios)."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.prototype_worker:
        prototype_worker(UNetConfig.from_dict(json.loads(args.prototype_worker)))
        return {}
    kept = not args.default_malloc and keep_freed_memory()
    colorizer = Colorizer.load(args.checkpoint, precision=args.precision, fused=not args.eager,
                               coarse_side=args.coarse_side)
    figures = {"threads": args.threads, "parameters": colorizer.parameter_count,
               "macs_256": multiply_adds(colorizer.model, 256, 256), "dtype": str(colorizer.dtype),
               "kernels": colorizer.kernels}
    print(f"model {args.checkpoint}: {figures['parameters'] / 1e6:.2f} M parameters, "
          f"{figures['macs_256'] / 1e9:.2f} G multiply-adds at 256x256; {args.threads} threads; "
          f"working size {colorizer.work_side} px, {describe_passes(colorizer.coarse_side)}; "
          f"runs in {figures['dtype']} (--precision {args.precision}), {colorizer.kernels} kernels; "
          f"malloc {'keeps freed memory' if kept else 'as glibc sets it'}")
    fill = args.region_fill  # the app's defaults unless --fill-* options change them
    spread = f" (spread {fill.spread:g})" if fill.spread else ""
    for size in args.sizes:
        sketch, hints = sample_inputs(size)
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints), args.repeats)
        figures[f"colorize_{size}"] = median
        print(f"colorize {size}x{size}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
        median, p95 = latency(lambda: colorizer.colorize(sketch, hints, region_fill=fill), args.repeats)
        figures[f"colorize_fill_{size}"] = median
        print(f"colorize {size}x{size} + region fill{spread}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS of this process): {figures['peak_rss_mb']:.0f} MB")
    figures["cold_start"] = cold_start_seconds(args.checkpoint, args.precision, not args.default_malloc,
                                               not args.eager, args.coarse_side)
    print(f"first result in a fresh process (import + load + 512 px colorize): {figures['cold_start']:.2f} s")
    if not args.no_prototype:
        figures |= compare_prototype(colorizer, args.repeats, args.threads)
    return figures


def compare_prototype(colorizer: Colorizer, repeats: int, threads: int,
                      prototype_config: UNetConfig = UNetConfig(arch="prototype")) -> dict:
    """Network-only latency of ours (as served) and of the prototype U-Net at 256 and 512 px.

    The prototype runs as it shipped, in a child process with every default (PyTorch float32,
    default memory layout, glibc's malloc settings), and, for a fair second figure, like for
    like: in this process, in the dtype, layout and malloc settings ours is served with. The
    three are timed in turn for max(5, repeats // 2) rounds (see :func:`interleaved_times`).
    ``prototype_config`` lets tests time a tiny stand-in.
    """
    prototype_alike = build_model(prototype_config).eval().to(dtype=colorizer.dtype,
                                                              memory_format=torch.channels_last)
    millions = count_parameters(prototype_alike) / 1e6
    figures = {}
    with prototype_process(prototype_config, threads) as prototype:
        for size in (256, 512):
            x, x_alike = forward_inputs(size), forward_inputs(size, colorizer.dtype, True)
            with torch.inference_mode():
                times = interleaved_times({"ours": lambda: colorizer.network(x), "prototype": lambda: prototype(size),
                                           "alike": lambda: prototype_alike(x_alike)}, max(5, repeats // 2))
            ours, theirs, alike = (statistics.median(times[name]) for name in ("ours", "prototype", "alike"))
            speedup = median_ratio(times["prototype"], times["ours"])
            speedup_alike = median_ratio(times["alike"], times["ours"])
            figures |= {f"network_{size}": ours, f"prototype_{size}": theirs, f"speedup_{size}": speedup,
                        f"prototype_alike_{size}": alike, f"speedup_alike_{size}": speedup_alike}
            print(f"network only {size}x{size}: ours {ours * 1000:.1f} ms; prototype as shipped ({millions:.1f} M, "
                  f"float32) {theirs * 1000:.1f} ms -> {speedup:.1f}x faster; like for like ({colorizer.dtype_name}, "
                  f"channels-last, same malloc) {alike * 1000:.1f} ms -> {speedup_alike:.1f}x")
    return figures


@contextlib.contextmanager
def prototype_process(config: UNetConfig, threads: int):
    """A child process holding the network ``config`` describes, with PyTorch and glibc defaults.

    Yields ``forward(size)``, which runs one (1, 4, size, size) float32 pass there and returns
    when it is done (the pipe's round trip is well under a millisecond).
    """
    command = [sys.executable, "-m", "colorizer.bench", "--threads", str(threads),
               "--prototype-worker", json.dumps(config.as_dict())]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def forward(size: int) -> None:
        child.stdin.write(f"{size}\n")
        child.stdin.flush()
        if child.stdout.readline().strip() != "done":
            raise RuntimeError(f"The prototype timing process stopped (exit code {child.poll()}); see its error above.")

    try:
        yield forward
    finally:
        child.stdin.close()
        child.wait()


def prototype_worker(config: UNetConfig) -> None:
    """Child side of :func:`prototype_process`: one forward pass per size read from stdin."""
    network = build_model(config).eval()
    with torch.inference_mode():
        for line in sys.stdin:
            network(forward_inputs(int(line)))
            print("done", flush=True)


if __name__ == "__main__":
    main()
