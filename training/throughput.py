"""How fast one data-loader worker makes training samples: sizes ``--workers`` for a GPU run.

    python -m training.throughput --data=../shared/data/anime-faces-256/train --crop=256 --max_scale=2

Takes ``training.train``'s options (``--key=value``) plus ``--samples=N`` (default 200). Every
sample is made on the CPU (sketch, simulated hints, augmentation, k-means palette), so a GPU
step waits for ``batch_size`` of them; this prints one worker's rate, on one thread, and the
workers that given steps per second need at the run's batch size.
"""
from __future__ import annotations

import math
import sys
import time

import torch

from .config import TrainConfig, parse_overrides
from .data import SampleDataset, load_rows

STEP_RATES = (5, 10, 20, 50)  # steps/s a GPU might run at, for the workers table


def sample_rate(config: TrainConfig, samples: int) -> float:
    """Samples per second one worker makes for ``config``, over ``samples`` samples after a short
    warm-up (seeded, so repeatable); reads at most ``samples`` pictures from ``config.data``."""
    rows = load_rows(config.data, "train", samples, columns=("full_colour",))
    if not rows:
        raise SystemExit(f"No usable colour images in {config.data}.")
    dataset = SampleDataset(rows, config)
    for seed in range(min(5, samples)):
        dataset[(seed % len(rows), seed)]
    started = time.perf_counter()
    for index in range(samples):
        dataset[(index % len(rows), config.seed + 1000 + index)]
    return samples / (time.perf_counter() - started)


def workers_needed(rate: float, batch_size: int, steps_per_second: float) -> int:
    """Workers (each making ``rate`` samples/s) that keep ``steps_per_second`` steps of ``batch_size`` fed."""
    return math.ceil(steps_per_second * batch_size / rate)


def split_samples(argv: list[str]) -> tuple[int, list[str]]:
    """Take ``--samples=N`` out of ``argv``; the rest are training options."""
    samples, rest = 200, []
    for arg in argv:
        if arg.startswith("--samples="):
            samples = int(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    if samples < 1:
        raise SystemExit("--samples must be at least 1.")
    return samples, rest


def main(argv: list[str] | None = None) -> float:
    samples, options = split_samples(sys.argv[1:] if argv is None else argv)
    config = parse_overrides(options)
    torch.set_num_threads(1)  # as in a DataLoader worker
    rate = sample_rate(config, samples)
    print(f"{rate:.1f} samples/s per worker ({1000 / rate:.1f} ms each), crop {config.crop}, "
          f"max_scale {config.max_scale}, recolour_clusters {config.recolour_clusters}, "
          f"foreign_sketches {config.foreign_sketches}")
    for steps in STEP_RATES:
        print(f"  {steps:>3} steps/s at batch {config.batch_size}: --workers={workers_needed(rate, config.batch_size, steps)}")
    return rate


if __name__ == "__main__":
    main()
