"""Read what a shipped model's files say about it: its benchmark summary and its loss curve.

The pages show these figures; nothing about a run is written into page code. The benchmark
summary is what ``python -m training.evaluate`` writes (models/eval/summary.csv for the model
for edge sketches); the loss curve is ``<checkpoint stem>_loss_curve.png`` beside the checkpoint.
"""
from __future__ import annotations

import csv
from pathlib import Path

APP_DEFAULT = "model + region fill"  # the benchmark's row for what the Colorize page shows


def loss_curve(checkpoint: Path) -> Path | None:
    """The training curve PNG beside a checkpoint, or None when it has none."""
    curve = checkpoint.with_name(f"{checkpoint.stem}_loss_curve.png")
    return curve if curve.is_file() else None


def benchmark_dir(checkpoint: Path) -> Path:
    """Where a checkpoint's benchmark files lie: ``eval/`` beside the Sobel model, ``eval_<stem>/`` else."""
    name = "eval" if checkpoint.stem == "colorizer" else f"eval_{checkpoint.stem.removeprefix('colorizer_')}"
    return checkpoint.with_name(name)


def headline_psnr(summary_csv: Path, strokes: int = 10) -> float | None:
    """The app default's mean PSNR (dB) at ``strokes`` region strokes on the benchmark's own sketch
    (sobel/region rows), from a summary.csv; None when the file or the row is missing."""
    if not summary_csv.is_file():
        return None
    with summary_csv.open() as handle:
        for row in csv.DictReader(handle):
            if (row["hints"], int(row["strokes"]), row["method"]) == ("region", strokes, APP_DEFAULT):
                return float(row["psnr"])
    return None
