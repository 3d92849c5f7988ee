"""Set the serving settings of a checkpoint (meta["inference"]), chosen for its weights.

    python -m training.serving models/colorizer_line_art.pt --coarse_side 256

``coarse_side``: long side of the coarse pass that sets region colours of large hinted inputs
(colorizer/scales.py); 0 runs one pass. A setting belongs to one set of weights: training
does not write it and ``training.average`` drops it, so each new model is benchmarked first
(models/MODEL_CARD.md, "Two-scale inference").
"""
from __future__ import annotations

import argparse
from pathlib import Path

from colorizer.checkpoint import inference_settings, read_checkpoint, write_payload


def set_inference(path: Path, out: Path | None = None, **settings) -> Path:
    """Write ``path`` with ``settings`` merged into its meta["inference"] to ``out`` (default:
    ``path`` itself, atomically); weights and every other entry stay as they are.

    Raises:
        CheckpointError: ``path`` is missing or not a colorizer checkpoint.
    """
    payload = read_checkpoint(path)
    meta = dict(payload.get("meta", {}))
    meta["inference"] = {**inference_settings(meta), **settings}
    return write_payload(out or path, {**payload, "meta": meta})


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--coarse_side", type=int, required=True, help="e.g. 256; 0 for one pass")
    parser.add_argument("--out", type=Path, default=None, help="write here instead of in place")
    args = parser.parse_args(argv)
    if args.coarse_side < 0:
        parser.error("--coarse_side must be 0 (one pass) or a side in pixels, e.g. 256")
    out = set_inference(args.checkpoint, args.out, coarse_side=args.coarse_side)
    print(f"{out}: coarse_side set to {args.coarse_side}")
    return out


if __name__ == "__main__":
    main()
