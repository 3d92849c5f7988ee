"""Average the weights of checkpoints of one network (a "model soup", Wortsman et al. 2022).

    python -m training.average runs/v1/final.pt runs/v1-long/final.pt --weights 0.65 0.35 --out runs/soup.pt

A run and its warm-started continuation lie in one basin of the loss, so a weighted mean of
their weights is itself a working network, and the weight picks a point between them: the
shipped model mixes the 99-minute run with its 72-minute continuation, which colours better
but leaks more across lines (docs/experiments.md, "Longer training and a weight average").
"""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import torch

from colorizer.checkpoint import load_model, save_checkpoint


def average_state_dicts(states: list[dict], weights: list[float]) -> dict:
    """Weighted mean of the floating-point tensors of ``states`` (same keys and shapes).

    ``weights`` are positive and normalised to sum to 1. Integer buffers (batch norm's
    step counters) are taken from the last state.
    """
    if len(states) != len(weights) or not states:
        raise ValueError(f"Give one weight per checkpoint: {len(states)} checkpoints, {len(weights)} weights.")
    if min(weights) <= 0:
        raise ValueError(f"Weights must be positive, got {weights}.")
    total = sum(weights)
    averaged = {}
    for key, last in states[-1].items():
        if not last.is_floating_point():
            averaged[key] = last.clone()
            continue
        mean = sum(state[key].double() * (weight / total) for state, weight in zip(states, weights))
        averaged[key] = mean.to(last.dtype)
    return averaged


def average_checkpoints(paths: list[Path], weights: list[float], out: Path) -> Path:
    """Write a checkpoint of the weighted mean of ``paths``' weights to ``out``.

    Its meta is the last checkpoint's (so training totals count the whole chain that made it)
    plus "weight_average": [{"checkpoint", "sha256", "weight"}, ...], where sha256 (the first 16
    hex digits of the file's) still tells which file it was after a path such as models/colorizer.pt
    is overwritten by the average; the last one's validation PSNR and the meta["inference"] older
    checkpoints carry (serving settings chosen for their own weights) are dropped, as they do not
    describe the average.

    Raises:
        CheckpointError: a file is missing or not a colorizer checkpoint.
        ValueError: the checkpoints hold different networks, or the weights do not fit.
    """
    loaded = [load_model(path) for path in paths]
    model = loaded[-1][0]
    if any(m.config != model.config for m, _ in loaded):
        raise ValueError(f"Only checkpoints of one network can be averaged; these hold {[m.config for m, _ in loaded]}.")
    model.load_state_dict(average_state_dicts([m.state_dict() for m, _ in loaded], weights))
    meta = {key: value for key, value in loaded[-1][1].get("meta", {}).items()
            if key not in ("val_psnr_10_strokes", "inference")}
    meta["weight_average"] = [{"checkpoint": str(path), "sha256": file_sha256(path), "weight": weight / sum(weights)}
                              for path, weight in zip(paths, weights)]
    return save_checkpoint(out, model, meta)


def file_sha256(path: Path) -> str:
    """The first 16 hex digits of the SHA-256 of a file's bytes (``sha256sum`` prints them first)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", type=Path, nargs="+", help="checkpoints of one network")
    parser.add_argument("--weights", type=float, nargs="+", required=True, help="one positive weight per checkpoint")
    parser.add_argument("--out", type=Path, required=True, help="where to write the averaged checkpoint")
    args = parser.parse_args(argv)
    with torch.no_grad():
        out = average_checkpoints(args.checkpoints, args.weights, args.out)
    print(f"Wrote {out}")
    return out


if __name__ == "__main__":
    main()
